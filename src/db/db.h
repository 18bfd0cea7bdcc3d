/*
 * db: one interface over SQLite and PostgreSQL.
 *
 * A `struct db` is one connection (not thread-safe: one per thread; see
 * `struct db_pool`).  SQL is written once in a portable dialect with `?`
 * placeholders; the PostgreSQL backend rewrites them to $1, $2, ... .  All
 * values cross this interface as text (or NULL) plus 64-bit integers and
 * doubles, which is what both engines agree on.  This layer knows nothing of
 * the domain; migrations are the .sql files in src/db/migrations/, embedded by
 * the build.
 *
 * Portable SQL rules used by every caller:
 *   - INSERT ... RETURNING id to learn a new row's id (on SQLite, where
 *     RETURNING first buffers its rows in a temporary table, a hot insert
 *     leaves it out and reads db_last_insert_id() instead);
 *   - TEXT, BIGINT, DOUBLE PRECISION, no engine-specific types in queries;
 *   - booleans are BIGINT 0/1;
 *   - `db_dialect()` for the rare statement that must differ.
 *
 * Errors: functions return 0 (or DB_ROW/DB_DONE for db_step) on success and a
 * negative code on failure, with a message appended to `err` when it is not
 * NULL.  DB_ECONSTRAINT marks a unique/foreign-key/check violation so callers
 * can answer 409/422 instead of 500.
 */
#ifndef SANLING_DB_H
#define SANLING_DB_H

#include <stddef.h>
#include <stdint.h>

struct strbuf;
struct db;
struct db_stmt;

enum db_dialect { DB_SQLITE = 1, DB_POSTGRES = 2 };

enum db_result {
	DB_DONE = 0,
	DB_ROW = 1,
	DB_ERROR = -1,
	DB_ECONSTRAINT = -2,
	DB_EBUSY = -3,
};

/*
 * Open `url`: a `postgresql://` or `postgres://` URL means PostgreSQL, any
 * other string is a SQLite file path.  SQLite is opened in WAL mode with
 * synchronous=FULL, foreign_keys=ON and a busy timeout of 10 s.
 * Returns NULL on failure with the reason in `err`.
 */
struct db *db_open(const char *url, struct strbuf *err);
/* Whether db_open() takes `url` for PostgreSQL's (else an SQLite file's path). */
int db_url_is_pg(const char *url);

/*
 * A PostgreSQL URL's password taken out, for a tool run as a child (whose
 * arguments anyone on the machine may read in /proc): `safe` is `url`
 * without it, `password` the password percent-decoded, for PGPASSWORD in
 * the child's environment.  Returns 1 when there was one, else 0 (`safe`
 * then `url`).  A password given as a query parameter is left in place.
 */
int db_url_password(const char *url, struct strbuf *safe, struct strbuf *password);
void db_close(struct db *db);
enum db_dialect db_dialect(const struct db *db);

/* Run one or more statements without parameters (DDL, PRAGMA ...). */
int db_exec(struct db *db, const char *sql, struct strbuf *err);

/*
 * Prepare `sql`.  With PostgreSQL the statement is prepared server-side
 * once per connection and cached by its text, so preparing the same text
 * again is cheap on both engines.  `*out` is owned by the caller and freed
 * with db_finalize().
 */
int db_prepare(struct db *db, const char *sql, struct db_stmt **out,
	       struct strbuf *err);

/* Bind parameter `idx` (1-based).  Text is copied. */
int db_bind_text(struct db_stmt *st, int idx, const char *s);
int db_bind_textn(struct db_stmt *st, int idx, const char *s, size_t len);
int db_bind_int64(struct db_stmt *st, int idx, int64_t v);
int db_bind_double(struct db_stmt *st, int idx, double v);
int db_bind_null(struct db_stmt *st, int idx);
/* Bytes (a BLOB on SQLite, bytea on PostgreSQL), copied. */
int db_bind_blob(struct db_stmt *st, int idx, const void *data, size_t len);

/*
 * Step: DB_ROW when a row is available, DB_DONE at the end, negative on
 * error (message in `err`).
 */
int db_step(struct db_stmt *st, struct strbuf *err);

int db_column_count(struct db_stmt *st);
const char *db_column_name(struct db_stmt *st, int col);
int db_column_is_null(struct db_stmt *st, int col);
/*
 * Columns of the current row, `col` 0-based.  On PostgreSQL the result
 * (names and count included) exists only after the first db_step().
 * Text is "" for NULL or for a column out of range; it is valid until the
 * next step/reset/finalize.  Integers and doubles are converted from the
 * value (a PostgreSQL boolean reads as 1/0).
 */
const char *db_column_text(struct db_stmt *st, int col);
int64_t db_column_int64(struct db_stmt *st, int col);
double db_column_double(struct db_stmt *st, int col);
/* A BLOB/bytea column's bytes appended to `out`: 0, or -1 when not bytes. */
int db_column_blob(struct db_stmt *st, int col, struct strbuf *out);

/* Rows changed by the last completed INSERT/UPDATE/DELETE of `st`. */
int64_t db_changes(struct db_stmt *st);

/* Clear the result and bindings so the statement can run again. */
void db_reset(struct db_stmt *st);
void db_finalize(struct db_stmt *st);

/*
 * Transactions.  db_begin() takes the write lock at once on SQLite
 * (BEGIN IMMEDIATE) so a transaction that reads then writes never fails
 * half-way with SQLITE_BUSY.  db_rollback() is safe to call when no
 * transaction is open.
 *
 * They nest: db_begin() inside an open transaction opens a savepoint, and
 * the matching db_commit() / db_rollback() releases or rolls back just that
 * savepoint.  So code written as one transaction can run inside a larger
 * one (the server's group commit) and a failure undoes only its own part.
 * The outermost db_commit() fails on a thread that met a shortage of
 * memory since its work began (alloc_trouble(), base/alloc.h): such work is
 * rolled back, never kept.
 */
int db_begin(struct db *db, struct strbuf *err);
int db_commit(struct db *db, struct strbuf *err);
int db_rollback(struct db *db);
int db_in_transaction(const struct db *db);

/*
 * A read transaction, for many reads in a row: one snapshot, and on SQLite
 * one lock and one look at the WAL instead of one per statement, without
 * keeping writers out (SQLite: BEGIN DEFERRED, which stays a read as long as
 * nothing is written; PostgreSQL: BEGIN READ ONLY).  Not nested: fails when
 * a transaction is open.  End it with db_rollback() (nothing to keep), and
 * before writing on the same connection: on SQLite a write in it would have
 * to upgrade a snapshot that another writer may have made stale.
 */
int db_begin_read(struct db *db, struct strbuf *err);

/* SQLite: the id of the connection's last inserted row; PostgreSQL: 0. */
int64_t db_last_insert_id(const struct db *db);

/*
 * Deferred durability, for the server's one writer (group_commit.c): after
 * db_defer_sync(), a commit of `db` no longer waits for the disk, and
 * db_sync() makes every commit made so far durable.  A committed write is
 * visible to other connections from its commit but survives a crash only
 * from the db_sync() that follows; so whoever acknowledges it waits for that.
 * SQLite only (the WAL is synced, as synchronous=FULL would at the commit);
 * on PostgreSQL both do nothing and commits stay durable when they return.
 */
int db_defer_sync(struct db *db, struct strbuf *err);
int db_sync(struct db *db, struct strbuf *err);

/*
 * SQLite only: the database as `db` reads it — in its read transaction
 * (db_begin_read()) when one is open, so that what it read and the copy are
 * of one instant — copied page by page into the new file `path` (SQLite's
 * online backup API, as `sqlite3 .backup`; writers go on meanwhile).  The
 * copy is not synced: it is for reading once (a backup's snapshot).  0, or
 * -1 with `err` (and `path` removed); -1 on PostgreSQL.
 */
int db_copy_into(struct db *db, const char *path, struct strbuf *err);

/*
 * Convenience: run `sql` with text parameters (NULL = SQL NULL) and return
 * the first column of the first row as a newly allocated string in `*out`
 * (NULL when no row or when the value is SQL NULL); the caller frees it.
 * Returns 0 or negative (then `*out` is NULL).
 */
int db_query_value(struct db *db, const char *sql, const char *const *params,
		   int nparams, char **out, struct strbuf *err);

/* Convenience: run `sql` with `n` text parameters for its effect.  0 or -1 with `err`. */
int db_exec_params(struct db *db, const char *sql, const char *const *params, int n,
		   struct strbuf *err);

/*
 * Apply all migrations not yet applied (table schema_migrations).  A
 * database with a migration this program does not know (made by a newer
 * one) is refused before anything is applied.
 */
int db_migrate(struct db *db, struct strbuf *err);

/* The schema version of `files` (NULL: the built-in migrations): "025". */
struct embedded_file;
const char *db_schema_version(const struct embedded_file *files);

/*
 * What db_migrate() does, over the given table of files instead of the
 * built-in `migrations` (the table ends with a NULL name; files run in the
 * order given, which must be the order of their names).  Creates
 * schema_migrations(name, applied_at) if missing, then applies each file
 * not yet recorded there, each in its own transaction together with its
 * schema_migrations row, after db_sql_dialectize().  Safe when several
 * processes migrate the same database at once (PostgreSQL: advisory lock
 * 73010; SQLite: BEGIN IMMEDIATE).  A file must not contain BEGIN/COMMIT.
 * A file whose first line is "-- postgresql only" runs on PostgreSQL only;
 * SQLite records it without running it.  On failure the failing file is rolled back, the error names it, and the
 * files before it stay applied.
 */
struct embedded_file;
int db_migrate_files(struct db *db, const struct embedded_file *files,
		     struct strbuf *err);

/*
 * A step in C that a migration needs besides its SQL, for what SQL cannot
 * do (one that needs a key the database does not hold).  `run` is called
 * right after the file `name`'s SQL, in its transaction, once: when the
 * file is applied.  A negative return rolls the migration back.
 */
struct db_migration_hook {
	const char *name;	/* a migration file's name, e.g. "011_audit_keyed.sql" */
	int (*run)(struct db *db, void *arg, struct strbuf *err);
	void *arg;
};

/*
 * db_migrate_files() over `files` (NULL: the built-in migrations) with the
 * hooks of `hooks` (ended by a NULL name; NULL: none).
 */
int db_migrate_hooked(struct db *db, const struct embedded_file *files,
		      const struct db_migration_hook *hooks, struct strbuf *err);

/*
 * Append `in` to `out` with the dialect tokens replaced:
 *   @ID@    SQLite INTEGER PRIMARY KEY AUTOINCREMENT,
 *           PostgreSQL BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY;
 *   @BLOB@  BLOB / BYTEA;
 *   @NOW@   the current UTC time as integer epoch seconds, a parenthesised
 *           expression (so `DEFAULT @NOW@` works on both engines).
 * Other text, including unknown @WORDS@, is copied unchanged; tokens are
 * replaced even inside string literals.  Returns 0, or -1 for an unknown
 * dialect.
 */
int db_sql_dialectize(enum db_dialect dialect, const char *in,
		      struct strbuf *out);

/*
 * Bulk loading: on PostgreSQL a COPY ... FROM STDIN in text format, on
 * SQLite a prepared INSERT reused row after row.  Used by import and gen.
 * `columns` is the list of column names.  Must run inside a transaction.
 */
struct db_bulk;
int db_bulk_begin(struct db *db, const char *table, const char *const *columns,
		  int ncolumns, struct db_bulk **out, struct strbuf *err);
/*
 * `table` and the column names must be plain identifiers ([A-Za-z_0-9]).
 * One row of `ncolumns` values; NULL pointers are SQL NULL.  Values are
 * text: pass NULL, not "", for an absent number.  db_bulk_end() must be
 * called even after an error: it frees `b`, finishes (or aborts) the load
 * and returns its final status.  On PostgreSQL errors in the data (a
 * constraint, a bad number) surface only at db_bulk_end(); either way a
 * failed load leaves the transaction to be rolled back.
 */
int db_bulk_row(struct db_bulk *b, const char *const *values, struct strbuf *err);
int db_bulk_end(struct db_bulk *b, struct strbuf *err);

/*
 * Up to `size` connections for the server's threads, opened as they are
 * first needed (one at once).  db_pool_get() blocks until a connection is
 * free; a PostgreSQL connection found broken is reconnected first.  db_pool_put() rolls back a transaction left open.
 * All statements of a connection must be finalized before it is put back,
 * and every connection put back before db_pool_close().
 */
struct db_pool;
struct db_pool *db_pool_open(const char *url, int size, struct strbuf *err);
struct db *db_pool_get(struct db_pool *pool);
void db_pool_put(struct db_pool *pool, struct db *db);
void db_pool_close(struct db_pool *pool);

/*
 * The pool's use now: connections open, idle (open and not handed out), the
 * most it opens, and how many db_pool_get() calls found none idle and had to
 * wait since it opened.
 */
struct db_pool_stats {
	int open, idle, max;
	uint64_t waits;
};
void db_pool_stats(struct db_pool *pool, struct db_pool_stats *out);

#endif
