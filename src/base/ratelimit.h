/*
 * ratelimit: how many of a kind of event, per key (a user, an address),
 * may be acted on per window of time, and how many were not.
 *
 * Each key may have `per_key` hits recorded per window of `window` seconds,
 * and all keys together `global` hits; a hit over either limit is only
 * counted.  When a key's window with uncounted hits has ended, the count is
 * handed back once — at the key's next hit, or by ratelimit_sweep() — so
 * that the caller can write one summary for them.  The table of keys is
 * bounded (`max_keys`); keys beyond it share one entry, "*".  Thread-safe
 * (one mutex).  Not here: what the events are or what acting on them means
 * (api_denial.c audits refused requests).
 */
#ifndef SANLING_RATELIMIT_H
#define SANLING_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

struct ratelimit;

struct ratelimit *ratelimit_new(int per_key, int global, int window, size_t max_keys);
void ratelimit_free(struct ratelimit *rl);
/* Change the hits each key may have per window (a setting that changed). */
void ratelimit_set_per_key(struct ratelimit *rl, int per_key);

/* Hits of an earlier window that were only counted: the summary to write. */
struct ratelimit_dropped {
	char key[96];
	int64_t count;		/* hits not recorded one by one */
	int64_t since;		/* the window they fell in: [since, until) */
	int64_t until;
};

/*
 * A hit of `key` (cut to 95 bytes) at time `now` (seconds).  Returns 1 when
 * it may be recorded, 0 when it is over a limit (it is counted).  When an
 * ended window of this key had uncounted hits, `*dropped` describes them
 * (count > 0) and they are forgotten; else its count is 0.
 */
int ratelimit_hit(struct ratelimit *rl, const char *key, int64_t now,
		  struct ratelimit_dropped *dropped);

/*
 * Hand every ended window with uncounted hits to `cb` (called with the
 * lock released, once per key) and forget it; forget idle keys too.
 */
void ratelimit_sweep(struct ratelimit *rl, int64_t now,
		     void (*cb)(void *arg, const struct ratelimit_dropped *d), void *arg);

#endif
