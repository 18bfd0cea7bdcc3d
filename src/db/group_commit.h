/*
 * group_commit: the server's writes, made durable together.
 *
 * Every state-changing request runs its work on one shared writer
 * connection, inside the batch's transaction (its own db_begin/db_commit
 * nest as savepoints, so a refused request undoes only itself).  When the
 * last request of the batch is done — nobody else is waiting for the
 * connection, or the batch is full — it commits once, and every request of
 * the batch answers only after that commit: each write is acknowledged
 * only once durable, but concurrent writes share one fsync.  Requests run
 * one after the other on the connection; the batch only saves the syncs.
 *
 * Three ways in.  group_commit_run() queues the work as a job: whichever
 * thread holds the connection runs the queued jobs one after the other, so
 * that a busy server does not hand the connection from thread to thread
 * between writes.  group_commit_enter() and _leave() let the request's own
 * thread hold the connection for work that is not a job.
 * group_commit_run_alone() runs a large job (an import's rows) as a
 * transaction of its own between two batches.
 *
 * When the connection's syncs are deferred (db_defer_sync), a batch's
 * commit frees the connection at once and the sync that makes it durable
 * runs outside, covering every batch committed before it: see
 * group_commit.c.
 */
#ifndef SANLING_GROUP_COMMIT_H
#define SANLING_GROUP_COMMIT_H

#include <stdint.h>

struct db;
struct strbuf;
struct group_commit;

/*
 * `db` (owned by the caller, used only through this from now on).  A batch
 * commits when it holds `max_batch` requests, or when its last request is
 * done and nobody is waiting — but not before `linger_us` microseconds
 * since it opened while nobody comes: concurrent requests a moment apart
 * then share its sync instead of each paying one (0: commit at once).
 */
struct group_commit *group_commit_new(struct db *db, int max_batch, long linger_us);
void group_commit_free(struct group_commit *g);

/*
 * Wait for the writer connection and join the open batch (or open one).
 * Returns the connection; `*batch` identifies the batch for _leave().
 * NULL when a batch could not be opened (the error in `err`).
 */
struct db *group_commit_enter(struct group_commit *g, uint64_t *batch, struct strbuf *err);

/*
 * Done with the connection: wait until the batch has committed (or commit
 * it, being the last).  Returns 0 when the batch is durable, -1 when its
 * commit failed (every request of it must then answer with an error).
 */
int group_commit_leave(struct group_commit *g, uint64_t batch, struct strbuf *err);

/*
 * A job: `work` runs on the connection (by whichever thread holds it) inside
 * the batch, opening its own transaction with db_begin() as any code does;
 * its return is left in `rc`, and its batch in `batch`.  It must not wait
 * for other requests: they may be waiting for it.
 */
struct group_job {
	int (*work)(struct db *db, void *arg);
	void *arg;
	int rc;
	uint64_t batch;
};

/*
 * Run `job` in a batch and return once the batch is durable: 0, or -1 when
 * no batch could be opened or its commit or sync failed (then the job's
 * work, run or not, is not stored; the error in `err` when this thread
 * was the one that met it).
 */
int group_commit_run(struct group_commit *g, struct group_job *job, struct strbuf *err);

/*
 * Run `job` alone, as a transaction of its own rather than a savepoint in a
 * shared batch: the open batch (others' work) is committed first, then
 * `work` runs on the connection with no transaction open, so that its own
 * db_begin()/db_commit() are the real BEGIN and COMMIT; then the
 * connection passes on.  Returns once that commit is durable, as
 * group_commit_run() does (a job that rolled back is "durable" too: there
 * is nothing to sync).  For large writes (an import's rows): a savepoint
 * over thousands of rows makes SQLite's statement journals cost more with
 * every row (see entity_io.c), and a failure must not undo anyone else.
 */
int group_commit_run_alone(struct group_commit *g, struct group_job *job, struct strbuf *err);

#endif
