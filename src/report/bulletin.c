/*
 * bulletin.c: the monthly bulletin (通报, 一月一通报): the month's ranking
 * of townships and sectors on the district's assessment table with the
 * 红黑榜 (the first and the last three), the subjects that failed, the
 * overdue tasks and problems, the supervisions open at the month's end
 * with their cards, and the units that have not confirmed their list.
 * A city's or a province's bulletin ranks its districts instead, on the
 * rates of its figures, and names those that have not published the month.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/figures.h"
#include "assess/ranking.h"
#include "base/strbuf.h"
#include "doc/doc.h"
#include "model/confirm.h"
#include "model/entity.h"
#include "model/enums.h"
#include "model/errors.h"
#include "report/report.h"
#include "report/report_int.h"

/* How many units the red and the black list name. */
#define LIST_LEN 3

/* A ranking's total (points, one decimal at most) as text. */
static void points_text(json_t *v, struct strbuf *s)
{
	if (json_is_integer(v))
		strbuf_addf(s, "%lld", (long long)json_integer_value(v));
	else
		strbuf_addf(s, "%.1f", json_number_value(v));
}

/* The names of ranking items [from, to) joined by 、 */
static void names(json_t *items, size_t from, size_t to, struct strbuf *s)
{
	for (size_t i = from; i < to; i++)
		strbuf_addf(s, "%s%s", i > from ? "、" : "",
			    report_str(json_array_get(items, i), "unit_name"));
}

static int64_t rank_of(json_t *items, size_t i)
{
	return (int64_t)json_integer_value(json_object_get(json_array_get(items, i), "rank"));
}

/* "红榜（前3名）：A、B、C。" — with the ties that share its last place: "（前3名，含并列共5个）" */
static void list_para(struct doc *d, const char *list, const char *end, json_t *items,
		      size_t from, size_t to)
{
	struct strbuf s = STRBUF_INIT;

	names(items, from, to, &s);
	if (to - from > LIST_LEN)
		doc_add(d, DOC_PARA, "%s（%s%d名，含并列共%zu个）：%s。", list, end, LIST_LEN,
			to - from, s.buf);
	else
		doc_add(d, DOC_PARA, "%s（%s%d名）：%s。", list, end, LIST_LEN, s.buf);
	strbuf_release(&s);
}

/*
 * The 红黑榜 of `items` (ranked, each with `rank` and `unit_name`): the
 * first and the last LIST_LEN with the units tied on a list's last place;
 * with no more units than that, none.
 */
static void honour_lists(struct doc *d, json_t *items, const char *unit_label)
{
	size_t n = json_array_size(items);
	struct strbuf s = STRBUF_INIT;

	if (n > LIST_LEN) {
		size_t red = 0, black = n - LIST_LEN;

		/* units tied on a list's last place are all on it; a unit is on one list only */
		while (red < n && rank_of(items, red) <= LIST_LEN)
			red++;
		while (black > 0 && rank_of(items, black - 1) == rank_of(items, black))
			black--;
		if (black < red)
			black = red;
		list_para(d, "红榜", "前", items, 0, red);
		if (black < n)
			list_para(d, "黑榜", "后", items, black, n);
		else
			doc_add(d, DOC_PARA, "其余%s得分并列，本月不设黑榜。", unit_label);
	} else {
		names(items, 0, n, &s);
		doc_add(d, DOC_PARA, "参加考评的%s仅%zu个（%s），本月不设红黑榜。", unit_label, n, s.buf);
	}
	strbuf_release(&s);
}

static int ranking_part(struct report_ctx *c, struct doc *d, const char *by, const char *heading,
			const char *unit_label, struct model_error *e)
{
	static const char *head[] = { "名次", NULL, "得分" };
	json_t *rk = NULL, *items, *it;
	struct doc_table *t;
	struct strbuf s = STRBUF_INIT;
	size_t i, n;
	int ret;

	if ((ret = ranking_compute(c->db, c->a, c->month, by, &rk, e)))
		return ret;
	items = json_object_get(rk, "items");
	n = json_array_size(items);
	doc_add(d, DOC_HEADING1, "%s", heading);
	if (!n) {
		doc_add(d, DOC_PARA, "本月没有参加考评的%s。", unit_label);
		json_decref(rk);
		return 0;
	}
	head[1] = unit_label;
	strbuf_addf(&s, "%d年%d月%s考评排名", c->year, c->mon, unit_label);
	t = doc_table(d, s.buf, !strcmp(by, "township") ? "乡镇排名" : "行业排名", 3, head);
	json_array_foreach(items, i, it) {
		size_t r = doc_row(t);

		strbuf_reset(&s);
		doc_cell_int(t, r, 0, (int64_t)json_integer_value(json_object_get(it, "rank")));
		doc_cell_text(t, r, 1, report_str(it, "unit_name"));
		points_text(json_object_get(it, "total"), &s);
		doc_cell_text(t, r, 2, s.buf);
	}
	honour_lists(d, items, unit_label);
	strbuf_release(&s);
	json_decref(rk);
	return 0;
}

/* The supervisions issued by the month's end and not closed by it, with their cards. */
static int supervisions_part(struct report_ctx *c, struct doc *d, struct model_error *e)
{
	static const char *const head[] = { "督办编号", "督办事项", "责任单位", "反馈期限", "状态",
					     "红黄牌" };
	json_t *items = json_array(), *it;
	struct strbuf s = STRBUF_INIT;
	struct doc_table *t;
	size_t i;
	int ret;

	if ((ret = report_list(c, "supervisions", "closed_on=&notice_on_to={to}", items, e)) ||
	    (ret = report_list(c, "supervisions", "closed_on_from={next}&notice_on_to={to}", items, e)))
		goto out;
	if (!json_array_size(items)) {
		doc_add(d, DOC_PARA, "截至%d月底，没有正在督办的事项。", c->mon);
		goto out;
	}
	t = doc_table(d, "正在督办的事项", "督办事项", 6, head);
	json_array_foreach(items, i, it) {
		size_t r = doc_row(t);
		const char *v;

		doc_cell_text(t, r, 0, report_str(it, "no"));
		strbuf_reset(&s);
		v = enum_label(&enum_supervision_item_kind, report_str(it, "item_kind"));
		strbuf_addf(&s, "%s%s", v ? v : "", report_str(it, "item"));
		doc_cell_text(t, r, 1, s.buf);
		strbuf_reset(&s);
		report_dept_name(c->db, report_str(it, "owner"), &s);
		doc_cell_text(t, r, 2, s.buf);
		strbuf_reset(&s);
		report_add_date(&s, report_str(it, "due_on"));
		doc_cell_text(t, r, 3, s.buf);
		v = enum_label(&enum_supervision_status, report_str(it, "status"));
		doc_cell_text(t, r, 4, v ? v : report_str(it, "status"));
		v = enum_label(&enum_supervision_card, report_str(it, "card"));
		doc_cell_text(t, r, 5, v ? v : "无");
	}
out:
	json_decref(items);
	strbuf_release(&s);
	return ret;
}

/* The units that have not confirmed their list of the month (the office sees every unit). */
static int unconfirmed_part(struct report_ctx *c, struct doc *d, struct model_error *e)
{
	json_t *cf = NULL, *it;
	struct strbuf s = STRBUF_INIT;
	size_t i, n = 0;
	int ret = confirm_list(c->db, c->a, c->month, &cf, e);

	if (ret == MODEL_EFORBIDDEN) {
		/* a lead department confirms no list and sees no one's: the part is the office's */
		e->code = 0;
		e->field = NULL;
		strbuf_reset(&e->msg);
		return 0;
	}
	if (ret)
		return ret;
	json_array_foreach(json_object_get(cf, "items"), i, it) {
		if (json_is_true(json_object_get(it, "confirmed")))
			continue;
		strbuf_addf(&s, "%s%s", n++ ? "、" : "", report_str(it, "unit_name"));
	}
	if (n)
		doc_add(d, DOC_PARA, "截至目前，尚未确认%d月创建主体清单的单位有%zu个：%s。请抓紧核对确认。",
			c->mon, n, s.buf);
	else
		doc_add(d, DOC_PARA, "各单位均已确认%d月创建主体清单。", c->mon);
	json_decref(cf);
	strbuf_release(&s);
	return 0;
}

/*
 * A bulletin's head: its title (of `area`: "", or 全市 / 全省), the file's
 * title and author, its number (the month's), whom it is addressed to and
 * its first sentence.
 */
static struct doc *bulletin_head(struct report_ctx *c, const char *area, const char *addressee)
{
	struct strbuf s = STRBUF_INIT;
	struct doc *d;

	strbuf_addf(&s, "关于%d年%d月%s“三零”创建工作情况的通报", c->year, c->mon, area);
	d = doc_new(s.buf);
	strbuf_reset(&s);
	strbuf_addf(&s, "%s%d年%d月“三零”创建工作通报", c->unit.buf, c->year, c->mon);
	doc_set_meta(d, s.buf, c->district.buf, NULL);
	doc_add(d, DOC_SUBTITLE, "第%d期", c->mon);
	doc_add(d, DOC_PARA, "%s", addressee);
	doc_add(d, DOC_PARA, "现将%d年%d月%s“三零”创建工作情况通报如下。", c->year, c->mon,
		c->unit.buf);
	strbuf_release(&s);
	return d;
}

int report_bulletin(struct report_ctx *c, struct doc **out, struct model_error *e)
{
	struct doc *d = bulletin_head(c, "", "各乡镇（街道）、区直有关单位：");
	int ret;

	if ((ret = ranking_part(c, d, "township", "一、乡镇（街道）考评排名", "乡镇（街道）", e)) ||
	    (ret = ranking_part(c, d, "sector", "二、行业主管部门考评排名", "行业主管部门", e)))
		goto fail;
	doc_add(d, DOC_HEADING1, "三、未达标创建主体");
	if ((ret = report_failed_table(c, d, e)))
		goto fail;
	doc_add(d, DOC_HEADING1, "四、逾期和督办事项");
	if ((ret = report_overdue_tables(c, d, e)) || (ret = supervisions_part(c, d, e)))
		goto fail;
	doc_add(d, DOC_HEADING1, "五、创建主体清单确认情况");
	if ((ret = unconfirmed_part(c, d, e)))
		goto fail;
	doc_add(d, DOC_PARA, "希望进入红榜的单位再接再厉，发挥示范作用；列入黑榜和有未达标主体、逾期事项的单位"
			     "要认真分析原因，逐项整改到位，并于下月5日前将整改情况报区“三零”创建办公室。");
	report_sign(c, d);
	*out = d;
	return 0;
fail:
	doc_free(d);
	return ret;
}

/* The rows of a breakdown by district ordered by their `rank` (then code), as ranking items. */
static json_t *ranked_districts(json_t *rows)
{
	json_t *items = json_array(), *row;
	size_t i, n = json_array_size(rows);
	json_int_t r;

	/* ranks run 1..n with gaps at ties: take each in turn */
	for (r = 1; r <= (json_int_t)n; r++)
		json_array_foreach(rows, i, row)
			if (json_integer_value(json_object_get(row, "rank")) == r)
				json_array_append_new(items, json_pack(
					"{sI ss sO}", "rank", r, "unit_name", report_str(row, "label"),
					"figures", json_object_get(row, "figures")));
	return items;
}

/* A district's compliant/total and rate of one kind into row `r` from column `col`. */
static void kind_cells(struct doc_table *t, size_t r, int col, json_t *fig, const char *compliant,
		       const char *total, const char *rate)
{
	struct strbuf s = STRBUF_INIT;
	int has;
	int64_t tenths = report_tenths(fig, rate, &has);

	strbuf_addf(&s, "%lld/%lld", (long long)report_int(fig, compliant),
		    (long long)report_int(fig, total));
	doc_cell_text(t, r, col, s.buf);
	doc_cell_percent(t, r, col + 1, tenths, has);
	strbuf_release(&s);
}

static int district_ranking_part(struct report_ctx *c, struct doc *d, struct model_error *e)
{
	static const char *const head[] = { "名次", "县（市、区）", "村（社区）", "达标率",
					     "企事业单位", "达标率" };
	json_t *bd = NULL, *items, *it;
	struct doc_table *t;
	struct strbuf s = STRBUF_INIT;
	size_t i;
	int ret;

	if ((ret = figures_breakdown_opt(c->db, c->a, c->month, "district", FIGURES_NO_WORK, &bd, e)))
		return ret;
	items = ranked_districts(json_object_get(bd, "rows"));
	json_decref(bd);
	doc_add(d, DOC_HEADING1, "二、县（市、区）排名");
	if (!json_array_size(items)) {
		doc_add(d, DOC_PARA, "本%s尚无县（市、区）。", c->level_word);
		json_decref(items);
		return 0;
	}
	doc_add(d, DOC_PARA, "按年初至%d月底村（社区）达标率排名，达标率相同的按企事业单位达标率排名，"
			     "两项均相同的并列；表中村（社区）、企事业单位为达标数/总数。", c->mon);
	strbuf_addf(&s, "%d年%d月县（市、区）排名", c->year, c->mon);
	t = doc_table(d, s.buf, "县区排名", 6, head);
	json_array_foreach(items, i, it) {
		size_t r = doc_row(t);
		json_t *fig = json_object_get(it, "figures");

		doc_cell_int(t, r, 0, (int64_t)json_integer_value(json_object_get(it, "rank")));
		doc_cell_text(t, r, 1, report_str(it, "unit_name"));
		kind_cells(t, r, 2, fig, "villages_compliant", "villages_total", "villages_rate");
		kind_cells(t, r, 4, fig, "enterprises_compliant", "enterprises_total",
			   "enterprises_rate");
	}
	honour_lists(d, items, "县（市、区）");
	strbuf_release(&s);
	json_decref(items);
	return 0;
}

/* The districts that have not published the month (their figures are provisional). */
static void publication_part(struct report_ctx *c, struct doc *d)
{
	struct strbuf s = STRBUF_INIT;
	size_t i, n = json_array_size(c->unpublished);
	json_t *it;

	doc_add(d, DOC_HEADING1, "三、月度认定结果发布情况");
	if (!n) {
		doc_add(d, DOC_PARA, "各县（市、区）均已发布%d月认定结果。", c->mon);
		return;
	}
	json_array_foreach(c->unpublished, i, it)
		strbuf_addf(&s, "%s%s", i ? "、" : "", json_string_value(it));
	doc_add(d, DOC_PARA, "截至目前，尚未发布%d月认定结果的县（市、区）有%zu个：%s。"
			     "其数据为初步结果，请抓紧完成认定并发布。", c->mon, n, s.buf);
	strbuf_release(&s);
}

int report_region_bulletin(struct report_ctx *c, struct doc **out, struct model_error *e)
{
	struct strbuf s = STRBUF_INIT;
	struct doc *d;
	int ret;

	strbuf_addf(&s, "全%s", c->level_word);
	d = bulletin_head(c, s.buf, "各县（市、区）“三零”创建办公室：");
	doc_add(d, DOC_HEADING1, "一、总体情况");
	strbuf_reset(&s);
	report_opening(c, &s);
	doc_add(d, DOC_PARA, "%s", s.buf);
	if ((ret = district_ranking_part(c, d, e)))
		goto fail;
	publication_part(c, d);
	doc_add(d, DOC_PARA, "希望进入红榜的县（市、区）再接再厉，发挥示范作用；列入黑榜的县（市、区）要认真"
			     "分析原因，逐项整改到位，并于下月5日前将整改情况报%s“三零”创建办公室。",
		c->level_word);
	report_sign(c, d);
	strbuf_release(&s);
	*out = d;
	return 0;
fail:
	strbuf_release(&s);
	doc_free(d);
	return ret;
}
