/*
 * alloc.c: allocations that never return NULL, a reserve for the shortage,
 * and the test fault (see alloc.h).  What is kept for a request is in the
 * account in use by the thread (its own, thread-local, unless it works for
 * another); the reserve is one block shared by the process, released at
 * most once until a request ends and sets it aside again.
 */
#include "base/alloc.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local struct alloc_account own_account;
static _Thread_local struct alloc_account *in_use; /* NULL: own_account */

static pthread_mutex_t reserve_lock = PTHREAD_MUTEX_INITIALIZER;
static void *reserve;

static void reserve_release(void)
{
	pthread_mutex_lock(&reserve_lock);
	free(reserve);
	reserve = NULL;
	pthread_mutex_unlock(&reserve_lock);
}

static void reserve_set_aside(void)
{
	pthread_mutex_lock(&reserve_lock);
	if (!reserve) {
		reserve = malloc(ALLOC_RESERVE);
		if (reserve)
			memset(reserve, 0, ALLOC_RESERVE); /* really resident */
	}
	pthread_mutex_unlock(&reserve_lock);
}

struct alloc_account *alloc_account(void)
{
	return in_use ? in_use : &own_account;
}

struct alloc_account *alloc_account_use(struct alloc_account *a)
{
	struct alloc_account *before = in_use;

	in_use = a;
	return before;
}

/* Is this allocation the one that fails on purpose? */
static int faulted(void)
{
	struct alloc_account *a = alloc_account();

	if (!a->fault_at)
		return 0;
	if (++a->fault_count != a->fault_at)
		return 0;
	return 1;
}

/* The shortage: mark the account, spend the reserve; the caller tries again. */
static void shortage(void)
{
	alloc_account()->trouble = 1;
	reserve_release();
}

static void *last_resort(size_t n)
{
	fprintf(stderr, "sanling: out of memory (%zu bytes), the reserve spent\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = faulted() ? NULL : malloc(n ? n : 1);

	if (!p) {
		shortage();
		p = malloc(n ? n : 1);
		if (!p)
			last_resort(n);
	}
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = faulted() ? NULL : calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p) {
		if (size && nmemb > (size_t)-1 / size)
			last_resort((size_t)-1);
		shortage();
		p = calloc(nmemb ? nmemb : 1, size ? size : 1);
		if (!p)
			last_resort(nmemb * size);
	}
	return p;
}

void *xrealloc(void *old, size_t n)
{
	void *p = faulted() ? NULL : realloc(old, n ? n : 1);

	if (!p) {
		shortage();
		p = realloc(old, n ? n : 1);
		if (!p)
			last_resort(n);
	}
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

char *xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

static void *json_alloc(size_t n)
{
	return xmalloc(n);
}

void alloc_init(void)
{
	json_set_alloc_funcs(json_alloc, free);
	reserve_set_aside();
}

int alloc_trouble(void)
{
	return alloc_account()->trouble;
}

void alloc_trouble_clear(void)
{
	struct alloc_account *a = alloc_account();

	if (a->trouble)
		reserve_set_aside();
	a->trouble = a->committed = 0;
}

void alloc_note_commit(void)
{
	alloc_account()->committed = 1;
}

int alloc_committed(void)
{
	return alloc_account()->committed;
}

long alloc_fault_arm(long n)
{
	struct alloc_account *a = alloc_account();
	long made = a->fault_count;

	a->fault_at = n;
	a->fault_count = 0;
	return made;
}
