/*
 * work_int.h: the counts behind the work and grassroots figures
 * (work_figures.h), between work_figures.c, grass_figures.c, work_cache.c
 * and figures.c.  The figures are counts and shares of these; a share is
 * computed from its two counts only when the figures are set, so the
 * counts of districts add up to the counts of a city.
 */
#ifndef SANLING_WORK_INT_H
#define SANLING_WORK_INT_H

#include <stdint.h>
#include <jansson.h>

struct db;
struct actor;
struct strbuf;
struct figures_filter;

enum work_count {
	WT_TASKS, WT_TASKS_DONE, WT_TASKS_OVERDUE,
	WT_PROBLEMS, WT_PROBLEMS_RECTIFIED, WT_PROBLEMS_OVERDUE,
	WT_CHECKS, WT_MEETINGS,
	WT_PATROLS, WT_PATROL_DAYS, WT_GRIDS, WT_VISITS,
	WT_VILLAGES, WT_VILLAGES_POLICE, WT_VILLAGES_CADRE,
	WT_SUBSIDY_PAID, WT_OFFICERS, WT_OFFICERS_NETWORK,
	WT__COUNT
};

struct work_tally {
	int64_t v[WT__COUNT];
};

/*
 * The counts through `through` (YYYY-MM, valid) within the scope of `a`
 * and the filter `f` (NULL: none), counted from the lists now.  A list `a`
 * may not read counts nothing.  0, or -1 with `err`.
 */
int work_tally_live(struct db *db, const struct actor *a, const char *through,
		    const struct figures_filter *f, struct work_tally *t, struct strbuf *err);
/* The grassroots' part of it (grass_figures.c). */
int grass_tally(struct db *db, const struct actor *a, const char *through,
		const struct figures_filter *f, struct work_tally *t, struct strbuf *err);

/* The fifteen figures of counts `t` into `out`, null where `a` may not read the list. */
void work_tally_json(const struct actor *a, const char *through, const struct figures_filter *f,
		     const struct work_tally *t, json_t *out);
void grass_tally_json(const struct actor *a, const char *through, const struct figures_filter *f,
		      const struct work_tally *t, json_t *out);

/*
 * The counts of every district `a` reaches (a city's or province's office,
 * the system), or of district `district` alone when not NULL, as each
 * district's office counts its own, summed (work_cache.c): kept per
 * district and month by the district's work version, and counted again
 * for the districts whose lists changed since.  0, or -1 with `err`.
 */
int work_cache_tally(struct db *db, const struct actor *a, const char *district,
		     const char *through, struct work_tally *t, struct strbuf *err);

/*
 * Counts `t` as a JSON array of integers, in the order of enum work_count
 * (a package's `work`, exchange), and back: 0, or -1 when `a` is not an
 * array of WT__COUNT counts.
 */
json_t *work_tally_array(const struct work_tally *t);
int work_tally_from_array(const json_t *a, struct work_tally *t);

/*
 * Keep the counts of external `district` through `month` as its package
 * says (exchange import), in the caller's transaction: never counted here.
 */
int work_cache_put_external(struct db *db, const char *district, const char *month,
			    const struct work_tally *t, struct strbuf *err);

/* May the counts of `a` with filter `f` be summed from the districts' (work_cache_tally)? */
int work_cache_applies(const struct actor *a, const struct figures_filter *f);

#endif
