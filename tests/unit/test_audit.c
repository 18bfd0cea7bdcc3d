/*
 * test_audit: the keyed audit chain (src/model/audit.c) on SQLite and, when
 * SANLING_TEST_PG names a server, PostgreSQL: a clean chain verifies with
 * and without an anchor; each tamper the probe made is caught — rows
 * deleted from the end with the head moved back, rows deleted and the chain
 * recomputed the old way (plain SHA-256), an edited row — and so are a head
 * put back from an old copy (by an anchor) and a forged anchor.  The
 * switch-over of an old, unkeyed chain (migration 011) is tested from a
 * database migrated to 009 with rows written the old way.  Also the rate
 * limit of refusals (src/base/ratelimit.c).  Also the reading of the log a
 * page at a time (audit_list()) and the settings (src/model/settings.c),
 * whose changes are audited.
 *
 * Not here: the other callers of the audit (test_model), the API's audit of
 * refusals (tests/api/audit.test.mjs).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypto.h"
#include "base/embed.h"
#include "base/ratelimit.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "model/audit.h"
#include "model/entity.h"
#include "model/role.h"
#include "model/settings.h"

#include "engines.h"

static struct db *g_db;            /* the database of the running test */

#define exec_ok(sql) engines_exec(g_db, (sql))

static int64_t qint(const char *sql)
{
	struct strbuf err = STRBUF_INIT;
	char *v = NULL;
	int64_t n;

	if (db_query_value(g_db, sql, NULL, 0, &v, &err) < 0 || !v)
		fail_msg("query '%s': %s", sql, err.buf);
	n = strtoll(v, NULL, 10);
	free(v);
	strbuf_release(&err);
	return n;
}

static char *qtext(const char *sql)
{
	struct strbuf err = STRBUF_INIT;
	char *v = NULL;

	if (db_query_value(g_db, sql, NULL, 0, &v, &err) < 0)
		fail_msg("query '%s': %s", sql, err.buf);
	strbuf_release(&err);
	return v;
}

static int setup(void **state)
{
	g_db = engines_open();
	return 0;
}

/* A fresh database migrated only up to 009: the chain as it was before its key. */
static int setup_old(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct embedded_file upto[64];
	int n = 0;

	g_db = engines_open_empty();
	while (migrations[n].name && strcmp(migrations[n].name, "011_audit_keyed.sql")) {
		assert_true(n < 63);
		upto[n] = migrations[n];
		n++;
	}
	upto[n].name = NULL;
	if (db_migrate_files(g_db, upto, &err))
		fail_msg("migrate to 009: %s", err.buf);
	strbuf_release(&err);
	return 0;
}

static int teardown(void **state)
{
	if (g_db)
		db_close(g_db);
	g_db = NULL;
	return 0;
}

static void append(const char *user, const char *action, const char *object)
{
	struct strbuf err = STRBUF_INIT;

	if (audit_append_as(g_db, user, "10.0.0.1", action, object, "ok", "d", &err))
		fail_msg("audit_append: %s", err.buf);
	strbuf_release(&err);
}

/* Ten rows, three of them reveals (rows 3, 6, 9). */
static void ten_rows(void)
{
	int i;

	for (i = 1; i <= 10; i++)
		append(i % 3 ? "office" : "grid1", i % 3 ? "subjects.update" : "reveal",
		       "subjects/1 S1");
}

/* audit_verify_anchor(): its return; `bad` the row named. */
static int verify(const struct audit_anchor *a, int64_t *bad)
{
	struct strbuf err = STRBUF_INIT;
	int64_t rows = -1, b = -1;
	int rc = audit_verify_anchor(g_db, a, &rows, &b, &err);

	if (rc < 0)
		fail_msg("audit_verify: %s", err.buf);
	if (rc > 0 && !err.len)
		fail_msg("a broken chain without a message");
	if (bad)
		*bad = b;
	strbuf_release(&err);
	return rc;
}

static void take(struct audit_anchor *a)
{
	struct strbuf err = STRBUF_INIT;

	if (audit_anchor_take(g_db, a, &err))
		fail_msg("audit_anchor_take: %s", err.buf);
	strbuf_release(&err);
}

/*
 * What the probe did: read every row but those of `skip_action`, write them
 * back numbered anew and linked by plain SHA-256 as before migration 011,
 * and move the head onto the last.  With `downgrade` also claim that the
 * whole chain is old (keyed_from past the end, no head MAC).
 */
static void rewrite_sha(const char *skip_action, int downgrade)
{
	struct strbuf err = STRBUF_INIT, prev = STRBUF_INIT, in = STRBUF_INIT, sql = STRBUF_INIT;
	struct db_stmt *st = NULL, *ins = NULL;
	char **rows[256];
	int n = 0, i, c, rc;

	if (db_prepare(g_db, "SELECT at, username, action, object, outcome, source, detail "
		       "FROM audit ORDER BY seq", &st, &err))
		fail_msg("%s", err.buf);
	while ((rc = db_step(st, &err)) == DB_ROW) {
		if (skip_action && !strcmp(db_column_text(st, 2), skip_action))
			continue;
		assert_true(n < 256);
		rows[n] = calloc(7, sizeof(char *));
		for (c = 0; c < 7; c++)
			rows[n][c] = strdup(db_column_text(st, c));
		n++;
	}
	assert_true(rc >= 0);
	db_finalize(st);
	exec_ok("DELETE FROM audit");
	strbuf_addstr(&prev, "0000000000000000000000000000000000000000000000000000000000000000");
	for (i = 0; i < n; i++) {
		struct strbuf hash = STRBUF_INIT;

		strbuf_reset(&in);
		strbuf_addf(&in, "%s\x1f%d\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s", prev.buf,
			    i + 1, rows[i][0], rows[i][1], rows[i][2], rows[i][3], rows[i][4],
			    rows[i][5], rows[i][6]);
		sha256_hex(in.buf, in.len, &hash);
		if (db_prepare(g_db, "INSERT INTO audit (seq, at, username, action, object, outcome, "
			       "source, detail, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)",
			       &ins, &err))
			fail_msg("%s", err.buf);
		db_bind_int64(ins, 1, i + 1);
		for (c = 0; c < 7; c++)
			db_bind_text(ins, c + 2, rows[i][c]);
		db_bind_text(ins, 9, prev.buf);
		db_bind_text(ins, 10, hash.buf);
		if (db_step(ins, &err) < 0)
			fail_msg("%s", err.buf);
		db_finalize(ins);
		strbuf_reset(&prev);
		strbuf_addbuf(&prev, &hash);
		strbuf_release(&hash);
		for (c = 0; c < 7; c++)
			free(rows[i][c]);
		free(rows[i]);
	}
	strbuf_addf(&sql, "UPDATE audit_head SET seq = %d, hash = '%s'%s", n, prev.buf,
		    downgrade ? ", keyed_from = seq + 1, mac = NULL" : "");
	exec_ok(sql.buf);
	if (downgrade) {
		strbuf_reset(&sql);
		strbuf_addf(&sql, "UPDATE audit_head SET keyed_from = %d", n + 1);
		exec_ok(sql.buf);
	}
	strbuf_release(&err);
	strbuf_release(&prev);
	strbuf_release(&in);
	strbuf_release(&sql);
}

/* ---- a clean chain ---- */

static void test_clean(void **state)
{
	struct audit_anchor a, b;
	struct strbuf path = STRBUF_INIT, err = STRBUF_INIT;
	int64_t bad;

	assert_int_equal(verify(NULL, &bad), 0);	/* empty, head MACed at migration */
	ten_rows();
	assert_int_equal(verify(NULL, &bad), 0);
	assert_int_equal(qint("SELECT keyed_from FROM audit_head"), 1);
	take(&a);
	assert_int_equal(a.seq, 10);
	assert_int_equal(verify(&a, &bad), 0);
	/* the chain goes on past its anchor */
	append("office", "subjects.update", "subjects/2 S2");
	assert_int_equal(verify(&a, &bad), 0);
	/* through a file and back */
	strbuf_addf(&path, "%s/anchor-%d.json", engines_dir(), engines_seq());
	assert_int_equal(audit_anchor_write(&a, path.buf, &err), 0);
	assert_int_equal(audit_anchor_read(path.buf, &b, &err), 0);
	assert_int_equal(b.seq, a.seq);
	assert_string_equal(b.hash, a.hash);
	assert_string_equal(b.at, a.at);
	assert_int_equal(verify(&b, &bad), 0);
	strbuf_release(&path);
	strbuf_release(&err);
}

/* ---- the probe's tampers ---- */

static void test_delete_last_move_head(void **state)
{
	struct audit_anchor a;
	int64_t bad;

	ten_rows();
	take(&a);
	exec_ok("DELETE FROM audit WHERE seq > 7");
	exec_ok("UPDATE audit_head SET seq = 7, hash = (SELECT hash FROM audit WHERE seq = 7)");
	assert_int_equal(verify(NULL, &bad), 1);
	assert_int_equal(bad, 8);
	assert_int_equal(verify(&a, &bad), 1);
	/* and no new row may be chained onto the moved head */
	{
		struct strbuf err = STRBUF_INIT;

		assert_true(audit_append_as(g_db, "x", "", "test", "", "ok", "", &err) < 0);
		assert_non_null(strstr(err.buf, "链头"));
		strbuf_release(&err);
	}
	assert_int_equal(qint("SELECT COUNT(*) FROM audit"), 7);
}

/* A head put back from an old copy of the database: only an anchor tells. */
static void test_old_head_replayed(void **state)
{
	struct audit_anchor a;
	char *hash, *mac;
	struct strbuf sql = STRBUF_INIT;
	int64_t bad;

	ten_rows();
	hash = qtext("SELECT hash FROM audit_head");
	mac = qtext("SELECT mac FROM audit_head");
	append("office", "subjects.update", "subjects/2 S2");
	append("grid1", "reveal", "subjects/2 S2");
	take(&a);
	exec_ok("DELETE FROM audit WHERE seq > 10");
	strbuf_addf(&sql, "UPDATE audit_head SET seq = 10, hash = '%s', mac = '%s'", hash, mac);
	exec_ok(sql.buf);
	assert_int_equal(verify(NULL, &bad), 0);	/* consistent with itself ... */
	assert_int_equal(verify(&a, &bad), 1);		/* ... but short of the anchor */
	assert_int_equal(bad, 11);
	free(hash);
	free(mac);
	strbuf_release(&sql);
}

static void test_reveals_deleted_sha_recomputed(void **state)
{
	struct audit_anchor a;
	int64_t bad;

	ten_rows();
	take(&a);
	rewrite_sha("reveal", 0);
	assert_int_equal(qint("SELECT COUNT(*) FROM audit"), 7);
	assert_int_equal(verify(NULL, &bad), 1);
	assert_int_equal(bad, 1);
	assert_int_equal(verify(&a, &bad), 1);
}

/* The same, claiming moreover that the whole chain predates the keys. */
static void test_reveals_deleted_downgraded(void **state)
{
	struct audit_anchor a;
	int64_t bad;

	ten_rows();
	take(&a);
	rewrite_sha("reveal", 1);
	assert_int_equal(qint("SELECT keyed_from FROM audit_head"), 8);
	assert_int_equal(verify(NULL, &bad), 1);	/* no head MAC */
	exec_ok("UPDATE audit_head SET mac = 'ab'");
	assert_int_equal(verify(NULL, &bad), 1);
	assert_int_equal(verify(&a, &bad), 1);
}

static void test_edit_row(void **state)
{
	struct audit_anchor a;
	int64_t bad;

	ten_rows();
	take(&a);
	exec_ok("UPDATE audit SET username = 'mallory' WHERE seq = 4");
	assert_int_equal(verify(NULL, &bad), 1);
	assert_int_equal(bad, 4);
	assert_int_equal(verify(&a, &bad), 1);
	exec_ok("UPDATE audit SET username = 'office' WHERE seq = 4");
	assert_int_equal(verify(&a, &bad), 0);
	/* a row slipped in at the end, the head not moved */
	exec_ok("INSERT INTO audit (seq, at, username, action, object, outcome, source, detail, "
		"prev_hash, hash) SELECT 11, at, username, action, object, outcome, source, detail, "
		"hash, hash FROM audit WHERE seq = 10");
	assert_int_equal(verify(NULL, &bad), 1);
	assert_int_equal(bad, 11);
}

/* Another key file: nothing verifies, nothing is appended. */
static void test_other_key(void **state)
{
	struct crypto_keys other = CRYPTO_KEYS_INIT;
	struct strbuf path = STRBUF_INIT, err = STRBUF_INIT;
	int64_t bad;

	ten_rows();
	strbuf_addf(&path, "%s/other-%d.key", engines_dir(), engines_seq());
	assert_int_equal(crypto_keys_load(&other, path.buf, 1, &err), 0);
	audit_use_keys(&other);
	assert_int_equal(verify(NULL, &bad), 1);
	assert_true(audit_append_as(g_db, "x", "", "test", "", "ok", "", &err) < 0);
	audit_use_keys(NULL);
	strbuf_reset(&err);
	assert_true(audit_append_as(g_db, "x", "", "test", "", "ok", "", &err) < 0);
	audit_use_keys(engines_keys());
	assert_int_equal(verify(NULL, &bad), 0);
	crypto_keys_release(&other);
	strbuf_release(&path);
	strbuf_release(&err);
}

static void test_forged_anchor(void **state)
{
	struct audit_anchor a, b;
	struct strbuf path = STRBUF_INIT, err = STRBUF_INIT;
	FILE *f;

	ten_rows();
	take(&a);
	a.seq = 9;	/* "the chain only ever reached row 9" */
	strbuf_addf(&path, "%s/forged-%d.json", engines_dir(), engines_seq());
	f = fopen(path.buf, "w");
	assert_non_null(f);
	strbuf_reset(&err);
	audit_anchor_json(&a, &err);
	fputs(err.buf, f);
	fclose(f);
	strbuf_reset(&err);
	assert_int_equal(audit_anchor_read(path.buf, &b, &err), 1);
	strbuf_reset(&err);
	f = fopen(path.buf, "w");
	fputs("{\"seq\": 1}", f);
	fclose(f);
	assert_int_equal(audit_anchor_read(path.buf, &b, &err), -1);
	strbuf_release(&path);
	strbuf_release(&err);
}

/* The audit key: derived, stable, apart from the keys it comes from. */
static void test_audit_key(void **state)
{
	unsigned char k1[CRYPTO_KEY_BYTES], k2[CRYPTO_KEY_BYTES];
	struct crypto_keys none = CRYPTO_KEYS_INIT;
	struct strbuf m1 = STRBUF_INIT, m2 = STRBUF_INIT;

	assert_int_equal(crypto_audit_key(engines_keys(), k1), 0);
	assert_int_equal(crypto_audit_key(engines_keys(), k2), 0);
	assert_memory_equal(k1, k2, sizeof(k1));
	assert_memory_not_equal(k1, engines_keys()->aead, sizeof(k1));
	assert_memory_not_equal(k1, engines_keys()->index, sizeof(k1));
	assert_int_equal(crypto_audit_key(&none, k2), -1);
	mac_hex(k1, "abc", 3, &m1);
	mac_hex(k1, "abd", 3, &m2);
	assert_int_equal(m1.len, 64);
	assert_string_not_equal(m1.buf, m2.buf);
	strbuf_release(&m1);
	strbuf_release(&m2);
}

/* ---- the switch-over of an old chain (migration 011) ---- */

/* Rows written the old way: plain SHA-256, as before migration 011. */
static void old_rows(int n)
{
	struct strbuf sql = STRBUF_INIT;
	int i;

	for (i = 1; i <= n; i++) {
		strbuf_reset(&sql);
		strbuf_addf(&sql, "INSERT INTO audit (seq, at, username, action, object, outcome, "
			    "source, detail, prev_hash, hash) VALUES (%d, '2026-01-0%dT00:00:00Z', "
			    "'office', '%s', 'subjects/1 S1', 'ok', '', 'd', 'x', 'x')", i, i % 9 + 1,
			    i % 3 ? "subjects.update" : "reveal");
		exec_ok(sql.buf);
	}
	rewrite_sha(NULL, 0);	/* links them, and the head, by SHA-256 */
	strbuf_release(&sql);
}

static void migrate_now(void)
{
	struct strbuf err = STRBUF_INIT;

	if (audit_migrate(g_db, &err))
		fail_msg("audit_migrate: %s", err.buf);
	strbuf_release(&err);
}

static void test_switch_over(void **state)
{
	struct audit_anchor a;
	char *outcome;
	int64_t bad;

	old_rows(6);
	migrate_now();
	assert_int_equal(qint("SELECT keyed_from FROM audit_head"), 7);
	assert_int_equal(qint("SELECT COUNT(*) FROM audit"), 7);
	outcome = qtext("SELECT outcome FROM audit WHERE seq = 7 AND action = 'audit.keyed'");
	assert_non_null(outcome);
	assert_string_equal(outcome, "ok");
	free(outcome);
	assert_int_equal(verify(NULL, &bad), 0);
	append("office", "subjects.update", "subjects/1 S1");
	take(&a);
	assert_int_equal(verify(&a, &bad), 0);
	/* migrating again does nothing */
	migrate_now();
	assert_int_equal(qint("SELECT COUNT(*) FROM audit"), 8);
	/* an old row edited: caught where it is */
	exec_ok("UPDATE audit SET detail = 'e' WHERE seq = 2");
	assert_int_equal(verify(NULL, &bad), 1);
	assert_int_equal(bad, 2);
	/* the old part recomputed without the reveals: caught at the first keyed row */
	exec_ok("UPDATE audit SET detail = 'd' WHERE seq = 2");
	assert_int_equal(verify(NULL, &bad), 0);
	exec_ok("DELETE FROM audit WHERE seq > 6");
	rewrite_sha("reveal", 0);
	assert_int_equal(verify(NULL, &bad), 1);
	assert_int_equal(verify(&a, &bad), 1);
}

/* An old chain already broken stays broken: the switch-over does not bless it. */
static void test_switch_over_broken(void **state)
{
	char *outcome;
	int64_t bad;

	old_rows(5);
	exec_ok("UPDATE audit SET username = 'mallory' WHERE seq = 3");
	migrate_now();
	outcome = qtext("SELECT outcome FROM audit WHERE action = 'audit.keyed'");
	assert_non_null(outcome);
	assert_string_equal(outcome, "broken");
	free(outcome);
	assert_int_equal(verify(NULL, &bad), 1);
	assert_int_equal(bad, 3);
}

/* ---- the rate limit of refusals ---- */

static int64_t g_swept;

static void count_swept(void *arg, const struct ratelimit_dropped *d)
{
	assert_string_equal(d->key, (const char *)arg);
	g_swept += d->count;
}

/* audit_list(): filters, newest first, pages and the total. */
static void test_audit_list(void **state)
{
	struct audit_query q = { .page = 1, .page_size = 2 };
	struct strbuf err = STRBUF_INIT;
	json_t *out = NULL, *items;
	int i;

	for (i = 0; i < 5; i++)
		append("alice", "list.a", "x");
	for (i = 0; i < 3; i++)
		append("bob", "list.b", "y");
	q.user = "bob";
	assert_int_equal(audit_list(g_db, &q, &out, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(out, "total")), 3);
	items = json_object_get(out, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_true(json_integer_value(json_object_get(json_array_get(items, 0), "seq")) >
		    json_integer_value(json_object_get(json_array_get(items, 1), "seq")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "action")),
			    "list.b");
	json_decref(out);
	q.page = 2;
	assert_int_equal(audit_list(g_db, &q, &out, &err), 0);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
	assert_int_equal(json_integer_value(json_object_get(out, "page")), 2);
	json_decref(out);
	q = (struct audit_query){ .action = "list.a", .from = "2000-01-01", .to = "2000-01-02",
				  .page = 1, .page_size = 50 };
	assert_int_equal(audit_list(g_db, &q, &out, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(out, "total")), 0);
	json_decref(out);
	strbuf_release(&err);
}

/* The settings: defaults from the one table, a change audited, a bad one refused whole. */
static void test_settings(void **state)
{
	struct actor a = { .user_id = 1, .username = "sec", .role = ROLE_SECADMIN, .source = "t" };
	const struct setting_desc *s;
	struct model_error e;
	json_t *in, *out = NULL;

	model_error_init(&e);
	for (s = settings_table; s->key; s++) {
		assert_true(s->min <= s->def && s->def <= s->max);
		assert_int_equal(settings_get_int(g_db, s->key), s->def);
	}
	assert_non_null(setting_find("password_min_length"));
	assert_non_null(setting_find("password_min_classes"));
	assert_non_null(setting_find("personal_lookups_per_minute"));
	assert_null(setting_find("nope"));

	in = json_pack("{si si}", "password_min_length", 12, "personal_lookups_per_minute", 3);
	assert_int_equal(settings_put(g_db, &a, in, &e), 0);
	json_decref(in);
	assert_int_equal(settings_get_int(g_db, "password_min_length"), 12);
	assert_int_equal(settings_get_int(g_db, "personal_lookups_per_minute"), 3);
	assert_int_equal(qint("SELECT COUNT(*) FROM audit WHERE action = 'settings.update' AND "
			      "detail = 'password_min_length=12 personal_lookups_per_minute=3'"), 1);

	/* a good key beside a bad one: nothing changes */
	in = json_pack("{si si}", "password_min_classes", 2, "password_min_length", 65);
	assert_int_equal(settings_put(g_db, &a, in, &e), MODEL_EINVAL);
	assert_string_equal(e.field, "password_min_length");
	json_decref(in);
	in = json_pack("{si si}", "password_min_classes", 2, "nope", 1);
	assert_int_equal(settings_put(g_db, &a, in, &e), MODEL_EBADREQ);
	assert_string_equal(e.field, "nope");
	json_decref(in);
	/* the office's key is not the security administrator's */
	in = json_pack("{si}", "duban_red_workdays", 3);
	assert_int_equal(settings_put(g_db, &a, in, &e), MODEL_EFORBIDDEN);
	assert_string_equal(e.field, "duban_red_workdays");
	json_decref(in);
	in = json_pack("{ss}", "password_min_classes", "2");
	assert_int_equal(settings_put(g_db, &a, in, &e), MODEL_EINVAL);
	json_decref(in);
	assert_int_equal(settings_get_int(g_db, "password_min_classes"), 3);
	assert_int_equal(settings_get_int(g_db, "password_min_length"), 12);

	assert_int_equal(settings_json(g_db, &out, &e), 0);
	for (s = settings_table; s->key; s++)
		;
	assert_int_equal(json_object_size(out), s - settings_table);
	assert_int_equal(json_integer_value(json_object_get(out, "password_min_length")), 12);
	assert_int_equal(json_integer_value(json_object_get(out, "password_min_classes")), 3);
	json_decref(out);
	{
		struct strbuf err = STRBUF_INIT;
		int64_t rows = 0, bad = 0;

		assert_int_equal(audit_verify(g_db, &rows, &bad, &err), 0);
		strbuf_release(&err);
	}
	model_error_release(&e);
}

static void test_ratelimit(void **state)
{
	struct ratelimit *rl = ratelimit_new(3, 5, 60, 4);
	struct ratelimit_dropped d;
	int i, ok = 0;

	for (i = 0; i < 10; i++) {
		ok += ratelimit_hit(rl, "u:a", 1000, &d);
		assert_int_equal(d.count, 0);
	}
	assert_int_equal(ok, 3);
	/* the global limit: 5 a window in all */
	ok = 0;
	for (i = 0; i < 5; i++)
		ok += ratelimit_hit(rl, "u:b", 1010, &d);
	assert_int_equal(ok, 2);
	/* the next window of a: the 7 not recorded are handed back, once */
	assert_int_equal(ratelimit_hit(rl, "u:a", 1060, &d), 1);
	assert_int_equal(d.count, 7);
	assert_string_equal(d.key, "u:a");
	assert_int_equal(d.since, 1000);
	assert_int_equal(d.until, 1060);
	assert_int_equal(ratelimit_hit(rl, "u:a", 1061, &d), 1);
	assert_int_equal(d.count, 0);
	/* b's are swept once its window is over */
	g_swept = 0;
	ratelimit_sweep(rl, 1069, count_swept, "u:b");
	assert_int_equal(g_swept, 0);
	ratelimit_sweep(rl, 1070, count_swept, "u:b");
	assert_int_equal(g_swept, 3);
	ratelimit_sweep(rl, 1200, count_swept, "u:b");
	assert_int_equal(g_swept, 3);
	/* more keys than the table: they share "*" */
	ratelimit_hit(rl, "u:c", 2000, &d);
	ratelimit_hit(rl, "u:d", 2000, &d);
	ratelimit_hit(rl, "u:e", 2000, &d);
	ok = 0;
	for (i = 0; i < 5; i++)
		ok += ratelimit_hit(rl, "u:f", 2000, &d);
	assert_int_equal(ok, 2);	/* the global limit left two */
	ratelimit_free(rl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clean, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_last_move_head, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_head_replayed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reveals_deleted_sha_recomputed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reveals_deleted_downgraded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_row, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_anchor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_switch_over, setup_old, teardown),
		cmocka_unit_test_setup_teardown(test_switch_over_broken, setup_old, teardown),
		cmocka_unit_test_setup_teardown(test_audit_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_settings, setup, teardown),
	};
	const struct CMUnitTest plain[] = {
		cmocka_unit_test(test_ratelimit),
		cmocka_unit_test(test_audit_key),
	};
	int failed;

	if (engines_init("audit"))
		return 1;
	failed = cmocka_run_group_tests_name("ratelimit", plain, NULL, NULL);
	failed += ENGINES_RUN(tests);
	engines_end();
	return failed ? 1 : 0;
}
