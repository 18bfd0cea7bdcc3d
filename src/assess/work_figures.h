/*
 * work_figures: the work figures of DOMAIN.md ("The work figures") —
 * tasks assigned, done and overdue, problems found, rectified and overdue,
 * supervision checks and coordination meetings — through month M (from
 * January of M's year to M's last day, by each record's own date), within
 * the caller's scope as the work lists place their rows (model/scope.h on
 * the lists' descriptors), returned with the report figures (figures.h).
 *
 * Not here: the report figures (figures.c), the keys and labels
 * (figure_keys.c).
 */
#ifndef SANLING_WORK_FIGURES_H
#define SANLING_WORK_FIGURES_H

#include <jansson.h>

struct db;
struct actor;
struct strbuf;
struct figures_filter;

/*
 * Set the eight work figures and the seven grassroots figures
 * (grass_figures.c) through `through` (YYYY-MM, valid) into `out`, in the
 * table's order, for actor `a` and optionally one township or one
 * department (`f`: tasks and problems only; checks and meetings are
 * district-wide; the grassroots by township, null for one sector and where
 * `a` may not read the list).  Above the districts, from each district's
 * kept counts (work_cache.c).  0, or -1 with `err`.
 */
int work_figures_add(struct db *db, const struct actor *a, const char *through,
		     const struct figures_filter *f, json_t *out, struct strbuf *err);

/*
 * The grid-days of 一日双巡 of `district` counted again from its patrols
 * into patrol_cells (the bulk path, which writes patrols without the write
 * observers).  0 or -1.
 */
int grass_patrol_cells_fill(struct db *db, const char *district, struct strbuf *err);

/*
 * The work counts a district reports upward with its published month
 * (exchange): work_counts_export() the counts of `district` through each
 * month January..`month`, as its office counts them, into `*out` (an object
 * by month; owned by the caller); work_counts_check() whether a package's
 * `work` is that shape and the work figures of `month` in `figures` follow
 * from its counts (0, or -1 with the reason in `why`); work_counts_import()
 * keeps them for the external `district`, in the caller's transaction, so
 * that the figures of the offices above it sum them in.  0 or -1 with `err`.
 */
int work_counts_export(struct db *db, const char *district, const char *month, json_t **out,
		       struct strbuf *err);
int work_counts_check(const json_t *work, const char *district, const char *month,
		      const json_t *figures, struct strbuf *why);
int work_counts_import(struct db *db, const char *district, const json_t *work,
		       struct strbuf *err);

/*
 * Register the write observer that moves a district's work version on each
 * write of a list the work or grassroots figures count (work_cache.c).
 * Start-up code, like assess_observe_writes().
 */
void work_observe_writes(void);

#endif
