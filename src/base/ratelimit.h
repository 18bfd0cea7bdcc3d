/*
 * ratelimit: how often one key (a user, a source address) may do a thing,
 * counted in fixed windows of time, in memory.
 *
 * A table of a fixed number of slots shared by the threads of one process;
 * a key hashes to one slot, and a slot taken by another key whose window is
 * over is reused.  Two live keys that collide share a count, which errs on
 * the side of refusing.  Not persistent: a restart forgets every count.
 * Not a security boundary by itself — it bounds how fast something that is
 * allowed and audited can be done.
 */
#ifndef SANLING_RATELIMIT_H
#define SANLING_RATELIMIT_H

#include <pthread.h>
#include <stdint.h>

#define RATELIMIT_SLOTS 512

struct ratelimit_slot {
	uint64_t key;
	int64_t window; /* the window's number: now / seconds */
	int count;
};

struct ratelimit {
	int seconds; /* the window's length */
	pthread_mutex_t lock;
	struct ratelimit_slot slot[RATELIMIT_SLOTS];
};

#define RATELIMIT_INIT(seconds_) { .seconds = (seconds_), .lock = PTHREAD_MUTEX_INITIALIZER }

/*
 * Count one more for `key` at time `now` (seconds), allowing at most
 * `limit` in a window.  Returns 0 when it is within the limit, else the
 * seconds until the window ends (at least 1); a refused attempt is not
 * counted.
 */
int ratelimit_take(struct ratelimit *rl, uint64_t key, int64_t now, int limit);

/* Forget every count (tests). */
void ratelimit_reset(struct ratelimit *rl);

/* A key for a string (a user name, an address): 64-bit FNV-1a. */
uint64_t ratelimit_key(const char *s);

#endif
