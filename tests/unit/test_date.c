/*
 * test_date: unit tests of src/base/date.c: strict ISO dates and months,
 * leap years, day arithmetic over the whole supported range, and the
 * refusals at its edges; today is China's day whatever the time zone says.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <limits.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "base/date.h"

static void test_leap_and_month_length(void **state)
{
	assert_true(date_is_leap(2024));
	assert_true(date_is_leap(2000));
	assert_false(date_is_leap(1900));
	assert_false(date_is_leap(2100));
	assert_false(date_is_leap(2023));
	assert_int_equal(date_days_in_month(2024, 2), 29);
	assert_int_equal(date_days_in_month(2023, 2), 28);
	assert_int_equal(date_days_in_month(1900, 2), 28);
	assert_int_equal(date_days_in_month(2026, 4), 30);
	assert_int_equal(date_days_in_month(2026, 12), 31);
	assert_int_equal(date_days_in_month(2026, 0), 0);
	assert_int_equal(date_days_in_month(2026, 13), 0);
}

static void test_date_valid_accepts(void **state)
{
	static const char *const ok[] = {
		"2024-02-29", "2000-02-29", "1970-01-01", "0001-01-01",
		"9999-12-31", "2026-11-30", "2026-12-31", "2023-02-28",
		"2026-04-30",
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_true(date_valid(ok[i]));
}

static void test_date_valid_refuses(void **state)
{
	static const char *const bad[] = {
		"2024-02-30", "1900-02-29", "2023-02-29", "2100-02-29",
		"0000-01-01", "2026-13-01", "2026-00-10", "2026-01-00",
		"2026-04-31", "2026-01-32", "2026-1-01", "2026-01-1",
		"2026/01/01", " 2026-01-01", "2026-01-01 ", "2026-01-01T",
		"+026-01-01", "-026-01-01", "2026-0a-01", "20260101", "",
		"2026-01", "2026-01-01\n", "１２３４-01-01",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (date_valid(bad[i]))
			fail_msg("accepted \"%s\"", bad[i]);
	}
	assert_false(date_valid(NULL));
}

static void test_month_valid(void **state)
{
	int y = -1, m = -1;

	assert_true(month_valid("2026-11"));
	assert_true(month_valid("0001-01"));
	assert_true(month_valid("9999-12"));
	assert_false(month_valid("2026-13"));
	assert_false(month_valid("2026-00"));
	assert_false(month_valid("2026-1"));
	assert_false(month_valid("0000-01"));
	assert_false(month_valid("2026-11-01"));
	assert_false(month_valid("2026_11"));
	assert_false(month_valid("202611"));
	assert_false(month_valid(""));
	assert_false(month_valid(NULL));

	assert_int_equal(month_parse("2026-11", &y, &m), 0);
	assert_int_equal(y, 2026);
	assert_int_equal(m, 11);
	assert_int_equal(month_parse("2026-13", &y, &m), -1);
	assert_int_equal(y, 2026);
	assert_int_equal(m, 11);
}

static void test_date_parse(void **state)
{
	int y = 0, m = 0, d = 0;

	assert_int_equal(date_parse("2024-02-29", &y, &m, &d), 0);
	assert_int_equal(y, 2024);
	assert_int_equal(m, 2);
	assert_int_equal(d, 29);
	assert_int_equal(date_parse("0987-06-05", &y, NULL, &d), 0);
	assert_int_equal(y, 987);
	assert_int_equal(d, 5);

	y = m = d = 7;
	assert_int_equal(date_parse("2024-02-30", &y, &m, &d), -1);
	assert_int_equal(y, 7);
	assert_int_equal(m, 7);
	assert_int_equal(d, 7);
	assert_int_equal(date_parse(NULL, &y, &m, &d), -1);
}

static void test_date_days_known(void **state)
{
	/* Reference values computed independently (Python datetime). */
	assert_int_equal(date_days("1970-01-01"), 0);
	assert_int_equal(date_days("1970-01-02"), 1);
	assert_int_equal(date_days("1969-12-31"), -1);
	assert_int_equal(date_days("2000-03-01"), 11017);
	assert_int_equal(date_days("2024-02-29"), 19782);
	assert_int_equal(date_days("2026-11-29"), 20786);
	assert_int_equal(date_days("0001-01-01"), -719162);
	assert_int_equal(date_days("9999-12-31"), 2932896);
	assert_true(date_days("2024-02-30") == DATE_DAYS_INVALID);
	assert_true(date_days(NULL) == DATE_DAYS_INVALID);
	/* Deadlines are subtraction. */
	assert_int_equal(date_days("2025-03-01") - date_days("2025-02-01"), 28);
	assert_int_equal(date_days("2024-03-01") - date_days("2024-02-01"), 29);
}

/* Every day of 0001..9999 converts both ways, in order, without a gap. */
static void test_date_roundtrip_whole_range(void **state)
{
	char cur[DATE_BUFSZ], prev[DATE_BUFSZ] = "";
	int64_t n;

	for (n = -719162; n <= 2932896; n++) {
		assert_int_equal(date_from_days(n, cur), 0);
		if (!date_valid(cur) || date_days(cur) != n)
			fail_msg("day %lld gave \"%s\"", (long long)n, cur);
		if (strcmp(prev, cur) >= 0)
			fail_msg("\"%s\" does not follow \"%s\"", cur, prev);
		memcpy(prev, cur, sizeof(cur));
	}
	assert_string_equal(prev, "9999-12-31");
	strcpy(cur, "x");
	assert_int_equal(date_from_days(2932897, cur), -1);
	assert_string_equal(cur, "");
	strcpy(cur, "x");
	assert_int_equal(date_from_days(-719163, cur), -1);
	assert_string_equal(cur, "");
	assert_int_equal(date_from_days(INT64_MAX, cur), -1);
	assert_int_equal(date_from_days(INT64_MIN, cur), -1);
}

static void test_date_add_days(void **state)
{
	char out[DATE_BUFSZ];

	assert_int_equal(date_add_days("2024-02-28", 1, out), 0);
	assert_string_equal(out, "2024-02-29");
	assert_int_equal(date_add_days("2024-02-28", 2, out), 0);
	assert_string_equal(out, "2024-03-01");
	assert_int_equal(date_add_days("2023-02-28", 1, out), 0);
	assert_string_equal(out, "2023-03-01");
	assert_int_equal(date_add_days("2023-12-31", 1, out), 0);
	assert_string_equal(out, "2024-01-01");
	assert_int_equal(date_add_days("2026-03-01", -1, out), 0);
	assert_string_equal(out, "2026-02-28");
	assert_int_equal(date_add_days("2026-11-29", 0, out), 0);
	assert_string_equal(out, "2026-11-29");
	assert_int_equal(date_add_days("2026-11-29", 30, out), 0);
	assert_string_equal(out, "2026-12-29");

	assert_int_equal(date_add_days("9999-12-31", 1, out), -1);
	assert_string_equal(out, "");
	assert_int_equal(date_add_days("0001-01-01", -1, out), -1);
	assert_string_equal(out, "");
	assert_int_equal(date_add_days("2026-02-29", 1, out), -1);
	assert_string_equal(out, "");
	assert_int_equal(date_add_days("2026-01-01", INT_MAX, out), -1);
	assert_int_equal(date_add_days("2026-01-01", INT_MIN, out), -1);
}

static void test_month_of_date_and_add(void **state)
{
	char out[MONTH_BUFSZ];

	assert_int_equal(month_of_date("2026-11-29", out), 0);
	assert_string_equal(out, "2026-11");
	assert_int_equal(month_of_date("2026-11-31", out), -1);
	assert_string_equal(out, "");
	assert_int_equal(month_of_date("2026-11", out), -1);

	assert_int_equal(month_add("2026-11", 2, out), 0);
	assert_string_equal(out, "2027-01");
	assert_int_equal(month_add("2026-01", -1, out), 0);
	assert_string_equal(out, "2025-12");
	assert_int_equal(month_add("2026-01", -13, out), 0);
	assert_string_equal(out, "2024-12");
	assert_int_equal(month_add("2026-12", 0, out), 0);
	assert_string_equal(out, "2026-12");
	assert_int_equal(month_add("2026-12", 12, out), 0);
	assert_string_equal(out, "2027-12");
	assert_int_equal(month_add("9999-11", 1, out), 0);
	assert_string_equal(out, "9999-12");

	assert_int_equal(month_add("9999-12", 1, out), -1);
	assert_string_equal(out, "");
	assert_int_equal(month_add("0001-01", -1, out), -1);
	assert_int_equal(month_add("2026-01", INT_MAX, out), -1);
	assert_int_equal(month_add("2026-01", INT_MIN, out), -1);
	assert_int_equal(month_add("2026-13", 1, out), -1);
	assert_int_equal(month_add(NULL, 1, out), -1);
}

static void test_time_iso_utc(void **state)
{
	char out[TIME_ISO_BUFSZ];

	assert_int_equal(time_iso_utc(0, out), 0);
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	assert_int_equal(time_iso_utc(1795946400, out), 0);
	assert_string_equal(out, "2026-11-29T10:00:00Z");
	assert_int_equal(time_iso_utc(951868799, out), 0);
	assert_string_equal(out, "2000-02-29T23:59:59Z");
	assert_int_equal(time_iso_utc(-1, out), 0);
	assert_string_equal(out, "1969-12-31T23:59:59Z");
	assert_int_equal(time_iso_utc(-86400, out), 0);
	assert_string_equal(out, "1969-12-31T00:00:00Z");
	assert_int_equal(time_iso_utc(253402300799LL, out), 0);
	assert_string_equal(out, "9999-12-31T23:59:59Z");
	assert_int_equal(time_iso_utc(253402300800LL, out), -1);
	assert_string_equal(out, "");
	assert_int_equal(time_iso_utc(INT64_MAX, out), -1);
	assert_int_equal(time_iso_utc(INT64_MIN, out), -1);
}

static void test_now(void **state)
{
	char today[DATE_BUFSZ], month[MONTH_BUFSZ], before[DATE_BUFSZ],
	     after[DATE_BUFSZ], day[DATE_BUFSZ];
	time_t t0, t1;
	int minutes;
	struct tm tm;
	int64_t now;

	/* China's day: UTC shifted by eight hours, whatever TZ says */
	setenv("TZ", "America/Los_Angeles", 1);
	tzset();
	t0 = time(NULL);
	t0 += 8 * 3600;
	gmtime_r(&t0, &tm);
	strftime(before, sizeof(before), "%Y-%m-%d", &tm);
	t0 -= 8 * 3600;
	date_today(today);
	month_now(month);
	date_now_china(day, &minutes);
	now = time_now();
	t1 = time(NULL) + 8 * 3600;
	gmtime_r(&t1, &tm);
	t1 -= 8 * 3600;
	strftime(after, sizeof(after), "%Y-%m-%d", &tm);

	assert_true(now >= (int64_t)t0 && now <= (int64_t)t1);
	assert_true(date_valid(today));
	assert_true(!strcmp(today, before) || !strcmp(today, after));
	assert_true(month_valid(month));
	assert_true(!strncmp(month, before, 7) || !strncmp(month, after, 7));
	assert_true(!strcmp(day, before) || !strcmp(day, after));
	assert_true(minutes >= 0 && minutes < 24 * 60);
}

/* A day in China ends at 16:00 UTC: both sides of that second, and across a year's end. */
static void test_china_day(void **state)
{
	struct tm tm = { .tm_year = 2023 - 1900, .tm_mon = 5, .tm_mday = 5, .tm_hour = 15,
			 .tm_min = 59, .tm_sec = 59 };
	time_t last = timegm(&tm);
	char day[DATE_BUFSZ];

	(void)state;
	assert_int_equal(date_end_china("2023-06-05"), (int64_t)last);
	date_of_time_china(last, day);
	assert_string_equal(day, "2023-06-05");
	date_of_time_china(last + 1, day);
	assert_string_equal(day, "2023-06-06");
	date_of_time_china(last - 86400 + 1, day); /* 2023-06-05 00:00:00 in China */
	assert_string_equal(day, "2023-06-05");
	date_of_time_china(last - 86400, day);
	assert_string_equal(day, "2023-06-04");
	tm = (struct tm){ .tm_year = 2023 - 1900, .tm_mon = 11, .tm_mday = 31, .tm_hour = 16 };
	date_of_time_china(timegm(&tm), day);
	assert_string_equal(day, "2024-01-01");
	date_of_time_china(-1, day); /* before the epoch: 1970-01-01 07:59:59 in China */
	assert_string_equal(day, "1970-01-01");
}

/* The spellings people and spreadsheets use, each to its ISO day. */
static void test_date_from_text_spellings(void **state)
{
	static const char *const ok[][2] = {
		{ "2023-08-21", "2023-08-21" }, { "2023/8/21", "2023-08-21" },
		{ "2023/08/21", "2023-08-21" }, { "2023.8.21", "2023-08-21" },
		{ "2023-8-1", "2023-08-01" }, { "2023年8月21日", "2023-08-21" },
		{ "2023年08月21", "2023-08-21" }, { "20230821", "2023-08-21" },
		{ "2024/2/29", "2024-02-29" },
		/* Excel's serial days: 25569 is 1970-01-01, 45159 2023-08-21 */
		{ "25569", "1970-01-01" }, { "45159", "2023-08-21" }, { "45159.75", "2023-08-21" },
		{ "45292", "2024-01-01" },
		/* a date-time cell: the day */
		{ "2023-08-21 10:30:00", "2023-08-21" }, { "2023/8/21 9:05", "2023-08-21" },
	};
	char out[DATE_BUFSZ];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(date_from_text(ok[i][0], out), 0);
		assert_string_equal(out, ok[i][1]);
	}
}

static void test_date_from_text_refuses(void **state)
{
	static const char *const bad[] = {
		"2023/2/30", "2023-13-01", "2023-00-10", "2023/8-21", "2023.8/21", "2023年8月32日",
		"20230230", "2023", "2023-08", "45159x", "4515", "451590", "2023/8/21 ", " 2023/8/21",
		"2023//21", "2023/123/1", "二〇二三年八月", "", "0000-01-01", "1900/2/29",
		"2023-08-21 24:00", "2023-08-21 10:60", "2023-08-21 10:30:00 ", "2023-02-30 10:00",
		"2023-08-21 ", "2023-08-21 abc",
	};
	char out[DATE_BUFSZ];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		out[0] = 'x';
		assert_int_equal(date_from_text(bad[i], out), -1);
		assert_string_equal(out, "");
	}
	assert_int_equal(date_from_text(NULL, out), -1);
}

static void test_month_from_text(void **state)
{
	static const char *const ok[][2] = {
		{ "2023-08", "2023-08" }, { "2023/8", "2023-08" }, { "2023.8", "2023-08" },
		{ "2023年8月", "2023-08" }, { "2023年12月", "2023-12" }, { "202308", "2023-08" },
		{ "2023/8/21", "2023-08" }, { "45159", "2023-08" },
	};
	static const char *const bad[] = {
		"2023/13", "2023-0", "2023年8", "202313", "2023", "2023/8/32", "8/2023", "",
	};
	char out[MONTH_BUFSZ];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(month_from_text(ok[i][0], out), 0);
		assert_string_equal(out, ok[i][1]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(month_from_text(bad[i], out), -1);
		assert_string_equal(out, "");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leap_and_month_length),
		cmocka_unit_test(test_date_valid_accepts),
		cmocka_unit_test(test_date_valid_refuses),
		cmocka_unit_test(test_month_valid),
		cmocka_unit_test(test_date_parse),
		cmocka_unit_test(test_date_days_known),
		cmocka_unit_test(test_date_roundtrip_whole_range),
		cmocka_unit_test(test_date_add_days),
		cmocka_unit_test(test_month_of_date_and_add),
		cmocka_unit_test(test_time_iso_utc),
		cmocka_unit_test(test_now),
		cmocka_unit_test(test_china_day),
		cmocka_unit_test(test_date_from_text_spellings),
		cmocka_unit_test(test_date_from_text_refuses),
		cmocka_unit_test(test_month_from_text),
	};

	return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
