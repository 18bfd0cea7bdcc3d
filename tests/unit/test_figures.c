/*
 * test_figures: unit tests of the integer arithmetic of the report figures
 * (src/assess/figures.c, through figures.h and figures_int.h): a share in
 * tenths of a percent rounded half away from zero (percent_tenths), a
 * figure that is null for an empty set (rate_json), the exact mean of
 * monthly shares over months with different denominators
 * (mean_share_tenths) and the 128-bit gcd it reduces by (gcd128).
 *
 * Every expected value is computed here, independently of the code under
 * test: a share by quotient and remainder, a mean by an exact fraction in
 * a small bignum of this file's own (no reduction, no 128-bit integers),
 * whose rounding at the half is decided by comparing integers.  Not a test
 * of the figures' counts (the cells) nor of the database.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "assess/figures.h"
#include "assess/figures_int.h"

/* ---- an exact fraction of its own: unsigned bignums of 32-bit limbs ---- */

#define BN_LIMBS 64 /* 2048 bits: twelve denominators below 2^63, times 4000 * 12 */

struct bn {
	uint32_t d[BN_LIMBS]; /* little-endian */
};

static void bn_set(struct bn *x, uint64_t v)
{
	memset(x, 0, sizeof(*x));
	x->d[0] = (uint32_t)v;
	x->d[1] = (uint32_t)(v >> 32);
}

/* x *= m (m < 2^32) */
static void bn_mul32(struct bn *x, uint32_t m)
{
	uint64_t carry = 0;
	int i;

	for (i = 0; i < BN_LIMBS; i++) {
		uint64_t t = (uint64_t)x->d[i] * m + carry;
		x->d[i] = (uint32_t)t;
		carry = t >> 32;
	}
	if (carry)
		fail_msg("bignum overflow in the test");
}

/* x += y */
static void bn_add(struct bn *x, const struct bn *y)
{
	uint64_t carry = 0;
	int i;

	for (i = 0; i < BN_LIMBS; i++) {
		uint64_t t = (uint64_t)x->d[i] + y->d[i] + carry;
		x->d[i] = (uint32_t)t;
		carry = t >> 32;
	}
	if (carry)
		fail_msg("bignum overflow in the test");
}

/* x *= m, any 64-bit m: x * hi * 2^32 + x * lo */
static void bn_mul64(struct bn *x, uint64_t m)
{
	struct bn hi = *x;
	int i;

	bn_mul32(x, (uint32_t)m);
	bn_mul32(&hi, (uint32_t)(m >> 32));
	if (hi.d[BN_LIMBS - 1])
		fail_msg("bignum overflow in the test");
	for (i = BN_LIMBS - 1; i > 0; i--)
		hi.d[i] = hi.d[i - 1];
	hi.d[0] = 0;
	bn_add(x, &hi);
}

static int bn_cmp(const struct bn *x, const struct bn *y)
{
	int i;

	for (i = BN_LIMBS - 1; i >= 0; i--)
		if (x->d[i] != y->d[i])
			return x->d[i] < y->d[i] ? -1 : 1;
	return 0;
}

/*
 * The mean of a[i]/b[i] over the months with b[i] > 0, in tenths of a
 * percent rounded half up: with N/D the plain sum (D the product of the
 * denominators) and k the months, the largest t with
 * t * 2Dk <= 2000N + Dk.  *tie: the exact value lies on the half.
 * -1 when no month has a denominator.
 */
static int64_t exact_mean_tenths(const int64_t *a, const int64_t *b, int n, int *tie)
{
	struct bn N, D, t1, lhs, den, probe;
	int64_t lo = 0, hi = 1 << 24;
	int i, k = 0;

	bn_set(&N, 0);
	bn_set(&D, 1);
	for (i = 0; i < n; i++) {
		if (!b[i])
			continue;
		k++;
		/* N/D + a/b = (N*b + a*D) / (D*b) */
		bn_mul64(&N, (uint64_t)b[i]);
		t1 = D;
		bn_mul64(&t1, (uint64_t)a[i]);
		bn_add(&N, &t1);
		bn_mul64(&D, (uint64_t)b[i]);
	}
	if (tie)
		*tie = 0;
	if (!k)
		return -1;
	lhs = N;
	bn_mul32(&lhs, 2000);
	t1 = D;
	bn_mul32(&t1, (uint32_t)k);
	bn_add(&lhs, &t1);
	den = t1;
	bn_mul32(&den, 2);
	/* binary search: probe(t) = t * den <= lhs */
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		probe = den;
		bn_mul32(&probe, (uint32_t)mid);
		if (bn_cmp(&probe, &lhs) <= 0)
			lo = mid;
		else
			hi = mid;
	}
	if (tie) {
		probe = den;
		bn_mul32(&probe, (uint32_t)lo);
		*tie = !bn_cmp(&probe, &lhs);
	}
	return lo;
}

/* percent of num/den in tenths, half up, by quotient and remainder (1000 * num must fit) */
static int64_t qr_tenths(int64_t num, int64_t den)
{
	int64_t q = 1000 * num / den, r = 1000 * num % den;

	return q + (2 * r >= den);
}

/* A reproducible generator (xorshift64*), so that a failure can be run again. */
static uint64_t g_rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	g_rng ^= g_rng >> 12;
	g_rng ^= g_rng << 25;
	g_rng ^= g_rng >> 27;
	return g_rng * 0x2545f4914f6cdd1dULL;
}

static int64_t rnd_upto(int64_t n) /* 0..n */
{
	return (int64_t)(rnd() % (uint64_t)(n + 1));
}

/* mean_share_tenths agrees with the exact mean; *tie: that lies on the half */
static void expect_mean(const int64_t *a, const int64_t *b, int n, const char *what, int *tie)
{
	int64_t want = exact_mean_tenths(a, b, n, tie), got = mean_share_tenths(a, b, n);

	if (got != want) {
		char buf[2048];
		size_t off = 0;
		int i;

		for (i = 0; i < n && off < sizeof(buf) - 64; i++)
			off += (size_t)snprintf(buf + off, sizeof(buf) - off, " %" PRId64 "/%" PRId64,
						a[i], b[i]);
		fail_msg("%s: mean of%s is %" PRId64 " tenths, expected %" PRId64, what, buf, got,
			 want);
	}
}

/* ---- shares ---- */

/* The report's 85.7 %: 407 of 475; and the null of an empty set. */
static void test_report_share(void **state)
{
	const int64_t a[] = { 407 }, b[] = { 475 };
	int64_t want = qr_tenths(407, 475);
	json_t *j;

	assert_int_equal(percent_tenths(407, 475), want);
	assert_int_equal(exact_mean_tenths(a, b, 1, NULL), want);
	assert_int_equal(want, 857); /* the figure the report prints: 85.7 */
	/* one month's mean is its share */
	assert_int_equal(mean_share_tenths(a, b, 1), want);
	j = rate_json(407, 475);
	assert_true(json_is_real(j));
	assert_true(json_real_value(j) == (double)want / 10.0);
	json_decref(j);

	/* a share of an empty set is null, whatever its numerator */
	j = rate_json(0, 0);
	assert_true(json_is_null(j));
	json_decref(j);
	j = rate_json(3, 0);
	assert_true(json_is_null(j));
	json_decref(j);
	/* an empty set that is not empty: 0 of 5 is 0.0, not null */
	j = rate_json(0, 5);
	assert_true(json_is_real(j) && json_real_value(j) == 0.0);
	json_decref(j);
	j = rate_json(5, 5);
	assert_true(json_is_real(j) && json_real_value(j) == 100.0);
	json_decref(j);
}

/* Every share of denominators up to 2000, the halves among them rounded up. */
static void test_share_rounding(void **state)
{
	int64_t num, den, halves = 0, below = 0;

	for (den = 1; den <= 2000; den++) {
		for (num = 0; num <= den; num++) {
			int64_t got = percent_tenths(num, den), want = qr_tenths(num, den);
			int64_t r = 1000 * num % den;
			if (got != want)
				fail_msg("%" PRId64 "/%" PRId64 ": %" PRId64 " tenths, expected %" PRId64,
					 num, den, got, want);
			if (2 * r == den) {
				halves++;
				/* on the half: up, never to even */
				assert_int_equal(got, 1000 * num / den + 1);
			} else if (2 * r == den - 1) {
				below++; /* just below the half: down */
				assert_int_equal(got, 1000 * num / den);
			}
		}
	}
	/* the loop met both cases, many times */
	assert_true(halves > 100);
	assert_true(below > 100);
	/* the exact routine agrees on a few: it is the reference of the means below */
	for (den = 1; den <= 64; den++)
		for (num = 0; num <= den; num++) {
			const int64_t a[] = { num }, b[] = { den };
			assert_int_equal(exact_mean_tenths(a, b, 1, NULL), qr_tenths(num, den));
		}
}

/*
 * Large counts: percent_tenths forms 2000 * num + den in 64 bits, so it is
 * exact while that fits; here up to num = den = INT64_MAX / 4000, against
 * the exact fraction.
 */
static void test_share_large(void **state)
{
	const int64_t top = INT64_MAX / 4000;
	int i;

	for (i = 0; i < 20000; i++) {
		int64_t den = 1 + rnd_upto(top - 1), num = rnd_upto(den);
		const int64_t a[] = { num }, b[] = { den };
		int64_t want = exact_mean_tenths(a, b, 1, NULL);
		if (percent_tenths(num, den) != want)
			fail_msg("%" PRId64 "/%" PRId64 ": %" PRId64 " tenths, expected %" PRId64, num,
				 den, percent_tenths(num, den), want);
	}
	/* the half and its neighbours at the top: den = 2000 m, num = m (0.05 %) */
	{
		int64_t m = top / 2000, den = 2000 * m;
		assert_int_equal(percent_tenths(m, den), 1);         /* 0.5 tenths: up */
		assert_int_equal(percent_tenths(m - 1, den), 0);     /* just below */
		assert_int_equal(percent_tenths(3 * m, den), 2);     /* 1.5 tenths: up */
		assert_int_equal(percent_tenths(den, den), 1000);
		assert_int_equal(percent_tenths(top, top), 1000);
		assert_int_equal(percent_tenths(top - 1, top), 1000); /* 99.99…: 100.0 */
	}
}

/* ---- the mean of monthly shares ---- */

/* No month with a denominator: -1 (null); months without one are left out. */
static void test_mean_empty_months(void **state)
{
	const int64_t z[12] = { 0 };
	const int64_t a[] = { 0, 3, 0, 1 }, b[] = { 0, 4, 0, 2 };
	const int64_t a2[] = { 3, 1 }, b2[] = { 4, 2 };

	assert_int_equal(mean_share_tenths(z, z, 12), -1);
	assert_int_equal(mean_share_tenths(z, z, 0), -1);
	/* (3/4 + 1/2) / 2, the empty months not counted as 0 % */
	assert_int_equal(mean_share_tenths(a, b, 4), exact_mean_tenths(a2, b2, 2, NULL));
	assert_int_equal(mean_share_tenths(a, b, 4), mean_share_tenths(a2, b2, 2));
	assert_int_equal(exact_mean_tenths(a, b, 4, NULL), 625);
}

/*
 * Means that lie exactly on the half: 1/8 and 0/5 (62.5 tenths), and
 * 167/400 (417.5 tenths: not a binary fraction, so a sum in floating point
 * may fall either side of it).
 */
static void test_mean_halves(void **state)
{
	static const struct {
		int n;
		int64_t a[12], b[12];
	} cases[] = {
		{ 2, { 1, 0 }, { 8, 5 } },
		{ 1, { 167 }, { 400 } },
		{ 2, { 167, 167 }, { 400, 400 } },
		{ 3, { 1, 1, 1 }, { 2, 3, 6 } },      /* 1/3, not a half: 333.3 */
		{ 12, { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9 }, { 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 } },
	};
	size_t c;
	int tie;

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
		expect_mean(cases[c].a, cases[c].b, cases[c].n, "a constructed mean", NULL);
	assert_int_equal(exact_mean_tenths(cases[0].a, cases[0].b, 2, &tie), 63);
	assert_true(tie);
	assert_int_equal(exact_mean_tenths(cases[1].a, cases[1].b, 1, &tie), 418);
	assert_true(tie);
}

/*
 * Random years: up to twelve months, each with a denominator among the
 * small ones a district has (some months empty) and its own numerator;
 * the denominators are drawn mostly from divisors of 2000 so that many
 * means fall on the half.
 */
static void test_mean_random_years(void **state)
{
	static const int64_t dens[] = { 0, 1, 2, 4, 5, 8, 10, 16, 20, 25, 40, 50, 80, 125, 200,
					250, 400, 475, 500, 1000, 2000, 3, 7, 13, 97, 331 };
	int64_t a[12], b[12];
	int iter, i, ties = 0;

	for (iter = 0; iter < 50000; iter++) {
		int n = 1 + (int)rnd_upto(11), tie;
		for (i = 0; i < n; i++) {
			b[i] = dens[rnd_upto((int64_t)(sizeof(dens) / sizeof(dens[0])) - 1)];
			a[i] = rnd_upto(b[i]);
		}
		expect_mean(a, b, n, "a random year", &tie);
		ties += tie;
	}
	/* the half was met, and rounded the right way each time */
	assert_true(ties > 200);
}

/*
 * Years whose running sum has a large denominator that cancels by the end:
 * the same list every month (twelve months of 400 subjects: unreduced, the
 * denominator would be 400^12 > 2^100), and pairs x/p, (p-x)/p for primes
 * p between 2^12 and 2^17, the first of each pair early in the year and
 * the second late (their product passes 2^64 on the way), with months of
 * small denominators between.  Many of these means lie on the half, where
 * a sum in floating point rounds the wrong way now and then.
 */
static int is_prime(int64_t n)
{
	int64_t d;

	if (n < 2)
		return 0;
	for (d = 2; d * d <= n; d++)
		if (n % d == 0)
			return 0;
	return 1;
}

static void test_mean_cancelling_years(void **state)
{
	static const int64_t small[] = { 1, 2, 4, 5, 8, 10, 16, 20, 25, 40, 50, 80, 125, 200, 400 };
	int64_t a[12], b[12], primes[64];
	int np = 0, iter, i, ties = 0, tie;
	int64_t c;

	/* 64 primes spread over 2^12 .. 2^17 */
	for (c = 4096; np < 64 && c < (1 << 17); c++)
		if (is_prime(c) && rnd() % 16 == 0)
			primes[np++] = c;
	assert_int_equal(np, 64);

	for (iter = 0; iter < 20000; iter++) {
		int64_t d = small[rnd_upto((int64_t)(sizeof(small) / sizeof(small[0])) - 1)];
		for (i = 0; i < 12; i++) {
			b[i] = d;
			a[i] = rnd_upto(d);
		}
		expect_mean(a, b, 12, "a year of one list", &tie);
		ties += tie;
	}
	assert_true(ties > 100);

	for (ties = 0, iter = 0; iter < 20000; iter++) {
		int pairs = 2 + (int)rnd_upto(2), n = 2 * pairs + 2 + (int)rnd_upto(8 - 2 * pairs);
		for (i = 0; i < n; i++) {
			b[i] = small[rnd_upto((int64_t)(sizeof(small) / sizeof(small[0])) - 1)];
			a[i] = rnd_upto(b[i]);
		}
		/* pair j: month j and month n - pairs + j */
		for (i = 0; i < pairs; i++) {
			int64_t pr = primes[rnd_upto(np - 1)];
			b[i] = b[n - pairs + i] = pr;
			a[i] = rnd_upto(pr);
			a[n - pairs + i] = pr - a[i];
		}
		expect_mean(a, b, n, "a year of cancelling months", &tie);
		ties += tie;
	}
	assert_true(ties > 100);
}

/*
 * Denominators too large for 64-bit products: counts near 2^31, 2^40 and
 * 2^62, where a product of two no longer fits in 64 bits and one of
 * twelve passes even 2^128 (the code keeps an exact fraction while its
 * denominator stays below 2^100, then sums in long double; away from a
 * half both must agree with the exact value).
 */
static void test_mean_large(void **state)
{
	static const int bits[] = { 20, 31, 40, 50, 62 };
	int64_t a[12], b[12];
	int iter, i, j, tie;

	for (j = 0; j < (int)(sizeof(bits) / sizeof(bits[0])); j++) {
		for (iter = 0; iter < 5000; iter++) {
			int n = 1 + (int)rnd_upto(11);
			for (i = 0; i < n; i++) {
				b[i] = (int64_t)(rnd() >> (64 - bits[j])) | 1;
				a[i] = rnd_upto(b[i]);
			}
			exact_mean_tenths(a, b, n, &tie);
			if (!tie)
				expect_mean(a, b, n, "a year of large counts", NULL);
		}
	}
	/* two coprime months near 2^62: the 64-bit product overflows, the exact path must not */
	{
		const int64_t A[] = { (INT64_C(1) << 61) + 1, 1 }, B[] = { (INT64_C(1) << 62) + 1, 3 };
		expect_mean(A, B, 2, "two months near 2^62", NULL);
	}
}

/*
 * The half with large, varied denominators: five months of 1/p and five
 * of (p-1)/p for five primes p near 2^20 (their product is near 2^100, so
 * the running denominator passes it before the pairs cancel), then 5/500
 * and 0/1: the sum is exactly 5.01 and the mean 417.5 tenths, which
 * rounds to 418.
 */
static void test_mean_half_large_denominators(void **state)
{
	static const int64_t p[5] = { 1048573, 1048571, 1048559, 1048549, 1048517 };
	int64_t a[12], b[12];
	int i, tie;

	for (i = 0; i < 5; i++) {
		/* p is prime: no divisor up to its square root */
		int64_t d;
		for (d = 2; d * d <= p[i]; d++)
			assert_true(p[i] % d != 0);
		a[i] = 1;
		b[i] = p[i];
		a[5 + i] = p[i] - 1;
		b[5 + i] = p[i];
	}
	a[10] = 5;
	b[10] = 500;
	a[11] = 0;
	b[11] = 1;
	/* the sum is 5 + 5/500 = 501/100 over 12 months: 501/1200 */
	assert_int_equal(exact_mean_tenths(a, b, 12, &tie), qr_tenths(501, 1200));
	assert_true(tie);
	expect_mean(a, b, 12, "a half over large denominators", NULL);
}

/* ---- gcd over 128 bits ---- */

static void test_gcd128(void **state)
{
	const __int128 two90 = (__int128)1 << 90, p61 = ((__int128)1 << 61) - 1; /* a Mersenne prime */
	__int128 f0 = 0, f1 = 1, t;
	int i;

	assert_true(gcd128(0, 0) == 0);
	assert_true(gcd128(12, 0) == 12);
	assert_true(gcd128(0, 12) == 12);
	assert_true(gcd128(12, 18) == 6);
	assert_true(gcd128(two90 * 3, two90 * 4 * 9) == two90 * 3);
	assert_true(gcd128(p61 * p61, p61 * 7) == p61);
	assert_true(gcd128(p61 * ((__int128)1 << 40), (__int128)1 << 100) == (__int128)1 << 40);
	/* consecutive Fibonacci numbers are coprime, the worst case of Euclid's steps */
	for (i = 0; i < 180; i++) {
		t = f0 + f1;
		f0 = f1;
		f1 = t;
	}
	assert_true(f1 > ((__int128)1 << 120));
	assert_true(gcd128(f1, f0) == 1);
	assert_true(gcd128(f1 * 5, f0 * 5) == 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_share),
		cmocka_unit_test(test_share_rounding),
		cmocka_unit_test(test_share_large),
		cmocka_unit_test(test_mean_empty_months),
		cmocka_unit_test(test_mean_halves),
		cmocka_unit_test(test_mean_random_years),
		cmocka_unit_test(test_mean_cancelling_years),
		cmocka_unit_test(test_mean_large),
		cmocka_unit_test(test_mean_half_large_denominators),
		cmocka_unit_test(test_gcd128),
	};

	return cmocka_run_group_tests_name("figures", tests, NULL, NULL);
}
