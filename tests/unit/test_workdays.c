/*
 * test_workdays: unit tests of the work calendar shipped by migration 013
 * and of the working-day arithmetic on it (src/model/workdays.c).
 *
 *  - the calendar: a handful of facts of the State Council's notices for
 *    2023 to 2026 (holidays, make-up working days), every make-up day a
 *    Saturday or Sunday, every year's holiday count, 2027 marked
 *    provisional;
 *  - workdays_add and workdays_between against a plain count written here
 *    (a weekday, unless the test's own list of rows says otherwise) over
 *    every start day of 2023 and a spread of lengths, and the two against
 *    each other; an edit of the calendar seen at once; bad input refused.
 *
 * Every test runs on a fresh SQLite file and, when SANLING_TEST_PG holds a
 * postgresql:// URL, on a PostgreSQL schema of its own as well.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "model/workdays.h"

#include "engines.h"

static struct db *g_db;

static int setup_db(void **state)
{
	g_db = engines_open();
	return 0;
}

static int teardown_db(void **state)
{
	db_close(g_db);
	g_db = NULL;
	return 0;
}

static char *q1(const char *sql, const char *param)
{
	const char *params[] = { param };
	struct strbuf err = STRBUF_INIT;
	char *v = NULL;

	if (db_query_value(g_db, sql, params, param ? 1 : 0, &v, &err))
		fail_msg("%s: %s", sql, err.buf);
	strbuf_release(&err);
	return v;
}

/* The kind of `day` in the calendar: "holiday", "workday" or "" (no row). */
static void assert_kind(const char *day, const char *want)
{
	char *v = q1("SELECT kind FROM work_calendar WHERE day = ?", day);

	if (strcmp(v ? v : "", want))
		fail_msg("%s: %s, want %s", day, v ? v : "(no row)", want);
	free(v);
}

static int weekday(const char *day)
{
	return (int)(((date_days(day) + 3) % 7 + 7) % 7); /* 0 Monday .. 6 Sunday */
}

static void test_calendar_facts(void **state)
{
	static const char *const holidays[] = {
		"2023-01-02", "2023-01-21", "2023-01-27", "2023-04-05", "2023-04-29", "2023-05-03",
		"2023-06-22", "2023-06-23", "2023-09-29", "2023-10-02", "2023-10-06",
		"2024-01-01", "2024-02-10", "2024-02-17", "2024-04-04", "2024-05-01", "2024-05-03",
		"2024-06-10", "2024-09-16", "2024-09-17", "2024-10-01", "2024-10-07",
		"2025-01-01", "2025-01-28", "2025-02-04", "2025-04-04", "2025-05-05", "2025-06-02",
		"2025-10-01", "2025-10-08",
		"2026-01-02", "2026-02-16", "2026-02-23", "2026-04-06", "2026-05-05", "2026-06-19",
		"2026-09-25", "2026-10-07",
		"2027-01-01", "2027-02-05", "2027-02-08", "2027-04-05", "2027-05-01", "2027-06-09",
		"2027-09-15", "2027-10-01",
	};
	static const char *const workdays[] = {
		"2023-01-28", "2023-01-29", "2023-04-23", "2023-05-06", "2023-06-25", "2023-10-07",
		"2023-10-08", "2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11",
		"2024-09-14", "2024-09-29", "2024-10-12", "2025-01-26", "2025-02-08", "2025-04-27",
		"2025-09-28", "2025-10-11", "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09",
		"2026-09-20", "2026-10-10",
	};
	/* ordinary days: no row */
	static const char *const plain[] = { "2023-02-01", "2023-10-09", "2024-02-09", "2025-09-29" };
	struct strbuf err = STRBUF_INIT;
	struct db_stmt *st;
	size_t i;
	int rc, n = 0;
	char *v;

	for (i = 0; i < sizeof(holidays) / sizeof(holidays[0]); i++)
		assert_kind(holidays[i], "holiday");
	for (i = 0; i < sizeof(workdays) / sizeof(workdays[0]); i++)
		assert_kind(workdays[i], "workday");
	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		assert_kind(plain[i], "");
	/* a make-up working day is a Saturday or a Sunday; a holiday named */
	assert_int_equal(db_prepare(g_db, "SELECT day, kind, name FROM work_calendar ORDER BY day",
				    &st, &err), 0);
	while ((rc = db_step(st, &err)) == DB_ROW) {
		const char *day = db_column_text(st, 0);
		if (!strcmp(db_column_text(st, 1), "workday") && weekday(day) < 5)
			fail_msg("%s: a make-up working day on a weekday", day);
		assert_false(db_column_is_null(st, 2));
		if (!strncmp(day, "2027", 4))
			assert_non_null(strstr(db_column_text(st, 2), "暂定"));
		n++;
	}
	db_finalize(st);
	assert_int_equal(rc, DB_DONE);
	assert_int_equal(n, 159);
	/*
	 * 2023: 元旦 2, 春节 7, 清明 1, 劳动节 5, 端午 3, 中秋国庆 8 and the
	 * 2024 元旦's 12-30 and 12-31: 28 holiday rows; 7 make-up days
	 */
	v = q1("SELECT COUNT(*) FROM work_calendar WHERE day LIKE '2023%' AND kind = 'holiday'", NULL);
	assert_string_equal(v, "28");
	free(v);
	v = q1("SELECT COUNT(*) FROM work_calendar WHERE day LIKE '2023%' AND kind = 'workday'", NULL);
	assert_string_equal(v, "7");
	free(v);
	strbuf_release(&err);
}

/* ---- the arithmetic against a plain count ---- */

struct row {
	int64_t day;
	int holiday;
};
static struct row *g_rows;
static size_t g_nrows;

static void load_rows(void)
{
	struct strbuf err = STRBUF_INIT;
	struct db_stmt *st;

	free(g_rows);
	g_rows = NULL;
	g_nrows = 0;
	assert_int_equal(db_prepare(g_db, "SELECT day, kind FROM work_calendar", &st, &err), 0);
	while (db_step(st, &err) == DB_ROW) {
		g_rows = realloc(g_rows, (g_nrows + 1) * sizeof(*g_rows));
		g_rows[g_nrows].day = date_days(db_column_text(st, 0));
		g_rows[g_nrows++].holiday = !strcmp(db_column_text(st, 1), "holiday");
	}
	db_finalize(st);
	strbuf_release(&err);
}

static int plain_working(int64_t d)
{
	size_t i;

	for (i = 0; i < g_nrows; i++)
		if (g_rows[i].day == d)
			return !g_rows[i].holiday;
	return ((d + 3) % 7 + 7) % 7 < 5;
}

static void check_against_plain(const char *first, int ndays, const int *lens, size_t nlens)
{
	int64_t start = date_days(first), d;
	int k;
	size_t j;

	load_rows();
	for (k = 0; k < ndays; k++) {
		char from[DATE_BUFSZ], out[DATE_BUFSZ], want[DATE_BUFSZ];

		date_from_days(start + k, from);
		for (j = 0; j < nlens; j++) {
			int left = lens[j];
			for (d = start + k; left > 0;)
				left -= plain_working(++d);
			date_from_days(d, want);
			assert_int_equal(workdays_add(g_db, from, lens[j], out), 0);
			if (strcmp(out, want))
				fail_msg("%s + %d working days: %s, want %s", from, lens[j], out, want);
			assert_int_equal(workdays_between(g_db, from, out), lens[j]);
		}
	}
}

static void test_add_between(void **state)
{
	static const int lens[] = { 0, 1, 2, 3, 5, 10, 22 };
	char out[DATE_BUFSZ];

	/* known answers: the National Day week of 2023, and the Spring Festival of 2026 */
	assert_int_equal(workdays_add(g_db, "2023-09-28", 1, out), 0);
	assert_string_equal(out, "2023-10-07"); /* a make-up Saturday */
	assert_int_equal(workdays_add(g_db, "2023-09-27", 5, out), 0);
	assert_string_equal(out, "2023-10-10");
	assert_int_equal(workdays_between(g_db, "2023-09-27", "2023-10-10"), 5);
	assert_int_equal(workdays_add(g_db, "2026-02-13", 1, out), 0);
	assert_string_equal(out, "2026-02-14");
	assert_int_equal(workdays_add(g_db, "2026-02-14", 1, out), 0);
	assert_string_equal(out, "2026-02-24");
	assert_int_equal(workdays_add(g_db, "2023-03-03", 0, out), 0);
	assert_string_equal(out, "2023-03-03");
	assert_int_equal(workdays_between(g_db, "2023-03-03", "2023-03-06"), 1); /* Fri to Mon */
	assert_int_equal(workdays_between(g_db, "2023-03-06", "2023-03-03"), 0);
	assert_int_equal(workdays_is_working(g_db, "2023-01-28"), 1);
	assert_int_equal(workdays_is_working(g_db, "2023-10-02"), 0);
	assert_int_equal(workdays_is_working(g_db, "2023-03-04"), 0);
	assert_int_equal(workdays_is_working(g_db, "2026-02-14"), 1);
	/* every start day of 2023 and the turn of 2025/2026, against the plain count */
	check_against_plain("2022-12-25", 380, lens, sizeof(lens) / sizeof(lens[0]));
	check_against_plain("2025-12-20", 80, lens, sizeof(lens) / sizeof(lens[0]));
	/* bad input */
	assert_int_equal(workdays_add(g_db, "2023-02-30", 1, out), -1);
	assert_string_equal(out, "");
	assert_int_equal(workdays_add(g_db, "2023-02-01", -1, out), -1);
	assert_int_equal(workdays_between(g_db, "x", "2023-02-01"), -1);
	free(g_rows);
	g_rows = NULL;
}

static void test_calendar_edit(void **state)
{
	static const int lens[] = { 1, 4, 9 };
	char out[DATE_BUFSZ];

	/* a Friday made a holiday, a Saturday made a working day: seen at once */
	assert_int_equal(workdays_add(g_db, "2023-03-02", 1, out), 0);
	assert_string_equal(out, "2023-03-03");
	engines_exec(g_db, "INSERT INTO work_calendar (day, kind, name, created_at, updated_at) "
			   "VALUES ('2023-03-03', 'holiday', '测试', 0, 0), "
			   "('2023-03-04', 'workday', '测试', 0, 0)");
	assert_int_equal(workdays_add(g_db, "2023-03-02", 1, out), 0);
	assert_string_equal(out, "2023-03-04");
	assert_int_equal(workdays_between(g_db, "2023-03-01", "2023-03-06"), 3);
	check_against_plain("2023-02-20", 30, lens, sizeof(lens) / sizeof(lens[0]));
	free(g_rows);
	g_rows = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_calendar_facts, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_add_between, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_calendar_edit, setup_db, teardown_db),
	};
	int failed;

	if (engines_init("workdays"))
		return 1;
	failed = ENGINES_RUN(tests);
	engines_end();
	return failed ? 1 : 0;
}
