/*
 * group_commit.c: see group_commit.h.  One mutex and two condition
 * variables: `turn` hands the connection to the next waiting request,
 * `done` wakes the requests of a batch when it has committed, and
 * `arrived` wakes a batch that lingers for company.  The results
 * of the last batches are kept in a small ring so that a request woken late
 * still reads its own batch's outcome.
 */
#include "db/group_commit.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "base/strbuf.h"
#include "db/db.h"

#define RING 64

struct group_commit {
	struct db *db;
	pthread_mutex_t lock;
	pthread_cond_t turn, done, arrived;
	int busy;            /* a request is using the connection */
	int waiting;         /* requests waiting for it */
	int open;            /* a batch transaction is open */
	int in_batch;        /* requests of the open batch so far */
	int max_batch;
	long linger_ns;      /* how long a batch waits for more requests before it commits */
	struct timespec opened; /* when the open batch was opened */
	uint64_t batch;      /* the open (or last) batch */
	uint64_t committed;  /* the last batch finished */
	unsigned char ok[RING];
};

struct group_commit *group_commit_new(struct db *db, int max_batch, long linger_us)
{
	struct group_commit *g = calloc(1, sizeof(*g));

	if (!g)
		abort();
	g->db = db;
	g->max_batch = max_batch > 0 ? max_batch : 64;
	g->linger_ns = linger_us > 0 ? linger_us * 1000 : 0;
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->turn, NULL);
	pthread_cond_init(&g->done, NULL);
	{
		pthread_condattr_t a;
		pthread_condattr_init(&a);
		pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
		pthread_cond_init(&g->arrived, &a);
		pthread_condattr_destroy(&a);
	}
	return g;
}

void group_commit_free(struct group_commit *g)
{
	if (!g)
		return;
	pthread_mutex_destroy(&g->lock);
	pthread_cond_destroy(&g->turn);
	pthread_cond_destroy(&g->done);
	pthread_cond_destroy(&g->arrived);
	free(g);
}

struct db *group_commit_enter(struct group_commit *g, uint64_t *batch, struct strbuf *err)
{
	struct db *db = NULL;

	pthread_mutex_lock(&g->lock);
	g->waiting++;
	pthread_cond_broadcast(&g->arrived);
	while (g->busy)
		pthread_cond_wait(&g->turn, &g->lock);
	g->waiting--;
	if (!g->open) {
		if (db_begin(g->db, err)) {
			pthread_cond_signal(&g->turn);
			goto out;
		}
		g->open = 1;
		g->in_batch = 0;
		g->batch++;
		clock_gettime(CLOCK_MONOTONIC, &g->opened);
	}
	g->busy = 1;
	g->in_batch++;
	*batch = g->batch;
	db = g->db;
out:
	pthread_mutex_unlock(&g->lock);
	return db;
}

int group_commit_leave(struct group_commit *g, uint64_t batch, struct strbuf *err)
{
	int ok;

	pthread_mutex_lock(&g->lock);
	g->busy = 0;
	if (g->linger_ns > 0 && g->waiting == 0 && g->in_batch < g->max_batch) {
		/*
		 * nobody waits yet: give the others a moment to join before paying
		 * the sync (until one comes, another lingerer commits, or time is up)
		 */
		struct timespec until = g->opened;
		until.tv_nsec += g->linger_ns;
		until.tv_sec += until.tv_nsec / 1000000000;
		until.tv_nsec %= 1000000000;
		while (g->waiting == 0 && !g->busy && g->committed < batch &&
		       pthread_cond_timedwait(&g->arrived, &g->lock, &until) == 0)
			;
	}
	if (g->committed >= batch) {
		/* committed meanwhile by another request of the batch */
	} else if (g->busy || (g->waiting > 0 && g->in_batch < g->max_batch)) {
		/*
		 * one joined while this one lingered and works on, or others
		 * wait to join: the last of them commits the batch
		 */
		if (!g->busy)
			pthread_cond_signal(&g->turn);
		while (g->committed < batch)
			pthread_cond_wait(&g->done, &g->lock);
	} else {
		ok = db_commit(g->db, err) == 0;
		if (!ok)
			db_rollback(g->db);
		g->open = 0;
		g->ok[batch % RING] = (unsigned char)ok;
		g->committed = batch;
		pthread_cond_broadcast(&g->done);
		pthread_cond_broadcast(&g->arrived);
		pthread_cond_signal(&g->turn);
	}
	ok = g->ok[batch % RING];
	pthread_mutex_unlock(&g->lock);
	return ok ? 0 : -1;
}
