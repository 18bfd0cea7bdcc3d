/*
 * audit.c: appending to and verifying the hash chain (see audit.h).  The
 * chain's head is one row of audit_head, read and updated inside the
 * caller's write transaction, which serialises appends on both engines.
 */
#include "model/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypto.h"
#include "base/date.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "model/role.h"

static void chain_hash(const char *prev, int64_t seq, const char *at, const char *user,
		       const char *action, const char *object, const char *outcome,
		       const char *source, const char *detail, struct strbuf *out)
{
	struct strbuf in = STRBUF_INIT;

	/* Fields are separated by a byte that valid UTF-8 text never holds. */
	strbuf_addf(&in, "%s\x1f%" PRId64 "\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s",
		    prev, seq, at, user, action, object, outcome, source, detail);
	strbuf_reset(out);
	sha256_hex(in.buf, in.len, out);
	strbuf_release(&in);
}

int audit_append_as(struct db *db, const char *username, const char *source,
		    const char *action, const char *object, const char *outcome,
		    const char *detail, struct strbuf *err)
{
	struct db_stmt *st = NULL;
	struct strbuf hash = STRBUF_INIT, prev = STRBUF_INIT;
	char at[32];
	int64_t seq = 0;
	int own = !db_in_transaction(db);
	int ret = -1;

	if (!object)
		object = "";
	if (!detail)
		detail = "";
	if (!source)
		source = "";
	if (own && db_begin(db, err))
		return -1;
	if (db_prepare(db, db_dialect(db) == DB_POSTGRES ?
		       "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE" :
		       "SELECT seq, hash FROM audit_head WHERE id = 1", &st, err))
		goto cleanup;
	if (db_step(st, err) != DB_ROW) {
		strbuf_addstr(err, "audit_head is missing");
		goto cleanup;
	}
	seq = db_column_int64(st, 0) + 1;
	strbuf_addstr(&prev, db_column_text(st, 1));
	db_finalize(st);
	st = NULL;

	time_iso_utc(time_now(), at);
	chain_hash(prev.buf, seq, at, username, action, object, outcome, source, detail, &hash);

	if (db_prepare(db, "INSERT INTO audit (seq, at, username, action, object, outcome, "
		       "source, detail, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)", &st, err))
		goto cleanup;
	db_bind_int64(st, 1, seq);
	db_bind_text(st, 2, at);
	db_bind_text(st, 3, username);
	db_bind_text(st, 4, action);
	db_bind_text(st, 5, object);
	db_bind_text(st, 6, outcome);
	db_bind_text(st, 7, source);
	db_bind_text(st, 8, detail);
	db_bind_text(st, 9, prev.buf);
	db_bind_text(st, 10, hash.buf);
	if (db_step(st, err) < 0)
		goto cleanup;
	db_finalize(st);
	st = NULL;
	if (db_prepare(db, "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", &st, err))
		goto cleanup;
	db_bind_int64(st, 1, seq);
	db_bind_text(st, 2, hash.buf);
	if (db_step(st, err) < 0)
		goto cleanup;
	if (own && db_commit(db, err))
		goto cleanup;
	ret = 0;
cleanup:
	if (st)
		db_finalize(st);
	if (ret && own)
		db_rollback(db);
	strbuf_release(&hash);
	strbuf_release(&prev);
	return ret;
}

int audit_append(struct db *db, const struct actor *a, const char *action,
		 const char *object, const char *outcome, const char *detail,
		 struct strbuf *err)
{
	return audit_append_as(db, a->username ? a->username : "-", a->source, action,
			       object, outcome, detail, err);
}

int audit_verify(struct db *db, int64_t *rows, int64_t *bad_seq, struct strbuf *err)
{
	struct db_stmt *st = NULL;
	struct strbuf prev = STRBUF_INIT, hash = STRBUF_INIT;
	int64_t expect = 1, n = 0, head_seq = 0;
	int ret = -1, rc;

	strbuf_addstr(&prev, "0000000000000000000000000000000000000000000000000000000000000000");
	*bad_seq = 0;
	if (db_prepare(db, "SELECT seq, at, username, action, object, outcome, source, detail, "
		       "prev_hash, hash FROM audit ORDER BY seq", &st, err))
		goto cleanup;
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t seq = db_column_int64(st, 0);

		if (seq != expect) {
			*bad_seq = expect;
			strbuf_addf(err, "第 %" PRId64 " 条审计记录缺失（链断裂）", expect);
			ret = 1;
			goto cleanup;
		}
		chain_hash(prev.buf, seq, db_column_text(st, 1), db_column_text(st, 2),
			   db_column_text(st, 3), db_column_text(st, 4), db_column_text(st, 5),
			   db_column_text(st, 6), db_column_text(st, 7), &hash);
		if (strcmp(db_column_text(st, 8), prev.buf) ||
		    strcmp(db_column_text(st, 9), hash.buf)) {
			*bad_seq = seq;
			strbuf_addf(err, "第 %" PRId64 " 条审计记录被改动（哈希不符）", seq);
			ret = 1;
			goto cleanup;
		}
		strbuf_reset(&prev);
		strbuf_addbuf(&prev, &hash);
		expect++;
		n++;
	}
	if (rc < 0)
		goto cleanup;
	db_finalize(st);
	st = NULL;
	/* Rows deleted from the end show as a head ahead of the last row. */
	if (db_prepare(db, "SELECT seq, hash FROM audit_head WHERE id = 1", &st, err) ||
	    db_step(st, err) != DB_ROW)
		goto cleanup;
	head_seq = db_column_int64(st, 0);
	if (head_seq != n || strcmp(db_column_text(st, 1), prev.buf)) {
		*bad_seq = n + 1;
		strbuf_addf(err, "审计记录末尾缺失：应有 %" PRId64 " 条，实有 %" PRId64 " 条",
			    head_seq, n);
		ret = 1;
		goto cleanup;
	}
	*rows = n;
	ret = 0;
cleanup:
	if (st)
		db_finalize(st);
	strbuf_release(&prev);
	strbuf_release(&hash);
	return ret;
}
