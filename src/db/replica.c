/*
 * replica.c: see replica.h.
 *
 * The writers' WAL positions are kept by key in stripes, each a short
 * array under its own lock; each replica remembers the most it was seen
 * to have replayed, so that a reader whose write a replica is known to
 * have replayed takes it without asking.  A write that finds its stripe
 * full drops the positions every replica is known to have replayed, and
 * if none is, forgets the oldest into the stripe's floor, a position every
 * reader of the stripe then waits for: a reader may wait for nothing, never
 * read too old.  Otherwise the reader asks the replica
 * (pg_last_wal_replay_lsn(), a few microseconds) and asks again after a
 * pause that doubles up to 10 ms, until the wait is over: PostgreSQL 15
 * has no call that waits for a position.
 *
 * A replica is "lost" when a statement on it failed for want of its
 * connection (no SQLSTATE, class 08, or 57P0x: shut down, crashed,
 * starting); it is then passed over for DOWN_MS and tried again after, by
 * the next read that comes (its pool reconnects).  A lost and a returning
 * replica are each logged once.
 */
#include "db/replica.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "db/db_int.h"

#define STRIPES 64		/* the writers' positions, by key: stripes of them */
#define STRIPE_KEYS 128		/* the keys of a stripe, at most */
#define DOWN_MS 5000		/* a lost replica is passed over this long */
#define PAUSE_MAX_US 10000	/* the longest pause between two looks at a replica */

enum { T_REPLICA, T_PRIMARY, NTARGETS };
static const char *const targets[NTARGETS] = { "replica", "primary" };

enum { W_LAG, W_DOWN, W_READ_ONLY, W_LOST, W_ERROR, NREASONS };
static const char *const reasons[NREASONS] = { "lag", "down", "read_only", "lost", "error" };

static void target_labels(size_t i, struct strbuf *out)
{
	metrics_label(out, "target", targets[i]);
}

static void reason_labels(size_t i, struct strbuf *out)
{
	metrics_label(out, "reason", reasons[i]);
}

static struct metrics_family reads = {
	.name = "sanling_db_reads_total",
	.help = "Reads that could go to a read replica (serve --db-read), by where they were answered.",
	.type = METRICS_COUNTER, .nseries = NTARGETS, .labels = target_labels,
};
static struct metrics_family fallbacks = {
	.name = "sanling_db_replica_fallbacks_total",
	.help = "Reads answered by the primary instead of a replica: lag (the reader's own write not "
		"replayed in time), down (no replica to be had), read_only (the read wrote), lost (the "
		"replica's connection failed), error (another failure there).",
	.type = METRICS_COUNTER, .nseries = NREASONS, .labels = reason_labels,
};

struct replica {
	struct db_pool *pool;
	char *name;			/* its URL without the password, for the log */
	_Atomic uint64_t replayed;	/* the most it was seen to have replayed */
	_Atomic int64_t down_until;	/* lost: passed over until then (monotonic ms); 0 up */
};

/* Keys and the position of their last write. */
struct stripe {
	pthread_mutex_t lock;
	int n;
	uint64_t floor;			/* a position forgotten: every key's */
	uint64_t key[STRIPE_KEYS], lsn[STRIPE_KEYS];
};

struct db_replicas {
	struct replica *v;
	int n;
	unsigned wait_ms;
	atomic_uint next;		/* where the next read starts looking */
	struct stripe wrote[STRIPES];
};

static int64_t now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static void raise_to(_Atomic uint64_t *v, uint64_t to)
{
	uint64_t cur = atomic_load(v);

	while (cur < to && !atomic_compare_exchange_weak(v, &cur, to))
		;
}

/* "16/B374D848" */
static int parse_lsn(const char *s, uint64_t *out)
{
	unsigned hi, lo;
	char extra;

	if (!s || sscanf(s, "%X/%X%c", &hi, &lo, &extra) != 2)
		return -1;
	*out = (uint64_t)hi << 32 | lo;
	return 0;
}

static int query_lsn(struct db *db, const char *sql, uint64_t *out, struct strbuf *err)
{
	char *v = NULL;
	int rc = db_query_value(db, sql, NULL, 0, &v, err);

	if (!rc && parse_lsn(v, out)) {
		if (err)
			strbuf_addf(err, "%s: not a WAL position", sql);
		rc = -1;
	}
	free(v);
	return rc;
}

/* ---- opening ---- */

/* The first value of `sql` on `db` into `out`: 0, or -1 with `err`. */
static int ask(struct db *db, const char *sql, struct strbuf *out, struct strbuf *err)
{
	char *v = NULL;

	if (db_query_value(db, sql, NULL, 0, &v, err))
		return -1;
	strbuf_reset(out);
	strbuf_addstr(out, v ? v : "");
	free(v);
	return 0;
}

/* Whether `db` is a replica of the primary's database, as the primary said `sysid` and `dbname`. */
static int check_replica(struct db *db, const char *name, const char *sysid, const char *dbname,
			 struct strbuf *err)
{
	struct strbuf v = STRBUF_INIT, why = STRBUF_INIT;
	int ret = -1;

	if (ask(db, "SELECT pg_is_in_recovery()", &v, &why)) {
		strbuf_addf(err, "%s: %s", name, why.buf);
	} else if (strcmp(v.buf, "t")) {
		strbuf_addf(err, "%s is not a replica (pg_is_in_recovery() is false): a server that "
			    "takes writes of its own would serve reads the primary never wrote", name);
	} else if (ask(db, "SELECT system_identifier FROM pg_control_system()", &v, &why)) {
		strbuf_addf(err, "%s: %s", name, why.buf);
	} else if (strcmp(v.buf, sysid)) {
		strbuf_addf(err, "%s is a replica of another cluster (system identifier %s, the "
			    "primary's %s)", name, v.buf, sysid);
	} else if (ask(db, "SELECT current_database()", &v, &why)) {
		strbuf_addf(err, "%s: %s", name, why.buf);
	} else if (strcmp(v.buf, dbname)) {
		strbuf_addf(err, "%s names the database %s, the primary's is %s", name, v.buf, dbname);
	} else {
		ret = 0;
	}
	strbuf_release(&v);
	strbuf_release(&why);
	return ret;
}

static int open_one(struct replica *rep, const char *url, int pool_size, const char *sysid,
		    const char *dbname, struct strbuf *err)
{
	struct strbuf safe = STRBUF_INIT, password = STRBUF_INIT, why = STRBUF_INIT;
	struct db *db;
	int ret = -1;

	db_url_password(url, &safe, &password);
	rep->name = strbuf_detach(&safe, NULL);
	if (!db_url_is_pg(url)) {
		strbuf_addf(err, "%s is not a PostgreSQL URL (postgresql://…): a replica is a PostgreSQL "
			    "streaming replica", rep->name);
		goto out;
	}
	rep->pool = db_pool_open(url, pool_size, &why);
	if (!rep->pool) {
		strbuf_addf(err, "%s: cannot connect: %s", rep->name, why.buf);
		goto out;
	}
	db = db_pool_get(rep->pool);
	ret = check_replica(db, rep->name, sysid, dbname, err);
	db_pool_put(rep->pool, db);
out:
	strbuf_release(&password);
	strbuf_release(&why);
	return ret;
}

struct db_replicas *db_replicas_open(struct db *primary, const char *const *urls, int n,
				     int pool_size, unsigned wait_ms, struct strbuf *err)
{
	struct strbuf sysid = STRBUF_INIT, dbname = STRBUF_INIT, why = STRBUF_INIT;
	struct db_replicas *r = NULL;
	int i;

	if (db_dialect(primary) != DB_POSTGRES) {
		strbuf_addstr(err, "read replicas are PostgreSQL's: the database is an SQLite file");
		goto out;
	}
	if (n < 1) {
		strbuf_addstr(err, "no replica given");
		goto out;
	}
	if (ask(primary, "SELECT system_identifier FROM pg_control_system()", &sysid, &why) ||
	    ask(primary, "SELECT current_database()", &dbname, &why)) {
		strbuf_addf(err, "the primary: %s", why.buf);
		goto out;
	}
	r = xcalloc(1, sizeof(*r));
	r->v = xcalloc((size_t)n, sizeof(*r->v));
	r->n = n;
	r->wait_ms = wait_ms;
	for (i = 0; i < STRIPES; i++)
		pthread_mutex_init(&r->wrote[i].lock, NULL);
	for (i = 0; i < n; i++) {
		if (open_one(&r->v[i], urls[i], pool_size, sysid.buf, dbname.buf, err)) {
			db_replicas_close(r);
			r = NULL;
			goto out;
		}
	}
	metrics_register(&reads);
	metrics_register(&fallbacks);
out:
	strbuf_release(&sysid);
	strbuf_release(&dbname);
	strbuf_release(&why);
	return r;
}

void db_replicas_close(struct db_replicas *r)
{
	int i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++) {
		db_pool_close(r->v[i].pool);
		free(r->v[i].name);
	}
	for (i = 0; i < STRIPES; i++)
		pthread_mutex_destroy(&r->wrote[i].lock);
	free(r->v);
	free(r);
}

/* ---- the writers' positions ---- */

static struct stripe *stripe_of(struct db_replicas *r, uint64_t key)
{
	return &r->wrote[(key ^ key >> 32) % STRIPES];
}

/* The least any replica is known to have replayed. */
static uint64_t all_replayed(struct db_replicas *r)
{
	uint64_t least = UINT64_MAX;
	int i;

	for (i = 0; i < r->n; i++) {
		uint64_t v = atomic_load(&r->v[i].replayed);

		if (v < least)
			least = v;
	}
	return least;
}

static void drop(struct stripe *s, int i)
{
	s->n--;
	s->key[i] = s->key[s->n];
	s->lsn[i] = s->lsn[s->n];
}

/* A full stripe: room for one key more (its lock held). */
static void make_room(struct db_replicas *r, struct stripe *s)
{
	uint64_t done = all_replayed(r);
	int i, oldest = 0;

	for (i = 0; i < s->n;) {
		if (s->lsn[i] <= done)
			drop(s, i);
		else
			i++;
	}
	if (s->n < STRIPE_KEYS)
		return;
	for (i = 1; i < s->n; i++)
		if (s->lsn[i] < s->lsn[oldest])
			oldest = i;
	if (s->lsn[oldest] > s->floor)
		s->floor = s->lsn[oldest];
	drop(s, oldest);
}

static void remember(struct db_replicas *r, uint64_t key, uint64_t lsn)
{
	struct stripe *s = stripe_of(r, key);
	int i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->n && s->key[i] != key; i++)
		;
	if (i == s->n) {
		if (s->n == STRIPE_KEYS)
			make_room(r, s);
		i = s->n++;
		s->key[i] = key;
		s->lsn[i] = 0;
	}
	if (lsn > s->lsn[i])
		s->lsn[i] = lsn;
	pthread_mutex_unlock(&s->lock);
}

/* The position a read of `key` must find on a replica (0: any). */
static uint64_t wanted(struct db_replicas *r, uint64_t key)
{
	struct stripe *s = stripe_of(r, key);
	uint64_t want;
	int i;

	pthread_mutex_lock(&s->lock);
	want = s->floor;
	for (i = 0; i < s->n; i++)
		if (s->key[i] == key && s->lsn[i] > want)
			want = s->lsn[i];
	pthread_mutex_unlock(&s->lock);
	return want;
}

void db_replicas_wrote(struct db_replicas *r, uint64_t key, struct db *primary)
{
	struct strbuf err = STRBUF_INIT;
	uint64_t lsn;

	/* at or after the end of the write's commit record, which has returned */
	if (query_lsn(primary, "SELECT pg_current_wal_lsn()", &lsn, &err))
		log_error("read replicas: the primary's WAL position after a write: %s", err.buf);
	else
		remember(r, key, lsn);
	strbuf_release(&err);
}

/* ---- reads ---- */

static void lost(struct replica *rep, const char *why)
{
	if (!atomic_exchange(&rep->down_until, now_us() / 1000 + DOWN_MS))
		log_warn("read replica %s lost (%s): its reads go to the primary, and it is tried "
			 "again every %d s", rep->name, why, DOWN_MS / 1000);
}

static void answers(struct replica *rep)
{
	if (atomic_load(&rep->down_until) && atomic_exchange(&rep->down_until, 0))
		log_info("read replica %s answers again", rep->name);
}

static int up(struct replica *rep, int64_t now_ms)
{
	int64_t until = atomic_load(&rep->down_until);

	return !until || now_ms >= until;
}

/* Why the failure met on `db` sends its read to the primary. */
static int reason_of(const struct db *db)
{
	const char *s = db->failed_state;

	if (PQstatus(db->pg) != CONNECTION_OK || !*s || !strncmp(s, "08", 2) || !strncmp(s, "57P", 3))
		return W_LOST;
	return strcmp(s, "25006") ? W_ERROR : W_READ_ONLY;
}

static void to_primary(struct db_read *rd, int why)
{
	rd->db = NULL;
	rd->why = reasons[why];
	metrics_count(&fallbacks, (size_t)why, 1);
	metrics_count(&reads, T_PRIMARY, 1);
}

/*
 * Until `db` (of `rep`) has replayed `want`, within the wait: 1 when it
 * has, 0 when the wait is over, -1 when asking failed.
 */
static int wait_replay(struct db_replicas *r, struct replica *rep, struct db *db, uint64_t want)
{
	int64_t deadline = now_us() + (int64_t)r->wait_ms * 1000, now;
	long pause = 500;

	for (;;) {
		uint64_t got;
		struct timespec ts;

		if (query_lsn(db, "SELECT pg_last_wal_replay_lsn()", &got, NULL))
			return -1;
		raise_to(&rep->replayed, got);
		if (got >= want)
			return 1;
		now = now_us();
		if (now >= deadline)
			return 0;
		if (pause > deadline - now)
			pause = (long)(deadline - now);
		ts.tv_sec = 0;
		ts.tv_nsec = pause * 1000;
		nanosleep(&ts, NULL);
		pause = pause * 2 < PAUSE_MAX_US ? pause * 2 : PAUSE_MAX_US;
	}
}

/*
 * A replica's connection refuses writes even if its server was promoted
 * since (a failover): a write met there is done again on the primary, never
 * kept on a server that no longer follows it.  Once per server process
 * (a reconnection is a new one).  0, or -1 when the setting failed.
 */
static int read_only(struct db *db)
{
	int pid = PQbackendPID(db->pg);

	if (pid == db->read_only_pid)
		return 0;
	if (db_exec(db, "SET default_transaction_read_only = on", NULL))
		return -1;
	db->read_only_pid = pid;
	return 0;
}

/* The replica to try: one known to have replayed `want`, else the next one up; -1 none. */
static int choose(struct db_replicas *r, uint64_t want)
{
	unsigned start = atomic_fetch_add(&r->next, 1);
	int64_t now = now_us() / 1000;
	int i, first = -1;

	for (i = 0; i < r->n; i++) {
		int k = (int)((start + (unsigned)i) % (unsigned)r->n);

		if (!up(&r->v[k], now))
			continue;
		if (atomic_load(&r->v[k].replayed) >= want)
			return k;
		if (first < 0)
			first = k;
	}
	return first;
}

void db_read_begin(struct db_replicas *r, uint64_t key, struct db_read *rd)
{
	uint64_t want = wanted(r, key);
	struct replica *rep;
	struct db *db;
	int k = choose(r, want), got = 0;

	rd->replica = k;
	if (k < 0) {
		to_primary(rd, W_DOWN);
		return;
	}
	rep = &r->v[k];
	db = db_pool_get(rep->pool);
	db->failed = 0;
	if (PQstatus(db->pg) != CONNECTION_OK) {
		/* its pool could not reconnect */
		lost(rep, "cannot connect");
		db_pool_put(rep->pool, db);
		to_primary(rd, W_DOWN);
		return;
	}
	if (read_only(db) || (atomic_load(&rep->replayed) < want &&
			      (got = wait_replay(r, rep, db, want)) < 1)) {
		int why = db->failed ? reason_of(db) : got < 0 ? W_ERROR : W_LAG;

		if (why == W_LOST)
			lost(rep, db->failed_msg);
		db->failed = 0;
		db_pool_put(rep->pool, db);
		to_primary(rd, why);
		return;
	}
	rd->db = db;
	rd->why = NULL;
}

int db_read_end(struct db_replicas *r, struct db_read *rd, struct strbuf *msg)
{
	struct replica *rep = &r->v[rd->replica];
	struct db *db = rd->db;
	int why = db->failed ? reason_of(db) : -1;

	if (why < 0)
		answers(rep);
	else if (why == W_LOST)
		lost(rep, db->failed_msg);
	if (why >= 0 && msg)
		strbuf_addf(msg, "%s%s%s", db->failed_state, *db->failed_state ? " " : "",
			    db->failed_msg);
	db->failed = 0;
	db_pool_put(rep->pool, db);
	if (why < 0) {
		rd->db = NULL;
		metrics_count(&reads, T_REPLICA, 1);
		return 0;
	}
	to_primary(rd, why);
	return -1;
}
