/*
 * test_model.c: unit tests of the model layer (src/model/): the entity
 * descriptors against the real schema, validation and its refusals,
 * derived fields, scope by role, personal data (encryption, masking, blind
 * index, reveal), history and lists as of a month, list parameters, the
 * audit chain, import and export, accounts and sessions.
 *
 * Every test runs on a fresh database migrated with the real migrations:
 * a SQLite file in a temporary directory and, when SANLING_TEST_PG holds a
 * postgresql:// URL, a PostgreSQL schema of its own as well (dropped at the
 * end).  Not a test of the db layer or of the file formats (test_db.c,
 * test_table.c), nor of HTTP.
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

#include <jansson.h>

#include "assess/assess.h"
#include "base/crypto.h"
#include "base/date.h"
#include "base/strbuf.h"
#include "base/validate.h"
#include "db/db.h"
#include "io/table.h"
#include "model/audit.h"
#include "model/entity.h"
#include "model/role.h"
#include "model/session.h"

#include "engines.h"

/* ---- the fixture: one fresh, migrated database per test (engines.h) ---- */

static struct db *g_db;            /* the database of the running test */

/* Strings the helpers return, freed when the test ends. */
static char **g_keep;
static size_t g_nkeep, g_akeep;

#define GOOD_PW "Sanling#2026ok"

#define assert_str(a, b) do { \
	const char *sa_ = (a), *sb_ = (b); \
	if (!sa_ || !sb_ || strcmp(sa_, sb_)) \
		fail_msg("%s:%d: \"%s\" != \"%s\"", __FILE__, __LINE__, \
			 sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)"); \
} while (0)

#define assert_str_ne(a, b) do { \
	const char *sa_ = (a), *sb_ = (b); \
	if (!sa_ || !sb_ || !strcmp(sa_, sb_)) \
		fail_msg("%s:%d: \"%s\" == \"%s\"", __FILE__, __LINE__, \
			 sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)"); \
} while (0)

static char *keep(char *s)
{
	if (!s)
		return NULL;
	if (g_nkeep == g_akeep) {
		g_akeep = g_akeep ? 2 * g_akeep : 64;
		g_keep = realloc(g_keep, g_akeep * sizeof(*g_keep));
		if (!g_keep)
			abort();
	}
	g_keep[g_nkeep++] = s;
	return s;
}

static void keep_free_all(void)
{
	size_t i;

	for (i = 0; i < g_nkeep; i++)
		free(g_keep[i]);
	free(g_keep);
	g_keep = NULL;
	g_nkeep = g_akeep = 0;
}

static int has_prefix(const char *s, const char *p)
{
	return s && !strncmp(s, p, strlen(p));
}

static json_t *J(const char *text)
{
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);

	if (!j)
		fail_msg("bad JSON in a test: %s: %s", je.text, text);
	return j;
}

/* Any JSON value (a bare number or string). */
static json_t *JA(const char *text)
{
	json_error_t je;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &je);

	if (!j)
		fail_msg("bad JSON in a test: %s: %s", je.text, text);
	return j;
}

static const char *json_dumps_tmp(const json_t *j)
{
	return keep(json_dumps(j, JSON_SORT_KEYS));
}

#define exec_ok(sql) engines_exec(g_db, (sql))

/* First column of the first row (NULL for none or SQL NULL); one or no parameter. */
static const char *QS(const char *sql, const char *param)
{
	struct strbuf err = STRBUF_INIT;
	const char *params[1] = { param };
	char *v = NULL;

	if (db_query_value(g_db, sql, params, param ? 1 : 0, &v, &err) < 0)
		fail_msg("query '%s': %s", sql, err.buf);
	strbuf_release(&err);
	return keep(v);
}

static int64_t qcount(const char *sql)
{
	const char *v = QS(sql, NULL);

	if (!v)
		fail_msg("query '%s' gave no value", sql);
	return strtoll(v, NULL, 10);
}

static int64_t subject_id(const char *code)
{
	const char *v = QS("SELECT id FROM subjects WHERE code = ?", code);

	if (!v)
		fail_msg("no subject %s", code);
	return strtoll(v, NULL, 10);
}

static int64_t id_of(const char *table_sql, const char *key)
{
	const char *v = QS(table_sql, key);

	if (!v)
		fail_msg("no row for %s in '%s'", key, table_sql);
	return strtoll(v, NULL, 10);
}

/* Every row of every table a write may touch, as text. */
static const char *snapshot(void)
{
	static const char *const queries[] = {
		"SELECT * FROM regions ORDER BY id",
		"SELECT * FROM departments ORDER BY id",
		"SELECT * FROM sector_map ORDER BY id",
		"SELECT * FROM subjects ORDER BY id",
		"SELECT * FROM subjects_history ORDER BY hid",
		"SELECT * FROM users ORDER BY id",
		"SELECT * FROM sessions ORDER BY token_hash",
		"SELECT * FROM audit ORDER BY seq",
		"SELECT * FROM audit_head",
	};
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		struct db_stmt *st = NULL;
		int rc, c;

		strbuf_addf(&out, "## %s\n", queries[i]);
		if (db_prepare(g_db, queries[i], &st, &err))
			fail_msg("snapshot: %s", err.buf);
		while ((rc = db_step(st, &err)) == DB_ROW) {
			for (c = 0; c < db_column_count(st); c++) {
				if (db_column_is_null(st, c))
					strbuf_addstr(&out, "\\N");
				else
					strbuf_addstr(&out, db_column_text(st, c));
				strbuf_addch(&out, '|');
			}
			strbuf_addch(&out, '\n');
		}
		if (rc < 0)
			fail_msg("snapshot: %s", err.buf);
		db_finalize(st);
	}
	strbuf_release(&err);
	return keep(strbuf_detach(&out, NULL));
}

static void expect_unchanged(const char *before)
{
	const char *after = snapshot();

	if (strcmp(before, after))
		fail_msg("a refused operation changed the database:\n--- before\n%s\n--- after\n%s",
			 before, after);
}

/* An actor of `role` in district 330101, as a logged-in user would have it. */
static struct actor mk_actor(enum role role, const char *dept, const char *township,
			     const char *grid, const char *subject)
{
	struct actor a;

	memset(&a, 0, sizeof(a));
	a.user_id = 1000 + (int64_t)role;
	a.username = role_code(role);
	a.role = role;
	a.dept = dept;
	a.district = (ROLE_BIT(role) & ROLES_ADMIN) || role == ROLE_NONE ? NULL : "330101";
	a.township = township;
	a.grid = grid;
	a.subject = subject;
	a.source = "10.1.2.3";
	return a;
}

static struct model_ctx ctx_of(const struct actor *a)
{
	struct model_ctx mc;

	memset(&mc, 0, sizeof(mc));
	mc.db = g_db;
	mc.actor = a;
	mc.keys = engines_keys();
	return mc;
}

static void expect_field(const struct model_error *e, const char *field)
{
	if (!field) {
		if (e->field)
			fail_msg("error names field %s, expected none (%s)", e->field, e->msg.buf);
		return;
	}
	if (!e->field || strcmp(e->field, field))
		fail_msg("error names field %s, expected %s (%s)", e->field ? e->field : "(none)",
			 field, e->msg.buf);
}

/* entity_create with `in` (consumed). */
static int create_raw(const struct actor *a, const char *ent, json_t *in, json_t **out,
		      struct model_error *e)
{
	struct model_ctx mc = ctx_of(a);
	int ret = entity_create(&mc, entity_find(ent), in, out, e);

	json_decref(in);
	return ret;
}

static int64_t create_ok(const struct actor *a, const char *ent, const char *json, json_t **out)
{
	struct model_error e;
	json_t *o = NULL;
	int64_t id;

	model_error_init(&e);
	if (create_raw(a, ent, J(json), &o, &e))
		fail_msg("create %s %s: %d %s: %s", ent, json, e.code, e.field ? e.field : "-",
			 e.msg.buf);
	id = json_integer_value(json_object_get(o, "id"));
	assert_true(id > 0);
	if (out)
		*out = o;
	else
		json_decref(o);
	model_error_release(&e);
	return id;
}

/* An update names the revision it was made from: the stored one, unless
 * the test gives its own (or the record is not there: 1). */
static void with_rev(const char *ent, int64_t id, json_t *in)
{
	struct strbuf sql = STRBUF_INIT, err = STRBUF_INIT;
	struct db_stmt *st;
	int64_t rev = 1;

	if (!json_is_object(in) || json_object_get(in, "rev"))
		return;
	strbuf_addf(&sql, "SELECT rev FROM %s WHERE id = ?", entity_find(ent)->table);
	if (db_prepare(g_db, sql.buf, &st, &err))
		fail_msg("%s: %s", sql.buf, err.buf);
	db_bind_int64(st, 1, id);
	if (db_step(st, &err) == DB_ROW)
		rev = db_column_int64(st, 0);
	db_finalize(st);
	json_object_set_new(in, "rev", json_integer(rev));
	strbuf_release(&sql);
	strbuf_release(&err);
}

static void update_ok(const struct actor *a, const char *ent, int64_t id, const char *json)
{
	struct model_ctx mc = ctx_of(a);
	struct model_error e;
	json_t *in = J(json), *out = NULL;

	model_error_init(&e);
	with_rev(ent, id, in);
	if (entity_update(&mc, entity_find(ent), id, in, &out, &e))
		fail_msg("update %s/%" PRId64 " %s: %d %s: %s", ent, id, json, e.code,
			 e.field ? e.field : "-", e.msg.buf);
	assert_non_null(out);
	json_decref(out);
	json_decref(in);
	model_error_release(&e);
}

static void expect_create_fails(const struct actor *a, const char *ent, json_t *in, int code,
				const char *field)
{
	const char *before = snapshot();
	struct model_error e;
	json_t *out = NULL;
	int ret;

	model_error_init(&e);
	ret = create_raw(a, ent, in, &out, &e);
	if (ret != code)
		fail_msg("create %s: got %d (%s), expected %d", ent, ret, e.msg.buf, code);
	assert_int_equal(e.code, code);
	assert_null(out);
	assert_true(e.msg.len > 0);
	expect_field(&e, field);
	expect_unchanged(before);
	model_error_release(&e);
}

static void expect_update_fails(const struct actor *a, const char *ent, int64_t id, json_t *in,
				int code, const char *field)
{
	const char *before = snapshot();
	struct model_ctx mc = ctx_of(a);
	struct model_error e;
	json_t *out = NULL;
	int ret;

	model_error_init(&e);
	with_rev(ent, id, in);
	ret = entity_update(&mc, entity_find(ent), id, in, &out, &e);
	json_decref(in);
	if (ret != code)
		fail_msg("update %s/%" PRId64 ": got %d (%s), expected %d", ent, id, ret, e.msg.buf,
			 code);
	assert_int_equal(e.code, code);
	assert_null(out);
	expect_field(&e, field);
	expect_unchanged(before);
	model_error_release(&e);
}

/*
 * Creating `json_foreign` (naming `foreign`, out of the actor's reach) and
 * `json_missing` (naming `missing`, which does not exist) fail alike: the
 * same code, field and message but for the code named.  Nothing is stored.
 */
static void expect_reads_missing(const struct actor *a, const char *json_foreign,
				 const char *foreign, const char *json_missing, const char *missing,
				 const char *field)
{
	const char *before = snapshot();
	struct model_error e1, e2;
	struct strbuf m = STRBUF_INIT;
	const char *p;
	int r1, r2;

	model_error_init(&e1);
	model_error_init(&e2);
	r1 = create_raw(a, "subjects", J(json_foreign), NULL, &e1);
	r2 = create_raw(a, "subjects", J(json_missing), NULL, &e2);
	expect_unchanged(before);
	if (r2 != MODEL_EINVAL)
		fail_msg("a missing %s: got %d (%s)", missing, r2, e2.msg.buf);
	expect_field(&e2, field);
	if (r1 != r2)
		fail_msg("%s out of reach gives %d (%s), a missing one %d (%s)", foreign, r1,
			 e1.msg.buf, r2, e2.msg.buf);
	expect_field(&e1, field);
	p = strstr(e1.msg.buf, foreign);
	if (!p)
		fail_msg("\"%s\" does not name %s", e1.msg.buf, foreign);
	strbuf_add(&m, e1.msg.buf, (size_t)(p - e1.msg.buf));
	strbuf_addstr(&m, missing);
	strbuf_addstr(&m, p + strlen(foreign));
	if (strcmp(m.buf, e2.msg.buf))
		fail_msg("%s out of reach reads \"%s\", a missing one \"%s\": the refusal tells "
			 "that it exists", foreign, e1.msg.buf, e2.msg.buf);
	strbuf_release(&m);
	model_error_release(&e1);
	model_error_release(&e2);
}

static json_t *create_user_ok(const struct actor *a, const char *json, const char *pw)
{
	struct model_ctx mc = ctx_of(a);
	struct model_error e;
	json_t *in = J(json), *out = NULL;

	model_error_init(&e);
	if (entity_create_secret(&mc, entity_find("users"), in, pw, &out, &e))
		fail_msg("create user %s: %d %s: %s", json, e.code, e.field ? e.field : "-",
			 e.msg.buf);
	json_decref(in);
	model_error_release(&e);
	return out;
}

static void expect_create_user_fails(const struct actor *a, const char *json, const char *pw,
				     int code, const char *field)
{
	const char *before = snapshot();
	struct model_ctx mc = ctx_of(a);
	struct model_error e;
	json_t *in = J(json), *out = NULL;
	int ret;

	model_error_init(&e);
	ret = entity_create_secret(&mc, entity_find("users"), in, pw, &out, &e);
	json_decref(in);
	if (ret != code)
		fail_msg("create user %s: got %d (%s), expected %d", json, ret, e.msg.buf, code);
	assert_int_equal(e.code, code);
	assert_null(out);
	expect_field(&e, field);
	expect_unchanged(before);
	model_error_release(&e);
}

static int get_raw(const struct actor *a, const char *ent, int64_t id, json_t **out,
		   struct model_error *e)
{
	struct model_ctx mc = ctx_of(a);

	*out = NULL;
	return entity_get(&mc, entity_find(ent), id, out, e);
}

static int history_entity_raw(const struct actor *a, const char *ent, int64_t id, json_t **out,
			      struct model_error *e)
{
	struct model_ctx mc = ctx_of(a);

	*out = NULL;
	return entity_history(&mc, entity_find(ent), id, out, e);
}

static int history_raw(const struct actor *a, int64_t id, json_t **out, struct model_error *e)
{
	return history_entity_raw(a, "subjects", id, out, e);
}

static int retire_entity_raw(const struct actor *a, const char *ent, int64_t id,
			     const char *month, struct model_error *e)
{
	struct model_ctx mc = ctx_of(a);
	json_t *out = NULL;
	int ret = entity_retire(&mc, entity_find(ent), id, month, &out, e);

	if (!ret)
		assert_non_null(out);
	else
		assert_null(out);
	json_decref(out);
	return ret;
}

static int retire_raw(const struct actor *a, int64_t id, const char *month, struct model_error *e)
{
	return retire_entity_raw(a, "subjects", id, month, e);
}

static int reveal_raw(const struct actor *a, int64_t id, const char *field, const char *reason,
		      json_t **out, struct model_error *e)
{
	struct model_ctx mc = ctx_of(a);

	*out = NULL;
	return entity_reveal(&mc, entity_find("subjects"), id, field, reason, out, e);
}

/* List parameters from "a=1&b=2" (no URL decoding: values are taken as written). */
struct qs {
	size_t n;
	char *name[32];
	char *value[32];
	char *buf;
};

static void qs_parse(struct qs *q, const char *s)
{
	char *p, *amp;

	memset(q, 0, sizeof(*q));
	if (!s)
		return;
	q->buf = strdup(s);
	if (!q->buf)
		abort();
	for (p = q->buf; p && *p; p = amp) {
		char *eq;
		amp = strchr(p, '&');
		if (amp)
			*amp++ = '\0';
		eq = strchr(p, '=');
		assert_non_null(eq);
		*eq = '\0';
		assert_true(q->n < 32);
		q->name[q->n] = p;
		q->value[q->n] = eq + 1;
		q->n++;
	}
}

static const char *qs_get(void *ctx, const char *name)
{
	struct qs *q = ctx;
	size_t i;

	for (i = 0; i < q->n; i++)
		if (!strcmp(q->name[i], name))
			return q->value[i];
	return NULL;
}

static void qs_each(void *ctx, void (*cb)(void *cbctx, const char *name), void *cbctx)
{
	struct qs *q = ctx;
	size_t i;

	for (i = 0; i < q->n; i++)
		cb(cbctx, q->name[i]);
}

static int list_raw(const struct actor *a, const char *ent, const char *query, json_t **out,
		    struct model_error *e)
{
	struct model_ctx mc = ctx_of(a);
	struct qs q;
	struct list_params p;
	int ret;

	qs_parse(&q, query);
	p.get = qs_get;
	p.each = qs_each;
	p.ctx = &q;
	*out = NULL;
	ret = entity_list(&mc, entity_find(ent), &p, out, e);
	free(q.buf);
	return ret;
}

static json_t *list_ok(const struct actor *a, const char *ent, const char *query)
{
	struct model_error e;
	json_t *out = NULL;

	model_error_init(&e);
	if (list_raw(a, ent, query, &out, &e))
		fail_msg("list %s?%s: %d %s: %s", ent, query ? query : "", e.code,
			 e.field ? e.field : "-", e.msg.buf);
	model_error_release(&e);
	return out;
}

/* The codes (or keys) of a list's items, comma separated, in order. */
static void codes_of(const json_t *list, struct strbuf *out)
{
	const json_t *items = json_object_get(list, "items");
	size_t i;

	strbuf_setlen(out, 0);
	for (i = 0; i < json_array_size(items); i++) {
		const json_t *it = json_array_get(items, i);
		const char *c = json_string_value(json_object_get(it, "code"));
		if (!c)
			c = json_string_value(json_object_get(it, "username"));
		if (i)
			strbuf_addch(out, ',');
		strbuf_addstr(out, c ? c : "?");
	}
}

static void expect_codes_at(const json_t *list, const char *want, const char *file, int line)
{
	struct strbuf got = STRBUF_INIT;

	codes_of(list, &got);
	if (strcmp(got.buf, want))
		fail_msg("%s:%d: list has [%s], expected [%s]", file, line, got.buf, want);
	strbuf_release(&got);
}
#define expect_codes(l, want) expect_codes_at((l), (want), __FILE__, __LINE__)

/* Export to an in-memory CSV; returns entity_export()'s result. */
static int export_mem(const struct actor *a, const char *query, struct strbuf *csv, size_t *rows,
		      struct model_error *e)
{
	struct model_ctx mc = ctx_of(a);
	struct table_writer *w = NULL;
	struct strbuf err = STRBUF_INIT;
	struct qs q;
	struct list_params p;
	int ret;

	qs_parse(&q, query);
	p.get = qs_get;
	p.each = qs_each;
	p.ctx = &q;
	if (table_writer_open_mem(TABLE_CSV, NULL, &w, &err))
		fail_msg("writer: %s", err.buf);
	ret = entity_export(&mc, entity_find("subjects"), &p, w, rows, e);
	if (ret)
		table_writer_free(w);
	else if (table_writer_close_mem(w, csv, &err))
		fail_msg("writer: %s", err.buf);
	free(q.buf);
	strbuf_release(&err);
	return ret;
}

static void export_csv(const struct actor *a, const char *query, struct strbuf *csv, size_t *rows)
{
	struct model_error e;

	model_error_init(&e);
	if (export_mem(a, query, csv, rows, &e))
		fail_msg("export: %d %s", e.code, e.msg.buf);
	model_error_release(&e);
}

static int export_count(const struct actor *a, const char *query, struct model_error *e)
{
	struct strbuf csv = STRBUF_INIT;
	size_t rows = 0;
	int ret = export_mem(a, query, &csv, &rows, e);

	strbuf_release(&csv);
	return ret;
}

static int import_csv(const struct actor *a, const char *ent, const char *csv, size_t len,
		      int keep_good, struct import_report *rep, struct model_error *e)
{
	struct model_ctx mc = ctx_of(a);
	struct table_reader *rd = NULL;
	struct strbuf err = STRBUF_INIT;
	int ret;

	if (table_reader_open_mem(csv, len, TABLE_CSV, &rd, &err))
		fail_msg("reader: %s", err.buf);
	ret = entity_import(&mc, entity_find(ent), rd, keep_good, rep, e);
	table_reader_free(rd);
	strbuf_release(&err);
	return ret;
}

static void import_ok(const struct actor *a, const char *ent, const char *csv)
{
	struct import_report rep;
	struct model_error e;

	import_report_init(&rep);
	model_error_init(&e);
	if (import_csv(a, ent, csv, strlen(csv), 0, &rep, &e))
		fail_msg("import %s: %s %s", ent, e.msg.buf, json_dumps_tmp(rep.errors));
	assert_int_equal(rep.failed, 0);
	import_report_release(&rep);
	model_error_release(&e);
}

/*
 * The district of the tests.  330101 (上城区) has townships T1 330101001 and
 * T2 330101002, each with a village and a grid; 330102 (西湖区) is another
 * district.  Subjects S1..S5 are in 330101, S6 in 330102:
 *
 *   S1 school     T1 V1 G1  phone 13800138000  supervisor D-EDU (sector map)
 *   S2 hospital   T2 V2 G2  phone 13800138002  D-HEALTH
 *   S3 community  T1 V1                        D-T1 (its township)
 *   S4 school     T2                           D-EDU
 *   S5 factory    T1 G1                        none (no sector mapped)
 *   S6 school     330102001                    D-B-EDU
 */
static void load_district(void)
{
	struct actor sys;

	actor_system(&sys);
	import_ok(&sys, "regions",
		  "区划代码,名称,层级,上级区划\r\n"
		  "330101,上城区,区县,\r\n"
		  "330101001,清波街道,乡镇/街道,330101\r\n"
		  "330101002,湖滨街道,乡镇/街道,330101\r\n"
		  "330101001001,清波社区,村/社区,330101001\r\n"
		  "330101002001,湖滨社区,村/社区,330101002\r\n"
		  "330101001001-01,清波一网格,网格,330101001001\r\n"
		  "330101002001-01,湖滨一网格,网格,330101002001\r\n"
		  "330102,西湖区,区县,\r\n"
		  "330102001,北山街道,乡镇/街道,330102\r\n"
		  "330102001001,北山村,村/社区,330102001\r\n");
	import_ok(&sys, "departments",
		  "单位代码,单位名称,职能,所在区划\r\n"
		  "D-OFFICE,上城区三零办,创建办公室|信访牵头|应急牵头|公安牵头,330101\r\n"
		  "D-EDU,上城区教育局,行业主管,330101\r\n"
		  "D-HEALTH,上城区卫健局,行业主管,330101\r\n"
		  "D-T1,清波街道办事处,乡镇,330101001\r\n"
		  "D-T2,湖滨街道办事处,乡镇,330101002\r\n"
		  "D-B-EDU,西湖区教育局,行业主管,330102\r\n");
	create_ok(&sys, "sector_map",
		  "{\"category\":\"school\",\"district\":\"330101\",\"department\":\"D-EDU\"}", NULL);
	create_ok(&sys, "sector_map",
		  "{\"category\":\"hospital\",\"district\":\"330101\",\"department\":\"D-HEALTH\"}",
		  NULL);
	create_ok(&sys, "sector_map",
		  "{\"category\":\"school\",\"district\":\"330102\",\"department\":\"D-B-EDU\"}", NULL);
	create_ok(&sys, "subjects",
		  "{\"code\":\"S1\",\"name\":\"清波小学\",\"kind\":\"institution\",\"category\":\"school\","
		  "\"township\":\"330101001\",\"village\":\"330101001001\",\"grid\":\"330101001001-01\","
		  "\"contact_name\":\"张三\",\"contact_phone\":\"13800138000\",\"active_from\":\"2023-01\"}",
		  NULL);
	create_ok(&sys, "subjects",
		  "{\"code\":\"S2\",\"name\":\"湖滨医院\",\"kind\":\"institution\",\"category\":\"hospital\","
		  "\"township\":\"330101002\",\"village\":\"330101002001\",\"grid\":\"330101002001-01\","
		  "\"contact_phone\":\"13800138002\",\"active_from\":\"2023-01\"}", NULL);
	create_ok(&sys, "subjects",
		  "{\"code\":\"S3\",\"name\":\"清波社区\",\"kind\":\"community\",\"category\":\"community\","
		  "\"township\":\"330101001\",\"village\":\"330101001001\",\"active_from\":\"2023-01\"}",
		  NULL);
	create_ok(&sys, "subjects",
		  "{\"code\":\"S4\",\"name\":\"湖滨小学\",\"kind\":\"institution\",\"category\":\"school\","
		  "\"township\":\"330101002\",\"active_from\":\"2023-01\"}", NULL);
	create_ok(&sys, "subjects",
		  "{\"code\":\"S5\",\"name\":\"清波工厂\",\"kind\":\"enterprise\",\"category\":\"factory\","
		  "\"township\":\"330101001\",\"grid\":\"330101001001-01\",\"active_from\":\"2023-01\"}",
		  NULL);
	create_ok(&sys, "subjects",
		  "{\"code\":\"S6\",\"name\":\"北山小学\",\"kind\":\"institution\",\"category\":\"school\","
		  "\"township\":\"330102001\",\"active_from\":\"2023-01\"}", NULL);
}

static int setup_empty(void **state)
{
	g_db = engines_open();
	return 0;
}

static int setup_district(void **state)
{
	g_db = engines_open();
	load_district();
	/* the tests look up by personal fields more often than a user may (a minute's limit) */
	exec_ok("INSERT INTO settings (key, value, updated_at) VALUES "
		"('personal_lookups_per_minute', '60', 0)");
	return 0;
}

static int teardown_db(void **state)
{
	if (g_db)
		db_close(g_db);
	g_db = NULL;
	keep_free_all();
	return 0;
}

/* ---- 1. descriptors agree with the schema ---- */

static int is_bookkeeping(const char *col, int history)
{
	static const char *const common[] = { "id", "rev", "created_at", "updated_at",
					      "failed_count", "pw_changed_at", NULL };
	static const char *const hist[] = { "hid", "id", "rev", "month", "action",
					    "changed_at", "changed_by", NULL };
	const char *const *l = history ? hist : common;

	for (; *l; l++)
		if (!strcmp(*l, col))
			return 1;
	return 0;
}

/* Is `col` the stored column of a field of `ed`? */
static int is_field_column(const struct entity_desc *ed, const char *col)
{
	size_t i, n;

	for (i = 0; i < ed->nfields; i++) {
		const struct field_desc *fd = &ed->fields[i];
		n = strlen(fd->key);
		if (!(fd->flags & FF_PERSONAL)) {
			if (!strcmp(col, fd->key))
				return 1;
		} else if (!strncmp(col, fd->key, n) &&
			   (!strcmp(col + n, "_enc") || !strcmp(col + n, "_idx"))) {
			return 1;
		}
	}
	return 0;
}

static void check_columns_prepare(const struct entity_desc *ed, const char *table, int history)
{
	struct strbuf sql = STRBUF_INIT, err = STRBUF_INIT;
	struct db_stmt *st = NULL;
	size_t i;

	strbuf_addstr(&sql, history ? "SELECT hid, id, rev, month, action, changed_at, changed_by"
			  : "SELECT id, rev, created_at, updated_at");
	for (i = 0; i < ed->nfields; i++) {
		const struct field_desc *fd = &ed->fields[i];
		if (fd->flags & FF_PERSONAL)
			strbuf_addf(&sql, ", %s_enc, %s_idx", fd->key, fd->key);
		else /* quoted as the machinery does: a key may be an SQL word (check) */
			strbuf_addf(&sql, ", \"%s\"", fd->key);
	}
	strbuf_addf(&sql, " FROM %s LIMIT 0", table);
	if (db_prepare(g_db, sql.buf, &st, &err))
		fail_msg("entity %s: %s does not prepare: %s", ed->name, sql.buf, err.buf);
	if (db_step(st, &err) != DB_DONE)
		fail_msg("entity %s: %s does not run: %s", ed->name, sql.buf, err.buf);
	db_finalize(st);
	strbuf_release(&sql);
	strbuf_release(&err);
}

/* Every column of `table` is a field's or a known bookkeeping column. */
static void check_no_stray_columns(const struct entity_desc *ed, const char *table, int history)
{
	struct strbuf err = STRBUF_INIT;
	struct db_stmt *st = NULL;
	int n = 0, rc;

	if (db_prepare(g_db, db_dialect(g_db) == DB_SQLITE ?
		       "SELECT name FROM pragma_table_info(?)" :
		       "SELECT column_name FROM information_schema.columns "
		       "WHERE table_schema = current_schema() AND table_name = ?", &st, &err))
		fail_msg("catalog: %s", err.buf);
	db_bind_text(st, 1, table);
	while ((rc = db_step(st, &err)) == DB_ROW) {
		const char *col = db_column_text(st, 0);
		n++;
		if (!is_bookkeeping(col, history) && !is_field_column(ed, col))
			fail_msg("column %s.%s belongs to no field of entity %s", table, col, ed->name);
	}
	assert_int_equal(rc, DB_DONE);
	assert_true(n > 0);
	db_finalize(st);
	strbuf_release(&err);
}

/* Each `|`-joined item of `list` (up to `=` in "key=value" items) is a field of `ed`. */
static void check_keys(const struct entity_desc *ed, const char *list, const char *what)
{
	const char *p;
	size_t n;

	for (p = list; p && *p; p += n + (p[n] == '|')) {
		char key[64];

		n = strcspn(p, "|");
		snprintf(key, sizeof(key), "%.*s", (int)strcspn(p, "|="), p);
		if (!entity_field(ed, key))
			fail_msg("entity %s: %s names no field %s", ed->name, what, key);
	}
}

/* A bulk action names fields of its entity, and codes of its state's enumeration. */
static void check_bulk(const struct entity_desc *ed)
{
	const struct bulk_action *ba;

	for (ba = ed->bulk; ba && ba->name; ba++) {
		const struct field_desc *st = ba->state ? entity_field(ed, ba->state) : NULL;
		const char *p;
		size_t n;

		assert_non_null(ba->label);
		assert_true(!ba->state || st);
		check_keys(ed, ba->set, ba->name);
		check_keys(ed, ba->ask, ba->name);
		for (p = ba->from; p && *p; p += n + (p[n] == '|')) {
			char code[64];

			n = strcspn(p, "|");
			snprintf(code, sizeof(code), "%.*s", (int)n, p);
			if (!st->enumeration || !enum_lookup(st->enumeration, code))
				fail_msg("entity %s: bulk %s starts from %s, no code of %s", ed->name,
					 ba->name, code, st->key);
		}
	}
}

static void test_descriptors_schema(void **state)
{
	size_t i, k;
	int nhist = 0;

	for (i = 0; entities[i]; i++) {
		const struct entity_desc *ed = entities[i];
		struct strbuf h = STRBUF_INIT;

		assert_non_null(entity_field(ed, ed->key));
		assert_ptr_equal(entity_find(ed->name), ed);
		for (k = 0; k < ed->nfields; k++) {
			const struct field_desc *fd = &ed->fields[k];
			if (fd->type == FT_REF)
				assert_non_null(entity_find(fd->ref));
			if (fd->type == FT_ENUM || fd->type == FT_ENUMSET)
				assert_non_null(fd->enumeration);
		}
		check_bulk(ed);
		check_columns_prepare(ed, ed->table, 0);
		check_no_stray_columns(ed, ed->table, 0);
		if (ed->flags & ENT_HISTORY) {
			strbuf_addf(&h, "%s_history", ed->table);
			check_columns_prepare(ed, h.buf, 1);
			check_no_stray_columns(ed, h.buf, 1);
			nhist++;
		}
		strbuf_release(&h);
	}
	assert_true(i >= 5);
	assert_true(nhist >= 1);
}

/* ---- 2. validation refusals leave the data unchanged ---- */

#define NEW_SUBJECT "{\"code\":\"N1\",\"name\":\"新主体\",\"kind\":\"enterprise\"," \
	"\"category\":\"factory\",\"township\":\"330101001\",\"active_from\":\"2023-01\"}"

/* NEW_SUBJECT with `key` set to the JSON `value` (NULL: removed). */
static json_t *subject_with(const char *key, const char *value)
{
	json_t *o = J(NEW_SUBJECT);

	if (value)
		json_object_set_new(o, key, JA(value));
	else
		json_object_del(o, key);
	return o;
}

static void test_validation_refusals(void **state)
{
	static const struct {
		const char *key, *value;
		int code;
		const char *field;
	} cases[] = {
		{ "foo", "1", MODEL_EBADREQ, NULL },                           /* unknown field */
		{ "name", "5", MODEL_EINVAL, "name" },                         /* int for a string */
		{ "lat", "\"30.5\"", MODEL_EINVAL, "lat" },                    /* string for a number */
		{ "lat", "95.0", MODEL_EINVAL, "lat" },                        /* out of range */
		{ "district", "\"330101\"", MODEL_EINVAL, "district" },        /* derived */
		{ "name", NULL, MODEL_EINVAL, "name" },                        /* missing required */
		{ "active_from", NULL, MODEL_EINVAL, "active_from" },          /* missing required */
		{ "kind", "\"工厂\"", MODEL_EINVAL, "kind" },                  /* neither code nor label */
		{ "category", "\"SCHOOL\"", MODEL_EINVAL, "category" },
		{ "credit_code", "\"91350100M000100Y44\"", MODEL_EINVAL, "credit_code" },
		{ "contact_phone", "\"1380013800\"", MODEL_EINVAL, "contact_phone" },
		{ "active_from", "\"2023-13\"", MODEL_EINVAL, "active_from" },
		{ "active_to", "\"2022-12\"", MODEL_EINVAL, "active_to" },     /* before from */
		{ "township", "\"330101999\"", MODEL_EINVAL, "township" },     /* missing region */
		{ "township", "\"330101001001\"", MODEL_EINVAL, "township" },  /* a village */
		{ "village", "\"330101002001\"", MODEL_EINVAL, "village" },    /* T2's village */
		{ "grid", "\"330101002001-01\"", MODEL_EINVAL, "grid" },       /* T2's grid */
		{ "supervisor", "\"D-B-EDU\"", MODEL_EINVAL, "supervisor" },   /* other district */
		{ "code", "\"N 1\"", MODEL_EINVAL, "code" },
	};
	struct actor sys;
	size_t i;
	json_t *in;

	actor_system(&sys);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct model_error e;
		const char *before = snapshot();
		int ret;

		model_error_init(&e);
		in = subject_with(cases[i].key, cases[i].value);
		ret = create_raw(&sys, "subjects", in, NULL, &e);
		if (ret != cases[i].code)
			fail_msg("case %zu (%s=%s): got %d (%s), want %d", i, cases[i].key,
				 cases[i].value ? cases[i].value : "<none>", ret, e.msg.buf,
				 cases[i].code);
		assert_int_equal(e.code, cases[i].code);
		expect_field(&e, cases[i].field);
		assert_true(e.msg.len > 0);
		if (!strcmp(cases[i].key, "foo"))
			assert_non_null(strstr(e.msg.buf, "foo"));
		expect_unchanged(before);
		model_error_release(&e);
	}

	/* kind and category disagree both ways */
	in = subject_with("kind", "\"village\"");
	expect_create_fails(&sys, "subjects", in, MODEL_EINVAL, "category");
	in = subject_with("category", "\"village\"");
	expect_create_fails(&sys, "subjects", in, MODEL_EINVAL, "category");
	in = subject_with("kind", "\"行政村\"");
	json_object_set_new(in, "category", json_string("学校"));
	expect_create_fails(&sys, "subjects", in, MODEL_EINVAL, "category");
	/* not an object at all */
	expect_create_fails(&sys, "subjects", json_array(), MODEL_EBADREQ, NULL);

	/* a duplicate business key */
	in = subject_with("code", "\"S1\"");
	expect_create_fails(&sys, "subjects", in, MODEL_ECONFLICT, "code");

	/* updates: immutable key, stale revision, bad values */
	{
		int64_t id = subject_id("S1");
		expect_update_fails(&sys, "subjects", id, J("{\"code\":\"S1X\"}"), MODEL_EINVAL, "code");
		expect_update_fails(&sys, "subjects", id, J("{\"rev\":99,\"name\":\"改名\"}"),
				    MODEL_ECONFLICT, "rev");
		expect_update_fails(&sys, "subjects", id, J("{\"rev\":\"1\",\"name\":\"改名\"}"),
				    MODEL_EINVAL, "rev");
		expect_update_fails(&sys, "subjects", id, J("{\"rev\":-1,\"name\":\"改名\"}"),
				    MODEL_EINVAL, "rev");
		/* an update without a revision is refused: it could overwrite unseen changes */
		{
			struct model_ctx mc = ctx_of(&sys);
			struct model_error e;
			json_t *nr = J("{\"name\":\"改名\"}"), *out = NULL;
			const char *before = snapshot();
			model_error_init(&e);
			assert_int_equal(entity_update(&mc, entity_find("subjects"), id, nr, &out, &e),
					 MODEL_EPRECOND);
			assert_int_equal(model_status(e.code), 428);
			expect_field(&e, "rev");
			assert_null(out);
			expect_unchanged(before);
			json_decref(nr);
			model_error_release(&e);
		}
		expect_update_fails(&sys, "subjects", id, J("{\"name\":null}"), MODEL_EINVAL, "name");
		expect_update_fails(&sys, "subjects", id, J("{\"active_to\":\"2020-01\"}"),
				    MODEL_EINVAL, "active_to");
		expect_update_fails(&sys, "subjects", id, J("{\"district\":\"330102\"}"),
				    MODEL_EINVAL, "district");
		expect_update_fails(&sys, "subjects", 999999, J("{\"name\":\"改名\"}"),
				    MODEL_ENOTFOUND, NULL);
		/* the key given unchanged, with the right revision, is fine */
		update_ok(&sys, "subjects", id, "{\"code\":\"S1\",\"rev\":1,\"name\":\"清波小学（新）\"}");
		assert_str(QS("SELECT name FROM subjects WHERE code = ?", "S1"),
				    "清波小学（新）");
		/* and now revision 1 is stale */
		expect_update_fails(&sys, "subjects", id, J("{\"rev\":1,\"name\":\"再改\"}"),
				    MODEL_ECONFLICT, "rev");
	}

	/* region rules: a township under a township, a second district by a user */
	{
		struct actor office = mk_actor(ROLE_OFFICE, "D-OFFICE", NULL, NULL, NULL);
		expect_create_fails(&sys, "regions",
				    J("{\"code\":\"330101001009\",\"name\":\"错\",\"level\":\"township\","
				      "\"parent\":\"330101001\"}"), MODEL_EINVAL, "parent");
		expect_create_fails(&office, "regions",
				    J("{\"code\":\"330109\",\"name\":\"新区\",\"level\":\"district\"}"),
				    MODEL_EFORBIDDEN, "level");
		/* a township department must sit in a township */
		expect_create_fails(&sys, "departments",
				    J("{\"code\":\"D-X\",\"name\":\"错\",\"roles\":\"township\","
				      "\"region\":\"330101\"}"), MODEL_EINVAL, "region");
		expect_create_fails(&sys, "departments",
				    J("{\"code\":\"D-X\",\"name\":\"错\",\"roles\":\"office|nobody\","
				      "\"region\":\"330101\"}"), MODEL_EINVAL, "roles");
	}
}

static void test_credit_code_case(void **state)
{
	struct actor sys;
	json_t *out = NULL;
	int64_t id;

	actor_system(&sys);
	id = create_ok(&sys, "subjects",
		       "{\"code\":\"N2\",\"name\":\"某厂\",\"kind\":\"enterprise\",\"category\":\"factory\","
		       "\"township\":\"330101001\",\"active_from\":\"2023-01\","
		       "\"credit_code\":\" 91350100m000100y43 \"}", &out);
	assert_true(id > 0);
	assert_str(json_string_value(json_object_get(out, "credit_code")),
			    "91350100M000100Y43");
	assert_str(QS("SELECT credit_code FROM subjects WHERE code = ?", "N2"),
			    "91350100M000100Y43");
	json_decref(out);
	/* the filter takes it in any case too */
	{
		json_t *l = list_ok(&sys, "subjects", "credit_code=91350100m000100y43");
		expect_codes(l, "N2");
		json_decref(l);
	}
}

/* ---- 3. labels are accepted and stored as codes ---- */

static void test_labels(void **state)
{
	struct actor sys;
	json_t *out = NULL;

	actor_system(&sys);
	create_ok(&sys, "subjects",
		  "{\"code\":\"L1\",\"name\":\"标签学校\",\"kind\":\"事业单位\",\"category\":\"学校\","
		  "\"township\":\"330101001\",\"active_from\":\"2023-01\"}", &out);
	assert_str(json_string_value(json_object_get(out, "kind")), "institution");
	assert_str(json_string_value(json_object_get(out, "category")), "school");
	json_decref(out);
	out = NULL;
	create_ok(&sys, "subjects",
		  "{\"code\":\"L2\",\"name\":\"标签村\",\"kind\":\"行政村\",\"category\":\"行政村\","
		  "\"township\":\"330101002\",\"village\":\"330101002001\",\"active_from\":\"2023-01\"}",
		  &out);
	assert_str(json_string_value(json_object_get(out, "kind")), "village");
	assert_str(json_string_value(json_object_get(out, "category")), "village");
	json_decref(out);
	assert_str(QS("SELECT kind FROM subjects WHERE code = ?", "L1"), "institution");
	assert_str(QS("SELECT category FROM subjects WHERE code = ?", "L1"), "school");
	assert_str(QS("SELECT kind FROM subjects WHERE code = ?", "L2"), "village");
	assert_str(QS("SELECT category FROM subjects WHERE code = ?", "L2"), "village");
	/* department roles (an enumeration set) by label, stored as codes */
	create_ok(&sys, "departments",
		  "{\"code\":\"D-L\",\"name\":\"标签局\",\"roles\":\"行业主管|公安牵头\","
		  "\"region\":\"330101\"}", NULL);
	assert_str(QS("SELECT roles FROM departments WHERE code = ?", "D-L"),
			    "supervisor|police");
}

/*
 * The lists a district may grant the offices above it (ENT_GRANTABLE):
 * work lists placed in a district, never one with personal data nor one
 * the determination or the figures count; and the five chosen, no more.
 */
static void test_grantable_lists(void **state)
{
	static const char *const want[] = { "tasks", "supervision_checks", "problems",
					    "campaigns", "supervisions" };
	size_t i, k, n = 0;

	(void)state;
	for (i = 0; entities[i]; i++) {
		const struct entity_desc *ed = entities[i];
		int listed = 0;

		for (k = 0; k < sizeof(want) / sizeof(want[0]); k++)
			listed |= !strcmp(want[k], ed->name);
		assert_int_equal(!!(ed->flags & ENT_GRANTABLE), listed);
		if (!listed)
			continue;
		n++;
		assert_non_null(ed->scope.district);
		assert_false(ed->flags & (ENT_ASSESS | ENT_FIGURES | ENT_HISTORY | ENT_NATIONAL));
		for (k = 0; k < ed->nfields; k++)
			assert_false(ed->fields[k].flags & FF_PERSONAL);
		/* the office writes it, so a grant gives the region no more than the office has */
		assert_true(ed->write_roles & ROLE_BIT(ROLE_OFFICE));
		assert_true(ed->read_roles & ROLE_BIT(ROLE_REGION));
	}
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
}

/* ---- 4. derived fields ---- */

static void test_derived(void **state)
{
	struct actor sys;
	json_t *out = NULL;

	actor_system(&sys);
	/* the district fixture's subjects */
	assert_str(QS("SELECT supervisor FROM subjects WHERE code = ?", "S1"), "D-EDU");
	assert_str(QS("SELECT supervisor FROM subjects WHERE code = ?", "S2"), "D-HEALTH");
	assert_str(QS("SELECT supervisor FROM subjects WHERE code = ?", "S3"), "D-T1");
	assert_str(QS("SELECT supervisor FROM subjects WHERE code = ?", "S4"), "D-EDU");
	assert_null(QS("SELECT supervisor FROM subjects WHERE code = ?", "S5"));
	assert_str(QS("SELECT supervisor FROM subjects WHERE code = ?", "S6"), "D-B-EDU");
	assert_str(QS("SELECT district FROM subjects WHERE code = ?", "S1"), "330101");
	assert_str(QS("SELECT district FROM subjects WHERE code = ?", "S6"), "330102");
	/* regions: district and township of each level */
	assert_str(QS("SELECT district FROM regions WHERE code = ?", "330101001001-01"),
			    "330101");
	assert_str(QS("SELECT township FROM regions WHERE code = ?", "330101001001-01"),
			    "330101001");
	assert_str(QS("SELECT township FROM regions WHERE code = ?", "330101002"),
			    "330101002");
	assert_null(QS("SELECT township FROM regions WHERE code = ?", "330101"));
	assert_str(QS("SELECT district FROM departments WHERE code = ?", "D-T2"), "330101");

	/* a community of T2 is supervised by T2's department */
	create_ok(&sys, "subjects",
		  "{\"code\":\"C2\",\"name\":\"湖滨社区\",\"kind\":\"community\",\"category\":\"community\","
		  "\"township\":\"330101002\",\"village\":\"330101002001\",\"active_from\":\"2023-01\"}",
		  &out);
	assert_str(json_string_value(json_object_get(out, "supervisor")), "D-T2");
	assert_str(json_string_value(json_object_get(out, "district")), "330101");
	json_decref(out);
	out = NULL;
	/* a supervisor given explicitly wins over the sector map */
	create_ok(&sys, "subjects",
		  "{\"code\":\"X1\",\"name\":\"医学院附小\",\"kind\":\"institution\",\"category\":\"school\","
		  "\"township\":\"330101001\",\"supervisor\":\"D-HEALTH\",\"active_from\":\"2023-01\"}",
		  &out);
	assert_str(json_string_value(json_object_get(out, "supervisor")), "D-HEALTH");
	json_decref(out);
	/* the sector map changes: new subjects follow it */
	update_ok(&sys, "sector_map", id_of("SELECT id FROM sector_map WHERE category = ? "
					       "AND district = '330101'", "school"),
		  "{\"department\":\"D-HEALTH\"}");
	create_ok(&sys, "subjects",
		  "{\"code\":\"X2\",\"name\":\"又一小学\",\"kind\":\"institution\",\"category\":\"school\","
		  "\"township\":\"330101002\",\"active_from\":\"2023-01\"}", NULL);
	assert_str(QS("SELECT supervisor FROM subjects WHERE code = ?", "X2"), "D-HEALTH");
	/* a user's district and township come from the department */
	json_decref(create_user_ok(&sys, "{\"username\":\"t1user\",\"role\":\"township\","
				   "\"department\":\"D-T1\"}", GOOD_PW));
	assert_str(QS("SELECT district FROM users WHERE username = ?", "t1user"), "330101");
	assert_str(QS("SELECT township FROM users WHERE username = ?", "t1user"),
			    "330101001");
}

/* ---- 5. scope ---- */

static void test_scope_township(void **state)
{
	struct actor t1 = mk_actor(ROLE_TOWNSHIP, "D-T1", "330101001", NULL, NULL);
	struct model_error e;
	json_t *l, *out = NULL;
	size_t i;
	int ret;

	model_error_init(&e);
	l = list_ok(&t1, "subjects", NULL);
	expect_codes(l, "S1,S3,S5");
	assert_int_equal(json_integer_value(json_object_get(l, "total")), 3);
	for (i = 0; i < json_array_size(json_object_get(l, "items")); i++)
		assert_str(json_string_value(json_object_get(
			json_array_get(json_object_get(l, "items"), i), "township")), "330101001");
	json_decref(l);
	/* even with a filter naming the other township */
	l = list_ok(&t1, "subjects", "township=330101002");
	expect_codes(l, "");
	assert_int_equal(json_integer_value(json_object_get(l, "total")), 0);
	json_decref(l);

	/* by id: its own yes, another township's no (and not forbidden: absent) */
	assert_int_equal(get_raw(&t1, "subjects", subject_id("S1"), &out, &e), 0);
	assert_str(json_string_value(json_object_get(out, "code")), "S1");
	json_decref(out);
	out = NULL;
	ret = get_raw(&t1, "subjects", subject_id("S2"), &out, &e);
	assert_int_equal(ret, MODEL_ENOTFOUND);
	assert_null(out);
	ret = history_raw(&t1, subject_id("S2"), &out, &e);
	assert_int_equal(ret, MODEL_ENOTFOUND);
	expect_update_fails(&t1, "subjects", subject_id("S2"), J("{\"name\":\"越权\"}"),
			    MODEL_ENOTFOUND, NULL);
	{
		const char *before = snapshot();
		ret = retire_raw(&t1, subject_id("S2"), "2026-01", &e);
		assert_int_equal(ret, MODEL_ENOTFOUND);
		expect_unchanged(before);
	}

	/*
	 * No subject in another township, nor moved there: for a township's
	 * writes, another township's places read as missing.
	 */
	expect_reads_missing(&t1,
		"{\"code\":\"T2X\",\"name\":\"越界\",\"kind\":\"enterprise\",\"category\":\"factory\","
		"\"township\":\"330101002\",\"active_from\":\"2023-01\"}", "330101002",
		"{\"code\":\"T2X\",\"name\":\"越界\",\"kind\":\"enterprise\",\"category\":\"factory\","
		"\"township\":\"330101998\",\"active_from\":\"2023-01\"}", "330101998", "township");
	assert_null(QS("SELECT id FROM subjects WHERE code = ?", "T2X"));
	{
		int64_t id = create_ok(&t1, "subjects",
				       "{\"code\":\"T1M\",\"name\":\"将迁企业\",\"kind\":\"enterprise\","
				       "\"category\":\"factory\",\"township\":\"330101001\","
				       "\"active_from\":\"2023-01\"}", NULL);
		expect_update_fails(&t1, "subjects", id, J("{\"township\":\"330101002\"}"),
				    MODEL_EINVAL, "township");
		assert_str(QS("SELECT township FROM subjects WHERE code = ?", "T1M"), "330101001");
	}
	/* another township's village or grid, likewise */
	expect_reads_missing(&t1,
		"{\"code\":\"T1X\",\"name\":\"错村\",\"kind\":\"enterprise\",\"category\":\"factory\","
		"\"township\":\"330101001\",\"village\":\"330101002001\",\"active_from\":\"2023-01\"}",
		"330101002001",
		"{\"code\":\"T1X\",\"name\":\"错村\",\"kind\":\"enterprise\",\"category\":\"factory\","
		"\"township\":\"330101001\",\"village\":\"330101001998\",\"active_from\":\"2023-01\"}",
		"330101001998", "village");
	expect_reads_missing(&t1,
		"{\"code\":\"T1X\",\"name\":\"错格\",\"kind\":\"enterprise\",\"category\":\"factory\","
		"\"township\":\"330101001\",\"grid\":\"330101002001-01\",\"active_from\":\"2023-01\"}",
		"330101002001-01",
		"{\"code\":\"T1X\",\"name\":\"错格\",\"kind\":\"enterprise\",\"category\":\"factory\","
		"\"township\":\"330101001\",\"grid\":\"330101001001-98\",\"active_from\":\"2023-01\"}",
		"330101001001-98", "grid");
	/* its own township: fine */
	create_ok(&t1, "subjects",
		  "{\"code\":\"T1OK\",\"name\":\"本镇企业\",\"kind\":\"enterprise\",\"category\":\"factory\","
		  "\"township\":\"330101001\",\"village\":\"330101001001\",\"active_from\":\"2023-01\"}",
		  NULL);
	model_error_release(&e);
}

/*
 * Places of another district read exactly like places that do not exist:
 * an error never tells what exists elsewhere (record_check_refs()).
 */
static void test_scope_foreign_ref_reads_missing(void **state)
{
	struct actor t1 = mk_actor(ROLE_TOWNSHIP, "D-T1", "330101001", NULL, NULL);
	struct actor office = mk_actor(ROLE_OFFICE, "D-OFFICE", NULL, NULL, NULL);

	expect_reads_missing(&t1,
		"{\"code\":\"F1\",\"name\":\"外区村\",\"kind\":\"enterprise\",\"category\":\"factory\","
		"\"township\":\"330101001\",\"village\":\"330102001001\",\"active_from\":\"2023-01\"}",
		"330102001001",
		"{\"code\":\"F1\",\"name\":\"外区村\",\"kind\":\"enterprise\",\"category\":\"factory\","
		"\"township\":\"330101001\",\"village\":\"330199001001\",\"active_from\":\"2023-01\"}",
		"330199001001", "village");
	expect_reads_missing(&office,
		"{\"code\":\"F2\",\"name\":\"外区镇\",\"kind\":\"enterprise\",\"category\":\"factory\","
		"\"township\":\"330102001\",\"active_from\":\"2023-01\"}", "330102001",
		"{\"code\":\"F2\",\"name\":\"外区镇\",\"kind\":\"enterprise\",\"category\":\"factory\","
		"\"township\":\"330199001\",\"active_from\":\"2023-01\"}", "330199001", "township");
	expect_reads_missing(&office,
		"{\"code\":\"F3\",\"name\":\"外区管\",\"kind\":\"enterprise\",\"category\":\"factory\","
		"\"township\":\"330101001\",\"supervisor\":\"D-B-EDU\",\"active_from\":\"2023-01\"}",
		"D-B-EDU",
		"{\"code\":\"F3\",\"name\":\"外区管\",\"kind\":\"enterprise\",\"category\":\"factory\","
		"\"township\":\"330101001\",\"supervisor\":\"D-NONE\",\"active_from\":\"2023-01\"}",
		"D-NONE", "supervisor");
}

static void test_scope_roles(void **state)
{
	struct actor sup = mk_actor(ROLE_SUPERVISOR, "D-EDU", NULL, NULL, NULL);
	struct actor grid = mk_actor(ROLE_GRID, NULL, "330101001", "330101001001-01", NULL);
	struct actor subj = mk_actor(ROLE_SUBJECT, NULL, "330101001", NULL, "S1");
	static const enum role district_roles[] = { ROLE_OFFICE, ROLE_PETITION, ROLE_SAFETY,
						    ROLE_POLICE };
	static const enum role admins[] = { ROLE_SYSADMIN, ROLE_SECADMIN, ROLE_AUDITADMIN };
	struct model_error e;
	json_t *l, *out = NULL;
	size_t i;

	model_error_init(&e);
	l = list_ok(&sup, "subjects", NULL);
	expect_codes(l, "S1,S4");
	json_decref(l);
	assert_int_equal(get_raw(&sup, "subjects", subject_id("S2"), &out, &e), MODEL_ENOTFOUND);
	/* a supervisor writes only in its sector */
	expect_create_fails(&sup, "subjects",
			    J("{\"code\":\"H9\",\"name\":\"某医院\",\"kind\":\"institution\","
			      "\"category\":\"hospital\",\"township\":\"330101001\","
			      "\"active_from\":\"2023-01\"}"), MODEL_EFORBIDDEN, NULL);
	/* reference data is the district's, for every business role */
	l = list_ok(&sup, "regions", "page_size=100");
	assert_int_equal(json_integer_value(json_object_get(l, "total")), 7);
	json_decref(l);

	l = list_ok(&grid, "subjects", NULL);
	expect_codes(l, "S1,S5");
	json_decref(l);
	assert_int_equal(get_raw(&grid, "subjects", subject_id("S3"), &out, &e), MODEL_ENOTFOUND);
	expect_update_fails(&grid, "subjects", subject_id("S1"), J("{\"name\":\"网格改\"}"),
			    MODEL_EFORBIDDEN, NULL);

	l = list_ok(&subj, "subjects", NULL);
	expect_codes(l, "S1");
	json_decref(l);
	assert_int_equal(get_raw(&subj, "subjects", subject_id("S5"), &out, &e), MODEL_ENOTFOUND);

	for (i = 0; i < sizeof(district_roles) / sizeof(district_roles[0]); i++) {
		struct actor a = mk_actor(district_roles[i], "D-OFFICE", NULL, NULL, NULL);
		l = list_ok(&a, "subjects", NULL);
		expect_codes(l, "S1,S2,S3,S4,S5"); /* not S6, of another district */
		assert_int_equal(json_integer_value(json_object_get(l, "total")), 5);
		json_decref(l);
		assert_int_equal(get_raw(&a, "subjects", subject_id("S6"), &out, &e), MODEL_ENOTFOUND);
	}
	/* the lead departments read but do not write subjects */
	{
		struct actor pet = mk_actor(ROLE_PETITION, "D-OFFICE", NULL, NULL, NULL);
		expect_update_fails(&pet, "subjects", subject_id("S1"), J("{\"name\":\"信访改\"}"),
				    MODEL_EFORBIDDEN, NULL);
	}
	for (i = 0; i < sizeof(admins) / sizeof(admins[0]); i++) {
		struct actor a = mk_actor(admins[i], NULL, NULL, NULL, NULL);
		int ret = list_raw(&a, "subjects", NULL, &out, &e);
		assert_int_equal(ret, MODEL_EFORBIDDEN);
		assert_int_equal(get_raw(&a, "subjects", subject_id("S1"), &out, &e),
				 MODEL_EFORBIDDEN);
		assert_int_equal(history_raw(&a, subject_id("S1"), &out, &e), MODEL_EFORBIDDEN);
		expect_create_fails(&a, "subjects", J(NEW_SUBJECT), MODEL_EFORBIDDEN, NULL);
		expect_update_fails(&a, "subjects", subject_id("S1"), J("{\"name\":\"管理员改\"}"),
				    MODEL_EFORBIDDEN, NULL);
		assert_int_equal(export_count(&a, NULL, &e), MODEL_EFORBIDDEN);
	}
	/* an account that must change its password first is refused everything */
	{
		struct actor a = mk_actor(ROLE_OFFICE, "D-OFFICE", NULL, NULL, NULL);
		a.must_change = 1;
		assert_int_equal(list_raw(&a, "subjects", NULL, &out, &e), MODEL_EFORBIDDEN);
		assert_int_equal(get_raw(&a, "subjects", subject_id("S1"), &out, &e),
				 MODEL_EFORBIDDEN);
		assert_int_equal(list_raw(&a, "regions", NULL, &out, &e), MODEL_EFORBIDDEN);
		expect_create_fails(&a, "subjects", J(NEW_SUBJECT), MODEL_EFORBIDDEN, NULL);
	}
	/* an actor without a role reaches nothing */
	{
		struct actor a = mk_actor(ROLE_NONE, NULL, NULL, NULL, NULL);
		assert_int_equal(list_raw(&a, "subjects", NULL, &out, &e), MODEL_EFORBIDDEN);
	}
	/* a township actor whose township is unset sees nothing rather than all */
	{
		struct actor a = mk_actor(ROLE_TOWNSHIP, "D-T1", NULL, NULL, NULL);
		l = list_ok(&a, "subjects", NULL);
		expect_codes(l, "");
		json_decref(l);
	}
	model_error_release(&e);
}

/* ---- 6. personal data ---- */

static void test_personal_data(void **state)
{
	struct actor office = mk_actor(ROLE_OFFICE, "D-OFFICE", NULL, NULL, NULL);
	struct actor pet = mk_actor(ROLE_PETITION, "D-OFFICE", NULL, NULL, NULL);
	struct actor grid = mk_actor(ROLE_GRID, NULL, "330101001", "330101001001-01", NULL);
	struct actor t2 = mk_actor(ROLE_TOWNSHIP, "D-T2", "330101002", NULL, NULL);
	struct actor sup = mk_actor(ROLE_SUPERVISOR, "D-EDU", NULL, NULL, NULL);
	struct model_error e;
	int64_t id = subject_id("S1"), audits;
	const char *enc, *idx, *henc;
	json_t *l, *out = NULL;

	model_error_init(&e);
	/* stored encrypted, with a keyed index, never in clear */
	enc = QS("SELECT contact_phone_enc FROM subjects WHERE code = ?", "S1");
	idx = QS("SELECT contact_phone_idx FROM subjects WHERE code = ?", "S1");
	assert_non_null(enc);
	assert_non_null(idx);
	assert_true(has_prefix(enc, "v1:"));
	assert_null(strstr(enc, "13800138000"));
	assert_null(strstr(idx, "13800138000"));
	assert_true(strlen(idx) >= 16);
	henc = QS("SELECT contact_phone_enc FROM subjects_history WHERE code = ?", "S1");
	assert_true(has_prefix(henc, "v1:"));
	assert_null(strstr(henc, "13800138000"));
	/* no column of any table holds the number in clear */
	assert_null(strstr(snapshot(), "13800138000"));

	/* listed and read masked */
	l = list_ok(&office, "subjects", "code=S1");
	assert_str(json_string_value(json_object_get(
		json_array_get(json_object_get(l, "items"), 0), "contact_phone")), "138****8000");
	json_decref(l);
	assert_int_equal(get_raw(&office, "subjects", id, &out, &e), 0);
	assert_str(json_string_value(json_object_get(out, "contact_phone")), "138****8000");
	json_decref(out);
	out = NULL;
	assert_int_equal(history_raw(&office, id, &out, &e), 0);
	assert_str(json_string_value(json_object_get(json_array_get(out, 0),
							      "contact_phone")), "138****8000");
	json_decref(out);
	out = NULL;

	/* found by the exact number through the blind index */
	l = list_ok(&office, "subjects", "contact_phone=13800138000&reason=check-phone");
	expect_codes(l, "S1");
	json_decref(l);
	l = list_ok(&office, "subjects", "contact_phone=13800138001&reason=check-phone");
	expect_codes(l, "");
	json_decref(l);
	/* a masked value finds nothing */
	l = list_ok(&office, "subjects", "contact_phone=138****8000&reason=check-phone");
	expect_codes(l, "");
	json_decref(l);

	/* an update of another field keeps the number and its index */
	update_ok(&office, "subjects", id, "{\"address\":\"清波路1号\"}");
	assert_str(QS("SELECT contact_phone_idx FROM subjects WHERE code = ?", "S1"), idx);
	assert_str(QS("SELECT contact_phone_enc FROM subjects WHERE code = ?", "S1"), enc);
	assert_int_equal(qcount("SELECT COUNT(*) FROM subjects_history WHERE code = 'S1' AND "
				"contact_phone_idx IS NOT NULL"), 2);
	l = list_ok(&office, "subjects", "contact_phone=13800138000&reason=check-phone");
	expect_codes(l, "S1");
	json_decref(l);

	/* reveal: a reason, a writer, in scope; one audit row without the number */
	audits = qcount("SELECT COUNT(*) FROM audit");
	assert_int_equal(reveal_raw(&office, id, "contact_phone", NULL, &out, &e), MODEL_EINVAL);
	expect_field(&e, "reason");
	assert_int_equal(reveal_raw(&office, id, "contact_phone", "", &out, &e), MODEL_EINVAL);
	assert_int_equal(reveal_raw(&office, id, "name", "核实身份", &out, &e), MODEL_EINVAL);
	assert_int_equal(reveal_raw(&office, id, "nosuch", "核实身份", &out, &e), MODEL_EINVAL);
	assert_int_equal(reveal_raw(&pet, id, "contact_phone", "核实身份", &out, &e), MODEL_EFORBIDDEN);
	assert_int_equal(reveal_raw(&grid, id, "contact_phone", "核实身份", &out, &e), MODEL_EFORBIDDEN);
	assert_int_equal(reveal_raw(&t2, id, "contact_phone", "核实身份", &out, &e), MODEL_ENOTFOUND);
	assert_null(out);
	assert_int_equal(qcount("SELECT COUNT(*) FROM audit"), audits);
	assert_int_equal(reveal_raw(&office, id, "contact_phone", "电话回访核实", &out, &e), 0);
	assert_str(json_string_value(json_object_get(out, "value")), "13800138000");
	assert_str(json_string_value(json_object_get(out, "field")), "contact_phone");
	json_decref(out);
	out = NULL;
	assert_int_equal(qcount("SELECT COUNT(*) FROM audit"), audits + 1);
	{
		const char *last = QS("SELECT action || '|' || object || '|' || detail || '|' || "
				      "username FROM audit WHERE seq = (SELECT MAX(seq) FROM audit)", NULL);
		assert_non_null(last);
		assert_true(has_prefix(last, "reveal|subjects/"));
		assert_non_null(strstr(last, "contact_phone"));
		assert_non_null(strstr(last, "电话回访核实"));
		assert_null(strstr(last, "13800138000"));
		assert_null(strstr(last, "8000"));
	}
	/* a supervisor of the sector may reveal too */
	assert_int_equal(reveal_raw(&sup, id, "contact_phone", "行业检查", &out, &e), 0);
	json_decref(out);
	out = NULL;
	assert_int_equal(qcount("SELECT COUNT(*) FROM audit"), audits + 2);

	/* exports mask it */
	{
		struct strbuf csv = STRBUF_INIT;
		size_t rows = 0;
		export_csv(&office, NULL, &csv, &rows);
		assert_int_equal(rows, 5);
		assert_null(strstr(csv.buf, "13800138000"));
		assert_non_null(strstr(csv.buf, "138****8000"));
		strbuf_release(&csv);
	}

	/* a new number: new index; the old number no longer finds it */
	update_ok(&office, "subjects", id, "{\"contact_phone\":\"13900139000\"}");
	assert_str_ne(QS("SELECT contact_phone_idx FROM subjects WHERE code = ?", "S1"), idx);
	l = list_ok(&office, "subjects", "contact_phone=13800138000&reason=check-phone");
	expect_codes(l, "");
	json_decref(l);
	l = list_ok(&office, "subjects", "contact_phone=13900139000&reason=check-phone");
	expect_codes(l, "S1");
	json_decref(l);
	/* and cleared: no ciphertext, no index; the empty filter finds it */
	update_ok(&office, "subjects", id, "{\"contact_phone\":null}");
	assert_null(QS("SELECT contact_phone_enc FROM subjects WHERE code = ?", "S1"));
	assert_null(QS("SELECT contact_phone_idx FROM subjects WHERE code = ?", "S1"));
	l = list_ok(&office, "subjects", "contact_phone=&sort=code");
	expect_codes(l, "S1,S3,S4,S5");
	json_decref(l);
	model_error_release(&e);
}

/*
 * What the caller typed comes back in messages and in the audit log cut to
 * a length: the cut must fall between characters, or the message is not
 * UTF-8 (jansson refuses it, PostgreSQL refuses to store it).
 */
/*
 * The JSON text of a record (entity_get_text, the API's hot read) is the
 * same JSON as its tree (entity_get): every kind of value, nulls, masked
 * personal data, reals, money, booleans, the overdue flag and strings with
 * characters that must be escaped.
 */
static void assert_text_same(const struct actor *a, const char *ent, int64_t id)
{
	struct model_ctx mc = ctx_of(a);
	struct strbuf text = STRBUF_INIT;
	struct model_error e;
	json_error_t jerr;
	json_t *tree = NULL, *parsed;

	model_error_init(&e);
	assert_int_equal(entity_get(&mc, entity_find(ent), id, &tree, &e), 0);
	assert_int_equal(entity_get_text(&mc, entity_find(ent), id, &text, &e), 0);
	parsed = json_loads(text.buf, 0, &jerr);
	if (!parsed)
		fail_msg("%s %" PRId64 ": not JSON: %s: %s", ent, id, jerr.text, text.buf);
	if (!json_equal(parsed, tree)) {
		char *want = json_dumps(tree, JSON_COMPACT);
		fail_msg("%s %" PRId64 ":\n text %s\n tree %s", ent, id, text.buf, want);
	}
	/* and byte for byte what the API wrote of the tree before */
	{
		char *dumped = json_dumps(tree, JSON_COMPACT | JSON_REAL_PRECISION(15));
		assert_string_equal(text.buf, dumped);
		free(dumped);
	}
	json_decref(parsed);
	json_decref(tree);
	strbuf_release(&text);
	model_error_release(&e);
}

static void test_record_text(void **state)
{
	struct actor sys, office = mk_actor(ROLE_OFFICE, "D-OFFICE", NULL, NULL, NULL);
	int64_t id;

	actor_system(&sys);
	assert_text_same(&office, "subjects", subject_id("S1")); /* masked name and phone */
	assert_text_same(&office, "subjects", subject_id("S3")); /* nulls */
	id = create_ok(&sys, "subjects",
		       "{\"code\":\"S9\",\"name\":\"引号\\\"反斜杠\\\\换行\\n制表\\t/斜杠\","
		       "\"kind\":\"enterprise\",\"category\":\"restaurant\",\"township\":\"330101001\","
		       "\"lat\":30.25,\"lon\":120.1234567,\"active_from\":\"2023-01\"}", NULL);
	assert_text_same(&office, "subjects", id);
	id = create_ok(&sys, "disputes",
		       "{\"no\":\"TX-D1\",\"found_on\":\"2023-03-11\",\"source\":\"grid\","
		       "\"category\":\"family\",\"subject\":\"S1\",\"mediation\":\"people\","
		       "\"amount\":\"2000.55\"}", NULL);
	assert_text_same(&office, "disputes", id); /* money, the overdue flag */
	id = create_ok(&sys, "hazards",
		       "{\"no\":\"TX-H1\",\"subject\":\"S1\",\"level\":\"major\",\"domain\":\"fire\","
		       "\"found_on\":\"2023-03-08\",\"deadline\":\"2023-04-08\","
		       "\"description\":\"消防通道堵塞\"}", NULL);
	assert_text_same(&office, "hazards", id);
}

static void test_messages_utf8(void **state)
{
	struct actor office = mk_actor(ROLE_OFFICE, "D-OFFICE", NULL, NULL, NULL);
	struct strbuf longname = STRBUF_INIT, q = STRBUF_INIT, reason = STRBUF_INIT;
	struct strbuf bugs = STRBUF_INIT;
	struct model_error e;
	json_t *in, *out = NULL;
	const char *detail;
	int i, ret;

	model_error_init(&e);
	for (i = 0; i < 30; i++)
		strbuf_addstr(&longname, "字");  /* 90 bytes: a cut at 64 falls inside one */
	in = J(NEW_SUBJECT);
	json_object_set_new(in, longname.buf, json_string("x"));
	assert_int_equal(create_raw(&office, "subjects", in, NULL, &e), MODEL_EBADREQ);
	if (!utf8_valid(e.msg.buf, e.msg.len))
		strbuf_addstr(&bugs, "\n  the message for an unknown field is not UTF-8");
	strbuf_addf(&q, "%s=1", longname.buf);
	assert_int_equal(list_raw(&office, "subjects", q.buf, &out, &e), MODEL_EBADREQ);
	if (!utf8_valid(e.msg.buf, e.msg.len))
		strbuf_addstr(&bugs, "\n  the message for an unknown parameter is not UTF-8");
	strbuf_reset(&q);
	strbuf_addf(&q, "sort=-%s", longname.buf);
	assert_int_equal(list_raw(&office, "subjects", q.buf, &out, &e), MODEL_EBADREQ);
	if (!utf8_valid(e.msg.buf, e.msg.len))
		strbuf_addstr(&bugs, "\n  the message for a bad sort key is not UTF-8");
	assert_int_equal(reveal_raw(&office, subject_id("S1"), longname.buf, "核实", &out, &e),
			 MODEL_EINVAL);
	if (!utf8_valid(e.msg.buf, e.msg.len))
		strbuf_addstr(&bugs, "\n  the message for a bad reveal field is not UTF-8");

	/* a long reason for a reveal: stored cut, but whole characters */
	for (i = 0; i < 100; i++)
		strbuf_addstr(&reason, "查");
	ret = reveal_raw(&office, subject_id("S1"), "contact_phone", reason.buf, &out, &e);
	if (ret)
		strbuf_addf(&bugs, "\n  a reveal with a reason of 100 characters fails: %d %s", ret,
			    e.msg.buf);
	json_decref(out);
	detail = QS("SELECT detail FROM audit WHERE seq = (SELECT MAX(seq) FROM audit)", NULL);
	assert_non_null(detail);
	if (!utf8_valid(detail, strlen(detail)))
		strbuf_addstr(&bugs, "\n  the audit detail of a reveal with a long reason is not UTF-8");
	else if (!ret)
		assert_true(has_prefix(detail, "field=contact_phone reason=查查"));
	strbuf_release(&longname);
	strbuf_release(&q);
	strbuf_release(&reason);
	model_error_release(&e);
	if (bugs.len) {
		/*
		 * BUG (field.c record_from_json, entity.c entity_reveal; entity_list.c
		 * list_where): "%.64s" / "%.200s" cut bytes, not characters.
		 */
		const char *msg = keep(strbuf_detach(&bugs, NULL));
		fail_msg("BUG (text cut with %%.Ns inside a character):%s", msg);
	}
}

/* ---- 7. history and the list as of a month ---- */

static void test_history(void **state)
{
	struct actor office = mk_actor(ROLE_OFFICE, "D-OFFICE", NULL, NULL, NULL);
	struct model_error e;
	char cur[8];
	json_t *h = NULL, *l, *out = NULL;
	int64_t id;

	model_error_init(&e);
	month_now(cur);
	id = create_ok(&office, "subjects",
		       "{\"code\":\"H1\",\"name\":\"旧名\",\"kind\":\"enterprise\",\"category\":\"factory\","
		       "\"township\":\"330101001\",\"contact_phone\":\"13700137000\","
		       "\"active_from\":\"2022-01\"}", NULL);
	update_ok(&office, "subjects", id, "{\"name\":\"新名\"}");
	/* retiring before the subject joined is refused */
	assert_int_equal(retire_raw(&office, id, "2021-06", &e), MODEL_EINVAL);
	expect_field(&e, "month");
	assert_int_equal(retire_raw(&office, id, "2023-13", &e), MODEL_EINVAL);
	assert_int_equal(retire_raw(&office, id, "2023-06", &e), 0);
	assert_str(QS("SELECT active_to FROM subjects WHERE code = ?", "H1"), "2023-06");
	assert_str(QS("SELECT rev FROM subjects WHERE code = ?", "H1"), "3");

	assert_int_equal(history_raw(&office, id, &h, &e), 0);
	assert_int_equal(json_array_size(h), 3);
	{
		static const char *const actions[] = { "create", "update", "retire" };
		static const char *const names[] = { "旧名", "新名", "新名" };
		const char *months[] = { "2022-01", cur, "2023-06" };
		size_t i;
		for (i = 0; i < 3; i++) {
			json_t *v = json_array_get(h, i);
			assert_str(json_string_value(json_object_get(v, "action")), actions[i]);
			assert_str(json_string_value(json_object_get(v, "month")), months[i]);
			assert_str(json_string_value(json_object_get(v, "name")), names[i]);
			assert_int_equal(json_integer_value(json_object_get(v, "rev")), (int)i + 1);
			assert_int_equal(json_integer_value(json_object_get(v, "id")), id);
			assert_str(json_string_value(json_object_get(v, "changed_by")), "office");
			assert_str(json_string_value(json_object_get(v, "contact_phone")),
					    "137****7000");
		}
		assert_true(json_is_null(json_object_get(json_array_get(h, 1), "active_to")));
		assert_str(json_string_value(json_object_get(json_array_get(h, 2),
								      "active_to")), "2023-06");
	}
	json_decref(h);

	/* the list as it stood */
	l = list_ok(&office, "subjects", "as_of=2022-05&code=H1");
	expect_codes(l, "H1");
	assert_str(json_string_value(json_object_get(
		json_array_get(json_object_get(l, "items"), 0), "name")), "旧名");
	assert_str(json_string_value(json_object_get(
		json_array_get(json_object_get(l, "items"), 0), "contact_phone")), "137****7000");
	json_decref(l);
	l = list_ok(&office, "subjects", "as_of=2023-06&code=H1");
	expect_codes(l, "H1"); /* its last month on the list */
	json_decref(l);
	l = list_ok(&office, "subjects", "as_of=2023-07&code=H1");
	expect_codes(l, "");
	json_decref(l);
	l = list_ok(&office, "subjects", "as_of=2021-12&code=H1");
	expect_codes(l, "");
	json_decref(l);
	/* the fixture's subjects (from 2023-01) as of 2022-12: only H1 */
	l = list_ok(&office, "subjects", "as_of=2022-12");
	expect_codes(l, "H1");
	json_decref(l);
	l = list_ok(&office, "subjects", "as_of=2023-03");
	expect_codes(l, "H1,S1,S2,S3,S4,S5");
	json_decref(l);
	/* scope holds in the past too */
	{
		struct actor t2 = mk_actor(ROLE_TOWNSHIP, "D-T2", "330101002", NULL, NULL);
		l = list_ok(&t2, "subjects", "as_of=2023-03");
		expect_codes(l, "S2,S4");
		json_decref(l);
	}
	/* the current list still has it, with its end month */
	assert_int_equal(get_raw(&office, "subjects", id, &out, &e), 0);
	assert_str(json_string_value(json_object_get(out, "active_to")), "2023-06");
	json_decref(out);
	/* bad as_of; as_of on an entity without history */
	assert_int_equal(list_raw(&office, "subjects", "as_of=2023-13", &out, &e), MODEL_EINVAL);
	expect_field(&e, "as_of");
	assert_int_equal(list_raw(&office, "regions", "as_of=2023-01", &out, &e), MODEL_EBADREQ);
	/* a region retired is only marked inactive */
	{
		struct actor sys;
		actor_system(&sys);
		int64_t rid = create_ok(&sys, "regions", "{\"code\":\"330101002001-02\","
					"\"name\":\"湖滨二网格\",\"level\":\"grid\","
					"\"parent\":\"330101002001\"}", NULL);
		assert_int_equal(retire_entity_raw(&sys, "regions", rid, NULL, &e), 0);
		assert_str(QS("SELECT active FROM regions WHERE code = ?", "330101002001-02"), "0");
		/* entities without versions: their audit trail is their history */
		assert_int_equal(history_entity_raw(&office, "regions", rid, &h, &e), 0);
		assert_int_equal(json_array_size(h), 2);
		assert_str(json_string_value(json_object_get(json_array_get(h, 0), "action")),
			   "regions.create");
		assert_str(json_string_value(json_object_get(json_array_get(h, 1), "action")),
			   "regions.retire");
		json_decref(h);
		/* sector_map cannot be retired */
		assert_int_equal(retire_entity_raw(&sys, "sector_map", 1, NULL, &e), MODEL_EBADREQ);
	}
	model_error_release(&e);
}

/* ---- 8. list parameters ---- */

static void test_list_params(void **state)
{
	struct actor office = mk_actor(ROLE_OFFICE, "D-OFFICE", NULL, NULL, NULL);
	struct model_error e;
	struct strbuf all = STRBUF_INIT, paged = STRBUF_INIT;
	json_t *l, *out = NULL;
	int page;

	model_error_init(&e);
	create_ok(&office, "subjects",
		  "{\"code\":\"P1\",\"name\":\"百分%厂\",\"kind\":\"enterprise\",\"category\":\"factory\","
		  "\"township\":\"330101001\",\"active_from\":\"2023-01\"}", NULL);
	create_ok(&office, "subjects",
		  "{\"code\":\"P2\",\"name\":\"下划_厂\",\"kind\":\"enterprise\",\"category\":\"factory\","
		  "\"township\":\"330101001\",\"active_from\":\"2023-01\"}", NULL);
	create_ok(&office, "subjects",
		  "{\"code\":\"P3\",\"name\":\"下划x厂\",\"kind\":\"enterprise\",\"category\":\"factory\","
		  "\"township\":\"330101002\",\"address\":\"反斜\\\\杠路\",\"active_from\":\"2024-05\"}",
		  NULL);

	/* filters, by code or label */
	l = list_ok(&office, "subjects", "kind=institution");
	expect_codes(l, "S1,S2,S4");
	json_decref(l);
	l = list_ok(&office, "subjects", "kind=事业单位");
	expect_codes(l, "S1,S2,S4");
	json_decref(l);
	l = list_ok(&office, "subjects", "kind=enterprise&township=330101001");
	expect_codes(l, "P1,P2,S5");
	json_decref(l);
	l = list_ok(&office, "subjects", "supervisor=D-EDU");
	expect_codes(l, "S1,S4");
	json_decref(l);
	l = list_ok(&office, "subjects", "active_from=2024-05");
	expect_codes(l, "P3");
	json_decref(l);
	l = list_ok(&office, "subjects", "supervisor=");  /* empty: IS NULL */
	expect_codes(l, "P1,P2,P3,S5");
	json_decref(l);
	assert_int_equal(list_raw(&office, "subjects", "kind=工厂", &out, &e), MODEL_EINVAL);
	expect_field(&e, "kind");
	assert_int_equal(list_raw(&office, "subjects", "active_from=2024-13", &out, &e), MODEL_EINVAL);

	/* q: substring of name, code, address; % _ \ literal */
	l = list_ok(&office, "subjects", "q=%");
	expect_codes(l, "P1");
	json_decref(l);
	l = list_ok(&office, "subjects", "q=_");
	expect_codes(l, "P2");
	json_decref(l);
	l = list_ok(&office, "subjects", "q=下划_");
	expect_codes(l, "P2");
	json_decref(l);
	l = list_ok(&office, "subjects", "q=下划");
	expect_codes(l, "P2,P3");
	json_decref(l);
	l = list_ok(&office, "subjects", "q=\\");
	expect_codes(l, "P3");
	json_decref(l);
	/* by name or address, or by the name of the township (P1, P2 lie in 清波街道) */
	l = list_ok(&office, "subjects", "q=清波");
	expect_codes(l, "P1,P2,S1,S3,S5");
	json_decref(l);
	l = list_ok(&office, "subjects", "q=S");
	expect_codes(l, "S1,S2,S3,S4,S5");
	json_decref(l);
	l = list_ok(&office, "subjects", "q=清波&kind=enterprise");
	expect_codes(l, "P1,P2,S5");
	json_decref(l);
	l = list_ok(&office, "subjects", "q=");
	assert_int_equal(json_integer_value(json_object_get(l, "total")), 8);
	json_decref(l);

	/* sort */
	l = list_ok(&office, "subjects", "sort=code");
	expect_codes(l, "P1,P2,P3,S1,S2,S3,S4,S5");
	json_decref(l);
	l = list_ok(&office, "subjects", "sort=-code");
	expect_codes(l, "S5,S4,S3,S2,S1,P3,P2,P1");
	json_decref(l);
	l = list_ok(&office, "subjects", "sort=-active_from&kind=enterprise");
	expect_codes(l, "P3,P2,P1,S5"); /* ties by id, descending */
	json_decref(l);
	l = list_ok(&office, "subjects", "sort=-id");
	expect_codes(l, "P3,P2,P1,S5,S4,S3,S2,S1");
	json_decref(l);
	assert_int_equal(list_raw(&office, "subjects", "sort=address", &out, &e), MODEL_EBADREQ);
	expect_field(&e, "sort");
	assert_int_equal(list_raw(&office, "subjects", "sort=-nosuch", &out, &e), MODEL_EBADREQ);
	assert_int_equal(list_raw(&office, "subjects", "sort=code;DROP", &out, &e), MODEL_EBADREQ);

	/* pages: sizes, totals, and pages that add up to the whole */
	l = list_ok(&office, "subjects", "sort=code&page_size=500");
	codes_of(l, &all);
	assert_int_equal(json_integer_value(json_object_get(l, "page_size")), 500);
	json_decref(l);
	for (page = 1; page <= 4; page++) {
		char q[64];
		struct strbuf c = STRBUF_INIT;
		snprintf(q, sizeof(q), "sort=code&page_size=3&page=%d", page);
		l = list_ok(&office, "subjects", q);
		assert_int_equal(json_integer_value(json_object_get(l, "total")), 8);
		assert_int_equal(json_integer_value(json_object_get(l, "page")), page);
		assert_int_equal(json_integer_value(json_object_get(l, "page_size")), 3);
		assert_int_equal(json_array_size(json_object_get(l, "items")),
				 page <= 2 ? 3 : page == 3 ? 2 : 0);
		codes_of(l, &c);
		if (c.len) {
			if (paged.len)
				strbuf_addch(&paged, ',');
			strbuf_addbuf(&paged, &c);
		}
		strbuf_release(&c);
		json_decref(l);
	}
	assert_str(paged.buf, all.buf);
	l = list_ok(&office, "subjects", NULL);
	assert_int_equal(json_integer_value(json_object_get(l, "page")), 1);
	assert_int_equal(json_integer_value(json_object_get(l, "page_size")), 20);
	json_decref(l);

	/* refused parameters */
	assert_int_equal(list_raw(&office, "subjects", "foo=1", &out, &e), MODEL_EBADREQ);
	assert_non_null(strstr(e.msg.buf, "foo"));
	assert_int_equal(list_raw(&office, "subjects", "address=x", &out, &e), MODEL_EBADREQ);
	assert_int_equal(list_raw(&office, "subjects", "lat=1", &out, &e), MODEL_EBADREQ);
	assert_int_equal(list_raw(&office, "subjects", "page_size=0", &out, &e), MODEL_EBADREQ);
	expect_field(&e, "page_size");
	assert_int_equal(list_raw(&office, "subjects", "page_size=501", &out, &e), MODEL_EBADREQ);
	expect_field(&e, "page_size");
	assert_int_equal(list_raw(&office, "subjects", "page_size=abc", &out, &e), MODEL_EBADREQ);
	assert_int_equal(list_raw(&office, "subjects", "page_size=", &out, &e), MODEL_EBADREQ);
	assert_int_equal(list_raw(&office, "subjects", "page_size=-5", &out, &e), MODEL_EBADREQ);
	assert_int_equal(list_raw(&office, "subjects", "page=0", &out, &e), MODEL_EBADREQ);
	expect_field(&e, "page");
	assert_int_equal(list_raw(&office, "subjects", "page=1x", &out, &e), MODEL_EBADREQ);
	assert_null(out);
	strbuf_release(&all);
	strbuf_release(&paged);
	model_error_release(&e);
}

/* ---- 11. the audit chain ---- */

/* Three writes on an empty database: three audit rows. */
static void three_writes(void)
{
	struct actor sys;

	actor_system(&sys);
	create_ok(&sys, "regions", "{\"code\":\"330101\",\"name\":\"上城区\",\"level\":\"district\"}",
		  NULL);
	create_ok(&sys, "regions", "{\"code\":\"330101001\",\"name\":\"清波街道\","
		  "\"level\":\"township\",\"parent\":\"330101\"}", NULL);
	create_ok(&sys, "regions", "{\"code\":\"330101002\",\"name\":\"湖滨街道\","
		  "\"level\":\"township\",\"parent\":\"330101\"}", NULL);
}

static void test_audit_chain_edit(void **state)
{
	struct strbuf err = STRBUF_INIT;
	int64_t rows = -1, bad = -1;

	three_writes();
	assert_int_equal(audit_verify(g_db, &rows, &bad, &err), 0);
	assert_int_equal(rows, 3);
	assert_int_equal(qcount("SELECT COUNT(*) FROM audit"), 3);
	assert_int_equal(bad, 0);
	assert_str(QS("SELECT action FROM audit WHERE seq = ?", "2"), "regions.create");
	assert_str(QS("SELECT username FROM audit WHERE seq = ?", "1"), "system");
	/* a refused write adds nothing; an appended row extends the chain */
	{
		struct actor sys;
		actor_system(&sys);
		expect_create_fails(&sys, "regions", J("{\"code\":\"330101\",\"name\":\"重复\","
				    "\"level\":\"district\"}"), MODEL_ECONFLICT, "code");
		assert_int_equal(audit_append(g_db, &sys, "test.note", "x", "ok", "d", &err), 0);
		assert_int_equal(audit_verify(g_db, &rows, &bad, &err), 0);
		assert_int_equal(rows, 4);
	}
	exec_ok("UPDATE audit SET detail = 'x' WHERE seq = 2");
	strbuf_reset(&err);
	assert_int_equal(audit_verify(g_db, &rows, &bad, &err), 1);
	assert_int_equal(bad, 2);
	assert_true(err.len > 0);
	strbuf_release(&err);
}

static void test_audit_chain_delete_last(void **state)
{
	struct strbuf err = STRBUF_INIT;
	int64_t rows = -1, bad = -1;

	three_writes();
	assert_int_equal(audit_verify(g_db, &rows, &bad, &err), 0);
	assert_int_equal(rows, 3);
	exec_ok("DELETE FROM audit WHERE seq = 3");
	assert_int_equal(audit_verify(g_db, &rows, &bad, &err), 1);
	assert_int_equal(bad, 3);
	strbuf_release(&err);
}

static void test_audit_chain_delete_middle(void **state)
{
	struct strbuf err = STRBUF_INIT;
	int64_t rows = -1, bad = -1;

	three_writes();
	exec_ok("DELETE FROM audit WHERE seq = 2");
	assert_int_equal(audit_verify(g_db, &rows, &bad, &err), 1);
	assert_int_equal(bad, 2);
	strbuf_release(&err);
}

static void test_audit_chain_forged(void **state)
{
	struct strbuf err = STRBUF_INIT;
	int64_t rows = -1, bad = -1;

	three_writes();
	/* a row slipped in at the end (the head not moved) */
	exec_ok("INSERT INTO audit (seq, at, username, action, object, outcome, source, detail, "
		"prev_hash, hash) SELECT 4, at, username, action, object, outcome, source, detail, "
		"hash, hash FROM audit WHERE seq = 3");
	assert_int_equal(audit_verify(g_db, &rows, &bad, &err), 1);
	assert_int_equal(bad, 4);
	/* the first row's user changed */
	exec_ok("DELETE FROM audit WHERE seq = 4");
	assert_int_equal(audit_verify(g_db, &rows, &bad, &err), 0);
	exec_ok("UPDATE audit SET username = 'mallory' WHERE seq = 1");
	assert_int_equal(audit_verify(g_db, &rows, &bad, &err), 1);
	assert_int_equal(bad, 1);
	strbuf_release(&err);
}

/* ---- 12. accounts ---- */

static void test_users(void **state)
{
	struct actor sys, sa = mk_actor(ROLE_SYSADMIN, NULL, NULL, NULL, NULL);
	struct model_error e;
	json_t *out = NULL, *l;
	const char *hash;
	int ret;

	actor_system(&sys);
	model_error_init(&e);
	/* three-role separation: only the command line makes admins */
	expect_create_user_fails(&sa, "{\"username\":\"sec1\",\"role\":\"secadmin\"}", GOOD_PW,
				 MODEL_EFORBIDDEN, "role");
	expect_create_user_fails(&sa, "{\"username\":\"sys2\",\"role\":\"sysadmin\"}", GOOD_PW,
				 MODEL_EFORBIDDEN, "role");
	json_decref(create_user_ok(&sys, "{\"username\":\"sec1\",\"role\":\"secadmin\","
				   "\"display_name\":\"安全员\"}", GOOD_PW));
	/* the password policy */
	expect_create_user_fails(&sys, "{\"username\":\"weak\",\"role\":\"office\","
				 "\"department\":\"D-OFFICE\"}", "abc", MODEL_EINVAL, "password");
	expect_create_user_fails(&sys, "{\"username\":\"weak\",\"role\":\"office\","
				 "\"department\":\"D-OFFICE\"}", "abcdefghijk", MODEL_EINVAL, "password");
	expect_create_user_fails(&sys, "{\"username\":\"weak\",\"role\":\"office\","
				 "\"department\":\"D-OFFICE\"}", NULL, MODEL_EINVAL, "password");
	/* 三员分立: the system administrator makes accounts without a role or scope */
	expect_create_user_fails(&sa, "{\"username\":\"tx\",\"role\":\"township\","
				 "\"department\":\"D-T1\"}", GOOD_PW, MODEL_EFORBIDDEN, "role");
	/* business accounts and their departments (the command line, which may do all) */
	expect_create_user_fails(&sys, "{\"username\":\"tx\",\"role\":\"township\","
				 "\"department\":\"D-EDU\"}", GOOD_PW, MODEL_EINVAL, "role");
	expect_create_user_fails(&sys, "{\"username\":\"tx\",\"role\":\"township\"}", GOOD_PW,
				 MODEL_EINVAL, "department");
	expect_create_user_fails(&sys, "{\"username\":\"tx\",\"role\":\"township\","
				 "\"department\":\"D-NONE\"}", GOOD_PW, MODEL_EINVAL, "department");
	expect_create_user_fails(&sys, "{\"username\":\"gx\",\"role\":\"grid\","
				 "\"department\":\"D-T1\"}", GOOD_PW, MODEL_EINVAL, "grid");
	expect_create_user_fails(&sys, "{\"username\":\"sx\",\"role\":\"subject\","
				 "\"department\":\"D-T1\",\"subject\":\"NOPE\"}", GOOD_PW,
				 MODEL_EINVAL, "subject");
	expect_create_user_fails(&sys, "{\"username\":\"bad\",\"role\":\"king\","
				 "\"department\":\"D-T1\"}", GOOD_PW, MODEL_EINVAL, "role");
	expect_create_user_fails(&sys, "{\"username\":\"pw\",\"role\":\"office\","
				 "\"department\":\"D-OFFICE\",\"pw_hash\":\"x\"}", GOOD_PW,
				 MODEL_EINVAL, "pw_hash");
	expect_create_user_fails(&sys, "{\"username\":\"pw\",\"role\":\"office\","
				 "\"department\":\"D-OFFICE\",\"must_change\":false}", GOOD_PW,
				 MODEL_EINVAL, "must_change");
	/* a business role may not manage accounts */
	{
		struct actor office = mk_actor(ROLE_OFFICE, "D-OFFICE", NULL, NULL, NULL);
		expect_create_user_fails(&office, "{\"username\":\"o2\",\"role\":\"office\","
					 "\"department\":\"D-OFFICE\"}", GOOD_PW, MODEL_EFORBIDDEN, NULL);
		assert_int_equal(list_raw(&office, "users", NULL, &out, &e), MODEL_EFORBIDDEN);
	}

	out = create_user_ok(&sys, "{\"username\":\"t1\",\"role\":\"township\",\"department\":\"D-T1\","
			     "\"display_name\":\"镇干部\"}", GOOD_PW);
	assert_null(json_object_get(out, "pw_hash"));
	assert_str(json_string_value(json_object_get(out, "township")), "330101001");
	assert_true(json_is_true(json_object_get(out, "must_change")));
	json_decref(out);
	out = create_user_ok(&sys, "{\"username\":\"g1\",\"role\":\"grid\",\"department\":\"D-T1\","
			     "\"grid\":\"330101001001-01\"}", GOOD_PW);
	assert_str(json_string_value(json_object_get(out, "township")), "330101001");
	json_decref(out);
	out = create_user_ok(&sys, "{\"username\":\"s1\",\"role\":\"subject\",\"department\":\"D-T1\","
			     "\"subject\":\"S1\"}", GOOD_PW);
	json_decref(out);
	hash = QS("SELECT pw_hash FROM users WHERE username = ?", "t1");
	assert_non_null(hash);
	assert_true(has_prefix(hash, "$argon2id$"));
	assert_null(strstr(snapshot(), GOOD_PW));

	/* the hash never leaves: get, list, history, export */
	ret = get_raw(&sa, "users", id_of("SELECT id FROM users WHERE username = ?", "t1"),
		      &out, &e);
	assert_int_equal(ret, 0);
	assert_null(json_object_get(out, "pw_hash"));
	assert_null(strstr(json_dumps_tmp(out), "argon2"));
	json_decref(out);
	l = list_ok(&sa, "users", "page_size=100");
	assert_int_equal(json_integer_value(json_object_get(l, "total")), 4);
	assert_null(strstr(json_dumps_tmp(l), "pw_hash"));
	assert_null(strstr(json_dumps_tmp(l), "argon2"));
	json_decref(l);
	{
		struct strbuf csv = STRBUF_INIT;
		struct table_writer *w = NULL;
		size_t rows = 0;
		struct model_ctx mc = ctx_of(&sa);
		assert_int_equal(table_writer_open_mem(TABLE_CSV, NULL, &w, NULL), 0);
		assert_int_equal(entity_export(&mc, entity_find("users"), NULL, w, &rows, &e), 0);
		assert_int_equal(table_writer_close_mem(w, &csv, NULL), 0);
		assert_int_equal(rows, 4);
		assert_null(strstr(csv.buf, "argon2"));
		assert_null(strstr(csv.buf, ",密码,"));
		assert_null(strstr(csv.buf, ",密码\r\n"));
		strbuf_release(&csv);
	}
	/* the audit trail of an account names no secret */
	{
		const char *d = QS("SELECT detail FROM audit WHERE action = ? ORDER BY seq DESC LIMIT 1",
				   "users.create");
		assert_non_null(d);
		assert_non_null(strstr(d, "username"));
		assert_null(strstr(d, "pw_hash"));
	}
	/* a sysadmin may not promote anyone to admin, nor change its own role */
	expect_update_fails(&sa, "users", id_of("SELECT id FROM users WHERE username = ?", "t1"),
			    J("{\"role\":\"auditadmin\"}"), MODEL_EFORBIDDEN, "role");
	model_error_release(&e);
}

/* ---- 13. sessions ---- */

static void test_sessions(void **state)
{
	struct actor sys;
	struct strbuf tok = STRBUF_INIT, csrf = STRBUF_INIT, err = STRBUF_INIT;
	struct strbuf tok2 = STRBUF_INIT, csrf2 = STRBUF_INIT;
	struct session s;
	int must = -1;
	int64_t locked = -1, retry = 0;
	enum login_result r;
	struct model_error pe;

	model_error_init(&pe);
	actor_system(&sys);
	json_decref(create_user_ok(&sys, "{\"username\":\"t1\",\"role\":\"township\","
				   "\"department\":\"D-T1\"}", GOOD_PW));

	/*
	 * Bad password and unknown user: one answer, outputs included (a
	 * must_change of 1 for a bad password used to tell that the account
	 * exists and is new).
	 */
	r = session_login(g_db, "t1", "Wrong#Pass1", "10.0.0.1", NULL, &tok, &csrf, &must, &locked, &err);
	assert_int_equal(r, LOGIN_BAD);
	assert_int_equal(tok.len, 0);
	assert_int_equal(must, 0);
	assert_int_equal(locked, 0);
	r = session_login(g_db, "nobody", "Wrong#Pass1", "10.0.0.1", NULL, &tok, &csrf, &must, &locked,
			  &err);
	assert_int_equal(r, LOGIN_BAD);
	assert_int_equal(tok.len, 0);
	assert_int_equal(must, 0);
	assert_int_equal(locked, 0);
	assert_int_equal(qcount("SELECT COUNT(*) FROM audit WHERE action = 'login' AND "
				"outcome = 'failed'"), 2);

	/* success: a token, a CSRF token, must_change on a new account */
	r = session_login(g_db, "t1", GOOD_PW, "10.0.0.1", NULL, &tok, &csrf, &must, &locked, &err);
	assert_int_equal(r, LOGIN_OK);
	assert_int_equal(tok.len, 64);
	assert_true(csrf.len >= 32);
	assert_int_equal(must, 1);
	/* this source's failure is forgotten; the count of all sources stays */
	assert_int_equal(qcount("SELECT COUNT(*) FROM login_throttle WHERE username = 't1' AND "
				"source = '10.0.0.1'"), 0);
	assert_int_equal(qcount("SELECT failed_count FROM users WHERE username = 't1'"), 1);
	/* only the token's hash is stored */
	assert_null(strstr(snapshot(), tok.buf));
	assert_int_equal(qcount("SELECT COUNT(*) FROM sessions"), 1);
	assert_int_equal(session_lookup(g_db, tok.buf, "10.0.0.1", &s, &err), SESSION_OK);
	assert_int_equal(s.actor.role, ROLE_TOWNSHIP);
	assert_str(s.actor.username, "t1");
	assert_str(s.actor.township, "330101001");
	assert_str(s.actor.district, "330101");
	assert_str(s.actor.dept, "D-T1");
	assert_int_equal(s.actor.must_change, 1);
	assert_true(session_csrf_ok(&s, csrf.buf));
	assert_false(session_csrf_ok(&s, tok.buf));
	assert_false(session_csrf_ok(&s, ""));
	assert_false(session_csrf_ok(&s, NULL));
	/* the session's actor is refused until the password is changed */
	{
		struct model_error e;
		json_t *out = NULL;
		model_error_init(&e);
		assert_int_equal(list_raw(&s.actor, "subjects", NULL, &out, &e), MODEL_EFORBIDDEN);
		model_error_release(&e);
	}

	/* wrong or malformed tokens */
	{
		struct session n;
		struct strbuf fake = STRBUF_INIT;
		random_token(&fake, 32);
		assert_int_equal(session_lookup(g_db, fake.buf, NULL, &n, &err), SESSION_NONE);
		assert_int_equal(session_lookup(g_db, "abc", NULL, &n, &err), SESSION_NONE);
		assert_int_equal(session_lookup(g_db, NULL, NULL, &n, &err), SESSION_NONE);
		assert_int_equal(session_lookup(g_db, csrf.buf, NULL, &n, &err), SESSION_NONE);
		strbuf_release(&fake);
	}

	/* change of password: old must match, policy, must_change cleared */
	assert_int_equal(session_change_password(g_db, &s.actor, "Wrong#Pass1", "Another#Pass2",
						 s.token_hash, &retry, &pe), MODEL_EINVAL);
	assert_string_equal(pe.field, "old_password");
	assert_int_equal(qcount("SELECT failed_count FROM login_throttle WHERE username = 't1' "
				"AND source = '*'"), 2);
	assert_true(pe.msg.len > 0);
	assert_int_equal(session_change_password(g_db, &s.actor, GOOD_PW, "short", s.token_hash,
						 &retry, &pe), MODEL_EINVAL);
	assert_string_equal(pe.field, "new_password");
	assert_true(pe.msg.len > 0);
	assert_int_equal(session_change_password(g_db, &s.actor, GOOD_PW, GOOD_PW, s.token_hash,
						 &retry, &pe), MODEL_EINVAL);
	assert_int_equal(session_change_password(g_db, &s.actor, GOOD_PW, "Password1!",
						 s.token_hash, &retry, &pe), MODEL_EINVAL);
	assert_non_null(strstr(pe.msg.buf, "常见"));
	assert_int_equal(qcount("SELECT must_change FROM users WHERE username = 't1'"), 1);
	/* a second session, which the change revokes */
	r = session_login(g_db, "t1", GOOD_PW, "10.0.0.2", NULL, &tok2, &csrf2, &must, &locked, &err);
	assert_int_equal(r, LOGIN_OK);
	assert_int_equal(qcount("SELECT COUNT(*) FROM sessions"), 2);
	assert_int_equal(session_change_password(g_db, &s.actor, GOOD_PW, "Another#Pass2",
						 s.token_hash, &retry, &pe), 0);
	/* the replaced hash is kept, the current one is not duplicated */
	assert_int_equal(qcount("SELECT COUNT(*) FROM password_history h JOIN users u ON "
				"u.id = h.user_id WHERE u.username = 't1'"), 1);
	assert_int_equal(qcount("SELECT must_change FROM users WHERE username = 't1'"), 0);
	{
		struct session n;
		assert_int_equal(session_lookup(g_db, tok2.buf, NULL, &n, &err), SESSION_NONE);
		session_release(&s);
		assert_int_equal(session_lookup(g_db, tok.buf, "10.0.0.1", &s, &err), SESSION_OK);
		assert_int_equal(s.actor.must_change, 0);
	}
	/* the kept session now reaches its township */
	{
		json_t *l = list_ok(&s.actor, "subjects", NULL);
		expect_codes(l, "S1,S3,S5");
		json_decref(l);
	}
	r = session_login(g_db, "t1", GOOD_PW, "10.0.0.1", NULL, &tok2, &csrf2, &must, &locked, &err);
	assert_int_equal(r, LOGIN_BAD);
	strbuf_reset(&tok2);
	r = session_login(g_db, "t1", "Another#Pass2", "10.0.0.1", NULL, &tok2, &csrf2, &must, &locked,
			  &err);
	assert_int_equal(r, LOGIN_OK);
	assert_int_equal(must, 0);

	/* logout kills the token */
	assert_int_equal(session_logout(g_db, &s, &err), 0);
	session_release(&s);
	assert_int_equal(session_lookup(g_db, tok.buf, NULL, &s, &err), SESSION_NONE);
	/* login with the old token rotates it away */
	{
		struct strbuf tok3 = STRBUF_INIT, csrf3 = STRBUF_INIT;
		r = session_login(g_db, "t1", "Another#Pass2", "10.0.0.1", tok2.buf, &tok3, &csrf3,
				  &must, &locked, &err);
		assert_int_equal(r, LOGIN_OK);
		assert_int_equal(session_lookup(g_db, tok2.buf, NULL, &s, &err), SESSION_NONE);
		assert_int_equal(session_lookup(g_db, tok3.buf, NULL, &s, &err), SESSION_OK);
		session_release(&s);
		strbuf_release(&tok3);
		strbuf_release(&csrf3);
	}
	/* idle too long, or alive too long: expired, and the row is gone */
	{
		struct strbuf tok4 = STRBUF_INIT, csrf4 = STRBUF_INIT;
		r = session_login(g_db, "t1", "Another#Pass2", "10.0.0.1", NULL, &tok4, &csrf4,
				  &must, &locked, &err);
		assert_int_equal(r, LOGIN_OK);
		assert_int_equal(qcount("SELECT COUNT(*) FROM sessions"), 2);
		exec_ok("UPDATE sessions SET last_seen = last_seen - 1801");
		assert_int_equal(session_lookup(g_db, tok4.buf, NULL, &s, &err), SESSION_EXPIRED);
		assert_int_equal(session_lookup(g_db, tok4.buf, NULL, &s, &err), SESSION_NONE);
		assert_int_equal(qcount("SELECT COUNT(*) FROM sessions"), 1);
		strbuf_reset(&tok4);
		strbuf_reset(&csrf4);
		r = session_login(g_db, "t1", "Another#Pass2", "10.0.0.1", NULL, &tok4, &csrf4,
				  &must, &locked, &err);
		assert_int_equal(r, LOGIN_OK);
		exec_ok("UPDATE sessions SET created_at = created_at - 43201");
		assert_int_equal(session_lookup(g_db, tok4.buf, NULL, &s, &err), SESSION_EXPIRED);
		strbuf_release(&tok4);
		strbuf_release(&csrf4);
	}
	/* an administrator resets the password: must_change again */
	{
		struct actor sa = mk_actor(ROLE_SYSADMIN, NULL, NULL, NULL, NULL);
		json_decref(create_user_ok(&sys, "{\"username\":\"sec9\",\"role\":\"secadmin\"}",
					   GOOD_PW));
		assert_int_equal(user_set_password(g_db, &sa, "sec9", "Reset#Pass3", &pe),
				 MODEL_EFORBIDDEN);
		assert_int_equal(user_set_password(g_db, &sys, "sec9", "Reset#Pass3", &pe), 0);
		assert_int_equal(user_set_password(g_db, &sa, "nobody", "Reset#Pass3", &pe),
				 MODEL_ENOTFOUND);
		assert_int_equal(user_set_password(g_db, &sa, "t1", "weak", &pe), MODEL_EINVAL);
		assert_string_equal(pe.field, "password");
		assert_int_equal(user_set_password(g_db, &sa, "t1", "Reset#Pass3", &pe), 0);
		assert_int_equal(qcount("SELECT must_change FROM users WHERE username = 't1'"), 1);
		assert_int_equal(qcount("SELECT COUNT(*) FROM sessions"), 0);
	}
	{
		int64_t rows, bad;
		assert_int_equal(audit_verify(g_db, &rows, &bad, &err), 0);
		assert_int_equal(rows, qcount("SELECT COUNT(*) FROM audit"));
	}
	strbuf_release(&tok);
	strbuf_release(&csrf);
	strbuf_release(&tok2);
	strbuf_release(&csrf2);
	strbuf_release(&err);
	model_error_release(&pe);
}

static void test_lockout(void **state)
{
	struct actor sys;
	struct strbuf tok = STRBUF_INIT, csrf = STRBUF_INIT, err = STRBUF_INIT;
	int must, i;
	int64_t locked = 0, now = time_now();
	enum login_result r;

	actor_system(&sys);
	json_decref(create_user_ok(&sys, "{\"username\":\"lk\",\"role\":\"office\","
				   "\"department\":\"D-OFFICE\"}", GOOD_PW));
	for (i = 1; i < LOGIN_SOURCE_FREE; i++) {
		r = session_login(g_db, "lk", "Wrong#Pass1", "x", NULL, &tok, &csrf, &must, &locked, &err);
		assert_int_equal(r, LOGIN_BAD);
		assert_int_equal(locked, 0);
		assert_int_equal(qcount("SELECT failed_count FROM users WHERE username = 'lk'"), i);
	}
	/* the fifth failure from a source makes it wait 1 s */
	r = session_login(g_db, "lk", "Wrong#Pass1", "x", NULL, &tok, &csrf, &must, &locked, &err);
	assert_int_equal(r, LOGIN_DELAYED);
	assert_true(locked >= now * 1000 + 1000 && locked <= time_now_ms() + 1000);
	/* the right password is not heard meanwhile, and creates no session */
	locked = 0;
	r = session_login(g_db, "lk", GOOD_PW, "x", NULL, &tok, &csrf, &must, &locked, &err);
	assert_int_equal(r, LOGIN_DELAYED);
	assert_true(locked > 0);
	assert_int_equal(tok.len, 0);
	assert_int_equal(qcount("SELECT COUNT(*) FROM sessions"), 0);
	assert_int_equal(qcount("SELECT COUNT(*) FROM audit WHERE action = 'login' AND "
				"outcome = 'delayed'"), 1);
	/* each further failure from there doubles the wait */
	exec_ok("UPDATE login_throttle SET retry_at = 0");
	now = time_now_ms();
	r = session_login(g_db, "lk", "Wrong#Pass1", "x", NULL, &tok, &csrf, &must, &locked, &err);
	assert_int_equal(r, LOGIN_DELAYED);
	assert_true(locked >= now + 2000 && locked <= time_now_ms() + 2000);
	assert_int_equal(qcount("SELECT locked_until FROM users WHERE username = 'lk'"), locked / 1000);
	/* another source is heard */
	r = session_login(g_db, "lk", GOOD_PW, "y", NULL, &tok, &csrf, &must, &locked, &err);
	assert_int_equal(r, LOGIN_OK);
	strbuf_reset(&tok);
	strbuf_reset(&csrf);
	/* a name that is no account waits alike */
	for (i = 0; i < LOGIN_SOURCE_FREE - 1; i++)
		assert_int_equal(session_login(g_db, "nobody", "Wrong#Pass1", "x", NULL, &tok, &csrf,
					       &must, &locked, &err), LOGIN_BAD);
	assert_int_equal(session_login(g_db, "nobody", "Wrong#Pass1", "x", NULL, &tok, &csrf, &must,
				       &locked, &err), LOGIN_DELAYED);
	/* failures spread over many sources slow every source past the account's count */
	exec_ok("UPDATE login_throttle SET failed_count = 49 WHERE username = 'lk' AND source = '*'");
	r = session_login(g_db, "lk", "Wrong#Pass1", "z1", NULL, &tok, &csrf, &must, &locked, &err);
	assert_int_equal(r, LOGIN_DELAYED);
	r = session_login(g_db, "lk", GOOD_PW, "z2", NULL, &tok, &csrf, &must, &locked, &err);
	assert_int_equal(r, LOGIN_DELAYED);
	/* an IPv6 source is its /64 */
	exec_ok("DELETE FROM login_throttle WHERE username = 'lk'");
	for (i = 0; i < LOGIN_SOURCE_FREE; i++) {
		char src[64];
		snprintf(src, sizeof(src), "2001:db8:1:2::%x", i + 1);
		r = session_login(g_db, "lk", "Wrong#Pass1", src, NULL, &tok, &csrf, &must, &locked, &err);
	}
	assert_int_equal(r, LOGIN_DELAYED);
	assert_int_equal(qcount("SELECT failed_count FROM login_throttle WHERE username = 'lk' AND "
				"source = '2001:db8:1:2::/64'"), LOGIN_SOURCE_FREE);
	/* unlock by an administrator clears every delay */
	{
		struct actor sec = mk_actor(ROLE_SECADMIN, NULL, NULL, NULL, NULL);
		struct model_error ue;

		model_error_init(&ue);
		assert_int_equal(user_unlock(g_db, &sec, "lk", &ue), 0);
		assert_int_equal(user_unlock(g_db, &sec, "nobody", &ue), MODEL_ENOTFOUND);
		model_error_release(&ue);
	}
	assert_int_equal(qcount("SELECT COUNT(*) FROM login_throttle WHERE username = 'lk'"), 0);
	r = session_login(g_db, "lk", GOOD_PW, "2001:db8:1:2::1", NULL, &tok, &csrf, &must, &locked,
			  &err);
	assert_int_equal(r, LOGIN_OK);
	/* a closed account cannot log in */
	{
		struct model_error e;
		model_error_init(&e);
		assert_int_equal(retire_entity_raw(&sys, "users",
			id_of("SELECT id FROM users WHERE username = ?", "lk"), NULL, &e), 0);
		model_error_release(&e);
		/* and its session is gone with it */
		{
			struct session s;
			assert_int_equal(session_lookup(g_db, tok.buf, NULL, &s, &err), SESSION_NONE);
		}
		strbuf_reset(&tok);
		r = session_login(g_db, "lk", GOOD_PW, "x", NULL, &tok, &csrf, &must, &locked, &err);
		assert_int_equal(r, LOGIN_BAD);
	}
	strbuf_release(&tok);
	strbuf_release(&csrf);
	strbuf_release(&err);
}

/* ---- 9. import ---- */

/* Physical rows: 1 header, 2 I1, 3 blank, 4 I2 (bad kind), 5 I3, 6 I4 (no such township). */
static const char IMPORT_CSV[] =
	"主体编码,主体名称,主体类型,主体类别,所属乡镇,所在村/社区,联系电话,纳入月份\r\n"
	"I1,导入企业一,企业,厂矿,330101001,330101001001,13600136000,2024-01\r\n"
	"\r\n"
	"I2,导入企业二,工厂,厂矿,330101001,,13600136001,2024-01\r\n"
	"I3,导入学校,事业单位,学校,330101002,,,2024-02\r\n"
	"I4,导入企业四,企业,厂矿,330101999,,,2024-02\r\n";

static void expect_import_error(const struct import_report *rep, size_t i, int64_t row,
				const char *column, const char *msg_part)
{
	const json_t *err = json_array_get(rep->errors, i);

	if (!err)
		fail_msg("no import error #%zu in %s", i, json_dumps_tmp(rep->errors));
	assert_int_equal(json_integer_value(json_object_get(err, "row")), row);
	if (column)
		assert_str(json_string_value(json_object_get(err, "column")), column);
	if (msg_part && !strstr(json_string_value(json_object_get(err, "message")), msg_part))
		fail_msg("import error #%zu: %s lacks \"%s\"", i, json_dumps_tmp(err), msg_part);
}

static void test_import(void **state)
{
	struct actor office = mk_actor(ROLE_OFFICE, "D-OFFICE", NULL, NULL, NULL);
	struct import_report rep;
	struct model_error e;
	const char *before;
	int64_t nsubj = qcount("SELECT COUNT(*) FROM subjects");
	int64_t naudit;
	json_t *l;
	int ret;

	model_error_init(&e);
	/* one bad row: nothing is stored, every bad row is reported */
	before = snapshot();
	import_report_init(&rep);
	ret = import_csv(&office, "subjects", IMPORT_CSV, strlen(IMPORT_CSV), 0, &rep, &e);
	assert_int_equal(ret, MODEL_EINVAL);
	assert_int_equal(e.code, MODEL_EINVAL);
	assert_int_equal(rep.rows, 4);
	assert_int_equal(rep.failed, 2);
	assert_int_equal(rep.created, 0);
	assert_int_equal(rep.updated, 0);
	assert_int_equal(json_array_size(rep.errors), 2);
	expect_import_error(&rep, 0, 4, "主体类型", "工厂");
	assert_str(json_string_value(json_object_get(json_array_get(rep.errors, 0), "field")), "kind");
	expect_import_error(&rep, 1, 6, "所属乡镇", "330101999");
	expect_unchanged(before);
	import_report_release(&rep);

	/* keep_good: the good rows are stored, the bad ones reported */
	naudit = qcount("SELECT COUNT(*) FROM audit");
	import_report_init(&rep);
	ret = import_csv(&office, "subjects", IMPORT_CSV, strlen(IMPORT_CSV), 1, &rep, &e);
	assert_int_equal(ret, 0);
	assert_int_equal(rep.rows, 4);
	assert_int_equal(rep.created, 2);
	assert_int_equal(rep.updated, 0);
	assert_int_equal(rep.failed, 2);
	expect_import_error(&rep, 0, 4, "主体类型", NULL);
	expect_import_error(&rep, 1, 6, "所属乡镇", NULL);
	import_report_release(&rep);
	assert_int_equal(qcount("SELECT COUNT(*) FROM subjects"), nsubj + 2);
	assert_null(QS("SELECT id FROM subjects WHERE code = ?", "I2"));
	assert_null(QS("SELECT id FROM subjects WHERE code = ?", "I4"));
	assert_str(QS("SELECT kind FROM subjects WHERE code = ?", "I1"), "enterprise");
	assert_str(QS("SELECT category FROM subjects WHERE code = ?", "I3"), "school");
	assert_str(QS("SELECT supervisor FROM subjects WHERE code = ?", "I3"), "D-EDU");
	assert_str(QS("SELECT village FROM subjects WHERE code = ?", "I1"), "330101001001");
	assert_null(QS("SELECT village FROM subjects WHERE code = ?", "I3"));
	assert_true(has_prefix(QS("SELECT contact_phone_enc FROM subjects WHERE code = ?", "I1"), "v1:"));
	assert_int_equal(qcount("SELECT COUNT(*) FROM subjects_history WHERE code IN ('I1', 'I3') "
				"AND action = 'create'"), 2);
	/* one audit row for the whole import */
	assert_int_equal(qcount("SELECT COUNT(*) FROM audit"), naudit + 1);
	assert_str(QS("SELECT action FROM audit WHERE seq = (SELECT MAX(seq) FROM audit)", NULL),
		   "subjects.import");
	assert_str(QS("SELECT detail FROM audit WHERE seq = (SELECT MAX(seq) FROM audit)", NULL),
		   "rows=4 created=2 updated=0 failed=2");
	l = list_ok(&office, "subjects", "contact_phone=13600136000&reason=check-phone");
	expect_codes(l, "I1");
	json_decref(l);

	/* the same file again: updates, no duplicates */
	import_report_init(&rep);
	ret = import_csv(&office, "subjects", IMPORT_CSV, strlen(IMPORT_CSV), 1, &rep, &e);
	assert_int_equal(ret, 0);
	assert_int_equal(rep.created, 0);
	assert_int_equal(rep.updated, 2);
	assert_int_equal(rep.failed, 2);
	import_report_release(&rep);
	assert_int_equal(qcount("SELECT COUNT(*) FROM subjects"), nsubj + 2);
	assert_str(QS("SELECT rev FROM subjects WHERE code = ?", "I1"), "2");

	/* an unknown header column refuses the file */
	before = snapshot();
	import_report_init(&rep);
	{
		static const char csv[] = "主体编码,主体名称,主体类型,主体类别,所属乡镇,纳入月份,备注\r\n"
			"Z1,某厂,企业,厂矿,330101001,2024-01,x\r\n";
		ret = import_csv(&office, "subjects", csv, strlen(csv), 1, &rep, &e);
	}
	assert_int_equal(ret, MODEL_EINVAL);
	assert_int_equal(rep.created + rep.updated, 0);
	expect_import_error(&rep, 0, 1, "备注", NULL);
	expect_unchanged(before);
	import_report_release(&rep);
	/* a required column missing refuses it too */
	import_report_init(&rep);
	{
		static const char csv[] = "主体编码,主体名称,主体类型,主体类别,纳入月份\r\n"
			"Z1,某厂,企业,厂矿,2024-01\r\n";
		ret = import_csv(&office, "subjects", csv, strlen(csv), 1, &rep, &e);
	}
	assert_int_equal(ret, MODEL_EINVAL);
	expect_import_error(&rep, 0, 1, "所属乡镇", NULL);
	expect_unchanged(before);
	import_report_release(&rep);
	/* an empty file */
	import_report_init(&rep);
	assert_int_equal(import_csv(&office, "subjects", "", 0, 0, &rep, &e), MODEL_EINVAL);
	expect_unchanged(before);
	import_report_release(&rep);

	/* headers by key are accepted as well as labels */
	import_report_init(&rep);
	{
		static const char csv[] = "code,name,kind,category,township,active_from\r\n"
			"K1,键名企业,enterprise,factory,330101001,2024-03\r\n";
		assert_int_equal(import_csv(&office, "subjects", csv, strlen(csv), 0, &rep, &e), 0);
	}
	assert_int_equal(rep.created, 1);
	import_report_release(&rep);

	/* a masked number may not create a record */
	before = snapshot();
	import_report_init(&rep);
	{
		static const char csv[] = "主体编码,主体名称,主体类型,主体类别,所属乡镇,联系电话,纳入月份\r\n"
			"M1,脱敏,企业,厂矿,330101001,138****0000,2024-01\r\n";
		assert_int_equal(import_csv(&office, "subjects", csv, strlen(csv), 0, &rep, &e),
				 MODEL_EINVAL);
	}
	expect_import_error(&rep, 0, 2, "联系电话", NULL);
	expect_unchanged(before);
	import_report_release(&rep);

	/* a township imports only within its township */
	{
		struct actor t1 = mk_actor(ROLE_TOWNSHIP, "D-T1", "330101001", NULL, NULL);
		static const char csv[] = "主体编码,主体名称,主体类型,主体类别,所属乡镇,纳入月份\r\n"
			"W1,越界,企业,厂矿,330101002,2024-01\r\n"
			"S2,改别镇的,事业单位,医院,330101002,2023-01\r\n"
			"W2,本镇,企业,厂矿,330101001,2024-01\r\n";
		import_report_init(&rep);
		assert_int_equal(import_csv(&t1, "subjects", csv, strlen(csv), 0, &rep, &e),
				 MODEL_EINVAL);
		assert_int_equal(rep.failed, 2);
		expect_import_error(&rep, 0, 2, NULL, NULL);
		expect_import_error(&rep, 1, 3, NULL, NULL);
		expect_unchanged(before);
		import_report_release(&rep);
	}
	model_error_release(&e);
}

/*
 * One file that names a record twice (a correction further down) and a
 * region before its parent: each row sees what the rows above it did.
 */
static void test_import_order(void **state)
{
	struct actor sys, office = mk_actor(ROLE_OFFICE, "D-OFFICE", NULL, NULL, NULL);
	struct import_report rep;
	struct model_error e;
	char cur[8];
	json_t *h = NULL, *l;
	int64_t id;

	actor_system(&sys);
	model_error_init(&e);
	month_now(cur);
	import_report_init(&rep);
	{
		static const char csv[] = "区划代码,名称,层级,上级区划\r\n"
			"330101001002-01,早到的网格,网格,330101001002\r\n"
			"330101001002,新村,村/社区,330101001\r\n"
			"330101001002-02,新村二网格,网格,330101001002\r\n";
		assert_int_equal(import_csv(&sys, "regions", csv, strlen(csv), 1, &rep, &e), 0);
	}
	assert_int_equal(rep.created, 2);
	assert_int_equal(rep.failed, 1);
	expect_import_error(&rep, 0, 2, "上级区划", "330101001002");
	import_report_release(&rep);
	assert_null(QS("SELECT id FROM regions WHERE code = ?", "330101001002-01"));
	assert_str(QS("SELECT township FROM regions WHERE code = ?", "330101001002-02"), "330101001");

	import_report_init(&rep);
	{
		static const char csv[] = "主体编码,主体名称,主体类型,主体类别,所属乡镇,纳入月份\r\n"
			"D1,初名,企业,厂矿,330101001,2022-03\r\n"
			"D2,另一个,企业,厂矿,330101001,2022-03\r\n"
			"D1,更正名,企业,厂矿,330101001,2022-03\r\n";
		if (import_csv(&office, "subjects", csv, strlen(csv), 0, &rep, &e))
			fail_msg("import: %s %s", e.msg.buf, json_dumps_tmp(rep.errors));
	}
	assert_int_equal(rep.created, 2);
	assert_int_equal(rep.updated, 1);
	import_report_release(&rep);
	assert_int_equal(qcount("SELECT COUNT(*) FROM subjects WHERE code = 'D1'"), 1);
	assert_str(QS("SELECT name FROM subjects WHERE code = ?", "D1"), "更正名");
	/* its history: created as of its first month, then corrected */
	id = subject_id("D1");
	assert_int_equal(history_raw(&office, id, &h, &e), 0);
	if (json_array_size(h) != 2) {
		/*
		 * BUG (entity_io.c, entity_import/history_of_created): in bulk
		 * mode the create history is written at the end only for records
		 * that have no history row yet; a record updated by a later row
		 * of the same file already has one (the update's), so its create
		 * version is never written.
		 */
		const char *dump = json_dumps_tmp(h);
		json_decref(h);
		fail_msg("BUG: D1 (created, then updated by a later row of the same import) has "
			 "history %s", dump);
	}
	assert_str(json_string_value(json_object_get(json_array_get(h, 0), "action")), "create");
	assert_str(json_string_value(json_object_get(json_array_get(h, 0), "month")), "2022-03");
	assert_str(json_string_value(json_object_get(json_array_get(h, 1), "action")), "update");
	assert_str(json_string_value(json_object_get(json_array_get(h, 1), "month")), cur);
	json_decref(h);
	/* and so it is on the list of the months since it joined */
	l = list_ok(&office, "subjects", "as_of=2022-06&kind=enterprise");
	expect_codes(l, "D1,D2");
	json_decref(l);
	/* bulk history: the month of a created record is its first month */
	assert_str(QS("SELECT month FROM subjects_history WHERE code = ?", "D2"), "2022-03");
	assert_str(QS("SELECT changed_by FROM subjects_history WHERE code = ?", "D2"), "office");
	model_error_release(&e);
}

/* An export, masked, imported again: the stored numbers stay as they were. */
static void test_import_export_roundtrip(void **state)
{
	struct actor office = mk_actor(ROLE_OFFICE, "D-OFFICE", NULL, NULL, NULL);
	struct import_report rep;
	struct model_error e;
	struct strbuf csv = STRBUF_INIT;
	const char *enc1 = QS("SELECT contact_phone_enc FROM subjects WHERE code = ?", "S1");
	const char *enc2 = QS("SELECT contact_phone_enc FROM subjects WHERE code = ?", "S2");
	int64_t nsubj = qcount("SELECT COUNT(*) FROM subjects");
	size_t rows = 0;
	json_t *l, *out = NULL;

	model_error_init(&e);
	export_csv(&office, NULL, &csv, &rows);
	assert_int_equal(rows, 5);
	assert_non_null(strstr(csv.buf, "138****8000"));
	assert_null(strstr(csv.buf, "13800138000"));
	import_report_init(&rep);
	if (import_csv(&office, "subjects", csv.buf, csv.len, 0, &rep, &e))
		fail_msg("re-import of an export: %s %s", e.msg.buf, json_dumps_tmp(rep.errors));
	assert_int_equal(rep.rows, 5);
	assert_int_equal(rep.updated, 5);
	assert_int_equal(rep.created, 0);
	assert_int_equal(rep.failed, 0);
	import_report_release(&rep);
	assert_int_equal(qcount("SELECT COUNT(*) FROM subjects"), nsubj);
	assert_str(QS("SELECT contact_phone_enc FROM subjects WHERE code = ?", "S1"), enc1);
	assert_str(QS("SELECT contact_phone_enc FROM subjects WHERE code = ?", "S2"), enc2);
	l = list_ok(&office, "subjects", "contact_phone=13800138000&reason=check-phone");
	expect_codes(l, "S1");
	json_decref(l);
	assert_int_equal(reveal_raw(&office, subject_id("S1"), "contact_phone", "导入后核对", &out, &e),
			 0);
	assert_str(json_string_value(json_object_get(out, "value")), "13800138000");
	json_decref(out);
	/* nothing else moved either */
	assert_str(QS("SELECT supervisor FROM subjects WHERE code = ?", "S3"), "D-T1");
	assert_str(QS("SELECT kind FROM subjects WHERE code = ?", "S3"), "community");
	assert_str(QS("SELECT grid FROM subjects WHERE code = ?", "S1"), "330101001001-01");
	assert_null(QS("SELECT supervisor FROM subjects WHERE code = ?", "S5"));
	/* the history month of an update by import is the current month */
	{
		char cur[8];
		month_now(cur);
		assert_str(QS("SELECT month FROM subjects_history WHERE code = 'S1' AND rev = 2", NULL),
			   cur);
	}
	strbuf_release(&csv);
	model_error_release(&e);
}

static void test_template(void **state)
{
	/* a reference to a named record (region, department): its name, then its code */
	static const char *const want[] = {
		"主体编码", "主体名称", "主体类型", "主体类别", "所属乡镇", "所属乡镇编码",
		"所在村/社区", "所在村/社区编码", "所属网格", "所属网格编码", "主管单位", "主管单位编码",
		"地址", "联系人", "联系电话", "统一社会信用代码", "纳入月份", "退出月份",
	};
	struct table_writer *w = NULL;
	struct table_reader *rd = NULL;
	struct table_row row;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	size_t i;

	assert_int_equal(table_writer_open_mem(TABLE_CSV, NULL, &w, &err), 0);
	assert_int_equal(entity_template(entity_find("subjects"), w, &err), 0);
	assert_int_equal(table_writer_close_mem(w, &out, &err), 0);
	assert_int_equal(table_reader_open_mem(out.buf, out.len, TABLE_CSV, &rd, &err), 0);
	assert_int_equal(table_reader_next(rd, &row, &err), 1);
	assert_int_equal(row.ncells, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < row.ncells; i++)
		assert_str(row.cells[i], want[i]);
	assert_int_equal(table_reader_next(rd, &row, &err), 0);
	table_reader_free(rd);
	strbuf_release(&out);
	strbuf_release(&err);
}

/* ---- 10. export ---- */

static void test_export_xlsx(void **state)
{
	struct actor t1 = mk_actor(ROLE_TOWNSHIP, "D-T1", "330101001", NULL, NULL);
	const struct entity_desc *ed = entity_find("subjects");
	struct model_ctx mc = ctx_of(&t1);
	struct table_writer *w = NULL;
	struct table_reader *rd = NULL;
	struct table_row row;
	struct strbuf path = STRBUF_INIT, err = STRBUF_INIT, codes = STRBUF_INIT;
	struct model_error e;
	int64_t naudit = qcount("SELECT COUNT(*) FROM audit");
	int c_code = -1, c_kind = -1, c_cat = -1, c_phone = -1, c_name = -1, c_town = -1;
	size_t rows = 0, i, n = 0, nlabels = 0;
	int rc;

	model_error_init(&e);
	strbuf_addf(&path, "%s/export-%d.xlsx", engines_dir(), engines_seq());
	assert_int_equal(table_writer_open(path.buf, "创建主体", &w, &err), 0);
	if (entity_export(&mc, ed, NULL, w, &rows, &e))
		fail_msg("export: %s", e.msg.buf);
	assert_int_equal(table_writer_close(w, &err), 0);
	assert_int_equal(rows, 3);
	assert_int_equal(qcount("SELECT COUNT(*) FROM audit"), naudit + 1);
	assert_str(QS("SELECT action FROM audit WHERE seq = (SELECT MAX(seq) FROM audit)", NULL),
		   "subjects.export");
	assert_str(QS("SELECT detail FROM audit WHERE seq = (SELECT MAX(seq) FROM audit)", NULL),
		   "rows=3");
	assert_str(QS("SELECT username FROM audit WHERE seq = (SELECT MAX(seq) FROM audit)", NULL),
		   "township");

	if (table_reader_open(path.buf, &rd, &err))
		fail_msg("reading the export back: %s", err.buf);
	assert_int_equal(table_reader_next(rd, &row, &err), 1);
	/* the header: every shown field's label, in order; a named reference's code after it */
	for (i = 0; i < ed->nfields; i++) {
		if (ed->fields[i].flags & FF_HIDDEN)
			continue;
		assert_true(nlabels < row.ncells);
		assert_str(row.cells[nlabels], ed->fields[i].label);
		if (!strcmp(ed->fields[i].key, "township"))
			c_town = (int)nlabels;
		if (ed->fields[i].type == FT_REF) {
			struct strbuf h = STRBUF_INIT;
			strbuf_addf(&h, "%s编码", ed->fields[i].label);
			nlabels++;
			assert_true(nlabels < row.ncells);
			assert_str(row.cells[nlabels], h.buf);
			strbuf_release(&h);
		}
		if (!strcmp(ed->fields[i].key, "code"))
			c_code = (int)nlabels;
		if (!strcmp(ed->fields[i].key, "name"))
			c_name = (int)nlabels;
		if (!strcmp(ed->fields[i].key, "kind"))
			c_kind = (int)nlabels;
		if (!strcmp(ed->fields[i].key, "category"))
			c_cat = (int)nlabels;
		if (!strcmp(ed->fields[i].key, "contact_phone"))
			c_phone = (int)nlabels;
		nlabels++;
	}
	assert_int_equal(row.ncells, nlabels);
	assert_true(c_code >= 0 && c_kind >= 0 && c_cat >= 0 && c_phone >= 0 && c_name >= 0 &&
		    c_town >= 0);
	while ((rc = table_reader_next(rd, &row, &err)) == 1) {
		const char *code = row.cells[c_code];
		n++;
		if (codes.len)
			strbuf_addch(&codes, ',');
		strbuf_addstr(&codes, code);
		assert_true((size_t)c_phone >= row.ncells || !strstr(row.cells[c_phone], "13800138000"));
		/* the township by its name, its code beside */
		assert_str(row.cells[c_town + 1], QS("SELECT township FROM subjects WHERE code = ?", code));
		assert_str(row.cells[c_town],
			   QS("SELECT r.name FROM subjects s JOIN regions r ON r.code = s.township "
			      "WHERE s.code = ?", code));
		if (!strcmp(code, "S1")) {
			assert_str(row.cells[c_name], "清波小学");
			assert_str(row.cells[c_kind], "事业单位");
			assert_str(row.cells[c_cat], "学校");
			assert_true((size_t)c_phone < row.ncells);
			assert_str(row.cells[c_phone], "138****8000");
		} else if (!strcmp(code, "S3")) {
			assert_str(row.cells[c_kind], "社区");
			assert_str(row.cells[c_cat], "社区");
		} else if (!strcmp(code, "S5")) {
			assert_str(row.cells[c_kind], "企业");
			assert_str(row.cells[c_cat], "厂矿");
		}
	}
	assert_int_equal(rc, 0);
	assert_int_equal(n, rows);
	assert_str(codes.buf, "S1,S3,S5");
	table_reader_free(rd);

	/* with list parameters; a bad one is refused and not audited */
	{
		struct strbuf csv = STRBUF_INIT;
		struct actor office = mk_actor(ROLE_OFFICE, "D-OFFICE", NULL, NULL, NULL);
		export_csv(&office, "kind=institution&sort=-code", &csv, &rows);
		assert_int_equal(rows, 3);
		assert_true(strstr(csv.buf, "S4") < strstr(csv.buf, "S2"));
		strbuf_reset(&csv);
		naudit = qcount("SELECT COUNT(*) FROM audit");
		assert_int_equal(export_mem(&office, "nosuch=1", &csv, &rows, &e), MODEL_EBADREQ);
		assert_int_equal(qcount("SELECT COUNT(*) FROM audit"), naudit);
		/* the past, as of a month */
		strbuf_reset(&csv);
		export_csv(&office, "as_of=2022-12", &csv, &rows);
		assert_int_equal(rows, 0);
		strbuf_reset(&csv);
		export_csv(&office, "as_of=2023-01&kind=institution", &csv, &rows);
		assert_int_equal(rows, 3);
		assert_non_null(strstr(csv.buf, "138****8000"));
		strbuf_release(&csv);
	}
	strbuf_release(&path);
	strbuf_release(&err);
	strbuf_release(&codes);
	model_error_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_descriptors_schema, setup_empty, teardown_db),
		cmocka_unit_test_setup_teardown(test_validation_refusals, setup_district, teardown_db),
		cmocka_unit_test_setup_teardown(test_credit_code_case, setup_district, teardown_db),
		cmocka_unit_test_setup_teardown(test_labels, setup_district, teardown_db),
		cmocka_unit_test_setup_teardown(test_derived, setup_district, teardown_db),
		cmocka_unit_test_setup_teardown(test_scope_township, setup_district, teardown_db),
		cmocka_unit_test_setup_teardown(test_scope_foreign_ref_reads_missing, setup_district,
						teardown_db),
		cmocka_unit_test_setup_teardown(test_scope_roles, setup_district, teardown_db),
		cmocka_unit_test_setup_teardown(test_personal_data, setup_district, teardown_db),
		cmocka_unit_test_setup_teardown(test_record_text, setup_district, teardown_db),
		cmocka_unit_test_setup_teardown(test_messages_utf8, setup_district, teardown_db),
		cmocka_unit_test_setup_teardown(test_history, setup_district, teardown_db),
		cmocka_unit_test_setup_teardown(test_list_params, setup_district, teardown_db),
		cmocka_unit_test_setup_teardown(test_import, setup_district, teardown_db),
		cmocka_unit_test_setup_teardown(test_import_order, setup_district, teardown_db),
		cmocka_unit_test_setup_teardown(test_import_export_roundtrip, setup_district,
						teardown_db),
		cmocka_unit_test(test_template),
		cmocka_unit_test(test_grantable_lists),
		cmocka_unit_test_setup_teardown(test_export_xlsx, setup_district, teardown_db),
		cmocka_unit_test_setup_teardown(test_audit_chain_edit, setup_empty, teardown_db),
		cmocka_unit_test_setup_teardown(test_audit_chain_delete_last, setup_empty, teardown_db),
		cmocka_unit_test_setup_teardown(test_audit_chain_delete_middle, setup_empty, teardown_db),
		cmocka_unit_test_setup_teardown(test_audit_chain_forged, setup_empty, teardown_db),
		cmocka_unit_test_setup_teardown(test_users, setup_district, teardown_db),
		cmocka_unit_test_setup_teardown(test_sessions, setup_district, teardown_db),
		cmocka_unit_test_setup_teardown(test_lockout, setup_district, teardown_db),
	};
	int failed;

	/* passwords are hashed at libsodium's minimum cost: tests only */
	setenv("SANLING_FAST_KDF", "1", 1);
	table_global_init();
	if (engines_init("model"))
		return 1;
	assess_observe_writes();
	session_observe_writes();
	failed = ENGINES_RUN(tests);
	engines_end();
	return failed ? 1 : 0;
}
