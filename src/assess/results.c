/*
 * results.c: the determination as read (see assess.h): a month's state and
 * counts, its results by subject (of the month, or of the year to date
 * with each failed month's reasons), the explanation of one subject's result
 * event by event (from the same veto predicates as the computation:
 * assess_int.h), the months there are, and which are provisional.  All
 * within the actor's scope.
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
#include "assess/raise.h"

int assess_month_json(struct db *db, const struct actor *a, const char *month, json_t **out,
		      struct model_error *e)
{
	struct db_stmt *st = NULL;
	json_t *cert, *o;
	int64_t computed;
	int pub, rc, d;

	if (!month || !month_valid(month))
		return model_fail(e, MODEL_EINVAL, "month", "月份格式应为 YYYY-MM");
	if (month_is_future(month))
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
			      "ON d.month = ? AND d.subject = s.code AND d.district = s.district "
			      "WHERE s.district = ? AND " ON_LIST);
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
	struct results_filter f = { .township = township, .kind = kind, .fail = fail };

	return assess_results_query(db, a, month, &f, page, page_size, out, e);
}

/* Whether a subject failed: the month's determination, or any month of the year through it. */
#define MONTH_FAILED "COALESCE(d.fail, 0)"
#define YEAR_FAILED "CASE WHEN x.subject IS NULL THEN 0 ELSE 1 END"

/*
 * " FROM … WHERE …" of the subjects on the list at the end of `month`
 * within the actor's scope, filtered by `f` but its `fail`; each with its
 * determination of the month (d), or of the year (x: a row when it failed
 * a month of January..month, none when it complied every month).
 */
static void results_from(const struct actor *a, const char *month, const char *jan, int year,
			 const struct results_filter *f, struct strbuf *sql, struct sqlp *p)
{
	if (year) {
		strbuf_addstr(sql, " FROM subjects s LEFT JOIN (SELECT f.subject FROM determinations f "
				   "WHERE f.district = ? AND f.fail = 1 AND f.month >= ? AND f.month <= ? "
				   "GROUP BY f.subject) x ON x.subject = s.code");
		sqlp_text(p, a->district);
		sqlp_text(p, jan);
		sqlp_text(p, month);
	} else {
		strbuf_addstr(sql, " FROM subjects s LEFT JOIN determinations d ON d.month = ? AND "
				   "d.subject = s.code AND d.district = s.district");
		sqlp_text(p, month);
	}
	strbuf_addstr(sql, " WHERE s.district = ? AND " ON_LIST);
	sqlp_text(p, a->district);
	sqlp_text(p, month);
	sqlp_text(p, month);
	scope_where(&subject_desc, a, "s", sql, p);
	if (f->township) {
		strbuf_addstr(sql, " AND s.township = ?");
		sqlp_text(p, f->township);
	}
	if (f->supervisor) {
		strbuf_addstr(sql, " AND s.supervisor = ?");
		sqlp_text(p, f->supervisor);
	}
	if (f->kind) {
		strbuf_addstr(sql, " AND s.kind = ?");
		sqlp_text(p, enum_lookup(&enum_subject_kind, f->kind));
	}
	/* the figures' grouping (cells.c): villages and communities, and the rest */
	if (f->group)
		strbuf_addf(sql, " AND s.kind %sIN ('village', 'community')",
			    strcmp(f->group, "village") ? "NOT " : "");
	/* the dimension: a code of dimension_codes (results_check), written into the SQL */
	if (f->dimension && !year) {
		strbuf_addf(sql, " AND COALESCE(d.%s_final, 0) = 1", f->dimension);
	} else if (f->dimension) {
		strbuf_addf(sql, " AND EXISTS (SELECT 1 FROM determinations g WHERE g.subject = s.code "
			    "AND g.district = ? AND g.month >= ? AND g.month <= ? AND g.%s_final = 1)",
			    f->dimension);
		sqlp_text(p, a->district);
		sqlp_text(p, jan);
		sqlp_text(p, month);
	}
}

/* The dimension's index in dimension_codes, or -1. */
static int dimension_index(const char *code)
{
	int d;

	for (d = 0; d < DIM__COUNT; d++)
		if (!strcmp(code, dimension_codes[d]))
			return d;
	return -1;
}

static int results_check(const struct actor *a, const char *month, const struct results_filter *f,
			 struct model_error *e)
{
	if (!month || !month_valid(month))
		return model_fail(e, MODEL_EINVAL, "month", "月份格式应为 YYYY-MM");
	if (month_is_future(month))
		return model_fail(e, MODEL_EINVAL, "month", "%s 尚未到来，没有认定结果", month);
	if (!entity_can_read(&subject_desc, a) || !a->district)
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权查看");
	if (f->span && strcmp(f->span, "month") && strcmp(f->span, "year"))
		return model_fail(e, MODEL_EBADREQ, "span",
				  "span 应为 month（本月）或 year（本年累计）");
	if (f->kind && !enum_lookup(&enum_subject_kind, f->kind))
		return model_fail(e, MODEL_EINVAL, "kind", "主体类型不正确");
	if (f->group && strcmp(f->group, "village") && strcmp(f->group, "enterprise"))
		return model_fail(e, MODEL_EBADREQ, "group",
				  "group 应为 village（村（社区））或 enterprise（企事业单位）");
	if (f->dimension && dimension_index(f->dimension) < 0)
		return model_fail(e, MODEL_EBADREQ, "dimension",
				  "dimension 应为 petition（零上访）、accident（零事故）或 case（零案件）");
	if (f->fail && strcmp(f->fail, "0") && strcmp(f->fail, "1"))
		return model_fail(e, MODEL_EBADREQ, "fail", "fail 应为 0 或 1");
	return 0;
}

/* Whether each dimension is certified in the month: {petition: bool, …}. */
static json_t *certified_json(struct db *db, const char *district, const char *month)
{
	json_t *cert = json_object();
	int d;

	for (d = 0; d < DIM__COUNT; d++) {
		const char *cp[] = { district, month, dimension_codes[d] };
		char *v = NULL;
		db_query_value(db, "SELECT confirmed_by FROM certifications WHERE district = ? AND "
			       "month = ? AND dimension = ?", cp, 3, &v, NULL);
		json_object_set_new(cert, dimension_codes[d], json_boolean(v != NULL));
		free(v);
	}
	return cert;
}

/* One row of the month's results (the columns of month_rows()). */
static json_t *month_row(struct db_stmt *st, const struct assess_rules *rules)
{
	const char *standard = "default";
	json_t *row;
	size_t k;
	int d;

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
	return row;
}

/* One row of the year's results: the subject and whether it complied every month. */
static json_t *year_row(struct db_stmt *st)
{
	return json_pack("{ss ss ss ss ss* sb}", "subject", db_column_text(st, 0),
			 "name", db_column_text(st, 1), "kind", db_column_text(st, 2),
			 "township", db_column_text(st, 3),
			 "supervisor", db_column_is_null(st, 4) ? NULL : db_column_text(st, 4),
			 "complies", db_column_int64(st, 5) == 0);
}

/*
 * The months jan..month that `row`'s subject failed, into its member
 * failed_months: [{month, petition, accident, case, reason}].
 */
static int failed_months(struct db *db, const struct actor *a, const char *jan,
			 const char *month, json_t *row, struct model_error *e)
{
	const char *subject = json_string_value(json_object_get(row, "subject"));
	struct db_stmt *st;
	json_t *arr = json_array(), *m;
	size_t i;
	int rc, d;

	json_object_set_new(row, "failed_months", arr);
	if (db_prepare(db, "SELECT month, petition_final, accident_final, case_final FROM "
		       "determinations WHERE district = ? AND subject = ? AND fail = 1 AND "
		       "month >= ? AND month <= ? ORDER BY month", &st, &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	db_bind_text(st, 1, a->district);
	db_bind_text(st, 2, subject);
	db_bind_text(st, 3, jan);
	db_bind_text(st, 4, month);
	while ((rc = db_step(st, &e->msg)) == DB_ROW) {
		m = json_pack("{ss}", "month", db_column_text(st, 0));
		for (d = 0; d < DIM__COUNT; d++)
			json_object_set_new(m, dimension_codes[d],
					    json_boolean(db_column_int64(st, 1 + d) != 0));
		json_array_append_new(arr, m);
	}
	db_finalize(st);
	if (rc < 0)
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	/* the reasons, once the statement is done: each explains anew */
	json_array_foreach(arr, i, m) {
		struct strbuf why = STRBUF_INIT;
		int fails[DIM__COUNT], ret;
		for (d = 0; d < DIM__COUNT; d++)
			fails[d] = json_is_true(json_object_get(m, dimension_codes[d]));
		ret = assess_failure_reasons(db, a, json_string_value(json_object_get(m, "month")),
					     subject, fails, &why, e);
		if (!ret)
			json_object_set_new(m, "reason", json_string(why.buf));
		strbuf_release(&why);
		if (ret)
			return ret;
	}
	return 0;
}

int assess_results_query(struct db *db, const struct actor *a, const char *month,
			 const struct results_filter *f, int page, int page_size, json_t **out,
			 struct model_error *e)
{
	struct strbuf where = STRBUF_INIT, sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct db_stmt *st = NULL;
	json_t *items = NULL, *row;
	struct assess_rules rules[NKINDS];
	int64_t counts[2] = { 0, 0 }, total, computed; /* the subjects, those failing */
	const char *failed;
	char jan[8];
	int rc, pub, year, ret;
	size_t k;

	if ((ret = results_check(a, month, f, e)))
		return ret;
	year = f->span && !strcmp(f->span, "year");
	failed = year ? YEAR_FAILED : MONTH_FAILED;
	snprintf(jan, sizeof(jan), "%.4s-01", month);
	if (assess_refresh(db, a->district, year ? jan : month, month, &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	pub = month_state(db, a->district, month, &computed, &e->msg);
	for (k = 0; k < NKINDS && !year; k++)
		if (assess_rules_for(db, a->district, subject_kinds[k], month, &rules[k], &e->msg))
			goto dberr;
	results_from(a, month, jan, year, f, &where, &p);
	strbuf_addf(&sql, "SELECT COUNT(*), COALESCE(SUM(%s), 0)%s", failed, where.buf);
	if (sqlp_aggregate(db, sql.buf, &p, counts, 2, &e->msg))
		goto dberr;
	total = !f->fail ? counts[0] : !strcmp(f->fail, "1") ? counts[1] : counts[0] - counts[1];
	if (f->fail) {
		strbuf_addf(&where, " AND %s = ?", failed);
		sqlp_int(&p, atoi(f->fail));
	}
	strbuf_reset(&sql);
	if (year)
		strbuf_addf(&sql, "SELECT s.code, s.name, s.kind, s.township, s.supervisor, %s%s",
			    failed, where.buf);
	else
		strbuf_addf(&sql, "SELECT s.code, s.name, s.kind, s.township, s.supervisor, "
			    "COALESCE(d.petition_fail, 0), COALESCE(d.accident_fail, 0), "
			    "COALESCE(d.case_fail, 0), COALESCE(d.petition_final, 0), "
			    "COALESCE(d.accident_final, 0), COALESCE(d.case_final, 0), %s%s",
			    failed, where.buf);
	strbuf_addf(&sql, " ORDER BY %s DESC, s.code LIMIT ? OFFSET ?", failed);
	if (db_prepare(db, sql.buf, &st, &e->msg))
		goto dberr;
	sqlp_bind(&p, st, 1);
	db_bind_int64(st, (int)p.n + 1, page_size);
	db_bind_int64(st, (int)p.n + 2, (int64_t)(page - 1) * page_size);
	items = json_array();
	while ((rc = db_step(st, &e->msg)) == DB_ROW)
		json_array_append_new(items, year ? year_row(st) : month_row(st, rules));
	db_finalize(st);
	st = NULL;
	if (rc < 0)
		goto dberr;
	json_array_foreach(items, k, row)
		if (year && !json_is_true(json_object_get(row, "complies")) &&
		    (ret = failed_months(db, a, jan, month, row, e)))
			goto cleanup;
	*out = json_pack("{ss ss ss sb so s{sI sI sI} so sI si si}", "month", month,
			 "span", year ? "year" : "month", "from", year ? jan : month,
			 "published", pub > 0, "certified", certified_json(db, a->district, month),
			 "counts", "subjects", (json_int_t)counts[0], "compliant",
			 (json_int_t)(counts[0] - counts[1]), "failing", (json_int_t)counts[1],
			 "items", items, "total", (json_int_t)total, "page", page,
			 "page_size", page_size);
	items = NULL;
	goto cleanup;
dberr:
	ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
cleanup:
	if (st)
		db_finalize(st);
	json_decref(items);
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
	db_bind_text(st, ++n, district); /* its events are those of its district, as it is determined */
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

/*
 * The stored result of `subject` in `month` into `o` when it was on the
 * list: whether it complies, each dimension provisional and final, the
 * checklist (no row: it complied).
 */
static int explain_result(struct db *db, const char *district, const char *month,
			  const char *subject, int on_list, json_t *o, struct strbuf *err)
{
	struct db_stmt *st;
	int rc, d, row;

	if (db_prepare(db, "SELECT petition_fail, accident_fail, case_fail, petition_final, "
		       "accident_final, case_final, fail, checklist_fail FROM determinations WHERE "
		       "district = ? AND month = ? AND subject = ?", &st, err))
		return -1;
	db_bind_text(st, 1, district);
	db_bind_text(st, 2, month);
	db_bind_text(st, 3, subject);
	rc = db_step(st, err);
	row = rc == DB_ROW;
	if (rc >= 0 && on_list) {
		json_object_set_new(o, "complies", json_boolean(!row || db_column_int64(st, 6) == 0));
		for (d = 0; d < DIM__COUNT; d++)
			json_object_set_new(o, dimension_codes[d], json_pack("{sb sb}",
				"provisional_fail", row && db_column_int64(st, d) != 0,
				"fail", row && db_column_int64(st, 3 + d) != 0));
		json_object_set_new(o, "checklist_fail",
				    json_boolean(row && db_column_int64(st, 7) != 0));
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* The overrides of `subject` in `month`, appended to `arr`. */
static int explain_overrides(struct db *db, const char *month, const char *subject, json_t *arr,
			     struct strbuf *err)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(db, "SELECT dimension, result, reason, made_by, made_at FROM overrides WHERE "
		       "month = ? AND subject = ? ORDER BY dimension", &st, err))
		return -1;
	db_bind_text(st, 1, month);
	db_bind_text(st, 2, subject);
	while ((rc = db_step(st, err)) == DB_ROW) {
		char at[TIME_ISO_BUFSZ];
		time_iso_utc(db_column_int64(st, 4), at);
		json_array_append_new(arr, json_pack("{ss ss ss ss ss}", "dimension",
			db_column_text(st, 0), "result", db_column_text(st, 1), "reason",
			db_column_text(st, 2), "by", db_column_text(st, 3), "at", at));
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
	char start[16], end[16];
	json_t *o = NULL, *ev[DIM__COUNT], *ovr;
	const char *district;
	int rc, d, ret = 0, on_list = 0;

	record_init(&s, NULL);
	if (!month || !month_valid(month))
		return model_fail(e, MODEL_EINVAL, "month", "月份格式应为 YYYY-MM");
	if (month_is_future(month))
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
	if (explain_result(db, district, month, subject, on_list, o, &e->msg))
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
			    "AND %s.district = ? AND %s.%s >= ? AND %s.%s <= ? ORDER BY %s.%s, %s.no",
			    explain_columns[d], dimension_events[d][0], dimension_events[d][1],
			    dimension_events[d][1], dimension_events[d][1],
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
	json_object_set_new(o, "overrides", ovr);
	if (explain_overrides(db, month, subject, ovr, &e->msg))
		goto dberr;
	*out = o;
	o = NULL;
	goto cleanup;
dberr:
	ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
cleanup:
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

int assess_month_publication(struct db *db, const struct actor *a, const char *month,
			     int64_t *districts, int64_t *published, json_t *unpublished,
			     struct strbuf *err)
{
	struct sqlp p = SQLP_INIT;
	struct strbuf sql = STRBUF_INIT;
	const char *pub = "CASE WHEN EXISTS (SELECT 1 FROM assess_months m WHERE m.district = "
			  "r.code AND m.month = ? AND m.published = 1) THEN 1 ELSE 0 END";
	int64_t n[2] = { 0, 0 };
	int ret = 0;

	/* the names of those that have not published, or the two counts alone */
	if (unpublished)
		strbuf_addf(&sql, "SELECT r.name, %s FROM regions r", pub);
	else
		strbuf_addf(&sql, "SELECT COUNT(*), SUM(%s) FROM regions r", pub);
	strbuf_addstr(&sql, " WHERE r.level = 'district'");
	sqlp_text(&p, month);
	if (a->role == ROLE_REGION && a->region) {
		strbuf_addstr(&sql, " AND r.code IN (" SCOPE_REGION_DISTRICTS ")");
		sqlp_text(&p, a->region);
		sqlp_text(&p, a->region);
	} else if (a->role == ROLE_REGION || (a->role != ROLE_SYSTEM && !a->district)) {
		strbuf_addstr(&sql, " AND 1 = 0"); /* no district of its own */
	} else if (a->role != ROLE_SYSTEM) {
		strbuf_addstr(&sql, " AND r.code = ?");
		sqlp_text(&p, a->district);
	}
	if (!unpublished) {
		ret = sqlp_aggregate(db, sql.buf, &p, n, 2, err);
	} else {
		struct db_stmt *st = NULL;
		int rc;
		strbuf_addstr(&sql, " ORDER BY r.code");
		if ((ret = db_prepare(db, sql.buf, &st, err)) == 0) {
			sqlp_bind(&p, st, 1);
			while ((rc = db_step(st, err)) == DB_ROW) {
				n[0]++;
				if (db_column_int64(st, 1))
					n[1]++;
				else
					json_array_append_new(unpublished,
							      json_string(db_column_text(st, 0)));
			}
			db_finalize(st);
			ret = rc < 0 ? -1 : 0;
		}
	}
	sqlp_release(&p);
	strbuf_release(&sql);
	*districts = n[0];
	*published = n[1];
	return ret;
}

int assess_provisional_months(struct db *db, const struct actor *a, const char *from,
			      const char *to, struct strbuf *out, struct strbuf *err)
{
	char m[8], next[8];
	int ret = 0;

	for (snprintf(m, sizeof(m), "%s", from); strcmp(m, to) <= 0 && !ret;
	     snprintf(m, sizeof(m), "%s", next)) {
		int64_t n, published;
		ret = assess_month_publication(db, a, m, &n, &published, NULL, err);
		if (!ret && (!n || published < n)) {
			if (out->len)
				strbuf_addch(out, ',');
			strbuf_addstr(out, m);
		}
		if (month_add(m, 1, next))
			break;
	}
	return ret;
}

/* The months of `year` there are results for: January to December or to this month. */
static int year_months(const char *year, char first[MONTH_BUFSZ], char last[MONTH_BUFSZ],
		       struct model_error *e)
{
	char now[MONTH_BUFSZ];

	if (!year || strlen(year) != 4 || strspn(year, "0123456789") != 4 || *year == '0')
		return model_fail(e, MODEL_EINVAL, "year", "年份格式应为 YYYY");
	snprintf(first, MONTH_BUFSZ, "%s-01", year);
	month_now(now);
	if (strcmp(first, now) > 0)
		return model_fail(e, MODEL_EINVAL, "year", "%s 年尚未到来，没有认定结果", year);
	snprintf(last, MONTH_BUFSZ, "%.4s-12", year);
	if (strcmp(last, now) > 0)
		memcpy(last, now, MONTH_BUFSZ);
	return 0;
}

/* Each month's row of `subject` from..to, those with none complied; on the list or not. */
static int months_rows(struct db *db, const struct record *s, const char *from, const char *to,
		       json_t *months, struct strbuf *err)
{
	const char *active_from = record_get(s, "active_from"), *active_to = record_get(s, "active_to");
	char m[MONTH_BUFSZ];
	struct db_stmt *st;
	int rc, d;

	for (memcpy(m, from, MONTH_BUFSZ); strcmp(m, to) <= 0; month_add(m, 1, m)) {
		int on = strcmp(active_from, m) <= 0 && (!active_to || strcmp(active_to, m) >= 0);
		json_array_append_new(months, json_pack("{ss sb sb s{sb sb sb}}", "month", m,
			"on_list", on, "complies", on, "fails", "petition", 0, "accident", 0,
			"case", 0));
	}
	if (db_prepare(db, "SELECT month, fail, petition_final, accident_final, case_final "
		       "FROM determinations WHERE district = ? AND subject = ? AND month >= ? AND "
		       "month <= ?", &st, err))
		return -1;
	db_bind_text(st, 1, record_get(s, "district"));
	db_bind_text(st, 2, record_get(s, "code"));
	db_bind_text(st, 3, from);
	db_bind_text(st, 4, to);
	while ((rc = db_step(st, err)) == DB_ROW) {
		int y, mon;
		json_t *row;

		month_parse(db_column_text(st, 0), &y, &mon);
		row = json_array_get(months, (size_t)mon - 1);
		if (!row || !json_is_true(json_object_get(row, "on_list")))
			continue;
		json_object_set_new(row, "complies", json_boolean(!db_column_int64(st, 1)));
		for (d = 0; d < DIM__COUNT; d++)
			json_object_set_new(json_object_get(row, "fails"), dimension_codes[d],
					    json_boolean(db_column_int64(st, 2 + d)));
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int assess_subject_months(struct db *db, const struct actor *a, const char *subject,
			  const char *year, json_t **out, struct model_error *e)
{
	char from[MONTH_BUFSZ], to[MONTH_BUFSZ];
	json_t *months, *m;
	struct record s;
	int rc, on = 0, failed = 0, ret;
	size_t i;

	if ((ret = year_months(year, from, to, e)))
		return ret;
	if (!entity_can_read(&subject_desc, a))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权查看");
	record_init(&s, NULL);
	rc = entity_lookup(db, &subject_desc, subject, &s, &e->msg);
	if (rc || !scope_check_record(db, a, &s, 0)) {
		record_release(&s);
		return rc == MODEL_EDB ? model_fail(e, MODEL_EDB, NULL, "数据库错误")
				       : model_fail(e, MODEL_ENOTFOUND, NULL, "创建主体不存在");
	}
	months = json_array();
	if (assess_refresh(db, record_get(&s, "district"), from, to, &e->msg) ||
	    months_rows(db, &s, from, to, months, &e->msg)) {
		json_decref(months);
		record_release(&s);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	json_array_foreach(months, i, m) {
		on += json_is_true(json_object_get(m, "on_list"));
		failed += json_is_true(json_object_get(m, "on_list")) &&
			  !json_is_true(json_object_get(m, "complies"));
	}
	*out = json_pack("{ss ss ss so s{si si si}}", "subject", subject,
			 "name", record_get(&s, "name"), "year", year, "months", months,
			 "year_to_date", "months", on, "complied", on - failed, "failed", failed);
	record_release(&s);
	return 0;
}
