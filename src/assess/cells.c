/*
 * cells.c: the report figures pre-aggregated by month (see cells.h).
 *
 * Every measure is one SELECT of the same shape — month, township,
 * supervisor, until_month, measure, n — over the events, the
 * determinations or the list of subjects; their UNION ALL is stored per
 * district (cells_refresh) or, for a scope finer than the cells, summed on
 * the fly within that scope (cells_read).  Both read the same SQL, so the
 * stored and the live figures cannot disagree.
 */
#include "assess/cells.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess.h"
#include "assess/figures.h"
#include "base/date.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "model/entities.h"
#include "model/entity_int.h"

static const char *const measure_codes[CM__COUNT] = {
	"visit_batches", "visit_persons", "online_petitions", "petition_activities",
	"inspections", "hazards_found", "hazards_rectified", "coerced_persons",
	"prosecuted_persons", "disputes_mediated", "disputes_success",
	"villages_listed", "villages_zero_case", "enterprises_listed", "enterprises_zero_case",
	"villages_total", "villages_compliant", "enterprises_total", "enterprises_compliant",
};

#define VILLAGE "t.kind IN ('village', 'community')"
#define ENTERPRISE "t.kind NOT IN ('village', 'community')"

/*
 * Each event counts `value` in the month of its `date`; a measure with an
 * `until` (SQL for a month) counts only from that month on.
 */
static const struct event_measure {
	enum cell_measure m;
	const struct entity_desc *ed;
	const char *date, *value, *where, *until;
} event_measures[] = {
	{ CM_VISIT_BATCHES, &petition_desc, "received_on", "1", "t.channel = 'visit'", NULL },
	{ CM_VISIT_PERSONS, &petition_desc, "received_on", "t.persons", "t.channel = 'visit'", NULL },
	{ CM_ONLINE_PETITIONS, &petition_desc, "received_on", "1", "t.channel = 'online'", NULL },
	{ CM_PETITION_ACTIVITIES, &activity_desc, "held_on", "1", NULL, NULL },
	{ CM_INSPECTIONS, &inspection_desc, "inspected_on", "1", NULL, NULL },
	{ CM_HAZARDS_FOUND, &hazard_desc, "found_on", "1", NULL, NULL },
	{ CM_HAZARDS_RECTIFIED, &hazard_desc, "found_on", "1", "t.rectified_on IS NOT NULL",
	  "SUBSTR(t.rectified_on, 1, 7)" },
	{ CM_COERCED_PERSONS, &case_desc, "occurred_on", "t.coerced", NULL, NULL },
	{ CM_PROSECUTED_PERSONS, &case_desc, "occurred_on", "t.prosecuted", NULL, NULL },
	{ CM_DISPUTES_MEDIATED, &dispute_desc, "closed_on", "1",
	  "t.status IN ('success', 'failed')", NULL },
	{ CM_DISPUTES_SUCCESS, &dispute_desc, "closed_on", "1", "t.status = 'success'", NULL },
};

/*
 * Subjects counted per month: from that month's determinations (`list` 0),
 * or from the list at the end of the month (`list` 1), where x.first_fail
 * is the first month of the year a subject failed.
 */
static const struct subject_measure {
	enum cell_measure m;
	int list;
	const char *where;
} subject_measures[] = {
	{ CM_VILLAGES_LISTED, 0, VILLAGE },
	{ CM_VILLAGES_ZERO_CASE, 0, VILLAGE " AND t.case_final = 0" },
	{ CM_ENTERPRISES_LISTED, 0, ENTERPRISE },
	{ CM_ENTERPRISES_ZERO_CASE, 0, ENTERPRISE " AND t.case_final = 0" },
	{ CM_VILLAGES_TOTAL, 1, VILLAGE },
	{ CM_VILLAGES_COMPLIANT, 1, VILLAGE " AND (x.first_fail IS NULL OR x.first_fail > m.month)" },
	{ CM_ENTERPRISES_TOTAL, 1, ENTERPRISE },
	{ CM_ENTERPRISES_COMPLIANT, 1,
	  ENTERPRISE " AND (x.first_fail IS NULL OR x.first_fail > m.month)" },
};

/* Where the cells are kept, with the scope columns they are grouped by. */
static const struct entity_desc cells_desc = {
	.name = "figure_cells", .table = "figure_cells",
	.scope = { .district = "district", .township = "township", .supervisor = "supervisor" },
};

/* Rows of alias `t` (of `ed`) of `district`, or within the actor's scope when it is NULL. */
static void restrict_rows(const struct entity_desc *ed, const char *t, const char *district,
			  const struct actor *a, struct strbuf *sql, struct sqlp *p)
{
	if (district) {
		strbuf_addf(sql, " AND %s.district = ?", t);
		sqlp_text(p, district);
	} else {
		scope_where(ed, a, t, sql, p);
	}
}

static void event_select(const struct event_measure *em, const char *from, const char *to,
			 const char *district, const struct actor *a, struct strbuf *sql,
			 struct sqlp *p)
{
	const char *sup = entity_field(em->ed, "subject") ? "COALESCE(s.supervisor, '')" : NULL;
	const char *town = entity_field(em->ed, "township") ? "COALESCE(t.township, '')" : NULL;

	strbuf_addf(sql, "SELECT SUBSTR(t.%s, 1, 7) AS month, %s AS township, %s AS supervisor, "
		    "%s AS until_month, '%s' AS measure, COALESCE(SUM(%s), 0) AS n FROM %s t%s "
		    "WHERE t.%s >= ? AND t.%s <= ?", em->date, town ? town : "''", sup ? sup : "''",
		    em->until ? em->until : "''", measure_codes[em->m], em->value, em->ed->table,
		    sup ? " LEFT JOIN subjects s ON s.code = t.subject" : "", em->date, em->date);
	sqlp_text(p, from);
	sqlp_text(p, to);
	if (em->where)
		strbuf_addf(sql, " AND %s", em->where);
	restrict_rows(em->ed, "t", district, a, sql, p);
	/* group by the expressions, not their positions: some are constants */
	strbuf_addf(sql, " GROUP BY SUBSTR(t.%s, 1, 7)", em->date);
	if (town)
		strbuf_addf(sql, ", %s", town);
	if (sup)
		strbuf_addf(sql, ", %s", sup);
	if (em->until)
		strbuf_addf(sql, ", %s", em->until);
}

static void subject_select(const struct subject_measure *sm, const char *jan, const char *through,
			   const char *district, const struct actor *a, struct strbuf *sql,
			   struct sqlp *p)
{
	const char *month = sm->list ? "m.month" : "t.month";
	char m[8], next[8];

	strbuf_addf(sql, "SELECT %s AS month, t.township AS township, COALESCE(t.supervisor, '') "
		    "AS supervisor, '' AS until_month, '%s' AS measure, COUNT(*) AS n FROM ",
		    month, measure_codes[sm->m]);
	if (!sm->list) {
		strbuf_addstr(sql, "determinations t");
		if (!district)
			strbuf_addstr(sql, " JOIN subjects s ON s.code = t.subject");
		strbuf_addf(sql, " WHERE t.month >= ? AND t.month <= ? AND %s", sm->where);
		sqlp_text(p, jan);
		sqlp_text(p, through);
		if (district)
			restrict_rows(&subject_desc, "t", district, a, sql, p);
		else
			restrict_rows(&subject_desc, "s", NULL, a, sql, p);
	} else {
		/* the months, valid YYYY-MM by month_valid(), written into the SQL */
		strbuf_addstr(sql, "subjects t JOIN (");
		for (snprintf(m, sizeof(m), "%s", jan); strcmp(m, through) <= 0;
		     snprintf(m, sizeof(m), "%s", next)) {
			strbuf_addf(sql, "%sSELECT '%s' AS month", strcmp(m, jan) ? " UNION ALL " : "", m);
			month_add(m, 1, next);
		}
		strbuf_addstr(sql, ") m ON t.active_from <= m.month AND (t.active_to IS NULL OR "
				   "t.active_to >= m.month)");
		if (strstr(sm->where, "x.")) {
			strbuf_addstr(sql, " LEFT JOIN (SELECT d.subject, MIN(d.month) AS first_fail "
					   "FROM determinations d WHERE d.fail = 1 AND d.month >= ? AND "
					   "d.month <= ?");
			sqlp_text(p, jan);
			sqlp_text(p, through);
			if (district) {
				strbuf_addstr(sql, " AND d.district = ?");
				sqlp_text(p, district);
			}
			strbuf_addstr(sql, " GROUP BY d.subject) x ON x.subject = t.code");
		}
		strbuf_addf(sql, " WHERE %s", sm->where);
		restrict_rows(&subject_desc, "t", district, a, sql, p);
	}
	strbuf_addf(sql, " GROUP BY %s, t.township, COALESCE(t.supervisor, '')", month);
}

/*
 * Every measure of months jan..through as one UNION ALL of rows (month,
 * township, supervisor, until_month, measure, n): of `district`, or within
 * the actor's scope when it is NULL.
 */
static void cells_union(const char *jan, const char *through, const char *district,
			const struct actor *a, struct strbuf *sql, struct sqlp *p)
{
	char from[16], to[16];
	size_t i;

	snprintf(from, sizeof(from), "%s-01", jan);
	snprintf(to, sizeof(to), "%s-31", through);
	for (i = 0; i < sizeof(event_measures) / sizeof(event_measures[0]); i++) {
		if (i)
			strbuf_addstr(sql, " UNION ALL ");
		event_select(&event_measures[i], from, to, district, a, sql, p);
	}
	for (i = 0; i < sizeof(subject_measures) / sizeof(subject_measures[0]); i++) {
		strbuf_addstr(sql, " UNION ALL ");
		subject_select(&subject_measures[i], jan, through, district, a, sql, p);
	}
}

static int run(struct db *db, const char *sql, const struct sqlp *p, struct strbuf *err)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(db, sql, &st, err))
		return -1;
	sqlp_bind(p, st, 1);
	rc = db_step(st, err);
	db_finalize(st);
	return rc < 0 ? -1 : 0;
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
	if (run(db, "DELETE FROM figure_cells WHERE district = ? AND month >= ? AND month <= ?", &p,
		err) ||
	    run(db, "DELETE FROM figure_months WHERE district = ? AND month >= ? AND month <= ?", &p,
		err))
		goto cleanup;
	sqlp_release(&p);
	strbuf_addstr(&sql, "INSERT INTO figure_cells (district, month, township, supervisor, "
			    "until_month, measure, n) SELECT CAST(? AS TEXT), u.month, u.township, "
			    "u.supervisor, u.until_month, u.measure, u.n FROM (");
	sqlp_text(&p, district);
	cells_union(jan, through, district, NULL, &sql, &p);
	strbuf_addstr(&sql, ") u");
	if (run(db, sql.buf, &p, err))
		goto cleanup;
	for (snprintf(m, sizeof(m), "%s", jan); strcmp(m, through) <= 0;
	     snprintf(m, sizeof(m), "%s", next)) {
		sqlp_release(&p);
		sqlp_text(&p, district);
		sqlp_text(&p, m);
		sqlp_int(&p, av);
		sqlp_int(&p, fv);
		if (run(db, "INSERT INTO figure_months (district, month, assess_version, "
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

static int measure_parse(const char *code)
{
	int i;

	for (i = 0; i < CM__COUNT; i++)
		if (!strcmp(code, measure_codes[i]))
			return i;
	return -1;
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
		grown = realloc(*arr, *cap * sizeof(**arr));
		if (!grown)
			abort();
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
	const char *key = !by ? "''" : !strcmp(by, "township") ? "c.township" : "c.supervisor";
	char jan[8];
	int rc, ret = -1;

	*out = NULL;
	*n = 0;
	snprintf(jan, sizeof(jan), "%.4s-01", through);
	strbuf_addf(&sql, "SELECT c.month, c.until_month, c.measure, %s, SUM(c.n) FROM ", key);
	if (scope_where(&cells_desc, a, "c", &probe, &probe_p) == 0) {
		/* the scope is a district, a township or a department: the stored cells */
		strbuf_addf(&sql, "figure_cells c WHERE c.month >= ? AND c.month <= ?%s", probe.buf);
		sqlp_text(&p, jan);
		sqlp_text(&p, through);
		for (size_t i = 0; i < probe_p.n; i++)
			sqlp_text(&p, probe_p.v[i].s);
	} else {
		/* a finer scope: the same cells, computed within it */
		strbuf_addstr(&sql, "(");
		cells_union(jan, through, NULL, a, &sql, &p);
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
	strbuf_addstr(&sql, " GROUP BY c.month, c.until_month, c.measure");
	if (by)
		strbuf_addf(&sql, ", %s", key);
	if (db_prepare(db, sql.buf, &st, err))
		goto cleanup;
	sqlp_bind(&p, st, 1);
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *month = db_column_text(st, 0), *until = db_column_text(st, 1);
		int m = measure_parse(db_column_text(st, 2)), i = atoi(month + 5) - 1;
		struct cell_tally *t;

		if (m < 0 || i < 0 || i > 11)
			continue;
		t = tally_for(&arr, n, &cap, db_column_text(st, 3));
		if (m == CM_HAZARDS_RECTIFIED) {
			/* rectified in a later year: never within this one */
			int year = strncmp(until, through, 4), j = year < 0 ? 0 : atoi(until + 5) - 1;
			if (year <= 0 && j >= 0 && j <= 11)
				t->rectified[i][j] += db_column_int64(st, 4);
		} else {
			t->n[i][m] += db_column_int64(st, 4);
		}
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
