/*
 * ratelimit.c: fixed windows per key in a small table scanned linearly
 * (see ratelimit.h).  The table is a few hundred entries at most, so a scan
 * costs less than the hash of a key would save; it is never allocated
 * again after ratelimit_new().
 */
#include "base/ratelimit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"

struct entry {
	char key[96];		/* "" = free */
	int64_t start;		/* its window: [start, start + window) */
	int64_t count;		/* hits recorded in it */
	int64_t dropped;	/* hits over the limit in it */
};

struct ratelimit {
	pthread_mutex_t lock;
	int per_key, global, window;
	int64_t global_start, global_count;
	size_t n;
	struct entry *e;	/* n entries; the last is "*", the shared one */
};

struct ratelimit *ratelimit_new(int per_key, int global, int window, size_t max_keys)
{
	struct ratelimit *rl = xcalloc(1, sizeof(*rl));

	if (max_keys < 2)
		max_keys = 2;
	rl->per_key = per_key;
	rl->global = global;
	rl->window = window > 0 ? window : 60;
	rl->n = max_keys;
	rl->e = xcalloc(max_keys, sizeof(*rl->e));
	strcpy(rl->e[max_keys - 1].key, "*");
	pthread_mutex_init(&rl->lock, NULL);
	return rl;
}

void ratelimit_set_per_key(struct ratelimit *rl, int per_key)
{
	pthread_mutex_lock(&rl->lock);
	rl->per_key = per_key;
	pthread_mutex_unlock(&rl->lock);
}

void ratelimit_free(struct ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl->e);
	free(rl);
}

/* Hand out the ended window of `e` if it dropped hits; 1 when it did. */
static int take_dropped(struct ratelimit *rl, struct entry *e, struct ratelimit_dropped *d)
{
	if (!e->dropped)
		return 0;
	memcpy(d->key, e->key, sizeof(d->key));
	d->count = e->dropped;
	d->since = e->start;
	d->until = e->start + rl->window;
	e->dropped = 0;
	return 1;
}

static struct entry *find(struct ratelimit *rl, const char *key, int64_t now)
{
	struct entry *free_e = NULL;
	size_t i;

	for (i = 0; i + 1 < rl->n; i++) {
		struct entry *e = &rl->e[i];

		if (!strcmp(e->key, key))
			return e;
		/* a free entry, or one idle since its window ended with nothing owed */
		if (!free_e && (!e->key[0] || (now >= e->start + rl->window && !e->dropped)))
			free_e = e;
	}
	if (!free_e)
		return &rl->e[rl->n - 1];
	memset(free_e, 0, sizeof(*free_e));
	memcpy(free_e->key, key, sizeof(free_e->key) - 1);
	free_e->start = now;
	return free_e;
}

int ratelimit_hit(struct ratelimit *rl, const char *key, int64_t now,
		  struct ratelimit_dropped *dropped)
{
	char k[96];
	struct entry *e;
	int ok;

	memset(dropped, 0, sizeof(*dropped));
	strncpy(k, key, sizeof(k) - 1);
	k[sizeof(k) - 1] = '\0';
	pthread_mutex_lock(&rl->lock);
	e = find(rl, k, now);
	if (now >= e->start + rl->window) {
		take_dropped(rl, e, dropped);
		e->start = now;
		e->count = 0;
	}
	if (now >= rl->global_start + rl->window) {
		rl->global_start = now;
		rl->global_count = 0;
	}
	ok = e->count < rl->per_key && rl->global_count < rl->global;
	if (ok) {
		e->count++;
		rl->global_count++;
	} else {
		e->dropped++;
	}
	pthread_mutex_unlock(&rl->lock);
	return ok;
}

void ratelimit_sweep(struct ratelimit *rl, int64_t now,
		     void (*cb)(void *arg, const struct ratelimit_dropped *d), void *arg)
{
	size_t i;

	for (i = 0; i < rl->n; i++) {
		struct ratelimit_dropped d;
		int have = 0;

		pthread_mutex_lock(&rl->lock);
		if (rl->e[i].key[0] && now >= rl->e[i].start + rl->window) {
			have = take_dropped(rl, &rl->e[i], &d);
			if (i + 1 < rl->n)
				rl->e[i].key[0] = '\0';
		}
		pthread_mutex_unlock(&rl->lock);
		if (have)
			cb(arg, &d);
	}
}
