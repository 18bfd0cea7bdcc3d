/*
 * test_ranking: unit tests of the points of a rate kind of the ranking
 * (src/assess/ranking.c, ranking_rate_points): points in tenths, full at
 * or above the target and in proportion below it, points × rate without a
 * target, rounded half up, full points for an empty set.  Every expected
 * value is worked out here by hand or by a long division of this file's
 * own (tenths = floor(x) or floor(x) + 1 by comparing x's remainder with
 * its half), not by the formula under test.  Not a test of the counts
 * (tests/api/ranking.test.mjs).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "assess/ranking.h"

static void test_examples(void **state)
{
	(void)state;
	/* 创建达标率 40 points, target 90 %: 45/47 = 95.7 % ≥ 90 % → 40.0 */
	assert_int_equal(ranking_rate_points(40, 90, 45, 47), 400);
	/* exactly at the target: full points */
	assert_int_equal(ranking_rate_points(40, 90, 9, 10), 400);
	/* 2/3 = 66.7 % < 90 %: 40 × 66.67 / 90 = 29.63 → 29.6 */
	assert_int_equal(ranking_rate_points(40, 90, 2, 3), 296);
	/* 1/2 below 90 %: 40 × 50 / 90 = 22.22 → 22.2 */
	assert_int_equal(ranking_rate_points(40, 90, 1, 2), 222);
	/* no target: 20 × 1/2 = 10.0; 20 × 2/3 = 13.33 → 13.3; 20 × 1/3 = 6.67 → 6.7 */
	assert_int_equal(ranking_rate_points(20, 0, 1, 2), 100);
	assert_int_equal(ranking_rate_points(20, 0, 2, 3), 133);
	assert_int_equal(ranking_rate_points(20, 0, 1, 3), 67);
	assert_int_equal(ranking_rate_points(20, -1, 1, 3), 67);
	/* none and all */
	assert_int_equal(ranking_rate_points(20, 0, 0, 7), 0);
	assert_int_equal(ranking_rate_points(20, 0, 7, 7), 200);
	assert_int_equal(ranking_rate_points(40, 90, 0, 5), 0);
	/* an empty set: nothing was due, nothing late */
	assert_int_equal(ranking_rate_points(20, 0, 0, 0), 200);
	assert_int_equal(ranking_rate_points(40, 90, 0, 0), 400);
}

static void test_half_up(void **state)
{
	(void)state;
	/* 1 × 1/4 = 0.25 → 0.3 (half up); 1 × 3/4 = 0.75 → 0.8; 1 × 1/20 = 0.05 → 0.1 */
	assert_int_equal(ranking_rate_points(1, 0, 1, 4), 3);
	assert_int_equal(ranking_rate_points(1, 0, 3, 4), 8);
	assert_int_equal(ranking_rate_points(1, 0, 1, 20), 1);
	/* just below the half: 1 × 1/21 = 0.0476 → 0.0 */
	assert_int_equal(ranking_rate_points(1, 0, 1, 21), 0);
	/* target 80: 10 × (1/2) / 0.8 = 6.25 → 6.3 */
	assert_int_equal(ranking_rate_points(10, 80, 1, 2), 63);
}

/* tenths of points × num/den, by long division here: quotient, and the remainder against its half */
static int64_t expect(int64_t points, int64_t num, int64_t den)
{
	int64_t a = points * 10 * num, q = a / den, r = a % den;

	return 2 * r >= den ? q + 1 : q;
}

static void test_sweep(void **state)
{
	int64_t p, n, d;

	(void)state;
	for (p = 0; p <= 50; p += 5)
		for (d = 1; d <= 60; d++)
			for (n = 0; n <= d; n++) {
				assert_int_equal(ranking_rate_points(p, 0, n, d), expect(p, n, d));
				/* target 100: points × rate as well */
				assert_int_equal(ranking_rate_points(p, 100, n, d), expect(p, n, d));
			}
	/* large counts do not overflow */
	assert_int_equal(ranking_rate_points(1000, 0, 999999999999LL, 1000000000000LL), 10000);
	assert_int_equal(ranking_rate_points(1000, 99, 1, 3000000000LL), 0);
	assert_int_equal(ranking_rate_points(1000, 99, 4000000000000000000LL, 5000000000000000000LL), 8081);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_half_up),
		cmocka_unit_test(test_sweep),
	};

	return cmocka_run_group_tests_name("ranking", tests, NULL, NULL);
}
