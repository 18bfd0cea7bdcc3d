/*
 * test_confirm: unit tests of the monthly confirmation of the subjects'
 * list (src/model/confirm.c) below the HTTP API: confirm_pending(), which
 * the to-do list asks, before and after a unit confirms, for each kind of
 * actor; confirm_unit()'s refusals; and the counts confirm_list() gives
 * the office for a small district built through the model.  The API's own
 * test is tests/api/confirm.test.mjs.  Every test runs on a fresh SQLite
 * file and, when SANLING_TEST_PG holds a postgresql:// URL, on a
 * PostgreSQL schema of its own as well.
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
#include "db/db.h"
#include "model/confirm.h"
#include "model/role.h"

#include "engines.h"

static struct db *g_db;

#define MONTH "2025-06"
#define PREV "2025-05"
#define T1 "330101001"
#define T2 "330101002"

static void load_district(void)
{
	static const char *const regions[][4] = {
		{ "330101", "上城区", "district", NULL },
		{ T1, "清波街道", "township", "330101" },
		{ T2, "湖滨街道", "township", "330101" },
	};
	static const char *const depts[][4] = {
		{ "JT", "教育局", "supervisor", "330101" },
		{ "SJ", "市场监管局", "supervisor", "330101" },
		{ "QB", "清波街道办", "township", T1 },
	};
	/* code, township, supervisor, from, to */
	static const char *const subjects[][5] = {
		{ "A1", T1, "JT", "2025-01", NULL },	/* on the list all along */
		{ "A2", T1, "JT", MONTH, NULL },	/* added in June */
		{ "A3", T2, "SJ", "2025-01", MONTH },	/* closed in June */
		{ "A4", T2, "SJ", "2025-07", NULL },	/* not yet on the list */
	};
	size_t i;

	for (i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
		json_t *r = json_pack("{ss ss ss}", "code", regions[i][0], "name", regions[i][1],
				      "level", regions[i][2]);
		if (regions[i][3])
			json_object_set_new(r, "parent", json_string(regions[i][3]));
		engines_create(g_db, "regions", r);
	}
	for (i = 0; i < sizeof(depts) / sizeof(depts[0]); i++)
		engines_create(g_db, "departments",
			       json_pack("{ss ss ss ss}", "code", depts[i][0], "name", depts[i][1],
					 "roles", depts[i][2], "region", depts[i][3]));
	for (i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++) {
		json_t *o = json_pack("{ss ss ss ss ss ss ss}", "code", subjects[i][0], "name",
				      subjects[i][0], "kind", "enterprise", "category", "restaurant",
				      "township", subjects[i][1], "supervisor", subjects[i][2],
				      "active_from", subjects[i][3]);
		if (subjects[i][4])
			json_object_set_new(o, "active_to", json_string(subjects[i][4]));
		engines_create(g_db, "subjects", o);
	}
}

static struct actor mk_actor(enum role role, const char *dept, const char *township)
{
	struct actor a;

	memset(&a, 0, sizeof(a));
	a.user_id = 1000 + (int64_t)role;
	a.username = role_code(role);
	a.role = role;
	a.dept = dept;
	a.district = "330101";
	a.township = township;
	a.source = "10.1.2.3";
	return a;
}

static int setup(void **state)
{
	g_db = engines_open();
	load_district();
	return 0;
}

static int teardown(void **state)
{
	if (g_db)
		db_close(g_db);
	g_db = NULL;
	return 0;
}

static int pending(const struct actor *a, const char *month)
{
	struct model_error e;
	int ret;

	model_error_init(&e);
	ret = confirm_pending(g_db, a, month, &e);
	model_error_release(&e);
	return ret;
}

static int confirm(const struct actor *a, const char *month)
{
	struct model_error e;
	json_t *out = NULL;
	int ret;

	model_error_init(&e);
	ret = confirm_unit(g_db, a, month, &out, &e);
	if (!ret) {
		assert_true(json_is_true(json_object_get(out, "confirmed")));
		assert_string_equal(json_string_value(json_object_get(out, "confirmed_by")), a->username);
	} else {
		assert_null(out);
		assert_true(e.msg.len > 0);
	}
	json_decref(out);
	model_error_release(&e);
	return ret;
}

/* confirm_pending: 1 until the unit has confirmed the month, then 0; 0 for who confirms nothing */
static void test_pending(void **state)
{
	struct actor town = mk_actor(ROLE_TOWNSHIP, "QB", T1), other = mk_actor(ROLE_TOWNSHIP, NULL, T2);
	struct actor edu = mk_actor(ROLE_SUPERVISOR, "JT", NULL);
	struct actor notsup = mk_actor(ROLE_SUPERVISOR, "QB", NULL); /* a township's government */
	struct actor office = mk_actor(ROLE_OFFICE, NULL, NULL), grid = mk_actor(ROLE_GRID, NULL, T1);
	char now[MONTH_BUFSZ];

	month_now(now);
	assert_int_equal(pending(&town, MONTH), 1);
	assert_int_equal(pending(&edu, MONTH), 1);
	assert_int_equal(pending(&town, NULL), 1);
	assert_int_equal(confirm(&town, MONTH), 0);
	assert_int_equal(pending(&town, MONTH), 0);
	assert_int_equal(pending(&town, PREV), 1); /* another month is still to confirm */
	assert_int_equal(pending(&other, MONTH), 1); /* another township */
	assert_int_equal(pending(&edu, MONTH), 1);
	assert_int_equal(confirm(&edu, MONTH), 0);
	assert_int_equal(pending(&edu, MONTH), 0);
	/* this month, by default */
	assert_int_equal(confirm(&town, now), 0);
	assert_int_equal(pending(&town, NULL), 0);
	/* who confirms nothing has nothing pending */
	assert_int_equal(pending(&notsup, MONTH), 0);
	assert_int_equal(pending(&office, MONTH), 0);
	assert_int_equal(pending(&grid, MONTH), 0);
	assert_int_equal(confirm_pending(g_db, &grid, MONTH, NULL), 0);
	assert_int_equal(confirm_pending(g_db, &edu, PREV, NULL), 1);
}

static void test_refusals(void **state)
{
	struct actor town = mk_actor(ROLE_TOWNSHIP, "QB", T1), office = mk_actor(ROLE_OFFICE, NULL, NULL);
	struct actor notsup = mk_actor(ROLE_SUPERVISOR, "QB", NULL), petition = mk_actor(ROLE_PETITION, "XF", NULL);
	char next[MONTH_BUFSZ], now[MONTH_BUFSZ];

	month_now(now);
	month_add(now, 1, next);
	assert_int_equal(confirm(&office, MONTH), MODEL_EFORBIDDEN);
	assert_int_equal(confirm(&petition, MONTH), MODEL_EFORBIDDEN);
	assert_int_equal(confirm(&notsup, MONTH), MODEL_EFORBIDDEN);
	assert_int_equal(confirm(&town, next), MODEL_EINVAL);
	assert_int_equal(confirm(&town, "2025-13"), MODEL_EINVAL);
	assert_int_equal(confirm(&town, NULL), MODEL_EINVAL);
	assert_int_equal(pending(&town, MONTH), 1); /* nothing stored by a refusal */
	assert_int_equal(confirm(&town, MONTH), 0);
	assert_int_equal(confirm(&town, MONTH), MODEL_ECONFLICT);
	assert_int_equal(pending(&town, MONTH), 0);
}

/* The office's view of June: the four units, each counted by confirm.h's definitions. */
static void test_counts(void **state)
{
	static const struct { const char *unit; int subjects, added, changed, closed; } want[] = {
		{ "JT", 2, 1, 0, 0 }, { "SJ", 0, 0, 0, 1 }, { T1, 2, 1, 0, 0 }, { T2, 0, 0, 0, 1 },
	};
	struct actor office = mk_actor(ROLE_OFFICE, NULL, NULL), town = mk_actor(ROLE_TOWNSHIP, "QB", T1);
	struct model_error e;
	json_t *out = NULL, *items;
	size_t i;

	assert_int_equal(confirm(&town, MONTH), 0);
	model_error_init(&e);
	assert_int_equal(confirm_list(g_db, &office, MONTH, &out, &e), 0);
	items = json_object_get(out, "items");
	assert_int_equal(json_array_size(items), 4);
	assert_int_equal(json_integer_value(json_object_get(out, "unconfirmed")), 3);
	for (i = 0; i < 4; i++) {
		json_t *it = json_array_get(items, i);
		assert_string_equal(json_string_value(json_object_get(it, "unit")), want[i].unit);
		assert_int_equal(json_integer_value(json_object_get(it, "subjects")), want[i].subjects);
		assert_int_equal(json_integer_value(json_object_get(it, "added")), want[i].added);
		assert_int_equal(json_integer_value(json_object_get(it, "changed")), want[i].changed);
		assert_int_equal(json_integer_value(json_object_get(it, "closed")), want[i].closed);
		assert_int_equal(json_is_true(json_object_get(it, "confirmed")), i == 2);
	}
	json_decref(out);
	model_error_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
	};
	int failed;

	if (engines_init("confirm"))
		return 1;
	failed = ENGINES_RUN(tests);
	engines_end();
	return failed ? 1 : 0;
}
