/*
 * bench_events.c: a benchmark district's events (see bench_int.h): which
 * subjects fail which month and by what, then the petitions, petition work,
 * inspections and hazards, accidents, cases and disputes of January 2022 to
 * August 2023 at the demo's volumes and ratios, each planned in memory and
 * streamed into its table.  Rows are stored as the descriptors' hooks would
 * have stored them, with the hooks' own derive functions (entities.h).
 */
#include "cli/bench_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "cli/sample.h"
#include "model/entities.h"

/*
 * Events of a full year in a district of average size (2023 has January to
 * August of them): about 40,000.  Each district scales them by its own
 * factor between 0.85 and 1.15.
 */
static const struct {
	int visits, online, letters, phones, collective_pct;
	int activities, village_days, mediation_rooms;
	int inspections, hazard_pct;
	int road_accidents, minor_accidents;
	int criminal, public_order;
	int disputes;
} rate = { 2050, 1340, 570, 1170, 25, 460, 610, 230, 20800, 42, 58, 22, 1800, 1680, 320 };

/*
 * How many subjects fail in a year and by what (the demo's plan): villages
 * by cases, petitions, accidents; enterprises by cases, accidents,
 * petitions.  Each district varies them by up to 20 %.
 */
static const int fail_plan[2][6] = {
	{ 61, 16, 10, 14, 14, 13 },
	{ 48, 12, 8, 12, 11, 10 },
};

static const char *const channels[] = { "visit", "letter", "phone", "online" };
enum { CH_VISIT, CH_LETTER, CH_PHONE, CH_ONLINE };
static const char *const levels[] = { "village", "township", "county", "city", "province",
				      "national" };
enum { L_VILLAGE, L_TOWNSHIP, L_COUNTY, L_CITY, L_PROVINCE, L_NATIONAL };
static const char *const petition_categories[] = { "land", "labour", "law", "construction",
						   "environment", "civil", "other" };
static const int village_petition_w[] = { 25, 8, 12, 20, 10, 15, 10 };
static const int enterprise_petition_w[] = { 0, 55, 12, 5, 15, 0, 13 };
static const char *const petition_texts[] = {
	"反映土地征收补偿款未足额发放", "反映在本地企业务工被拖欠工资", "对一起民事判决不服，要求再审",
	"反映村内道路年久失修、出行不便", "反映养殖场异味扰民", "申请困难家庭低保救助",
	"反映自来水供水不正常",
};
static const char *const domains[] = { "gas", "hazchem", "road", "construction", "fire", "other" };
enum { DM_GAS, DM_HAZCHEM, DM_ROAD, DM_CONSTRUCTION, DM_FIRE, DM_OTHER };
static const char *const hazard_texts[] = {
	"燃气管道未安装泄漏报警装置", "危险化学品未分类存放", "车辆安全带损坏",
	"施工现场临边防护缺失", "疏散通道堆放杂物", "特种作业人员无证上岗",
};
static const char *const case_categories[] = { "theft_robbery_fraud", "porn_gambling_drugs",
					       "telecom_fraud", "elder_fraud", "violent", "other" };
static const int criminal_w[] = { 38, 10, 26, 6, 10, 10 };
static const int public_order_w[] = { 35, 25, 0, 0, 25, 15 };
static const char *const case_texts[] = {
	"发生一起盗窃案件", "查处一起赌博违法行为", "一群众被冒充客服诈骗",
	"有人以销售保健品为名骗取老年人钱财", "因琐事引发殴打他人", "发生一起扰乱公共秩序行为",
};
static const char *const dispute_categories[] = { "family", "land", "labour", "medical",
						  "traffic", "property", "finance", "other" };
enum { DC_FAMILY, DC_LAND, DC_LABOUR, DC_MEDICAL, DC_TRAFFIC, DC_PROPERTY };
static const int dispute_category_w[] = { 34, 22, 12, 5, 9, 6, 4, 8 };
static const char *const dispute_texts[] = {
	"因宅基地界址、赡养老人等问题发生矛盾", "因承包地边界发生争议", "因工资结算发生纠纷",
	"因诊疗费用发生纠纷", "交通事故后因赔偿数额发生纠纷", "业主与物业公司因物业费发生纠纷",
	"因民间借贷还款发生纠纷", "因相邻通行、排水发生纠纷",
};
static const char *const activity_kinds[] = { "case_visit", "appointment", "open_reception",
					      "home_visit", "law_delivery", "service_delivery" };
static const int activity_kind_w[] = { 30, 25, 15, 15, 8, 7 };
static const char *const activity_texts[] = {
	"带案下访，现场听取群众诉求，研究化解方案", "约访信访群众，逐案明确责任单位和化解时限",
	"开门接访，当场答复政策咨询，其余事项登记交办", "登门拜访重点信访户，落实帮扶措施",
	"送法上门，宣讲《信访工作条例》", "送服务上门，协调解决群众实际困难",
};
static const char *const leaders[] = { "县长", "常务副县长", "副县长", "县委副书记", "政法委书记" };

/* ---- the plan of failures ---- */

static void fail_add(struct gen *g, int s, int m, enum why why)
{
	struct fail *f = SAMPLE_PUSH(g->fails);

	f->s = s;
	f->m = m;
	f->why = why;
}

static int vary(struct gen *g, int n)
{
	return n * sample_between(&g->r, 80, 120) / 100;
}

void bench_plan_fails(struct gen *g)
{
	static const int case_pool[] = { C_ENTERTAINMENT, C_CAFE, C_MARKET, C_MALL, C_RESTAURANT,
					  C_STATION, C_SCENIC, -1 };
	static const int accident_pool[] = { C_FACTORY, C_MINE, C_RESTAURANT, C_MARKET, C_STATION,
					      C_OTHER, -1 };
	static const int petition_pool[] = { C_FACTORY, C_KINDERGARTEN, C_SCHOOL, C_HOSPITAL,
					      C_OTHER, C_PHARMACY, -1 };
	int order[NVILL], y, i, k;

	g->fails.n = 0;
	for (y = 0; y < 2; y++) {
		int first = y ? 12 : 0, months = y ? 8 : 12;
		int vc = vary(g, fail_plan[y][0]), vp = vary(g, fail_plan[y][1]);
		int va = vary(g, fail_plan[y][2]);
		for (i = 0; i < NVILL; i++)
			order[i] = i;
		sample_shuffle(&g->r, order, NVILL);
		for (i = 0; i < vc + vp + va; i++) {
			int s = order[i];
			if (i < vc) {
				unsigned used = 0;
				int n = 1 + sample_chance(&g->r, 35);
				n += sample_chance(&g->r, 10);
				for (k = 0; k < n; k++) {
					int m = first + sample_below(&g->r, months);
					if (used >> m & 1)
						continue;
					used |= 1u << m;
					fail_add(g, s, m,
						 sample_chance(&g->r, 12) ? W_MAJOR : W_CRIMINAL);
				}
				if (i < 9) {
					int m = first + sample_below(&g->r, months);
					fail_add(g, s, m,
						 sample_chance(&g->r, 35) ? W_COLLECTIVE :
									    W_PETITION);
				}
			} else if (i < vc + vp) {
				int n = 1 + sample_chance(&g->r, 25);
				for (k = 0; k < n; k++) {
					int m = first + sample_below(&g->r, months);
					fail_add(g, s, m,
						 sample_chance(&g->r, 40) ? W_COLLECTIVE :
									    W_PETITION);
				}
			} else {
				fail_add(g, s, first + sample_below(&g->r, months), W_ACCIDENT);
			}
		}
		for (i = vary(g, fail_plan[y][3]); i > 0; i--) {
			int m = first + sample_below(&g->r, months),
			    e = bench_enterprise_of(g, m, case_pool);
			fail_add(g, e, m, sample_chance(&g->r, 15) ? W_MAJOR : W_CRIMINAL);
		}
		for (i = vary(g, fail_plan[y][4]); i > 0; i--) {
			int m = first + sample_below(&g->r, months);
			fail_add(g, bench_enterprise_of(g, m, accident_pool), m, W_ACCIDENT);
		}
		for (i = vary(g, fail_plan[y][5]); i > 0; i--) {
			int m = first + sample_below(&g->r, months),
			    e = bench_enterprise_of(g, m, petition_pool);
			fail_add(g, e, m, sample_chance(&g->r, 50) ? W_COLLECTIVE : W_PETITION);
		}
	}
}

/* ---- petitions ---- */

/* Comparators of events by day, then by the order they were planned in (unique). */
#define BY_DAY(name, type) \
	static int name(const void *a, const void *b) \
	{ \
		const type *x = a, *y = b; \
		if (x->day != y->day) \
			return x->day < y->day ? -1 : 1; \
		return x->ord < y->ord ? -1 : x->ord > y->ord; \
	}
BY_DAY(pet_cmp, struct pet)
BY_DAY(insp_cmp, struct insp)
BY_DAY(acc_cmp, struct acc)
BY_DAY(kase_cmp, struct kase)

static struct pet *pet_new(struct gen *g, int day, int channel, int persons, int level, int s,
			   int township)
{
	struct pet *p = SAMPLE_PUSH(g->pets);
	int enterprise = s >= 0 && g->subj[s].cat >= 0;

	p->day = day;
	p->ord = g->pets.n;
	p->channel = channel;
	p->persons = persons;
	p->level = level;
	p->s = s;
	p->township = s >= 0 ? g->subj[s].township : township;
	p->category =
		sample_weighted(&g->r, enterprise ? enterprise_petition_w : village_petition_w, 7);
	p->prev = -1;
	return p;
}

/* A petition that fails no one: see the file's comment. */
static void filler_petition(struct gen *g, int m, int channel)
{
	int day = bench_day_in(g, m), roll = sample_below(&g->r, 100), persons = 1;
	int town = sample_below(&g->r, NTOWN);

	if (channel == CH_VISIT && sample_chance(&g->r, rate.collective_pct))
		persons = sample_between(&g->r, 5, 56);
	else if (channel == CH_VISIT || channel == CH_LETTER)
		persons = roll < 60 ? 1 : roll < 85 ? 2 : roll < 95 ? 3 : 4;
	roll = sample_below(&g->r, 100);
	if (persons >= 5) {
		if (roll < 55)
			pet_new(g, day, channel, persons, L_COUNTY, -1, town);
		else if (roll < 85)
			pet_new(g, day, channel, persons, L_VILLAGE, bench_any_village(g), 0);
		else
			pet_new(g, day, channel, persons, L_TOWNSHIP, -1, town);
	} else if (roll < 22) {
		pet_new(g, day, channel, persons, L_COUNTY, -1, town);
	} else if (roll < 30) {
		pet_new(g, day, channel, persons, roll < 26 ? L_CITY : roll < 29 ? L_PROVINCE :
						  L_NATIONAL, -1, town);
	} else if (roll < 65) {
		pet_new(g, day, channel, persons, L_TOWNSHIP,
			sample_chance(&g->r, 80) ? bench_any_village(g) :
						   bench_any_enterprise(g, m),
			0);
	} else {
		pet_new(g, day, channel, persons, L_VILLAGE,
			sample_chance(&g->r, 85) ? bench_any_village(g) :
						   bench_any_enterprise(g, m),
			0);
	}
}

void bench_plan_petitions(struct gen *g)
{
	int64_t carry[4] = { 0, 0, 0, 0 };
	const int annual[4] = { rate.visits, rate.letters, rate.phones, rate.online };
	int m, c, k, i, seq = 0, year = 0;

	g->pets.n = 0;
	for (m = 0; m < NMONTHS; m++)
		for (c = 0; c < 4; c++)
			for (k = bench_monthly(g, m, annual[c], &carry[c]); k > 0; k--)
				filler_petition(g, m, c);
	for (i = 0; i < g->fails.n; i++) {
		const struct fail *f = &g->fails.v[i];
		int day, channel, persons, level;
		if (f->why == W_PETITION) {
			/* one that reached the county or higher */
			day = bench_day_in(g, f->m);
			channel = sample_below(&g->r, 4);
			persons = sample_between(&g->r, 1, 3);
			level = sample_between(&g->r, L_COUNTY, L_NATIONAL);
			pet_new(g, day, channel, persons, level, f->s, 0);
		} else if (f->why == W_COLLECTIVE) {
			/* a collective visit to the township or higher */
			struct pet *p;
			day = bench_day_in(g, f->m);
			persons = sample_between(&g->r, 6, 45);
			level = sample_chance(&g->r, 55) ? L_TOWNSHIP : L_COUNTY;
			p = pet_new(g, day, CH_VISIT, persons, level, f->s, 0);
			if (g->subj[f->s].cat >= 0)
				p->category = 1; /* labour */
		}
	}
	qsort(g->pets.v, (size_t)g->pets.n, sizeof(*g->pets.v), pet_cmp);
	for (i = 0; i < g->pets.n; i++) {
		struct pet *p = &g->pets.v[i];
		p->year = bench_year_of_day(g, p->day);
		if (p->year != year) {
			year = p->year;
			seq = 0;
		}
		p->seq = ++seq;
		/* a few come back on a matter already petitioned */
		if (i > 0 && sample_chance(&g->r, 4))
			p->prev = i - 1 - sample_below(&g->r, min_int(i, 400));
	}
}

static const char *pet_no(struct gen *g, const struct pet *p)
{
	return bench_rowf(&g->row, "XF%04d-%d-%05d", g->county, p->year, p->seq);
}

int bench_load_petitions(struct gen *g, struct strbuf *err)
{
	static const char *const sat[] = { "satisfied", "satisfied", "satisfied", "satisfied",
					   "satisfied", "satisfied", "satisfied", "basic", "basic",
					   "unsatisfied" };
	int i;

	if (bench_load_begin(g, T_PETITIONS, err))
		return -1;
	for (i = 0; i < g->pets.n; i++) {
		const struct pet *p = &g->pets.v[i];
		const struct subj *s = p->s >= 0 ? &g->subj[p->s] : NULL;
		int age = g->cal.last - p->day, roll = sample_below(&g->r, 100);
		int accepted = min_int(p->day + sample_between(&g->r, 0, 4), g->cal.last);
		int replied = min_int(accepted + sample_between(&g->r, 5, 40), g->cal.last);
		int resolved = min_int(replied + sample_between(&g->r, 0, 10), g->cal.last);
		struct petition_derived derived;
		const char *status;
		SET(g, "no", pet_no(g, p));
		SET(g, "received_on", g->day[p->day]);
		SET(g, "channel", channels[p->channel]);
		SET(g, "persons", rowint(&g->row, p->persons));
		SET(g, "level", levels[p->level]);
		if (s) {
			SET(g, "subject", s->code);
			SET(g, "grid", g->vill[s->village].grid);
		}
		SET(g, "township", town_code(g, p->township));
		SET(g, "category", petition_categories[p->category]);
		SET(g, "summary",
		    bench_rowf(&g->row, "%s%s", s ? s->name : g->town_name[p->township],
			       petition_texts[p->category]));
		if (age > 60)
			status = roll < 55 ? "closed" : "resolved";
		else if (age < 4 && roll < 50)
			status = "registered";
		else if (roll < 12 || age < 8)
			status = "accepted";
		else if (roll < 45 || replied == g->cal.last)
			status = roll < 25 ? "assigned" : "handling";
		else if (roll < 70)
			status = "replied";
		else
			status = "resolved";
		SET(g, "status", status);
		if (strcmp(status, "registered")) {
			int done = !strcmp(status, "resolved") || !strcmp(status, "closed");
			SET(g, "accepted_on", g->day[accepted]);
			if (done || !strcmp(status, "replied"))
				SET(g, "replied_on", g->day[replied]);
			if (!strcmp(status, "resolved") || (done && roll < 50))
				SET(g, "resolved_on", g->day[resolved]);
			if (done)
				SET(g, "satisfaction", SAMPLE_PICK(&g->r, sat));
		}
		if (p->level > L_TOWNSHIP)
			SET(g, "handling_dept", g->dept_code[D_PETITION]);
		else
			SET(g, "handling_dept",
			    s ? supervisor_code(g, s) : g->town_dept[p->township]);
		if (p->prev >= 0)
			SET(g, "previous", pet_no(g, &g->pets.v[p->prev]));
		petition_derive(g->day[p->day], p->persons, p->prev >= 0, &derived);
		SET(g, "collective", derived.collective);
		SET(g, "repeat", derived.repeat);
		SET(g, "accept_due", bench_rowf(&g->row, "%s", derived.accept_due));
		SET(g, "reply_due", bench_rowf(&g->row, "%s", derived.reply_due));
		SET(g, "district", g->code);
		if (bench_load_row(g, err)) {
			bench_load_end(g, NULL);
			return -1;
		}
	}
	return bench_load_end(g, err);
}

/* ---- petition work ---- */

static int int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

/* 四访两送 activities, in the order held. */
static int load_activity_rows(struct gen *g, struct strbuf *err)
{
	int64_t carry = 0;
	int days[400];
	char head[64];
	int m, k, n, seq = 0, year = 0;

	if (bench_load_begin(g, T_ACTIVITIES, err))
		return -1;
	for (m = 0; m < NMONTHS; m++) {
		n = min_int(bench_monthly(g, m, rate.activities, &carry), (int)NF(days));
		for (k = 0; k < n; k++)
			days[k] = bench_day_in(g, m);
		qsort(days, (size_t)n, sizeof(*days), int_cmp);
		for (k = 0; k < n; k++) {
			int kind = sample_weighted(&g->r, activity_kind_w, 6),
			    v = bench_any_village(g);
			int t = g->vill[v].township,
			    county_level = kind < 3 && sample_chance(&g->r, 70);
			int y = bench_year_of_day(g, days[k]);
			if (y != year) {
				year = y;
				seq = 0;
			}
			SET(g, "no", bench_rowf(&g->row, "SF%04d-%d-%04d", g->county, y, ++seq));
			SET(g, "held_on", g->day[days[k]]);
			SET(g, "kind", activity_kinds[kind]);
			if (county_level)
				SAMPLE_NAME(&g->r, bench_surnames, leaders, "", head, sizeof(head));
			else
				snprintf(head, sizeof(head), "%s%s",
					 SAMPLE_PICK(&g->r, bench_surnames),
					 t < 8 ? "镇长" : "乡长");
			SET(g, "leader", bench_rowf(&g->row, "%s", head));
			if (kind == 2 && county_level) {
				SET(g, "place", bench_rowf(&g->row, "%s信访局接待大厅", g->name));
			} else {
				SET(g, "place",
				    bench_rowf(&g->row, "%s%s", g->town_name[t], g->vill[v].name));
				SET(g, "township", town_code(g, t));
			}
			SET(g, "petitions_handled",
			    rowint(&g->row, kind >= 4 ? 0 : sample_between(&g->r, 1, 6)));
			SET(g, "summary", activity_texts[kind]);
			SET(g, "district", g->code);
			if (bench_load_row(g, err))
				goto fail;
		}
	}
	return bench_load_end(g, err);
fail:
	bench_load_end(g, NULL);
	return -1;
}

/* Request letters: twice a month, with the latest petitions that reached the county. */
static int load_letters(struct gen *g, struct strbuf *err)
{
	int m;

	if (bench_load_begin(g, T_LETTERS, err))
		return -1;
	for (m = 0; m < NMONTHS; m++) {
		int half;
		for (half = 0; half < 2; half++) {
			struct strbuf nos = STRBUF_INIT;
			int day = g->cal.mstart[m] + (half ? 14 : 0) + sample_between(&g->r, 0, 2);
			int i, got = 0;
			int want = sample_between(&g->r, 1, 3);
			const char *leader =
				bench_rowf(&g->row, "%s%s", SAMPLE_PICK(&g->r, bench_surnames),
					   leaders[(2 * m + half) % NF(leaders)]);
			for (i = 0; i < g->pets.n && g->pets.v[i].day < day; i++)
				;
			for (i--; i >= 0 && got < want && g->pets.v[i].day >= day - 20; i--) {
				const struct pet *p = &g->pets.v[i];
				if (p->level != L_COUNTY || p->s >= 0)
					continue;
				strbuf_addf(&nos, "%sXF%04d-%d-%05d", got ? "|" : "", g->county,
					    p->year, p->seq);
				got++;
			}
			SET(g, "no",
			    bench_rowf(&g->row, "TQH%04d-%d-%03d", g->county, 2022 + m / 12,
				       m % 12 * 2 + half + 1));
			SET(g, "sent_on", g->day[day]);
			SET(g, "leader", leader);
			if (got)
				SET(g, "petitions", bench_rowf(&g->row, "%s", nos.buf));
			SET(g, "matters", bench_rowf(&g->row, "提请%s于本月%s带案下访，督导化解信访事项%d件",
					       leader, half ? "下旬" : "中旬", got));
			SET(g, "district", g->code);
			strbuf_release(&nos);
			if (bench_load_row(g, err))
				goto fail;
		}
	}
	return bench_load_end(g, err);
fail:
	bench_load_end(g, NULL);
	return -1;
}

/* Village days (the 6th, 16th and 26th) and 调处室 records, in the order held. */
static int load_village_records(struct gen *g, struct strbuf *err)
{
	int64_t cd = 0, cr = 0;
	int days[400];
	int m, k, n, seq = 0;

	if (bench_load_begin(g, T_VILLAGE_RECORDS, err))
		return -1;
	for (m = 0; m < NMONTHS; m++) {
		int nd = bench_monthly(g, m, rate.village_days, &cd);
		int nr = bench_monthly(g, m, rate.mediation_rooms, &cr);
		n = min_int(nd + nr, (int)NF(days));
		/* day * 2 + 1 marks a 调处室 record */
		for (k = 0; k < n; k++)
			days[k] = k < nd ?
				2 * (g->cal.mstart[m] + 5 + 10 * sample_below(&g->r, 3)) :
				2 * bench_day_in(g, m) + 1;
		qsort(days, (size_t)n, sizeof(*days), int_cmp);
		if (m == 0 || m == 12)
			seq = 0;
		for (k = 0; k < n; k++) {
			int room = days[k] & 1, v = bench_any_village(g);
			int matters =
				room ? sample_between(&g->r, 1, 2) : sample_between(&g->r, 0, 8);
			SET(g, "no", bench_rowf(&g->row, "CW%04d-%d-%05d", g->county, 2022 + m / 12,
					  ++seq));
			SET(g, "held_on", g->day[days[k] / 2]);
			SET(g, "kind", room ? "mediation_room" : "village_day");
			SET(g, "village", g->vill[v].code);
			SET(g, "participants", rowint(&g->row, room ? sample_between(&g->r, 3, 8) :
							     sample_between(&g->r, 8, 60)));
			SET(g, "matters", rowint(&g->row, matters));
			SET(g, "resolved",
			    rowint(&g->row, matters - (matters && sample_chance(&g->r, 10))));
			SET(g, "summary", room ? "调处室调解邻里纠纷" : "逢六村务日，村两委集中办公，受理群众诉求");
			SET(g, "township", town_code(g, g->vill[v].township));
			SET(g, "district", g->code);
			if (bench_load_row(g, err))
				goto fail;
		}
	}
	return bench_load_end(g, err);
fail:
	bench_load_end(g, NULL);
	return -1;
}

int bench_load_activities(struct gen *g, struct strbuf *err)
{
	return load_activity_rows(g, err) || load_letters(g, err) || load_village_records(g, err) ?
		       -1 : 0;
}

/* ---- inspections and hazards ---- */

/* The safety domain an inspection of an enterprise of category `c` looks at. */
static int domain_for(struct rng *r, int c)
{
	int x = sample_below(r, 100);

	switch (c) {
	case C_RESTAURANT: return x < 60 ? DM_GAS : DM_FIRE;
	case C_FACTORY:
		return x < 25 ? DM_HAZCHEM : x < 60 ? DM_FIRE : x < 75 ? DM_CONSTRUCTION : DM_OTHER;
	case C_MINE: return x < 50 ? DM_OTHER : DM_CONSTRUCTION;
	case C_MARKET: return x < 60 ? DM_FIRE : DM_GAS;
	case C_STATION: return x < 70 ? DM_ROAD : DM_FIRE;
	case C_SCHOOL: case C_KINDERGARTEN: return x < 65 ? DM_FIRE : x < 85 ? DM_ROAD : DM_OTHER;
	case C_HOSPITAL: return x < 60 ? DM_FIRE : x < 80 ? DM_HAZCHEM : DM_GAS;
	case C_RESEARCH: return x < 50 ? DM_HAZCHEM : DM_FIRE;
	default: return x < 70 ? DM_FIRE : DM_OTHER;
	}
}

void bench_plan_inspections(struct gen *g)
{
	int64_t carry = 0;
	int m, k;

	g->insps.n = 0;
	for (m = 0; m < NMONTHS; m++) {
		for (k = bench_monthly(g, m, rate.inspections, &carry); k > 0; k--) {
			struct insp *x = SAMPLE_PUSH(g->insps);
			x->day = bench_day_in(g, m);
			x->ord = g->insps.n;
			x->s = bench_any_enterprise(g, m);
			x->domain = domain_for(&g->r, g->subj[x->s].cat);
			x->hazard = sample_chance(&g->r, rate.hazard_pct);
		}
	}
	qsort(g->insps.v, (size_t)g->insps.n, sizeof(*g->insps.v), insp_cmp);
	{
		int i, year = 0, seq = 0;
		for (i = 0; i < g->insps.n; i++) {
			int y = bench_year_of_day(g, g->insps.v[i].day);
			if (y != year) {
				year = y;
				seq = 0;
			}
			g->insps.v[i].seq = ++seq;
		}
	}
}

int bench_load_inspections(struct gen *g, struct strbuf *err)
{
	char one[64], two[64];
	int i, seq = 0, year = 0;

	if (bench_load_begin(g, T_INSPECTIONS, err))
		return -1;
	for (i = 0; i < g->insps.n; i++) {
		const struct insp *x = &g->insps.v[i];
		const struct subj *s = &g->subj[x->s];
		SET(g, "no",
		    bench_rowf(&g->row, "JC%04d-%d-%06d", g->county, bench_year_of_day(g, x->day),
			       x->seq));
		SET(g, "inspected_on", g->day[x->day]);
		SET(g, "subject", s->code);
		SET(g, "department",
		    sample_chance(&g->r, 40) ? g->dept_code[D_SAFETY] : supervisor_code(g, s));
		SET(g, "domain", domains[x->domain]);
		SAMPLE_NAME(&g->r, bench_surnames, bench_given, "、", one, sizeof(one));
		SAMPLE_NAME(&g->r, bench_surnames, bench_given, "", two, sizeof(two));
		SET(g, "inspector", bench_rowf(&g->row, "%s%s", one, two));
		SET(g, "findings", x->hazard ? "发现隐患1处，已当场下达整改通知书" :
					       "未发现明显隐患，现场进行安全提示");
		SET(g, "township", town_code(g, s->township));
		SET(g, "grid", g->vill[s->village].grid);
		SET(g, "district", g->code);
		if (bench_load_row(g, err)) {
			bench_load_end(g, NULL);
			return -1;
		}
	}
	if (bench_load_end(g, err) || bench_load_begin(g, T_HAZARDS, err))
		return -1;
	seq = year = 0;
	for (i = 0; i < g->insps.n; i++) {
		const struct insp *x = &g->insps.v[i];
		const struct subj *s = &g->subj[x->s];
		int y = bench_year_of_day(g, x->day), found = x->day, deadline, rectified, verified;
		const char *rectified_on, *verified_on;
		int major;
		if (y != year) {
			year = y;
			seq = 0;
		}
		if (!x->hazard)
			continue;
		major = sample_chance(&g->r, 2) && found < g->cal.last - 45;
		deadline = found + (major ? 60 : sample_between(&g->r, 7, 20));
		rectified = min_int(found + sample_between(&g->r, 1, major ? 45 : 7), g->cal.last);
		verified = rectified + sample_between(&g->r, 0, 5);
		/* most are rectified; some of the last month's are still open */
		if (found > g->cal.last - 30 && sample_chance(&g->r, 30))
			rectified = verified = -1;
		SET(g, "no", bench_rowf(&g->row, "YH%04d-%d-%05d", g->county, y, ++seq));
		SET(g, "inspection", bench_rowf(&g->row, "JC%04d-%d-%06d", g->county, y, x->seq));
		SET(g, "subject", s->code);
		SET(g, "level", major ? "major" : "general");
		SET(g, "domain", domains[x->domain]);
		SET(g, "found_on", g->day[found]);
		SET(g, "deadline", g->day[deadline]);
		rectified_on = rectified >= 0 ? g->day[rectified] : NULL;
		verified_on = rectified >= 0 && verified <= g->cal.last ? g->day[verified] : NULL;
		SET(g, "rectified_on", rectified_on);
		SET(g, "verified_on", verified_on);
		SET(g, "description", hazard_texts[x->domain]);
		if (rectified >= 0)
			SET(g, "evidence", "整改前后照片及整改报告已存档");
		SET(g, "state", hazard_state(rectified_on, verified_on));
		SET(g, "township", town_code(g, s->township));
		SET(g, "grid", g->vill[s->village].grid);
		SET(g, "district", g->code);
		if (bench_load_row(g, err)) {
			bench_load_end(g, NULL);
			return -1;
		}
	}
	return bench_load_end(g, err);
}

/* ---- accidents ---- */

static int accident_domain_at(struct rng *r, const struct subj *s)
{
	int x = sample_below(r, 100);

	switch (s->cat) {
	case -1: return x < 35 ? DM_FIRE : x < 65 ? DM_CONSTRUCTION : x < 80 ? DM_GAS : DM_OTHER;
	case C_RESTAURANT: return x < 70 ? DM_GAS : DM_FIRE;
	case C_FACTORY: return x < 20 ? DM_HAZCHEM : x < 40 ? DM_FIRE : DM_OTHER;
	case C_MINE: return DM_CONSTRUCTION;
	case C_STATION: return DM_ROAD;
	default: return x < 60 ? DM_FIRE : DM_OTHER;
	}
}

void bench_plan_accidents(struct gen *g)
{
	int64_t cr = 0, cm = 0;
	int i, m, k;

	g->accs.n = 0;
	for (i = 0; i < g->fails.n; i++) {
		const struct fail *f = &g->fails.v[i];
		struct acc *a;
		if (f->why != W_ACCIDENT)
			continue;
		a = SAMPLE_PUSH(g->accs);
		a->day = bench_day_in(g, f->m);
		a->ord = g->accs.n;
		a->s = f->s;
		a->township = g->subj[f->s].township;
		a->domain = accident_domain_at(&g->r, &g->subj[f->s]);
		a->deaths = sample_chance(&g->r, 15);
		a->injuries = sample_between(&g->r, a->deaths ? 0 : 1, 3);
		a->serious = a->injuries ? sample_between(&g->r, 0, a->injuries) : 0;
		a->production =
			a->domain != DM_FIRE && a->domain != DM_GAS ? 1 : sample_chance(&g->r, 50);
		a->loss_fen = (int64_t)sample_between(&g->r, 2, 60) * 100000;
	}
	for (m = 0; m < NMONTHS; m++) {
		for (k = bench_monthly(g, m, rate.road_accidents, &cr); k > 0; k--) {
			/* on the roads: nobody's creation subject */
			struct acc *a = SAMPLE_PUSH(g->accs);
			a->day = bench_day_in(g, m);
			a->ord = g->accs.n;
			a->s = -1;
			a->township = sample_below(&g->r, NTOWN);
			a->domain = DM_ROAD;
			a->deaths = sample_chance(&g->r, 30) ? sample_between(&g->r, 1, 2) : 0;
			a->injuries = sample_between(&g->r, a->deaths ? 0 : 1, 4);
			a->serious = a->injuries ? sample_between(&g->r, 0, 1) : 0;
			a->production = sample_chance(&g->r, 20);
			a->loss_fen = (int64_t)sample_between(&g->r, 5, 120) * 100000;
		}
		for (k = bench_monthly(g, m, rate.minor_accidents, &cm); k > 0; k--) {
			/* at a subject, without casualties */
			struct acc *a = SAMPLE_PUSH(g->accs);
			a->day = bench_day_in(g, m);
			a->ord = g->accs.n;
			a->s = sample_chance(&g->r, 50) ? bench_any_village(g) :
							  bench_any_enterprise(g, m);
			a->township = g->subj[a->s].township;
			a->domain = accident_domain_at(&g->r, &g->subj[a->s]);
			a->production = sample_chance(&g->r, 40);
			a->loss_fen = (int64_t)sample_between(&g->r, 1, 30) * 100000;
		}
	}
	qsort(g->accs.v, (size_t)g->accs.n, sizeof(*g->accs.v), acc_cmp);
}

int bench_load_accidents(struct gen *g, struct strbuf *err)
{
	static const char *const texts[] = { "液化气泄漏引发爆燃", "装卸危险化学品时发生泄漏",
					     "发生一起两车相撞道路交通事故", "一名作业人员高处坠落",
					     "电气线路老化短路引发火灾", "一名工人在设备检修时受伤" };
	int i, seq = 0, year = 0;

	if (bench_load_begin(g, T_ACCIDENTS, err))
		return -1;
	for (i = 0; i < g->accs.n; i++) {
		const struct acc *a = &g->accs.v[i];
		const struct subj *s = a->s >= 0 ? &g->subj[a->s] : NULL;
		int y = bench_year_of_day(g, a->day);
		if (y != year) {
			year = y;
			seq = 0;
		}
		SET(g, "no", bench_rowf(&g->row, "SG%04d-%d-%04d", g->county, y, ++seq));
		SET(g, "occurred_on", g->day[a->day]);
		if (s) {
			SET(g, "subject", s->code);
			SET(g, "grid", g->vill[s->village].grid);
		}
		SET(g, "township", town_code(g, a->township));
		SET(g, "domain", domains[a->domain]);
		SET(g, "deaths", rowint(&g->row, a->deaths));
		SET(g, "injuries", rowint(&g->row, a->injuries));
		SET(g, "direct_loss", rowint(&g->row, a->loss_fen));
		SET(g, "production", a->production ? "1" : "0");
		SET(g, "summary",
		    bench_rowf(&g->row, "%s%s，伤亡%d人", s ? s->name : g->town_name[a->township],
			       texts[a->domain], a->deaths + a->injuries));
		SET(g, "serious_injuries", rowint(&g->row, a->serious));
		SET(g, "class", accident_class(a->deaths, a->serious, a->loss_fen));
		SET(g, "district", g->code);
		if (bench_load_row(g, err)) {
			bench_load_end(g, NULL);
			return -1;
		}
	}
	return bench_load_end(g, err);
}

/* ---- cases ---- */

void bench_plan_cases(struct gen *g)
{
	int64_t cc = 0, cp = 0;
	int i, m, k;

	g->kases.n = 0;
	for (i = 0; i < g->fails.n; i++) {
		const struct fail *f = &g->fails.v[i];
		struct kase *c;
		if (f->why != W_CRIMINAL && f->why != W_MAJOR)
			continue;
		c = SAMPLE_PUSH(g->kases);
		c->day = bench_day_in(g, f->m);
		c->ord = g->kases.n;
		c->s = f->s;
		c->township = g->subj[f->s].township;
		c->criminal = f->why == W_CRIMINAL;
		c->major = !c->criminal;
		c->category = c->criminal              ? sample_weighted(&g->r, criminal_w, 6) :
			      sample_chance(&g->r, 50) ? 4 :
							 1;
	}
	for (m = 0; m < NMONTHS; m++) {
		/* criminal cases that belong to no creation subject */
		for (k = bench_monthly(g, m, rate.criminal, &cc); k > 0; k--) {
			struct kase *c = SAMPLE_PUSH(g->kases);
			c->day = bench_day_in(g, m);
			c->ord = g->kases.n;
			c->s = -1;
			c->township = sample_below(&g->r, NTOWN);
			c->criminal = 1;
			c->category = sample_weighted(&g->r, criminal_w, 6);
		}
		/* public-order cases without major impact, at a subject or not */
		for (k = bench_monthly(g, m, rate.public_order, &cp); k > 0; k--) {
			struct kase *c = SAMPLE_PUSH(g->kases);
			int roll = sample_below(&g->r, 100);
			c->day = bench_day_in(g, m);
			c->ord = g->kases.n;
			c->s = roll < 30 ? bench_any_village(g) :
			       roll < 45 ? bench_any_enterprise(g, m) :
					   -1;
			c->township =
				c->s >= 0 ? g->subj[c->s].township : sample_below(&g->r, NTOWN);
			c->category = sample_weighted(&g->r, public_order_w, 6);
		}
	}
	qsort(g->kases.v, (size_t)g->kases.n, sizeof(*g->kases.v), kase_cmp);
	/* about half the criminal cases solved; fraud rings and gambling dens take several */
	for (i = 0; i < g->kases.n; i++) {
		struct kase *c = &g->kases.v[i];
		if (!c->criminal || !sample_chance(&g->r, 52))
			continue;
		c->coerced = 1 + (sample_chance(&g->r, 15) ? sample_between(&g->r, 1, 3) : 0);
		if ((c->category == 1 || c->category == 2) && sample_chance(&g->r, 10))
			c->coerced += sample_between(&g->r, 2, 8);
		if (c->day >= g->cal.last - 35)
			c->prosecuted = 0;
		else
			c->prosecuted = c->coerced - (sample_chance(&g->r, 20) ? 1 : 0);
	}
}

int bench_load_cases(struct gen *g, struct strbuf *err)
{
	int i, seq[2] = { 0, 0 }, year = 0;

	if (bench_load_begin(g, T_CASES, err))
		return -1;
	for (i = 0; i < g->kases.n; i++) {
		const struct kase *c = &g->kases.v[i];
		const struct subj *s = c->s >= 0 ? &g->subj[c->s] : NULL;
		int y = bench_year_of_day(g, c->day), age = g->cal.last - c->day;
		const char *status;
		if (y != year) {
			year = y;
			seq[0] = seq[1] = 0;
		}
		if (!c->criminal)
			status = age < 10 ? "filed" : "closed";
		else if (!c->coerced)
			status = "filed";
		else if (!c->prosecuted)
			status = "solved";
		else
			status = age < 120 ? "prosecuted" : "closed";
		SET(g, "no",
		    bench_rowf(&g->row, "%s%04d-%d-%05d", c->criminal ? "XS" : "ZA", g->county, y,
			       ++seq[c->criminal]));
		SET(g, "kind", c->criminal ? "criminal" : "public_order");
		SET(g, "major_impact", c->major ? "1" : "0");
		SET(g, "category", case_categories[c->category]);
		SET(g, "occurred_on", g->day[c->day]);
		if (s) {
			SET(g, "subject", s->code);
			SET(g, "grid", g->vill[s->village].grid);
		}
		SET(g, "township", town_code(g, c->township));
		SET(g, "status", status);
		SET(g, "coerced", rowint(&g->row, c->coerced));
		SET(g, "prosecuted", rowint(&g->row, c->prosecuted));
		SET(g, "summary",
		    bench_rowf(&g->row, "%s%s", s ? s->name : g->town_name[c->township],
			       case_texts[c->category]));
		SET(g, "district", g->code);
		if (bench_load_row(g, err)) {
			bench_load_end(g, NULL);
			return -1;
		}
	}
	return bench_load_end(g, err);
}

/* ---- disputes ---- */

int bench_load_disputes(struct gen *g, struct strbuf *err)
{
	static const char *const sources[] = { "grid", "informant", "petition", "walk_in",
					       "hotline" };
	static const int source_w[] = { 40, 20, 10, 20, 10 };
	static const char *const kinds[] = { "people", "administrative", "judicial" };
	static const int kind_w[] = { 75, 18, 7 };
	static const int hospital[] = { C_HOSPITAL, -1 },
			 employers[] = { C_FACTORY, C_RESTAURANT, -1 };
	int64_t carry = 0;
	int days[100];
	char mediator[96];
	int m, k, n, seq = 0;

	if (bench_load_begin(g, T_DISPUTES, err))
		return -1;
	for (m = 0; m < NMONTHS; m++) {
		n = min_int(bench_monthly(g, m, rate.disputes, &carry), (int)NF(days));
		for (k = 0; k < n; k++)
			days[k] = bench_day_in(g, m);
		qsort(days, (size_t)n, sizeof(*days), int_cmp);
		if (m == 0 || m == 12)
			seq = 0;
		for (k = 0; k < n; k++) {
			int found = days[k], cat = sample_weighted(&g->r, dispute_category_w, 8),
			    s = -1;
			int t, closed = -1, roll = sample_below(&g->r, 100);
			const char *status;
			if (cat == DC_MEDICAL)
				s = bench_enterprise_of(g, m, hospital);
			else if (cat == DC_LABOUR)
				s = bench_enterprise_of(g, m, employers);
			else if (cat == DC_PROPERTY)
				s = sample_below(&g->r, NCOMM);
			else if (sample_chance(&g->r, 80))
				s = bench_any_village(g);
			t = s >= 0 ? g->subj[s].township : sample_below(&g->r, NTOWN);
			if (found > g->cal.last - 40 && roll < 60) {
				/* still open at the end */
				status = roll < 25 ? "registered" : "mediating";
			} else {
				roll = sample_below(&g->r, 100);
				status = roll < 96 ? "success" : roll < 98 ? "failed" : "referred";
				closed = min_int(found + sample_between(&g->r, 1, 25), g->cal.last);
			}
			SET(g, "no",
			    bench_rowf(&g->row, "JF%04d-%d-%04d", g->county, 2022 + m / 12, ++seq));
			SET(g, "found_on", g->day[found]);
			SET(g, "source", sources[sample_weighted(&g->r, source_w, 5)]);
			SET(g, "category", dispute_categories[cat]);
			if (s >= 0) {
				SET(g, "subject", g->subj[s].code);
				SET(g, "grid", g->vill[g->subj[s].village].grid);
			} else {
				SET(g, "grid", g->vill[bench_village_in(g, t)].grid);
			}
			SET(g, "township", town_code(g, t));
			SET(g, "mediation", kinds[sample_weighted(&g->r, kind_w, 3)]);
			SET(g, "status", status);
			if (closed >= 0)
				SET(g, "closed_on", g->day[closed]);
			SET(g, "amount", rowint(&g->row, cat == DC_FAMILY ? 0 :
						(int64_t)sample_between(&g->r, 1, 200) * 50000));
			SET(g, "risk",
			    sample_chance(&g->r, 70) ? "low" :
			    sample_chance(&g->r, 80) ? "medium" :
						       "high");
			SET(g, "deadline", g->day[found + 30]);
			SAMPLE_NAME(&g->r, bench_surnames, bench_given, "（人民调解员）", mediator,
				    sizeof(mediator));
			SET(g, "mediator", bench_rowf(&g->row, "%s", mediator));
			SET(g, "summary",
			    bench_rowf(&g->row, "%s%s", s >= 0 ? g->subj[s].name : g->town_name[t],
				       dispute_texts[cat]));
			SET(g, "district", g->code);
			if (bench_load_row(g, err)) {
				bench_load_end(g, NULL);
				return -1;
			}
		}
	}
	return bench_load_end(g, err);
}

