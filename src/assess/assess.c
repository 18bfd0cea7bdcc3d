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
#include "model/entity_int.h"
#include "model/enums.h"

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
static void veto_sql(struct strbuf *sql, int d, const int *lit)
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
static const char *const subject_kinds[] = { "village", "community", "enterprise", "institution" };
#define NKINDS (sizeof(subject_kinds) / sizeof(subject_kinds[0]))

/*
 * "WITH r (district, kind, thresholds…, checklist, checklist_pass) AS
 * (VALUES …)", to which more tables may follow: a table of rules, row k
 * the rules `rules[k]` of kind subject_kinds[k % NKINDS] in a district
 * given as a parameter (one a row, in order).  VALUES, not a UNION of
 * SELECTs: hundreds of rows are planned as one scan.
 */
static void rules_with(struct strbuf *sql, const struct assess_rules *rules, size_t n)
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

static const char *const dimension_codes[DIM__COUNT] = { "petition", "accident", "case" };
static const enum role dimension_roles[DIM__COUNT] = { ROLE_PETITION, ROLE_SAFETY, ROLE_POLICE };

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

static int exec_params(struct db *db, const char *sql, const char *const *p, int n,
		       struct strbuf *err)
{
	struct db_stmt *st;
	int i, rc;

	if (db_prepare(db, sql, &st, err))
		return -1;
	for (i = 0; i < n; i++)
		db_bind_text(st, i + 1, p[i]);
	rc = db_step(st, err);
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int assess_mark_stale(struct db *db, const char *district, struct strbuf *err)
{
	return exec_params(db, "INSERT INTO assess_versions (district, version) VALUES (?, 1) "
			   "ON CONFLICT (district) DO UPDATE SET version = assess_versions.version + 1",
			   (const char *[]){ district }, 1, err);
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
#define ON_LIST "s.active_from <= ? AND (s.active_to IS NULL OR s.active_to >= ?)"

/* The events of each dimension: table, alias, date column and the columns its veto reads. */
static const char *const dimension_events[DIM__COUNT][4] = {
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
		     "o.subject)", &p, err))
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
		if (exec_params(db, sql.buf, p3, 4, err))
			goto cleanup;
	}
	if (exec_params(db, "UPDATE determinations SET fail = CASE WHEN petition_final + "
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
	struct db_stmt *st = NULL;
	char start[16], end[16], **touched = NULL;
	int loose[NRULES], vals[NRULES], i, dim, rc, ret = -1;
	size_t k, j, ntouched = 0;

	if (!rules)
		abort();
	snprintf(start, sizeof(start), "%s-01", month);
	snprintf(end, sizeof(end), "%s-31", month);
	if (rules_of(db, d, n, month, rules, err))
		goto cleanup;
	/* the rules of each district and kind, as a table r, and the loosest of them */
	for (k = 0; k < n * NKINDS; k++) {
		rule_values(&rules[k], vals);
		for (i = 0; i < NRULES; i++)
			if (!k || (i < LOOSE_MAX ? vals[i] < loose[i] : vals[i] > loose[i]))
				loose[i] = vals[i];
	}
	strbuf_addstr(&sql, "DELETE FROM determinations WHERE month = ? AND district IN");
	sqlp_text(&p, month);
	param_list(&sql, &p, d, n);
	if (run_params(db, sql.buf, &p, err))
		goto cleanup;

	strbuf_reset(&sql);
	rules_with(&sql, rules, n * NKINDS);
	for (k = 0; k < n * NKINDS; k++)
		sqlp_text(&p, d[k / NKINDS]);
	/*
	 * the events of the month that the loosest rules can count, each with
	 * the kind of its subject when that is on the list: read apart
	 * (MATERIALIZED) and the subject looked up per event (a scalar
	 * subquery), so that no engine probes the events per subject or scans
	 * every subject — PostgreSQL cannot tell how few events the rules keep
	 */
	for (dim = 0; dim < DIM__COUNT; dim++) {
		const char *const *ev = dimension_events[dim];
		strbuf_addf(&sql, ", e%d AS MATERIALIZED (SELECT %s.subject, %s.district, %s, (SELECT "
			    "s.kind FROM subjects s WHERE s.code = %s.subject AND s.district = "
			    "%s.district AND " ON_LIST ") AS subject_kind FROM %s %s WHERE %s.%s >= ? "
			    "AND %s.%s <= ? AND %s.subject IS NOT NULL AND ", dim, ev[1], ev[1], ev[3],
			    ev[1], ev[1], ev[0], ev[1], ev[1], ev[2], ev[1], ev[2], ev[1]);
		sqlp_text(&p, month);
		sqlp_text(&p, month);
		sqlp_text(&p, start);
		sqlp_text(&p, end);
		veto_sql(&sql, dim, loose);
		strbuf_addf(&sql, " AND %s.district IN", ev[1]);
		param_list(&sql, &p, d, n);
		strbuf_addch(&sql, ')');
	}
	strbuf_addstr(&sql, " INSERT INTO determinations (district, month, subject, petition_fail, "
			    "accident_fail, case_fail, checklist_fail, petition_final, accident_final, "
			    "case_final, fail) SELECT f.district, CAST(? AS TEXT), f.subject, "
			    "MAX(f.pf), MAX(f.af), MAX(f.cf), MAX(f.kf), MAX(f.pf), MAX(f.af), "
			    "MAX(f.cf), 1 FROM (");
	sqlp_text(&p, month);
	/* … then those that the rules of their subject's district and kind count */
	for (dim = 0; dim < DIM__COUNT; dim++) {
		const char *const *ev = dimension_events[dim];
		strbuf_addf(&sql, "SELECT %s.district AS district, %s.subject AS subject, %d AS pf, "
			    "%d AS af, %d AS cf, 0 AS kf FROM e%d %s CROSS JOIN r WHERE r.district = "
			    "%s.district AND r.kind = %s.subject_kind AND ", ev[1], ev[1], dim == DIM_PETITION,
			    dim == DIM_ACCIDENT, dim == DIM_CASE, dim, ev[1], ev[1], ev[1]);
		veto_sql(&sql, dim, NULL);
		strbuf_addstr(&sql, " UNION ALL ");
	}
	/* the checklist, where the standard of the kind turns it on: a score at the pass mark */
	strbuf_addstr(&sql, "SELECT s.district, s.code, 0, 0, 0, 1 FROM subjects s CROSS JOIN r "
		    "WHERE r.checklist = 1 AND r.district = s.district AND r.kind = s.kind AND "
		    ON_LIST " AND NOT EXISTS (SELECT 1 FROM checklists k WHERE k.subject = s.code AND "
		    "k.month = ? AND k.score >= r.checklist_pass) AND s.district IN");
	sqlp_text(&p, month);
	sqlp_text(&p, month);
	sqlp_text(&p, month);
	param_list(&sql, &p, d, n);
	strbuf_addstr(&sql, ") f GROUP BY f.district, f.subject");
	if (run_params(db, sql.buf, &p, err))
		goto cleanup;

	/* the overrides of the districts that have some this month */
	strbuf_reset(&sql);
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
	if (rc < 0)
		goto cleanup;
	for (j = 0; j < ntouched; j++)
		if (apply_overrides(db, touched[j], month, err))
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
	for (j = 0; j < ntouched; j++)
		free(touched[j]);
	free(touched);
	free(rules);
	sqlp_release(&p);
	strbuf_release(&sql);
	return ret;
}

int assess_begin_district(struct db *db, int lock, const char *district, struct strbuf *err)
{
	char key[16];
	const char *p[] = { key, district };

	if (db_begin(db, err))
		return -1;
	snprintf(key, sizeof(key), "%d", lock);
	if (db_dialect(db) == DB_POSTGRES &&
	    exec_params(db, "SELECT pg_advisory_xact_lock(CAST(? AS INTEGER), hashtext(CAST(? AS TEXT)))",
			p, 2, err)) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

/* Is `month` of `district` published (1), not (0), or error (-1)? */
static int month_state(struct db *db, const char *district, const char *month, int64_t *computed,
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

	if ((a->role != ROLE_SYSTEM && !a->district) ||
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
	if (a->role != ROLE_SYSTEM) {
		strbuf_addstr(&sql, " AND r.code = ?");
		sqlp_text(&p, a->district);
	}
	/* what assess_refresh and cells_refresh find stale, for every district at once */
	if (which != DISTRICTS_ALL) {
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

/* ---- certification and publication ---- */

/* Is `month` (valid) after the current month? */
static int month_future(const char *month)
{
	char now[8];

	month_now_utc(now);
	return strcmp(month, now) > 0;
}

static int check_month(const struct actor *a, const char *month, struct model_error *e)
{
	if (!month || !month_valid(month))
		return model_fail(e, MODEL_EINVAL, "month", "月份格式应为 YYYY-MM");
	if (month_future(month))
		return model_fail(e, MODEL_EINVAL, "month", "不能认定尚未到来的月份");
	if (!a->district)
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权办理认定");
	return 0;
}

/* Refresh the month, then begin the act's transaction; refuse a published month. */
static int begin_act(struct db *db, const struct actor *a, const char *month, int need_open,
		     struct model_error *e)
{
	int64_t computed;
	int pub;

	if (assess_refresh(db, a->district, month, month, &e->msg) || db_begin(db, &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	pub = month_state(db, a->district, month, &computed, &e->msg);
	if (pub < 0) {
		db_rollback(db);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	if (need_open && pub) {
		db_rollback(db);
		return model_fail(e, MODEL_ECONFLICT, "month", "%s 已发布，须先由创建办重新开启", month);
	}
	if (!need_open && !pub) {
		db_rollback(db);
		return model_fail(e, MODEL_ECONFLICT, "month", "%s 尚未发布", month);
	}
	return 0;
}

static int finish_act(struct db *db, const struct actor *a, const char *action, const char *object,
		      const char *detail, struct model_error *e)
{
	if (audit_append(db, a, action, object, "ok", detail, &e->msg) || db_commit(db, &e->msg)) {
		db_rollback(db);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	return 0;
}

static int lead_of(const struct actor *a, const char *dimension, struct model_error *e)
{
	int d = assess_dimension_parse(dimension), k, lead = a->role == ROLE_SYSTEM;

	/* who is no lead at all is refused before what it sent is judged */
	for (k = 0; k < DIM__COUNT; k++)
		lead |= a->role == dimension_roles[k];
	if (!lead)
		return model_fail(e, MODEL_EFORBIDDEN, NULL,
				  "只有信访、应急、公安牵头部门可以确认或更改认定");
	if (d < 0)
		return model_fail(e, MODEL_EINVAL, "dimension",
				  "dimension 应为 petition、accident 或 case");
	if (a->role != dimension_roles[d] && a->role != ROLE_SYSTEM)
		return model_fail(e, MODEL_EFORBIDDEN, "dimension",
				  "只有%s可以认定“%s”", role_label(dimension_roles[d]),
				  d == DIM_PETITION ? "零上访" : d == DIM_ACCIDENT ? "零事故" : "零案件");
	return d;
}

int assess_certify(struct db *db, const struct actor *a, const char *month, const char *dimension,
		   struct model_error *e)
{
	struct strbuf obj = STRBUF_INIT;
	struct db_stmt *st = NULL;
	int ret, d, rc;

	if ((ret = check_month(a, month, e)))
		return ret;
	if ((d = lead_of(a, dimension, e)) < 0)
		return d;
	if ((ret = begin_act(db, a, month, 1, e)))
		return ret;
	if (db_prepare(db, "INSERT INTO certifications (district, month, dimension, department, "
		       "confirmed_by, confirmed_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (district, "
		       "month, dimension) DO UPDATE SET department = excluded.department, "
		       "confirmed_by = excluded.confirmed_by, confirmed_at = excluded.confirmed_at",
		       &st, &e->msg)) {
		db_rollback(db);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	db_bind_text(st, 1, a->district);
	db_bind_text(st, 2, month);
	db_bind_text(st, 3, dimension_codes[d]);
	if (a->dept)
		db_bind_text(st, 4, a->dept);
	else
		db_bind_null(st, 4);
	db_bind_text(st, 5, a->username ? a->username : "-");
	db_bind_int64(st, 6, time_now());
	rc = db_step(st, &e->msg);
	db_finalize(st);
	if (rc < 0) {
		db_rollback(db);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	strbuf_addf(&obj, "months/%s %s", month, dimension_codes[d]);
	ret = finish_act(db, a, "assess.certify", obj.buf, "", e);
	strbuf_release(&obj);
	return ret;
}

int assess_override(struct db *db, const struct actor *a, const char *month, const char *subject,
		    const char *dimension, const char *result, const char *reason,
		    struct model_error *e)
{
	struct strbuf obj = STRBUF_INIT, detail = STRBUF_INIT;
	struct db_stmt *st = NULL;
	const char *p[4] = { subject, month, month };
	char *found = NULL;
	int ret, d, rc;

	if ((ret = check_month(a, month, e)))
		return ret;
	if ((d = lead_of(a, dimension, e)) < 0)
		return d;
	if (!result || (strcmp(result, "pass") && strcmp(result, "fail")))
		return model_fail(e, MODEL_EINVAL, "result", "result 应为 pass（达标）或 fail（不达标）");
	if (model_reason_check(e, reason))
		return e->code;
	if (!subject)
		return model_fail(e, MODEL_EINVAL, "subject", "缺少创建主体");
	if ((ret = begin_act(db, a, month, 1, e)))
		return ret;
	/* the subject must be on the list that month, in the actor's district */
	if (db_query_value(db, "SELECT s.district FROM subjects s WHERE s.code = ? AND " ON_LIST,
			   p, 3, &found, &e->msg)) {
		db_rollback(db);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	if (!found || strcmp(found, a->district)) {
		free(found);
		db_rollback(db);
		return model_fail(e, MODEL_EINVAL, "subject", "创建主体“%s”在 %s 不在创建清单上", subject,
				  month);
	}
	free(found);
	if (exec_params(db, "DELETE FROM overrides WHERE month = ? AND subject = ? AND dimension = ?",
			(const char *[]){ month, subject, dimension_codes[d] }, 3, &e->msg) ||
	    db_prepare(db, "INSERT INTO overrides (district, month, subject, dimension, result, "
		       "reason, made_by, made_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &st, &e->msg)) {
		db_rollback(db);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	db_bind_text(st, 1, a->district);
	db_bind_text(st, 2, month);
	db_bind_text(st, 3, subject);
	db_bind_text(st, 4, dimension_codes[d]);
	db_bind_text(st, 5, result);
	db_bind_text(st, 6, reason);
	db_bind_text(st, 7, a->username ? a->username : "-");
	db_bind_int64(st, 8, time_now());
	rc = db_step(st, &e->msg);
	db_finalize(st);
	/* the month is recomputed with the override at its next read */
	if (rc < 0 || assess_mark_stale(db, a->district, &e->msg)) {
		db_rollback(db);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	strbuf_addf(&obj, "months/%s %s %s", month, subject, dimension_codes[d]);
	strbuf_addf(&detail, "result=%s reason=%.*s", result, utf8_prefix(reason, 200), reason);
	ret = finish_act(db, a, "assess.override", obj.buf, detail.buf, e);
	strbuf_release(&obj);
	strbuf_release(&detail);
	return ret;
}

int assess_publish(struct db *db, const struct actor *a, const char *month, struct model_error *e)
{
	const char *p[] = { a->district ? a->district : "", month };
	struct strbuf obj = STRBUF_INIT;
	char *n = NULL;
	int ret;

	if ((ret = check_month(a, month, e)))
		return ret;
	if (a->role != ROLE_OFFICE && a->role != ROLE_SYSTEM)
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "只有创建办可以发布");
	if ((ret = begin_act(db, a, month, 1, e)))
		return ret;
	if (db_query_value(db, "SELECT COUNT(*) FROM certifications WHERE district = ? AND month = ?",
			   p, 2, &n, &e->msg)) {
		db_rollback(db);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	if (!n || atoi(n) < DIM__COUNT) {
		free(n);
		db_rollback(db);
		return model_fail(e, MODEL_ECONFLICT, "month",
				  "信访、应急、公安三家尚未全部确认 %s 的认定结果，不能发布", month);
	}
	free(n);
	{
		char now[24];
		snprintf(now, sizeof(now), "%" PRId64, time_now());
		ret = exec_params(db, "UPDATE assess_months SET published = 1, published_at = "
				  "CAST(? AS BIGINT), published_by = ? WHERE district = ? AND month = ?",
				  (const char *[]){ now, a->username ? a->username : "-", a->district,
						    month }, 4, &e->msg);
	}
	if (ret) {
		db_rollback(db);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	strbuf_addf(&obj, "months/%s", month);
	ret = finish_act(db, a, "assess.publish", obj.buf, "", e);
	strbuf_release(&obj);
	return ret;
}

int assess_reopen(struct db *db, const struct actor *a, const char *month, const char *reason,
		  struct model_error *e)
{
	struct strbuf obj = STRBUF_INIT, detail = STRBUF_INIT;
	int ret;

	if ((ret = check_month(a, month, e)))
		return ret;
	if (a->role != ROLE_OFFICE && a->role != ROLE_SYSTEM)
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "只有创建办可以重新开启");
	if (model_reason_check(e, reason))
		return e->code;
	if ((ret = begin_act(db, a, month, 0, e)))
		return ret;
	/* reopened: the month follows the data again from its next read, and
	 * the lead departments confirm it again before it is published again */
	if (exec_params(db, "UPDATE assess_months SET published = 0, computed_version = -1 "
			"WHERE district = ? AND month = ?", (const char *[]){ a->district, month }, 2,
			&e->msg) ||
	    exec_params(db, "DELETE FROM certifications WHERE district = ? AND month = ?",
			(const char *[]){ a->district, month }, 2, &e->msg)) {
		db_rollback(db);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	strbuf_addf(&obj, "months/%s", month);
	strbuf_addf(&detail, "reason=%.*s", utf8_prefix(reason, 200), reason);
	ret = finish_act(db, a, "assess.reopen", obj.buf, detail.buf, e);
	strbuf_release(&obj);
	strbuf_release(&detail);
	return ret;
}

/* ---- reading ---- */

int assess_month_json(struct db *db, const struct actor *a, const char *month, json_t **out,
		      struct model_error *e)
{
	struct db_stmt *st = NULL;
	json_t *cert, *o;
	int64_t computed;
	int pub, rc, d;

	if (!month || !month_valid(month))
		return model_fail(e, MODEL_EINVAL, "month", "月份格式应为 YYYY-MM");
	if (month_future(month))
		return model_fail(e, MODEL_EINVAL, "month", "%s 尚未到来，没有认定结果", month);
	if (!a->district)
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权查看");
	if (assess_refresh(db, a->district, month, month, &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	pub = month_state(db, a->district, month, &computed, &e->msg);
	if (pub < 0)
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	cert = json_object();
	for (d = 0; d < DIM__COUNT; d++)
		json_object_set_new(cert, dimension_codes[d], json_null());
	if (db_prepare(db, "SELECT dimension, department, confirmed_by, confirmed_at FROM "
		       "certifications WHERE district = ? AND month = ?", &st, &e->msg)) {
		json_decref(cert);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	db_bind_text(st, 1, a->district);
	db_bind_text(st, 2, month);
	while ((rc = db_step(st, &e->msg)) == DB_ROW) {
		char at[TIME_ISO_BUFSZ];
		time_iso_utc(db_column_int64(st, 3), at);
		json_object_set_new(cert, db_column_text(st, 0),
				    json_pack("{ss ss ss}", "department", db_column_text(st, 1),
					      "by", db_column_text(st, 2), "at", at));
	}
	db_finalize(st);
	o = json_pack("{ss sb so}", "month", month, "published", pub, "certified", cert);
	/* the subjects on the list within the caller's scope; those without a row complied */
	{
		struct strbuf sql = STRBUF_INIT;
		struct sqlp p = SQLP_INIT;

		strbuf_addstr(&sql, "SELECT COUNT(*), COALESCE(SUM(d.fail), 0), "
			      "COALESCE(SUM(d.petition_final), 0), COALESCE(SUM(d.accident_final), 0), "
			      "COALESCE(SUM(d.case_final), 0) FROM subjects s LEFT JOIN determinations d "
			      "ON d.month = ? AND d.subject = s.code WHERE s.district = ? AND " ON_LIST);
		sqlp_text(&p, month);
		sqlp_text(&p, a->district);
		sqlp_text(&p, month);
		sqlp_text(&p, month);
		scope_where(&subject_desc, a, "s", &sql, &p);
		if (db_prepare(db, sql.buf, &st, &e->msg) == 0) {
			sqlp_bind(&p, st, 1);
			if (db_step(st, &e->msg) == DB_ROW)
				json_object_set_new(o, "counts", json_pack("{sI sI sI sI sI}",
					"subjects", (json_int_t)db_column_int64(st, 0),
					"failing", (json_int_t)db_column_int64(st, 1),
					"petition_failing", (json_int_t)db_column_int64(st, 2),
					"accident_failing", (json_int_t)db_column_int64(st, 3),
					"case_failing", (json_int_t)db_column_int64(st, 4)));
			db_finalize(st);
		}
		sqlp_release(&p);
		strbuf_release(&sql);
	}
	*out = o;
	return 0;
}

int assess_results_json(struct db *db, const struct actor *a, const char *month,
			const char *township, const char *kind, const char *fail, int page,
			int page_size, json_t **out, struct model_error *e)
{
	struct strbuf where = STRBUF_INIT, sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct db_stmt *st = NULL;
	json_t *items = NULL, *cert;
	struct assess_rules rules[NKINDS];
	int64_t total = 0, computed;
	int rc, d, pub, ret = 0;
	size_t k;

	if (!month || !month_valid(month))
		return model_fail(e, MODEL_EINVAL, "month", "月份格式应为 YYYY-MM");
	if (month_future(month))
		return model_fail(e, MODEL_EINVAL, "month", "%s 尚未到来，没有认定结果", month);
	if (!entity_can_read(&subject_desc, a) || !a->district)
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权查看");
	if (kind && !enum_lookup(&enum_subject_kind, kind))
		return model_fail(e, MODEL_EINVAL, "kind", "主体类型不正确");
	if (fail && strcmp(fail, "0") && strcmp(fail, "1"))
		return model_fail(e, MODEL_EBADREQ, "fail", "fail 应为 0 或 1");
	if (assess_refresh(db, a->district, month, month, &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	pub = month_state(db, a->district, month, &computed, &e->msg);
	cert = json_object();
	for (d = 0; d < DIM__COUNT; d++) {
		const char *cp[] = { a->district, month, dimension_codes[d] };
		char *v = NULL;
		db_query_value(db, "SELECT confirmed_by FROM certifications WHERE district = ? AND "
			       "month = ? AND dimension = ?", cp, 3, &v, NULL);
		json_object_set_new(cert, dimension_codes[d], json_boolean(v != NULL));
		free(v);
	}
	/* the subjects on the list, each with its row or none: it complied */
	for (k = 0; k < NKINDS; k++)
		if (assess_rules_for(db, a->district, subject_kinds[k], month, &rules[k], &e->msg))
			goto dberr;
	strbuf_addstr(&where, " FROM subjects s LEFT JOIN determinations d ON d.month = ? AND "
			      "d.subject = s.code WHERE s.district = ? AND " ON_LIST);
	sqlp_text(&p, month);
	sqlp_text(&p, a->district);
	sqlp_text(&p, month);
	sqlp_text(&p, month);
	scope_where(&subject_desc, a, "s", &where, &p);
	if (township) {
		strbuf_addstr(&where, " AND s.township = ?");
		sqlp_text(&p, township);
	}
	if (kind) {
		strbuf_addstr(&where, " AND s.kind = ?");
		sqlp_text(&p, enum_lookup(&enum_subject_kind, kind));
	}
	if (fail) {
		strbuf_addstr(&where, " AND COALESCE(d.fail, 0) = ?");
		sqlp_int(&p, atoi(fail));
	}
	strbuf_addf(&sql, "SELECT COUNT(*)%s", where.buf);
	if (sqlp_aggregate(db, sql.buf, &p, &total, 1, &e->msg))
		goto dberr;
	strbuf_reset(&sql);
	strbuf_addf(&sql, "SELECT s.code, s.name, s.kind, s.township, s.supervisor, "
		    "COALESCE(d.petition_fail, 0), COALESCE(d.accident_fail, 0), "
		    "COALESCE(d.case_fail, 0), COALESCE(d.petition_final, 0), "
		    "COALESCE(d.accident_final, 0), COALESCE(d.case_final, 0), COALESCE(d.fail, 0)%s "
		    "ORDER BY COALESCE(d.fail, 0) DESC, s.code LIMIT ? OFFSET ?", where.buf);
	if (db_prepare(db, sql.buf, &st, &e->msg))
		goto dberr;
	sqlp_bind(&p, st, 1);
	db_bind_int64(st, (int)p.n + 1, page_size);
	db_bind_int64(st, (int)p.n + 2, (int64_t)(page - 1) * page_size);
	items = json_array();
	while ((rc = db_step(st, &e->msg)) == DB_ROW) {
		const char *standard = "default";
		json_t *row;
		for (k = 0; k < NKINDS; k++)
			if (!strcmp(db_column_text(st, 2), subject_kinds[k]))
				standard = rules[k].code;
		row = json_pack("{ss ss ss ss ss* ss sb}", "subject", db_column_text(st, 0),
				"name", db_column_text(st, 1), "kind", db_column_text(st, 2),
				"township", db_column_text(st, 3),
				"supervisor", db_column_is_null(st, 4) ? NULL : db_column_text(st, 4),
				"standard", standard, "complies", db_column_int64(st, 11) == 0);
		for (d = 0; d < DIM__COUNT; d++) {
			int prov = db_column_int64(st, 5 + d) != 0, fin = db_column_int64(st, 8 + d) != 0;
			json_object_set_new(row, dimension_codes[d], json_pack("{sb sb sb}",
				"provisional_fail", prov, "fail", fin, "overridden", prov != fin));
		}
		json_array_append_new(items, row);
	}
	if (rc < 0)
		goto dberr;
	*out = json_pack("{ss sb so so sI si si}", "month", month, "published", pub > 0,
			 "certified", cert, "items", items, "total", (json_int_t)total, "page", page,
			 "page_size", page_size);
	cert = items = NULL;
	goto cleanup;
dberr:
	ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
cleanup:
	if (st)
		db_finalize(st);
	json_decref(items);
	json_decref(cert);
	sqlp_release(&p);
	strbuf_release(&where);
	strbuf_release(&sql);
	return ret;
}

/* The columns of each dimension's events that an explanation shows. */
static const char *const explain_columns[DIM__COUNT] = {
	"p.no, p.received_on, p.channel, p.level, CAST(p.persons AS TEXT) AS persons, p.status",
	"a.no, a.occurred_on, a.domain, CAST(a.deaths AS TEXT) AS deaths, CAST(a.injuries AS TEXT) "
	"AS injuries, CAST(a.production AS TEXT) AS production, a.class",
	"c.no, c.occurred_on, c.kind, CAST(c.major_impact AS TEXT) AS major_impact, c.category, "
	"c.status",
};

/*
 * Events of one kind of subject `s` in the month, each with whether it
 * counted: by the rules, and only when the subject was on the list that
 * month (`on_list`; before it joined nothing counts against it).
 */
static int explain_events(struct db *db, const char *sql, int on_list, const char *district,
			  const char *subject, const char *start, const char *end, json_t *arr,
			  struct strbuf *err)
{
	struct db_stmt *st;
	int n = 0, rc, c;

	if (db_prepare(db, sql, &st, err))
		return -1;
	db_bind_text(st, ++n, district);
	db_bind_text(st, ++n, subject);
	db_bind_text(st, ++n, start);
	db_bind_text(st, ++n, end);
	while ((rc = db_step(st, err)) == DB_ROW) {
		json_t *o = json_object();
		int cols = db_column_count(st);
		json_object_set_new(o, "counted", json_boolean(on_list && db_column_int64(st, 0)));
		for (c = 1; c < cols; c++)
			json_object_set_new(o, db_column_name(st, c), db_column_is_null(st, c) ?
					    json_null() : json_string(db_column_text(st, c)));
		json_array_append_new(arr, o);
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int assess_explain(struct db *db, const struct actor *a, const char *subject, const char *month,
		   json_t **out, struct model_error *e)
{
	struct record s;
	struct assess_rules r;
	struct strbuf q = STRBUF_INIT;
	struct db_stmt *st = NULL;
	char start[16], end[16];
	json_t *o = NULL, *ev[DIM__COUNT], *ovr;
	const char *district;
	int rc, d, ret = 0, on_list = 0;

	record_init(&s, NULL);
	if (!month || !month_valid(month))
		return model_fail(e, MODEL_EINVAL, "month", "月份格式应为 YYYY-MM");
	if (month_future(month))
		return model_fail(e, MODEL_EINVAL, "month", "%s 尚未到来，没有认定结果", month);
	if (!entity_can_read(&subject_desc, a))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权查看");
	rc = entity_lookup(db, &subject_desc, subject, &s, &e->msg);
	if (rc == MODEL_EDB) {
		record_release(&s);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	if (rc || !scope_check_record(db, a, &s, 0)) {
		record_release(&s);
		return model_fail(e, MODEL_ENOTFOUND, NULL, "创建主体不存在");
	}
	district = record_get(&s, "district");
	if (assess_refresh(db, district, month, month, &e->msg) ||
	    assess_rules_for(db, district, record_get(&s, "kind"), month, &r, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto cleanup;
	}
	snprintf(start, sizeof(start), "%s-01", month);
	snprintf(end, sizeof(end), "%s-31", month);
	o = json_pack("{ss ss ss ss s{ss ss* si si si si sb sb sb}}", "subject", subject,
		      "name", record_get(&s, "name"), "kind", record_get(&s, "kind"), "month", month,
		      "standard", "code", r.code, "effective_from",
		      r.effective_from[0] ? r.effective_from : NULL,
		      "petition_rank", r.petition_rank, "collective_persons", r.collective_persons,
		      "collective_rank", r.collective_rank, "accident_casualties",
		      r.accident_casualties, "accident_production_only",
		      r.accident_production_only, "case_criminal", r.case_criminal,
		      "case_public_order_major", r.case_public_order_major);
	/* the stored result (provisional and final) */
	json_object_set_new(json_object_get(o, "standard"), "checklist", json_boolean(r.checklist));
	if (r.checklist)
		json_object_set_new(json_object_get(o, "standard"), "checklist_pass",
				    json_integer(r.checklist_pass));
	/* on the list by its months; then its row, or none: it complied */
	{
		const char *from = record_get(&s, "active_from"), *to = record_get(&s, "active_to");
		on_list = from && strcmp(from, month) <= 0 && (!to || strcmp(month, to) <= 0);
	}
	if (db_prepare(db, "SELECT petition_fail, accident_fail, case_fail, petition_final, "
		       "accident_final, case_final, fail, checklist_fail FROM determinations WHERE "
		       "month = ? AND subject = ?", &st, &e->msg))
		goto dberr;
	db_bind_text(st, 1, month);
	db_bind_text(st, 2, subject);
	rc = db_step(st, &e->msg);
	if (rc >= 0 && on_list) {
		int row = rc == DB_ROW;
		json_object_set_new(o, "complies", json_boolean(!row || db_column_int64(st, 6) == 0));
		for (d = 0; d < DIM__COUNT; d++)
			json_object_set_new(o, dimension_codes[d], json_pack("{sb sb}",
				"provisional_fail", row && db_column_int64(st, d) != 0,
				"fail", row && db_column_int64(st, 3 + d) != 0));
		json_object_set_new(o, "checklist_fail",
				    json_boolean(row && db_column_int64(st, 7) != 0));
	}
	db_finalize(st);
	st = NULL;
	if (rc < 0)
		goto dberr;
	rc = 0;
	json_object_set_new(o, "on_list", json_boolean(on_list));
	for (d = 0; d < DIM__COUNT; d++)
		ev[d] = json_array();
	for (d = 0; d < DIM__COUNT && !rc; d++) {
		strbuf_reset(&q);
		rules_with(&q, &r, 1); /* its kind unused: r is the subject's */
		strbuf_addstr(&q, " SELECT CASE WHEN ");
		veto_sql(&q, d, NULL);
		strbuf_addf(&q, " THEN 1 ELSE 0 END, %s FROM %s %s CROSS JOIN r WHERE %s.subject = ? "
			    "AND %s.%s >= ? AND %s.%s <= ? ORDER BY %s.%s, %s.no", explain_columns[d],
			    dimension_events[d][0], dimension_events[d][1], dimension_events[d][1],
			    dimension_events[d][1], dimension_events[d][2], dimension_events[d][1],
			    dimension_events[d][2], dimension_events[d][1], dimension_events[d][2],
			    dimension_events[d][1]);
		rc = explain_events(db, q.buf, on_list, district, subject, start, end, ev[d], &e->msg);
	}
	json_object_set_new(o, "events", json_pack("{so so so}", "petition", ev[0], "accident", ev[1],
						   "case", ev[2]));
	if (rc)
		goto dberr;
	ovr = json_array();
	if (db_prepare(db, "SELECT dimension, result, reason, made_by, made_at FROM overrides WHERE "
		       "month = ? AND subject = ? ORDER BY dimension", &st, &e->msg)) {
		json_decref(ovr);
		goto dberr;
	}
	db_bind_text(st, 1, month);
	db_bind_text(st, 2, subject);
	while ((rc = db_step(st, &e->msg)) == DB_ROW) {
		char at[TIME_ISO_BUFSZ];
		time_iso_utc(db_column_int64(st, 4), at);
		json_array_append_new(ovr, json_pack("{ss ss ss ss ss}", "dimension",
			db_column_text(st, 0), "result", db_column_text(st, 1), "reason",
			db_column_text(st, 2), "by", db_column_text(st, 3), "at", at));
	}
	db_finalize(st);
	st = NULL;
	json_object_set_new(o, "overrides", ovr);
	if (rc < 0)
		goto dberr;
	*out = o;
	o = NULL;
	goto cleanup;
dberr:
	ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
cleanup:
	if (st)
		db_finalize(st);
	json_decref(o);
	record_release(&s);
	strbuf_release(&q);
	return ret;
}

int assess_months_json(struct db *db, const struct actor *a, json_t **out, struct model_error *e)
{
	struct db_stmt *st = NULL;
	json_t *items;
	int rc, d, mine = -1;

	if (!a->district || !entity_can_read(&subject_desc, a))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权查看");
	for (d = 0; d < DIM__COUNT; d++)
		if (a->role == dimension_roles[d])
			mine = d;
	if (db_prepare(db, "SELECT m.month, m.published, "
		       "(SELECT COUNT(*) FROM certifications c WHERE c.district = m.district AND "
		       "c.month = m.month AND c.dimension = 'petition'), "
		       "(SELECT COUNT(*) FROM certifications c WHERE c.district = m.district AND "
		       "c.month = m.month AND c.dimension = 'accident'), "
		       "(SELECT COUNT(*) FROM certifications c WHERE c.district = m.district AND "
		       "c.month = m.month AND c.dimension = 'case') "
		       "FROM assess_months m WHERE m.district = ? ORDER BY m.month DESC LIMIT 36",
		       &st, &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	db_bind_text(st, 1, a->district);
	items = json_array();
	while ((rc = db_step(st, &e->msg)) == DB_ROW) {
		int pub = db_column_int64(st, 1) != 0, c[DIM__COUNT], all = 1, awaiting;
		for (d = 0; d < DIM__COUNT; d++) {
			c[d] = db_column_int64(st, 2 + d) != 0;
			all &= c[d];
		}
		awaiting = !pub && ((mine >= 0 && !c[mine]) || (a->role == ROLE_OFFICE && all));
		json_array_append_new(items, json_pack("{ss sb s{sb sb sb} sb}", "month",
			db_column_text(st, 0), "published", pub, "certified", "petition", c[0],
			"accident", c[1], "case", c[2], "awaiting_me", awaiting));
	}
	db_finalize(st);
	if (rc < 0) {
		json_decref(items);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	*out = json_pack("{so}", "items", items);
	/* the last month that has events: where a report of this district stands */
	{
		const char *p[] = { a->district, a->district, a->district, a->district };
		char *last = NULL;
		if (db_query_value(db, "SELECT MAX(d) FROM ("
				   "SELECT MAX(received_on) AS d FROM petitions WHERE district = ? UNION ALL "
				   "SELECT MAX(occurred_on) FROM cases WHERE district = ? UNION ALL "
				   "SELECT MAX(occurred_on) FROM accidents WHERE district = ? UNION ALL "
				   "SELECT MAX(inspected_on) FROM inspections WHERE district = ?) x",
				   p, 4, &last, &e->msg)) {
			json_decref(*out);
			return model_fail(e, MODEL_EDB, NULL, "数据库错误");
		}
		json_object_set_new(*out, "latest_event_month",
				    last && strlen(last) >= 7 ? json_stringn(last, 7) : json_null());
		free(last);
	}
	return 0;
}

int assess_provisional_months(struct db *db, const struct actor *a, const char *from,
			      const char *to, struct strbuf *out, struct strbuf *err)
{
	char m[8], next[8];
	int ret = 0;

	for (snprintf(m, sizeof(m), "%s", from); strcmp(m, to) <= 0 && !ret;
	     snprintf(m, sizeof(m), "%s", next)) {
		struct sqlp p = SQLP_INIT;
		int64_t n[2] = { 0, 0 }; /* districts, and those that published m */
		if (a->role == ROLE_SYSTEM || a->district) {
			sqlp_text(&p, m);
			if (a->role != ROLE_SYSTEM)
				sqlp_text(&p, a->district);
			ret = sqlp_aggregate(db, a->role == ROLE_SYSTEM ?
				"SELECT COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM assess_months m WHERE "
				"m.district = r.code AND m.month = ? AND m.published = 1) THEN 1 ELSE 0 "
				"END) FROM regions r WHERE r.level = 'district'" :
				"SELECT COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM assess_months m WHERE "
				"m.district = r.code AND m.month = ? AND m.published = 1) THEN 1 ELSE 0 "
				"END) FROM regions r WHERE r.level = 'district' AND r.code = ?",
				&p, n, 2, err);
			sqlp_release(&p);
		}
		if (!ret && (!n[0] || n[1] < n[0])) {
			if (out->len)
				strbuf_addch(out, ',');
			strbuf_addstr(out, m);
		}
		if (month_add(m, 1, next))
			break;
	}
	return ret;
}
