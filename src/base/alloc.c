/*
 * alloc.c: allocations that never return NULL, a reserve for the shortage,
 * and the test fault (see alloc.h).  Per-thread state is thread-local; the
 * reserve is one block shared by the process, released at most once until
 * a request ends and sets it aside again.
 */
#include "base/alloc.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local int trouble, committed;
static _Thread_local long fault_at;  /* the allocation that fails on purpose; 0: none */
static _Thread_local long fault_count;

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

/* Is this allocation the one that fails on purpose? */
static int faulted(void)
{
	if (!fault_at)
		return 0;
	if (++fault_count != fault_at)
		return 0;
	return 1;
}

/* The shortage: mark the thread, spend the reserve; the caller tries again. */
static void shortage(void)
{
	trouble = 1;
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
	return trouble;
}

void alloc_trouble_clear(void)
{
	if (trouble)
		reserve_set_aside();
	trouble = committed = 0;
}

void alloc_note_commit(void)
{
	committed = 1;
}

int alloc_committed(void)
{
	return committed;
}

long alloc_fault_arm(long n)
{
	long made = fault_count;

	fault_at = n;
	fault_count = 0;
	return made;
}
