/*
 * ratelimit.c: fixed-window counters per key (see ratelimit.h).  One mutex
 * around a small table: the things it limits are rare and human-paced.
 */
#include "base/ratelimit.h"

#include <string.h>

int ratelimit_take(struct ratelimit *rl, uint64_t key, int64_t now, int limit)
{
	int64_t window = now / rl->seconds;
	struct ratelimit_slot *s = &rl->slot[key % RATELIMIT_SLOTS];
	int wait = 0;

	pthread_mutex_lock(&rl->lock);
	if (s->window != window || s->key != key) {
		if (s->window == window && s->count >= limit) {
			/* a live key holds the slot at its limit: collide on the safe side */
			wait = (int)((window + 1) * rl->seconds - now);
			goto done;
		}
		if (s->window != window || !s->count) {
			s->key = key;
			s->window = window;
			s->count = 0;
		}
	}
	if (s->count >= limit) {
		wait = (int)((window + 1) * rl->seconds - now);
		goto done;
	}
	s->count++;
done:
	pthread_mutex_unlock(&rl->lock);
	return wait;
}

void ratelimit_reset(struct ratelimit *rl)
{
	pthread_mutex_lock(&rl->lock);
	memset(rl->slot, 0, sizeof(rl->slot));
	pthread_mutex_unlock(&rl->lock);
}

uint64_t ratelimit_key(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; s && *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}
