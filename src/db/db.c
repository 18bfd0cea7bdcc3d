/*
 * db.c: the engine-neutral half of the storage layer (see db.h): opening
 * by URL, dispatch to sqlite.c or pg.c, the per-connection statement cache,
 * placeholder numbering for PostgreSQL, db_query_value(), bulk loading and
 * the connection pool.
 *
 * It holds no SQL of the application and no knowledge of either engine's
 * wire or file format: everything engine-specific is behind `struct db_ops`.
 */
#include "db/db_int.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "base/alloc.h"
#include "base/strbuf.h"

int db_url_is_pg(const char *url)
{
	return !strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11);
}

static int hex_digit(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int db_url_password(const char *url, struct strbuf *safe, struct strbuf *password)
{
	const char *auth = strstr(url, "://"), *end, *at = NULL, *colon, *p;

	strbuf_reset(safe);
	strbuf_reset(password);
	if (!db_url_is_pg(url) || !auth)
		goto whole;
	auth += 3;
	end = auth + strcspn(auth, "/?#");
	for (p = auth; p < end; p++) /* the last @ of the authority ends the user's part */
		if (*p == '@')
			at = p;
	colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (!colon)
		goto whole;
	for (p = colon + 1; p < at; p++) {
		int hi = *p == '%' && p + 2 < at ? hex_digit(p[1]) : -1;
		int lo = hi >= 0 ? hex_digit(p[2]) : -1;

		if (lo >= 0) {
			strbuf_addch(password, (char)(hi * 16 + lo));
			p += 2;
		} else {
			strbuf_addch(password, *p);
		}
	}
	strbuf_add(safe, url, (size_t)(colon - url));
	strbuf_addstr(safe, at);
	return 1;
whole:
	strbuf_addstr(safe, url);
	return 0;
}

struct db *db_open(const char *url, struct strbuf *err)
{
	struct db *db;

	if (!url || !*url) {
		if (err)
			strbuf_addstr(err, "no database given");
		return NULL;
	}
	db = xcalloc(1, sizeof(*db));
	db->log_fd = -1;
	if (db_url_is_pg(url)) {
		db->dialect = DB_POSTGRES;
		db->ops = &db_pg_ops;
	} else {
		db->dialect = DB_SQLITE;
		db->ops = &db_sqlite_ops;
	}
	if (db->ops->open(db, url, err) < 0) {
		db->ops->close(db);
		free(db);
		return NULL;
	}
	return db;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	db_cache_clear(db);
	db->ops->close(db);
	free(db);
}

enum db_dialect db_dialect(const struct db *db)
{
	return db->dialect;
}

int db_exec(struct db *db, const char *sql, struct strbuf *err)
{
	return db->ops->exec(db, sql, err);
}

/* FNV-1a: the cache only needs a cheap, decent spread. */
static uint32_t hash_sql(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

struct db_cached *db_cache_find(struct db *db, const char *sql)
{
	uint32_t h = hash_sql(sql);
	struct db_cached *c;

	for (c = db->cache[h % DB_CACHE_BUCKETS]; c; c = c->next)
		if (c->hash == h && !strcmp(c->sql, sql))
			return c;
	return NULL;
}

struct db_cached *db_cache_add(struct db *db, const char *sql)
{
	struct db_cached *c;

	if (db->ncached >= DB_CACHE_MAX)
		return NULL;
	c = xcalloc(1, sizeof(*c));
	c->sql = xstrdup(sql);
	c->hash = hash_sql(sql);
	c->next = db->cache[c->hash % DB_CACHE_BUCKETS];
	db->cache[c->hash % DB_CACHE_BUCKETS] = c;
	db->ncached++;
	return c;
}

void db_cache_clear(struct db *db)
{
	int i;

	for (i = 0; i < DB_CACHE_BUCKETS; i++) {
		while (db->cache[i]) {
			struct db_cached *c = db->cache[i];

			db->cache[i] = c->next;
			db->ops->uncache(db, c);
			free(c->sql);
			free(c);
		}
	}
	db->ncached = 0;
}

int db_sql_number_placeholders(const char *sql, struct strbuf *out)
{
	const char *p = sql;
	int n = 0;

	while (*p) {
		if (*p == '\'') {
			/* E'...' strings know backslash escapes. */
			int backslash = p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
				(p - 1 == sql || !(p[-2] == '_' ||
				 (p[-2] >= 'a' && p[-2] <= 'z') ||
				 (p[-2] >= 'A' && p[-2] <= 'Z') ||
				 (p[-2] >= '0' && p[-2] <= '9')));
			const char *q = p + 1;

			for (; *q; q++) {
				if (backslash && *q == '\\' && q[1]) {
					q++;
					continue;
				}
				if (*q == '\'') {
					if (q[1] == '\'') {
						q++;
						continue;
					}
					break;
				}
			}
			if (*q)
				q++;
			strbuf_add(out, p, (size_t)(q - p));
			p = q;
		} else if (*p == '"') {
			const char *q = strchr(p + 1, '"');

			q = q ? q + 1 : p + strlen(p);
			strbuf_add(out, p, (size_t)(q - p));
			p = q;
		} else if (p[0] == '-' && p[1] == '-') {
			const char *q = strchr(p, '\n');

			q = q ? q : p + strlen(p);
			strbuf_add(out, p, (size_t)(q - p));
			p = q;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *q = strstr(p + 2, "*/");

			q = q ? q + 2 : p + strlen(p);
			strbuf_add(out, p, (size_t)(q - p));
			p = q;
		} else if (*p == '?' && p[1] >= '1' && p[1] <= '9') {
			/* ?NNN, numbered (SQLite's too): the same parameter again */
			char *end;
			long k = strtol(p + 1, &end, 10);

			strbuf_addf(out, "$%ld", k);
			if (k > n)
				n = (int)k;
			p = end;
		} else if (*p == '?') {
			strbuf_addf(out, "$%d", ++n);
			p++;
		} else {
			strbuf_addch(out, *p);
			p++;
		}
	}
	return n;
}

int db_prepare(struct db *db, const char *sql, struct db_stmt **out,
	       struct strbuf *err)
{
	struct db_stmt *st;

	*out = NULL;
	st = xcalloc(1, sizeof(*st));
	st->db = db;
	st->row = -1;
	if (db->ops->prepare(st, sql, err) < 0) {
		db->ops->finalize(st);
		free(st);
		return DB_ERROR;
	}
	*out = st;
	return 0;
}

int db_bind_text(struct db_stmt *st, int idx, const char *s)
{
	if (!s)
		return st->db->ops->bind_null(st, idx);
	return st->db->ops->bind_text(st, idx, s, strlen(s));
}

int db_bind_textn(struct db_stmt *st, int idx, const char *s, size_t len)
{
	if (!s)
		return st->db->ops->bind_null(st, idx);
	return st->db->ops->bind_text(st, idx, s, len);
}

int db_bind_blob(struct db_stmt *st, int idx, const void *data, size_t len)
{
	return st->db->ops->bind_blob(st, idx, data, len);
}

int db_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
	return st->db->ops->bind_int64(st, idx, v);
}

int db_bind_double(struct db_stmt *st, int idx, double v)
{
	return st->db->ops->bind_double(st, idx, v);
}

int db_bind_null(struct db_stmt *st, int idx)
{
	return st->db->ops->bind_null(st, idx);
}

int db_step(struct db_stmt *st, struct strbuf *err)
{
	return st->db->ops->step(st, err);
}

int db_column_count(struct db_stmt *st)
{
	return st->db->ops->column_count(st);
}

const char *db_column_name(struct db_stmt *st, int col)
{
	return st->db->ops->column_name(st, col);
}

int db_column_is_null(struct db_stmt *st, int col)
{
	return st->db->ops->column_is_null(st, col);
}

const char *db_column_text(struct db_stmt *st, int col)
{
	return st->db->ops->column_text(st, col);
}

int db_column_blob(struct db_stmt *st, int col, struct strbuf *out)
{
	return st->db->ops->column_blob(st, col, out);
}

int64_t db_column_int64(struct db_stmt *st, int col)
{
	return st->db->ops->column_int64(st, col);
}

double db_column_double(struct db_stmt *st, int col)
{
	return st->db->ops->column_double(st, col);
}

int64_t db_changes(struct db_stmt *st)
{
	return st->changes;
}

void db_reset(struct db_stmt *st)
{
	st->changes = 0;
	st->db->ops->reset(st);
}

void db_finalize(struct db_stmt *st)
{
	if (!st)
		return;
	st->db->ops->finalize(st);
	free(st);
}

/* A savepoint statement for nesting level `n`. */
static int savepoint(struct db *db, const char *verb, int n, struct strbuf *err)
{
	struct db_stmt *st;
	char sql[64];
	int rc;

	snprintf(sql, sizeof(sql), "%s sl_nest_%d", verb, n);
	if (db->dialect != DB_SQLITE)
		return db_exec(db, sql, err);
	/* SQLite: a statement of the cache, not compiled again for every write */
	if (db_prepare(db, sql, &st, err))
		return -1;
	rc = db_step(st, err);
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int db_begin(struct db *db, struct strbuf *err)
{
	int ret;

	if (db->depth > 0 && db->ops->in_transaction(db)) {
		ret = savepoint(db, "SAVEPOINT", db->depth, err);
		if (!ret)
			db->depth++;
		return ret;
	}
	ret = db->ops->begin(db, err);
	db->depth = ret ? 0 : 1;
	return ret;
}

int db_begin_read(struct db *db, struct strbuf *err)
{
	int ret;

	if (db->ops->in_transaction(db)) {
		if (err)
			strbuf_addstr(err, "a read transaction cannot be nested");
		return DB_ERROR;
	}
	ret = db_exec(db, db->dialect == DB_SQLITE ? "BEGIN DEFERRED" : "BEGIN READ ONLY", err);
	db->depth = ret ? 0 : 1;
	return ret;
}

int db_commit(struct db *db, struct strbuf *err)
{
	/* the work's own commit: the outer one, or the first savepoint in a batch */
	int own = db->depth == (db->batch ? 2 : 1);
	int ret;

	/*
	 * Work that met a shortage of memory is not kept (base/alloc.h), not
	 * even as a savepoint of a batch another thread will commit: the
	 * caller rolls back.
	 */
	if (alloc_trouble()) {
		if (err)
			strbuf_addstr(err, "out of memory: the transaction was not committed");
		return -1;
	}
	if (db->depth > 1) {
		db->depth--;
		ret = savepoint(db, "RELEASE SAVEPOINT", db->depth, err);
	} else {
		ret = db->ops->commit(db, err);
		db->depth = db->ops->in_transaction(db) ? 1 : 0;
	}
	if (!ret && own)
		alloc_note_commit();
	return ret;
}

int db_rollback(struct db *db)
{
	int ret;

	if (db->depth > 1) {
		db->depth--;
		ret = savepoint(db, "ROLLBACK TO SAVEPOINT", db->depth, NULL);
		if (!ret)
			ret = savepoint(db, "RELEASE SAVEPOINT", db->depth, NULL);
		return ret;
	}
	db->depth = 0;
	if (!db->ops->in_transaction(db))
		return 0;
	return db->ops->rollback(db);
}

int db_in_transaction(const struct db *db)
{
	return db->ops->in_transaction(db);
}

int64_t db_last_insert_id(const struct db *db)
{
	return db->ops->last_insert_id ? db->ops->last_insert_id(db) : 0;
}

int db_defer_sync(struct db *db, struct strbuf *err)
{
	return db->ops->defer_sync ? db->ops->defer_sync(db, err) : 0;
}

int db_sync(struct db *db, struct strbuf *err)
{
	return db->ops->sync ? db->ops->sync(db, err) : 0;
}

int db_copy_into(struct db *db, const char *path, struct strbuf *err)
{
	sqlite3_backup *b;
	sqlite3 *dst = NULL;
	int rc;

	if (db->dialect != DB_SQLITE) {
		if (err)
			strbuf_addstr(err, "a page copy is SQLite's only");
		return -1;
	}
	rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	/* a new file read once: no journal, no sync */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(dst, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF", NULL, NULL,
				  NULL);
	if (rc == SQLITE_OK) {
		/* it reads in the source's read transaction when one is open */
		b = sqlite3_backup_init(dst, "main", db->lite, "main");
		if (!b) {
			rc = sqlite3_errcode(dst);
		} else {
			rc = sqlite3_backup_step(b, -1);
			sqlite3_backup_finish(b);
			rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
		}
	}
	if (rc != SQLITE_OK && err)
		strbuf_addf(err, "copying the database into %s: %s", path,
			    dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
	if (sqlite3_close(dst) != SQLITE_OK && rc == SQLITE_OK) {
		rc = SQLITE_ERROR;
		if (err)
			strbuf_addf(err, "closing %s", path);
	}
	if (rc != SQLITE_OK)
		unlink(path);
	return rc == SQLITE_OK ? 0 : -1;
}

int db_exec_params(struct db *db, const char *sql, const char *const *params, int n,
		   struct strbuf *err)
{
	struct db_stmt *st;
	int i, rc;

	if (db_prepare(db, sql, &st, err))
		return -1;
	for (i = 0; i < n; i++)
		db_bind_text(st, i + 1, params[i]);
	rc = db_step(st, err);
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int db_query_value(struct db *db, const char *sql, const char *const *params,
		   int nparams, char **out, struct strbuf *err)
{
	struct db_stmt *st = NULL;
	int i, rc;

	*out = NULL;
	rc = db_prepare(db, sql, &st, err);
	if (rc < 0)
		goto cleanup;
	for (i = 0; i < nparams; i++) {
		rc = db_bind_text(st, i + 1, params[i]);
		if (rc < 0) {
			if (err)
				strbuf_addf(err, "cannot bind parameter %d", i + 1);
			goto cleanup;
		}
	}
	rc = db_step(st, err);
	if (rc < 0)
		goto cleanup;
	if (rc == DB_ROW && db_column_count(st) > 0 && !db_column_is_null(st, 0)) {
		*out = xstrdup(db_column_text(st, 0));
	}
	rc = 0;
cleanup:
	db_finalize(st);
	return rc;
}

int db_sql_dialectize(enum db_dialect dialect, const char *in,
		      struct strbuf *out)
{
	static const struct {
		const char *token;
		const char *sqlite;
		const char *pg;
	} tokens[] = {
		{ "@ID@", "INTEGER PRIMARY KEY AUTOINCREMENT",
		  "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" },
		{ "@BLOB@", "BLOB", "BYTEA" },
		{ "@NOW@", "(CAST(strftime('%s','now') AS INTEGER))",
		  "(CAST(EXTRACT(EPOCH FROM now()) AS BIGINT))" },
	};
	const char *p = in;

	if (dialect != DB_SQLITE && dialect != DB_POSTGRES)
		return -1;
	while (*p) {
		const char *at = strchr(p, '@');
		size_t i;

		if (!at) {
			strbuf_addstr(out, p);
			break;
		}
		strbuf_add(out, p, (size_t)(at - p));
		for (i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
			size_t len = strlen(tokens[i].token);

			if (!strncmp(at, tokens[i].token, len)) {
				strbuf_addstr(out, dialect == DB_SQLITE ?
					      tokens[i].sqlite : tokens[i].pg);
				p = at + len;
				break;
			}
		}
		if (i == sizeof(tokens) / sizeof(tokens[0])) {
			strbuf_addch(out, '@');
			p = at + 1;
		}
	}
	return 0;
}

/* Bulk loading. */

static int is_identifier(const char *s)
{
	const char *p;

	if (!s || !*s || (*s >= '0' && *s <= '9'))
		return 0;
	for (p = s; *p; p++)
		if (!(*p == '_' || (*p >= 'a' && *p <= 'z') ||
		      (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			return 0;
	return 1;
}

void db_copy_escape_row(struct strbuf *out, const char *const *values, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		const char *p = values[i];

		if (i)
			strbuf_addch(out, '\t');
		if (!p) {
			strbuf_addstr(out, "\\N");
			continue;
		}
		for (; *p; p++) {
			switch (*p) {
			case '\\':
				strbuf_addstr(out, "\\\\");
				break;
			case '\t':
				strbuf_addstr(out, "\\t");
				break;
			case '\n':
				strbuf_addstr(out, "\\n");
				break;
			case '\r':
				strbuf_addstr(out, "\\r");
				break;
			default:
				strbuf_addch(out, *p);
			}
		}
	}
	strbuf_addch(out, '\n');
}

int db_bulk_begin(struct db *db, const char *table, const char *const *columns,
		  int ncolumns, struct db_bulk **out, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct db_bulk *b = NULL;
	int i, rc = DB_ERROR;

	*out = NULL;
	if (!db_in_transaction(db)) {
		if (err)
			strbuf_addstr(err, "bulk load outside a transaction");
		goto cleanup;
	}
	if (!is_identifier(table) || ncolumns < 1) {
		if (err)
			strbuf_addstr(err, "bulk load: bad table name or no columns");
		goto cleanup;
	}
	for (i = 0; i < ncolumns; i++) {
		if (!is_identifier(columns[i])) {
			if (err)
				strbuf_addf(err, "bulk load: bad column name '%s'",
					    columns[i] ? columns[i] : "(null)");
			goto cleanup;
		}
	}
	b = xcalloc(1, sizeof(*b));
	b->db = db;
	b->ncolumns = ncolumns;
	strbuf_init(&b->buf, 0);

	strbuf_addf(&sql, db->dialect == DB_POSTGRES ? "COPY %s (" :
		    "INSERT INTO %s (", table);
	for (i = 0; i < ncolumns; i++)
		strbuf_addf(&sql, "%s%s", i ? ", " : "", columns[i]);
	if (db->dialect == DB_POSTGRES) {
		strbuf_addstr(&sql, ") FROM STDIN");
		rc = db_pg_bulk_begin(b, sql.buf, err);
	} else {
		strbuf_addstr(&sql, ") VALUES (");
		for (i = 0; i < ncolumns; i++)
			strbuf_addstr(&sql, i ? ", ?" : "?");
		strbuf_addch(&sql, ')');
		rc = db_prepare(db, sql.buf, &b->ins, err);
	}
	if (rc < 0) {
		strbuf_release(&b->buf);
		free(b);
		b = NULL;
		goto cleanup;
	}
	*out = b;
	rc = 0;
cleanup:
	strbuf_release(&sql);
	return rc;
}

int db_bulk_row(struct db_bulk *b, const char *const *values,
		struct strbuf *err)
{
	int i, rc;

	if (b->failed) {
		if (err)
			strbuf_addstr(err, "bulk load already failed");
		return DB_ERROR;
	}
	if (b->db->dialect == DB_POSTGRES) {
		rc = db_pg_bulk_row(b, values, err);
		if (rc < 0)
			b->failed = 1;
		return rc;
	}
	db_reset(b->ins);
	for (i = 0; i < b->ncolumns; i++)
		db_bind_text(b->ins, i + 1, values[i]);
	rc = db_step(b->ins, err);
	if (rc < 0) {
		b->failed = 1;
		return rc;
	}
	return 0;
}

int db_bulk_end(struct db_bulk *b, struct strbuf *err)
{
	int rc = 0;

	if (!b)
		return 0;
	if (b->db->dialect == DB_POSTGRES)
		rc = db_pg_bulk_end(b, err);
	else if (b->failed)
		rc = DB_ERROR;
	db_finalize(b->ins);
	strbuf_release(&b->buf);
	free(b);
	return rc;
}

/* The pool. */

#define POOL_RETRY_S 10 /* after a connection could not be opened */

struct db_pool {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	char *url;
	int max;		/* connections at most */
	int size;		/* open */
	int opening;		/* being opened */
	int nidle;
	time_t failed_at;	/* the last failure to open one; 0 none */
	uint64_t waits;		/* gets that found none idle and none to open */
	struct db **all;
	struct db **idle;
};

struct db_pool *db_pool_open(const char *url, int size, struct strbuf *err)
{
	struct db_pool *pool;

	if (size < 1) {
		if (err)
			strbuf_addstr(err, "pool size must be at least 1");
		return NULL;
	}
	pool = xcalloc(1, sizeof(*pool));
	pool->all = xcalloc((size_t)size, sizeof(*pool->all));
	pool->idle = xcalloc((size_t)size, sizeof(*pool->idle));
	pool->url = xstrdup(url);
	pool->max = size;
	/* one now, to know the database is there; the others when needed */
	pool->all[0] = pool->idle[0] = db_open(url, err);
	if (!pool->all[0]) {
		free(pool->all);
		free(pool->idle);
		free(pool->url);
		free(pool);
		return NULL;
	}
	pool->size = pool->nidle = 1;
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->cond, NULL);
	return pool;
}

/*
 * Under the lock, none idle: open one more when the pool may grow.  A
 * failure (the server's connection limit, say) makes do with those open
 * for a while.  Returns the new connection, or NULL.
 */
static struct db *pool_grow(struct db_pool *pool)
{
	struct db *db;
	time_t now = time(NULL);

	if (pool->size + pool->opening >= pool->max ||
	    (pool->failed_at && now - pool->failed_at < POOL_RETRY_S))
		return NULL;
	pool->opening++;
	pthread_mutex_unlock(&pool->lock);
	db = db_open(pool->url, NULL);
	pthread_mutex_lock(&pool->lock);
	pool->opening--;
	if (db)
		pool->all[pool->size++] = db;
	else
		pool->failed_at = now;
	return db;
}

struct db *db_pool_get(struct db_pool *pool)
{
	struct db *db = NULL;

	pthread_mutex_lock(&pool->lock);
	if (!pool->nidle && !(db = pool_grow(pool))) {
		pool->waits++;
		while (!pool->nidle && !(db = pool_grow(pool)))
			pthread_cond_wait(&pool->cond, &pool->lock);
	}
	if (!db)
		db = pool->idle[--pool->nidle];
	pthread_mutex_unlock(&pool->lock);
	/* A failed reconnect is left for the next query to report. */
	db->ops->revive(db);
	return db;
}

void db_pool_put(struct db_pool *pool, struct db *db)
{
	if (!db)
		return;
	db_rollback(db);
	pthread_mutex_lock(&pool->lock);
	assert(pool->nidle < pool->size);
	pool->idle[pool->nidle++] = db;
	pthread_cond_signal(&pool->cond);
	pthread_mutex_unlock(&pool->lock);
}

void db_pool_stats(struct db_pool *pool, struct db_pool_stats *out)
{
	pthread_mutex_lock(&pool->lock);
	out->open = pool->size;
	out->idle = pool->nidle;
	out->max = pool->max;
	out->waits = pool->waits;
	pthread_mutex_unlock(&pool->lock);
}

void db_pool_close(struct db_pool *pool)
{
	int i;

	if (!pool)
		return;
	assert(pool->nidle == pool->size);
	for (i = 0; i < pool->size; i++)
		db_close(pool->all[i]);
	pthread_cond_destroy(&pool->cond);
	pthread_mutex_destroy(&pool->lock);
	free(pool->all);
	free(pool->idle);
	free(pool->url);
	free(pool);
}
