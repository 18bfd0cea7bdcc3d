/*
 * cells.c: the report figures pre-aggregated by month (see cells.h).
 *
 * A cell is one row of figure_cells: a district, month, township,
 * supervisor and until_month, with one column per measure.  Each source —
 * a kind of event, the list of the month with its determinations — is one
 * SELECT of that shape (the measures of other sources 0); their UNION ALL,
 * summed per cell, is stored per district
 * (cells_refresh) or, for a scope finer than the cells, summed on the fly
 * within that scope (cells_read).  Both read the same SQL, so the stored
 * and the live figures cannot disagree.
 */
#include "assess/cells.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess.h"
#include "assess/assess_int.h"
#include "assess/figures.h"
#include "base/alloc.h"
#include "base/date.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "model/entities.h"
#include "db/sqlp.h"
#include "model/scope.h"

/* The columns of figure_cells, in the order of enum cell_measure. */
static const char *const measure_codes[CM__COUNT] = {
	"visit_batches", "visit_persons", "online_petitions", "petition_activities",
	"inspections", "hazards_found", "hazards_rectified", "coerced_persons",
	"prosecuted_persons", "disputes_mediated", "disputes_success",
	"villages_zero_case", "enterprises_zero_case",
	"villages_total", "villages_compliant", "enterprises_total", "enterprises_compliant",
};

/* The township or department of a cell that sums all of them (rollup()). */
#define ALL "*"

#define VILLAGE "t.kind IN ('village', 'community')"
#define ENTERPRISE "t.kind NOT IN ('village', 'community')"
#define NO_CASE "COALESCE(d.case_final, 0) = 0"
#define COMPLIANT "(x.first_fail IS NULL OR x.first_fail > m.month)"

struct measure {
	enum cell_measure m;
	const char *value; /* SQL summed over the source's rows */
};

/*
 * Each event counts in the month of its `date`; a source with an `until`
 * (SQL for a month) counts only from that month on.
 */
static const struct event_source {
	const struct entity_desc *ed;
	const char *date, *where, *until;
	struct measure measures[3];
} event_sources[] = {
	{ &petition_desc, "received_on", NULL, NULL,
	  { { CM_VISIT_BATCHES, "CASE WHEN t.channel = 'visit' THEN 1 ELSE 0 END" },
	    { CM_VISIT_PERSONS, "CASE WHEN t.channel = 'visit' THEN t.persons ELSE 0 END" },
	    { CM_ONLINE_PETITIONS, "CASE WHEN t.channel = 'online' THEN 1 ELSE 0 END" } } },
	{ &activity_desc, "held_on", NULL, NULL, { { CM_PETITION_ACTIVITIES, "1" } } },
	{ &inspection_desc, "inspected_on", NULL, NULL, { { CM_INSPECTIONS, "1" } } },
	{ &hazard_desc, "found_on", NULL, NULL, { { CM_HAZARDS_FOUND, "1" } } },
	{ &hazard_desc, "found_on", "t.rectified_on IS NOT NULL", "SUBSTR(t.rectified_on, 1, 7)",
	  { { CM_HAZARDS_RECTIFIED, "1" } } },
	{ &case_desc, "occurred_on", NULL, NULL,
	  { { CM_COERCED_PERSONS, "t.coerced" }, { CM_PROSECUTED_PERSONS, "t.prosecuted" } } },
	{ &dispute_desc, "closed_on", "t.status IN ('success', 'failed')", NULL,
	  { { CM_DISPUTES_MEDIATED, "1" },
	    { CM_DISPUTES_SUCCESS, "CASE WHEN t.status = 'success' THEN 1 ELSE 0 END" } } },
};

/*
 * The list of each month m (the subjects on it), who of it had no case
 * that failed it that month (d: its determination, none when it complied),
 * and who complied every month of the year so far (x.first_fail: the first
 * month of the year a subject failed).
 */
static const struct measure list_measures[] = {
	{ CM_VILLAGES_TOTAL, "CASE WHEN " VILLAGE " THEN 1 ELSE 0 END" },
	{ CM_VILLAGES_ZERO_CASE, "CASE WHEN " VILLAGE " AND " NO_CASE " THEN 1 ELSE 0 END" },
	{ CM_VILLAGES_COMPLIANT, "CASE WHEN " VILLAGE " AND " COMPLIANT " THEN 1 ELSE 0 END" },
	{ CM_ENTERPRISES_TOTAL, "CASE WHEN " ENTERPRISE " THEN 1 ELSE 0 END" },
	{ CM_ENTERPRISES_ZERO_CASE, "CASE WHEN " ENTERPRISE " AND " NO_CASE " THEN 1 ELSE 0 END" },
	{ CM_ENTERPRISES_COMPLIANT, "CASE WHEN " ENTERPRISE " AND " COMPLIANT " THEN 1 ELSE 0 END" },
};

/* The scope columns the cells are grouped by. */
static const struct entity_scope cells_scope = {
	.district = "district", .township = "township", .supervisor = "supervisor",
};

/* ", fmt(code)" for every measure column: fmt has two %s, both the code. */
static void add_columns(struct strbuf *sql, const char *fmt)
{
	int k;

	for (k = 0; k < CM__COUNT; k++) {
		strbuf_addstr(sql, ", ");
		strbuf_addf(sql, fmt, measure_codes[k], measure_codes[k]);
	}
}

/* The measure columns of one source: the sums of its measures, 0 for the others. */
static void add_source_columns(struct strbuf *sql, const struct measure *ms, size_t n)
{
	size_t i;
	int k;

	for (k = 0; k < CM__COUNT; k++) {
		const char *value = NULL;
		for (i = 0; i < n; i++)
			if (ms[i].value && (int)ms[i].m == k)
				value = ms[i].value;
		if (value)
			strbuf_addf(sql, ", COALESCE(SUM(%s), 0) AS %s", value, measure_codes[k]);
		else
			strbuf_addf(sql, ", 0 AS %s", measure_codes[k]);
	}
}

/*
 * Rows of alias `t` (of `ed`) of `district`, or within the actor's scope
 * when it is NULL (read from `db`: in a table partitioned by district, its
 * district's partition alone).
 */
static void restrict_rows(struct db *db, const struct entity_desc *ed, const char *t,
			  const char *district, const struct actor *a, struct strbuf *sql,
			  struct sqlp *p)
{
	if (district) {
		strbuf_addf(sql, " AND %s.district = ?", t);
		sqlp_text(p, district);
	} else {
		scope_where_db(db, ed, a, t, sql, p);
	}
}

static void event_select(struct db *db, const struct event_source *es, const char *from,
			 const char *to, const char *district, const struct actor *a,
			 const struct cells_touch *only, struct strbuf *sql, struct sqlp *p)
{
	const char *sup = entity_field(es->ed, "subject") ? "COALESCE(s.supervisor, '')" : NULL;
	const char *town = entity_field(es->ed, "township") ? "COALESCE(t.township, '')" : NULL;

	strbuf_addf(sql, "SELECT SUBSTR(t.%s, 1, 7) AS month, %s AS township, %s AS supervisor, "
		    "%s AS until_month", es->date, town ? town : "''", sup ? sup : "''",
		    es->until ? es->until : "''");
	add_source_columns(sql, es->measures, sizeof(es->measures) / sizeof(es->measures[0]));
	strbuf_addf(sql, " FROM %s t%s WHERE ", es->ed->table,
		    sup ? " LEFT JOIN subjects s ON s.code = t.subject" : "");
	if (only && only->ed) {
		/* one record, found by its id (a range of dates would offer the planner another index) */
		strbuf_addstr(sql, "t.id = ?");
		sqlp_int(p, only->id);
	} else {
		strbuf_addf(sql, "t.%s >= ? AND t.%s <= ?", es->date, es->date);
		sqlp_text(p, from);
		sqlp_text(p, to);
	}
	if (es->where)
		strbuf_addf(sql, " AND %s", es->where);
	restrict_rows(db, es->ed, "t", district, a, sql, p);
	if (only && !only->ed) {
		strbuf_addstr(sql, " AND t.subject = ?");
		sqlp_text(p, only->subject);
	}
	/* group by the expressions, not their positions: some are constants */
	strbuf_addf(sql, " GROUP BY SUBSTR(t.%s, 1, 7)", es->date);
	if (town)
		strbuf_addf(sql, ", %s", town);
	if (sup)
		strbuf_addf(sql, ", %s", sup);
	if (es->until)
		strbuf_addf(sql, ", %s", es->until);
}

/*
 * The determinations, or with `was` (of `only`'s subject and month `from`)
 * that subject's in `district` as they were before that one row changed:
 * the others as they are (the list's rows read no other subject's).
 */
static void add_determinations(const struct cells_touch *only, const char *district,
			       struct strbuf *sql, struct sqlp *p)
{
	const struct determination_was *was = only ? only->was : NULL;

	if (!was) {
		strbuf_addstr(sql, "determinations");
		return;
	}
	strbuf_addstr(sql, "(SELECT district, month, subject, fail, case_final FROM determinations "
			   "WHERE subject = ? AND district = ? AND month <> ? UNION ALL SELECT "
			   "CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS INTEGER), "
			   "CAST(? AS INTEGER) WHERE CAST(? AS INTEGER) = 1)");
	sqlp_text(p, only->subject);
	sqlp_text(p, district);
	sqlp_text(p, only->from);
	sqlp_text(p, district);
	sqlp_text(p, only->from);
	sqlp_text(p, only->subject);
	sqlp_int(p, was->fail);
	sqlp_int(p, was->case_final);
	sqlp_int(p, was->present);
}

/*
 * The list of each month first..through (`first` NULL: jan..through), with its
 * determinations (as they were, with `only->was`); a subject complies in a
 * month when it failed no month since January `jan`.
 */
static void list_select(struct db *db, const char *jan, const char *first, const char *through,
			const char *district, const struct actor *a, const struct cells_touch *only,
			struct strbuf *sql, struct sqlp *p)
{
	/* the determinations of the actor's district, on PostgreSQL its partition alone */
	const char *in = district ? district : db_dialect(db) == DB_POSTGRES ? a->district : NULL;
	char m[8], next[8];

	if (!first)
		first = jan;

	strbuf_addstr(sql, "SELECT m.month AS month, t.township AS township, COALESCE(t.supervisor, "
			   "'') AS supervisor, '' AS until_month");
	add_source_columns(sql, list_measures, sizeof(list_measures) / sizeof(list_measures[0]));
	/* the months, valid YYYY-MM by month_valid(), written into the SQL */
	strbuf_addstr(sql, " FROM subjects t JOIN (");
	for (snprintf(m, sizeof(m), "%s", first); strcmp(m, through) <= 0;
	     snprintf(m, sizeof(m), "%s", next)) {
		strbuf_addf(sql, "%sSELECT '%s' AS month", strcmp(m, first) ? " UNION ALL " : "", m);
		month_add(m, 1, next);
	}
	strbuf_addstr(sql, ") m ON t.active_from <= m.month AND (t.active_to IS NULL OR "
			   "t.active_to >= m.month) LEFT JOIN ");
	add_determinations(only, in, sql, p);
	strbuf_addstr(sql, " d ON d.month = m.month AND d.subject = t.code AND d.district = "
			   "t.district");
	if (in) {
		strbuf_addstr(sql, " AND d.district = ?");
		sqlp_text(p, in);
	}
	strbuf_addstr(sql, " LEFT JOIN (SELECT f.subject, MIN(f.month) AS first_fail FROM ");
	add_determinations(only, in, sql, p);
	strbuf_addstr(sql, " f WHERE f.fail = 1 AND f.month >= ? AND f.month <= ?");
	sqlp_text(p, jan);
	sqlp_text(p, through);
	if (in) {
		strbuf_addstr(sql, " AND f.district = ?");
		sqlp_text(p, in);
	}
	if (only && only->subject) {
		strbuf_addstr(sql, " AND f.subject = ?");
		sqlp_text(p, only->subject);
	}
	strbuf_addstr(sql, " GROUP BY f.subject) x ON x.subject = t.code WHERE 1 = 1");
	restrict_rows(db, &subject_desc, "t", district, a, sql, p);
	if (only && (only->subject || only->kind)) {
		strbuf_addstr(sql, only->subject ? " AND t.code = ?" : " AND t.kind = ?");
		sqlp_text(p, only->subject ? only->subject : only->kind);
	}
	strbuf_addstr(sql, " GROUP BY m.month, t.township, COALESCE(t.supervisor, '')");
}

/*
 * Every source of months jan..through as one UNION ALL of rows (month,
 * township, supervisor, until_month, measures…): of `district`, or within
 * the actor's scope when it is NULL.
 */
static void cells_union(struct db *db, const char *jan, const char *through, const char *district,
			const struct actor *a, struct strbuf *sql, struct sqlp *p)
{
	char from[16], to[16];
	size_t i;

	snprintf(from, sizeof(from), "%s-01", jan);
	snprintf(to, sizeof(to), "%s-31", through);
	for (i = 0; i < sizeof(event_sources) / sizeof(event_sources[0]); i++) {
		event_select(db, &event_sources[i], from, to, district, a, NULL, sql, p);
		strbuf_addstr(sql, " UNION ALL ");
	}
	list_select(db, jan, NULL, through, district, a, NULL, sql, p);
}

/* How many of months jan..through of `district` have cells of versions av and fv? */
static int64_t fresh_months(struct db *db, const char *district, const char *jan,
			    const char *through, int64_t av, int64_t fv, struct strbuf *err)
{
	struct sqlp p = SQLP_INIT;
	int64_t n = -1;

	sqlp_text(&p, district);
	sqlp_text(&p, jan);
	sqlp_text(&p, through);
	sqlp_int(&p, av);
	sqlp_int(&p, fv);
	if (sqlp_aggregate(db, "SELECT COUNT(*) FROM figure_months WHERE district = ? AND "
			   "month >= ? AND month <= ? AND assess_version = ? AND figure_version = ?",
			   &p, &n, 1, err))
		n = -1;
	sqlp_release(&p);
	return n;
}

/*
 * The levels of the cells: 0 per township and department, and their sums
 * over every township (1: township ALL), every department (2: supervisor
 * ALL) or both (3), so that the figures of a district, a township or a
 * department read few rows.  ALL is no code of a region or a department.
 */
#define LEVEL_TOWNSHIPS 1
#define LEVEL_DEPARTMENTS 2
/* the township and department of a row u's cell of level l (cells_add()) */
#define TOUCH_TOWNSHIP "CASE WHEN l.level IN (1, 3) THEN '" ALL "' ELSE u.township END"
#define TOUCH_SUPERVISOR "CASE WHEN l.level IN (2, 3) THEN '" ALL "' ELSE u.supervisor END"
static int rollup(struct db *db, const char *district, const char *jan, const char *through,
		  struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	int level, ret = 0;

	for (level = 1; !ret && level <= (LEVEL_TOWNSHIPS | LEVEL_DEPARTMENTS); level++) {
		const char *town = level & LEVEL_TOWNSHIPS ? "'" ALL "'" : "township";
		const char *dept = level & LEVEL_DEPARTMENTS ? "'" ALL "'" : "supervisor";
		strbuf_reset(&sql);
		strbuf_addstr(&sql, "INSERT INTO figure_cells (district, month, township, supervisor, "
				    "until_month, level");
		add_columns(&sql, "%s%.0s");
		strbuf_addf(&sql, ") SELECT district, month, %s, %s, until_month, %d", town, dept, level);
		add_columns(&sql, "SUM(%s)%.0s");
		strbuf_addf(&sql, " FROM figure_cells WHERE district = ? AND level = 0 AND month >= ? "
			    "AND month <= ? GROUP BY district, month, until_month%s%s%s%s",
			    level & LEVEL_TOWNSHIPS ? "" : ", ", level & LEVEL_TOWNSHIPS ? "" : town,
			    level & LEVEL_DEPARTMENTS ? "" : ", ", level & LEVEL_DEPARTMENTS ? "" : dept);
		sqlp_release(&p);
		sqlp_text(&p, district);
		sqlp_text(&p, jan);
		sqlp_text(&p, through);
		ret = sqlp_run(db, sql.buf, &p, err);
	}
	sqlp_release(&p);
	strbuf_release(&sql);
	return ret;
}

int cells_refresh(struct db *db, const char *district, const char *jan, const char *through,
		  struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	char m[8], next[8];
	int64_t av, fv, fresh, months = atoi(through + 5) - atoi(jan + 5) + 1;
	int ret = -1, in_tx = 0;

	av = assess_counter(db, "assess_versions", district, err);
	fv = assess_counter(db, "figure_versions", district, err);
	if (av < 0 || fv < 0)
		return -1;
	fresh = fresh_months(db, district, jan, through, av, fv, err);
	if (fresh < 0)
		return -1;
	if (fresh == months)
		return 0; /* a read that finds everything fresh writes nothing */
	/* an external district's cells are its packages' (never computed: always "stale") */
	if ((ret = assess_is_external(db, district, err)))
		return ret < 0 ? -1 : 0;
	ret = -1;
	if (assess_begin_district(db, 73012, district, err))
		return -1;
	in_tx = 1;
	/* again, under the lock: what a write bumps after this is computed again later */
	av = assess_counter(db, "assess_versions", district, err);
	fv = assess_counter(db, "figure_versions", district, err);
	if (av < 0 || fv < 0)
		goto cleanup;
	sqlp_text(&p, district);
	sqlp_text(&p, jan);
	sqlp_text(&p, through);
	if (sqlp_run(db, "DELETE FROM figure_cells WHERE district = ? AND month >= ? AND month <= ?", &p,
		err) ||
	    sqlp_run(db, "DELETE FROM figure_months WHERE district = ? AND month >= ? AND month <= ?", &p,
		err))
		goto cleanup;
	sqlp_release(&p);
	/* the sources' rows of one cell summed into one row */
	strbuf_addstr(&sql, "INSERT INTO figure_cells (district, month, township, supervisor, "
			    "until_month, level");
	add_columns(&sql, "%s%.0s");
	strbuf_addstr(&sql, ") SELECT CAST(? AS TEXT), u.month, u.township, u.supervisor, "
			    "u.until_month, 0");
	add_columns(&sql, "SUM(u.%s)%.0s");
	strbuf_addstr(&sql, " FROM (");
	sqlp_text(&p, district);
	cells_union(db, jan, through, district, NULL, &sql, &p);
	strbuf_addstr(&sql, ") u GROUP BY u.month, u.township, u.supervisor, u.until_month");
	if (sqlp_run(db, sql.buf, &p, err) || rollup(db, district, jan, through, err))
		goto cleanup;
	for (snprintf(m, sizeof(m), "%s", jan); strcmp(m, through) <= 0;
	     snprintf(m, sizeof(m), "%s", next)) {
		sqlp_release(&p);
		sqlp_text(&p, district);
		sqlp_text(&p, m);
		sqlp_int(&p, av);
		sqlp_int(&p, fv);
		if (sqlp_run(db, "INSERT INTO figure_months (district, month, assess_version, "
			"figure_version) VALUES (?, ?, ?, ?)", &p, err))
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
	sqlp_release(&p);
	strbuf_release(&sql);
	return ret;
}

/* ---- the cells kept in place by the writes ---- */


static int kept_months(struct db *db, const char *district, struct month_list *out,
		       struct strbuf *err)
{
	return month_list_read(db, KEPT_CELLS " ORDER BY f.month", &district, 1, out, err);
}

/*
 * The rows the sources that `t` names give in the months `kept` of
 * `district`, as one UNION ALL: the events of one record or subject, and
 * the list of the months of `t->year` (of every year kept when NULL), of
 * one subject or kind, with their determinations.  Nothing appended when
 * none of the sources is named.
 */
static void touched_union(struct db *db, const struct cells_touch *t, const char *district,
			  const struct month_list *kept, struct strbuf *sql, struct sqlp *p)
{
	char from[16] = "0000-01-01", to[16] = "9999-12-31", jan[8];
	const char *first;
	size_t i, n = 0;

	if (kept->n) {
		snprintf(from, sizeof(from), "%s-01", kept->m[0]);
		snprintf(to, sizeof(to), "%s-31", kept->m[kept->n - 1]);
	}
	for (i = 0; (t->ed || t->events) && i < sizeof(event_sources) / sizeof(event_sources[0]); i++) {
		const struct event_source *es = &event_sources[i];
		if (t->ed ? es->ed != t->ed : !entity_field(es->ed, "subject"))
			continue;
		strbuf_addstr(sql, n++ ? " UNION ALL " : "");
		event_select(db, es, from, to, district, NULL, t, sql, p);
	}
	/* the list of each year kept, January to its last month kept */
	for (i = 0; t->list && i < kept->n; i++) {
		if ((i + 1 < kept->n && !strncmp(kept->m[i], kept->m[i + 1], 4)) ||
		    (t->year && strncmp(kept->m[i], t->year, 4)))
			continue;
		snprintf(jan, sizeof(jan), "%.4s-01", kept->m[i]);
		first = t->from && !strncmp(t->from, jan, 4) && strcmp(t->from, jan) > 0 ? t->from : jan;
		if (strcmp(first, kept->m[i]) > 0)
			continue; /* the year's months kept end before the touched one */
		strbuf_addstr(sql, n++ ? " UNION ALL " : "");
		if (t->was) {
			/* the list's rows now, less its rows as they were */
			struct cells_touch now = *t;
			now.was = NULL;
			strbuf_addstr(sql, "SELECT * FROM (");
			list_select(db, jan, first, kept->m[i], district, NULL, &now, sql, p);
			strbuf_addstr(sql, ") n UNION ALL SELECT o.month, o.township, o.supervisor, "
					   "o.until_month");
			add_columns(sql, "-o.%s AS %s");
			strbuf_addstr(sql, " FROM (");
			list_select(db, jan, first, kept->m[i], district, NULL, t, sql, p);
			strbuf_addstr(sql, ") o");
		} else {
			list_select(db, jan, first, kept->m[i], district, NULL, t, sql, p);
		}
	}
}

int cells_add(struct db *db, const char *district, const struct cells_touch *t, int sign,
	      struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT, u = STRBUF_INIT;
	struct month_list kept = { 0 };
	struct sqlp p = SQLP_INIT;
	int k, ret = -1;

	/* the list's rows are of whole years: which, the months kept say (a record's, its own row) */
	if (t->list && kept_months(db, district, &kept, err))
		goto cleanup;
	ret = 0;
	if (t->list && !kept.n)
		goto cleanup; /* nothing computed: nothing to keep */
	sqlp_text(&p, district);
	touched_union(db, t, district, &kept, &u, &p);
	if (!u.len)
		goto cleanup;
	/*
	 * the rows' sums, times the sign, added to their cells of each level
	 * (rollup()'s: per township and department, and over all of either or
	 * both), in the months kept only
	 */
	strbuf_addstr(&sql, "INSERT INTO figure_cells (district, month, township, supervisor, "
			    "until_month, level");
	add_columns(&sql, "%s%.0s");
	strbuf_addstr(&sql, ") SELECT CAST(? AS TEXT), u.month, " TOUCH_TOWNSHIP ", "
			    TOUCH_SUPERVISOR ", u.until_month, l.level");
	for (k = 0; k < CM__COUNT; k++)
		strbuf_addf(&sql, ", %d * SUM(u.%s)", sign, measure_codes[k]);
	strbuf_addf(&sql, " FROM (%s) u CROSS JOIN (SELECT 0 AS level UNION ALL SELECT 1 UNION ALL "
		    "SELECT 2 UNION ALL SELECT 3) l WHERE u.month IN (" KEPT_CELLS, u.buf);
	sqlp_text(&p, district);
	strbuf_addstr(&sql, ") GROUP BY u.month, " TOUCH_TOWNSHIP ", " TOUCH_SUPERVISOR
			    ", u.until_month, l.level");
	for (k = 0; t->was && k < CM__COUNT; k++) /* a difference: the cells it changes */
		strbuf_addf(&sql, " %s SUM(u.%s) <> 0", k ? "OR" : "HAVING", measure_codes[k]);
	strbuf_addstr(&sql, " ON CONFLICT (district, month, township, supervisor, until_month, "
			    "level) DO UPDATE SET ");
	for (k = 0; k < CM__COUNT; k++)
		strbuf_addf(&sql, "%s%s = figure_cells.%s + excluded.%s", k ? ", " : "",
			    measure_codes[k], measure_codes[k], measure_codes[k]);
	ret = sqlp_run(db, sql.buf, &p, err);
cleanup:
	month_list_release(&kept);
	sqlp_release(&p);
	strbuf_release(&sql);
	strbuf_release(&u);
	return ret;
}

/* The tally of `key` in *arr, added when new. */
static struct cell_tally *tally_for(struct cell_tally **arr, size_t *n, size_t *cap,
				    const char *key)
{
	size_t i;

	for (i = *n; i-- > 0;)
		if (!strcmp((*arr)[i].key, key))
			return &(*arr)[i];
	if (*n == *cap) {
		struct cell_tally *grown;
		*cap = *cap ? 2 * *cap : 4;
		grown = xrealloc(*arr, *cap * sizeof(**arr));
		*arr = grown;
	}
	memset(&(*arr)[*n], 0, sizeof(**arr));
	snprintf((*arr)[*n].key, sizeof((*arr)[*n].key), "%s", key);
	return &(*arr)[(*n)++];
}

int cells_read(struct db *db, const struct actor *a, const char *through,
	       const struct figures_filter *f, const char *by, struct cell_tally **out, size_t *n,
	       struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT, probe = STRBUF_INIT;
	struct sqlp p = SQLP_INIT, probe_p = SQLP_INIT;
	struct db_stmt *st = NULL;
	struct cell_tally *arr = NULL;
	size_t cap = 0;
	const char *key = !by ? "''" : !strcmp(by, "township") ? "c.township" :
			  !strcmp(by, "district") ? "c.district" : "c.supervisor";
	char jan[8];
	int rc, ret = -1;

	*out = NULL;
	*n = 0;
	snprintf(jan, sizeof(jan), "%.4s-01", through);
	strbuf_addf(&sql, "SELECT c.month, c.until_month, %s", key);
	add_columns(&sql, "SUM(c.%s)%.0s");
	strbuf_addstr(&sql, " FROM ");
	if (scope_where_columns(&cells_scope, a, "c", &probe, &probe_p) == 0) {
		/* the scope is a district, a township or a department: the stored cells */
		strbuf_addf(&sql, "figure_cells c WHERE c.month >= ? AND c.month <= ?%s", probe.buf);
		sqlp_text(&p, jan);
		sqlp_text(&p, through);
		for (size_t i = 0; i < probe_p.n; i++)
			sqlp_text(&p, probe_p.v[i].s);
		/*
		 * the rows of one level: per township where the scope, the filter or
		 * the breakdown names townships, else their sum; the same for
		 * departments
		 */
		strbuf_addf(&sql, " AND c.level = %d",
			    (a->role == ROLE_TOWNSHIP || (f && f->township) ||
			     (by && !strcmp(by, "township")) ? 0 : LEVEL_TOWNSHIPS) |
			    (a->role == ROLE_SUPERVISOR || (f && f->supervisor) ||
			     (by && !strcmp(by, "supervisor")) ? 0 : LEVEL_DEPARTMENTS));
	} else {
		/* a finer scope: the same cells, computed within it */
		strbuf_addstr(&sql, "(");
		cells_union(db, jan, through, NULL, a, &sql, &p);
		strbuf_addstr(&sql, ") c WHERE c.month >= ? AND c.month <= ?");
		sqlp_text(&p, jan);
		sqlp_text(&p, through);
	}
	if (f && f->township) {
		strbuf_addstr(&sql, " AND c.township = ?");
		sqlp_text(&p, f->township);
	}
	if (f && f->supervisor) {
		strbuf_addstr(&sql, " AND c.supervisor = ?");
		sqlp_text(&p, f->supervisor);
	}
	strbuf_addstr(&sql, " GROUP BY c.month, c.until_month");
	if (by)
		strbuf_addf(&sql, ", %s", key);
	if (db_prepare(db, sql.buf, &st, err))
		goto cleanup;
	sqlp_bind(&p, st, 1);
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *month = db_column_text(st, 0), *until = db_column_text(st, 1);
		int k, i = atoi(month + 5) - 1;
		struct cell_tally *t;

		if (i < 0 || i > 11)
			continue;
		t = tally_for(&arr, n, &cap, db_column_text(st, 2));
		if (*until) {
			/* only hazards wait for a month: rectified in a later year, never in this one */
			int year = strncmp(until, through, 4), j = year < 0 ? 0 : atoi(until + 5) - 1;
			if (year <= 0 && j >= 0 && j <= 11)
				t->rectified[i][j] += db_column_int64(st, 3 + CM_HAZARDS_RECTIFIED);
			continue;
		}
		for (k = 0; k < CM__COUNT; k++)
			t->n[i][k] += db_column_int64(st, 3 + k);
	}
	if (rc < 0)
		goto cleanup;
	*out = arr;
	arr = NULL;
	ret = 0;
cleanup:
	if (st)
		db_finalize(st);
	free(arr);
	if (ret)
		*n = 0;
	sqlp_release(&p);
	sqlp_release(&probe_p);
	strbuf_release(&sql);
	strbuf_release(&probe);
	return ret;
}

/* ---- the cells of a district that reports from its own deployment ---- */

int cells_export(struct db *db, const char *district, const char *through, json_t **out,
		 struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct db_stmt *st = NULL;
	json_t *rows = json_array();
	char jan[8];
	int k, rc;

	snprintf(jan, sizeof(jan), "%.4s-01", through);
	strbuf_addstr(&sql, "SELECT month, until_month");
	add_columns(&sql, "%s%.0s");
	strbuf_addf(&sql, " FROM figure_cells WHERE district = ? AND level = %d AND month >= ? AND "
		    "month <= ? AND (until_month = '' OR until_month <= ?) ORDER BY month, until_month",
		    LEVEL_TOWNSHIPS | LEVEL_DEPARTMENTS);
	rc = db_prepare(db, sql.buf, &st, err);
	strbuf_release(&sql);
	if (rc) {
		json_decref(rows);
		return -1;
	}
	db_bind_text(st, 1, district);
	db_bind_text(st, 2, jan);
	db_bind_text(st, 3, through);
	db_bind_text(st, 4, through);
	while ((rc = db_step(st, err)) == DB_ROW) {
		json_t *row = json_pack("{ss ss}", "month", db_column_text(st, 0), "until_month",
					db_column_text(st, 1));
		for (k = 0; k < CM__COUNT; k++)
			json_object_set_new(row, measure_codes[k], json_integer(db_column_int64(st, 2 + k)));
		json_array_append_new(rows, row);
	}
	db_finalize(st);
	if (rc < 0) {
		json_decref(rows);
		return -1;
	}
	*out = rows;
	return 0;
}

/* The measure `key` names: its index, or -1. */
static int measure_index(const char *key)
{
	int k;

	for (k = 0; k < CM__COUNT; k++)
		if (!strcmp(key, measure_codes[k]))
			return k;
	return -1;
}

/* Row `i` of a package (cells_parse()): checked, and added to `t`. */
static int parse_row(const json_t *row, size_t i, const char *through, struct cell_tally *t,
		     struct strbuf *why)
{
	const char *month = json_string_value(json_object_get(row, "month"));
	const char *until = json_string_value(json_object_get(row, "until_month"));
	int64_t v[CM__COUNT];
	const char *key;
	json_t *value;
	int k, n = 0, mi, ui;

	if (!json_is_object(row) || !month || !until) {
		strbuf_addf(why, "cells[%zu]: not an object with month and until_month", i);
		return -1;
	}
	if (!month_valid(month) || strncmp(month, through, 4) || strcmp(month, through) > 0 ||
	    (*until && (!month_valid(until) || strcmp(until, month) < 0 ||
			strcmp(until, through) > 0))) {
		strbuf_addf(why, "cells[%zu]: month %s, until_month %s outside January..%s", i,
			    month, until, through);
		return -1;
	}
	json_object_foreach((json_t *)row, key, value) {
		if (!strcmp(key, "month") || !strcmp(key, "until_month"))
			continue;
		k = measure_index(key);
		if (k < 0 || !json_is_integer(value) || json_integer_value(value) < 0) {
			strbuf_addf(why, "cells[%zu].%s: %s", i, key,
				    k < 0 ? "no such measure" : "not a count");
			return -1;
		}
		v[k] = json_integer_value(value);
		n++;
	}
	if (n != CM__COUNT) {
		strbuf_addf(why, "cells[%zu]: %d of the %d measures", i, n, CM__COUNT);
		return -1;
	}
	/* as cells_read() sums them */
	mi = atoi(month + 5) - 1;
	if (*until) {
		ui = atoi(until + 5) - 1;
		t->rectified[mi][ui] += v[CM_HAZARDS_RECTIFIED];
		return 0;
	}
	for (k = 0; k < CM__COUNT; k++)
		t->n[mi][k] += v[k];
	return 0;
}

int cells_parse(const json_t *rows, const char *through, struct cell_tally *t,
		struct strbuf *why)
{
	size_t i, j;
	json_t *row;

	memset(t, 0, sizeof(*t));
	if (!json_is_array(rows) || !month_valid(through)) {
		strbuf_addstr(why, "cells: not an array");
		return -1;
	}
	json_array_foreach(rows, i, row) {
		if (parse_row(row, i, through, t, why))
			return -1;
		/* one row a cell */
		for (j = 0; j < i; j++) {
			const json_t *o = json_array_get(rows, j);
			if (json_equal(json_object_get(o, "month"), json_object_get(row, "month")) &&
			    json_equal(json_object_get(o, "until_month"),
				       json_object_get(row, "until_month"))) {
				strbuf_addf(why, "cells[%zu]: the cell of cells[%zu] again", i, j);
				return -1;
			}
		}
	}
	return 0;
}

int cells_import(struct db *db, const char *district, const char *through, const json_t *rows,
		 struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct db_stmt *st = NULL;
	char jan[8];
	size_t i;
	json_t *row;
	int k, ret = -1;

	snprintf(jan, sizeof(jan), "%.4s-01", through);
	/* what a later package told of hazards rectified after `through` stays */
	sqlp_text(&p, district);
	sqlp_text(&p, jan);
	sqlp_text(&p, through);
	sqlp_text(&p, through);
	if (sqlp_run(db, "DELETE FROM figure_cells WHERE district = ? AND month >= ? AND month <= ? "
		     "AND (until_month = '' OR until_month <= ?)", &p, err))
		goto cleanup;
	strbuf_addstr(&sql, "INSERT INTO figure_cells (district, month, township, supervisor, "
			    "until_month, level");
	add_columns(&sql, "%s%.0s");
	strbuf_addf(&sql, ") VALUES (?, ?, '" ALL "', '" ALL "', ?, %d",
		    LEVEL_TOWNSHIPS | LEVEL_DEPARTMENTS);
	add_columns(&sql, "?%.0s%.0s");
	strbuf_addch(&sql, ')');
	if (db_prepare(db, sql.buf, &st, err))
		goto cleanup;
	json_array_foreach(rows, i, row) {
		db_reset(st);
		db_bind_text(st, 1, district);
		db_bind_text(st, 2, json_string_value(json_object_get(row, "month")));
		db_bind_text(st, 3, json_string_value(json_object_get(row, "until_month")));
		for (k = 0; k < CM__COUNT; k++)
			db_bind_int64(st, 4 + k,
				      json_integer_value(json_object_get(row, measure_codes[k])));
		if (db_step(st, err) < 0)
			goto cleanup;
	}
	ret = 0;
cleanup:
	if (st)
		db_finalize(st);
	sqlp_release(&p);
	strbuf_release(&sql);
	return ret;
}
