/*
 * replica: the server's reads on PostgreSQL streaming replicas
 * (`serve --db-read URL`), with read-your-writes for whoever wrote.
 *
 * Writes go to the primary (the pool and the group commit of `--db`); a
 * read may go to a replica, each with a pool of its own.  A replica
 * replays the primary's WAL a moment later, so a reader that has just
 * written could miss its own write there.  The caller names the writer by
 * a key (the API: its session): after a write of that key commits,
 * db_replicas_wrote() remembers the primary's WAL position; a later read
 * of the same key goes to a replica only once that replica has replayed
 * the position (pg_last_wal_replay_lsn()), waiting for it up to the wait
 * given at open, else it reads the primary.  Other keys read a replica at
 * once.  The positions are kept by key until every replica is known to
 * have replayed them, for 8192 keys at most: past that, the oldest are
 * forgotten into a position that some keys' readers all wait for (one may
 * wait for nothing, none reads too old).
 *
 * A read on a replica that met any failure there — a write refused as
 * read-only (SQLSTATE 25006), a query cancelled by the replay, the
 * connection lost — is to be done again on the primary: db_read_end()
 * says so.  A lost replica is left alone for a few seconds (its reads go
 * to the primary), then tried again.  Counted for /metrics when metrics
 * are kept: sanling_db_reads_total{target}, the reads by where they were
 * answered, and sanling_db_replica_fallbacks_total{reason}, the reads that
 * went to the primary instead (lag, down, read_only, lost, error).
 *
 * PostgreSQL only; knows nothing of sessions or requests.
 */
#ifndef SANLING_REPLICA_H
#define SANLING_REPLICA_H

#include <stdint.h>

struct db;
struct strbuf;
struct db_replicas;

/*
 * The replicas at `urls` (`n` of them) of the primary `primary` (an open
 * connection to it, used only here): each must answer, be in recovery
 * (pg_is_in_recovery()) and be a copy of the primary's cluster (the same
 * system identifier).  Each gets a pool of up to `pool_size` connections;
 * a reader that wrote waits up to `wait_ms` for a replica.  NULL with the
 * reason in `err` (naming the URL, without its password).
 */
struct db_replicas *db_replicas_open(struct db *primary, const char *const *urls, int n,
				     int pool_size, unsigned wait_ms, struct strbuf *err);
/* Every connection put back before. */
void db_replicas_close(struct db_replicas *r);

/*
 * A write of `key` has committed: remember the primary's WAL position now,
 * read on `primary` (a connection to it with no transaction open).
 */
void db_replicas_wrote(struct db_replicas *r, uint64_t key, struct db *primary);

/* One read's place. */
struct db_read {
	struct db *db;		/* a replica's connection, or NULL: read the primary */
	const char *why;	/* then why: "lag", "down", "read_only", "lost", "error" */
	int replica;		/* private */
};

/*
 * Where a read of `key` goes: rd->db a replica's connection that has
 * replayed `key`'s last write, or NULL (rd->why says why; the read is
 * counted as the primary's).
 */
void db_read_begin(struct db_replicas *r, uint64_t key, struct db_read *rd);

/*
 * The read on rd->db is over; its connection goes back to its pool.  0:
 * its answer stands (a replica's read).  -1: it met a failure there and
 * must be done again on the primary: rd->why says what kind, `msg` (may be
 * NULL) the first failure's SQLSTATE and message.
 */
int db_read_end(struct db_replicas *r, struct db_read *rd, struct strbuf *msg);

#endif
