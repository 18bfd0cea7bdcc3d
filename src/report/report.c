/*
 * report.c: the documents' common parts — who may read them, the figures
 * they read, names, dates, the tables of failed subjects and of overdue
 * work both the report and the bulletin carry — and report_build(), which
 * picks the builder of a kind.  The builders are monthly.c, bulletin.c and
 * minutes.c; the archive and the files are archive.c.
 */
#include "report/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess.h"
#include "assess/figures.h"
#include "assess/raise.h"
#include "base/alloc.h"
#include "base/date.h"
#include "db/db.h"
#include "doc/doc.h"
#include "model/entity.h"
#include "model/enums.h"
#include "model/errors.h"
#include "model/role.h"
#include "model/scope.h"
#include "report/report_int.h"

int report_may_read(const struct actor *a)
{
	if (a->role == ROLE_REGION)
		return a->region != NULL;
	return a->district && (a->role == ROLE_OFFICE || a->role == ROLE_PETITION ||
			       a->role == ROLE_SAFETY || a->role == ROLE_POLICE ||
			       a->role == ROLE_SUPERVISOR || a->role == ROLE_TOWNSHIP ||
			       a->role == ROLE_SYSTEM);
}

int64_t report_int(json_t *fig, const char *key)
{
	json_t *v = json_object_get(fig, key);

	return json_is_integer(v) ? (int64_t)json_integer_value(v) :
	       json_is_real(v) ? (int64_t)llround(json_real_value(v)) : 0;
}

int64_t report_tenths(json_t *fig, const char *key, int *has)
{
	json_t *v = json_object_get(fig, key);

	*has = json_is_number(v);
	/* the figures carry a share rounded to one decimal: its tenths are exact */
	return *has ? (int64_t)llround(json_number_value(v) * 10.0) : 0;
}

void report_add_tenths(struct strbuf *out, int64_t tenths)
{
	int64_t a = tenths < 0 ? -tenths : tenths;

	strbuf_addf(out, "%s%lld.%lld", tenths < 0 ? "-" : "", (long long)(a / 10),
		    (long long)(a % 10));
}

void report_add_percent(struct strbuf *out, int64_t tenths)
{
	report_add_tenths(out, tenths);
	strbuf_addch(out, '%');
}

void report_add_date(struct strbuf *out, const char *date)
{
	int y, m, d;

	if (date && sscanf(date, "%4d-%2d-%2d", &y, &m, &d) == 3)
		strbuf_addf(out, "%d年%d月%d日", y, m, d);
	else
		strbuf_addstr(out, date ? date : "");
}

static void name_of(struct db *db, const char *sql, const char *code, struct strbuf *out)
{
	char *v = NULL;

	if (code && *code && !db_query_value(db, sql, &code, 1, &v, NULL) && v)
		strbuf_addstr(out, v);
	else if (code)
		strbuf_addstr(out, code);
	free(v);
}

void report_region_name(struct db *db, const char *code, struct strbuf *out)
{
	name_of(db, "SELECT name FROM regions WHERE code = ?", code, out);
}

void report_dept_name(struct db *db, const char *code, struct strbuf *out)
{
	name_of(db, "SELECT name FROM departments WHERE code = ?", code, out);
}

/* A city's or a province's: its name and level, its figures, its districts' publication. */
static int region_ctx_init(struct report_ctx *c, struct model_error *e)
{
	struct db_stmt *st = NULL;
	int64_t n, published;
	int ret;

	if (db_prepare(c->db, "SELECT name, level FROM regions WHERE code = ?", &st, &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	db_bind_text(st, 1, c->a->region);
	ret = db_step(st, &e->msg);
	strbuf_addstr(&c->district, ret == DB_ROW ? db_column_text(st, 0) : c->a->region);
	c->level_word = ret == DB_ROW && !strcmp(db_column_text(st, 1), "province") ? "省" : "市";
	db_finalize(st);
	if (ret < 0)
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	strbuf_addbuf(&c->unit, &c->district);
	if ((ret = figures_compute_opt(c->db, c->a, c->month, NULL, FIGURES_NO_WORK, &c->fig, e)))
		return ret;
	/* the districts under it that have not published the month, by name */
	c->unpublished = json_array();
	if (assess_month_publication(c->db, c->a, c->month, &n, &published, c->unpublished,
				     &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	c->published = n > 0 && published == n;
	return 0;
}

int report_ctx_init(struct report_ctx *c, struct db *db, const struct actor *a,
		    const char *month, struct model_error *e)
{
	char prev[8];
	char *pub = NULL;
	int ret;

	memset(c, 0, sizeof(*c));
	strbuf_init(&c->unit, 0);
	strbuf_init(&c->district, 0);
	c->db = db;
	c->a = a;
	c->month = month;
	if (!month || !month_valid(month))
		return model_fail(e, MODEL_EINVAL, "month", "month：月份格式应为 YYYY-MM");
	if (month_is_future(month))
		return model_fail(e, MODEL_EINVAL, "month", "month：%s 尚未到来，没有报告", month);
	month_parse(month, &c->year, &c->mon);
	snprintf(c->last_day, sizeof(c->last_day), "%.7s-%02d", month,
		 date_days_in_month(c->year, c->mon) % 100);
	if (a->role == ROLE_REGION)
		return region_ctx_init(c, e);
	report_region_name(db, a->district, &c->district);
	if (a->role == ROLE_TOWNSHIP)
		report_region_name(db, a->township, &c->unit);
	else if (a->role == ROLE_SUPERVISOR)
		report_dept_name(db, a->dept, &c->unit);
	else
		strbuf_addbuf(&c->unit, &c->district);
	if ((ret = figures_compute(db, a, month, NULL, &c->fig, e)))
		return ret;
	if (c->mon > 1) {
		month_add(month, -1, prev);
		/* only its shares are compared */
		if ((ret = figures_compute_opt(db, a, prev, NULL, FIGURES_NO_WORK, &c->prev, e)))
			return ret;
	}
	if (db_query_value(db, "SELECT published FROM assess_months WHERE district = ? AND month = ?",
			   (const char *[]){ a->district, month }, 2, &pub, &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	c->published = pub && atoi(pub) == 1;
	free(pub);
	return 0;
}

void report_ctx_release(struct report_ctx *c)
{
	strbuf_release(&c->unit);
	strbuf_release(&c->district);
	json_decref(c->fig);
	json_decref(c->prev);
	json_decref(c->unpublished);
	c->fig = c->prev = c->unpublished = NULL;
}

/* ---- the failed subjects ---- */

/* A subject kind's label (村委会, 社区, 企业 …). */
static const char *kind_label(const char *kind)
{
	const char *l = enum_label(&enum_subject_kind, kind);

	return l ? l : kind ? kind : "";
}

int report_failed_table(struct report_ctx *c, struct doc *d, struct model_error *e)
{
	static const char *const head[] = { "序号", "创建主体", "主体类型", "所属乡镇（街道）",
					     "未达标原因" };
	struct doc_table *t = NULL;
	json_t *res = NULL, *row;
	struct strbuf s = STRBUF_INIT;
	size_t i;
	int ret, page = 1;

	do {
		json_decref(res);
		if ((ret = assess_results_json(c->db, c->a, c->month, NULL, NULL, "1", page, 500,
					       &res, e)))
			goto out;
		json_array_foreach(json_object_get(res, "items"), i, row) {
			int fails[DIM__COUNT], dim;
			size_t r;

			for (dim = 0; dim < DIM__COUNT; dim++)
				fails[dim] = json_is_true(json_object_get(
					json_object_get(row, assess_dimension_code(dim)), "fail"));
			if (!t)
				t = doc_table(d, "本月认定未达标的创建主体", "未达标主体", 5, head);
			r = doc_row(t);
			doc_cell_int(t, r, 0, (int64_t)r + 1);
			doc_cell_text(t, r, 1, json_string_value(json_object_get(row, "name")));
			doc_cell_text(t, r, 2, kind_label(json_string_value(json_object_get(row, "kind"))));
			strbuf_reset(&s);
			report_region_name(c->db, json_string_value(json_object_get(row, "township")), &s);
			doc_cell_text(t, r, 3, s.buf);
			strbuf_reset(&s);
			if ((ret = assess_failure_reasons(c->db, c->a, c->month,
							  json_string_value(json_object_get(row, "subject")),
							  fails, &s, e)))
				goto out;
			doc_cell_text(t, r, 4, s.buf);
		}
		page++;
	} while ((int64_t)(page - 1) * 500 < json_integer_value(json_object_get(res, "total")));
	if (!t)
		doc_add(d, DOC_PARA, "%d月，%s所有创建主体均符合创建标准，没有认定未达标的创建主体。",
			c->mon, c->unit.buf);
out:
	json_decref(res);
	strbuf_release(&s);
	return ret;
}

/* ---- the overdue work: the records the work figures count ---- */

/* A list query's parameters, "a=b&c=d" with {from} {to} {next} {month} put in. */
struct qparams {
	char *names[16], *values[16];
	int n;
};

static const char *qp_get(void *ctx, const char *name)
{
	struct qparams *q = ctx;

	for (int i = 0; i < q->n; i++)
		if (!strcmp(q->names[i], name))
			return q->values[i];
	return NULL;
}

static void qp_each(void *ctx, void (*cb)(void *cbctx, const char *name), void *cbctx)
{
	struct qparams *q = ctx;

	for (int i = 0; i < q->n; i++)
		cb(cbctx, q->names[i]);
}

static void qp_parse(struct report_ctx *c, const char *query, struct qparams *q)
{
	char from[16], next[DATE_BUFSZ];
	struct strbuf s = STRBUF_INIT;
	const char *p;

	snprintf(from, sizeof(from), "%04d-01-01", c->year % 10000);
	date_add_days(c->last_day, 1, next);
	for (p = query; *p; p++) {
		if (!strncmp(p, "{from}", 6))
			strbuf_addstr(&s, from), p += 5;
		else if (!strncmp(p, "{to}", 4))
			strbuf_addstr(&s, c->last_day), p += 3;
		else if (!strncmp(p, "{next}", 6))
			strbuf_addstr(&s, next), p += 5;
		else if (!strncmp(p, "{month}", 7))
			strbuf_addstr(&s, c->month), p += 6;
		else
			strbuf_addch(&s, *p);
	}
	q->n = 0;
	for (p = s.buf; *p && q->n < 16;) {
		size_t len = strcspn(p, "&"), eq = strcspn(p, "=");

		if (eq > len)
			eq = len;
		q->names[q->n] = xstrndup(p, eq);
		q->values[q->n] = xstrndup(p + eq + (eq < len), len - eq - (eq < len));
		q->n++;
		p += len + (p[len] == '&');
	}
	strbuf_release(&s);
}

static void qp_release(struct qparams *q)
{
	for (int i = 0; i < q->n; i++) {
		free(q->names[i]);
		free(q->values[i]);
	}
	q->n = 0;
}

int report_list(struct report_ctx *c, const char *entity, const char *query, json_t *items,
		struct model_error *e)
{
	const struct entity_desc *ed = entity_find(entity);
	struct model_ctx mc = { .db = c->db, .actor = c->a };
	struct qparams q;
	struct list_params lp = { qp_get, qp_each, &q };
	json_t *page = NULL;
	char full[512];
	int ret;

	if (!ed || !entity_can_read(ed, c->a))
		return 0;
	snprintf(full, sizeof(full), "%s&page_size=500", query);
	qp_parse(c, full, &q);
	ret = entity_list(&mc, ed, &lp, &page, e);
	qp_release(&q);
	if (!ret)
		json_array_extend(items, json_object_get(page, "items"));
	json_decref(page);
	return ret;
}

const char *report_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

/*
 * A work list's records overdue at the end of the month, whatever the year
 * they were assigned (found) in (DOMAIN.md: the documents' lists), as a
 * table: number, text, owner, due date, status.
 */
static int overdue_table(struct report_ctx *c, struct doc *d, const char *caption, const char *sheet, const char *text_key,
			 const char *owner_key, const char *due_key, const char *entity,
			 int *count, struct model_error *e)
{
	static const char *const head[] = { "编号", "事项", "责任单位", "期限", "状态" };
	const struct entity_desc *ed = entity_find(entity);
	json_t *items = json_array(), *it;
	struct strbuf s = STRBUF_INIT;
	struct doc_table *t;
	size_t i;
	int ret = report_list(c, entity, "overdue=1&overdue_on={to}", items, e), si;

	*count = (int)json_array_size(items);
	if (ret || !*count)
		goto out;
	si = entity_field_index(ed, "status");
	t = doc_table(d, caption, sheet, 5, head);
	json_array_foreach(items, i, it) {
		size_t r = doc_row(t);
		const char *label = NULL;

		doc_cell_text(t, r, 0, report_str(it, "no"));
		doc_cell_text(t, r, 1, report_str(it, text_key));
		strbuf_reset(&s);
		report_dept_name(c->db, report_str(it, owner_key), &s);
		doc_cell_text(t, r, 2, s.buf);
		strbuf_reset(&s);
		report_add_date(&s, report_str(it, due_key));
		doc_cell_text(t, r, 3, s.buf);
		if (si >= 0)
			label = enum_label(ed->fields[si].enumeration, report_str(it, "status"));
		doc_cell_text(t, r, 4, label ? label : report_str(it, "status"));
	}
out:
	json_decref(items);
	strbuf_release(&s);
	return ret;
}

int report_overdue_tables(struct report_ctx *c, struct doc *d, struct model_error *e)
{
	int tasks = 0, problems = 0, ret;

	if ((ret = overdue_table(c, d, "逾期未完成的任务", "逾期任务", "title", "owner", "due_on",
				 "tasks", &tasks, e)) ||
	    (ret = overdue_table(c, d, "逾期未整改的问题", "逾期问题", "description", "department",
				 "deadline", "problems", &problems, e)))
		return ret;
	if (!tasks && !problems)
		doc_add(d, DOC_PARA, "截至%d月底，没有逾期未完成的任务和逾期未整改的问题。", c->mon);
	return 0;
}

/* "村（社区）475个，符合创建标准的407个，占比85.7%" */
static void kind_clause(struct report_ctx *c, const char *label, const char *total,
			const char *compliant, const char *rate, struct strbuf *s)
{
	int has;
	int64_t t = report_tenths(c->fig, rate, &has);

	strbuf_addf(s, "%s%lld个", label, (long long)report_int(c->fig, total));
	if (!has)
		return;
	strbuf_addf(s, "，符合创建标准的%lld个，占比", (long long)report_int(c->fig, compliant));
	report_add_percent(s, t);
}

void report_opening(struct report_ctx *c, struct strbuf *s)
{
	strbuf_addf(s, "截至%d月底，%s创建主体%lld个，其中，", c->mon, c->unit.buf,
		    (long long)report_int(c->fig, "subjects_total"));
	kind_clause(c, "村（社区）", "villages_total", "villages_compliant", "villages_rate", s);
	strbuf_addstr(s, "；");
	kind_clause(c, "企事业单位", "enterprises_total", "enterprises_compliant",
		    "enterprises_rate", s);
	strbuf_addstr(s, "。");
}

void report_sign(struct report_ctx *c, struct doc *d)
{
	char today[DATE_BUFSZ];
	struct strbuf s = STRBUF_INIT;

	date_today(today);
	report_add_date(&s, today);
	doc_add(d, DOC_SIGNATURE, "%s“三零”创建工作领导小组办公室\n%s", c->district.buf, s.buf);
	doc_add(d, DOC_NOTE, "本文由“三零”创建管理系统根据截至%d年%d月底的数据生成；%s。", c->year,
		c->mon, c->published ? "该月认定结果已发布" : "该月认定结果尚未发布，相关数据为初步结果");
	strbuf_release(&s);
}

int report_build(struct db *db, const struct actor *a, const struct report_request *r,
		 struct doc **out, struct model_error *e)
{
	struct report_ctx c;
	int ret;

	*out = NULL;
	if (!report_may_read(a))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权查看报告");
	if (!r->kind || (strcmp(r->kind, "monthly") && strcmp(r->kind, "bulletin") &&
			 strcmp(r->kind, "minutes") && strcmp(r->kind, "notice")))
		return model_fail(e, MODEL_EBADREQ, "kind", "报告种类应为 monthly、bulletin、minutes 或 notice");
	if (a->role == ROLE_REGION && strcmp(r->kind, "bulletin"))
		return model_fail(e, MODEL_EFORBIDDEN, "kind",
				  "市、省“三零”办只生成本级通报（各县区排名）；月度工作报告、会议纪要、"
				  "督办通知单由各县区生成");
	if (!strcmp(r->kind, "minutes")) {
		if (!r->meeting || !*r->meeting)
			return model_fail(e, MODEL_EBADREQ, "meeting", "会议纪要须指明会议编号（meeting）");
		return report_minutes(db, a, r->meeting, out, e);
	}
	if (!strcmp(r->kind, "notice")) {
		if (!r->item || !*r->item)
			return model_fail(e, MODEL_EBADREQ, "item", "督办通知单须指明督办编号（item）");
		return report_notice(db, a, r->item, out, e);
	}
	ret = report_ctx_init(&c, db, a, r->month, e);
	if (!ret)
		ret = !strcmp(r->kind, "monthly") ? report_monthly(&c, out, e) :
		      a->role == ROLE_REGION	  ? report_region_bulletin(&c, out, e) :
						    report_bulletin(&c, out, e);
	report_ctx_release(&c);
	return ret;
}
