/*
 * raise.c: the problems raised from the determination (问题清单, source
 * `determination`): every subject that failed a published month, one
 * problem naming the month and each failed dimension with its reason — the
 * events that vetoed it (explain), or the lead department's reason when it
 * changed the result to a failure.  The model raises them and the major
 * hazards left past their deadline (work_raise(), model/work_actions.c);
 * this part only finds what the determination failed, which nothing below
 * assess/ may name.
 */
#include "assess/raise.h"

#include <stdlib.h>
#include <string.h>

#include "assess/assess.h"
#include "assess/assess_int.h"
#include "base/alloc.h"
#include "base/date.h"
#include "db/db.h"
#include "model/work.h"

/* The most events named for one dimension (then "等 N 件"). */
#define EVENTS_NAMED 10

static const char *const dim_labels[DIM__COUNT] = { "零上访", "零事故", "零案件" };
static const char *const dim_events[DIM__COUNT] = { "信访", "事故", "案件" };

/* A JSON string's text, "" for anything else. */
static const char *str_of(json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : "";
}

/* Why `subject` failed dimension `d` in `month`: appended to `out`. */
static void reason_of(json_t *ex, int d, struct strbuf *out)
{
	json_t *ev = json_object_get(json_object_get(ex, "events"), dimension_codes[d]);
	json_t *ovr = json_object_get(ex, "overrides"), *o;
	size_t i, n = 0;

	json_array_foreach(ovr, i, o) {
		if (!strcmp(str_of(json_object_get(o, "dimension")), dimension_codes[d]) &&
		    !strcmp(str_of(json_object_get(o, "result")), "fail")) {
			strbuf_addf(out, "牵头单位改定为不达标，理由：%s",
				    str_of(json_object_get(o, "reason")));
			return;
		}
	}
	json_array_foreach(ev, i, o) {
		if (!json_is_true(json_object_get(o, "counted")))
			continue;
		if (n++ < EVENTS_NAMED) {
			strbuf_addstr(out, n > 1 ? "、" : dim_events[d]);
			strbuf_addstr(out, str_of(json_object_get(o, "no")));
		}
	}
	if (n > EVENTS_NAMED)
		strbuf_addf(out, "等 %zu 件", n);
	strbuf_addstr(out, n ? "不符合创建标准" : "认定为不达标");
}

int assess_failure_reasons(struct db *db, const struct actor *a, const char *month,
			   const char *subject, const int *fails, struct strbuf *out,
			   struct model_error *e)
{
	json_t *ex = NULL;
	int d, first = 1, ret;

	if ((ret = assess_explain(db, a, subject, month, &ex, e)))
		return ret;
	for (d = 0; d < DIM__COUNT; d++) {
		if (!fails[d])
			continue;
		strbuf_addf(out, "%s%s（", first ? "" : "；", dim_labels[d]);
		reason_of(ex, d, out);
		strbuf_addstr(out, "）");
		first = 0;
	}
	/* no dimension failed: the checklist did (assess.h, assess_rules.checklist) */
	if (first || json_is_true(json_object_get(ex, "checklist_fail")))
		strbuf_addf(out, "%s创建标准检查表（得分未达合格分）", first ? "" : "；");
	json_decref(ex);
	return 0;
}

/* The problem's description: the month, and each failed dimension with its reason. */
static int describe(struct db *db, const struct actor *a, const char *month, const char *subject,
		    const int *fails, struct strbuf *out, struct model_error *e)
{
	strbuf_addf(out, "%s 月度认定未达标：", month);
	return assess_failure_reasons(db, a, month, subject, fails, out, e);
}

struct failed {
	char *month, *subject;
	int fails[DIM__COUNT];
};

int assess_raise_problems(struct db *db, const struct actor *a, const char *today,
			  struct raise_counts *counts, struct model_error *e)
{
	struct model_ctx mc = { .db = db, .actor = a };
	struct strbuf sql = STRBUF_INIT;
	struct raise_item *items = NULL;
	struct strbuf *texts = NULL, *keys = NULL;
	struct failed *f = NULL;
	struct db_stmt *st;
	size_t n = 0, cap = 0, i;
	int rc, d, ret = 0;

	strbuf_addstr(&sql, "SELECT d.month, d.subject, d.petition_final, d.accident_final, "
			    "d.case_final FROM determinations d JOIN assess_months m "
			    "ON m.district = d.district AND m.month = d.month WHERE m.published = 1 "
			    "AND d.fail = 1");
	if (a->district)
		strbuf_addstr(&sql, " AND d.district = ?");
	strbuf_addstr(&sql, " AND NOT EXISTS (SELECT 1 FROM problems p WHERE p.raised_by = "
			    "'determination:' || d.month || ':' || d.subject) ORDER BY d.month, d.subject");
	if (db_prepare(db, sql.buf, &st, &e->msg)) {
		strbuf_release(&sql);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	if (a->district)
		db_bind_text(st, 1, a->district);
	while ((rc = db_step(st, &e->msg)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			f = xrealloc(f, cap * sizeof(*f));
		}
		f[n].month = xstrdup(db_column_text(st, 0));
		f[n].subject = xstrdup(db_column_text(st, 1));
		for (d = 0; d < DIM__COUNT; d++)
			f[n].fails[d] = db_column_int64(st, 2 + d) != 0;
		n++;
	}
	db_finalize(st);
	strbuf_release(&sql);
	if (rc < 0) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto out;
	}
	items = xcalloc(n ? n : 1, sizeof(*items));
	texts = xcalloc(n ? n : 1, sizeof(*texts));
	keys = xcalloc(n ? n : 1, sizeof(*keys));
	for (i = 0; i < n; i++) {
		strbuf_init(&texts[i], 0);
		strbuf_init(&keys[i], 0);
	}
	for (i = 0; i < n && !ret; i++) {
		strbuf_addf(&keys[i], "determination:%s:%s", f[i].month, f[i].subject);
		ret = describe(db, a, f[i].month, f[i].subject, f[i].fails, &texts[i], e);
		items[i].raised_by = keys[i].buf;
		items[i].subject = f[i].subject;
		items[i].description = texts[i].buf;
	}
	if (!ret)
		ret = work_raise(&mc, today, items, n, counts, e);
out:
	for (i = 0; i < n; i++) {
		free(f[i].month);
		free(f[i].subject);
		if (texts)
			strbuf_release(&texts[i]);
		if (keys)
			strbuf_release(&keys[i]);
	}
	free(f);
	free(items);
	free(texts);
	free(keys);
	return ret;
}
