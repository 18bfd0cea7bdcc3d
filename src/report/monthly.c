/*
 * monthly.c: the monthly report (月度工作报告, 一月一报告) in the register of
 * the district's own report: the opening sentence with the month's
 * figures, the petition, safety, case and dispute work, the grid and
 * police work, the office's work lists, the tables of townships and
 * sectors with a chart of the townships' rates, the subjects that failed
 * and why, the overdue tasks and problems.  Wording that depends on the
 * data is chosen here by rules (a rate that rose or fell, a month with no
 * failure, a figure that is zero or undefined), never left blank.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/figures.h"
#include "base/strbuf.h"
#include "doc/doc.h"
#include "model/errors.h"
#include "report/report.h"
#include "report/report_int.h"

/* "，与7月底相比提高0.4个百分点" for a share that moved, "，与7月底持平"; nothing in January. */
static void change_since(struct report_ctx *c, const char *key, struct strbuf *s)
{
	int has, had;
	int64_t now = report_tenths(c->fig, key, &has), then;

	if (!c->prev || !has)
		return;
	then = report_tenths(c->prev, key, &had);
	if (!had)
		return;
	strbuf_addf(s, "，与%d月底相比", c->mon - 1);
	if (now == then) {
		strbuf_addstr(s, "持平");
		return;
	}
	strbuf_addstr(s, now > then ? "提高" : "下降");
	report_add_tenths(s, now > then ? now - then : then - now);
	strbuf_addstr(s, "个百分点");
}

static void opening(struct report_ctx *c, struct doc *d)
{
	struct strbuf s = STRBUF_INIT;

	report_opening(c, &s);
	doc_add(d, DOC_PARA, "%s", s.buf);
	strbuf_reset(&s);
	{
		struct strbuf v = STRBUF_INIT, en = STRBUF_INIT;
		change_since(c, "villages_rate", &v);
		change_since(c, "enterprises_rate", &en);
		if (v.len || en.len) {
			strbuf_addstr(&s, "村（社区）达标率");
			strbuf_addstr(&s, v.len ? v.buf + 3 : "无可比数据");
			strbuf_addstr(&s, "；企事业单位达标率");
			strbuf_addstr(&s, en.len ? en.buf + 3 : "无可比数据");
			strbuf_addstr(&s, "。");
			doc_add(d, DOC_PARA, "%s", s.buf);
		}
		strbuf_release(&v);
		strbuf_release(&en);
	}
	strbuf_release(&s);
}

/* A count clause: "接待来访群众1093批10396人次" or, for nothing, the words for none. */
static void petition_work(struct report_ctx *c, struct doc *d)
{
	int64_t batches = report_int(c->fig, "visit_batches"),
		online = report_int(c->fig, "online_petitions"),
		activities = report_int(c->fig, "petition_activities");
	struct strbuf s = STRBUF_INIT;

	doc_add(d, DOC_HEADING1, "一、信访工作（零上访）");
	strbuf_addstr(&s, "今年以来，");
	if (batches)
		strbuf_addf(&s, "共接待来访群众%lld批%lld人次", (long long)batches,
			    (long long)report_int(c->fig, "visit_persons"));
	else
		strbuf_addstr(&s, "未接待来访群众");
	strbuf_addf(&s, "，下访约访%lld场次，网上受理投诉%lld件。", (long long)activities,
		    (long long)online);
	doc_add(d, DOC_PARA, "%s", s.buf);
	strbuf_release(&s);
}

static void safety_work(struct report_ctx *c, struct doc *d)
{
	int64_t found = report_int(c->fig, "hazards_found"),
		fixed = report_int(c->fig, "hazards_rectified");
	struct strbuf s = STRBUF_INIT;

	doc_add(d, DOC_HEADING1, "二、安全生产（零事故）");
	strbuf_addf(&s, "今年以来，检查企业%lld家次，排查安全隐患%lld处",
		    (long long)report_int(c->fig, "inspections"), (long long)found);
	if (!found)
		strbuf_addstr(&s, "。");
	else if (fixed >= found)
		strbuf_addstr(&s, "，已全部完成整改。");
	else {
		strbuf_addf(&s, "，已整改%lld处，整改率", (long long)fixed);
		report_add_percent(&s, percent_tenths(fixed, found));
		strbuf_addf(&s, "，尚有%lld处正在整改。", (long long)(found - fixed));
	}
	doc_add(d, DOC_PARA, "%s", s.buf);
	strbuf_release(&s);
}

static void case_work(struct report_ctx *c, struct doc *d)
{
	struct strbuf s = STRBUF_INIT;
	int hv, he, hm;
	int64_t v = report_tenths(c->fig, "villages_zero_case_monthly_rate", &hv),
		en = report_tenths(c->fig, "enterprises_zero_case_monthly_rate", &he),
		m = report_tenths(c->fig, "mediation_success_rate", &hm);

	doc_add(d, DOC_HEADING1, "三、打击犯罪和化解矛盾（零案件）");
	strbuf_addf(&s, "今年以来，采取刑事强制措施%lld人，移送起诉%lld人",
		    (long long)report_int(c->fig, "coerced_persons"),
		    (long long)report_int(c->fig, "prosecuted_persons"));
	if (hv) {
		strbuf_addstr(&s, "，村（社区）月均零发案率");
		report_add_percent(&s, v);
	}
	if (he) {
		strbuf_addstr(&s, "，企事业单位月均零发案率");
		report_add_percent(&s, en);
	}
	strbuf_addstr(&s, "。");
	if (hm) {
		strbuf_addf(&s, "调解矛盾纠纷%lld件，调解成功率",
			    (long long)report_int(c->fig, "disputes_mediated"));
		report_add_percent(&s, m);
		strbuf_addstr(&s, "。");
	} else
		strbuf_addstr(&s, "今年以来没有办结的矛盾纠纷调解。");
	doc_add(d, DOC_PARA, "%s", s.buf);
	strbuf_release(&s);
}

/* "，一日双巡落实率92.3%" when the share is defined. */
static void share_clause(struct report_ctx *c, const char *label, const char *key, struct strbuf *s)
{
	int has;
	int64_t t = report_tenths(c->fig, key, &has);

	if (!has)
		return;
	strbuf_addf(s, "，%s", label);
	report_add_percent(s, t);
}

static void grid_work(struct report_ctx *c, struct doc *d)
{
	struct strbuf s = STRBUF_INIT;
	json_t *paid = json_object_get(c->fig, "police_subsidy_paid");

	doc_add(d, DOC_HEADING1, "四、网格化服务管理和基层队伍");
	strbuf_addf(&s, "今年以来，网格员开展巡查%lld次", (long long)report_int(c->fig, "patrols"));
	share_clause(c, "一日双巡落实率", "patrol_compliance_rate", &s);
	strbuf_addf(&s, "，入户走访%lld次", (long long)report_int(c->fig, "household_visits"));
	share_clause(c, "一村一警覆盖率", "village_police_rate", &s);
	if (json_is_number(paid))
		strbuf_addf(&s, "，发放驻村补贴%.2f元", json_number_value(paid));
	share_clause(c, "“1+5+N”信息员网络达标率", "informant_network_rate", &s);
	share_clause(c, "联乡包村覆盖率", "cadre_village_rate", &s);
	strbuf_addstr(&s, "。");
	doc_add(d, DOC_PARA, "%s", s.buf);
	strbuf_release(&s);
}

static void office_work(struct report_ctx *c, struct doc *d)
{
	doc_add(d, DOC_HEADING1, "五、清单管理和督导检查");
	doc_add(d, DOC_PARA,
		"今年以来，交办任务%lld项，完成%lld项，逾期未完成%lld项；发现问题%lld个，整改完成"
		"%lld个，逾期未整改%lld个；开展督导检查%lld次，召开联席会议%lld次。",
		(long long)report_int(c->fig, "tasks_assigned"),
		(long long)report_int(c->fig, "tasks_done"),
		(long long)report_int(c->fig, "tasks_overdue"),
		(long long)report_int(c->fig, "problems_found"),
		(long long)report_int(c->fig, "problems_rectified"),
		(long long)report_int(c->fig, "problems_overdue"),
		(long long)report_int(c->fig, "supervision_checks"),
		(long long)report_int(c->fig, "coordination_meetings"));
}

/* A target in tenths from the breakdown's targets (percent, or null: < 0). */
static int64_t target_of(json_t *bd, const char *kind)
{
	json_t *v = json_object_get(json_object_get(bd, "targets"), kind);

	return json_is_number(v) ? (int64_t)(json_number_value(v) * 10.0 + 0.5) : -1;
}

/* The rate's cell, with its share of an empty set left empty. */
static void rate_cell(struct doc_table *t, size_t r, int col, int64_t num, int64_t den)
{
	doc_cell_percent(t, r, col, percent_tenths(num, den), den > 0);
}

/* "低于目标" / "达到目标" / "—" against a target in tenths. */
static const char *against(int64_t num, int64_t den, int64_t target)
{
	if (den <= 0 || target < 0)
		return "—";
	return percent_tenths(num, den) >= target ? "达到目标" : "低于目标";
}

/* A row of the townships' table: name; subjects; villages, complying, rate; enterprises, complying, rate. */
static void township_row(struct doc_table *t, const char *name, const int64_t v[5])
{
	size_t r = doc_row(t);

	doc_cell_text(t, r, 0, name);
	doc_cell_int(t, r, 1, v[0]);
	doc_cell_int(t, r, 2, v[1]);
	doc_cell_int(t, r, 3, v[2]);
	rate_cell(t, r, 4, v[2], v[1]);
	doc_cell_int(t, r, 5, v[3]);
	doc_cell_int(t, r, 6, v[4]);
	rate_cell(t, r, 7, v[4], v[3]);
}

static int township_table(struct report_ctx *c, struct doc *d, struct model_error *e)
{
	/* the village and enterprise columns in pairs: total, complying, rate */
	static const char *const head[] = { "乡镇（街道）", "创建主体", "村（社区）", "达标",
					     "达标率", "企事业单位", "达标", "达标率" };
	json_t *bd = NULL, *row;
	struct doc_table *t;
	struct strbuf below = STRBUF_INIT;
	int64_t tv, nbelow = 0, sum[5] = { 0 };
	size_t i;
	int ret;

	if ((ret = figures_breakdown_opt(c->db, c->a, c->month, "township", FIGURES_NO_WORK, &bd, e)))
		return ret;
	tv = target_of(bd, "villages");
	doc_add(d, DOC_HEADING1, "六、各乡镇（街道）和各行业创建情况");
	t = doc_table(d, "各乡镇（街道）创建主体达标情况", "乡镇", 8, head);
	json_array_foreach(json_object_get(bd, "rows"), i, row) {
		json_t *f = json_object_get(row, "figures");
		const char *name = json_string_value(json_object_get(row, "label"));
		int64_t v[5] = { report_int(f, "subjects_total"), report_int(f, "villages_total"),
				 report_int(f, "villages_compliant"), report_int(f, "enterprises_total"),
				 report_int(f, "enterprises_compliant") };

		township_row(t, name, v);
		for (int k = 0; k < 5; k++)
			sum[k] += v[k];
		if (v[1] > 0 && tv >= 0 && percent_tenths(v[2], v[1]) < tv) {
			strbuf_addf(&below, "%s%s", nbelow ? "、" : "", name);
			nbelow++;
		}
	}
	township_row(t, "合计", sum);
	t->total_row = 1;
	doc_chart(d, "各乡镇（街道）村（社区）达标率", "达标率（%）", tv, t, 0, 4);
	if (tv >= 0 && nbelow)
		doc_add(d, DOC_PARA, "村（社区）达标率低于目标（%lld%%）的乡镇（街道）有%lld个：%s。",
			(long long)(tv / 10), (long long)nbelow, below.buf);
	else if (tv >= 0 && sum[1])
		doc_add(d, DOC_PARA, "各乡镇（街道）村（社区）达标率均达到目标（%lld%%）。",
			(long long)(tv / 10));
	strbuf_release(&below);
	json_decref(bd);
	return 0;
}

static int sector_table(struct report_ctx *c, struct doc *d, struct model_error *e)
{
	static const char *const head[] = { "行业主管部门", "创建主体", "符合创建标准", "达标率",
					     "对照目标" };
	json_t *bd = NULL, *row;
	struct doc_table *t;
	int64_t tv, te;
	size_t i;
	int ret;

	if ((ret = figures_breakdown_opt(c->db, c->a, c->month, "supervisor", FIGURES_NO_WORK, &bd, e)))
		return ret;
	tv = target_of(bd, "villages");
	te = target_of(bd, "enterprises");
	t = doc_table(d, "各行业主管部门创建主体达标情况", "行业", 5, head);
	json_array_foreach(json_object_get(bd, "rows"), i, row) {
		json_t *f = json_object_get(row, "figures");
		int64_t vt = report_int(f, "villages_total"), et = report_int(f, "enterprises_total");
		int64_t n = vt + et, ok = report_int(f, "villages_compliant") +
					  report_int(f, "enterprises_compliant");
		size_t r = doc_row(t);

		doc_cell_text(t, r, 0, json_string_value(json_object_get(row, "label")));
		doc_cell_int(t, r, 1, n);
		doc_cell_int(t, r, 2, ok);
		rate_cell(t, r, 3, ok, n);
		/* a sector of one kind of subject is held to that kind's target */
		doc_cell_text(t, r, 4, against(ok, n, vt && et ? -1 : vt ? tv : te));
	}
	if (!t->nrows)
		doc_add(d, DOC_PARA, "没有归属行业主管部门的创建主体。");
	json_decref(bd);
	return 0;
}

int report_monthly(struct report_ctx *c, struct doc **out, struct model_error *e)
{
	struct doc *d;
	struct strbuf s = STRBUF_INIT;
	int ret;

	strbuf_addf(&s, "%s“三零”创建工作月度报告", c->unit.buf);
	d = doc_new(s.buf);
	strbuf_reset(&s);
	strbuf_addf(&s, "%s%d年%d月“三零”创建工作月度报告", c->unit.buf, c->year, c->mon);
	doc_set_meta(d, s.buf, c->district.buf, NULL);
	doc_add(d, DOC_SUBTITLE, "（%d年%d月）", c->year, c->mon);
	opening(c, d);
	petition_work(c, d);
	safety_work(c, d);
	case_work(c, d);
	grid_work(c, d);
	office_work(c, d);
	if ((ret = township_table(c, d, e)) || (ret = sector_table(c, d, e)))
		goto fail;
	doc_add(d, DOC_HEADING1, "七、未达标创建主体及原因");
	if ((ret = report_failed_table(c, d, e)))
		goto fail;
	doc_add(d, DOC_HEADING1, "八、逾期任务和问题");
	if ((ret = report_overdue_tables(c, d, e)))
		goto fail;
	report_sign(c, d);
	strbuf_release(&s);
	*out = d;
	return 0;
fail:
	strbuf_release(&s);
	doc_free(d);
	return ret;
}
