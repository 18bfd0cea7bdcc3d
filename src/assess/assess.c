/*
 * assess.c: the monthly determination, certification and publication
 * (see assess.h).  The veto rules are three SQL predicates written once
 * below and used both to compute the determination set-wise and to explain
 * it event by event, so the explanation cannot disagree with the result.
 */
#include "assess/assess.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/date.h"
#include "base/strbuf.h"
#include "base/validate.h"
#include "db/db.h"
#include "model/audit.h"
#include "model/entities.h"
#include "db/sqlp.h"
#include "model/scope.h"
#include "model/enums.h"

#include "assess/assess_int.h"
#include "assess/cells.h"

/*
 * The veto predicates, with a %s for each threshold of the rules: written
 * against a rules row `r` (r.petition_rank, ...) to determine and explain,
 * and against the loosest thresholds of a district's standards (numbers)
 * to pass over, before any join, the events no standard can count.
 * Every predicate is monotone in its thresholds, so the loosest is a bound.
 */
#define LEVEL_RANK(col) "(CASE " col " WHEN 'village' THEN 1 WHEN 'township' THEN 2 " \
	"WHEN 'county' THEN 3 WHEN 'city' THEN 4 WHEN 'province' THEN 5 " \
	"WHEN 'national' THEN 6 ELSE 0 END)"
static const struct veto {
	const char *sql;
	int first, n; /* its thresholds in rule_columns */
} vetoes[DIM__COUNT] = {
	{ "(" LEVEL_RANK("p.level") " >= %s OR (p.persons >= %s AND " LEVEL_RANK("p.level")
	  " >= %s))", 0, 3 },
	{ "(a.deaths + a.injuries >= %s AND (%s = 0 OR a.production = 1))", 3, 2 },
	{ "((%s = 1 AND c.kind = 'criminal') OR (%s = 1 AND c.kind = 'public_order' AND "
	  "c.major_impact = 1))", 5, 2 },
};

/*
 * The thresholds, in the order of the predicates' %s.  The loosest value of
 * those before LOOSE_MAX is the least, of the others (switches) the greatest.
 */
static const char *const rule_columns[] = {
	"petition_rank", "collective_persons", "collective_rank", "accident_casualties",
	"accident_production_only", "case_criminal", "case_public_order_major",
};
#define NRULES 7
#define LOOSE_MAX 5

/* A month of `district` whose determinations are kept: computed at its version, not published. */

static void rule_values(const struct assess_rules *r, int v[NRULES])
{
	v[0] = r->petition_rank;
	v[1] = r->collective_persons;
	v[2] = r->collective_rank;
	v[3] = r->accident_casualties;
	v[4] = r->accident_production_only;
	v[5] = r->case_criminal;
	v[6] = r->case_public_order_major;
}

/* The veto of dimension `d` against the rules row `r`, or against the numbers `lit`. */
void veto_sql(struct strbuf *sql, int d, const int *lit)
{
	const struct veto *v = &vetoes[d];
	char t[3][32];
	int i;

	for (i = 0; i < v->n; i++) {
		if (lit)
			snprintf(t[i], sizeof(t[i]), "%d", lit[v->first + i]);
		else
			snprintf(t[i], sizeof(t[i]), "r.%s", rule_columns[v->first + i]);
	}
	strbuf_addf(sql, v->sql, t[0], t[1], v->n > 2 ? t[2] : "");
}

/* The kinds of subject, each judged by the standard of its own. */
const char *const subject_kinds[NKINDS] = { "village", "community", "enterprise", "institution" };

/*
 * "WITH r (district, kind, thresholds…, checklist, checklist_pass) AS
 * (VALUES …)", to which more tables may follow: a table of rules, row k
 * the rules `rules[k]` of kind subject_kinds[k % NKINDS] in a district
 * given as a parameter (one a row, in order).  VALUES, not a UNION of
 * SELECTs: hundreds of rows are planned as one scan.
 */
void rules_with(struct strbuf *sql, const struct assess_rules *rules, size_t n)
{
	size_t k;
	int v[NRULES], i;

	strbuf_addstr(sql, "WITH r (district, kind");
	for (i = 0; i < NRULES; i++)
		strbuf_addf(sql, ", %s", rule_columns[i]);
	strbuf_addstr(sql, ", checklist, checklist_pass) AS (VALUES ");
	for (k = 0; k < n; k++) {
		rule_values(&rules[k], v);
		strbuf_addf(sql, "%s(CAST(? AS TEXT), '%s'", k ? ", " : "", subject_kinds[k % NKINDS]);
		for (i = 0; i < NRULES; i++)
			strbuf_addf(sql, ", %d", v[i]);
		strbuf_addf(sql, ", %d, %d)", rules[k].checklist, rules[k].checklist_pass);
	}
	strbuf_addch(sql, ')');
}

const char *const dimension_codes[DIM__COUNT] = { "petition", "accident", "case" };
const enum role dimension_roles[DIM__COUNT] = { ROLE_PETITION, ROLE_SAFETY, ROLE_POLICE };

const char *assess_dimension_code(enum assess_dimension d)
{
	return d < DIM__COUNT ? dimension_codes[d] : NULL;
}

int assess_dimension_parse(const char *s)
{
	int d;

	for (d = 0; s && d < DIM__COUNT; d++)
		if (!strcmp(s, dimension_codes[d]))
			return d;
	return -1;
}

int petition_level_rank(const char *level)
{
	static const char *const ranks[] = { "village", "township", "county", "city", "province",
					     "national" };
	int i;

	for (i = 0; level && i < 6; i++)
		if (!strcmp(level, ranks[i]))
			return i + 1;
	return 0;
}

/* DOMAIN.md's default veto rules for subjects of `kind`. */
static void rules_default(const char *kind, struct assess_rules *out)
{
	int village = !strcmp(kind, "village") || !strcmp(kind, "community");

	memset(out, 0, sizeof(*out));
	snprintf(out->code, sizeof(out->code), "default");
	out->petition_rank = petition_level_rank("county");
	out->collective_persons = 5;
	out->collective_rank = petition_level_rank("township");
	out->accident_casualties = 1;
	out->accident_production_only = 0;
	out->case_criminal = 1;
	out->case_public_order_major = 1;
	out->target = village ? 80.0 : 90.0;
}

/* The columns of a standards row, read by rules_row(). */
#define RULES_COLUMNS "code, effective_from, petition_level, collective_persons, " \
	"collective_level, accident_casualties, accident_production_only, case_criminal, " \
	"case_public_order_major, target, checklist, COALESCE(checklist_pass, 0)"

/* The rules of the standards row whose RULES_COLUMNS start at column `c`. */
static void rules_row(struct db_stmt *st, int c, struct assess_rules *out)
{
	snprintf(out->code, sizeof(out->code), "%s", db_column_text(st, c));
	snprintf(out->effective_from, sizeof(out->effective_from), "%s", db_column_text(st, c + 1));
	out->petition_rank = petition_level_rank(db_column_text(st, c + 2));
	out->collective_persons = (int)db_column_int64(st, c + 3);
	out->collective_rank = petition_level_rank(db_column_text(st, c + 4));
	out->accident_casualties = (int)db_column_int64(st, c + 5);
	out->accident_production_only = (int)db_column_int64(st, c + 6);
	out->case_criminal = (int)db_column_int64(st, c + 7);
	out->case_public_order_major = (int)db_column_int64(st, c + 8);
	out->target = db_column_is_null(st, c + 9) ? -1 : db_column_double(st, c + 9);
	out->checklist = (int)db_column_int64(st, c + 10);
	out->checklist_pass = (int)db_column_int64(st, c + 11);
}

int assess_rules_for(struct db *db, const char *district, const char *kind, const char *month,
		     struct assess_rules *out, struct strbuf *err)
{
	struct db_stmt *st = NULL;
	int rc;

	rules_default(kind, out);
	if (db_prepare(db, "SELECT " RULES_COLUMNS " FROM standards WHERE district = ? AND kind = ? "
		       "AND effective_from <= ? ORDER BY effective_from DESC LIMIT 1", &st, err))
		return -1;
	db_bind_text(st, 1, district);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, month);
	rc = db_step(st, err);
	if (rc == DB_ROW)
		rules_row(st, 0, out);
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int64_t assess_counter(struct db *db, const char *table, const char *district,
		       struct strbuf *err)
{
	const char *params[] = { district };
	char sql[96], *v = NULL;
	int64_t n;

	snprintf(sql, sizeof(sql), "SELECT version FROM %s WHERE district = ?", table);
	if (db_query_value(db, sql, params, 1, &v, err))
		return -1;
	n = v ? strtoll(v, NULL, 10) : 0;
	free(v);
	return n;
}

int assess_version_bump(struct db *db, const char *table, const char *district,
			struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	int rc;

	strbuf_addf(&sql, "INSERT INTO %s (district, version) VALUES (?, 1) ON CONFLICT (district) "
		    "DO UPDATE SET version = %s.version + 1", table, table);
	rc = db_exec_params(db, sql.buf, (const char *[]){ district }, 1, err);
	strbuf_release(&sql);
	return rc;
}

int assess_mark_stale(struct db *db, const char *district, struct strbuf *err)
{
	return assess_version_bump(db, "assess_versions", district, err) ||
	       assess_version_bump(db, "work_versions", district, err) ? -1 : 0;
}

/* " (?, ?, …)" for the `n` codes, pushed as parameters. */
static void param_list(struct strbuf *sql, struct sqlp *p, char *const *codes, size_t n)
{
	size_t i;

	strbuf_addstr(sql, " (");
	for (i = 0; i < n; i++) {
		strbuf_addstr(sql, i ? ", ?" : "?");
		sqlp_text(p, codes[i]);
	}
	strbuf_addch(sql, ')');
}

/* Prepare `sql` with the parameters `p` bound, which are then emptied for the next. */
static int prepare_params(struct db *db, const char *sql, struct sqlp *p, struct db_stmt **st,
			  struct strbuf *err)
{
	int rc = db_prepare(db, sql, st, err);

	if (!rc)
		sqlp_bind(p, *st, 1);
	sqlp_release(p);
	return rc;
}

/* Run `sql` with the parameters `p`, which are then emptied for the next. */
static int run_params(struct db *db, const char *sql, struct sqlp *p, struct strbuf *err)
{
	int rc = sqlp_run(db, sql, p, err);

	sqlp_release(p);
	return rc;
}

static int kind_index(const char *kind)
{
	size_t k;

	for (k = 0; kind && k < NKINDS; k++)
		if (!strcmp(kind, subject_kinds[k]))
			return (int)k;
	return -1;
}

/* Subject `s` is on the list in month ? (bound twice). */

/* The events of each dimension: table, alias, date column and the columns its veto reads. */
const char *const dimension_events[DIM__COUNT][4] = {
	{ "petitions", "p", "received_on", "p.level, p.persons" },
	{ "accidents", "a", "occurred_on", "a.deaths, a.injuries, a.production" },
	{ "cases", "c", "occurred_on", "c.kind, c.major_impact" },
};

/*
 * The rules in force in `month` for each kind in each of districts d[0..n)
 * (rules[i * NKINDS + k]): the latest version of each district's
 * standards that has taken effect, else DOMAIN.md's defaults.
 */
static int rules_of(struct db *db, char *const *d, size_t n, const char *month,
		    struct assess_rules *rules, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct db_stmt *st = NULL;
	char *seen = xcalloc(n * NKINDS, 1);
	size_t i, k;
	int rc;

	for (i = 0; i < n; i++)
		for (k = 0; k < NKINDS; k++)
			rules_default(subject_kinds[k], &rules[i * NKINDS + k]);
	strbuf_addstr(&sql, "SELECT district, kind, " RULES_COLUMNS " FROM standards WHERE "
			    "effective_from <= ? AND district IN");
	sqlp_text(&p, month);
	param_list(&sql, &p, d, n);
	strbuf_addstr(&sql, " ORDER BY district, kind, effective_from DESC");
	rc = prepare_params(db, sql.buf, &p, &st, err);
	while (!rc && (rc = db_step(st, err)) == DB_ROW) {
		int kk = kind_index(db_column_text(st, 1));
		rc = 0;
		for (i = 0; kk >= 0 && i < n; i++) {
			size_t at = i * NKINDS + (size_t)kk;
			if (strcmp(d[i], db_column_text(st, 0)) || seen[at])
				continue;
			rules_row(st, 2, &rules[at]); /* the first row of each is the latest */
			seen[at] = 1;
		}
	}
	if (st)
		db_finalize(st);
	free(seen);
	sqlp_release(&p);
	strbuf_release(&sql);
	return rc < 0 ? -1 : 0;
}

/* Overrides replace the provisional result of their dimension, in month `month` of `district`. */
static int apply_overrides(struct db *db, const char *district, const char *month,
			   struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	const char *p2[] = { district, month };
	int d, ret = -1;

	sqlp_text(&p, district);
	sqlp_text(&p, month);
	sqlp_text(&p, month);
	sqlp_text(&p, month);
	/* a subject on the list that passed, overridden: a row to override */
	if (sqlp_run(db, "INSERT INTO determinations (district, month, subject, petition_fail, "
		     "accident_fail, case_fail, checklist_fail, petition_final, accident_final, "
		     "case_final, fail) SELECT DISTINCT s.district, o.month, s.code, 0, 0, 0, 0, 0, 0, "
		     "0, 0 FROM overrides o JOIN subjects s ON s.code = o.subject WHERE o.district = ? "
		     "AND o.month = ? AND " ON_LIST " AND s.district = o.district AND NOT EXISTS "
		     "(SELECT 1 FROM determinations x WHERE x.month = o.month AND x.subject = "
		     "o.subject AND x.district = o.district)", &p, err))
		goto cleanup;
	for (d = 0; d < DIM__COUNT; d++) {
		const char *p3[] = { dimension_codes[d], district, month, dimension_codes[d] };
		strbuf_reset(&sql);
		strbuf_addf(&sql, "UPDATE determinations SET %s_final = (SELECT CASE WHEN o.result = "
			    "'fail' THEN 1 ELSE 0 END FROM overrides o WHERE o.month = "
			    "determinations.month AND o.subject = determinations.subject AND "
			    "o.dimension = ?) WHERE district = ? AND month = ? AND subject IN (SELECT "
			    "o.subject FROM overrides o WHERE o.month = determinations.month AND "
			    "o.dimension = ?)", dimension_codes[d]);
		if (db_exec_params(db, sql.buf, p3, 4, err))
			goto cleanup;
	}
	if (db_exec_params(db, "UPDATE determinations SET fail = CASE WHEN petition_final + "
			"accident_final + case_final + checklist_fail > 0 THEN 1 ELSE 0 END WHERE "
			"district = ? AND month = ?", p2, 2, err))
		goto cleanup;
	ret = 0;
cleanup:
	sqlp_release(&p);
	strbuf_release(&sql);
	return ret;
}

/*
 * A determined row's columns and the fail each takes (0..3: petition,
 * accident, case, checklist; -1: the constant 1 of `fail`): each fail, and
 * its final the same until an override (apply_overrides) says otherwise.
 * The month's INSERT and a kept subject's row written in place
 * (write_subject_row) both write them from here.
 */
static const struct determined_column {
	const char *name;
	int fail;
} determined[] = {
	{ "petition_fail", 0 }, { "accident_fail", 1 }, { "case_fail", 2 }, { "checklist_fail", 3 },
	{ "petition_final", 0 }, { "accident_final", 1 }, { "case_final", 2 }, { "fail", -1 },
};
#define NDETERMINED (sizeof(determined) / sizeof(determined[0]))

/*
 * The determined columns as a list: their names, their values (value[i] the
 * SQL of fail i), or both as "name = value".
 */
static void determined_list(struct strbuf *sql, int names, const char *const *value)
{
	size_t i;

	for (i = 0; i < NDETERMINED; i++) {
		if (i)
			strbuf_addstr(sql, ", ");
		if (names)
			strbuf_addstr(sql, determined[i].name);
		if (names && value)
			strbuf_addstr(sql, " = ");
		if (value)
			strbuf_addstr(sql, determined[i].fail < 0 ? "1" : value[determined[i].fail]);
	}
}

/*
 * The INSERT of the month's failing subjects of districts d[0..n) into
 * determinations, with its parameters: the rules of each district and kind
 * as a table r, the month's events that the loosest rules `loose` can count
 * (each with the kind of its subject when that is on the list), those that
 * the rules of their subject's district and kind count, and the checklist.
 */
static void failing_sql(enum db_dialect dialect, struct strbuf *sql, struct sqlp *p,
			char *const *d, size_t n, const char *month,
			const struct assess_rules *rules, const int *loose,
			const struct subject_sel *sel, int insert)
{
	char start[16], end[16];
	size_t k;
	int dim;

	snprintf(start, sizeof(start), "%s-01", month);
	snprintf(end, sizeof(end), "%s-31", month);
	rules_with(sql, rules, n * NKINDS);
	for (k = 0; k < n * NKINDS; k++)
		sqlp_text(p, d[k / NKINDS]);
	/*
	 * the events of the month that the loosest rules can count, each with
	 * the kind of its subject when that is on the list: read apart
	 * (MATERIALIZED) and the subject looked up per event (a scalar
	 * subquery), so that no engine probes the events per subject or scans
	 * every subject — PostgreSQL cannot tell how few events the rules keep
	 */
	for (dim = 0; dim < DIM__COUNT; dim++) {
		const char *const *ev = dimension_events[dim];
		strbuf_addf(sql, ", e%d AS MATERIALIZED (SELECT %s.subject, %s.district, %s, (SELECT "
			    "s.kind FROM subjects s WHERE s.code = %s.subject AND s.district = "
			    "%s.district AND " ON_LIST ") AS subject_kind FROM %s %s WHERE %s.%s >= ? "
			    "AND %s.%s <= ? AND %s.subject IS NOT NULL AND ", dim, ev[1], ev[1], ev[3],
			    ev[1], ev[1], ev[0], ev[1], ev[1], ev[2], ev[1], ev[2], ev[1]);
		sqlp_text(p, month);
		sqlp_text(p, month);
		sqlp_text(p, start);
		sqlp_text(p, end);
		veto_sql(sql, dim, loose);
		if (sel && sel->code) {
			/*
			 * one subject's events, found by subject and date; those of
			 * other districts meet no rules of theirs below
			 */
			strbuf_addf(sql, " AND %s.subject = ?", ev[1]);
			sqlp_text(p, sel->code);
			/* PostgreSQL: and of the district, its partition alone (migration 028) */
			if (dialect == DB_POSTGRES) {
				strbuf_addf(sql, " AND %s.district = ?", ev[1]);
				sqlp_text(p, d[0]);
			}
		} else {
			strbuf_addf(sql, " AND %s.district IN", ev[1]);
			param_list(sql, p, d, n);
		}
		strbuf_addch(sql, ')');
	}
	if (insert) {
		static const char *const max[] = { "MAX(f.pf)", "MAX(f.af)", "MAX(f.cf)", "MAX(f.kf)" };

		strbuf_addstr(sql, " INSERT INTO determinations (district, month, subject, ");
		determined_list(sql, 1, NULL);
		strbuf_addstr(sql, ") SELECT f.district, CAST(? AS TEXT), f.subject, ");
		determined_list(sql, 0, max);
		strbuf_addstr(sql, " FROM (");
		sqlp_text(p, month);
	} else {
		/*
		 * the one subject's month: is it kept; its provisional result now
		 * (bits: petition, accident, case, checklist); its stored row
		 * (NULL: none) packed as 1 + 2 × those bits + 32 × fail + 64 ×
		 * case_final; are there overrides in the month
		 */
		strbuf_addstr(sql, " SELECT CASE WHEN EXISTS (" KEPT_MONTHS " AND m.month = ?) THEN 1 "
				   "ELSE 0 END, COALESCE(MAX(f.pf) + 2 * MAX(f.af) + 4 * MAX(f.cf) + 8 * "
				   "MAX(f.kf), 0), (SELECT 1 + 2 * (d.petition_fail + 2 * d.accident_fail + "
				   "4 * d.case_fail + 8 * d.checklist_fail) + 32 * d.fail + 64 * d.case_final "
				   "FROM determinations d WHERE d.district = ? AND d.month = ? AND d.subject = "
				   "?), CASE WHEN EXISTS (SELECT 1 FROM overrides o WHERE o.district = ? AND "
				   "o.month = ?) THEN 1 ELSE 0 END FROM (");
		sqlp_text(p, d[0]);
		sqlp_text(p, month);
		sqlp_text(p, d[0]);
		sqlp_text(p, month);
		sqlp_text(p, sel->code);
		sqlp_text(p, d[0]);
		sqlp_text(p, month);
	}
	/* … then those that the rules of their subject's district and kind count */
	for (dim = 0; dim < DIM__COUNT; dim++) {
		const char *const *ev = dimension_events[dim];
		strbuf_addf(sql, "SELECT %s.district AS district, %s.subject AS subject, %d AS pf, "
			    "%d AS af, %d AS cf, 0 AS kf FROM e%d %s CROSS JOIN r WHERE r.district = "
			    "%s.district AND r.kind = %s.subject_kind AND ", ev[1], ev[1], dim == DIM_PETITION,
			    dim == DIM_ACCIDENT, dim == DIM_CASE, dim, ev[1], ev[1], ev[1]);
		veto_sql(sql, dim, NULL);
		if (sel && sel->kind) {
			strbuf_addstr(sql, " AND r.kind = ?");
			sqlp_text(p, sel->kind);
		}
		strbuf_addstr(sql, " UNION ALL ");
	}
	/* the checklist, where the standard of the kind turns it on: a score at the pass mark */
	strbuf_addstr(sql, "SELECT s.district, s.code, 0, 0, 0, 1 FROM subjects s CROSS JOIN r "
		      "WHERE r.checklist = 1 AND r.district = s.district AND r.kind = s.kind AND "
		      ON_LIST " AND NOT EXISTS (SELECT 1 FROM checklists k WHERE k.subject = s.code AND "
		      "k.month = ? AND k.score >= r.checklist_pass) AND s.district IN");
	sqlp_text(p, month);
	sqlp_text(p, month);
	sqlp_text(p, month);
	param_list(sql, p, d, n);
	if (sel && (sel->code || sel->kind)) {
		strbuf_addstr(sql, sel->code ? " AND s.code = ?" : " AND s.kind = ?");
		sqlp_text(p, sel->code ? sel->code : sel->kind);
	}
	strbuf_addstr(sql, insert ? ") f GROUP BY f.district, f.subject" : ") f");
}

/* The overrides of the month, in those of districts d[0..n) that have some. */
static int overrides_of(struct db *db, char *const *d, size_t n, const char *month,
			struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct db_stmt *st = NULL;
	char **touched = NULL;
	size_t j, ntouched = 0;
	int rc;

	strbuf_addstr(&sql, "SELECT DISTINCT district FROM overrides WHERE month = ? AND district IN");
	sqlp_text(&p, month);
	param_list(&sql, &p, d, n);
	rc = prepare_params(db, sql.buf, &p, &st, err);
	while (!rc && (rc = db_step(st, err)) == DB_ROW) {
		char **grown = xrealloc(touched, (ntouched + 1) * sizeof(*touched));
		grown[ntouched] = xstrdup(db_column_text(st, 0));
		touched = grown;
		ntouched++;
		rc = 0;
	}
	if (st)
		db_finalize(st);
	for (j = 0; rc >= 0 && j < ntouched; j++)
		if (apply_overrides(db, touched[j], month, err))
			rc = -1;
	for (j = 0; j < ntouched; j++)
		free(touched[j]);
	free(touched);
	sqlp_release(&p);
	strbuf_release(&sql);
	return rc < 0 ? -1 : 0;
}

/*
 * The rules in force in `month` for each kind in districts d[0..n)
 * (rules_of()) and the loosest of them all (`loose`).
 */
static int month_rules(struct db *db, char *const *d, size_t n, const char *month,
		       struct assess_rules *rules, int loose[NRULES], struct strbuf *err)
{
	int vals[NRULES], i;
	size_t k;

	if (rules_of(db, d, n, month, rules, err))
		return -1;
	for (k = 0; k < n * NKINDS; k++) {
		rule_values(&rules[k], vals);
		for (i = 0; i < NRULES; i++)
			if (!k || (i < LOOSE_MAX ? vals[i] < loose[i] : vals[i] > loose[i]))
				loose[i] = vals[i];
	}
	return 0;
}

/*
 * The figure cells of districts d[0..n) that a new determination of
 * `month` makes stale: those of the month and of the rest of its year (who
 * complied every month so far), computed again when next read.
 */
static int cells_forget(struct db *db, char *const *d, size_t n, const char *month,
			struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	char dec[8];
	int rc;

	snprintf(dec, sizeof(dec), "%.4s-12", month);
	strbuf_addstr(&sql, "DELETE FROM figure_months WHERE month >= ? AND month <= ? AND district IN");
	sqlp_text(&p, month);
	sqlp_text(&p, dec);
	param_list(&sql, &p, d, n);
	rc = run_params(db, sql.buf, &p, err);
	strbuf_release(&sql);
	return rc;
}

/*
 * Compute month `month` of districts d[0..n) into determinations, each
 * district at version v[i] (in a transaction that holds their locks): a row
 * for each subject on the list that an event of the month or the checklist
 * fails, or that an override touches; the others comply.  The month's
 * events are read once, by district and date, and only those that the
 * loosest standard can count are joined to their subject and its rules.
 */
static int compute_months(struct db *db, char *const *d, const int64_t *v, size_t n,
			  const char *month, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct assess_rules *rules = xcalloc(n * NKINDS, sizeof(*rules));
	int loose[NRULES], ret = -1;
	size_t j;

	if (month_rules(db, d, n, month, rules, loose, err))
		goto cleanup;
	strbuf_addstr(&sql, "DELETE FROM determinations WHERE month = ? AND district IN");
	sqlp_text(&p, month);
	param_list(&sql, &p, d, n);
	if (run_params(db, sql.buf, &p, err))
		goto cleanup;
	strbuf_reset(&sql);
	failing_sql(db_dialect(db), &sql, &p, d, n, month, rules, loose, NULL, 1);
	if (run_params(db, sql.buf, &p, err) || overrides_of(db, d, n, month, err) ||
	    cells_forget(db, d, n, month, err))
		goto cleanup;

	strbuf_reset(&sql);
	strbuf_addstr(&sql, "INSERT INTO assess_months (district, month, computed_version, "
			    "computed_at, published) VALUES ");
	for (j = 0; j < n; j++) {
		strbuf_addf(&sql, "%s(?, ?, %" PRId64 ", %" PRId64 ", 0)", j ? ", " : "", v[j],
			    (int64_t)time_now());
		sqlp_text(&p, d[j]);
		sqlp_text(&p, month);
	}
	strbuf_addstr(&sql, " ON CONFLICT (district, month) DO UPDATE SET computed_version = "
			    "excluded.computed_version, computed_at = excluded.computed_at");
	if (run_params(db, sql.buf, &p, err))
		goto cleanup;
	ret = 0;
cleanup:
	free(rules);
	sqlp_release(&p);
	strbuf_release(&sql);
	return ret;
}

/* ---- the determination kept in place by the writes ---- */

int assess_kept_months(struct db *db, const char *district, const char *from,
		       struct month_list *out, struct strbuf *err)
{
	const char *p[] = { district, from ? from : "" };

	return month_list_read(db, KEPT_MONTHS " AND m.month >= ? ORDER BY m.month", p, 2, out, err);
}

/* The one subject's row of the month written as determined (`bits`), no override over it. */
static int write_subject_row(struct db *db, const char *district, const char *month,
			     const char *subject, int bits, int present, struct strbuf *err)
{
	static const char *const param[] = { "?", "?", "?", "?" };
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	size_t i;
	int ret;

	if (!bits) {
		strbuf_addstr(&sql, "DELETE FROM determinations WHERE ");
	} else {
		if (present) {
			strbuf_addstr(&sql, "UPDATE determinations SET ");
			determined_list(&sql, 1, param);
			strbuf_addstr(&sql, " WHERE ");
		} else {
			strbuf_addstr(&sql, "INSERT INTO determinations (");
			determined_list(&sql, 1, NULL);
			strbuf_addstr(&sql, ", district, month, subject) VALUES (");
			determined_list(&sql, 0, param);
			strbuf_addstr(&sql, ", ?, ?, ?)");
		}
		for (i = 0; i < NDETERMINED; i++)
			if (determined[i].fail >= 0)
				sqlp_int(&p, bits >> determined[i].fail & 1);
	}
	if (!bits || present)
		strbuf_addstr(&sql, "district = ? AND month = ? AND subject = ?");
	sqlp_text(&p, district);
	sqlp_text(&p, month);
	sqlp_text(&p, subject);
	ret = sqlp_run(db, sql.buf, &p, err);
	sqlp_release(&p);
	strbuf_release(&sql);
	return ret;
}

int assess_subject_redetermine(struct db *db, const char *district, const char *month,
			       const char *subject, int force, struct determination_was *was,
			       struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct assess_rules rules[NKINDS];
	struct subject_sel sel = { .code = subject };
	struct db_stmt *st = NULL;
	char *d = (char *)district;
	int loose[NRULES], rc = -1, bits, stored, overrides;

	if (month_rules(db, &d, 1, month, rules, loose, err))
		goto cleanup;
	failing_sql(db_dialect(db), &sql, &p, &d, 1, month, rules, loose, &sel, 0);
	if (prepare_params(db, sql.buf, &p, &st, err))
		goto cleanup;
	if ((rc = db_step(st, err)) != DB_ROW) {
		rc = rc < 0 ? -1 : 0;
		goto cleanup;
	}
	bits = (int)db_column_int64(st, 1);
	stored = db_column_is_null(st, 2) ? 0 : (int)db_column_int64(st, 2);
	overrides = (int)db_column_int64(st, 3);
	was->present = stored & 1;
	was->fail = stored >> 5 & 1;
	was->case_final = stored >> 6 & 1;
	rc = 0;
	if (!db_column_int64(st, 0) || (!force && bits == (stored >> 1 & 15)))
		goto cleanup; /* not kept, or unchanged */
	db_finalize(st);
	st = NULL;
	/* an override may stand over the month's results: the month determined for it again */
	if (overrides || force)
		rc = assess_subjects_compute(db, district, month, &sel, err);
	else
		rc = write_subject_row(db, district, month, subject, bits, was->present, err);
	rc = rc ? -1 : 1;
cleanup:
	if (st)
		db_finalize(st);
	sqlp_release(&p);
	strbuf_release(&sql);
	return rc;
}

int assess_subjects_compute(struct db *db, const char *district, const char *month,
			    const struct subject_sel *sel, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct assess_rules rules[NKINDS];
	char *d = (char *)district;
	int loose[NRULES], ret = -1;

	if (month_rules(db, &d, 1, month, rules, loose, err))
		goto cleanup;
	strbuf_addstr(&sql, "DELETE FROM determinations WHERE district = ? AND month = ? AND ");
	sqlp_text(&p, district);
	sqlp_text(&p, month);
	if (sel->code) {
		strbuf_addstr(&sql, "subject = ?");
		sqlp_text(&p, sel->code);
	} else {
		/* the subjects of the kind */
		strbuf_addstr(&sql, "subject IN (SELECT s.code FROM subjects s WHERE s.kind = ?)");
		sqlp_text(&p, sel->kind);
	}
	if (run_params(db, sql.buf, &p, err))
		goto cleanup;
	strbuf_reset(&sql);
	failing_sql(db_dialect(db), &sql, &p, &d, 1, month, rules, loose, sel, 1);
	if (run_params(db, sql.buf, &p, err) || overrides_of(db, &d, 1, month, err))
		goto cleanup;
	ret = 0;
cleanup:
	sqlp_release(&p);
	strbuf_release(&sql);
	return ret;
}

void month_list_add(struct month_list *l, const char *month)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->m = xrealloc(l->m, l->cap * sizeof(*l->m));
	}
	snprintf(l->m[l->n++], sizeof(l->m[0]), "%.7s", month);
}

int month_list_read(struct db *db, const char *sql, const char *const *params, int n,
		    struct month_list *out, struct strbuf *err)
{
	struct db_stmt *st;
	int rc, i;

	out->n = 0;
	if (db_prepare(db, sql, &st, err))
		return -1;
	for (i = 0; i < n; i++)
		db_bind_text(st, i + 1, params[i]);
	while ((rc = db_step(st, err)) == DB_ROW)
		month_list_add(out, db_column_text(st, 0));
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

void month_list_release(struct month_list *l)
{
	free(l->m);
	memset(l, 0, sizeof(*l));
}

int assess_begin_district(struct db *db, int lock, const char *district, struct strbuf *err)
{
	char key[16];
	const char *p[] = { key, district };

	if (db_begin(db, err))
		return -1;
	snprintf(key, sizeof(key), "%d", lock);
	if (db_dialect(db) == DB_POSTGRES &&
	    db_exec_params(db, "SELECT pg_advisory_xact_lock(CAST(? AS INTEGER), hashtext(CAST(? AS TEXT)))",
			p, 2, err)) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

/* Is `month` of `district` published (1), not (0), or error (-1)? */
int month_state(struct db *db, const char *district, const char *month, int64_t *computed,
		       struct strbuf *err)
{
	struct db_stmt *st;
	int rc, published = 0;

	*computed = -1;
	if (db_prepare(db, "SELECT computed_version, published FROM assess_months WHERE district = ? "
		       "AND month = ?", &st, err))
		return -1;
	db_bind_text(st, 1, district);
	db_bind_text(st, 2, month);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		*computed = db_column_int64(st, 0);
		published = db_column_int64(st, 1) != 0;
	}
	db_finalize(st);
	return rc < 0 ? -1 : published;
}

int assess_refresh(struct db *db, const char *district, const char *from, const char *to,
		   struct strbuf *err)
{
	char m[8], next[8];
	int64_t version, computed;
	int stale = 0, in_tx = 0, ret = -1, pub;

	version = assess_counter(db, "assess_versions", district, err);
	if (version < 0)
		return -1;
	/* a read that finds everything fresh writes nothing */
	for (snprintf(m, sizeof(m), "%s", from); strcmp(m, to) <= 0; snprintf(m, sizeof(m), "%s", next)) {
		pub = month_state(db, district, m, &computed, err);
		if (pub < 0)
			return -1;
		if (!pub && computed != version)
			stale = 1;
		if (month_add(m, 1, next))
			return -1;
	}
	if (!stale)
		return 0;
	/* an external district's months are its packages' (never computed: always "stale") */
	if ((pub = assess_is_external(db, district, err)))
		return pub < 0 ? -1 : 0;
	if (assess_begin_district(db, 73011, district, err))
		return -1;
	in_tx = 1;
	version = assess_counter(db, "assess_versions", district, err); /* again, under the write lock */
	if (version < 0)
		goto cleanup;
	for (snprintf(m, sizeof(m), "%s", from); strcmp(m, to) <= 0; snprintf(m, sizeof(m), "%s", next)) {
		pub = month_state(db, district, m, &computed, err);
		if (pub < 0)
			goto cleanup;
		if (!pub && computed != version &&
		    compute_months(db, (char *const[]){ (char *)district }, &version, 1, m, err))
			goto cleanup;
		month_add(m, 1, next);
	}
	if (db_commit(db, err))
		goto cleanup;
	in_tx = 0;
	ret = 0;
cleanup:
	if (in_tx)
		db_rollback(db);
	return ret;
}

/* ---- districts of an actor ---- */

char **assess_districts(struct db *db, const struct actor *a, enum assess_which which,
			const char *from, const char *to, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct db_stmt *st;
	char **out = NULL;
	size_t n = 0;
	int rc, y1, m1, y2, m2, months;

	if ((a->role != ROLE_SYSTEM && a->role != ROLE_REGION && !a->district) ||
	    (which != DISTRICTS_ALL && (month_parse(from, &y1, &m1) || month_parse(to, &y2, &m2)))) {
		out = xcalloc(1, sizeof(*out));
		return out;
	}
	months = which == DISTRICTS_ALL ? 0 : (y2 * 12 + m2) - (y1 * 12 + m1) + 1;
	strbuf_addstr(&sql, "SELECT r.code FROM regions r");
	if (which != DISTRICTS_ALL)
		strbuf_addstr(&sql, " LEFT JOIN assess_versions av ON av.district = r.code "
				    "LEFT JOIN figure_versions fv ON fv.district = r.code");
	strbuf_addstr(&sql, " WHERE r.level = 'district'");
	if (a->role == ROLE_REGION) {
		/* an office above the districts: those under its city or province */
		strbuf_addstr(&sql, " AND r.code IN (" SCOPE_REGION_DISTRICTS ")");
		sqlp_text(&p, a->region ? a->region : "");
		sqlp_text(&p, a->region ? a->region : "");
	} else if (a->role != ROLE_SYSTEM) {
		strbuf_addstr(&sql, " AND r.code = ?");
		sqlp_text(&p, a->district);
	}
	/* what assess_refresh and cells_refresh find stale, for every district at once */
	if (which != DISTRICTS_ALL) {
		/* never an external district's: its packages say what it is */
		strbuf_addstr(&sql, " AND NOT EXISTS (SELECT 1 FROM exchange_districts x WHERE "
				    "x.district = r.code)");
		strbuf_addf(&sql, " AND ((SELECT COUNT(*) FROM assess_months m WHERE m.district = r.code "
			    "AND m.month >= ? AND m.month <= ? AND (m.published = 1 OR "
			    "m.computed_version = COALESCE(av.version, 0))) < %d", months);
		sqlp_text(&p, from);
		sqlp_text(&p, to);
		if (which == DISTRICTS_STALE_CELLS) {
			strbuf_addf(&sql, " OR (SELECT COUNT(*) FROM figure_months f WHERE f.district = "
				    "r.code AND f.month >= ? AND f.month <= ? AND f.assess_version = "
				    "COALESCE(av.version, 0) AND f.figure_version = COALESCE(fv.version, "
				    "0)) < %d", months);
			sqlp_text(&p, from);
			sqlp_text(&p, to);
		}
		strbuf_addch(&sql, ')');
	}
	strbuf_addstr(&sql, " ORDER BY r.code");
	rc = db_prepare(db, sql.buf, &st, err);
	strbuf_release(&sql);
	if (rc) {
		sqlp_release(&p);
		return NULL;
	}
	sqlp_bind(&p, st, 1);
	out = xcalloc(1, sizeof(*out));
	while ((rc = db_step(st, err)) == DB_ROW) {
		char **grown = xrealloc(out, (n + 2) * sizeof(*out));
		out = grown;
		if (!(out[n++] = xstrdup(db_column_text(st, 0))))
			abort();
		out[n] = NULL;
	}
	db_finalize(st);
	sqlp_release(&p);
	if (rc < 0) {
		assess_districts_free(out);
		return NULL;
	}
	return out;
}

void assess_districts_free(char **d)
{
	size_t i;

	for (i = 0; d && d[i]; i++)
		free(d[i]);
	free(d);
}

/* How many districts one statement of compute_months() takes at most. */
#define DISTRICTS_PER_STATEMENT 200

int assess_refresh_all(struct db *db, const struct actor *a, const char *from, const char *to,
		       struct strbuf *err)
{
	char **stale = assess_districts(db, a, DISTRICTS_STALE, from, to, err), **codes = NULL;
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct db_stmt *st = NULL;
	int64_t *versions = NULL;
	char m[8], next[8];
	size_t n = 0, nc, i, j;
	int rc, ret = -1, in_tx = 0;

	if (!stale)
		return -1;
	while (stale[n])
		n++;
	if (!n) {
		ret = 0; /* a read that finds everything fresh writes nothing */
		goto cleanup;
	}
	codes = xcalloc(n, sizeof(*codes));
	versions = xcalloc(n, sizeof(*versions));
	if (db_begin(db, err))
		goto cleanup;
	in_tx = 1;
	if (db_dialect(db) == DB_POSTGRES) {
		/* each district's lock (assess_begin_district's), taken in one order */
		strbuf_addstr(&sql, "SELECT COUNT(pg_advisory_xact_lock(73011, hashtext(x.code))) FROM "
				    "(SELECT code FROM regions WHERE code IN");
		param_list(&sql, &p, stale, n);
		strbuf_addstr(&sql, " ORDER BY code) x");
		if (run_params(db, sql.buf, &p, err))
			goto cleanup;
	}
	for (snprintf(m, sizeof(m), "%s", from); strcmp(m, to) <= 0; snprintf(m, sizeof(m), "%s", next)) {
		/* the districts whose month m is stale, and their versions, under the locks */
		strbuf_reset(&sql);
		strbuf_addstr(&sql, "SELECT r.code, COALESCE(av.version, 0) FROM regions r LEFT JOIN "
				    "assess_versions av ON av.district = r.code LEFT JOIN assess_months "
				    "am ON am.district = r.code AND am.month = ? WHERE (am.district IS "
				    "NULL OR (am.published = 0 AND am.computed_version <> "
				    "COALESCE(av.version, 0))) AND r.code IN");
		sqlp_text(&p, m);
		param_list(&sql, &p, stale, n);
		strbuf_addstr(&sql, " ORDER BY r.code");
		rc = prepare_params(db, sql.buf, &p, &st, err);
		nc = 0;
		while (!rc && (rc = db_step(st, err)) == DB_ROW) {
			/* codes[] point into stale[], which outlives them */
			for (j = 0; j < n && strcmp(stale[j], db_column_text(st, 0)); j++)
				;
			codes[nc] = stale[j < n ? j : 0];
			versions[nc++] = db_column_int64(st, 1);
			rc = 0;
		}
		if (st)
			db_finalize(st);
		st = NULL;
		if (rc < 0)
			goto cleanup;
		for (i = 0; i < nc; i += DISTRICTS_PER_STATEMENT)
			if (compute_months(db, codes + i, versions + i,
					   nc - i < DISTRICTS_PER_STATEMENT ? nc - i : DISTRICTS_PER_STATEMENT,
					   m, err))
				goto cleanup;
		if (month_add(m, 1, next))
			goto cleanup;
	}
	if (db_commit(db, err))
		goto cleanup;
	in_tx = 0;
	ret = 0;
cleanup:
	if (in_tx)
		db_rollback(db);
	assess_districts_free(stale);
	free(codes);
	free(versions);
	sqlp_release(&p);
	strbuf_release(&sql);
	return ret;
}
