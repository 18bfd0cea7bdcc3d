/*
 * test_todos.c: the to-dos' version and list (src/model/todos.c) on both
 * engines: the version of a district stays put while nothing is written,
 * moves with a write of a source's entity in it (the write observer), with
 * a certification (a fingerprint query), and not with another district's
 * writes; the list of a department holds the task it owns due within 3
 * days (not one due later, nor another department's), an administrator's
 * is empty.  The long poll itself is the API tests' (tests/api/todos).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "base/date.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "model/entity.h"
#include "model/role.h"
#include "model/todos.h"

#include "engines.h"

static struct db *g_db;

static int64_t version(const char *district)
{
	struct strbuf err = STRBUF_INIT;
	int64_t v = -1;

	assert_int_equal(todos_version(g_db, district, &v, &err), 0);
	strbuf_release(&err);
	assert_true(v >= 0 && v < ((int64_t)1 << 53));
	return v;
}

static void task(const char *no, const char *owner, int due_in_days)
{
	char today[DATE_BUFSZ], due[DATE_BUFSZ], assigned[DATE_BUFSZ];

	date_today(today);
	date_add_days(today, due_in_days, due);
	date_add_days(today, -10, assigned);
	engines_create(g_db, "tasks", json_pack("{ss ss ss ss ss ss}", "no", no, "title", no,
						"source", "standard", "owner", owner,
						"assigned_on", assigned, "due_on", due));
}

static int setup(void **state)
{
	static const char *const regions[][4] = {
		{ "330101", "上城区", "district", NULL },
		{ "330101001", "清波街道", "township", "330101" },
		{ "330102", "西湖区", "district", NULL },
	};
	static const char *const depts[][3] = {
		{ "JT", "教体局", "330101" }, { "SJ", "市场监管局", "330101" }, { "XJT", "西湖教体局", "330102" },
	};
	size_t i;

	g_db = engines_open();
	for (i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
		json_t *r = json_pack("{ss ss ss}", "code", regions[i][0], "name", regions[i][1],
				      "level", regions[i][2]);
		if (regions[i][3])
			json_object_set_new(r, "parent", json_string(regions[i][3]));
		engines_create(g_db, "regions", r);
	}
	for (i = 0; i < sizeof(depts) / sizeof(depts[0]); i++)
		engines_create(g_db, "departments", json_pack("{ss ss ss ss}", "code", depts[i][0],
							      "name", depts[i][1], "roles", "supervisor",
							      "region", depts[i][2]));
	return 0;
}

static int teardown(void **state)
{
	if (g_db)
		db_close(g_db);
	g_db = NULL;
	return 0;
}

static void test_version(void **state)
{
	int64_t a = version("330101"), b = version("330102"), none = version(NULL);

	assert_true(a == version("330101") && none == version(NULL));
	task("T1", "JT", 1);
	assert_true(version("330101") != a);
	a = version("330101");
	assert_true(version("330101") == a);
	assert_true(version("330102") == b); /* another district's write */
	assert_true(version(NULL) == none);
	/* the certifications are no entity: their fingerprint */
	engines_exec(g_db, "INSERT INTO certifications (district, month, dimension, department, "
		     "confirmed_by, confirmed_at) VALUES ('330101', '2026-01', 'case', NULL, 'x', 1)");
	assert_true(version("330101") != a);
	assert_true(version("330102") == b);
}

/* The kinds and titles of the actor's to-dos, "kind:title;" each. */
static void listed(const struct actor *a, struct strbuf *out)
{
	struct model_ctx mc = { .db = g_db, .actor = a };
	struct model_error e;
	json_t *o = NULL, *it;
	size_t i;

	model_error_init(&e);
	assert_int_equal(todos_list(&mc, &o, &e), 0);
	model_error_release(&e);
	strbuf_reset(out);
	json_array_foreach(json_object_get(o, "items"), i, it)
		strbuf_addf(out, "%s:%s;", json_string_value(json_object_get(it, "kind")),
			    json_string_value(json_object_get(it, "title")));
	assert_int_equal(json_integer_value(json_object_get(o, "total")),
			 json_array_size(json_object_get(o, "items")));
	json_decref(o);
}

static void test_list(void **state)
{
	struct actor jt = { .user_id = 1, .username = "jt", .role = ROLE_SUPERVISOR, .dept = "JT",
			    .district = "330101" };
	struct actor sj = jt, admin = { .user_id = 3, .username = "sa", .role = ROLE_SYSADMIN };
	struct strbuf sb = STRBUF_INIT;
	char month[MONTH_BUFSZ], confirm[128], want[256];

	sj.dept = "SJ";
	task("T-NEAR", "JT", 3);
	task("T-LATE", "JT", -2);
	task("T-FAR", "JT", 4);
	task("T-SJ", "SJ", 0);
	/* a supervising department also has this month's list to confirm (一月一动态) */
	month_now(month);
	snprintf(confirm, sizeof(confirm), "list_confirmation:%s 主体清单待确认（一月一动态）;", month);
	listed(&jt, &sb);
	snprintf(want, sizeof(want), "task_due:T-LATE T-LATE;task_due:T-NEAR T-NEAR;%s", confirm);
	assert_string_equal(sb.buf, want);
	listed(&sj, &sb);
	snprintf(want, sizeof(want), "task_due:T-SJ T-SJ;%s", confirm);
	assert_string_equal(sb.buf, want);
	listed(&admin, &sb);
	assert_string_equal(sb.buf, "");
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list, setup, teardown),
	};
	int failed;

	if (engines_init("todos"))
		return 1;
	todos_observe_writes(); /* as the server does */
	failed = ENGINES_RUN(tests);
	engines_end();
	return failed ? 1 : 0;
}
