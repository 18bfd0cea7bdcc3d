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
 * Not a queue of closures: the request's own thread runs its work.
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

#endif
