/*
 * figure_keys.c: the one table of the figures' keys (see figure_keys.h).
 * The labels are the source report's words; where it says 行政村 for
 * what is counted over villages and communities alike (行政村月均零发案),
 * DOMAIN.md decides and the label says 村（社区）.  What a row's `counts`,
 * `list` and `results` say is what figures.c and cells.c compute: the API
 * tests run each list query and hold its total to the figure.
 *
 * Not here: the arithmetic (figures.c) or the SQL (cells.c).
 */
#include "assess/figure_keys.h"

#include <stdio.h>
#include <string.h>

#define YEAR "当年 1 月至该月底"
/* the dates of the year through the month, as list parameters */
#define RANGE(field) field "_from={from}&" field "_to={to}"

const struct figure_key figure_keys[FIG__COUNT] = {
	[FIG_SUBJECTS_TOTAL] = {
		"subjects_total", "创建主体", FU_COUNT, "个",
		"该月底在清单上的创建主体（村、社区、企业、事业单位）",
		{ "subjects", "as_of={month}" }, .results = "span=year" },
	[FIG_VILLAGES_TOTAL] = {
		"villages_total", "村（社区）", FU_COUNT, "个",
		"该月底在清单上、类型为行政村或社区的创建主体",
		{ "subjects", "as_of={month}&kind=village,community" },
		.results = "span=year&group=village" },
	[FIG_VILLAGES_COMPLIANT] = {
		"villages_compliant", "村（社区）符合创建标准", FU_COUNT, "个",
		"该月底在清单上的村（社区）中，当年 1 月至该月在清单上的每个月都认定达标的",
		.determination = "village", .results = "span=year&group=village&fail=0" },
	[FIG_VILLAGES_RATE] = {
		"villages_rate", "村（社区）达标率", FU_PERCENT, NULL,
		"符合创建标准的村（社区）占该月底村（社区）的百分比",
		.share_of = "villages_total", .determination = "village",
		.results = "span=year&group=village" },
	[FIG_ENTERPRISES_TOTAL] = {
		"enterprises_total", "企事业单位", FU_COUNT, "个",
		"该月底在清单上、类型为企业或事业单位的创建主体",
		{ "subjects", "as_of={month}&kind=enterprise,institution" },
		.results = "span=year&group=enterprise" },
	[FIG_ENTERPRISES_COMPLIANT] = {
		"enterprises_compliant", "企事业单位符合创建标准", FU_COUNT, "个",
		"该月底在清单上的企事业单位中，当年 1 月至该月在清单上的每个月都认定达标的",
		.determination = "enterprise", .results = "span=year&group=enterprise&fail=0" },
	[FIG_ENTERPRISES_RATE] = {
		"enterprises_rate", "企事业单位达标率", FU_PERCENT, NULL,
		"符合创建标准的企事业单位占该月底企事业单位的百分比",
		.share_of = "enterprises_total", .determination = "enterprise",
		.results = "span=year&group=enterprise" },
	[FIG_VILLAGES_ZERO_CASE_MONTHLY_RATE] = {
		"villages_zero_case_monthly_rate", "村（社区）月均零发案率", FU_PERCENT, NULL,
		"当年 1 月至该月，各月在清单上的村（社区）中当月没有案件致其认定不达标的所占百分比的平均",
		.determination = "village" },
	[FIG_ENTERPRISES_ZERO_CASE_MONTHLY_RATE] = {
		"enterprises_zero_case_monthly_rate", "企事业单位月均零发案率", FU_PERCENT, NULL,
		"当年 1 月至该月，各月在清单上的企事业单位中当月没有案件致其认定不达标的所占百分比的平均",
		.determination = "enterprise" },
	[FIG_VISIT_BATCHES] = {
		"visit_batches", "接待来访", FU_COUNT, "批",
		YEAR "登记、信访形式为来访的信访事项",
		{ "petitions", "channel=visit&" RANGE("received_on") } },
	[FIG_VISIT_PERSONS] = {
		"visit_persons", "接待来访人次", FU_COUNT, "人次",
		YEAR "登记、信访形式为来访的信访事项的人数之和",
		{ "petitions", "channel=visit&" RANGE("received_on"), "persons" } },
	[FIG_ONLINE_PETITIONS] = {
		"online_petitions", "网上受理投诉", FU_COUNT, "件",
		YEAR "登记、信访形式为网上的信访事项",
		{ "petitions", "channel=online&" RANGE("received_on") } },
	[FIG_PETITION_ACTIVITIES] = {
		"petition_activities", "下访约访", FU_COUNT, "场次",
		YEAR "开展的四访两送活动",
		{ "petition_activities", RANGE("held_on") } },
	[FIG_INSPECTIONS] = {
		"inspections", "检查企业", FU_COUNT, "家次",
		YEAR "的安全检查（每次检查一个主体）",
		{ "inspections", RANGE("inspected_on") } },
	[FIG_HAZARDS_FOUND] = {
		"hazards_found", "排查安全隐患", FU_COUNT, "处",
		YEAR "发现的安全隐患",
		{ "hazards", RANGE("found_on") } },
	[FIG_HAZARDS_RECTIFIED] = {
		"hazards_rectified", "已整改隐患", FU_COUNT, "处",
		YEAR "发现的安全隐患中，到该月底已整改完成的",
		{ "hazards", RANGE("found_on") "&rectified_on_to={to}" } },
	[FIG_COERCED_PERSONS] = {
		"coerced_persons", "采取刑事强制措施", FU_COUNT, "人",
		YEAR "发生的案件中采取刑事强制措施的人数之和",
		{ "cases", RANGE("occurred_on"), "coerced" } },
	[FIG_PROSECUTED_PERSONS] = {
		"prosecuted_persons", "移送起诉", FU_COUNT, "人",
		YEAR "发生的案件中移送起诉的人数之和",
		{ "cases", RANGE("occurred_on"), "prosecuted" } },
	[FIG_DISPUTES_MEDIATED] = {
		"disputes_mediated", "调解案件", FU_COUNT, "件",
		YEAR "办结、调解成功或调解失败的矛盾纠纷",
		{ "disputes", "status=success,failed&" RANGE("closed_on") } },
	[FIG_MEDIATION_SUCCESS_RATE] = {
		"mediation_success_rate", "调解成功率", FU_PERCENT, NULL,
		YEAR "办结的调解案件中调解成功的所占百分比",
		{ "disputes", "status=success&" RANGE("closed_on") }, .share_of = "disputes_mediated" },
	/* the work figures: dates decide, not statuses; cancelled tasks count in none */
	[FIG_TASKS_ASSIGNED] = {
		"tasks_assigned", "交办任务", FU_COUNT, "项",
		YEAR "交办的任务（已撤销的不计）",
		{ "tasks", "status=assigned,in_progress,done,verified&" RANGE("assigned_on") } },
	[FIG_TASKS_DONE] = {
		"tasks_done", "完成任务", FU_COUNT, "项",
		YEAR "交办的任务中，完成日期在该月底以前的（已完成或已核销）",
		{ "tasks", RANGE("assigned_on") "&done_on_to={to}" } },
	[FIG_TASKS_OVERDUE] = {
		"tasks_overdue", "逾期任务", FU_COUNT, "项",
		YEAR "交办的任务中，完成时限在该月底以前、到该月底仍未完成的（已撤销的不计）",
		{ "tasks", "overdue=1&overdue_on={to}&" RANGE("assigned_on") } },
	[FIG_PROBLEMS_FOUND] = {
		"problems_found", "发现问题", FU_COUNT, "个",
		YEAR "发现的问题",
		{ "problems", RANGE("found_on") } },
	[FIG_PROBLEMS_RECTIFIED] = {
		"problems_rectified", "整改问题", FU_COUNT, "个",
		YEAR "发现的问题中，整改完成日期在该月底以前的（已整改或已销号）",
		{ "problems", RANGE("found_on") "&rectified_on_to={to}" } },
	[FIG_PROBLEMS_OVERDUE] = {
		"problems_overdue", "逾期问题", FU_COUNT, "个",
		YEAR "发现的问题中，整改期限在该月底以前、到该月底仍未整改完成的",
		{ "problems", "overdue=1&overdue_on={to}&" RANGE("found_on") } },
	[FIG_SUPERVISION_CHECKS] = {
		"supervision_checks", "督导检查", FU_COUNT, "次",
		YEAR "开展的督导检查（全区统计，各单位相同）",
		{ "supervision_checks", RANGE("checked_on") } },
	[FIG_COORDINATION_MEETINGS] = {
		"coordination_meetings", "联席会议", FU_COUNT, "次",
		YEAR "召开的联席会议（全区统计，各单位相同）",
		{ "meetings", RANGE("held_on") } },
	[FIG_PATROLS] = {
		"patrols", "网格巡查", FU_COUNT, "次",
		YEAR "的网格巡查（一日双巡）",
		{ "patrols", RANGE("patrolled_on") } },
	/*
	 * The grassroots' shares have no list: their numerators (grid-days with
	 * both slots, villages with an auxiliary or a cadre on the day, officers
	 * whose network complies) are not records any list filter returns.
	 */
	[FIG_PATROL_COMPLIANCE_RATE] = {
		"patrol_compliance_rate", "一日双巡落实率", FU_PERCENT, NULL,
		"当年 1 月 1 日至该月底（或今天，取早者）每个网格每一天中，上午、下午都有巡查的网格日所占百分比" },
	[FIG_HOUSEHOLD_VISITS] = {
		"household_visits", "入户走访", FU_COUNT, "次",
		YEAR "的入户走访",
		{ "household_visits", RANGE("visited_on") } },
	[FIG_VILLAGE_POLICE_RATE] = {
		"village_police_rate", "一村一警覆盖率", FU_PERCENT, NULL,
		"该月底在清单上的村（社区）中，该月最后一天有驻村辅警在岗的百分比" },
	[FIG_POLICE_SUBSIDY_PAID] = {
		"police_subsidy_paid", "驻村补贴已发放", FU_YUAN, NULL,
		YEAR "各月的驻村补贴中，该月底以前已发放的金额",
		{ "police_subsidies", "month_from={january}&month_to={month}&paid_on_to={to}",
		  "amount" } },
	[FIG_INFORMANT_NETWORK_RATE] = {
		"informant_network_rate", "信息员网络达标率", FU_PERCENT, NULL,
		"该月最后一天在岗的民警中，有 5 名以上在册信息员且分属 5 个以上行业的百分比" },
	[FIG_CADRE_VILLAGE_RATE] = {
		"cadre_village_rate", "联乡包村覆盖率", FU_PERCENT, NULL,
		"该月底在清单上的村（社区）中，该月最后一天有包村干部的百分比" },
};

const struct figure_key *figure_key_find(const char *key)
{
	size_t i;

	for (i = 0; i < FIG__COUNT; i++)
		if (figure_keys[i].key && !strcmp(figure_keys[i].key, key))
			return &figure_keys[i];
	return NULL;
}

const char *figure_unit_code(enum figure_unit u)
{
	switch (u) {
	case FU_PERCENT:
		return "percent";
	case FU_YUAN:
		return "yuan";
	case FU_COUNT:
	default:
		return "count";
	}
}

static json_t *string_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* "a=b&c=d" as {"a": "b", "c": "d"}; the table's parameters need no unescaping. */
static json_t *query_object(const char *params)
{
	json_t *o = json_object();
	const char *p = params;

	while (*p) {
		const char *amp = strchr(p, '&'), *end = amp ? amp : p + strlen(p);
		const char *eq = memchr(p, '=', (size_t)(end - p));
		char name[64];

		if (eq && (size_t)(eq - p) < sizeof(name)) {
			snprintf(name, sizeof(name), "%.*s", (int)(eq - p), p);
			json_object_set_new(o, name, json_stringn(eq + 1, (size_t)(end - eq - 1)));
		}
		p = amp ? amp + 1 : end;
	}
	return o;
}

static json_t *list_json(const struct figure_query *q)
{
	if (!q->entity)
		return json_null();
	return json_pack("{ss so so}", "entity", q->entity, "query", query_object(q->params),
			 "sum", string_or_null(q->sum));
}

json_t *figure_keys_json(void)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < FIG__COUNT; i++) {
		const struct figure_key *fk = &figure_keys[i];
		json_array_append_new(arr, json_pack("{ss ss ss so ss so so so so}", "key", fk->key,
			"label", fk->label, "unit", figure_unit_code(fk->unit),
			"measure", string_or_null(fk->measure), "counts", fk->counts,
			"list", list_json(&fk->list), "share_of", string_or_null(fk->share_of),
			"determination", string_or_null(fk->determination),
			"results", fk->results ? query_object(fk->results) : json_null()));
	}
	return arr;
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && !strcmp(s + n - m, tail);
}

const char *figure_key_title(const struct figure_key *fk, char *buf, size_t size)
{
	if (fk->unit == FU_PERCENT)
		snprintf(buf, size, "%s %%", fk->label);
	else if (fk->unit == FU_YUAN)
		snprintf(buf, size, "%s（元）", fk->label);
	else if (fk->measure && !ends_with(fk->label, fk->measure))
		snprintf(buf, size, "%s（%s）", fk->label, fk->measure);
	else
		snprintf(buf, size, "%s", fk->label);
	return buf;
}
