/*
 * test_voronoi: unit tests of src/base/voronoi.c on points whose areas are
 * known by other means: two groups split by a line (the areas meet on the
 * bisector), a group ringed by another (a hole), sites at the same place,
 * and a few hundred scattered points in five groups, where each site must
 * lie inside its group's area and outside every other's, and the areas
 * together must cover each point of a grid inside the hull exactly once
 * (checked against the nearest site, computed here by brute force).
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "base/voronoi.h"

/* Is (x, y) in group g's area (even-odd over its rings)? */
static int in_group(const struct vring *r, size_t n, int g, double x, double y)
{
	size_t i;
	int in = 0;

	for (i = 0; i < n; i++)
		if (r[i].group == g && vring_contains(&r[i], x, y))
			in = !in;
	return in;
}

static double area(const struct vring *r)
{
	double a = 0;
	size_t k;

	for (k = 0; k < r->n; k++) {
		size_t b = (k + 1) % r->n;
		a += r->xy[2 * k] * r->xy[2 * b + 1] - r->xy[2 * b] * r->xy[2 * k + 1];
	}
	return a / 2;
}

static void test_two_halves(void **state)
{
	/* group 0 left of x = 5, group 1 right of it */
	static const struct vsite s[] = {
		{ 0, 0, 0 }, { 0, 10, 0 }, { 4, 5, 0 }, { 10, 0, 1 }, { 10, 10, 1 }, { 6, 5, 1 },
	};
	struct vring *r;
	size_t n, i;

	voronoi_areas(s, 6, 1.0, &r, &n);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++) {
		assert_false(r[i].hole);
		assert_true(area(&r[i]) > 0);
	}
	assert_true(in_group(r, n, 0, 4.9, 5));
	assert_true(in_group(r, n, 1, 5.1, 5));
	assert_false(in_group(r, n, 0, 5.1, 5));
	/* the hull widened by 1: (-0.5, 5) is inside, (-1.5, 5) is not */
	assert_true(in_group(r, n, 0, -0.5, 5));
	assert_false(in_group(r, n, 0, -1.5, 5) || in_group(r, n, 1, -1.5, 5));
	vrings_free(r, n);
}

static void test_hole(void **state)
{
	struct vsite s[13];
	struct vring *r;
	size_t n, i, holes = 0;

	/* group 1 at the centre, group 0 on a circle of 12 around it */
	s[0] = (struct vsite){ 0, 0, 1 };
	for (i = 0; i < 12; i++)
		s[i + 1] = (struct vsite){ 10 * cos(i * M_PI / 6), 10 * sin(i * M_PI / 6), 0 };
	voronoi_areas(s, 13, 1.0, &r, &n);
	for (i = 0; i < n; i++)
		if (r[i].hole) {
			holes++;
			assert_int_equal(r[i].group, 0);
			assert_true(area(&r[i]) < 0);
		}
	assert_int_equal(holes, 1);
	assert_true(in_group(r, n, 1, 0, 0));
	assert_false(in_group(r, n, 0, 0, 0));
	assert_true(in_group(r, n, 0, 9, 0));
	vrings_free(r, n);
}

static void test_same_place(void **state)
{
	static const struct vsite s[] = { { 0, 0, 0 }, { 0, 0, 0 }, { 5, 0, 1 }, { 5, 0, 1 } };
	struct vring *r;
	size_t n;

	voronoi_areas(s, 4, 1.0, &r, &n);
	assert_int_equal(n, 2);
	assert_true(in_group(r, n, 0, 0, 0));
	assert_true(in_group(r, n, 1, 5, 0));
	vrings_free(r, n);
}

static void test_scattered(void **state)
{
	enum { N = 400, G = 5 };
	struct vsite s[N];
	struct vring *r;
	size_t n, i, k, inside = 0;
	unsigned seed = 17;

	for (i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		s[i].x = (seed >> 8) % 10000 / 250.0;
		seed = seed * 1103515245u + 12345u;
		s[i].y = (seed >> 8) % 10000 / 250.0;
		/* groups in vertical bands, with strays */
		s[i].group = i % 9 == 0 ? (int)(i % G) : (int)(s[i].x / 8.0001);
	}
	voronoi_areas(s, N, 1.0, &r, &n);
	for (i = 0; i < N; i++)
		for (k = 0; k < G; k++)
			assert_int_equal(in_group(r, n, (int)k, s[i].x, s[i].y), (int)k == s[i].group);
	/* a grid of test points inside the sites' box: in exactly the nearest site's area */
	for (i = 0; i < 40; i++)
		for (k = 0; k < 40; k++) {
			double x = 0.5 + i * 0.97 + 0.013, y = 0.5 + k * 0.97 + 0.029, best = 1e300;
			size_t j;
			int g = -1, count = 0, h;
			for (j = 0; j < N; j++) {
				double d = (s[j].x - x) * (s[j].x - x) + (s[j].y - y) * (s[j].y - y);
				if (d < best) {
					best = d;
					g = s[j].group;
				}
			}
			for (h = 0; h < G; h++)
				count += in_group(r, n, h, x, y);
			assert_int_equal(count, 1);
			assert_true(in_group(r, n, g, x, y));
			inside++;
		}
	assert_int_equal(inside, 1600);
	vrings_free(r, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_halves),
		cmocka_unit_test(test_hole),
		cmocka_unit_test(test_same_place),
		cmocka_unit_test(test_scattered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
