/*
 * minutes.c: the minutes of a coordination meeting (会议纪要: 第N期, 会议
 * 通报 the month's figures, 会议认为 a judgement chosen by rules, 会议强调
 * the problems put to it, 会议要求 its decisions and the agreed items with
 * owner and due date) and the 督办通知单 of a supervision — both from their
 * records, within the caller's scope.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "doc/doc.h"
#include "model/scope.h"
#include "model/entity.h"
#include "model/enums.h"
#include "model/errors.h"
#include "report/report.h"
#include "report/report_int.h"

/* Record `key` of list `entity` within the actor's scope, as JSON; MODEL_ENOTFOUND otherwise. */
static int fetch(struct db *db, const struct actor *a, const char *entity, const char *key,
		 const char *what, json_t **out, struct model_error *e)
{
	const struct entity_desc *ed = entity_find(entity);
	struct model_ctx mc = { .db = db, .actor = a };
	struct record r;
	int64_t id;
	int ret;

	*out = NULL;
	if (!entity_can_read(ed, a))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权查看%s", what);
	record_init(&r, NULL);
	ret = entity_lookup(db, ed, key, &r, &e->msg);
	if (ret == MODEL_ENOTFOUND || (!ret && !scope_check_record(db, a, &r, 0))) {
		record_release(&r);
		return model_fail(e, MODEL_ENOTFOUND, NULL, "没有编号为“%s”的%s", key, what);
	}
	if (ret) {
		record_release(&r);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	id = r.id;
	record_release(&r);
	return entity_get(&mc, ed, id, out, e);
}

/* Department codes joined by | as names joined by 、 */
static void dept_names(struct db *db, const char *codes, struct strbuf *s)
{
	while (codes && *codes) {
		size_t n = strcspn(codes, "|");
		char *code = xstrndup(codes, n);

		if (s->len)
			strbuf_addstr(s, "、");
		report_dept_name(db, code, s);
		free(code);
		codes += n + (codes[n] == '|');
	}
}

/* Which coordination meeting of its year this is (第N期). */
static int64_t issue_no(struct db *db, json_t *m)
{
	const char *held = report_str(m, "held_on"), *no = report_str(m, "no");
	char year[5], *v = NULL;
	int64_t n;

	snprintf(year, sizeof(year), "%.4s", held);
	if (db_query_value(db, "SELECT COUNT(*) FROM meetings WHERE district = ? AND "
			   "substr(held_on, 1, 4) = ? AND (held_on < ? OR (held_on = ? AND no <= ?))",
			   (const char *[]){ report_str(m, "district"), year, held, held, no }, 5, &v,
			   NULL) || !v)
		n = 1;
	else
		n = strtoll(v, NULL, 10);
	free(v);
	return n;
}

/* 会议认为: the month's standing against its targets, by rules. */
static void judgement(struct report_ctx *c, struct doc *d)
{
	int hv, he;
	int64_t v = report_tenths(c->fig, "villages_rate", &hv),
		en = report_tenths(c->fig, "enterprises_rate", &he),
		overdue = report_int(c->fig, "tasks_overdue") + report_int(c->fig, "problems_overdue");
	struct strbuf s = STRBUF_INIT;

	strbuf_addstr(&s, "会议认为，");
	if (!hv && !he)
		strbuf_addstr(&s, "本月尚无创建主体的认定结果，创建工作有待全面推进");
	else {
		strbuf_addstr(&s, "全区“三零”创建工作总体平稳有序，村（社区）达标率");
		hv ? report_add_percent(&s, v) : strbuf_addstr(&s, "—");
		strbuf_addstr(&s, "，企事业单位达标率");
		he ? report_add_percent(&s, en) : strbuf_addstr(&s, "—");
	}
	if (overdue)
		strbuf_addf(&s, "；但仍有%lld项任务和问题逾期未办结，工作落实有待加强。", (long long)overdue);
	else
		strbuf_addstr(&s, "；交办的任务和问题均在期限内推进。");
	doc_add(d, DOC_PARA, "%s", s.buf);
	strbuf_release(&s);
}

/* 会议强调: the problems put to the meeting. */
static int topics(struct report_ctx *c, struct doc *d, const char *list, struct model_error *e)
{
	int n = 0, ret = 0;

	while (list && *list && !ret) {
		size_t len = strcspn(list, "|");
		char *no = xstrndup(list, len);
		json_t *p = NULL;

		ret = fetch(c->db, c->a, "problems", no, "问题", &p, e);
		if (ret == MODEL_ENOTFOUND || ret == MODEL_EFORBIDDEN) {
			/* a problem outside the caller's scope: named, not described */
			e->code = 0, e->field = NULL, strbuf_reset(&e->msg), ret = 0;
			doc_add(d, DOC_PARA, "%d．问题%s。", ++n, no);
		} else if (!ret)
			doc_add(d, DOC_PARA, "%d．%s（问题%s）。", ++n, report_str(p, "description"), no);
		json_decref(p);
		free(no);
		list += len + (list[len] == '|');
	}
	if (!ret && !n)
		doc_add(d, DOC_PARA, "本次会议没有提请协调的重大疑难问题。");
	return ret;
}

/* 会议要求: the decisions, then the agreed items with owner and due date. */
static int decisions(struct report_ctx *c, struct doc *d, json_t *m, struct model_error *e)
{
	static const char *const head[] = { "序号", "议定事项", "牵头单位", "配合单位", "完成时限",
					     "交办任务" };
	json_t *items = json_array(), *it;
	struct strbuf s = STRBUF_INIT, q = STRBUF_INIT;
	struct doc_table *t;
	size_t i;
	int ret;

	if (*report_str(m, "decisions"))
		doc_add(d, DOC_PARA, "会议要求，%s", report_str(m, "decisions"));
	strbuf_addf(&q, "meeting=%s&sort=seq", report_str(m, "no"));
	if ((ret = report_list(c, "meeting_decisions", q.buf, items, e)))
		goto out;
	if (!json_array_size(items)) {
		doc_add(d, DOC_PARA, "本次会议没有形成议定事项。");
		goto out;
	}
	t = doc_table(d, "议定事项", "议定事项", 6, head);
	json_array_foreach(items, i, it) {
		size_t r = doc_row(t);

		doc_cell_int(t, r, 0, (int64_t)json_integer_value(json_object_get(it, "seq")));
		doc_cell_text(t, r, 1, report_str(it, "text"));
		strbuf_reset(&s);
		report_dept_name(c->db, report_str(it, "owner"), &s);
		doc_cell_text(t, r, 2, s.buf);
		strbuf_reset(&s);
		dept_names(c->db, report_str(it, "co_owners"), &s);
		doc_cell_text(t, r, 3, s.buf);
		strbuf_reset(&s);
		report_add_date(&s, report_str(it, "due_on"));
		doc_cell_text(t, r, 4, s.buf);
		doc_cell_text(t, r, 5, report_str(it, "task"));
	}
out:
	json_decref(items);
	strbuf_release(&s);
	strbuf_release(&q);
	return ret;
}

int report_minutes(struct db *db, const struct actor *a, const char *meeting, struct doc **out,
		   struct model_error *e)
{
	struct report_ctx c;
	struct strbuf s = STRBUF_INIT, who = STRBUF_INIT;
	json_t *m = NULL;
	struct doc *d = NULL;
	int ret;

	*out = NULL;
	if ((ret = fetch(db, a, "meetings", meeting, "联席会议", &m, e)))
		return ret;
	if ((ret = report_ctx_init(&c, db, a, report_str(m, "month"), e)))
		goto done;
	strbuf_addf(&s, "%s“三零”创建工作联席会议纪要", c.district.buf);
	d = doc_new(s.buf);
	strbuf_reset(&s);
	strbuf_addf(&s, "%s“三零”创建工作联席会议纪要（%s）", c.district.buf, meeting);
	doc_set_meta(d, s.buf, c.district.buf, NULL);
	strbuf_reset(&s);
	report_add_date(&s, report_str(m, "held_on"));
	doc_add(d, DOC_SUBTITLE, "第%lld期", (long long)issue_no(db, m));
	doc_add(d, DOC_SUBTITLE, "%s“三零”创建工作领导小组办公室　　%s", c.district.buf, s.buf);
	dept_names(db, report_str(m, "attendees"), &who);
	doc_add(d, DOC_PARA, "%s，%s主持召开%s“三零”创建工作联席会议，研究%d年%d月创建工作。%s参加会议。",
		s.buf, *report_str(m, "chair") ? report_str(m, "chair") : "区“三零”创建办公室",
		c.district.buf, c.year, c.mon, who.len ? who.buf : "各成员单位");
	doc_add(d, DOC_HEADING1, "一、会议通报");
	strbuf_reset(&s);
	report_opening(&c, &s);
	doc_add(d, DOC_PARA, "%s今年以来交办任务%lld项、逾期未完成%lld项，发现问题%lld个、逾期未整改%lld个。",
		s.buf, (long long)report_int(c.fig, "tasks_assigned"),
		(long long)report_int(c.fig, "tasks_overdue"),
		(long long)report_int(c.fig, "problems_found"),
		(long long)report_int(c.fig, "problems_overdue"));
	doc_add(d, DOC_HEADING1, "二、会议认为");
	judgement(&c, d);
	doc_add(d, DOC_HEADING1, "三、会议强调");
	doc_add(d, DOC_PARA, "会议强调，对提请协调的重大疑难问题，各牵头单位要明确专人、限期化解：");
	if ((ret = topics(&c, d, report_str(m, "topics"), e)))
		goto done;
	doc_add(d, DOC_HEADING1, "四、会议要求");
	if ((ret = decisions(&c, d, m, e)))
		goto done;
	doc_add(d, DOC_PARA, "各牵头单位要按照议定事项和完成时限抓好落实，办理情况及时报区“三零”创建办公室。");
	report_sign(&c, d);
	*out = d;
	d = NULL;
done:
	doc_free(d);
	report_ctx_release(&c);
	json_decref(m);
	strbuf_release(&s);
	strbuf_release(&who);
	return ret;
}

/* A row of the notice's table: the item, its content. */
static void notice_row(struct doc_table *t, const char *label, const char *text)
{
	size_t r = doc_row(t);

	doc_cell_text(t, r, 0, label);
	doc_cell_text(t, r, 1, text);
}

int report_notice(struct db *db, const struct actor *a, const char *item, struct doc **out,
		  struct model_error *e)
{
	static const char *const head[] = { "项目", "内容" };
	struct strbuf s = STRBUF_INIT, district = STRBUF_INIT;
	json_t *sv = NULL, *it = NULL;
	struct doc_table *t;
	struct doc *d;
	const char *kind, *v;
	int ret;

	*out = NULL;
	if ((ret = fetch(db, a, "supervisions", item, "督办事项", &sv, e)))
		return ret;
	kind = report_str(sv, "item_kind");
	/* the item itself may lie outside the caller's reach: then it is named only */
	if (fetch(db, a, !strcmp(kind, "task") ? "tasks" : "problems", report_str(sv, "item"),
		  "督办事项", &it, e)) {
		e->code = 0, e->field = NULL, strbuf_reset(&e->msg);
		it = NULL;
	}
	report_region_name(db, a->district, &district);
	strbuf_addf(&s, "%s“三零”创建工作督办通知单", district.buf);
	d = doc_new(s.buf);
	strbuf_reset(&s);
	strbuf_addf(&s, "督办通知单（%s）", item);
	doc_set_meta(d, s.buf, district.buf, NULL);
	doc_add(d, DOC_SUBTITLE, "督办编号：%s", item);
	strbuf_reset(&s);
	report_dept_name(db, report_str(sv, "owner"), &s);
	doc_add(d, DOC_PARA, "%s：", s.len ? s.buf : "承办单位");
	t = doc_table(d, "督办事项", "督办通知单", 2, head);
	strbuf_reset(&s);
	v = enum_label(&enum_supervision_item_kind, kind);
	strbuf_addf(&s, "%s%s", v ? v : "", report_str(sv, "item"));
	if (it)
		strbuf_addf(&s, "：%s", report_str(it, !strcmp(kind, "task") ? "title" : "description"));
	notice_row(t, "督办事项", s.buf);
	strbuf_reset(&s);
	report_dept_name(db, report_str(sv, "owner"), &s);
	notice_row(t, "承办单位", s.buf);
	v = enum_label(&enum_supervision_level, report_str(sv, "level"));
	notice_row(t, "督办级别", v ? v : "");
	strbuf_reset(&s);
	report_add_date(&s, report_str(sv, "notice_on"));
	notice_row(t, "下发日期", s.buf);
	strbuf_reset(&s);
	if (json_is_integer(json_object_get(sv, "workdays")))
		strbuf_addf(&s, "%lld个工作日",
			    (long long)json_integer_value(json_object_get(sv, "workdays")));
	notice_row(t, "办理时限", s.buf);
	strbuf_reset(&s);
	report_add_date(&s, report_str(sv, "due_on"));
	notice_row(t, "反馈期限", s.buf);
	notice_row(t, "督办要求", report_str(sv, "requirement"));
	v = enum_label(&enum_supervision_status, report_str(sv, "status"));
	notice_row(t, "办理状态", v ? v : "");
	v = enum_label(&enum_supervision_card, report_str(sv, "card"));
	notice_row(t, "红黄牌", v ? v : "无");
	strbuf_reset(&s);
	report_add_date(&s, report_str(sv, "due_on"));
	doc_add(d, DOC_PARA, "请承办单位按照督办要求抓紧办理，于%s前将办理情况书面反馈区“三零”创建办公室。"
			     "逾期未反馈或办理不力的，按规定亮黄牌、红牌并通报。", s.buf);
	strbuf_reset(&s);
	report_add_date(&s, report_str(sv, "notice_on"));
	doc_add(d, DOC_SIGNATURE, "%s“三零”创建工作领导小组办公室\n%s", district.buf, s.buf);
	*out = d;
	json_decref(sv);
	json_decref(it);
	strbuf_release(&s);
	strbuf_release(&district);
	return 0;
}
