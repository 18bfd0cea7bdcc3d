/*
 * figures: the report figures of DOMAIN.md for "through month M" (from
 * January of M's year to the end of M, by each event's own date), within
 * the caller's scope, optionally for one township or one sector
 * (supervising department).  The keys are a public contract of the CLI and
 * the API, declared once with their labels and units in figure_keys.h;
 * every figure is computed from the data at the time asked (the
 * determinations of the months concerned are refreshed first).
 *
 * Not here: the determination itself (assess.h).
 */
#ifndef SANLING_FIGURES_H
#define SANLING_FIGURES_H

#include <jansson.h>
#include <stdint.h>

struct db;
struct actor;
struct model_error;

struct figures_filter {
	const char *township;   /* region code, or NULL */
	const char *supervisor; /* department code, or NULL */
};

/*
 * The figures through `through` (YYYY-MM) as one JSON object with exactly
 * the keys of figure_keys.h, in its order; percentages rounded half away
 * from zero to one decimal, null for a share of an empty set.  Caller owns
 * `*out`.
 */
int figures_compute(struct db *db, const struct actor *a, const char *through,
		    const struct figures_filter *f, json_t **out, struct model_error *e);

/*
 * The figures broken down `by` "township", "supervisor" or "month" (the
 * figures through each month of the year), with the targets in force:
 * { "by", "through", "targets": {villages, enterprises}, "rows": [{key,
 * label, figures}] }.
 */
int figures_breakdown(struct db *db, const struct actor *a, const char *through, const char *by,
		      json_t **out, struct model_error *e);

/*
 * The same, leaving out what `flags` says: FIGURES_NO_WORK, the work and
 * grassroots figures (work_figures.h) — the report figures only, for a
 * reader that needs no more (the documents' tables).
 */
enum { FIGURES_NO_WORK = 1 };
int figures_compute_opt(struct db *db, const struct actor *a, const char *through,
			const struct figures_filter *f, unsigned flags, json_t **out,
			struct model_error *e);
int figures_breakdown_opt(struct db *db, const struct actor *a, const char *through,
			  const char *by, unsigned flags, json_t **out, struct model_error *e);

/*
 * The report figures (those of the cells, not the work's) of one tally of
 * cells (cells.h) through `through` (a valid YYYY-MM of the tally's year):
 * what figures_compute() makes of the cells it reads.  Caller owns it.
 */
struct cell_tally;
json_t *figures_of_tally(const struct cell_tally *t, const char *through);

/* Percent of num/den, rounded half away from zero, in tenths (857 = 85.7 %). */
int64_t percent_tenths(int64_t num, int64_t den);

/*
 * Are figure values `a` and `b` the same — equal numbers (JSON does not tell
 * 19 from 19.0, and a package read by another program may write either),
 * or else equal JSON (null, strings)?
 */
int figure_values_equal(const json_t *a, const json_t *b);

#endif
