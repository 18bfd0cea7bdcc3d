/*
 * db_int.h: what db.c, sqlite.c, pg.c and migrate.c share behind the
 * public interface of db.h: the connection and statement structures, the
 * table of engine operations, and the per-connection statement cache.
 *
 * Nothing outside src/db/ (apart from its unit test) includes this file.  It
 * is not a second public API: callers use db.h only.
 */
#ifndef SANLING_DB_INT_H
#define SANLING_DB_INT_H

#include <stdint.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "base/strbuf.h"
#include "db/db.h"

/* Buckets of the statement cache; the cache holds at most DB_CACHE_MAX. */
#define DB_CACHE_BUCKETS 128
#define DB_CACHE_MAX 512

/*
 * One cached statement text of a connection.  SQLite keeps an idle prepared
 * statement here for reuse (NULL while some db_stmt is using it);
 * PostgreSQL keeps the name of the server-side prepared statement.
 */
struct db_cached {
	struct db_cached *next;
	char *sql;
	uint32_t hash;
	sqlite3_stmt *idle;	/* SQLite */
	char name[24];		/* PostgreSQL: "" until prepared */
	int nparams;		/* PostgreSQL: number of placeholders */
};

struct db_ops;

struct db {
	enum db_dialect dialect;
	const struct db_ops *ops;
	sqlite3 *lite;
	PGconn *pg;
	struct db_cached *cache[DB_CACHE_BUCKETS];
	int ncached;
	unsigned next_name;
	int depth;		/* open transactions: 1 the outer one, more are savepoints */
	int batch;		/* the outer one is a batch of the group commit's (group_commit.c) */
	int log_fd;		/* SQLite after db_defer_sync(): the WAL, for db_sync(); else -1 */
	/*
	 * PostgreSQL: whether a statement failed since replica.c last cleared
	 * it, the first one's SQLSTATE ("" when the server gave none: the
	 * connection is lost) and its message, cut to fit
	 */
	int failed;
	char failed_state[6];
	char failed_msg[160];
	int read_only_pid;	/* replica.c: the server process made read-only by default */
};

struct db_stmt {
	struct db *db;
	struct db_cached *cached;	/* NULL when not cached */
	int64_t changes;
	/* SQLite */
	sqlite3_stmt *lite;
	/* PostgreSQL */
	char *pgsql;		/* rewritten text, for uncached statements */
	int nparams;
	char **values;		/* nparams bound values, malloc'd, NULL = SQL NULL */
	PGresult *res;
	int row;		/* current row, -1 before the first */
	int executed;
};

/* The operations each engine provides; db.c dispatches through them. */
struct db_ops {
	int (*open)(struct db *db, const char *url, struct strbuf *err);
	void (*close)(struct db *db);
	int (*exec)(struct db *db, const char *sql, struct strbuf *err);
	int (*prepare)(struct db_stmt *st, const char *sql, struct strbuf *err);
	int (*bind_text)(struct db_stmt *st, int idx, const char *s, size_t len);
	int (*bind_int64)(struct db_stmt *st, int idx, int64_t v);
	int (*bind_double)(struct db_stmt *st, int idx, double v);
	int (*bind_null)(struct db_stmt *st, int idx);
	int (*bind_blob)(struct db_stmt *st, int idx, const void *data, size_t len);
	int (*step)(struct db_stmt *st, struct strbuf *err);
	int (*column_count)(struct db_stmt *st);
	const char *(*column_name)(struct db_stmt *st, int col);
	int (*column_is_null)(struct db_stmt *st, int col);
	const char *(*column_text)(struct db_stmt *st, int col);
	int64_t (*column_int64)(struct db_stmt *st, int col);
	double (*column_double)(struct db_stmt *st, int col);
	int (*column_blob)(struct db_stmt *st, int col, struct strbuf *out);
	void (*reset)(struct db_stmt *st);
	void (*finalize)(struct db_stmt *st);
	int (*begin)(struct db *db, struct strbuf *err);
	int (*commit)(struct db *db, struct strbuf *err);
	int (*rollback)(struct db *db);
	int (*in_transaction)(const struct db *db);
	/* NULL: learn ids with RETURNING */
	int64_t (*last_insert_id)(const struct db *db);
	/* db_defer_sync() and db_sync(); NULL: commits are durable already */
	int (*defer_sync)(struct db *db, struct strbuf *err);
	int (*sync)(struct db *db, struct strbuf *err);
	/* Called by the pool before handing the connection out again. */
	int (*revive)(struct db *db);
	/* Forget engine state tied to one cache entry (SQLite: finalize). */
	void (*uncache)(struct db *db, struct db_cached *c);
};

extern const struct db_ops db_sqlite_ops;
extern const struct db_ops db_pg_ops;

/* Find the cache entry for `sql`, or NULL. */
struct db_cached *db_cache_find(struct db *db, const char *sql);

/* Add an entry for `sql`; NULL when the cache is full (then don't cache). */
struct db_cached *db_cache_add(struct db *db, const char *sql);

/* Drop every entry, calling ops->uncache on each. */
void db_cache_clear(struct db *db);

/*
 * Append `sql` to `out` with each `?` placeholder replaced by $1, $2, ... .
 * A `?` inside a single-quoted literal ('it''s?', E'\'?'), a double-quoted
 * identifier or a comment (-- to end of line, slash-star to star-slash) is
 * left alone.  A numbered `?N` (as SQLite has it: parameter N again) becomes
 * $N.  Returns the number of parameters (the highest number).
 */
int db_sql_number_placeholders(const char *sql, struct strbuf *out);

/*
 * Append one COPY text-format line for `values` to `out`:
 * backslash, tab, newline and carriage return escaped, NULL as \N, columns
 * separated by tabs, ended by a newline.
 */
void db_copy_escape_row(struct strbuf *out, const char *const *values, int n);

/* PostgreSQL bulk loading (COPY); see db_bulk_begin() in db.h. */
struct db_bulk;
int db_pg_bulk_begin(struct db_bulk *b, const char *copy_sql,
		     struct strbuf *err);
int db_pg_bulk_row(struct db_bulk *b, const char *const *values,
		   struct strbuf *err);
int db_pg_bulk_end(struct db_bulk *b, struct strbuf *err);

struct db_bulk {
	struct db *db;
	int ncolumns;
	int failed;
	struct db_stmt *ins;	/* SQLite: the INSERT reused row after row */
	struct strbuf buf;	/* PostgreSQL: COPY data not yet sent */
};

#endif
