/*
 * sample.c: the generators' random draws and growable arrays (see
 * sample.h).  Nothing here knows what is generated.
 */
#include "cli/sample.h"

#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/date.h"

void rng_init(struct rng *r, enum rng_kind kind, uint64_t seed)
{
	r->s = seed;
	r->kind = kind;
}

uint64_t rng_next(struct rng *r)
{
	uint64_t z;

	if (r->kind == RNG_XORSHIFT) {
		r->s ^= r->s << 13;
		r->s ^= r->s >> 7;
		r->s ^= r->s << 17;
		return (uint32_t)(r->s >> 11);
	}
	z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

int sample_below(struct rng *r, int n)
{
	if (r->kind == RNG_XORSHIFT)
		return (int)((uint32_t)rng_next(r) % (uint32_t)n);
	return (int)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

int sample_between(struct rng *r, int lo, int hi)
{
	return lo + sample_below(r, hi - lo + 1);
}

int sample_chance(struct rng *r, int pct)
{
	return sample_below(r, 100) < pct;
}

const char *sample_pick(struct rng *r, const char *const *v, size_t n)
{
	return v[sample_below(r, (int)n)];
}

int sample_weighted(struct rng *r, const int *w, int n)
{
	int i, sum = 0, x;

	for (i = 0; i < n; i++)
		sum += w[i];
	x = sample_below(r, sum);
	for (i = 0; i < n - 1 && x >= w[i]; i++)
		x -= w[i];
	return i;
}

void sample_shuffle(struct rng *r, int *v, int n)
{
	int i;

	for (i = n - 1; i > 0; i--) {
		int j = sample_below(r, i + 1), t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}

/*
 * The two draws are made in statements of their own: the order in which a
 * call's arguments are evaluated is unspecified in C, and the names would
 * depend on the compiler.
 */
void sample_name(struct rng *r, const char *const *a, size_t na, const char *const *b,
		 size_t nb, const char *tail, char *out, size_t size)
{
	const char *x = sample_pick(r, a, na);
	const char *y = sample_pick(r, b, nb);

	snprintf(out, size, "%s%s%s", x, y, tail);
}

void sample_credit_code(struct rng *r, int institution, const char *region6,
			char out[CREDIT_CODE_BUFSZ])
{
	static const char chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	static const int w[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };
	int i, sum = 0, check;

	memcpy(out, institution ? "12" : "91", 2);
	memcpy(out + 2, region6, 6);
	for (i = 8; i < 17; i++)
		out[i] = chars[sample_below(r, i == 16 ? 10 : 31)];
	for (i = 0; i < 17; i++)
		sum += (int)(strchr(chars, out[i]) - chars) * w[i];
	check = 31 - sum % 31;
	out[17] = chars[check == 31 ? 0 : check];
	out[18] = '\0';
}

void sample_calendar_init(struct sample_calendar *c)
{
	int m;

	c->day0 = date_days("2022-01-01");
	c->mstart[0] = 0;
	for (m = 0; m < SAMPLE_MONTHS; m++)
		c->mstart[m + 1] = c->mstart[m] + date_days_in_month(2022 + m / 12, m % 12 + 1);
	c->last = c->mstart[SAMPLE_MONTHS] - 1;
}

int sample_day_in(struct rng *r, const struct sample_calendar *c, int m)
{
	return sample_between(r, c->mstart[m], c->mstart[m + 1] - 1);
}

int sample_month_of_day(const struct sample_calendar *c, int day)
{
	int m = 0;

	while (m < SAMPLE_MONTHS - 1 && day >= c->mstart[m + 1])
		m++;
	return m;
}

void *sample_grow(void *p, int n, int *cap, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? 2 * *cap : 256;
	return xrealloc(p, (size_t)*cap * size);
}
