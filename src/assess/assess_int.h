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

#endif
