/*
 * warnings.c: early warning (see warnings.h).  One set-wise query counts,
 * per subject on the list, each kind of risk; the score and the ranking
 * are a weighted sum of those counts.  The weights say how close each risk
 * is to failing the month.  The grassroots' reasons of the village and
 * community subjects, and the officers whose 1+5+N network is short, come
 * from grass_warnings.c.
 */
#include "assess/warnings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/grass_warnings.h"
#include "base/alloc.h"
#include "base/date.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "model/entities.h"
#include "db/sqlp.h"
#include "model/scope.h"

static const struct {
	const char *code, *label;
	int weight;
} risks[] = {
	{ "collective_township", "集体访已到乡级", 4 },
	{ "repeat_petition", "重复信访", 3 },
	{ "rising_petitions", "信访件数比上月上升", 2 },
	{ "overdue_dispute", "矛盾纠纷逾期未化解", 3 },
	{ "overdue_major_hazard", "重大隐患逾期未整改", 5 },
	/*
	 * the grassroots (village and community subjects, grassroots.c): each
	 * grid-day of the month so far without both patrols weighs 1 (a week of
	 * one grid's missed patrols weighs as much as a collective petition and
	 * a repeat one); a village without its auxiliary officer on the day, 3
	 */
	{ "grid_missing_patrols", "网格巡查缺失", 1 },
	{ "no_village_police", "无驻村辅警", 3 },
};
enum { RISK_GRID_DAYS = 5, RISK_NO_POLICE = 6 };
#define NRISKS (sizeof(risks) / sizeof(risks[0]))

/* Overdue as of a day (its three parameters): found by then, past the deadline, still open. */
#define OVERDUE_DISPUTE \
	"d.found_on <= ? AND d.deadline < ? AND (d.closed_on IS NULL OR d.closed_on > ?)"
#define OVERDUE_HAZARD \
	"h.level = 'major' AND h.found_on <= ? AND h.deadline < ? AND " \
	"(h.rectified_on IS NULL OR h.rectified_on > ?)"

static void bind_asof(struct sqlp *p, const char *day)
{
	sqlp_text(p, day);
	sqlp_text(p, day);
	sqlp_text(p, day);
}

struct warning {
	char *subject, *name, *township, *kind;
	int64_t count[NRISKS];
	int64_t score;
};

static int by_score(const void *a, const void *b)
{
	const struct warning *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return strcmp(x->subject, y->subject);
}

/*
 * The query of the risks of each subject on the list in `month` (the
 * previous month for the rise) that any of them touches, overdue judged as
 * of `asof`, with its parameters (the actor's scope added by the caller).
 */
static void warnings_sql(struct strbuf *sql, struct sqlp *p, const struct actor *a,
			 const char *month, const char *asof)
{
	char prev[8], start[16], end[16], pstart[16], pend[16];

	month_add(month, -1, prev);
	snprintf(start, sizeof(start), "%s-01", month);
	snprintf(end, sizeof(end), "%s-31", month);
	snprintf(pstart, sizeof(pstart), "%s-01", prev);
	snprintf(pend, sizeof(pend), "%s-31", prev);
	strbuf_addstr(sql,
		"SELECT s.code, s.name, s.township, s.kind, "
		"(SELECT COUNT(*) FROM petitions p WHERE p.subject = s.code AND p.received_on >= ? "
		"AND p.received_on <= ? AND p.persons >= 5 AND p.level = 'township'), "
		"(SELECT COUNT(*) FROM petitions p WHERE p.subject = s.code AND p.received_on >= ? "
		"AND p.received_on <= ? AND p.previous IS NOT NULL), "
		"(SELECT COUNT(*) FROM petitions p WHERE p.subject = s.code AND p.received_on >= ? "
		"AND p.received_on <= ?), "
		"(SELECT COUNT(*) FROM petitions p WHERE p.subject = s.code AND p.received_on >= ? "
		"AND p.received_on <= ?), "
		"(SELECT COUNT(*) FROM disputes d WHERE d.subject = s.code AND " OVERDUE_DISPUTE "), "
		"(SELECT COUNT(*) FROM hazards h WHERE h.subject = s.code AND " OVERDUE_HAZARD ") "
		"FROM subjects s WHERE s.active_from <= ? AND (s.active_to IS NULL OR s.active_to >= ?)");
	/* only the subjects that any of the risks can touch are counted */
	strbuf_addf(sql, " AND s.code IN (SELECT p.subject FROM petitions p WHERE p.received_on >= ? "
		    "AND p.received_on <= ?%s UNION SELECT d.subject FROM disputes d WHERE "
		    OVERDUE_DISPUTE "%s UNION SELECT h.subject FROM hazards h WHERE " OVERDUE_HAZARD "%s)",
		    a->district ? " AND p.district = ?" : "", a->district ? " AND d.district = ?" : "",
		    a->district ? " AND h.district = ?" : "");
	sqlp_text(p, start);
	sqlp_text(p, end);
	sqlp_text(p, start);
	sqlp_text(p, end);
	sqlp_text(p, start);
	sqlp_text(p, end);
	sqlp_text(p, pstart);
	sqlp_text(p, pend);
	bind_asof(p, asof);
	bind_asof(p, asof);
	sqlp_text(p, month);
	sqlp_text(p, month);
	sqlp_text(p, pstart);
	sqlp_text(p, end);
	if (a->district)
		sqlp_text(p, a->district);
	bind_asof(p, asof);
	if (a->district)
		sqlp_text(p, a->district);
	bind_asof(p, asof);
	if (a->district)
		sqlp_text(p, a->district);
}

/* The JSON of the first `limit` (negative: all) of the `n` ranked warnings. */
static json_t *warnings_json(const struct warning *w, size_t n, int limit, const char *month,
			     const char *asof)
{
	json_t *items = json_array();
	size_t i, k;

	for (i = 0; i < n && i < (size_t)limit; i++) {
		json_t *reasons = json_array();
		for (k = 0; k < NRISKS; k++)
			if (w[i].count[k])
				json_array_append_new(reasons, json_pack("{ss ss sI}", "code",
					risks[k].code, "label", risks[k].label,
					"count", (json_int_t)w[i].count[k]));
		json_array_append_new(items, json_pack("{ss ss ss ss sI so}", "subject", w[i].subject,
			"name", w[i].name, "township", w[i].township, "kind", w[i].kind,
			"score", (json_int_t)w[i].score, "reasons", reasons));
	}
	return json_pack("{ss ss so sI}", "month", month, "as_of", asof, "items", items, "total",
			 (json_int_t)n);
}

/*
 * The grassroots' reasons of the village and community subjects, added to
 * their warnings (a subject without one yet gets its own); those left at
 * a score of 0 dropped.
 */
static int add_grass(struct db *db, const struct actor *a, const char *month, const char *asof,
		     struct warning **w, size_t *n, struct model_error *e)
{
	struct grass_village *v = NULL;
	size_t nv = 0, i, j, k;
	int ret = grass_villages(db, a, month, asof, &v, &nv, e);

	for (i = 0; !ret && i < nv; i++) {
		struct warning *x = NULL;

		if (!v[i].grid_days && !v[i].no_police)
			continue;
		for (j = 0; j < *n && !x; j++)
			if (!strcmp((*w)[j].subject, v[i].subject))
				x = &(*w)[j];
		if (!x) {
			*w = xrealloc(*w, (*n + 1) * sizeof(**w));
			x = &(*w)[(*n)++];
			memset(x, 0, sizeof(*x));
			x->subject = xstrdup(v[i].subject);
			x->name = xstrdup(v[i].name);
			x->township = xstrdup(v[i].township);
			x->kind = xstrdup(v[i].kind);
		}
		x->count[RISK_GRID_DAYS] = v[i].grid_days;
		x->count[RISK_NO_POLICE] = v[i].no_police;
		for (x->score = 0, k = 0; k < NRISKS; k++)
			x->score += x->count[k] * risks[k].weight;
	}
	grass_villages_free(v, nv);
	return ret;
}

int warnings_compute(struct db *db, const struct actor *a, const char *month, int limit,
		     json_t **out, struct model_error *e)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct db_stmt *st = NULL;
	struct warning *w = NULL;
	size_t n = 0, i, k;
	char cur[8], today[DATE_BUFSZ];
	char asof[DATE_BUFSZ];
	json_t *short_nets = NULL;
	int y, m;
	int rc, ret = 0;

	if (month && !month_valid(month))
		return model_fail(e, MODEL_EINVAL, "month", "月份格式应为 YYYY-MM");
	if (!entity_can_read(&subject_desc, a))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权查看预警");
	month_now(cur);
	if (!month)
		month = cur;
	date_today(today);
	/*
	 * what is overdue is judged as it stood at the month's last day (today,
	 * for the month under way): found by then, past its deadline, and not
	 * yet closed or rectified then
	 */
	month_parse(month, &y, &m);
	snprintf(asof, sizeof(asof), "%s-%02d", month, date_days_in_month(y, m));
	if (strcmp(asof, today) > 0)
		memcpy(asof, today, sizeof(asof));

	warnings_sql(&sql, &p, a, month, asof);
	scope_where(&subject_desc, a, "s", &sql, &p);
	if (db_prepare(db, sql.buf, &st, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto cleanup;
	}
	sqlp_bind(&p, st, 1);
	while ((rc = db_step(st, &e->msg)) == DB_ROW) {
		int64_t c[NRISKS] = { 0 }, cur_n = db_column_int64(st, 6),
			prev_n = db_column_int64(st, 7);
		int64_t score = 0;

		c[0] = db_column_int64(st, 4);
		c[1] = db_column_int64(st, 5);
		c[2] = cur_n > prev_n && cur_n >= 2 ? cur_n - prev_n : 0;
		c[3] = db_column_int64(st, 8);
		c[4] = db_column_int64(st, 9);
		for (k = 0; k < NRISKS; k++)
			score += c[k] * risks[k].weight;
		if (!score)
			continue;
		w = xrealloc(w, (n + 1) * sizeof(*w));
		memcpy(w[n].count, c, sizeof(c));
		w[n].score = score;
		w[n].subject = xstrdup(db_column_text(st, 0));
		w[n].name = xstrdup(db_column_text(st, 1));
		w[n].township = xstrdup(db_column_text(st, 2));
		w[n].kind = xstrdup(db_column_text(st, 3));
		n++;
	}
	if (rc < 0) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto cleanup;
	}
	if ((ret = add_grass(db, a, month, asof, &w, &n, e)) ||
	    (ret = grass_networks_short(db, a, asof, &short_nets, e)))
		goto cleanup;
	if (n)
		qsort(w, n, sizeof(*w), by_score);
	*out = warnings_json(w, n, limit, month, asof);
	json_object_set_new(*out, "informant_networks_short", short_nets);
	short_nets = NULL;
cleanup:
	if (st)
		db_finalize(st);
	for (i = 0; i < n; i++) {
		free(w[i].subject);
		free(w[i].name);
		free(w[i].township);
		free(w[i].kind);
	}
	free(w);
	json_decref(short_nets);
	sqlp_release(&p);
	strbuf_release(&sql);
	return ret;
}
