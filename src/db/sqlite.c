/*
 * sqlite.c: the SQLite engine behind db.h.  A connection is one database
 * file in WAL mode with synchronous=FULL, foreign keys on and a 10 s busy
 * timeout; prepared statements are kept per connection by their text and
 * reused once finalized.
 *
 * This file does not interpret SQL and does not open anything but plain
 * file paths (no URI filenames, no attached databases).
 */
#include "db/db_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/strbuf.h"

static int map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
		return 0;
	case SQLITE_CONSTRAINT:
		return DB_ECONSTRAINT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DB_EBUSY;
	default:
		return DB_ERROR;
	}
}

static int fail(struct db *db, int rc, struct strbuf *err)
{
	if (err)
		strbuf_addstr(err, db->lite ? sqlite3_errmsg(db->lite) :
			      sqlite3_errstr(rc));
	rc = map_rc(rc);
	return rc ? rc : DB_ERROR;
}

static int lite_exec(struct db *db, const char *sql, struct strbuf *err)
{
	char *msg = NULL;
	int rc;

	rc = sqlite3_exec(db->lite, sql, NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		return 0;
	if (err)
		strbuf_addstr(err, msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	rc = map_rc(rc);
	return rc ? rc : DB_ERROR;
}

/*
 * Switch to WAL; leaves the pragma's answer (the mode in force) in `*st`.
 * Two connections switching a new file at once can deadlock on the upgrade
 * from shared to exclusive lock, which SQLite answers with SQLITE_BUSY
 * without calling the busy handler: retry for up to the busy timeout.
 */
static int set_wal(struct db *db, sqlite3_stmt **st)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	int rc, tries;

	for (tries = 0; tries < 1000; tries++) {
		rc = sqlite3_prepare_v2(db->lite, "PRAGMA journal_mode=WAL", -1,
					st, NULL);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(*st);
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			break;
		sqlite3_finalize(*st);
		*st = NULL;
		nanosleep(&pause, NULL);
	}
	return rc;
}

/*
 * Before SQLite's first use: no memory statistics, which would take a
 * process-wide mutex around every allocation of every connection; and the
 * journals of savepoints and statements kept in memory, never spilled to a
 * temp file (the default spills past 64 KiB, and a journal once spilled
 * stays a file: every row of an import, a savepoint each, then cost a write
 * per page).  Such a journal holds the pages its savepoint or statement
 * changed that were in the database before it began: a row's few, or the
 * pages a large statement rewrites.
 */
static void configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, -1);
}

/*
 * Reads copy pages out of the kernel's cache (pread), without a memory map
 * of the file.  A map was tried (3135e26): under writes it cost far more
 * than it saved.  The file grows with every checkpoint, each connection
 * then maps it again, and the page tables torn down and rebuilt (munmap,
 * page faults) took a province's figures read under 200 writes a second
 * from 10.5 ms with pread to 29–39 ms (bench/RESULTS.md, issue 19's fourth
 * part).  The warm read was the same either way.
 */
#define LITE_MMAP_SIZE "0"

static int lite_open(struct db *db, const char *path, struct strbuf *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	sqlite3_stmt *st = NULL;
	const char *mode;
	int rc;

	pthread_once(&once, configure);
	rc = sqlite3_open_v2(path, &db->lite,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			     SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		if (err)
			strbuf_addf(err, "%s: %s", path, db->lite ?
				    sqlite3_errmsg(db->lite) : sqlite3_errstr(rc));
		return DB_ERROR;
	}
	sqlite3_extended_result_codes(db->lite, 1);
	sqlite3_busy_timeout(db->lite, 10000);

	rc = set_wal(db, &st);
	if (rc != SQLITE_ROW) {
		rc = fail(db, rc, err);
		goto cleanup;
	}
	mode = (const char *)sqlite3_column_text(st, 0);
	if (!mode || (strcmp(mode, "wal") && strcmp(mode, "memory"))) {
		if (err)
			strbuf_addf(err, "%s: cannot switch to WAL mode (%s)",
				    path, mode ? mode : "?");
		rc = DB_ERROR;
		goto cleanup;
	}
	rc = lite_exec(db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
		       "PRAGMA mmap_size=" LITE_MMAP_SIZE, err);
cleanup:
	sqlite3_finalize(st);
	return rc;
}

static void lite_close(struct db *db)
{
	if (db->log_fd >= 0)
		close(db->log_fd);
	db->log_fd = -1;
	if (db->lite)
		sqlite3_close_v2(db->lite);
	db->lite = NULL;
}

/*
 * Commits write the WAL without syncing it (synchronous=NORMAL, which in
 * WAL mode still syncs the WAL before each checkpoint and the database
 * after it); lite_sync() syncs the WAL itself, through a descriptor of our
 * own: fdatasync() flushes the file whatever descriptor wrote it.  The WAL
 * exists while any connection is open, and it is synced, with its
 * directory, once here so that a WAL made by this open is found after a crash.
 */
static int lite_defer_sync(struct db *db, struct strbuf *err)
{
	const char *wal = sqlite3_filename_wal(sqlite3_db_filename(db->lite, "main"));
	char dir[4096];
	char *slash;
	int fd, rc;

	if (!wal || !*wal) {
		if (err)
			strbuf_addstr(err, "the database has no WAL file");
		return DB_ERROR;
	}
	if (db->log_fd >= 0)
		return 0;
	/* a read first: it opens (or makes) the WAL */
	rc = lite_exec(db, "SELECT COUNT(*) FROM sqlite_master; PRAGMA synchronous=NORMAL", err);
	if (rc)
		return rc;
	db->log_fd = open(wal, O_RDWR | O_CLOEXEC);
	snprintf(dir, sizeof(dir), "%s", wal);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	fd = db->log_fd < 0 ? -1 : open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (db->log_fd < 0 || fd < 0 || fdatasync(db->log_fd) || fsync(fd)) {
		if (err)
			strbuf_addf(err, "%s: %s", wal, strerror(errno));
		if (fd >= 0)
			close(fd);
		lite_exec(db, "PRAGMA synchronous=FULL", NULL);
		if (db->log_fd >= 0)
			close(db->log_fd);
		db->log_fd = -1;
		return DB_ERROR;
	}
	close(fd);
	return 0;
}

static int64_t lite_last_insert_id(const struct db *db)
{
	return (int64_t)sqlite3_last_insert_rowid(db->lite);
}

static int lite_sync(struct db *db, struct strbuf *err)
{
	if (db->log_fd < 0 || fdatasync(db->log_fd) == 0)
		return 0;
	if (err)
		strbuf_addf(err, "cannot sync the WAL: %s", strerror(errno));
	return DB_ERROR;
}

static int lite_prepare(struct db_stmt *st, const char *sql, struct strbuf *err)
{
	struct db *db = st->db;
	struct db_cached *c = db_cache_find(db, sql);
	int rc;

	if (c && c->idle) {
		st->lite = c->idle;
		c->idle = NULL;
		st->cached = c;
		return 0;
	}
	rc = sqlite3_prepare_v3(db->lite, sql, -1, SQLITE_PREPARE_PERSISTENT,
				&st->lite, NULL);
	if (rc != SQLITE_OK)
		return fail(db, rc, err);
	if (!st->lite) {
		if (err)
			strbuf_addstr(err, "empty statement");
		return DB_ERROR;
	}
	st->cached = c ? c : db_cache_add(db, sql);
	return 0;
}

static int lite_bind_rc(int rc)
{
	return rc == SQLITE_OK ? 0 : DB_ERROR;
}

static int lite_bind_text(struct db_stmt *st, int idx, const char *s,
			  size_t len)
{
	return lite_bind_rc(sqlite3_bind_text64(st->lite, idx, s, len,
						SQLITE_TRANSIENT, SQLITE_UTF8));
}

static int lite_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
	return lite_bind_rc(sqlite3_bind_int64(st->lite, idx, v));
}

static int lite_bind_double(struct db_stmt *st, int idx, double v)
{
	return lite_bind_rc(sqlite3_bind_double(st->lite, idx, v));
}

static int lite_bind_null(struct db_stmt *st, int idx)
{
	return lite_bind_rc(sqlite3_bind_null(st->lite, idx));
}

static int lite_step(struct db_stmt *st, struct strbuf *err)
{
	int rc = sqlite3_step(st->lite);

	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE) {
		st->changes = sqlite3_stmt_readonly(st->lite) ? 0 :
			sqlite3_changes64(st->db->lite);
		return DB_DONE;
	}
	return fail(st->db, rc, err);
}

static int lite_column_count(struct db_stmt *st)
{
	return sqlite3_column_count(st->lite);
}

static const char *lite_column_name(struct db_stmt *st, int col)
{
	const char *name = sqlite3_column_name(st->lite, col);

	return name ? name : "";
}

static int lite_column_is_null(struct db_stmt *st, int col)
{
	return sqlite3_column_type(st->lite, col) == SQLITE_NULL;
}

static const char *lite_column_text(struct db_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st->lite, col);

	return s ? s : "";
}

static int lite_bind_blob(struct db_stmt *st, int idx, const void *data, size_t len)
{
	/* a zero-length blob, not NULL */
	return lite_bind_rc(sqlite3_bind_blob64(st->lite, idx, len ? data : "", len,
						SQLITE_TRANSIENT));
}

static int lite_column_blob(struct db_stmt *st, int col, struct strbuf *out)
{
	const void *p = sqlite3_column_blob(st->lite, col);
	int n = sqlite3_column_bytes(st->lite, col);

	if (sqlite3_column_type(st->lite, col) != SQLITE_BLOB)
		return -1;
	if (n > 0)
		strbuf_add(out, p, (size_t)n);
	return 0;
}

static int64_t lite_column_int64(struct db_stmt *st, int col)
{
	return sqlite3_column_int64(st->lite, col);
}

static double lite_column_double(struct db_stmt *st, int col)
{
	return sqlite3_column_double(st->lite, col);
}

static void lite_reset(struct db_stmt *st)
{
	sqlite3_reset(st->lite);
	sqlite3_clear_bindings(st->lite);
}

static void lite_finalize(struct db_stmt *st)
{
	if (!st->lite)
		return;
	if (st->cached && !st->cached->idle) {
		sqlite3_reset(st->lite);
		sqlite3_clear_bindings(st->lite);
		st->cached->idle = st->lite;
	} else {
		sqlite3_finalize(st->lite);
	}
	st->lite = NULL;
}

static int lite_in_transaction(const struct db *db)
{
	return !sqlite3_get_autocommit(db->lite);
}

static int lite_begin(struct db *db, struct strbuf *err)
{
	return lite_exec(db, "BEGIN IMMEDIATE", err);
}

static int lite_commit(struct db *db, struct strbuf *err)
{
	return lite_exec(db, "COMMIT", err);
}

static int lite_rollback(struct db *db)
{
	return lite_exec(db, "ROLLBACK", NULL);
}

static int lite_revive(struct db *db)
{
	return 0;
}

static void lite_uncache(struct db *db, struct db_cached *c)
{
	if (c->idle)
		sqlite3_finalize(c->idle);
	c->idle = NULL;
}

const struct db_ops db_sqlite_ops = {
	.open = lite_open,
	.close = lite_close,
	.exec = lite_exec,
	.prepare = lite_prepare,
	.bind_text = lite_bind_text,
	.bind_int64 = lite_bind_int64,
	.bind_double = lite_bind_double,
	.bind_null = lite_bind_null,
	.bind_blob = lite_bind_blob,
	.step = lite_step,
	.column_count = lite_column_count,
	.column_name = lite_column_name,
	.column_is_null = lite_column_is_null,
	.column_text = lite_column_text,
	.column_int64 = lite_column_int64,
	.column_double = lite_column_double,
	.column_blob = lite_column_blob,
	.reset = lite_reset,
	.finalize = lite_finalize,
	.begin = lite_begin,
	.commit = lite_commit,
	.rollback = lite_rollback,
	.in_transaction = lite_in_transaction,
	.last_insert_id = lite_last_insert_id,
	.defer_sync = lite_defer_sync,
	.sync = lite_sync,
	.revive = lite_revive,
	.uncache = lite_uncache,
};
