/*
 * group_commit.c: see group_commit.h.
 *
 * One mutex guards the state.  The connection is held by one thread at a
 * time (`busy`): a request that entered (group_commit_enter), or a runner,
 * a thread that runs the queued jobs of group_commit_run() one after the
 * other with no hand-over between them.  When the holder is done it passes
 * the connection on: to a request waiting to enter (`turn`), else to the
 * thread of the first queued job, which becomes the runner — or, when
 * nobody is left for this batch, it commits.
 *
 * The commit does not wait for the disk when the caller deferred the
 * connection's syncs (db_defer_sync): the connection passes to the next
 * batch as soon as the commit returns, and durability comes from db_sync(),
 * run outside the lock by one waiting thread at a time.  A sync covers every
 * batch committed before it began; while it runs the next batches work and
 * commit, and the next sync covers them all.
 *
 * Every thread that waits for its batch to be durable is a `struct waiter`
 * on its own stack, in a list, with its own condition variable: it is told
 * its outcome directly and woken alone.
 *
 * Metrics (base/metrics.h, kept when the server serves them): the size of
 * each batch committed, how long each write waited (for the connection, and
 * after its work for durability), how long each sync took.  Every write of
 * a batch waits once, so the waits counted equal the writes the batches
 * committed.
 *
 * Memory (base/alloc.h): a job runs on its request's account, whichever
 * thread runs it, so that a shortage met in it is its request's: its
 * savepoint is not released (db_commit), it alone is undone, its request
 * answers 503.  The batch's own statements (BEGIN, COMMIT, the sync) run
 * on an account of their own: the shortage of the request whose thread
 * happens to run them does not refuse the others' work, and they are no
 * allocation of that request's (a test's fault walks the same path
 * whoever commits).
 */
#include "db/group_commit.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "base/alloc.h"
#include "base/metrics.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "db/db_int.h"

enum { QUEUED = 1, DONE_WORK, DURABLE, FAILED };

struct waiter {
	struct waiter *next_queued;  /* the queue of jobs not yet run */
	struct waiter *next_waiting; /* the list of work done, not yet durable */
	struct group_job *job;       /* NULL: a request that entered */
	struct alloc_account *account; /* the job's request's (base/alloc.h) */
	uint64_t batch;
	uint64_t work_us;            /* its job's work took (by whichever thread ran it) */
	int state;
	pthread_cond_t wake;
};

static const uint64_t size_bounds[] = { 1, 2, 4, 8, 16, 32, 64 };
/* microseconds: 0.1 ms to 10 s */
static const uint64_t time_bounds[] = { 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000,
					100000, 250000, 500000, 1000000, 2500000, 10000000 };
#define NBOUNDS(b) (sizeof(b) / sizeof((b)[0]))

static struct metrics_family batch_sizes = {
	.name = "sanling_group_commit_batch_size",
	.help = "Writes committed together by one batch (one transaction, one sync) of the group commit.",
	.type = METRICS_HISTOGRAM, .bounds = size_bounds, .nbounds = NBOUNDS(size_bounds),
};
static struct metrics_family waits = {
	.name = "sanling_group_commit_wait_seconds",
	.help = "How long a write waited in the group commit: for the writer connection, then after "
		"its work for its batch to be durable (its own work not counted).",
	.type = METRICS_HISTOGRAM, .bounds = time_bounds, .nbounds = NBOUNDS(time_bounds),
	.unit = 1e-6,
};
static struct metrics_family syncs = {
	.name = "sanling_group_commit_sync_seconds",
	.help = "How long a sync of the writer took (it makes every batch committed before it durable).",
	.type = METRICS_HISTOGRAM, .bounds = time_bounds, .nbounds = NBOUNDS(time_bounds),
	.unit = 1e-6,
};

/*
 * group_commit_enter() to _leave(), on one thread (a thread holds the
 * connection once at a time): how long it waited for the connection.
 */
static _Thread_local uint64_t entered_wait_us;

static uint64_t now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000 + (uint64_t)t.tv_nsec / 1000;
}

struct group_commit {
	struct db *db;
	pthread_mutex_t lock;
	pthread_cond_t turn;    /* requests waiting to enter */
	pthread_cond_t arrived; /* a lingering holder: somebody came */
	int busy;            /* the connection is held (by a request, a runner, or a commit) */
	int entering;        /* requests waiting to enter */
	int open;            /* a batch transaction is open */
	int in_batch;        /* requests of the open batch so far */
	int max_batch;
	long linger_ns;      /* how long a batch waits for more requests before it commits */
	struct timespec opened; /* when the open batch was opened */
	uint64_t batch;      /* the open (or last) batch */
	uint64_t committed;  /* the last batch whose commit has returned */
	int syncing;         /* a sync is running */
	struct waiter *queue, **queue_tail;
	struct waiter *waiting;
};

struct group_commit *group_commit_new(struct db *db, int max_batch, long linger_us)
{
	struct group_commit *g = xcalloc(1, sizeof(*g));
	pthread_condattr_t a;

	g->db = db;
	g->max_batch = max_batch > 0 ? max_batch : 64;
	g->linger_ns = linger_us > 0 ? linger_us * 1000 : 0;
	g->queue_tail = &g->queue;
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->turn, NULL);
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&g->arrived, &a);
	pthread_condattr_destroy(&a);
	metrics_register(&batch_sizes);
	metrics_register(&waits);
	metrics_register(&syncs);
	return g;
}

void group_commit_free(struct group_commit *g)
{
	if (!g)
		return;
	pthread_mutex_destroy(&g->lock);
	pthread_cond_destroy(&g->turn);
	pthread_cond_destroy(&g->arrived);
	free(g);
}

/*
 * The batch's own statements: on an account of the batch's (see above),
 * the reserve set aside again if they spent it.
 */
static int batch_do(int (*op)(struct db *, struct strbuf *), struct db *db, struct strbuf *err)
{
	struct alloc_account mine = { 0 };
	struct alloc_account *before = alloc_account_use(&mine);
	int ret = op(db, err);

	alloc_trouble_clear();
	alloc_account_use(before);
	return ret;
}

/* Commit the batch, or roll it back when that fails; 0 or -1. */
static int commit_or_undo(struct db *db, struct strbuf *err)
{
	int ret = db_commit(db, err);

	if (ret)
		db_rollback(db);
	db->batch = 0;
	return ret;
}

/*
 * A job, or a request that entered, must close what it opened: a savepoint
 * left open (a refused commit not rolled back) is undone, not kept with
 * the batch.
 */
static void close_work(struct db *db)
{
	while (db->depth > 1)
		db_rollback(db);
}

/* Run `w`'s job on its request's account (see above); close what it left open. */
static void run_work(struct db *db, struct waiter *w)
{
	struct alloc_account *before = alloc_account_use(w->account);

	w->job->rc = w->job->work(db, w->job->arg);
	alloc_account_use(before);
	close_work(db);
}

/* Under the lock, by the thread taking the connection: join or open the batch. */
static int join_batch(struct group_commit *g, struct strbuf *err)
{
	if (!g->open) {
		if (batch_do(db_begin, g->db, err))
			return -1;
		g->db->batch = 1;
		g->open = 1;
		g->in_batch = 0;
		g->batch++;
		clock_gettime(CLOCK_MONOTONIC, &g->opened);
	}
	g->busy = 1;
	return 0;
}

/* Under the lock: the connection is free; wake who takes it next. */
static void wake_next(struct group_commit *g)
{
	if (g->entering > 0)
		pthread_cond_signal(&g->turn);
	else if (g->queue)
		pthread_cond_signal(&g->queue->wake);
}

/* Under the lock: more requests can join the open batch now. */
static int company(const struct group_commit *g)
{
	return (g->entering > 0 || g->queue) && g->in_batch < g->max_batch;
}

/* Under the lock: `w`'s work is done in the open batch; it waits for durability. */
static void add_waiting(struct group_commit *g, struct waiter *w)
{
	w->batch = g->batch;
	w->state = DONE_WORK;
	w->next_waiting = g->waiting;
	g->waiting = w;
}

/*
 * Under the lock: tell the waiters of batch `only` (or, when 0, of every
 * batch up to `upto`) their outcome, and wake each.
 */
static void settle(struct group_commit *g, uint64_t upto, uint64_t only, int state)
{
	struct waiter **w = &g->waiting;

	while (*w) {
		struct waiter *x = *w;

		if (only ? x->batch == only : x->batch <= upto) {
			x->state = state;
			*w = x->next_waiting;
			pthread_cond_signal(&x->wake);
		} else {
			w = &x->next_waiting;
		}
	}
}

/*
 * Under the lock, by the holder of the connection whose part is done: wait a
 * moment for company when nobody is coming and the batch has room (until one
 * comes, or time is up).
 */
static void linger(struct group_commit *g)
{
	struct timespec until = g->opened;

	if (g->linger_ns <= 0 || g->in_batch >= g->max_batch)
		return;
	until.tv_nsec += g->linger_ns;
	until.tv_sec += until.tv_nsec / 1000000000;
	until.tv_nsec %= 1000000000;
	while (!g->entering && !g->queue &&
	       pthread_cond_timedwait(&g->arrived, &g->lock, &until) == 0)
		;
}

/*
 * Under the lock, by the holder of the connection, nobody else in the batch
 * to come: commit it (the lock released meanwhile; the connection stays
 * held), then free the connection.
 */
static void commit(struct group_commit *g, struct strbuf *err)
{
	uint64_t batch = g->batch;
	int ok;

	metrics_observe(&batch_sizes, 0, (uint64_t)g->in_batch);
	pthread_mutex_unlock(&g->lock);
	ok = batch_do(commit_or_undo, g->db, err) == 0;
	pthread_mutex_lock(&g->lock);
	g->open = 0;
	g->busy = 0;
	g->committed = batch;
	if (!ok)
		settle(g, 0, batch, FAILED);
	wake_next(g);
}

/*
 * Under the lock, for a thread whose work is in a batch: wait until the batch
 * is durable.  Whoever finds its batch committed and no sync running syncs,
 * for every batch committed so far, and then wakes a waiter whose batch
 * committed meanwhile to run the next one.
 */
static int wait_durable(struct group_commit *g, struct waiter *me, struct strbuf *err)
{
	while (me->state == DONE_WORK) {
		if (g->committed >= me->batch && !g->syncing) {
			uint64_t upto = g->committed, t0;
			struct waiter *w;
			int ok;

			g->syncing = 1;
			pthread_mutex_unlock(&g->lock);
			t0 = now_us();
			ok = batch_do(db_sync, g->db, err) == 0;
			metrics_observe(&syncs, 0, now_us() - t0);
			pthread_mutex_lock(&g->lock);
			g->syncing = 0;
			settle(g, upto, 0, ok ? DURABLE : FAILED);
			for (w = g->waiting; w; w = w->next_waiting)
				if (w->batch <= g->committed) {
					pthread_cond_signal(&w->wake);
					break;
				}
		} else {
			pthread_cond_wait(&me->wake, &g->lock);
		}
	}
	return me->state == DURABLE ? 0 : -1;
}

struct db *group_commit_enter(struct group_commit *g, uint64_t *batch, struct strbuf *err)
{
	struct db *db = NULL;
	uint64_t t0 = now_us();

	pthread_mutex_lock(&g->lock);
	g->entering++;
	pthread_cond_broadcast(&g->arrived);
	while (g->busy)
		pthread_cond_wait(&g->turn, &g->lock);
	g->entering--;
	if (join_batch(g, err)) {
		wake_next(g);
	} else {
		g->in_batch++;
		*batch = g->batch;
		db = g->db;
	}
	pthread_mutex_unlock(&g->lock);
	entered_wait_us = now_us() - t0;
	return db;
}

int group_commit_leave(struct group_commit *g, uint64_t batch, struct strbuf *err)
{
	struct waiter me = { 0 };
	uint64_t t0 = now_us();
	int ret;

	close_work(g->db);
	pthread_cond_init(&me.wake, NULL);
	pthread_mutex_lock(&g->lock);
	add_waiting(g, &me);
	if (!company(g))
		linger(g);
	if (company(g)) {
		g->busy = 0;
		wake_next(g);
	} else {
		commit(g, err);
	}
	ret = wait_durable(g, &me, err);
	pthread_mutex_unlock(&g->lock);
	pthread_cond_destroy(&me.wake);
	metrics_observe(&waits, 0, entered_wait_us + now_us() - t0);
	(void)batch;
	return ret;
}

/*
 * Under the lock, by the thread that took the free connection for the queue:
 * run the queued jobs, each in the batch, until none is left or the batch is
 * full; then hand over, or commit.
 */
static void run_queue(struct group_commit *g, struct strbuf *err)
{
	for (;;) {
		while (g->queue && g->in_batch < g->max_batch) {
			struct waiter *w = g->queue;

			g->queue = w->next_queued;
			if (!g->queue)
				g->queue_tail = &g->queue;
			g->in_batch++;
			add_waiting(g, w);
			uint64_t t0;

			w->job->batch = g->batch;
			pthread_mutex_unlock(&g->lock);
			t0 = now_us();
			run_work(g->db, w);
			w->work_us = now_us() - t0;
			pthread_mutex_lock(&g->lock);
		}
		if (g->in_batch < g->max_batch && !g->entering) {
			linger(g);
			if (g->queue && g->in_batch < g->max_batch)
				continue;
		}
		break;
	}
	if (company(g)) {
		g->busy = 0;
		wake_next(g);
	} else {
		commit(g, err);
	}
}

int group_commit_run(struct group_commit *g, struct group_job *job, struct strbuf *err)
{
	struct waiter me = { .job = job, .state = QUEUED, .account = alloc_account() };
	uint64_t t0 = now_us();
	int ret;

	pthread_cond_init(&me.wake, NULL);
	pthread_mutex_lock(&g->lock);
	*g->queue_tail = &me;
	g->queue_tail = &me.next_queued;
	pthread_cond_broadcast(&g->arrived);
	/* wait until run by another, or first in the queue with the connection free */
	while (me.state == QUEUED && (g->busy || g->entering || g->queue != &me))
		pthread_cond_wait(&me.wake, &g->lock);
	if (me.state == QUEUED) {
		if (join_batch(g, err)) {
			/* no batch: every job still queued fails alike */
			while (g->queue) {
				struct waiter *w = g->queue;

				g->queue = w->next_queued;
				w->state = FAILED;
				pthread_cond_signal(&w->wake);
			}
			g->queue_tail = &g->queue;
			wake_next(g);
			pthread_mutex_unlock(&g->lock);
			pthread_cond_destroy(&me.wake);
			return -1;
		}
		run_queue(g, err);
	}
	ret = me.state == FAILED ? -1 : wait_durable(g, &me, err);
	pthread_mutex_unlock(&g->lock);
	pthread_cond_destroy(&me.wake);
	if (me.batch) /* it was in a batch */
		metrics_observe(&waits, 0, now_us() - t0 - me.work_us);
	return ret;
}

int group_commit_run_alone(struct group_commit *g, struct group_job *job, struct strbuf *err)
{
	struct waiter me = { .job = job };
	struct waiter *w;
	uint64_t t0 = now_us(), t1;
	int ret, ok = 1;

	pthread_cond_init(&me.wake, NULL);
	pthread_mutex_lock(&g->lock);
	g->entering++;
	pthread_cond_broadcast(&g->arrived);
	while (g->busy)
		pthread_cond_wait(&g->turn, &g->lock);
	g->entering--;
	g->busy = 1;
	if (g->open) {
		/* the batch of those before: commit it now, as its last holder would */
		uint64_t before = g->batch;

		metrics_observe(&batch_sizes, 0, (uint64_t)g->in_batch);
		pthread_mutex_unlock(&g->lock);
		ok = batch_do(commit_or_undo, g->db, err) == 0;
		pthread_mutex_lock(&g->lock);
		g->open = 0;
		g->committed = before;
		if (!ok)
			settle(g, 0, before, FAILED);
		/* one of its waiters syncs it (see wait_durable) */
		for (w = g->waiting; w; w = w->next_waiting)
			if (w->batch <= g->committed) {
				pthread_cond_signal(&w->wake);
				break;
			}
		if (!ok)
			strbuf_reset(err);
	}
	g->batch++;
	g->in_batch = 1;
	add_waiting(g, &me);
	job->batch = g->batch;
	metrics_observe(&batch_sizes, 0, 1);
	pthread_mutex_unlock(&g->lock);
	t1 = now_us();
	job->rc = job->work(g->db, job->arg);
	if (db_in_transaction(g->db)) /* a job must close what it opened */
		db_rollback(g->db);
	me.work_us = now_us() - t1;
	pthread_mutex_lock(&g->lock);
	g->committed = me.batch;
	g->busy = 0;
	wake_next(g);
	ret = wait_durable(g, &me, err);
	pthread_mutex_unlock(&g->lock);
	pthread_cond_destroy(&me.wake);
	metrics_observe(&waits, 0, now_us() - t0 - me.work_us);
	return ret;
}
