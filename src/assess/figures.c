/*
 * figures.c: the report figures (see figures.h).  Counts and sums come
 * from the pre-aggregated monthly cells (cells.h), read within the
 * caller's scope; only the final arithmetic (shares, the mean of monthly
 * shares and their rounding) is done here, exactly, in integers.
 */
#include "assess/figures.h"
#include "assess/figures_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess.h"
#include "assess/cells.h"
#include "assess/figure_keys.h"
#include "assess/work_figures.h"
#include "assess/work_int.h"
#include "base/date.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "db/sqlp.h"
#include "model/entities.h"
#include "model/scope.h"

int64_t percent_tenths(int64_t num, int64_t den)
{
	/* round(1000 * num / den) half up, for num >= 0, den > 0 (0 otherwise), in 128 bits */
	if (den <= 0 || num < 0)
		return 0;
	return (int64_t)((2000 * (__int128)num + den) / (2 * (__int128)den));
}

int figure_values_equal(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	return json_equal(a, b);
}

json_t *rate_json(int64_t num, int64_t den)
{
	return den ? json_real((double)percent_tenths(num, den) / 10.0) : json_null();
}

__int128 gcd128(__int128 a, __int128 b)
{
	while (b) {
		__int128 t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/*
 * The mean of the shares a[i]/b[i] (months with b[i] = 0 are left out) as
 * a percentage in tenths, exactly: the sum is kept as a reduced fraction.
 * Returns -1 when no month has a denominator.
 */
int64_t mean_share_tenths(const int64_t *a, const int64_t *b, int n)
{
	__int128 P = 0, Q = 1, limit = (__int128)1 << 100;
	long double approx = 0;
	int i, k = 0, exact = 1;

	for (i = 0; i < n; i++) {
		__int128 g;
		if (!b[i])
			continue;
		k++;
		approx += (long double)a[i] / (long double)b[i];
		if (!exact)
			continue;
		/* P/Q + a/b = (P*b + a*Q) / (Q*b) */
		if (Q > limit / b[i]) {
			exact = 0;
			continue;
		}
		P = P * b[i] + (__int128)a[i] * Q;
		Q = Q * b[i];
		g = gcd128(P, Q);
		if (g > 1) {
			P /= g;
			Q /= g;
		}
	}
	if (!k)
		return -1;
	if (exact)
		return (int64_t)((2000 * P + Q * k) / (2 * Q * k));
	/* denominators too many and too varied for exact sums: long double */
	return (int64_t)(1000.0L * approx / k + 0.5L);
}

/* The determinations and the cells of jan..through of every district the actor covers, fresh. */
static int figures_refresh(struct db *db, const struct actor *a, const char *jan,
			   const char *through, struct strbuf *err)
{
	char **districts;
	int i, ret;

	/*
	 * Is anything stale — a month's determination or its cells?  The usual
	 * answer is no, and then this one question is the refresh.
	 */
	if (!(districts = assess_districts(db, a, DISTRICTS_STALE_CELLS, jan, through, err)))
		return -1;
	ret = !districts[0];
	assess_districts_free(districts);
	if (ret)
		return 0;
	/* the determinations of every district at once, then the cells of each */
	if (assess_refresh_all(db, a, jan, through, err))
		return -1;
	districts = assess_districts(db, a, DISTRICTS_STALE_CELLS, jan, through, err);
	ret = districts ? 0 : -1;
	for (i = 0; !ret && districts[i]; i++)
		if (cells_refresh(db, districts[i], jan, through, err))
			ret = -1;
	assess_districts_free(districts);
	return ret;
}

/* The integer figure `id`. */
#define COUNT(id, n) (v[id] = json_integer(n))

/*
 * The figures through month `mi` (0 = January) of the year of tally `t`,
 * with the keys of figure_keys.h in its order.
 */
static json_t *tally_json(const struct cell_tally *t, int mi)
{
	const int64_t *last = t->n[mi];
	int64_t sum[CM__COUNT] = { 0 }, vz[12], vn[12], ez[12], en[12], rectified = 0;
	int64_t vzr, ezr;
	json_t *out = json_object(), *v[FIG__COUNT] = { NULL };
	int i, j, k;

	for (i = 0; i <= mi; i++) {
		for (k = 0; k < CM__COUNT; k++)
			sum[k] += t->n[i][k];
		for (j = 0; j <= mi; j++)
			rectified += t->rectified[i][j];
		vz[i] = t->n[i][CM_VILLAGES_ZERO_CASE];
		vn[i] = t->n[i][CM_VILLAGES_TOTAL];
		ez[i] = t->n[i][CM_ENTERPRISES_ZERO_CASE];
		en[i] = t->n[i][CM_ENTERPRISES_TOTAL];
	}
	vzr = mean_share_tenths(vz, vn, mi + 1);
	ezr = mean_share_tenths(ez, en, mi + 1);
	COUNT(FIG_SUBJECTS_TOTAL, last[CM_VILLAGES_TOTAL] + last[CM_ENTERPRISES_TOTAL]);
	COUNT(FIG_VILLAGES_TOTAL, last[CM_VILLAGES_TOTAL]);
	COUNT(FIG_VILLAGES_COMPLIANT, last[CM_VILLAGES_COMPLIANT]);
	v[FIG_VILLAGES_RATE] = rate_json(last[CM_VILLAGES_COMPLIANT], last[CM_VILLAGES_TOTAL]);
	COUNT(FIG_ENTERPRISES_TOTAL, last[CM_ENTERPRISES_TOTAL]);
	COUNT(FIG_ENTERPRISES_COMPLIANT, last[CM_ENTERPRISES_COMPLIANT]);
	v[FIG_ENTERPRISES_RATE] = rate_json(last[CM_ENTERPRISES_COMPLIANT],
					    last[CM_ENTERPRISES_TOTAL]);
	v[FIG_VILLAGES_ZERO_CASE_MONTHLY_RATE] = vzr < 0 ? json_null() : json_real((double)vzr / 10.0);
	v[FIG_ENTERPRISES_ZERO_CASE_MONTHLY_RATE] =
		ezr < 0 ? json_null() : json_real((double)ezr / 10.0);
	COUNT(FIG_VISIT_BATCHES, sum[CM_VISIT_BATCHES]);
	COUNT(FIG_VISIT_PERSONS, sum[CM_VISIT_PERSONS]);
	COUNT(FIG_ONLINE_PETITIONS, sum[CM_ONLINE_PETITIONS]);
	COUNT(FIG_PETITION_ACTIVITIES, sum[CM_PETITION_ACTIVITIES]);
	COUNT(FIG_INSPECTIONS, sum[CM_INSPECTIONS]);
	COUNT(FIG_HAZARDS_FOUND, sum[CM_HAZARDS_FOUND]);
	COUNT(FIG_HAZARDS_RECTIFIED, rectified);
	COUNT(FIG_COERCED_PERSONS, sum[CM_COERCED_PERSONS]);
	COUNT(FIG_PROSECUTED_PERSONS, sum[CM_PROSECUTED_PERSONS]);
	COUNT(FIG_DISPUTES_MEDIATED, sum[CM_DISPUTES_MEDIATED]);
	v[FIG_MEDIATION_SUCCESS_RATE] = rate_json(sum[CM_DISPUTES_SUCCESS], sum[CM_DISPUTES_MEDIATED]);
	/* in the table's order; a figure computed elsewhere is not set here */
	for (i = 0; i < FIG__COUNT; i++)
		if (v[i])
			json_object_set_new(out, figure_keys[i].key, v[i]);
	return out;
}

json_t *figures_of_tally(const struct cell_tally *t, const char *through)
{
	return tally_json(t, atoi(through + 5) - 1);
}

/* Checks common to the figures and their breakdowns; the through month's index in *mi. */
static int figures_check(const struct actor *a, const char *through, int *mi,
			 struct model_error *e)
{
	char now[8];

	if (!through || !month_valid(through))
		return model_fail(e, MODEL_EINVAL, "through", "through：月份格式应为 YYYY-MM");
	month_now(now);
	if (strcmp(through, now) > 0)
		return model_fail(e, MODEL_EINVAL, "through", "through：不能是尚未到来的月份");
	if (!entity_can_read(&subject_desc, a))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权查看统计数字");
	*mi = atoi(through + 5) - 1;
	return 0;
}

/* Fresh cells of the year through `through`, read per key of `by` (NULL: one tally). */
static int figures_tallies(struct db *db, const struct actor *a, const char *through,
			   const struct figures_filter *f, const char *by, struct cell_tally **t,
			   size_t *n, struct model_error *e)
{
	char jan[8];

	snprintf(jan, sizeof(jan), "%.4s-01", through);
	if (figures_refresh(db, a, jan, through, &e->msg) ||
	    cells_read(db, a, through, f, by, t, n, &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	return 0;
}

static const struct cell_tally zero_tally;

/* The regions of level district as rows a scope reaches (by=district): by their own code. */
static const struct entity_scope district_rows = { .district = "code" };

/*
 * The work figures of each row of a breakdown by district, township or
 * supervisor (`rows`: {key, label, figures}), for that district (as its
 * office sees it), township or department.
 */
static int breakdown_work(struct db *db, const struct actor *a, const char *through,
			  const char *by, json_t *rows, struct strbuf *err)
{
	size_t i;
	json_t *row;

	json_array_foreach(rows, i, row) {
		struct figures_filter f = { NULL, NULL };
		const char *key = json_string_value(json_object_get(row, "key"));
		if (!strcmp(by, "district")) {
			/* a district's work as its own office sees it (kept: work_cache.c) */
			struct actor office = *a;
			struct work_tally t = { { 0 } };
			office.role = ROLE_OFFICE;
			office.district = key;
			office.region = NULL;
			if (work_cache_tally(db, a, key, through, &t, err))
				return -1;
			work_tally_json(&office, through, NULL, &t, json_object_get(row, "figures"));
			continue;
		}
		if (!strcmp(by, "township"))
			f.township = key;
		else
			f.supervisor = key;
		if (work_figures_add(db, a, through, &f, json_object_get(row, "figures"), err))
			return -1;
	}
	return 0;
}

int figures_compute(struct db *db, const struct actor *a, const char *through,
		    const struct figures_filter *f, json_t **out, struct model_error *e)
{
	return figures_compute_opt(db, a, through, f, 0, out, e);
}

int figures_compute_opt(struct db *db, const struct actor *a, const char *through,
			const struct figures_filter *f, unsigned flags, json_t **out,
			struct model_error *e)
{
	struct cell_tally *t;
	size_t n;
	int mi, ret;

	if ((ret = figures_check(a, through, &mi, e)) ||
	    (ret = figures_tallies(db, a, through, f, NULL, &t, &n, e)))
		return ret;
	*out = tally_json(n ? &t[0] : &zero_tally, mi);
	free(t);
	if (!(flags & FIGURES_NO_WORK) && work_figures_add(db, a, through, f, *out, &e->msg)) {
		json_decref(*out);
		*out = NULL;
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	return 0;
}

/* A row's figure `key` (a percentage) as a number for ranking, -1 when it has none. */
static double rank_value(json_t *row, const char *key)
{
	json_t *v = json_object_get(json_object_get(row, "figures"), key);

	return json_is_number(v) ? json_number_value(v) : -1;
}

/*
 * The districts ranked (a city's or a province's ranking of its districts):
 * each row's `rank`, 1 for the highest 村（社区）达标率, then 企事业单位达标率;
 * rows equal in both share a rank.
 */
static void rank_districts(json_t *rows)
{
	size_t i, j;
	json_t *a, *b;

	json_array_foreach(rows, i, a) {
		double av = rank_value(a, "villages_rate"), ae = rank_value(a, "enterprises_rate");
		json_int_t rank = 1;
		json_array_foreach(rows, j, b) {
			double bv = rank_value(b, "villages_rate"), be = rank_value(b, "enterprises_rate");
			rank += bv > av || (bv == av && be > ae);
		}
		json_object_set_new(a, "rank", json_integer(rank));
	}
}

int figures_breakdown(struct db *db, const struct actor *a, const char *through, const char *by,
		      json_t **out, struct model_error *e)
{
	return figures_breakdown_opt(db, a, through, by, 0, out, e);
}

int figures_breakdown_opt(struct db *db, const struct actor *a, const char *through,
			  const char *by, unsigned flags, json_t **out, struct model_error *e)
{
	struct db_stmt *st = NULL;
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct cell_tally *t = NULL;
	json_t *rows = NULL, *targets;
	const char *key_by;
	size_t n = 0;
	int rc, mi, ret;

	if ((ret = figures_check(a, through, &mi, e)))
		return ret;
	if (!by || (strcmp(by, "township") && strcmp(by, "supervisor") && strcmp(by, "month") &&
		    strcmp(by, "district")))
		return model_fail(e, MODEL_EBADREQ, "by", "by 应为 township、supervisor、district 或 month");
	/* the districts' own cells: a scope finer than a township or department has none */
	if (!strcmp(by, "district") && (a->role == ROLE_GRID || a->role == ROLE_SUBJECT))
		return model_fail(e, MODEL_EINVAL, "by", "by=district：网格员、主体账号不能按区县分列");
	key_by = strcmp(by, "month") ? by : NULL;
	if ((ret = figures_tallies(db, a, through, NULL, key_by, &t, &n, e)))
		return ret;
	rows = json_array();
	if (!key_by) {
		char m[8], next[8];
		int i = 0;
		for (snprintf(m, sizeof(m), "%.4s-01", through); i <= mi; i++) {
			json_t *fig = tally_json(n ? &t[0] : &zero_tally, i);
			json_array_append_new(rows, json_pack("{ss ss so}", "key", m, "label", m,
							      "figures", fig));
			if (!(flags & FIGURES_NO_WORK) && work_figures_add(db, a, m, NULL, fig, &e->msg))
				goto dberr;
			month_add(m, 1, next);
			snprintf(m, sizeof(m), "%s", next);
		}
	} else {
		/* the districts, townships or supervising departments that the scope reaches */
		if (!strcmp(by, "district"))
			strbuf_addstr(&sql, "SELECT r.code, r.name FROM regions r WHERE r.level = "
					    "'district'");
		else if (!strcmp(by, "township"))
			strbuf_addstr(&sql, "SELECT DISTINCT s.township, r.name FROM subjects s JOIN "
					    "regions r ON r.code = s.township WHERE 1 = 1");
		else
			strbuf_addstr(&sql, "SELECT DISTINCT s.supervisor, r.name FROM subjects s JOIN "
					    "departments r ON r.code = s.supervisor WHERE 1 = 1");
		if (!strcmp(by, "district"))
			scope_where_columns(&district_rows, a, "r", &sql, &p);
		else
			scope_where(&subject_desc, a, "s", &sql, &p);
		strbuf_addstr(&sql, " ORDER BY 1");
		if (db_prepare(db, sql.buf, &st, &e->msg))
			goto dberr;
		sqlp_bind(&p, st, 1);
		while ((rc = db_step(st, &e->msg)) == DB_ROW) {
			const char *key = db_column_text(st, 0);
			const struct cell_tally *kt = &zero_tally;
			size_t i;
			for (i = 0; i < n; i++)
				if (!strcmp(t[i].key, key))
					kt = &t[i];
			json_array_append_new(rows, json_pack("{ss ss so}", "key", key, "label",
							      db_column_text(st, 1), "figures",
							      tally_json(kt, mi)));
		}
		if (rc < 0 || (!(flags & FIGURES_NO_WORK) &&
				breakdown_work(db, a, through, by, rows, &e->msg)))
			goto dberr;
		if (!strcmp(by, "district"))
			rank_districts(rows);
	}
	targets = json_object();
	if (a->district) {
		struct assess_rules rv, re;
		if (assess_rules_for(db, a->district, "village", through, &rv, &e->msg) ||
		    assess_rules_for(db, a->district, "enterprise", through, &re, &e->msg)) {
			json_decref(targets);
			goto dberr;
		}
		json_object_set_new(targets, "villages", rv.target < 0 ? json_null() : json_real(rv.target));
		json_object_set_new(targets, "enterprises",
				    re.target < 0 ? json_null() : json_real(re.target));
	}
	*out = json_pack("{ss ss so so}", "by", by, "through", through, "targets", targets,
			 "rows", rows);
	rows = NULL;
	goto cleanup;
dberr:
	ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
cleanup:
	if (st)
		db_finalize(st);
	free(t);
	json_decref(rows);
	sqlp_release(&p);
	strbuf_release(&sql);
	return ret;
}
