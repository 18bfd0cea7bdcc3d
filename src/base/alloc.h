/*
 * alloc: memory for the whole program, and what happens when there is none.
 *
 * xmalloc() and its kin never return NULL.  When the C library has no
 * memory to give, the allocator marks the calling thread (its account, see
 * below) as "in trouble", releases a reserve set aside at start
 * (ALLOC_RESERVE bytes) and tries again; only when that fails too does it
 * abort, as the last resort.  A thread in trouble finishes what it is
 * doing on the reserve, but commits nothing (db_commit() refuses, a
 * savepoint too) and its request is answered 503: the work that met the
 * shortage is undone, and the server goes on.  After the
 * request the reserve is set aside again.  This is the "memory reserve"
 * of long-running servers, in place of checking every allocation's result
 * along every path (which git and redis do not do either: they die).
 *
 * For tests, the N-th allocation of a thread can be made to fail on
 * purpose (alloc_fault_arm()): it takes the same path as a real failure —
 * trouble, then the retry, which succeeds — so that a loop over N = 1, 2,
 * … walks every allocation of a request, as SQLite's test_malloc does.
 *
 * jansson and SQLite allocate through these functions too (alloc_init()).
 * libmicrohttpd, libpq and libsodium allocate for themselves.
 */
#ifndef SANLING_ALLOC_H
#define SANLING_ALLOC_H

#include <stddef.h>

#define ALLOC_RESERVE (16u << 20)

/* Set the reserve aside and route jansson's allocations here.  Once, at start. */
void alloc_init(void);

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/*
 * Did an allocation of this thread fail (really, or on purpose) since the
 * last alloc_trouble_clear()?  Clearing also sets the reserve aside again
 * if it was spent.
 */
int alloc_trouble(void);
void alloc_trouble_clear(void);

/*
 * db_commit() notes each transaction of the work it committed on this
 * thread (which it does only before any trouble): the outer one, or in a
 * batch of the group commit the work's own savepoint, kept with the batch;
 * alloc_committed() says whether one was since the last
 * alloc_trouble_clear() — whether work that met a shortage afterwards had
 * already been kept.
 */
void alloc_note_commit(void);
int alloc_committed(void);

/*
 * Tests: make the `n`-th allocation (1 = the next) of the calling thread
 * fail; 0 disarms.  Returns how many allocations the thread made since the
 * last arming (whether or not the fault was reached), so a loop knows when
 * N has passed the end of the path.
 */
long alloc_fault_arm(long n);

/*
 * What the functions above keep (a shortage met, a commit made, the test
 * fault and its count) is an account: a thread's own, unless it does work
 * that is another's.  The group commit's writer runs a request's
 * transaction on whichever thread holds the connection (db/group_commit.h):
 * it runs it on the request's account, so that a shortage met there is
 * the request's (its transaction is undone, it answers 503) and not that
 * of the thread that happened to run it; and the batch's own statements
 * run on an account of their own, nobody's request.
 *
 * alloc_account() is the account in use now; alloc_account_use(a) makes
 * `a` the one in use (NULL: the thread's own) and returns the one before,
 * to be given back to it afterwards.  An account must outlive its use.
 */
struct alloc_account {
	int trouble, committed;
	long fault_at;		/* the allocation that fails on purpose; 0: none */
	long fault_count;
};

struct alloc_account *alloc_account(void);
struct alloc_account *alloc_account_use(struct alloc_account *a);

#endif
