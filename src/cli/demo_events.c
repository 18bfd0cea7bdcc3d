/*
 * demo_events.c: the demo district's calendar and the plan of its work
 * (see demo_int.h): which subjects fail which month and by what, then the
 * petitions of every channel and level and the petition work around them
 * (四访两送 activities, request letters, village days and 调处室 records),
 * written as import files and loaded through the importer.  The other
 * events are demo_safety.c's.
 */
#include "cli/demo_int.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/date.h"
#include "base/strbuf.h"
#include "cli/sample.h"

/*
 * 2023 follows the seed report: its visits, online petitions, petition
 * work, inspections, hazards and persons under coercive measures are the
 * report's; 2022's disputes are its 241 mediated.  The rest is plausible.
 */
const struct year_plan demo_years[2] = {
	{ .year = 2022, .first = 0, .n = 12,
	  .visits = 1608, .visit_persons = 14872, .online = 1052, .letters = 446, .phones = 921,
	  .activities = 361, .village_days = 480, .mediation_rooms = 180,
	  .inspections = 16312, .hazards = 6874,
	  .road_accidents = 46, .minor_accidents = 17,
	  .criminal = 1462, .solved = 742, .coerced = 1896, .prosecuted = 1517,
	  .public_order = 1318,
	  .disputes_success = 237, .disputes_failed = 4, .disputes_referred = 6,
	  .disputes_open = 0, .disputes_carried = 5 },
	{ .year = 2023, .first = 12, .n = 8,
	  .visits = 1093, .visit_persons = 10396, .online = 783, .letters = 297, .phones = 604,
	  .activities = 246, .village_days = 320, .mediation_rooms = 120,
	  .inspections = 11385, .hazards = 4642,
	  .road_accidents = 31, .minor_accidents = 12,
	  .criminal = 1004, .solved = 521, .coerced = 1330, .prosecuted = 1059,
	  .public_order = 887,
	  .disputes_success = 158, .disputes_failed = 3, .disputes_referred = 4,
	  .disputes_open = 13, .disputes_carried = 0 },
};

/* Relative weight of each calendar month (Spring Festival low, spring and summer high). */
static const int season[12] = { 82, 74, 98, 104, 108, 106, 102, 104, 96, 100, 92, 88 };

const char *const demo_given_names[] = {
	"建国", "秀英", "国强", "桂兰", "志刚", "玉梅", "德华", "红霞", "海涛", "丽娟",
	"明亮", "春生", "凤英", "卫东", "小红", "永强", "淑珍", "保国", "金凤", "文斌",
	"新民", "爱华", "长青", "俊峰", "晓燕", "全喜", "梅花", "振海", "书芳", "立新",
};

static const char *const district_leaders[] = {
	"王区长", "李副区长", "张副区长", "刘常务副区长", "陈副区长", "杨副区长",
	"赵副书记", "周部长", "吴局长", "孙副主任",
};

/* Load the events of `kind` as the district's system, counting them. */
int demo_load_events(struct demo *d, const char *kind, const struct strbuf *csv,
		       struct strbuf *err)
{
	size_t i;

	for (i = 0; i < csv->len; i++)
		d->rows += csv->buf[i] == '\n';
	d->rows--; /* the header */
	return demo_load_as(d->db, d->keys, kind, csv, DISTRICT, err);
}

/* Split `total` over the months of `y` in proportion to the season (largest remainder). */
void demo_spread(int total, const struct year_plan *y, int *out)
{
	int64_t rem[12];
	int i, sum = 0, given = 0;

	for (i = 0; i < y->n; i++)
		sum += season[i];
	for (i = 0; i < y->n; i++) {
		out[i] = (int)((int64_t)total * season[i] / sum);
		rem[i] = (int64_t)total * season[i] % sum;
		given += out[i];
	}
	while (given < total) {
		int best = 0;
		for (i = 1; i < y->n; i++)
			if (rem[i] > rem[best])
				best = i;
		out[best]++;
		rem[best] = -1;
		given++;
	}
}

static void day_str(const struct demo *d, int day, char out[DATE_BUFSZ])
{
	date_from_days(d->cal.day0 + day, out);
}

void demo_add_day(struct strbuf *csv, const struct demo *d, int day, int last)
{
	char s[DATE_BUFSZ];

	if (day >= 0) {
		day_str(d, day, s);
		strbuf_addstr(csv, s);
	}
	strbuf_addstr(csv, last ? "\n" : ",");
}

int demo_month_of_day(const struct demo *d, int day)
{
	return sample_month_of_day(&d->cal, day);
}

int demo_day_in(struct demo *d, int m)
{
	return sample_day_in(&d->r, &d->cal, m);
}

int demo_is_village(const struct subj *s)
{
	return !strcmp(s->kind, "village") || !strcmp(s->kind, "community");
}

int demo_any_village(struct demo *d)
{
	return sample_below(&d->r, NVILLAGES);
}

int demo_any_enterprise(struct demo *d, int m)
{
	for (;;) {
		int s = NVILLAGES + sample_below(&d->r, NSUBJECTS - NVILLAGES);
		if (on_list(&d->subj[s], m))
			return s;
	}
}

/* A village or community of township `t`. */
int demo_village_in(struct demo *d, int t)
{
	for (;;) {
		int v = demo_any_village(d);
		if (d->villages[v].township == t)
			return v;
	}
}

int demo_any_of_category(struct demo *d, int m, const char *category)
{
	for (;;) {
		int s = demo_any_enterprise(d, m);
		if (!strcmp(d->subj[s].category, category))
			return s;
	}
}

void demo_township_code(int t, struct strbuf *csv)
{
	strbuf_addf(csv, "411603%03d000,", 100 + t);
}

void demo_person(struct rng *r, struct strbuf *out)
{
	const char *given = demo_given_names[sample_below(r, 30)]; /* first: see demo_int.h */
	const char *surname = demo_surnames[sample_below(r, 40)];

	strbuf_addf(out, "%s%s", surname, given);
}

/* A resident identity number of the district with a valid check digit (GB 11643). */
static void idcard(struct rng *r, struct strbuf *out)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	char s[40];
	int i, sum = 0;

	/* drawn from the last part to the first: see demo_int.h */
	int serial = sample_between(r, 0, 999), day = sample_between(r, 1, 28);
	int month = sample_between(r, 1, 12), year = sample_between(r, 1945, 1999);

	snprintf(s, sizeof(s), "411626%04d%02d%02d%03d", year, month, day, serial);
	for (i = 0; i < 17; i++)
		sum += (s[i] - '0') * w[i];
	strbuf_add(out, s, 17);
	strbuf_addch(out, "10X98765432"[sum % 11]);
}

/* One text cell, from a printf format. */
__attribute__((format(printf, 3, 4)))
void demo_cellf(struct strbuf *csv, int last, const char *fmt, ...)
{
	struct strbuf c = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&c, fmt, ap);
	va_end(ap);
	demo_csv_cell(csv, c.buf, last);
	strbuf_release(&c);
}

/*
 * How many subjects fail in a year, and by what: villages by cases (one to
 * three months each, months balanced so that every month has about as many,
 * which keeps the monthly zero-case rate even), by petitions, by accidents
 * (the first `v_case_and_petition` case villages fail by a petition too);
 * enterprises by cases, accidents and petitions, drawn from the categories
 * where such things happen.
 */
struct fail_plan {
	int first, n;
	int v_case, v_petition, v_accident, v_case_and_petition;
	int e_case, e_accident, e_petition;
};

/*
 * 2023: 68 villages (48 by cases, some of them more than one month, 12 by
 * petitions, 8 by accidents) and 33 enterprises fail some month from
 * January to August — the seed's 475 − 407 and 1,726 − 1,693.
 */
static const struct fail_plan fail_plans[2] = {
	{ .first = 0, .n = 12, .v_case = 61, .v_petition = 16, .v_accident = 10,
	  .v_case_and_petition = 9, .e_case = 14, .e_accident = 14, .e_petition = 13 },
	{ .first = 12, .n = 8, .v_case = 48, .v_petition = 12, .v_accident = 8,
	  .v_case_and_petition = 10, .e_case = 12, .e_accident = 11, .e_petition = 10 },
};

static void fail_add(struct fails *f, int s, int m, enum why why)
{
	struct fail *x;

	if (m < 0)
		return;
	x = SAMPLE_APPEND(f->v, f->n, f->cap);
	x->s = s;
	x->m = m;
	x->why = why;
}

/* The month of [first, first + n) with the fewest case failures so far, not yet `used`. */
static int balanced_month(struct demo *d, const struct subj *s, const struct fail_plan *fp,
			  int *load, unsigned used)
{
	int m, best = -1, ties = 0;

	for (m = fp->first; m < fp->first + fp->n; m++) {
		if (!on_list(s, m) || (used >> m & 1))
			continue;
		if (best < 0 || load[m] < load[best]) {
			best = m;
			ties = 1;
		} else if (load[m] == load[best] && sample_below(&d->r, ++ties) == 0) {
			best = m;
		}
	}
	if (best >= 0)
		load[best]++;
	return best;
}

static int random_month(struct demo *d, const struct subj *s, const struct fail_plan *fp)
{
	int tries;

	for (tries = 0; tries < 200; tries++) {
		int m = fp->first + sample_below(&d->r, fp->n);
		if (on_list(s, m))
			return m;
	}
	return -1;
}

static int in_pool(const char *category, const char *const *pool)
{
	for (; *pool; pool++)
		if (!strcmp(*pool, category))
			return 1;
	return 0;
}

/* Take `n` enterprises of `pool` from `order`, each failing one month (cases: sometimes two). */
static void plan_enterprises(struct demo *d, const struct fail_plan *fp, const int *order,
			     char *taken, const char *const *pool, int n, enum why why,
			     int *load, struct fails *f)
{
	int i, got = 0;

	for (i = 0; got < n && i < NSUBJECTS - NVILLAGES; i++) {
		int s = order[i];
		const struct subj *sj = &d->subj[s];
		int m;
		if (taken[s] || !in_pool(sj->category, pool))
			continue;
		if (why == W_CRIMINAL) {
			unsigned used = 0;
			m = balanced_month(d, sj, fp, load, used);
			if (m < 0)
				continue;
			fail_add(f, s, m, sample_chance(&d->r, 15) ? W_MAJOR : W_CRIMINAL);
			used |= 1u << m;
			if (sample_chance(&d->r, 20))
				fail_add(f, s, balanced_month(d, sj, fp, load, used), W_CRIMINAL);
		} else {
			m = random_month(d, sj, fp);
			if (m < 0)
				continue;
			fail_add(f, s, m,
				 why == W_PETITION && sample_chance(&d->r, 50) ? W_COLLECTIVE :
										 why);
		}
		taken[s] = 1;
		got++;
	}
}

static void plan_year(struct demo *d, const struct fail_plan *fp, struct fails *f)
{
	static const char *const case_pool[] = { "entertainment", "internet_cafe", "market", "mall",
						 "restaurant", "station", "scenic_spot", NULL };
	static const char *const accident_pool[] = { "factory", "mine", "restaurant", "market",
						     "station", "other", NULL };
	static const char *const petition_pool[] = { "factory", "kindergarten", "school",
						     "hospital", "other", "pharmacy", NULL };
	int order[NVILLAGES], eorder[NSUBJECTS - NVILLAGES];
	int vload[NMONTHS] = { 0 }, eload[NMONTHS] = { 0 };
	char taken[NSUBJECTS] = { 0 };
	int i, k;

	for (i = 0; i < NVILLAGES; i++)
		order[i] = i;
	sample_shuffle(&d->r, order, NVILLAGES);
	for (i = 0; i < fp->v_case + fp->v_petition + fp->v_accident; i++) {
		const struct subj *s = &d->subj[order[i]];
		if (i < fp->v_case) {
			int months = 1 + sample_chance(&d->r, 35); /* one draw a statement */
			months += sample_chance(&d->r, 10);
			unsigned used = 0;
			for (k = 0; k < months; k++) {
				int m = balanced_month(d, s, fp, vload, used);
				if (m < 0)
					break;
				used |= 1u << m;
				fail_add(f, order[i], m,
					 sample_chance(&d->r, 12) ? W_MAJOR : W_CRIMINAL);
			}
			if (i < fp->v_case_and_petition) {
				enum why why = sample_chance(&d->r, 35) ? W_COLLECTIVE : W_PETITION;
				fail_add(f, order[i], random_month(d, s, fp), why);
			}
		} else if (i < fp->v_case + fp->v_petition) {
			int months = 1 + sample_chance(&d->r, 25);
			for (k = 0; k < months; k++) {
				enum why why = sample_chance(&d->r, 40) ? W_COLLECTIVE : W_PETITION;
				fail_add(f, order[i], random_month(d, s, fp), why);
			}
		} else {
			fail_add(f, order[i], random_month(d, s, fp), W_ACCIDENT);
		}
	}
	for (i = 0; i < NSUBJECTS - NVILLAGES; i++)
		eorder[i] = NVILLAGES + i;
	sample_shuffle(&d->r, eorder, NSUBJECTS - NVILLAGES);
	plan_enterprises(d, fp, eorder, taken, case_pool, fp->e_case, W_CRIMINAL, eload, f);
	plan_enterprises(d, fp, eorder, taken, accident_pool, fp->e_accident, W_ACCIDENT, eload, f);
	plan_enterprises(d, fp, eorder, taken, petition_pool, fp->e_petition, W_PETITION, eload, f);
}

/* ---- petitions ---- */

struct pet {
	int day, seq, s, township, persons;
	const char *channel, *level, *category;
	char no[24];
};

static const char *const petition_categories[] = { "land", "labour", "law", "construction",
						   "environment", "civil", "other" };
static const int village_category_weights[] = { 25, 8, 12, 20, 10, 15, 10 };
static const int enterprise_category_weights[] = { 0, 55, 12, 5, 15, 0, 13 };

static const char *const petition_texts[][4] = {
	{ "反映%s土地征收补偿款未足额发放", "反映%s承包地被他人占用", "反映%s宅基地确权争议",
	  "反映%s土地流转租金拖欠" },
	{ "反映在%s务工被拖欠工资", "反映%s养老保险待遇核定有误", "反映%s工伤赔偿未落实",
	  "要求补缴在%s工作期间的社会保险" },
	{ "对涉及%s的民事判决不服，要求再审", "反映%s一起案件久拖未结", "反映%s执行案件未执行到位",
	  "对派出所就%s纠纷的处理结果有异议" },
	{ "反映%s道路年久失修、群众出行不便", "反映%s危房改造补助未到位", "反映%s安置房迟迟未交付",
	  "反映%s排水不畅、雨后积水" },
	{ "反映%s附近养殖场异味扰民", "反映%s周边夜间噪声扰民", "反映%s坑塘污染",
	  "反映%s附近砂石料场扬尘污染" },
	{ "申请%s困难家庭低保救助", "反映%s残疾人两项补贴未发放", "反映%s高龄津贴发放问题",
	  "要求落实%s退役军人优待政策" },
	{ "反映%s自来水供水不正常", "反映%s电力线路老化存在隐患", "咨询%s医保报销政策",
	  "反映%s网络信号差" },
};

static int category_index(const char *c)
{
	int i;

	for (i = 0; i < 7; i++)
		if (!strcmp(petition_categories[i], c))
			return i;
	return 6;
}

static const char *petition_category_for(struct demo *d, int s)
{
	int enterprise = s >= 0 && !demo_is_village(&d->subj[s]);

	return petition_categories[sample_weighted(&d->r, enterprise ? enterprise_category_weights :
						 village_category_weights, 7)];
}

static struct pet *pet_new(struct demo *d, int *cap, int day, const char *channel, int persons,
			   const char *level, int s, int township)
{
	struct pet *p = SAMPLE_APPEND(d->pets, d->npets, *cap);

	p->day = day;
	p->seq = d->npets;
	p->channel = channel;
	p->persons = persons;
	p->level = level;
	p->s = s;
	p->township = s >= 0 ? d->subj[s].township : township;
	p->category = petition_category_for(d, s);
	return p;
}

/* The petitions that fail their subject, as planned. */
static void planned_petitions(struct demo *d, const struct fails *f, int *cap, int *visits,
			      int *persons, int *online)
{
	static const char *const high[] = { "county", "county", "county", "county", "county", "city",
					    "city", "city", "province", "national" };
	static const char *const channels[] = { "visit", "visit", "visit", "visit", "letter", "letter",
						"phone", "online", "online", "online" };
	int i;

	for (i = 0; i < f->n; i++) {
		const struct fail *x = &f->v[i];
		int day = demo_day_in(d, x->m);
		struct pet *p;
		if (x->why == W_PETITION) {
			const char *level = SAMPLE_PICK(&d->r, high);
			int n = sample_between(&d->r, 1, 3);
			const char *channel = SAMPLE_PICK(&d->r, channels);
			p = pet_new(d, cap, day, channel, n, level, x->s, 0);
		} else if (x->why == W_COLLECTIVE) {
			const char *level = sample_chance(&d->r, 55) ? "township" : "county";
			int n = sample_between(&d->r, 6, 45); /* after the level: see demo_int.h */
			p = pet_new(d, cap, day, "visit", n, level, x->s, 0);
			if (!demo_is_village(&d->subj[x->s]))
				p->category = "labour";
			else if (sample_chance(&d->r, 60))
				p->category = "land";
		} else {
			continue;
		}
		if (!strcmp(p->channel, "visit")) {
			visits[x->m]++;
			persons[x->m] += p->persons;
		} else if (!strcmp(p->channel, "online")) {
			online[x->m]++;
		}
	}
}

/*
 * `n` petitions of `channel` in the months of `y`, none of which fails
 * anyone: a subject's stay at village level, or at township level with
 * fewer than five persons; the rest carry only their township.
 */
static void filler_petitions(struct demo *d, const struct year_plan *y, int *cap,
			     const char *channel, int n, int persons_total)
{
	int per[12], m, k, first = d->npets, sum = 0, collective_pct = 0;

	if (n <= 0)
		return;
	if (persons_total) {
		/* individuals average 1.6 persons, collective visits about 30 */
		collective_pct = (int)((persons_total * 10L / n - 16) * 100 / (305 - 16));
		collective_pct = collective_pct < 5 ? 5 : collective_pct > 60 ? 60 : collective_pct;
	}
	demo_spread(n, y, per);
	for (m = 0; m < y->n; m++) {
		int mi = y->first + m;
		for (k = 0; k < per[m]; k++) {
			int day = demo_day_in(d, mi), roll = sample_below(&d->r, 100);
			int persons = 1;
			struct pet *p;
			if (persons_total && sample_chance(&d->r, collective_pct))
				persons = sample_between(&d->r, 5, 56);
			else if (persons_total || !strcmp(channel, "letter"))
				persons = roll < 60 ? 1 : roll < 85 ? 2 : roll < 95 ? 3 : 4;
			roll = sample_below(&d->r, 100);
			if (persons >= 5) {
				if (roll < 55)
					p = pet_new(d, cap, day, channel, persons, "county", -1,
						    sample_between(&d->r, 0, NTOWNSHIPS - 1));
				else if (roll < 85)
					p = pet_new(d, cap, day, channel, persons, "village",
						    demo_any_village(d), 0);
				else
					p = pet_new(d, cap, day, channel, persons, "township", -1,
						    sample_between(&d->r, 0, NTOWNSHIPS - 1));
			} else if (roll < 40) {
				p = pet_new(d, cap, day, channel, persons, "county", -1,
					    sample_between(&d->r, 0, NTOWNSHIPS - 1));
			} else if (roll < 48) {
				int t = sample_between(&d->r, 0, NTOWNSHIPS - 1);
				const char *level = sample_chance(&d->r, 75) ? "city" : "province";
				p = pet_new(d, cap, day, channel, persons, level, -1, t);
			} else if (roll < 78) {
				p = pet_new(d, cap, day, channel, persons, "township",
					    sample_chance(&d->r, 80) ? demo_any_village(d) :
								       demo_any_enterprise(d, mi),
					    0);
			} else {
				p = pet_new(d, cap, day, channel, persons, "village",
					    sample_chance(&d->r, 85) ? demo_any_village(d) :
								       demo_any_enterprise(d, mi),
					    0);
			}
			sum += p->persons;
		}
	}
	/* bring the persons of collective visits to the planned total (bounded: a plan
	 * that cannot be met shows in the figures, not as a hang) */
	for (k = 0; persons_total && sum != persons_total && k < 100 * 1000 * 1000; k++) {
		struct pet *p = &d->pets[first + sample_below(&d->r, n)];
		if (sum < persons_total && p->persons >= 5 && p->persons < 300) {
			p->persons++;
			sum++;
		} else if (sum > persons_total &&
			   (p->persons > 5 || (p->persons > 1 && p->persons < 5))) {
			p->persons--;
			sum--;
		}
	}
}

static int pet_cmp(const void *a, const void *b)
{
	const struct pet *x = a, *y = b;

	return x->day != y->day ? x->day - y->day : x->seq - y->seq;
}

/* status, resolved_on, accepted_on, replied_on, satisfaction of a petition received on `day` */
static void petition_outcome(struct demo *d, int day, struct strbuf *csv)
{
	static const char *const sat[] = { "satisfied", "satisfied", "satisfied", "satisfied",
					   "satisfied", "satisfied", "satisfied", "basic", "basic",
					   "unsatisfied" };
	int age = d->cal.last - day;
	int accepted = min_int(day + sample_between(&d->r, 0, 4), d->cal.last);
	int replied = min_int(accepted + sample_between(&d->r, 5, 40), d->cal.last);
	int resolved = min_int(replied + sample_between(&d->r, 0, 10), d->cal.last);
	int roll = sample_below(&d->r, 100);
	const char *status;

	if (age > 60)
		status = roll < 55 ? "closed" : "resolved";
	else if (age < 4 && roll < 50)
		status = "registered";
	else if (roll < 12 || age < 8)
		status = "accepted";
	else if (roll < 45 || replied == d->cal.last)
		status = roll < 25 ? "assigned" : "handling";
	else if (roll < 70)
		status = "replied";
	else
		status = "resolved";
	strbuf_addf(csv, "%s,", status);
	if (!strcmp(status, "registered")) {
		strbuf_addstr(csv, ",,,,");
		return;
	}
	demo_add_day(csv, d, !strcmp(status, "resolved") ||
			     (!strcmp(status, "closed") && roll < 50) ? resolved : -1, 0);
	demo_add_day(csv, d, accepted, 0);
	demo_add_day(csv, d, strcmp(status, "accepted") && strcmp(status, "assigned") &&
			strcmp(status, "handling") ? replied : -1, 0);
	strbuf_addf(csv, "%s,", !strcmp(status, "resolved") || !strcmp(status, "closed") ?
				 SAMPLE_PICK(&d->r, sat) : "");
}

static int gen_petitions(struct demo *d, const struct fails *f, struct strbuf *err)
{
	struct strbuf csv = STRBUF_INIT, place = STRBUF_INIT;
	int visits[NMONTHS] = { 0 }, persons[NMONTHS] = { 0 }, online[NMONTHS] = { 0 };
	int cap = 0, i, yi, seq = 0, year = 0, ret;

	planned_petitions(d, f, &cap, visits, persons, online);
	for (yi = 0; yi < 2; yi++) {
		const struct year_plan *y = &demo_years[yi];
		int v = 0, pp = 0, o = 0, m;
		for (m = y->first; m < y->first + y->n; m++) {
			v += visits[m];
			pp += persons[m];
			o += online[m];
		}
		filler_petitions(d, y, &cap, "visit", y->visits - v, y->visit_persons - pp);
		filler_petitions(d, y, &cap, "online", y->online - o, 0);
		filler_petitions(d, y, &cap, "letter", y->letters, 0);
		filler_petitions(d, y, &cap, "phone", y->phones, 0);
	}
	qsort(d->pets, (size_t)d->npets, sizeof(*d->pets), pet_cmp);
	strbuf_addstr(&csv, "no,received_on,channel,persons,level,subject,township,category,summary,"
			    "status,resolved_on,accepted_on,replied_on,satisfaction,handling_dept,"
			    "petitioner_name,petitioner_id,petitioner_phone\n");
	for (i = 0; i < d->npets; i++) {
		struct pet *p = &d->pets[i];
		const struct subj *s = p->s >= 0 ? &d->subj[p->s] : NULL;
		int y = demo_month_of_day(d, p->day) < 12 ? 2022 : 2023;
		if (y != year) {
			year = y;
			seq = 0;
		}
		snprintf(p->no, sizeof(p->no), "XF%d-%05d", y, ++seq);
		strbuf_addf(&csv, "%s,", p->no);
		demo_add_day(&csv, d, p->day, 0);
		strbuf_addf(&csv, "%s,%d,%s,%s,", p->channel, p->persons, p->level,
			    s ? s->code : "");
		demo_township_code(p->township, &csv);
		strbuf_addf(&csv, "%s,", p->category);
		strbuf_reset(&place);
		if (s)
			strbuf_addstr(&place, s->name);
		else
			strbuf_addf(&place, "%s%s", demo_township_names[p->township],
				    d->villages[demo_village_in(d, p->township)].name);
		{
			struct strbuf text = STRBUF_INIT;
			const char *const *texts = petition_texts[category_index(p->category)];
			strbuf_addf(&text, texts[sample_below(&d->r, 4)], place.buf);
			if (p->persons >= 5)
				strbuf_addf(&text, "（集体访，%d人）", p->persons);
			demo_csv_cell(&csv, text.buf, 0);
			strbuf_release(&text);
		}
		petition_outcome(d, p->day, &csv);
		if (strcmp(p->level, "village") && strcmp(p->level, "township"))
			strbuf_addstr(&csv, "XFJ,");
		else if (s && !demo_is_village(s))
			strbuf_addf(&csv, "%s,", s->supervisor);
		else
			strbuf_addf(&csv, "XZ%03d,", 100 + p->township);
		strbuf_reset(&place);
		demo_person(&d->r, &place);
		demo_csv_cell(&csv, place.buf, 0);
		strbuf_reset(&place);
		if (!strcmp(p->channel, "visit") || sample_chance(&d->r, 30))
			idcard(&d->r, &place);
		strbuf_addf(&csv, "%s,", place.buf);
		strbuf_reset(&place);
		if (strcmp(p->channel, "letter") || sample_chance(&d->r, 50))
			demo_phone(&d->r, &place);
		strbuf_addf(&csv, "%s\n", place.buf);
	}
	ret = demo_load_events(d, "petitions", &csv, err);
	strbuf_release(&csv);
	strbuf_release(&place);
	return ret;
}

/* ---- petition work: 四访两送, request letters, village days and 调处室 ---- */

static int int_cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static int gen_activities(struct demo *d, struct strbuf *err)
{
	static const char *const kinds[] = { "case_visit", "appointment", "open_reception",
					     "home_visit", "law_delivery", "service_delivery" };
	static const int kind_weights[] = { 30, 25, 15, 15, 8, 7 };
	static const char *const texts[] = {
		"带案下访，现场听取群众诉求，研究化解方案",
		"约访信访群众，逐案明确责任单位和化解时限",
		"开门接访，当场答复政策咨询，其余事项登记交办",
		"登门拜访重点信访户，了解生活困难，落实帮扶措施",
		"送法上门，宣讲《信访工作条例》和依法逐级走访规定",
		"送服务上门，协调解决群众饮水、出行等实际困难",
	};
	struct strbuf csv = STRBUF_INIT;
	int yi, m, k, per[12], ret;

	strbuf_addstr(&csv, "no,held_on,kind,leader,place,petitions_handled,township,summary\n");
	for (yi = 0; yi < 2; yi++) {
		const struct year_plan *y = &demo_years[yi];
		int *days = xcalloc((size_t)y->activities, sizeof(*days)), n = 0;
		demo_spread(y->activities, y, per);
		for (m = 0; m < y->n; m++)
			for (k = 0; k < per[m]; k++)
				days[n++] = demo_day_in(d, y->first + m);
		qsort(days, (size_t)n, sizeof(*days), int_cmp);
		for (k = 0; k < n; k++) {
			int kind = sample_weighted(&d->r, kind_weights, 6), v = demo_any_village(d);
			int t = d->villages[v].township,
			    district_level = kind < 3 && sample_chance(&d->r, 70);
			strbuf_addf(&csv, "SF%d-%04d,", y->year, k + 1);
			demo_add_day(&csv, d, days[k], 0);
			strbuf_addf(&csv, "%s,", kinds[kind]);
			if (district_level)
				demo_csv_cell(&csv, SAMPLE_PICK(&d->r, district_leaders), 0);
			else
				demo_cellf(&csv, 0, "%s%s", demo_surnames[sample_below(&d->r, 40)],
				      strstr(demo_township_names[t], "乡") ? "乡长" : "镇长");
			if (kind == 2 && district_level)
				demo_csv_cell(&csv, "区信访局接待大厅", 0);
			else
				demo_cellf(&csv, 0, "%s%s村委会", demo_township_names[t],
					   d->villages[v].name);
			strbuf_addf(&csv, "%d,", kind >= 4 ? 0 : sample_between(&d->r, 1, 6));
			if (kind == 2 && district_level)
				strbuf_addstr(&csv, ",");
			else
				demo_township_code(t, &csv);
			demo_csv_cell(&csv, texts[kind], 1);
		}
		free(days);
	}
	ret = demo_load_events(d, "petition_activities", &csv, err);
	strbuf_release(&csv);
	return ret;
}

/* Twice a month, to the district leaders, with the petitions that reached the county. */
static int gen_letters(struct demo *d, struct strbuf *err)
{
	struct strbuf csv = STRBUF_INIT;
	int m, half, ret, i;

	strbuf_addstr(&csv, "no,sent_on,leader,petitions,matters\n");
	for (m = 0; m < NMONTHS; m++) {
		for (half = 0; half < 2; half++) {
			int day = d->cal.mstart[m] + (half ? 14 : 0) + sample_between(&d->r, 0, 2),
			    k = 0;
			int want = sample_between(&d->r, 1, 3);
			strbuf_addf(&csv, "TQH%d-%03d,", 2022 + m / 12, m % 12 * 2 + half + 1);
			demo_add_day(&csv, d, day, 0);
			demo_csv_cell(&csv, district_leaders[(m * 2 + half) % 6], 0);
			/* the latest petitions that reached the county before the letter */
			for (i = 0; i < d->npets && d->pets[i].day < day; i++)
				;
			for (i--; i >= 0 && k < want && d->pets[i].day >= day - 20; i--) {
				if (strcmp(d->pets[i].level, "county") || d->pets[i].s >= 0)
					continue;
				strbuf_addf(&csv, "%s%s", k ? "|" : "", d->pets[i].no);
				k++;
			}
			strbuf_addstr(&csv, ",");
			demo_cellf(&csv, 1, "提请%s于本月%s带案下访，约见信访群众，督导化解信访事项%d件",
			      district_leaders[(m * 2 + half) % 6], half ? "下旬" : "中旬", k);
		}
	}
	ret = demo_load_events(d, "request_letters", &csv, err);
	strbuf_release(&csv);
	return ret;
}

static int gen_village_records(struct demo *d, struct strbuf *err)
{
	static const char *const day_texts[] = {
		"逢六村务日，村两委集中办公，受理群众诉求",
		"逢六村务日，公开村务财务，解答群众疑问",
		"逢六村务日，办理低保、医保等民生事项",
	};
	static const char *const room_texts[] = {
		"“三老”调处室调解邻里宅基地纠纷",
		"调处室调解家庭赡养纠纷",
		"调处室调解土地边界纠纷",
		"调处室调解婚姻家庭矛盾",
	};
	struct strbuf csv = STRBUF_INIT;
	int yi, m, k, n = 0, ret, dper[12], rper[12];

	strbuf_addstr(&csv, "no,held_on,kind,village,participants,matters,resolved,summary\n");
	for (yi = 0; yi < 2; yi++) {
		const struct year_plan *y = &demo_years[yi];
		n = 0;
		demo_spread(y->village_days, y, dper);
		demo_spread(y->mediation_rooms, y, rper);
		for (m = 0; m < y->n; m++) {
			int mi = y->first + m;
			for (k = 0; k < dper[m] + rper[m]; k++) {
				int room = k >= dper[m], v = demo_any_village(d), matters;
				int day = room ? demo_day_in(d, mi) :
					d->cal.mstart[mi] + 5 + 10 * sample_between(&d->r, 0, 2);
				strbuf_addf(&csv, "CW%d-%05d,", y->year, ++n);
				demo_add_day(&csv, d, day, 0);
				matters = room ? sample_between(&d->r, 1, 2) :
						 sample_between(&d->r, 0, 8);
				int resolved = matters - (matters && sample_chance(&d->r, 10));
				int participants = room ? sample_between(&d->r, 3, 8) :
							  sample_between(&d->r, 8, 60);
				strbuf_addf(&csv, "%s,%s,%d,%d,%d,",
					    room ? "mediation_room" : "village_day", d->villages[v].code,
					    participants, matters, resolved);
				demo_csv_cell(&csv,
					      room ? SAMPLE_PICK(&d->r, room_texts) :
						     SAMPLE_PICK(&d->r, day_texts),
					      1);
			}
		}
	}
	ret = demo_load_events(d, "village_records", &csv, err);
	strbuf_release(&csv);
	return ret;
}

/* All the events, planned month by month; `*rows` is set to how many. */
int demo_events(struct db *db, const struct crypto_keys *keys, const struct place *villages,
		struct subj *subj, int *rows, struct strbuf *err)
{
	struct demo d = { 0 };
	struct fails f = { NULL, 0, 0 };
	int ret;

	d.db = db;
	d.keys = keys;
	d.villages = villages;
	d.subj = subj;
	rng_init(&d.r, RNG_XORSHIFT, 0x6576656e7473ULL);
	sample_calendar_init(&d.cal);
	plan_year(&d, &fail_plans[0], &f);
	plan_year(&d, &fail_plans[1], &f);
	ret = 0;
	if (gen_petitions(&d, &f, err) || gen_activities(&d, err) || gen_letters(&d, err) ||
	    gen_village_records(&d, err) || demo_inspections(&d, err) ||
	    demo_accidents(&d, &f, err) || demo_cases(&d, &f, err) || demo_disputes(&d, err))
		ret = -1;
	*rows = d.rows;
	free(d.pets);
	free(f.v);
	return ret;
}

