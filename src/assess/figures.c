/*
 * figures.c: the report figures (see figures.h).  Counts come from SQL
 * aggregates over indexed date ranges with the scope predicate inside each
 * statement; only the final arithmetic (shares, the mean of monthly shares
 * and their rounding) is done here, exactly, in integers.
 */
#include "assess/figures.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess.h"
#include "base/date.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "model/entities.h"
#include "model/entity_int.h"

int64_t percent_tenths(int64_t num, int64_t den)
{
	/* round(1000 * num / den) half up, for num, den >= 0 */
	return (2000 * num + den) / (2 * den);
}

static json_t *rate_json(int64_t num, int64_t den)
{
	return den ? json_real((double)percent_tenths(num, den) / 10.0) : json_null();
}

static __int128 gcd128(__int128 a, __int128 b)
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
static int64_t mean_share_tenths(const int64_t *a, const int64_t *b, int n)
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

/* Scope of an entity's rows (alias t) plus the township/sector filter. */
static void event_where(const struct entity_desc *ed, const struct actor *a,
			const struct figures_filter *f, struct strbuf *sql, struct sqlp *p)
{
	scope_where(ed, a, "t", sql, p);
	if (f && f->township) {
		strbuf_addstr(sql, " AND t.township = ?");
		sqlp_text(p, f->township);
	}
	if (f && f->supervisor) {
		if (entity_field(ed, "subject")) {
			strbuf_addstr(sql, " AND t.subject IN (SELECT code FROM subjects WHERE supervisor = ?)");
			sqlp_text(p, f->supervisor);
		} else {
			strbuf_addstr(sql, " AND 1 = 0"); /* district-wide work has no sector */
		}
	}
}

/* SELECT <cols> FROM <table> t WHERE <date> in [from, to] AND <extra> AND scope */
static int event_aggregate(struct db *db, const struct actor *a, const struct figures_filter *f,
			   const struct entity_desc *ed, const char *cols, const char *cols_param,
			   const char *date_col, const char *extra, const char *from, const char *to,
			   int64_t *out, int n, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	int ret;

	if (cols_param)
		sqlp_text(&p, cols_param); /* the one `?` of `cols` comes first */
	strbuf_addf(&sql, "SELECT %s FROM %s t WHERE t.%s >= ? AND t.%s <= ?%s%s", cols, ed->table,
		    date_col, date_col, extra ? " AND " : "", extra ? extra : "");
	sqlp_text(&p, from);
	sqlp_text(&p, to);
	event_where(ed, a, f, &sql, &p);
	ret = sqlp_aggregate(db, sql.buf, &p, out, n, err);
	sqlp_release(&p);
	strbuf_release(&sql);
	return ret;
}

/* The subject predicate (alias s) of the scope and filter, on the list in `month`. */
static void subject_where(const struct actor *a, const struct figures_filter *f, const char *month,
			  struct strbuf *sql, struct sqlp *p)
{
	strbuf_addstr(sql, " s.active_from <= ? AND (s.active_to IS NULL OR s.active_to >= ?)");
	sqlp_text(p, month);
	sqlp_text(p, month);
	scope_where(&subject_desc, a, "s", sql, p);
	if (f && f->township) {
		strbuf_addstr(sql, " AND s.township = ?");
		sqlp_text(p, f->township);
	}
	if (f && f->supervisor) {
		strbuf_addstr(sql, " AND s.supervisor = ?");
		sqlp_text(p, f->supervisor);
	}
}

int figures_compute(struct db *db, const struct actor *a, const char *through,
		    const struct figures_filter *f, json_t **out, struct model_error *e)
{
	struct strbuf sql = STRBUF_INIT, *err = &e->msg;
	struct sqlp p = SQLP_INIT;
	struct db_stmt *st = NULL;
	char jan[8], from[16], to[16], now[8];
	char **districts = NULL;
	int64_t total = 0, vt = 0, vc = 0, et = 0, ec = 0;
	int64_t vz[12] = { 0 }, vn[12] = { 0 }, ez[12] = { 0 }, en[12] = { 0 };
	int64_t visits[2], online, activities, inspections, hz[2], cs[2], dm[2];
	int64_t vzr, ezr;
	int i, rc, ret = 0;

	if (!through || !month_valid(through))
		return model_fail(e, MODEL_EINVAL, "through", "through：月份格式应为 YYYY-MM");
	month_now_utc(now);
	if (strcmp(through, now) > 0)
		return model_fail(e, MODEL_EINVAL, "through", "through：不能是尚未到来的月份");
	if (!entity_can_read(&subject_desc, a))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权查看统计数字");
	snprintf(jan, sizeof(jan), "%.4s-01", through);
	snprintf(from, sizeof(from), "%s-01", jan);
	snprintf(to, sizeof(to), "%s-31", through);

	/* every month of the year so far reflects the data */
	districts = assess_districts(db, a, err);
	if (!districts)
		goto dberr;
	for (i = 0; districts[i]; i++)
		if (assess_refresh(db, districts[i], jan, through, err))
			goto dberr;

	/* subjects on the list at the end of M, and who complied every month so far */
	strbuf_addstr(&sql, "SELECT CASE WHEN s.kind IN ('village', 'community') THEN 1 ELSE 0 END, "
			    "COUNT(*), SUM(CASE WHEN COALESCE(x.bad, 0) = 0 THEN 1 ELSE 0 END) "
			    "FROM subjects s LEFT JOIN (SELECT d.subject, MAX(d.fail) AS bad FROM "
			    "determinations d WHERE d.month >= ? AND d.month <= ? GROUP BY d.subject) x "
			    "ON x.subject = s.code WHERE");
	sqlp_text(&p, jan);
	sqlp_text(&p, through);
	subject_where(a, f, through, &sql, &p);
	strbuf_addstr(&sql, " GROUP BY CASE WHEN s.kind IN ('village', 'community') THEN 1 ELSE 0 END");
	if (db_prepare(db, sql.buf, &st, err))
		goto dberr;
	sqlp_bind(&p, st, 1);
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (db_column_int64(st, 0)) {
			vt = db_column_int64(st, 1);
			vc = db_column_int64(st, 2);
		} else {
			et = db_column_int64(st, 1);
			ec = db_column_int64(st, 2);
		}
	}
	db_finalize(st);
	st = NULL;
	if (rc < 0)
		goto dberr;
	total = vt + et;

	/* per month: subjects on the list and those with no case failing them */
	sqlp_release(&p);
	strbuf_reset(&sql);
	strbuf_addstr(&sql, "SELECT d.month, CASE WHEN d.kind IN ('village', 'community') THEN 1 "
			    "ELSE 0 END, COUNT(*), SUM(CASE WHEN d.case_final = 0 THEN 1 ELSE 0 END) "
			    "FROM determinations d JOIN subjects s ON s.code = d.subject WHERE "
			    "d.month >= ? AND d.month <= ?");
	sqlp_text(&p, jan);
	sqlp_text(&p, through);
	scope_where(&subject_desc, a, "s", &sql, &p);
	if (f && f->township) {
		strbuf_addstr(&sql, " AND d.township = ?");
		sqlp_text(&p, f->township);
	}
	if (f && f->supervisor) {
		strbuf_addstr(&sql, " AND d.supervisor = ?");
		sqlp_text(&p, f->supervisor);
	}
	strbuf_addstr(&sql, " GROUP BY d.month, CASE WHEN d.kind IN ('village', 'community') THEN 1 "
			    "ELSE 0 END");
	if (db_prepare(db, sql.buf, &st, err))
		goto dberr;
	sqlp_bind(&p, st, 1);
	while ((rc = db_step(st, err)) == DB_ROW) {
		int m = atoi(db_column_text(st, 0) + 5) - 1;
		if (m < 0 || m > 11)
			continue;
		if (db_column_int64(st, 1)) {
			vn[m] = db_column_int64(st, 2);
			vz[m] = db_column_int64(st, 3);
		} else {
			en[m] = db_column_int64(st, 2);
			ez[m] = db_column_int64(st, 3);
		}
	}
	db_finalize(st);
	st = NULL;
	if (rc < 0)
		goto dberr;
	vzr = mean_share_tenths(vz, vn, 12);
	ezr = mean_share_tenths(ez, en, 12);

	/* the events of the year so far */
	if (event_aggregate(db, a, f, &petition_desc, "COUNT(*), SUM(t.persons)", NULL, "received_on",
			    "t.channel = 'visit'", from, to, visits, 2, err) ||
	    event_aggregate(db, a, f, &petition_desc, "COUNT(*)", NULL, "received_on",
			    "t.channel = 'online'", from, to, &online, 1, err) ||
	    event_aggregate(db, a, f, &activity_desc, "COUNT(*)", NULL, "held_on", NULL, from, to,
			    &activities, 1, err) ||
	    event_aggregate(db, a, f, &inspection_desc, "COUNT(*)", NULL, "inspected_on", NULL, from,
			    to, &inspections, 1, err) ||
	    event_aggregate(db, a, f, &hazard_desc, "COUNT(*), SUM(CASE WHEN t.rectified_on IS NOT "
			    "NULL AND t.rectified_on <= ? THEN 1 ELSE 0 END)", to, "found_on", NULL,
			    from, to, hz, 2, err) ||
	    event_aggregate(db, a, f, &case_desc, "SUM(t.coerced), SUM(t.prosecuted)", NULL,
			    "occurred_on", NULL, from, to, cs, 2, err) ||
	    event_aggregate(db, a, f, &dispute_desc, "SUM(CASE WHEN t.status IN ('success', "
			    "'failed') THEN 1 ELSE 0 END), SUM(CASE WHEN t.status = 'success' THEN 1 "
			    "ELSE 0 END)", NULL, "closed_on", NULL, from, to, dm, 2, err))
		goto dberr;
	*out = json_object();
	json_object_set_new(*out, "subjects_total", json_integer(total));
	json_object_set_new(*out, "villages_total", json_integer(vt));
	json_object_set_new(*out, "villages_compliant", json_integer(vc));
	json_object_set_new(*out, "villages_rate", rate_json(vc, vt));
	json_object_set_new(*out, "enterprises_total", json_integer(et));
	json_object_set_new(*out, "enterprises_compliant", json_integer(ec));
	json_object_set_new(*out, "enterprises_rate", rate_json(ec, et));
	json_object_set_new(*out, "villages_zero_case_monthly_rate",
			    vzr < 0 ? json_null() : json_real((double)vzr / 10.0));
	json_object_set_new(*out, "enterprises_zero_case_monthly_rate",
			    ezr < 0 ? json_null() : json_real((double)ezr / 10.0));
	json_object_set_new(*out, "visit_batches", json_integer(visits[0]));
	json_object_set_new(*out, "visit_persons", json_integer(visits[1]));
	json_object_set_new(*out, "online_petitions", json_integer(online));
	json_object_set_new(*out, "petition_activities", json_integer(activities));
	json_object_set_new(*out, "inspections", json_integer(inspections));
	json_object_set_new(*out, "hazards_found", json_integer(hz[0]));
	json_object_set_new(*out, "hazards_rectified", json_integer(hz[1]));
	json_object_set_new(*out, "coerced_persons", json_integer(cs[0]));
	json_object_set_new(*out, "prosecuted_persons", json_integer(cs[1]));
	json_object_set_new(*out, "disputes_mediated", json_integer(dm[0]));
	json_object_set_new(*out, "mediation_success_rate", rate_json(dm[1], dm[0]));
	goto cleanup;
dberr:
	ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
cleanup:
	if (st)
		db_finalize(st);
	assess_districts_free(districts);
	sqlp_release(&p);
	strbuf_release(&sql);
	return ret;
}

int figures_breakdown(struct db *db, const struct actor *a, const char *through, const char *by,
		      json_t **out, struct model_error *e)
{
	struct db_stmt *st = NULL;
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	json_t *rows = NULL, *targets;
	int rc, ret = 0;

	if (!through || !month_valid(through))
		return model_fail(e, MODEL_EINVAL, "through", "through：月份格式应为 YYYY-MM");
	if (!by || (strcmp(by, "township") && strcmp(by, "supervisor") && strcmp(by, "month")))
		return model_fail(e, MODEL_EBADREQ, "by", "by 应为 township、supervisor 或 month");
	if (!entity_can_read(&subject_desc, a))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权查看统计数字");
	rows = json_array();
	if (!strcmp(by, "month")) {
		char m[8], next[8];
		for (snprintf(m, sizeof(m), "%.4s-01", through); strcmp(m, through) <= 0;
		     snprintf(m, sizeof(m), "%s", next)) {
			json_t *fig;
			if ((ret = figures_compute(db, a, m, NULL, &fig, e)))
				goto cleanup;
			json_array_append_new(rows, json_pack("{ss ss so}", "key", m, "label", m,
							      "figures", fig));
			month_add(m, 1, next);
		}
	} else {
		/* the townships, or the supervising departments, that the scope reaches */
		if (!strcmp(by, "township"))
			strbuf_addstr(&sql, "SELECT DISTINCT s.township, r.name FROM subjects s JOIN "
					    "regions r ON r.code = s.township WHERE 1 = 1");
		else
			strbuf_addstr(&sql, "SELECT DISTINCT s.supervisor, r.name FROM subjects s JOIN "
					    "departments r ON r.code = s.supervisor WHERE 1 = 1");
		scope_where(&subject_desc, a, "s", &sql, &p);
		strbuf_addstr(&sql, " ORDER BY 1");
		if (db_prepare(db, sql.buf, &st, &e->msg)) {
			ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
			goto cleanup;
		}
		sqlp_bind(&p, st, 1);
		while ((rc = db_step(st, &e->msg)) == DB_ROW)
			json_array_append_new(rows, json_pack("{ss ss}", "key", db_column_text(st, 0),
							      "label", db_column_text(st, 1)));
		db_finalize(st);
		st = NULL;
		if (rc < 0) {
			ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
			goto cleanup;
		}
		{
			size_t i;
			json_t *row;
			json_array_foreach(rows, i, row) {
				struct figures_filter f = { NULL, NULL };
				json_t *fig;
				const char *key = json_string_value(json_object_get(row, "key"));
				if (!strcmp(by, "township"))
					f.township = key;
				else
					f.supervisor = key;
				if ((ret = figures_compute(db, a, through, &f, &fig, e)))
					goto cleanup;
				json_object_set_new(row, "figures", fig);
			}
		}
	}
	targets = json_object();
	if (a->district) {
		struct assess_rules rv, re;
		if (assess_rules_for(db, a->district, "village", through, &rv, &e->msg) ||
		    assess_rules_for(db, a->district, "enterprise", through, &re, &e->msg)) {
			json_decref(targets);
			ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
			goto cleanup;
		}
		json_object_set_new(targets, "villages", rv.target < 0 ? json_null() : json_real(rv.target));
		json_object_set_new(targets, "enterprises",
				    re.target < 0 ? json_null() : json_real(re.target));
	}
	*out = json_pack("{ss ss so so}", "by", by, "through", through, "targets", targets,
			 "rows", rows);
	rows = NULL;
cleanup:
	if (st)
		db_finalize(st);
	json_decref(rows);
	sqlp_release(&p);
	strbuf_release(&sql);
	return ret;
}
