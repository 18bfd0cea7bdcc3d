/*
 * sample: what the data generators (demo_data.c, bench_data.c) draw at
 * random — a seeded stream, numbers below a bound, ranges, chances, picks
 * from a list, weighted choices, shuffles, days of the period they cover,
 * two-part names, credit codes — and the growable arrays they plan their
 * records into.  Deterministic:
 * the same seed gives the same draws on every platform.
 *
 * Two streams.  The demo's is xorshift64 reduced modulo the bound: its
 * district was planned on that stream, and its records and figures are
 * asserted by the tests, so it stays.  The benchmarks' is splitmix64
 * reduced by a multiplication (no modulo bias, any seed is good).  Every
 * other draw goes through sample_below() and means the same for both.
 *
 * Not a statistics library: nothing here models anything.
 */
#ifndef SANLING_SAMPLE_H
#define SANLING_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

enum rng_kind {
	RNG_XORSHIFT, /* the demo's: xorshift64, 32 bits of it, modulo the bound */
	RNG_SPLITMIX, /* the benchmarks': splitmix64, high 32 bits times the bound */
};

struct rng {
	uint64_t s;
	enum rng_kind kind;
};

/* A stream of `kind` from `seed` (an xorshift seed must not be 0). */
void rng_init(struct rng *r, enum rng_kind kind, uint64_t seed);
/* The next 64 bits of a splitmix64 stream; the next 32 of an xorshift one. */
uint64_t rng_next(struct rng *r);

/* 0 .. n-1 (n > 0) */
int sample_below(struct rng *r, int n);
/* lo .. hi, both included */
int sample_between(struct rng *r, int lo, int hi);
/* 1 with probability `pct` percent */
int sample_chance(struct rng *r, int pct);
/* One of the `n` strings of `v`. */
const char *sample_pick(struct rng *r, const char *const *v, size_t n);
#define SAMPLE_PICK(r, a) sample_pick((r), (a), sizeof(a) / sizeof((a)[0]))
/* Index into `w` (n weights, not all 0) drawn in proportion to the weights. */
int sample_weighted(struct rng *r, const int *w, int n);
/* Shuffle `v` in place (Fisher–Yates, from the end). */
void sample_shuffle(struct rng *r, int *v, int n);

/*
 * A name of two parts, one drawn from `a` and then one from `b` (in that
 * order), followed by `tail`, into `out` (`size` bytes, cut if longer):
 * a surname and a given name, a surname and a village's suffix.
 */
void sample_name(struct rng *r, const char *const *a, size_t na, const char *const *b,
		 size_t nb, const char *tail, char *out, size_t size);
#define SAMPLE_NAME(r, a, b, tail, out, size) \
	sample_name((r), (a), sizeof(a) / sizeof((a)[0]), (b), sizeof(b) / sizeof((b)[0]), \
		    (tail), (out), (size))

/*
 * The generators' period: the twenty months of January 2022 to August
 * 2023.  Days are counted from 2022-01-01 (day 0), months from January
 * 2022 (month 0); the last day is the generators' today.
 */
#define SAMPLE_MONTHS 20
struct sample_calendar {
	int64_t day0;                  /* 2022-01-01 in days (date.h) */
	int mstart[SAMPLE_MONTHS + 1]; /* first day of each month; [SAMPLE_MONTHS]: one past */
	int last;                      /* 2023-08-31 */
};
void sample_calendar_init(struct sample_calendar *c);
/* A day of month `m`, every day alike. */
int sample_day_in(struct rng *r, const struct sample_calendar *c, int m);
/* The month of day `day` (the last month for a day after it). */
int sample_month_of_day(const struct sample_calendar *c, int day);

/*
 * A unified social credit code (GB 32100-2015) of the region whose 6-digit
 * code is `region6`, with its check character: "91" (an enterprise) or
 * "12" (an institution), the region, 9 drawn characters, the check.
 */
#define CREDIT_CODE_BUFSZ 19
void sample_credit_code(struct rng *r, int institution, const char *region6,
			char out[CREDIT_CODE_BUFSZ]);

/*
 * Growable arrays.  SAMPLE_APPEND(a, n, cap) appends a zeroed element to
 * array `a` of `n` elements with room for `cap` (all three lvalues,
 * updated) and gives its address, valid until the next append; `a` is
 * owned by the caller (free() it).  SAMPLE_VEC(T) is such an array of `T`
 * as one struct (`v`, `n`, `cap`), and SAMPLE_PUSH(vec) appends to it.
 */
void *sample_grow(void *p, int n, int *cap, size_t size);
#define SAMPLE_APPEND(a, n, cap) \
	((a) = sample_grow((a), (n), &(cap), sizeof(*(a))), memset(&(a)[(n)], 0, sizeof(*(a))), \
	 &(a)[(n)++])
#define SAMPLE_VEC(T) struct { T *v; int n, cap; }
#define SAMPLE_PUSH(vec) SAMPLE_APPEND((vec).v, (vec).n, (vec).cap)

#endif
