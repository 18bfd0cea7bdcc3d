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
 * Set the eight work figures through `through` (YYYY-MM, valid) into
 * `out`, in the table's order, for actor `a` and optionally one township
 * or one department (`f`: tasks and problems only; checks and meetings are
 * district-wide).  0, or -1 with `err`.
 */
int work_figures_add(struct db *db, const struct actor *a, const char *through,
		     const struct figures_filter *f, json_t *out, struct strbuf *err);

/*
 * Set the seven grassroots figures (grass_figures.c) the same way: by
 * township (`f`), null for one sector and where the caller may not read
 * the list.  Called by work_figures_add(), after the eight.
 */
int grass_figures_add(struct db *db, const struct actor *a, const char *through,
		      const struct figures_filter *f, json_t *out, struct strbuf *err);

/*
 * The grid-days of 一日双巡 of `district` counted again from its patrols
 * into patrol_cells (the bulk path, which writes patrols without the write
 * observers).  0 or -1.
 */
int grass_patrol_cells_fill(struct db *db, const char *district, struct strbuf *err);

/*
 * Register the write observer that moves a district's work version on each
 * write of a list the work or grassroots figures count (work_cache.c).
 * Start-up code, like assess_observe_writes().
 */
void work_observe_writes(void);

#endif
