/*
 * pg.c: the PostgreSQL engine behind db.h, over libpq.  Statements are
 * prepared server-side once per connection and cached by their text (`?`
 * rewritten to $n); parameters and results travel as text; a statement is
 * executed at its first db_step() and its rows are then walked in memory.
 * Bulk loading uses COPY ... FROM STDIN in text format.
 *
 * It is not a connection manager (see the pool in db.c) and does not parse
 * SQL beyond finding placeholders.  Errors are reported with the server's
 * primary message only, on one line.
 */
#include "db/db_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/strbuf.h"

/* Where the COPY data is flushed to the server. */
#define COPY_CHUNK (64 * 1024)

/* Append `msg` on one line: newlines and tabs become spaces, trimmed. */
static void add_line(struct strbuf *err, const char *msg)
{
	size_t start = err->len;
	int space = 0;

	for (; *msg; msg++) {
		if (*msg == '\n' || *msg == '\r' || *msg == '\t' || *msg == ' ') {
			space = 1;
			continue;
		}
		if (space && err->len > start)
			strbuf_addch(err, ' ');
		space = 0;
		strbuf_addch(err, *msg);
	}
}

static int map_sqlstate(const char *state)
{
	if (!state)
		return DB_ERROR;
	if (!strncmp(state, "23", 2))
		return DB_ECONSTRAINT;
	if (!strcmp(state, "40001") || !strcmp(state, "40P01") ||
	    !strcmp(state, "55P03"))
		return DB_EBUSY;
	return DB_ERROR;
}

/*
 * Keep the first failure since it was cleared (db_int.h), for the read
 * replicas: the message on one line, cut at a character's start.
 */
static void note_failure(struct db *db, const char *state, const char *msg)
{
	struct strbuf line = STRBUF_INIT;
	size_t n;

	if (db->failed)
		return;
	db->failed = 1;
	snprintf(db->failed_state, sizeof(db->failed_state), "%s", state ? state : "");
	add_line(&line, msg);
	n = line.len;
	if (n >= sizeof(db->failed_msg)) {
		n = sizeof(db->failed_msg) - 1;
		while (n && ((unsigned char)line.buf[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(db->failed_msg, line.buf, n);
	db->failed_msg[n] = '\0';
	strbuf_release(&line);
}

/* Report a failed `res` (may be NULL: then the connection's message). */
static int fail(struct db *db, const PGresult *res, struct strbuf *err)
{
	const char *msg = NULL, *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	if (res)
		msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	if (!msg || !*msg)
		msg = PQerrorMessage(db->pg);
	if (!msg || !*msg)
		msg = "unknown PostgreSQL error";
	note_failure(db, state, msg);
	if (err)
		add_line(err, msg);
	return res ? map_sqlstate(state) : DB_ERROR;
}

static int pg_exec(struct db *db, const char *sql, struct strbuf *err)
{
	PGresult *res = PQexec(db->pg, sql);
	int rc = 0;

	switch (PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_EMPTY_QUERY:
		break;
	default:
		rc = fail(db, res, err);
	}
	PQclear(res);
	return rc;
}

static void quiet_notices(void *arg, const char *message)
{
}

/* Settings every connection starts with (also after a reconnect). */
static int pg_setup(struct db *db, struct strbuf *err)
{
	if (PQsetClientEncoding(db->pg, "UTF8") != 0) {
		if (err)
			add_line(err, PQerrorMessage(db->pg));
		return DB_ERROR;
	}
	return pg_exec(db, "SET TIME ZONE 'UTC'", err);
}

static int pg_open(struct db *db, const char *url, struct strbuf *err)
{
	db->pg = PQconnectdb(url);
	if (!db->pg)
		abort();
	if (PQstatus(db->pg) != CONNECTION_OK) {
		if (err)
			add_line(err, PQerrorMessage(db->pg));
		return DB_ERROR;
	}
	PQsetNoticeProcessor(db->pg, quiet_notices, NULL);
	return pg_setup(db, err);
}

static void pg_close(struct db *db)
{
	if (db->pg)
		PQfinish(db->pg);
	db->pg = NULL;
}

static int pg_prepare(struct db_stmt *st, const char *sql, struct strbuf *err)
{
	struct db *db = st->db;
	struct db_cached *c = db_cache_find(db, sql);
	struct strbuf text = STRBUF_INIT;
	PGresult *res = NULL;
	int rc = 0;

	if (c && c->name[0]) {
		st->cached = c;
		st->nparams = c->nparams;
		goto alloc;
	}
	st->nparams = db_sql_number_placeholders(sql, &text);
	if (!c)
		c = db_cache_add(db, sql);
	if (!c) {
		/* Cache full: keep the text, PQexecParams at each run. */
		st->pgsql = strbuf_detach(&text, NULL);
		goto alloc;
	}
	snprintf(c->name, sizeof(c->name), "sl%u", ++db->next_name);
	res = PQprepare(db->pg, c->name, text.buf, 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		c->name[0] = '\0';
		rc = fail(db, res, err);
		goto cleanup;
	}
	c->nparams = st->nparams;
	st->cached = c;
alloc:
	if (st->nparams) {
		st->values = xcalloc((size_t)st->nparams, sizeof(*st->values));
	}
cleanup:
	PQclear(res);
	strbuf_release(&text);
	return rc;
}

static int set_value(struct db_stmt *st, int idx, char *v)
{
	if (idx < 1 || idx > st->nparams) {
		free(v);
		return DB_ERROR;
	}
	free(st->values[idx - 1]);
	st->values[idx - 1] = v;
	return 0;
}

static int pg_bind_text(struct db_stmt *st, int idx, const char *s, size_t len)
{
	char *v = xmalloc(len + 1);

	memcpy(v, s, len);
	v[len] = '\0';
	return set_value(st, idx, v);
}

static int pg_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return pg_bind_text(st, idx, buf, strlen(buf));
}

static int pg_bind_double(struct db_stmt *st, int idx, double v)
{
	char buf[40];

	snprintf(buf, sizeof(buf), "%.17g", v);
	return pg_bind_text(st, idx, buf, strlen(buf));
}

/* bytea in its hex text form, \\x then two digits a byte */
static int pg_bind_blob(struct db_stmt *st, int idx, const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = data;
	char *v = xmalloc(2 * len + 3);
	size_t i;

	v[0] = '\\';
	v[1] = 'x';
	for (i = 0; i < len; i++) {
		v[2 + 2 * i] = hex[p[i] >> 4];
		v[3 + 2 * i] = hex[p[i] & 15];
	}
	v[2 + 2 * len] = '\0';
	return set_value(st, idx, v);
}

static int pg_bind_null(struct db_stmt *st, int idx)
{
	return set_value(st, idx, NULL);
}

static int pg_step(struct db_stmt *st, struct strbuf *err)
{
	struct db *db = st->db;

	if (!st->executed) {
		const char *tuples;

		st->executed = 1;
		st->row = -1;
		if (st->cached)
			st->res = PQexecPrepared(db->pg, st->cached->name,
						 st->nparams,
						 (const char *const *)st->values,
						 NULL, NULL, 0);
		else
			st->res = PQexecParams(db->pg, st->pgsql, st->nparams,
					       NULL,
					       (const char *const *)st->values,
					       NULL, NULL, 0);
		switch (PQresultStatus(st->res)) {
		case PGRES_COMMAND_OK:
		case PGRES_TUPLES_OK:
		case PGRES_EMPTY_QUERY:
			break;
		default: {
			int rc = fail(db, st->res, err);

			PQclear(st->res);
			st->res = NULL;
			return rc;
		}
		}
		tuples = PQcmdTuples(st->res);
		st->changes = tuples && *tuples ? strtoll(tuples, NULL, 10) : 0;
		/* A SELECT's count is of rows returned, not changed. */
		if (!strncmp(PQcmdStatus(st->res), "SELECT", 6))
			st->changes = 0;
	}
	if (!st->res)
		return DB_DONE;
	if (st->row + 1 < PQntuples(st->res)) {
		st->row++;
		return DB_ROW;
	}
	st->row = PQntuples(st->res);
	return DB_DONE;
}

static int pg_column_count(struct db_stmt *st)
{
	return st->res ? PQnfields(st->res) : 0;
}

static const char *pg_column_name(struct db_stmt *st, int col)
{
	const char *name;

	if (!st->res || col < 0 || col >= PQnfields(st->res))
		return "";
	name = PQfname(st->res, col);
	return name ? name : "";
}

static int on_row(struct db_stmt *st, int col)
{
	return st->res && st->row >= 0 && st->row < PQntuples(st->res) &&
		col >= 0 && col < PQnfields(st->res);
}

static int pg_column_is_null(struct db_stmt *st, int col)
{
	return !on_row(st, col) || PQgetisnull(st->res, st->row, col);
}

static const char *pg_column_text(struct db_stmt *st, int col)
{
	if (!on_row(st, col))
		return "";
	return PQgetvalue(st->res, st->row, col);
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* bytea arrives as text in the hex output form (bytea_output = hex, the default) */
static int pg_column_blob(struct db_stmt *st, int col, struct strbuf *out)
{
	const char *s;
	size_t n, i;

	if (!on_row(st, col) || PQgetisnull(st->res, st->row, col))
		return -1;
	s = PQgetvalue(st->res, st->row, col);
	n = (size_t)PQgetlength(st->res, st->row, col);
	if (n < 2 || s[0] != '\\' || s[1] != 'x' || n % 2)
		return -1;
	strbuf_grow(out, (n - 2) / 2);
	for (i = 2; i < n; i += 2) {
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		strbuf_addch(out, hi << 4 | lo);
	}
	return 0;
}

static int64_t pg_column_int64(struct db_stmt *st, int col)
{
	const char *s = pg_column_text(st, col);

	if (!strcmp(s, "t"))
		return 1;
	return strtoll(s, NULL, 10);
}

static double pg_column_double(struct db_stmt *st, int col)
{
	const char *s = pg_column_text(st, col);

	if (!strcmp(s, "t"))
		return 1;
	return strtod(s, NULL);
}

static void pg_reset(struct db_stmt *st)
{
	int i;

	PQclear(st->res);
	st->res = NULL;
	st->executed = 0;
	st->row = -1;
	for (i = 0; st->values && i < st->nparams; i++) {
		free(st->values[i]);
		st->values[i] = NULL;
	}
}

static void pg_finalize(struct db_stmt *st)
{
	pg_reset(st);
	free(st->values);
	st->values = NULL;
	free(st->pgsql);
	st->pgsql = NULL;
}

static int pg_in_transaction(const struct db *db)
{
	PGTransactionStatusType ts = PQtransactionStatus(db->pg);

	return ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR ||
		ts == PQTRANS_ACTIVE;
}

static int pg_begin(struct db *db, struct strbuf *err)
{
	return pg_exec(db, "BEGIN", err);
}

static int pg_commit(struct db *db, struct strbuf *err)
{
	PGresult *res = PQexec(db->pg, "COMMIT");
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = fail(db, res, err);
	} else if (strcmp(PQcmdStatus(res), "COMMIT")) {
		/* COMMIT of a failed transaction answers ROLLBACK. */
		if (err)
			strbuf_addstr(err, "transaction failed earlier and was rolled back");
		rc = DB_ERROR;
	}
	PQclear(res);
	return rc;
}

static int pg_rollback(struct db *db)
{
	return pg_exec(db, "ROLLBACK", NULL);
}

static int pg_revive(struct db *db)
{
	if (PQstatus(db->pg) == CONNECTION_OK)
		return 0;
	/* The server forgot our prepared statements with the session. */
	db_cache_clear(db);
	PQreset(db->pg);
	if (PQstatus(db->pg) != CONNECTION_OK)
		return DB_ERROR;
	return pg_setup(db, NULL);
}

static void pg_uncache(struct db *db, struct db_cached *c)
{
}

int db_pg_bulk_begin(struct db_bulk *b, const char *copy_sql,
		     struct strbuf *err)
{
	PGresult *res = PQexec(b->db->pg, copy_sql);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COPY_IN)
		rc = fail(b->db, res, err);
	PQclear(res);
	return rc;
}

static int flush_copy(struct db_bulk *b, struct strbuf *err)
{
	if (!b->buf.len)
		return 0;
	if (PQputCopyData(b->db->pg, b->buf.buf, (int)b->buf.len) != 1) {
		if (err)
			add_line(err, PQerrorMessage(b->db->pg));
		return DB_ERROR;
	}
	strbuf_reset(&b->buf);
	return 0;
}

int db_pg_bulk_row(struct db_bulk *b, const char *const *values,
		   struct strbuf *err)
{
	db_copy_escape_row(&b->buf, values, b->ncolumns);
	if (b->buf.len >= COPY_CHUNK)
		return flush_copy(b, err);
	return 0;
}

int db_pg_bulk_end(struct db_bulk *b, struct strbuf *err)
{
	PGresult *res;
	int rc = 0, first = 1;

	if (!b->failed && flush_copy(b, err) < 0) {
		b->failed = 1;
		rc = DB_ERROR;
	}
	if (PQputCopyEnd(b->db->pg, b->failed ? "bulk load aborted" : NULL) != 1) {
		if (err && !rc)
			add_line(err, PQerrorMessage(b->db->pg));
		rc = DB_ERROR;
	}
	/* Drain every result; the first failure is the one to report. */
	while ((res = PQgetResult(b->db->pg))) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && first) {
			first = 0;
			if (!rc) {
				rc = fail(b->db, res, err);
			} else {
				int erc = fail(b->db, res, NULL);

				if (erc == DB_ECONSTRAINT)
					rc = erc;
			}
		}
		PQclear(res);
	}
	if (b->failed && !rc)
		rc = DB_ERROR;
	return rc;
}

const struct db_ops db_pg_ops = {
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.bind_text = pg_bind_text,
	.bind_int64 = pg_bind_int64,
	.bind_double = pg_bind_double,
	.bind_null = pg_bind_null,
	.bind_blob = pg_bind_blob,
	.step = pg_step,
	.column_count = pg_column_count,
	.column_name = pg_column_name,
	.column_is_null = pg_column_is_null,
	.column_text = pg_column_text,
	.column_int64 = pg_column_int64,
	.column_double = pg_column_double,
	.column_blob = pg_column_blob,
	.reset = pg_reset,
	.finalize = pg_finalize,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.in_transaction = pg_in_transaction,
	.revive = pg_revive,
	.uncache = pg_uncache,
};
