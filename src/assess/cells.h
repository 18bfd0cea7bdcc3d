/*
 * cells: the report figures pre-aggregated by month.
 *
 * Every count and sum the figures are made of (figures.h) is kept per
 * district, month, township and supervising department in figure_cells,
 * computed set-wise in SQL from the events and the determinations and
 * computed again when read after a write that changes them (the districts'
 * assess_versions and figure_versions).  The figures of a year so far are
 * then a sum over at most twelve months of cells, whatever the size of the
 * data.  A scope finer than a township or a department (grid workers,
 * subjects' own accounts) is computed from the same SQL on the fly.
 *
 * Not here: the arithmetic of shares and rounding (figures.c).
 */
#ifndef SANLING_CELLS_H
#define SANLING_CELLS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct strbuf;
struct actor;
struct figures_filter;
struct entity_desc;

enum cell_measure {
	/* the events, in the month of their date */
	CM_VISIT_BATCHES,
	CM_VISIT_PERSONS,
	CM_ONLINE_PETITIONS,
	CM_PETITION_ACTIVITIES,
	CM_INSPECTIONS,
	CM_HAZARDS_FOUND,
	CM_HAZARDS_RECTIFIED, /* by month found × month rectified: tally.rectified */
	CM_COERCED_PERSONS,
	CM_PROSECUTED_PERSONS,
	CM_DISPUTES_MEDIATED,
	CM_DISPUTES_SUCCESS,
	/*
	 * on the list of the month, without a case that failed it that month,
	 * and compliant every month of the year so far
	 */
	CM_VILLAGES_ZERO_CASE,
	CM_ENTERPRISES_ZERO_CASE,
	CM_VILLAGES_TOTAL,
	CM_VILLAGES_COMPLIANT,
	CM_ENTERPRISES_TOTAL,
	CM_ENTERPRISES_COMPLIANT,
	CM__COUNT
};

/* The cells of one year (index 0 = January) for one key of a breakdown. */
struct cell_tally {
	char key[64];                   /* township or department code; "" when not grouped */
	int64_t n[12][CM__COUNT];
	int64_t rectified[12][12];      /* hazards found in month i, rectified in month j */
};

/*
 * Make the cells of months `jan`..`through` (YYYY-MM, one year) of
 * `district` reflect the current data; the determinations of those months
 * must be fresh first (assess_refresh).  0 or -1 with `err`.
 */
int cells_refresh(struct db *db, const char *district, const char *jan, const char *through,
		  struct strbuf *err);

/*
 * The cells of the year of `through`, up to it, within the actor's scope
 * and filter `f`, summed per key of `by` ("township", "supervisor", or NULL
 * for one tally).  *out is a calloc'ed array of *n tallies (free() it).
 * 0 or -1 with `err`.
 */
int cells_read(struct db *db, const struct actor *a, const char *through,
	       const struct figures_filter *f, const char *by, struct cell_tally **out, size_t *n,
	       struct strbuf *err);

/*
 * What a write touches of the sources of the cells: one record of an event
 * source (`ed` and `id`), every event of a subject (`events`), the list —
 * of one subject or of every subject of a kind — with its determinations
 * (`list`, of year `year` only, or of every year kept when NULL).
 */
struct cells_touch {
	const struct entity_desc *ed;
	int64_t id;
	const char *subject;
	const char *kind;
	int events;
	int list;
	const char *year;
	const char *from;	/* the list's months from this one on (NULL: all): a month's
				   determination changes its list rows of it and later only */
	const struct determination_was *was; /* with `list` of one `subject`: its
				   determination of month `from` as it was (cells_add()) */
};

/* One subject's determination of one month as it was: a row (present), fail, case_final. */
struct determination_was {
	int present, fail, case_final;
};

/*
 * Add what the sources `t` names count now, times `sign` (1 or -1), to the
 * cells of `district` that are kept (computed at its versions), in the
 * caller's transaction: a write calls it with -1 before it changes those
 * sources and with 1 after, so the cells follow the write by difference.
 * Months not computed, or computed at other versions, are left to be
 * computed whole when next read.  With `t->was`, called once after a
 * subject's determination of month `t->from` changed from it (sign 1): the
 * difference between its list rows now and as they were, in one statement
 * that writes only the cells that change.  0 or -1.
 */
int cells_add(struct db *db, const char *district, const struct cells_touch *t, int sign,
	      struct strbuf *err);

/*
 * A district that reports from its own deployment (assess.h, external
 * districts) carries its cells of the whole district (the level that sums
 * its townships and departments) of January..`through` in its package:
 * [{month, until_month, <measure>: count…}], the hazards rectified only
 * up to `through` (until_month '' or <= through) — what was known of the
 * year at the end of `through`, whenever it is exported.
 *
 * cells_export(): those rows of `district` here (fresh first: read the
 * figures through `through`).  cells_parse(): check such rows (months of
 * the year up to `through`, every measure a count, one row a cell) and sum
 * them into `t` as cells_read() would; -1 with the reason in `why`.
 * cells_import(): make them the cells of `district` for those months, in
 * the caller's transaction (a later package's hazards rectified after
 * `through` stay).  0 or -1 with `err`.
 */
int cells_export(struct db *db, const char *district, const char *through, json_t **out,
		 struct strbuf *err);
int cells_parse(const json_t *rows, const char *through, struct cell_tally *t,
		struct strbuf *why);
int cells_import(struct db *db, const char *district, const char *through, const json_t *rows,
		 struct strbuf *err);

#endif
