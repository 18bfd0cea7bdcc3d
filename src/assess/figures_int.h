/*
 * figures_int.h: the exact arithmetic of the report figures (figures.c),
 * exposed for its unit test (tests/unit/test_figures.c).  Not an API for
 * other modules: they read the figures through figures.h.
 */
#ifndef SANLING_FIGURES_INT_H
#define SANLING_FIGURES_INT_H

#include <jansson.h>
#include <stdint.h>

/* A percentage figure: percent_tenths(num, den) / 10 as a JSON real, null when den = 0. */
json_t *rate_json(int64_t num, int64_t den);

/* The greatest common divisor of a and b (a, b >= 0; gcd(a, 0) = a). */
__int128 gcd128(__int128 a, __int128 b);

/*
 * The mean of the shares a[i]/b[i] over i < n, leaving out the months with
 * b[i] = 0, as a percentage in tenths rounded half up (857 = 85.7 %);
 * -1 when no month has a denominator.  Summed as an exact fraction while
 * its denominator stays below 2^100, else in long double.
 */
int64_t mean_share_tenths(const int64_t *a, const int64_t *b, int n);

#endif
