/*
 * assess_int: what the determination's parts share and nobody else uses:
 * assess.c (computing it), certify.c (the office's acts on a month) and
 * results.c (reading and explaining it).  The veto predicates are written
 * once, in assess.c, for both computing and explaining.
 */
#ifndef SANLING_ASSESS_INT_H
#define SANLING_ASSESS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "assess/assess.h"
#include "model/role.h"

struct db;
struct strbuf;

/* A subject of alias `s` is on its district's list in a month (two parameters: the month). */
#define ON_LIST "s.active_from <= ? AND (s.active_to IS NULL OR s.active_to >= ?)"

/* The kinds of subject, each judged by the standard of its own. */
#define NKINDS 4
extern const char *const subject_kinds[NKINDS];

/* Each dimension's code, its lead role, and its events: table, alias, date, veto columns. */
extern const char *const dimension_codes[DIM__COUNT];
extern const enum role dimension_roles[DIM__COUNT];
extern const char *const dimension_events[DIM__COUNT][4];

/* The veto of dimension `d` against the rules row `r`, or against the numbers `lit`. */
void veto_sql(struct strbuf *sql, int d, const int *lit);
/*
 * "WITH r (district, kind, thresholds…, checklist, checklist_pass) AS
 * (VALUES …)": row k the rules `rules[k]` of kind subject_kinds[k % NKINDS]
 * in a district given as a parameter (one a row, in order).
 */
void rules_with(struct strbuf *sql, const struct assess_rules *rules, size_t n);
/* Run `sql` with `n` text parameters `p`: 0, or -1 with `err`. */
/*
 * Move the counter of `district` in `table` (assess_versions: what the
 * determination reads; figure_versions: what only the figures count) on.
 * In the caller's transaction.  0, or -1 with `err`.
 */
int assess_version_bump(struct db *db, const char *table, const char *district,
			struct strbuf *err);
/* Is `month` of `district` published (1), not (0), or error (-1)? */
int month_state(struct db *db, const char *district, const char *month, int64_t *computed,
		struct strbuf *err);

/* Which subjects a write changes the determination of: one (code), or every one of a kind. */
struct subject_sel {
	const char *code;
	const char *kind;
};

/* Months ("YYYY-MM"), in order. */
struct month_list {
	char (*m)[8];
	size_t n, cap;
};
void month_list_add(struct month_list *l, const char *month);
/* The months the first column of `sql` (with the text parameters params[0..n)) gives. */
int month_list_read(struct db *db, const char *sql, const char *const *params, int n,
		    struct month_list *out, struct strbuf *err);
void month_list_release(struct month_list *l);

/*
 * The months from `from` on of `district` whose determinations the writes
 * keep in place: computed at the district's version and not published.
 * The others are computed whole when next read.  0 or -1.
 */
int assess_kept_months(struct db *db, const char *district, const char *from,
		       struct month_list *out, struct strbuf *err);

/*
 * Determine `subject` in `month` of `district` again, in place, when the
 * month is kept and its provisional result would change (always, with
 * `force`: an override): 1 when it was, with its row as it was in *was
 * (cells.h); 0 when the month is not kept or nothing changed (nothing
 * written); -1 on error.  In the caller's transaction, with the district's
 * locks.
 */
struct determination_was;
int assess_subject_redetermine(struct db *db, const char *district, const char *month,
			       const char *subject, int force, struct determination_was *was,
			       struct strbuf *err);

/*
 * Determine month `month` of `district` again for the subjects `sel` only,
 * in the caller's transaction (overrides applied over it).  0 or -1.
 */
int assess_subjects_compute(struct db *db, const char *district, const char *month,
			    const struct subject_sel *sel, struct strbuf *err);

/*
 * Take the district's locks of the determination and of the cells, which
 * its reads take to compute them whole (assess_refresh, cells_refresh), in
 * the caller's transaction: a write keeping them in place and a read
 * computing them go one after the other.  PostgreSQL only (SQLite has one
 * writer).  0 or -1.
 */
int assess_lock_district(struct db *db, const char *district, struct strbuf *err);

/*
 * The determination of `subject` in `month` of `district`, when the month
 * is kept (assess_kept_months()) and it would change (always, with
 * `force`: an override), in the caller's transaction: the month determined
 * again for the subject (assess_subject_redetermine()), then its list rows
 * in the figure cells moved by the difference.  The caller holds the
 * district's locks (assess_lock_district()).  0 or -1.
 */
int assess_keep_subject(struct db *db, const char *district, const char *month,
			const char *subject, int force, struct strbuf *err);

/*
 * The grid-days of 一日双巡 kept by a write of patrol `r` (from `old`), in the
 * write's transaction: the grid-day each version lies on counted again, and
 * patrol_cells moved by the difference (a day joins when both slots are
 * there, leaves when one goes).  0 or -1.
 */
struct record;
int grass_patrol_keep(struct db *db, const struct record *r, const struct record *old,
		      struct strbuf *err);

/*
 * The kept months of `district` (a parameter): of its determination
 * (KEPT_MONTHS: computed at the district's version, not published) and of
 * its figure cells (KEPT_CELLS: computed at both its versions).  The writes
 * keep them in place (freshness.c); the others are computed whole when
 * next read.
 */
#define KEPT_MONTHS "SELECT m.month FROM assess_months m WHERE m.district = ? AND m.published = 0 " \
	"AND m.computed_version = COALESCE((SELECT v.version FROM assess_versions v WHERE " \
	"v.district = m.district), 0)"

#define KEPT_CELLS "SELECT f.month FROM figure_months f WHERE f.district = ? AND " \
	"f.assess_version = COALESCE((SELECT v.version FROM assess_versions v WHERE " \
	"v.district = f.district), 0) AND f.figure_version = COALESCE((SELECT v.version FROM " \
	"figure_versions v WHERE v.district = f.district), 0)"

#endif
