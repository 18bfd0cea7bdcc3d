/*
 * audit.c: appending to and verifying the keyed chain, its switch-over from
 * the old SHA-256 chain, and anchors (see audit.h).  The chain's head is
 * one row of audit_head, read and updated inside the caller's write
 * transaction, which serialises appends on both engines.
 *
 * The audit key is the one process-wide secret kept here (set once at
 * start-up by audit_use_keys(), read-only after): the many callers of
 * audit_append() pass a connection, not keys.  Reading the log a page at a
 * time (audit_list(), for the audit administrator) is here too.  Not here:
 * what is audited.
 */
#include "model/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "base/crypto.h"
#include "base/date.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "model/role.h"

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

static unsigned char audit_key[CRYPTO_KEY_BYTES];
static int audit_key_loaded;

void audit_use_keys(const struct crypto_keys *k)
{
	audit_key_loaded = k && crypto_audit_key(k, audit_key) == 0;
	if (!audit_key_loaded)
		sodium_memzero(audit_key, sizeof(audit_key));
}

static int need_key(struct strbuf *err)
{
	if (audit_key_loaded)
		return 0;
	strbuf_addstr(err, "审计密钥未加载（需要密钥文件）");
	return -1;
}

/*
 * A row's link.  Fields are separated by a byte that valid UTF-8 text never
 * holds.  Rows before the switch-over point: SHA-256 of the fields, as
 * written before migration 011; from it on: a MAC, with a prefix that no
 * other MAC of this file has.
 */
static void chain_link(int keyed, const char *prev, int64_t seq, const char *at,
		       const char *user, const char *action, const char *object,
		       const char *outcome, const char *source, const char *detail,
		       struct strbuf *out)
{
	struct strbuf in = STRBUF_INIT;

	if (keyed)
		strbuf_addstr(&in, "row\x1f");
	strbuf_addf(&in, "%s\x1f%" PRId64 "\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s",
		    prev, seq, at, user, action, object, outcome, source, detail);
	strbuf_reset(out);
	if (keyed)
		mac_hex(audit_key, in.buf, in.len, out);
	else
		sha256_hex(in.buf, in.len, out);
	strbuf_release(&in);
}

static void head_mac(int64_t seq, const char *hash, int64_t keyed_from, struct strbuf *out)
{
	struct strbuf in = STRBUF_INIT;

	strbuf_addf(&in, "head\x1f%" PRId64 "\x1f%s\x1f%" PRId64, seq, hash, keyed_from);
	strbuf_reset(out);
	mac_hex(audit_key, in.buf, in.len, out);
	strbuf_release(&in);
}

static void anchor_mac(const struct audit_anchor *a, struct strbuf *out)
{
	struct strbuf in = STRBUF_INIT;

	strbuf_addf(&in, "anchor\x1f%" PRId64 "\x1f%s\x1f%" PRId64 "\x1f%s", a->seq, a->hash,
		    a->keyed_from, a->at);
	strbuf_reset(out);
	mac_hex(audit_key, in.buf, in.len, out);
	strbuf_release(&in);
}

struct head {
	int64_t seq;
	int64_t keyed_from;	/* 0: NULL (not switched over) */
	struct strbuf hash;
	struct strbuf mac;	/* empty: NULL */
};

static void head_release(struct head *h)
{
	strbuf_release(&h->hash);
	strbuf_release(&h->mac);
}

/* Read the head (for update when `lock`); 0 or -1 with `err`. */
static int head_read(struct db *db, int lock, struct head *h, struct strbuf *err)
{
	struct db_stmt *st = NULL;
	int ret = -1;

	strbuf_init(&h->hash, 0);
	strbuf_init(&h->mac, 0);
	if (db_prepare(db, lock && db_dialect(db) == DB_POSTGRES ?
		       "SELECT seq, hash, keyed_from, mac FROM audit_head WHERE id = 1 FOR UPDATE" :
		       "SELECT seq, hash, keyed_from, mac FROM audit_head WHERE id = 1", &st, err))
		goto cleanup;
	if (db_step(st, err) != DB_ROW) {
		strbuf_addstr(err, "audit_head is missing");
		goto cleanup;
	}
	h->seq = db_column_int64(st, 0);
	strbuf_addstr(&h->hash, db_column_text(st, 1));
	h->keyed_from = db_column_is_null(st, 2) ? 0 : db_column_int64(st, 2);
	if (!db_column_is_null(st, 3))
		strbuf_addstr(&h->mac, db_column_text(st, 3));
	ret = 0;
cleanup:
	if (st)
		db_finalize(st);
	return ret;
}

/* 1 when the head's MAC verifies (the key must be loaded). */
static int head_ok(const struct head *h)
{
	struct strbuf m = STRBUF_INIT;
	int ok;

	if (!h->keyed_from || !h->mac.len)
		return 0;
	head_mac(h->seq, h->hash.buf, h->keyed_from, &m);
	ok = consttime_equal(m.buf, h->mac.buf);
	strbuf_release(&m);
	return ok;
}

static int head_write(struct db *db, int64_t seq, const char *hash, int64_t keyed_from,
		      struct strbuf *err)
{
	struct strbuf mac = STRBUF_INIT;
	struct db_stmt *st = NULL;
	int ret = -1;

	head_mac(seq, hash, keyed_from, &mac);
	if (db_prepare(db, "UPDATE audit_head SET seq = ?, hash = ?, mac = ? WHERE id = 1",
		       &st, err))
		goto cleanup;
	db_bind_int64(st, 1, seq);
	db_bind_text(st, 2, hash);
	db_bind_text(st, 3, mac.buf);
	if (db_step(st, err) < 0)
		goto cleanup;
	ret = 0;
cleanup:
	if (st)
		db_finalize(st);
	strbuf_release(&mac);
	return ret;
}

int audit_append_as(struct db *db, const char *username, const char *source,
		    const char *action, const char *object, const char *outcome,
		    const char *detail, struct strbuf *err)
{
	struct db_stmt *st = NULL;
	struct strbuf hash = STRBUF_INIT;
	struct head h;
	char at[TIME_ISO_BUFSZ];
	int64_t seq = 0;
	int own = !db_in_transaction(db);
	int ret = -1;

	strbuf_init(&h.hash, 0);
	strbuf_init(&h.mac, 0);
	if (!object)
		object = "";
	if (!detail)
		detail = "";
	if (!source)
		source = "";
	if (need_key(err))
		return -1;
	if (own && db_begin(db, err))
		return -1;
	if (head_read(db, 1, &h, err))
		goto cleanup;
	if (!head_ok(&h)) {
		strbuf_addf(err, "审计链头校验失败（第 %" PRId64 " 条）：链头被改动或密钥不符，"
			    "拒绝写入；请运行 sanling audit verify", h.seq);
		goto cleanup;
	}
	seq = h.seq + 1;
	time_iso_utc(time_now(), at);
	chain_link(seq >= h.keyed_from, h.hash.buf, seq, at, username, action, object,
		   outcome, source, detail, &hash);

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
	db_bind_text(st, 9, h.hash.buf);
	db_bind_text(st, 10, hash.buf);
	if (db_step(st, err) < 0)
		goto cleanup;
	db_finalize(st);
	st = NULL;
	if (head_write(db, seq, hash.buf, h.keyed_from, err))
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
	head_release(&h);
	return ret;
}

int audit_append(struct db *db, const struct actor *a, const char *action,
		 const char *object, const char *outcome, const char *detail,
		 struct strbuf *err)
{
	return audit_append_as(db, a->username ? a->username : "-", a->source, action,
			       object, outcome, detail, err);
}

/*
 * Walk the rows: 0 intact, 1 broken (`*bad_seq`, `err`), -1 database error.
 * `*rows` and `last` (the last link) describe what was walked.
 */
static int walk(struct db *db, int64_t keyed_from, const struct audit_anchor *anchor,
		int64_t *rows, int64_t *bad_seq, struct strbuf *last, struct strbuf *err)
{
	struct db_stmt *st = NULL;
	struct strbuf hash = STRBUF_INIT;
	int64_t expect = 1;
	int ret = -1, rc;

	strbuf_reset(last);
	strbuf_addstr(last, ZERO_HASH);
	*rows = 0;
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
		chain_link(seq >= keyed_from, last->buf, seq, db_column_text(st, 1),
			   db_column_text(st, 2), db_column_text(st, 3), db_column_text(st, 4),
			   db_column_text(st, 5), db_column_text(st, 6), db_column_text(st, 7),
			   &hash);
		if (strcmp(db_column_text(st, 8), last->buf) ||
		    strcmp(db_column_text(st, 9), hash.buf)) {
			*bad_seq = seq;
			strbuf_addf(err, "第 %" PRId64 " 条审计记录被改动（%s不符）", seq,
				    seq >= keyed_from ? "MAC" : "哈希");
			ret = 1;
			goto cleanup;
		}
		if (anchor && seq == anchor->seq && strcmp(hash.buf, anchor->hash)) {
			*bad_seq = seq;
			strbuf_addf(err, "第 %" PRId64 " 条审计记录与锚点（%s）不符：锚点之前的记录"
				    "被改写", seq, anchor->at);
			ret = 1;
			goto cleanup;
		}
		strbuf_reset(last);
		strbuf_addbuf(last, &hash);
		expect++;
		(*rows)++;
	}
	ret = rc < 0 ? -1 : 0;
cleanup:
	if (st)
		db_finalize(st);
	strbuf_release(&hash);
	return ret;
}

int audit_verify_anchor(struct db *db, const struct audit_anchor *anchor, int64_t *rows,
			int64_t *bad_seq, struct strbuf *err)
{
	struct strbuf last = STRBUF_INIT;
	struct head h;
	int64_t n = 0;
	int ret = -1;

	strbuf_init(&h.hash, 0);
	strbuf_init(&h.mac, 0);
	*bad_seq = 0;
	if (need_key(err))
		goto cleanup;
	if (head_read(db, 0, &h, err))
		goto cleanup;
	if (!h.keyed_from) {
		*bad_seq = h.seq + 1;
		strbuf_addstr(err, "审计链未启用密钥（audit_head.keyed_from 为空）");
		ret = 1;
		goto cleanup;
	}
	if (anchor && anchor->keyed_from != h.keyed_from) {
		*bad_seq = anchor->keyed_from < h.keyed_from ? anchor->keyed_from : h.keyed_from;
		strbuf_addf(err, "审计链的密钥起点（第 %" PRId64 " 条）与锚点（%s，第 %" PRId64
			    " 条）不符：链被改回未加密钥的形式", h.keyed_from, anchor->at,
			    anchor->keyed_from);
		ret = 1;
		goto cleanup;
	}
	ret = walk(db, h.keyed_from, anchor, &n, bad_seq, &last, err);
	if (ret)
		goto cleanup;
	/* Rows deleted from the end show as a head ahead of the last row. */
	if (h.seq != n || strcmp(h.hash.buf, last.buf)) {
		*bad_seq = n + 1;
		if (h.seq != n)
			strbuf_addf(err, "审计记录末尾缺失：应有 %" PRId64 " 条，实有 %" PRId64 " 条",
				    h.seq, n);
		else
			strbuf_addf(err, "审计链头与第 %" PRId64 " 条记录不符：链头被改动", n);
		ret = 1;
		goto cleanup;
	}
	/* ... and a head moved back over them has no valid MAC. */
	if (!head_ok(&h)) {
		*bad_seq = n + 1;
		strbuf_addf(err, "审计链头（第 %" PRId64 " 条）的 MAC 不符：链头被改动，"
			    "其后的记录可能已被删除", h.seq);
		ret = 1;
		goto cleanup;
	}
	if (anchor && n < anchor->seq) {
		*bad_seq = n + 1;
		strbuf_addf(err, "审计记录只到第 %" PRId64 " 条，未到达锚点（%s）的第 %" PRId64
			    " 条：锚点之后的记录被删除", n, anchor->at, anchor->seq);
		ret = 1;
		goto cleanup;
	}
	*rows = n;
	ret = 0;
cleanup:
	strbuf_release(&last);
	head_release(&h);
	return ret;
}

int audit_verify(struct db *db, int64_t *rows, int64_t *bad_seq, struct strbuf *err)
{
	return audit_verify_anchor(db, NULL, rows, bad_seq, err);
}

/* ---- the switch-over (migration 011) ---- */

static int switch_over(struct db *db, void *arg, struct strbuf *err)
{
	struct strbuf last = STRBUF_INIT, why = STRBUF_INIT, detail = STRBUF_INIT;
	struct head h;
	int64_t n = 0, bad = 0;
	int ret = -1, rc;

	strbuf_init(&h.hash, 0);
	strbuf_init(&h.mac, 0);
	if (need_key(err) || head_read(db, 1, &h, err))
		goto cleanup;
	/* the migration's SQL set keyed_from = seq + 1: the old rows stay SHA-256 */
	if (head_write(db, h.seq, h.hash.buf, h.keyed_from, err))
		goto cleanup;
	if (!h.seq) {
		ret = 0;
		goto cleanup;
	}
	rc = walk(db, h.keyed_from, NULL, &n, &bad, &last, &why);
	if (rc < 0) {
		strbuf_addbuf(err, &why);
		goto cleanup;
	}
	if (!rc && (n != h.seq || strcmp(last.buf, h.hash.buf))) {
		rc = 1;
		bad = n + 1;
		strbuf_addf(&why, "审计记录末尾缺失：应有 %" PRId64 " 条，实有 %" PRId64 " 条",
			    h.seq, n);
	}
	strbuf_addf(&detail, "rows 1..%" PRId64 " chained by SHA-256 only; keyed from %" PRId64,
		    h.seq, h.keyed_from);
	if (rc) {
		strbuf_addf(&detail, "; old chain broken at row %" PRId64, bad);
		log_warn("audit: the old (SHA-256) chain is broken at row %" PRId64 ": %s; the "
			 "break stays visible to audit verify", bad, why.buf);
	}
	ret = audit_append_as(db, "system", "", "audit.keyed", "audit", rc ? "broken" : "ok",
			      detail.buf, err);
cleanup:
	strbuf_release(&last);
	strbuf_release(&why);
	strbuf_release(&detail);
	head_release(&h);
	return ret;
}

int audit_migrate_files(struct db *db, const struct embedded_file *files, struct strbuf *err)
{
	static const struct db_migration_hook hooks[] = {
		{ "011_audit_keyed.sql", switch_over, NULL },
		{ NULL, NULL, NULL },
	};

	return db_migrate_hooked(db, files, hooks, err);
}

int audit_migrate(struct db *db, struct strbuf *err)
{
	return audit_migrate_files(db, NULL, err);
}

/* ---- anchors ---- */

int audit_anchor_take(struct db *db, struct audit_anchor *a, struct strbuf *err)
{
	struct strbuf m = STRBUF_INIT;
	struct head h;
	int ret = -1;

	memset(a, 0, sizeof(*a));
	strbuf_init(&h.hash, 0);
	strbuf_init(&h.mac, 0);
	if (need_key(err) || head_read(db, 0, &h, err))
		goto cleanup;
	if (!head_ok(&h) || h.hash.len >= sizeof(a->hash)) {
		strbuf_addf(err, "审计链头（第 %" PRId64 " 条）校验失败，不能生成锚点；"
			    "请运行 sanling audit verify", h.seq);
		goto cleanup;
	}
	a->seq = h.seq;
	memcpy(a->hash, h.hash.buf, h.hash.len + 1);
	a->keyed_from = h.keyed_from;
	time_iso_utc(time_now(), a->at);
	anchor_mac(a, &m);
	memcpy(a->mac, m.buf, m.len + 1);
	ret = 0;
cleanup:
	strbuf_release(&m);
	head_release(&h);
	return ret;
}

void audit_anchor_json(const struct audit_anchor *a, struct strbuf *out)
{
	strbuf_addf(out, "{\"seq\":%" PRId64 ",\"hash\":\"%s\",\"keyed_from\":%" PRId64
		    ",\"at\":\"%s\",\"mac\":\"%s\"}\n", a->seq, a->hash, a->keyed_from, a->at,
		    a->mac);
}

int audit_anchor_write(const struct audit_anchor *a, const char *path, struct strbuf *err)
{
	struct strbuf tmp = STRBUF_INIT, text = STRBUF_INIT;
	size_t off = 0;
	int fd = -1, ret = -1;

	audit_anchor_json(a, &text);
	strbuf_addf(&tmp, "%s.tmp.XXXXXX", path);
	fd = mkostemp(tmp.buf, O_CLOEXEC);
	if (fd < 0) {
		strbuf_addf(err, "cannot create %s: %s", tmp.buf, strerror(errno));
		goto cleanup;
	}
	while (off < text.len) {
		ssize_t n = write(fd, text.buf + off, text.len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			strbuf_addf(err, "cannot write %s: %s", tmp.buf, strerror(errno));
			goto cleanup;
		}
		off += (size_t)n;
	}
	if (fchmod(fd, 0644) || fsync(fd) || rename(tmp.buf, path)) {
		strbuf_addf(err, "cannot write %s: %s", path, strerror(errno));
		goto cleanup;
	}
	ret = 0;
cleanup:
	if (fd >= 0) {
		close(fd);
		if (ret)
			unlink(tmp.buf);
	}
	strbuf_release(&tmp);
	strbuf_release(&text);
	return ret;
}

static int copy_hex(char *dst, size_t size, json_t *v)
{
	const char *s = json_string_value(v);
	size_t i, n = s ? strlen(s) : 0;

	if (!n || n >= size)
		return -1;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return -1;
	memcpy(dst, s, n + 1);
	return 0;
}

int audit_anchor_read(const char *path, struct audit_anchor *a, struct strbuf *err)
{
	struct strbuf m = STRBUF_INIT;
	json_error_t je;
	json_t *j = NULL;
	const char *at;
	int ret = -1;

	memset(a, 0, sizeof(*a));
	if (need_key(err))
		goto cleanup;
	j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		strbuf_addf(err, "cannot read the anchor %s: %s", path, je.text);
		goto cleanup;
	}
	at = json_string_value(json_object_get(j, "at"));
	if (!json_is_integer(json_object_get(j, "seq")) ||
	    !json_is_integer(json_object_get(j, "keyed_from")) || !at ||
	    strlen(at) >= sizeof(a->at) ||
	    copy_hex(a->hash, sizeof(a->hash), json_object_get(j, "hash")) ||
	    copy_hex(a->mac, sizeof(a->mac), json_object_get(j, "mac"))) {
		strbuf_addf(err, "%s is not an audit anchor (seq, hash, keyed_from, at, mac)", path);
		goto cleanup;
	}
	a->seq = json_integer_value(json_object_get(j, "seq"));
	a->keyed_from = json_integer_value(json_object_get(j, "keyed_from"));
	memcpy(a->at, at, strlen(at) + 1);
	anchor_mac(a, &m);
	if (!consttime_equal(m.buf, a->mac)) {
		strbuf_addf(err, "锚点文件 %s 的 MAC 不符：被改动、伪造，或不是这个密钥文件的锚点",
			    path);
		ret = 1;
		goto cleanup;
	}
	ret = 0;
cleanup:
	json_decref(j);
	strbuf_release(&m);
	return ret;
}

/* ---- reading the log ---- */

/* The WHERE clause of `q` into `where`, its values into `params`; returns how many. */
static int list_where(const struct audit_query *q, struct strbuf *where, const char **params)
{
	int n = 0;

	strbuf_addstr(where, " FROM audit WHERE 1 = 1");
	if (q->user) {
		strbuf_addstr(where, " AND username = ?");
		params[n++] = q->user;
	}
	if (q->action) {
		strbuf_addstr(where, " AND action = ?");
		params[n++] = q->action;
	}
	if (q->from) {
		strbuf_addstr(where, " AND at >= ?");
		params[n++] = q->from;
	}
	if (q->to) {
		strbuf_addstr(where, " AND at < ?");
		params[n++] = q->to; /* compared as text: "2026-11-29" < "2026-11-29T..." */
	}
	return n;
}

int audit_list(struct db *db, const struct audit_query *q, json_t **out, struct strbuf *err)
{
	struct strbuf where = STRBUF_INIT, sql = STRBUF_INIT;
	const char *params[4];
	struct db_stmt *st = NULL;
	json_t *items = NULL;
	int64_t total;
	int n, i, rc, ret = -1;

	*out = NULL;
	n = list_where(q, &where, params);
	strbuf_addf(&sql, "SELECT COUNT(*)%s", where.buf);
	if (db_prepare(db, sql.buf, &st, err))
		goto cleanup;
	for (i = 0; i < n; i++)
		db_bind_text(st, i + 1, params[i]);
	if (db_step(st, err) != DB_ROW)
		goto cleanup;
	total = db_column_int64(st, 0);
	db_finalize(st);
	st = NULL;
	strbuf_reset(&sql);
	strbuf_addf(&sql, "SELECT seq, at, username, action, object, outcome, source, detail%s "
		    "ORDER BY seq DESC LIMIT ? OFFSET ?", where.buf);
	if (db_prepare(db, sql.buf, &st, err))
		goto cleanup;
	for (i = 0; i < n; i++)
		db_bind_text(st, i + 1, params[i]);
	db_bind_int64(st, n + 1, q->page_size);
	db_bind_int64(st, n + 2, (q->page - 1) * q->page_size);
	items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(items, json_pack("{sI ss ss ss ss ss ss ss}",
			"seq", (json_int_t)db_column_int64(st, 0), "at", db_column_text(st, 1),
			"username", db_column_text(st, 2), "action", db_column_text(st, 3),
			"object", db_column_text(st, 4), "outcome", db_column_text(st, 5),
			"source", db_column_text(st, 6), "detail", db_column_text(st, 7)));
	if (rc < 0)
		goto cleanup;
	*out = json_pack("{so sI si si}", "items", items, "total", (json_int_t)total,
			 "page", (int)q->page, "page_size", (int)q->page_size);
	items = NULL;
	ret = 0;
cleanup:
	json_decref(items);
	if (st)
		db_finalize(st);
	strbuf_release(&where);
	strbuf_release(&sql);
	return ret;
}
