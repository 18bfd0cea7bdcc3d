/*
 * demo_safety.c: the demo district's inspections and the hazards they
 * find, its accidents, cases and disputes (see demo_int.h), each kind
 * planned over both years, written as an import file and loaded through
 * the importer.  The failures they carry come from the plan of
 * demo_events.c.
 */
#include "cli/demo_int.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/strbuf.h"
#include "cli/sample.h"

/* ---- inspections and hazards ---- */

/* The safety domain an inspection of a subject of `category` looks at. */
static const char *domain_for(struct rng *r, const char *category)
{
	int x = sample_below(r, 100);

	if (!strcmp(category, "restaurant"))
		return x < 60 ? "gas" : "fire";
	if (!strcmp(category, "factory"))
		return x < 25 ? "hazchem" : x < 60 ? "fire" : x < 75 ? "construction" : "other";
	if (!strcmp(category, "mine"))
		return x < 50 ? "other" : "construction";
	if (!strcmp(category, "market"))
		return x < 60 ? "fire" : "gas";
	if (!strcmp(category, "station"))
		return x < 70 ? "road" : "fire";
	if (!strcmp(category, "school") || !strcmp(category, "kindergarten"))
		return x < 65 ? "fire" : x < 85 ? "road" : "other";
	if (!strcmp(category, "hospital"))
		return x < 60 ? "fire" : x < 80 ? "hazchem" : "gas";
	if (!strcmp(category, "research"))
		return x < 50 ? "hazchem" : "fire";
	if (!strcmp(category, "other"))
		return x < 50 ? "fire" : "other";
	return "fire";
}

static const char *hazard_text(struct rng *r, const char *domain)
{
	static const char *const gas[] = { "燃气管道未安装泄漏报警装置", "液化气钢瓶与灶具间距不足",
					   "燃气软管老化龟裂", "液化气钢瓶超期未检" };
	static const char *const fire[] = { "疏散通道堆放杂物", "灭火器过期失效", "电线私拉乱接",
					    "安全出口指示灯损坏", "消防栓被遮挡" };
	static const char *const hazchem[] = { "危险化学品未分类存放", "未建立危化品出入库台账",
					       "危化品仓库未设置防爆照明" };
	static const char *const road[] = { "车辆安全带损坏", "站内安检设备未正常运行",
					    "接送学生车辆超载" };
	static const char *const construction[] = { "脚手架未设置防护网", "施工现场临边防护缺失",
						    "起重机械未经检验投入使用" };
	static const char *const other[] = { "安全生产责任制未落实", "特种作业人员无证上岗",
					     "设备防护罩缺失" };

	if (!strcmp(domain, "gas"))
		return SAMPLE_PICK(r, gas);
	if (!strcmp(domain, "fire"))
		return SAMPLE_PICK(r, fire);
	if (!strcmp(domain, "hazchem"))
		return SAMPLE_PICK(r, hazchem);
	if (!strcmp(domain, "road"))
		return SAMPLE_PICK(r, road);
	if (!strcmp(domain, "construction"))
		return SAMPLE_PICK(r, construction);
	return SAMPLE_PICK(r, other);
}

struct insp {
	int day, s, hazard;
	const char *domain;
};

static int insp_cmp(const void *a, const void *b)
{
	const struct insp *x = a, *y = b;

	return x->day != y->day ? x->day - y->day : x->s - y->s;
}

/*
 * The year's inspections of enterprises on the list, and its hazards: each
 * found by one of them, rectified by the demo's today (2023-08-31).
 */
int demo_inspections(struct demo *d, struct strbuf *err)
{
	struct strbuf ins = STRBUF_INIT, haz = STRBUF_INIT;
	int yi, m, k, per[12], ret;

	strbuf_addstr(&ins, "no,inspected_on,subject,department,domain,inspector,findings\n");
	strbuf_addstr(&haz, "no,inspection,subject,level,domain,found_on,deadline,rectified_on,"
			    "verified_on,description,evidence\n");
	for (yi = 0; yi < 2; yi++) {
		const struct year_plan *y = &demo_years[yi];
		struct insp *v = xcalloc((size_t)y->inspections, sizeof(*v));
		int n = 0, need = y->hazards, nh = 0;
		demo_spread(y->inspections, y, per);
		for (m = 0; m < y->n; m++) {
			for (k = 0; k < per[m]; k++) {
				struct insp *x = &v[n++];
				x->day = demo_day_in(d, y->first + m);
				x->s = demo_any_enterprise(d, y->first + m);
				x->domain = domain_for(&d->r, d->subj[x->s].category);
			}
		}
		qsort(v, (size_t)n, sizeof(*v), insp_cmp);
		/* exactly `hazards` of them find one (selection sampling) */
		for (k = 0; k < n; k++) {
			if (sample_below(&d->r, n - k) < need) {
				v[k].hazard = 1;
				need--;
			}
		}
		for (k = 0; k < n; k++) {
			const struct subj *s = &d->subj[v[k].s];
			strbuf_addf(&ins, "JC%d-%06d,", y->year, k + 1);
			demo_add_day(&ins, d, v[k].day, 0);
			strbuf_addf(&ins, "%s,%s,%s,", s->code,
				    sample_chance(&d->r, 40) ? "YJJ" : s->supervisor, v[k].domain);
			struct strbuf one = STRBUF_INIT, two = STRBUF_INIT;
			demo_person(&d->r, &two); /* the second first: see demo_int.h */
			demo_person(&d->r, &one);
			demo_cellf(&ins, 0, "%s、%s", one.buf, two.buf);
			strbuf_release(&one);
			strbuf_release(&two);
			demo_csv_cell(&ins, v[k].hazard ? "发现隐患1处，已当场下达整改通知书" :
				 "未发现明显隐患，现场进行安全提示", 1);
			if (v[k].hazard) {
				int major = sample_chance(&d->r, 2) && v[k].day < d->cal.last - 45;
				int found = v[k].day,
				    deadline = found + (major ? 60 : sample_between(&d->r, 7, 20));
				int rectified =
					min_int(found + sample_between(&d->r, 1, major ? 45 : 7),
						d->cal.last);
				int verified = rectified + sample_between(&d->r, 0, 5);
				strbuf_addf(&haz, "YH%d-%05d,JC%d-%06d,%s,%s,%s,", y->year, ++nh,
					    y->year, k + 1, s->code, major ? "major" : "general",
					    v[k].domain);
				demo_add_day(&haz, d, found, 0);
				demo_add_day(&haz, d, deadline, 0);
				demo_add_day(&haz, d, rectified, 0);
				demo_add_day(&haz, d, verified <= d->cal.last ? verified : -1, 0);
				demo_csv_cell(&haz, hazard_text(&d->r, v[k].domain), 0);
				demo_csv_cell(&haz, "整改前后照片及整改报告已存档", 1);
			}
		}
		free(v);
	}
	ret = demo_load_events(d, "inspections", &ins, err);
	if (!ret)
		ret = demo_load_events(d, "hazards", &haz, err);
	strbuf_release(&ins);
	strbuf_release(&haz);
	return ret;
}

/* ---- accidents ---- */

struct acc {
	int day, s, township, deaths, injuries, serious, production;
	int64_t loss;
	const char *domain;
};

static int acc_cmp(const void *a, const void *b)
{
	const struct acc *x = a, *y = b;

	return x->day != y->day ? x->day - y->day : x->township - y->township;
}

static const char *accident_domain_at(struct rng *r, const struct subj *s)
{
	int x = sample_below(r, 100);

	if (demo_is_village(s))
		return x < 35 ? "fire" : x < 65 ? "construction" : x < 80 ? "gas" : "other";
	if (!strcmp(s->category, "restaurant"))
		return x < 70 ? "gas" : "fire";
	if (!strcmp(s->category, "factory"))
		return x < 20 ? "hazchem" : x < 40 ? "fire" : "other";
	if (!strcmp(s->category, "mine"))
		return "construction";
	if (!strcmp(s->category, "station"))
		return "road";
	return x < 60 ? "fire" : "other";
}

static void accident_summary(struct demo *d, const struct acc *a, struct strbuf *csv)
{
	const char *where = a->s >= 0 ? d->subj[a->s].name : demo_township_names[a->township];
	struct strbuf t = STRBUF_INIT;

	if (!strcmp(a->domain, "road"))
		strbuf_addf(&t, "%s境内发生一起两车相撞道路交通事故", where);
	else if (!strcmp(a->domain, "gas"))
		strbuf_addf(&t, "%s液化气泄漏引发爆燃", where);
	else if (!strcmp(a->domain, "fire"))
		strbuf_addf(&t, "%s因电气线路老化短路引发火灾", where);
	else if (!strcmp(a->domain, "construction"))
		strbuf_addf(&t, "%s一名作业人员在施工中高处坠落", where);
	else if (!strcmp(a->domain, "hazchem"))
		strbuf_addf(&t, "%s在装卸危险化学品时发生泄漏", where);
	else
		strbuf_addf(&t, "%s一名工人在设备检修时被机械卷入", where);
	if (a->deaths && a->injuries)
		strbuf_addf(&t, "，造成%d人死亡、%d人受伤", a->deaths, a->injuries);
	else if (a->deaths)
		strbuf_addf(&t, "，造成%d人死亡", a->deaths);
	else if (a->injuries)
		strbuf_addf(&t, "，造成%d人受伤", a->injuries);
	else
		strbuf_addstr(&t, "，未造成人员伤亡");
	strbuf_addf(&t, "，直接经济损失约%" PRId64 "元", a->loss);
	demo_csv_cell(csv, t.buf, 1);
	strbuf_release(&t);
}

int demo_accidents(struct demo *d, const struct fails *f, struct strbuf *err)
{
	struct strbuf csv = STRBUF_INIT;
	struct acc *v = NULL;
	int n = 0, cap = 0, i, yi, k, ret, seq = 0, year = 0;

	for (i = 0; i < f->n; i++) {
		struct acc *a;
		if (f->v[i].why != W_ACCIDENT)
			continue;
		a = SAMPLE_APPEND(v, n, cap);
		a->day = demo_day_in(d, f->v[i].m);
		a->s = f->v[i].s;
		a->township = d->subj[a->s].township;
		a->domain = accident_domain_at(&d->r, &d->subj[a->s]);
		a->deaths = sample_chance(&d->r, 15);
		a->injuries = sample_between(&d->r, a->deaths ? 0 : 1, 3);
		a->serious = a->injuries ? sample_between(&d->r, 0, a->injuries) : 0;
		a->production = strcmp(a->domain, "fire") && strcmp(a->domain, "gas") ? 1 :
				sample_chance(&d->r, 50);
		a->loss = sample_between(&d->r, 2, 60) * 1000;
	}
	for (yi = 0; yi < 2; yi++) {
		const struct year_plan *y = &demo_years[yi];
		for (k = 0; k < y->road_accidents + y->minor_accidents; k++) {
			int m = y->first + sample_below(&d->r, y->n);
			struct acc *a = SAMPLE_APPEND(v, n, cap);
			a->day = demo_day_in(d, m);
			if (k < y->road_accidents) {
				/* on the roads: nobody's creation subject */
				a->s = -1;
				a->township = sample_between(&d->r, 0, NTOWNSHIPS - 1);
				a->domain = "road";
				a->deaths =
					sample_chance(&d->r, 30) ? sample_between(&d->r, 1, 2) : 0;
				a->injuries = sample_between(&d->r, a->deaths ? 0 : 1, 4);
				a->serious = a->injuries ? sample_between(&d->r, 0, 1) : 0;
				a->production = sample_chance(&d->r, 20);
				a->loss = sample_between(&d->r, 5, 120) * 1000;
			} else {
				/* at a subject, without casualties */
				a->s = sample_chance(&d->r, 50) ? demo_any_village(d) :
								  demo_any_enterprise(d, m);
				a->township = d->subj[a->s].township;
				a->domain = accident_domain_at(&d->r, &d->subj[a->s]);
				a->production = sample_chance(&d->r, 40);
				a->loss = sample_between(&d->r, 1, 30) * 1000;
			}
		}
	}
	qsort(v, (size_t)n, sizeof(*v), acc_cmp);
	strbuf_addstr(&csv,
		      "no,occurred_on,subject,township,domain,deaths,injuries,serious_injuries,"
		      "direct_loss,production,summary\n");
	for (i = 0; i < n; i++) {
		const struct acc *a = &v[i];
		int y = demo_month_of_day(d, a->day) < 12 ? 2022 : 2023;
		if (y != year) {
			year = y;
			seq = 0;
		}
		strbuf_addf(&csv, "SG%d-%04d,", y, ++seq);
		demo_add_day(&csv, d, a->day, 0);
		strbuf_addf(&csv, "%s,", a->s >= 0 ? d->subj[a->s].code : "");
		demo_township_code(a->township, &csv);
		strbuf_addf(&csv, "%s,%d,%d,%d,%" PRId64 ",%d,", a->domain, a->deaths, a->injuries,
			    a->serious, a->loss, a->production);
		accident_summary(d, a, &csv);
	}
	ret = demo_load_events(d, "accidents", &csv, err);
	free(v);
	strbuf_release(&csv);
	return ret;
}

/* ---- cases ---- */

struct kase {
	int day, seq, s, township, criminal, major, coerced, prosecuted;
	const char *category;
};

static int kase_cmp(const void *a, const void *b)
{
	const struct kase *x = a, *y = b;

	return x->day != y->day ? x->day - y->day : x->seq - y->seq;
}

static const char *case_category(struct rng *r, int criminal)
{
	static const char *const cats[] = { "theft_robbery_fraud", "porn_gambling_drugs",
					    "telecom_fraud", "elder_fraud", "violent", "other" };
	static const int crim_w[] = { 38, 10, 26, 6, 10, 10 };
	static const int po_w[] = { 35, 25, 0, 0, 25, 15 };

	return cats[sample_weighted(r, criminal ? crim_w : po_w, 6)];
}

static void case_summary(struct demo *d, const struct kase *c, struct strbuf *csv)
{
	const char *where = c->s >= 0 ? d->subj[c->s].name : demo_township_names[c->township];
	const char *cat = c->category;
	struct strbuf t = STRBUF_INIT;

	if (!strcmp(cat, "theft_robbery_fraud"))
		strbuf_addf(&t,
			    c->criminal ? "%s发生一起入户盗窃案，被盗现金及物品价值约%d元" :
					  "%s发生一起小额盗窃，涉案价值约%d元",
			    where,
			    c->criminal ? sample_between(&d->r, 3, 60) * 1000 :
					  sample_between(&d->r, 2, 9) * 100);
	else if (!strcmp(cat, "porn_gambling_drugs"))
		strbuf_addf(&t, c->criminal ? "%s查获一起开设赌场案" :
				  c->major ? "%s发生聚众赌博，参赌人员众多，社会影响恶劣" :
					     "%s查处一起赌博违法行为", where);
	else if (!strcmp(cat, "telecom_fraud"))
		strbuf_addf(&t, "%s一群众被冒充客服诈骗人民币%d元", where, sample_between(&d->r, 3, 200) * 1000);
	else if (!strcmp(cat, "elder_fraud"))
		strbuf_addf(&t, "%s有人以销售保健品为名骗取老年人钱财%d元", where,
			    sample_between(&d->r, 5, 80) * 1000);
	else if (!strcmp(cat, "violent"))
		strbuf_addf(&t, c->criminal ? "%s因琐事引发故意伤害案，一人受伤" :
				  c->major ? "%s发生聚众斗殴，造成恶劣社会影响" :
					     "%s因邻里琐事发生殴打他人行为", where);
	else
		strbuf_addf(&t, c->criminal ? "%s发生一起破坏生产经营案" : "%s发生一起扰乱公共秩序行为",
			    where);
	demo_csv_cell(csv, t.buf, 1);
	strbuf_release(&t);
}

/*
 * Persons under coercive measures and referred for prosecution over the
 * year's criminal cases: `solved` of them hold `coerced` persons, `prosecuted`
 * of whom are referred; the latest cases are still under investigation.
 */
static void case_persons(struct demo *d, struct kase *v, int n, const struct year_plan *y)
{
	int *idx = xcalloc((size_t)n + 1, sizeof(*idx)), ni = 0, i, solved = 0, left, cut;

	for (i = 0; i < n; i++)
		if (v[i].criminal && v[i].day >= d->cal.mstart[y->first] &&
		    v[i].day < d->cal.mstart[y->first + y->n])
			idx[ni++] = i;
	/* a creation subject's case is solved more often than the rest */
	for (i = 0; i < ni && solved < y->solved; i++)
		if (v[idx[i]].s >= 0 && sample_chance(&d->r, 75)) {
			v[idx[i]].coerced = 1;
			solved++;
		}
	sample_shuffle(&d->r, idx, ni);
	for (i = 0; i < ni && solved < y->solved; i++)
		if (!v[idx[i]].coerced) {
			v[idx[i]].coerced = 1;
			solved++;
		}
	ni = 0;
	for (i = 0; i < n; i++)
		if (v[i].coerced && v[i].day >= d->cal.mstart[y->first] &&
		    v[i].day < d->cal.mstart[y->first + y->n])
			idx[ni++] = i; /* in date order */
	left = y->coerced - solved;
	/* a few gangs (fraud rings, gambling dens) take several persons */
	for (i = 0; i < ni && left > 0; i++) {
		struct kase *c = &v[idx[i]];
		if ((!strcmp(c->category, "telecom_fraud") ||
		     !strcmp(c->category, "porn_gambling_drugs")) &&
		    sample_chance(&d->r, 25)) {
			int extra = min_int(sample_between(&d->r, 2, 9), left);
			c->coerced += extra;
			left -= extra;
		}
	}
	while (ni && left > 0) {
		v[idx[sample_below(&d->r, ni)]].coerced++;
		left--;
	}
	for (i = 0; i < ni; i++)
		v[idx[i]].prosecuted = v[idx[i]].coerced;
	/* not yet referred: the last five weeks' cases, then a person here and there */
	left = y->coerced - y->prosecuted;
	cut = d->cal.mstart[y->first + y->n] - 35;
	for (i = ni - 1; i >= 0 && left > 0 && v[idx[i]].day >= cut; i--) {
		int take = min_int(v[idx[i]].prosecuted, left);
		v[idx[i]].prosecuted -= take;
		left -= take;
	}
	for (i = 0; ni && left > 0 && i < 100 * 1000 * 1000; i++) {
		struct kase *c = &v[idx[sample_below(&d->r, ni)]];
		if (c->prosecuted > 0) {
			c->prosecuted--;
			left--;
		}
	}
	free(idx);
}

int demo_cases(struct demo *d, const struct fails *f, struct strbuf *err)
{
	struct strbuf csv = STRBUF_INIT;
	struct kase *v = NULL;
	int n = 0, cap = 0, i, yi, k, ret, seq[2] = { 0, 0 }, year = 0;

	for (i = 0; i < f->n; i++) {
		struct kase *c;
		if (f->v[i].why != W_CRIMINAL && f->v[i].why != W_MAJOR)
			continue;
		c = SAMPLE_APPEND(v, n, cap);
		c->day = demo_day_in(d, f->v[i].m);
		c->seq = n;
		c->s = f->v[i].s;
		c->township = d->subj[c->s].township;
		c->criminal = f->v[i].why == W_CRIMINAL;
		c->major = !c->criminal;
		c->category = c->criminal ? case_category(&d->r, 1) :
			      sample_chance(&d->r, 50) ? "violent" : "porn_gambling_drugs";
	}
	for (yi = 0; yi < 2; yi++) {
		const struct year_plan *y = &demo_years[yi];
		int planned = 0, per[12], m;
		for (i = 0; i < n; i++)
			if (v[i].criminal && v[i].day >= d->cal.mstart[y->first] &&
			    v[i].day < d->cal.mstart[y->first + y->n])
				planned++;
		/* criminal cases not tied to a creation subject */
		demo_spread(y->criminal - planned, y, per);
		for (m = 0; m < y->n; m++)
			for (k = 0; k < per[m]; k++) {
				struct kase *c = SAMPLE_APPEND(v, n, cap);
				c->day = demo_day_in(d, y->first + m);
				c->seq = n;
				c->s = -1;
				c->township = sample_between(&d->r, 0, NTOWNSHIPS - 1);
				c->criminal = 1;
				c->category = case_category(&d->r, 1);
			}
		/* public-order cases without major impact, at a subject or not */
		demo_spread(y->public_order, y, per);
		for (m = 0; m < y->n; m++)
			for (k = 0; k < per[m]; k++) {
				struct kase *c = SAMPLE_APPEND(v, n, cap);
				int mi = y->first + m, roll = sample_below(&d->r, 100);
				c->day = demo_day_in(d, mi);
				c->seq = n;
				c->s = roll < 30 ? demo_any_village(d) :
				       roll < 45 ? demo_any_enterprise(d, mi) :
						   -1;
				c->township = c->s >= 0 ? d->subj[c->s].township :
					      sample_between(&d->r, 0, NTOWNSHIPS - 1);
				c->category = case_category(&d->r, 0);
			}
	}
	qsort(v, (size_t)n, sizeof(*v), kase_cmp);
	for (yi = 0; yi < 2; yi++)
		case_persons(d, v, n, &demo_years[yi]);
	strbuf_addstr(&csv, "no,kind,major_impact,category,occurred_on,subject,township,status,"
			  "coerced,prosecuted,summary\n");
	for (i = 0; i < n; i++) {
		const struct kase *c = &v[i];
		int y = demo_month_of_day(d, c->day) < 12 ? 2022 : 2023, age = d->cal.last - c->day;
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
		strbuf_addf(&csv, "%s%d-%05d,%s,%d,%s,", c->criminal ? "XS" : "ZA", y,
			    ++seq[c->criminal], c->criminal ? "criminal" : "public_order", c->major,
			    c->category);
		demo_add_day(&csv, d, c->day, 0);
		strbuf_addf(&csv, "%s,", c->s >= 0 ? d->subj[c->s].code : "");
		demo_township_code(c->township, &csv);
		strbuf_addf(&csv, "%s,%d,%d,", status, c->coerced, c->prosecuted);
		case_summary(d, c, &csv);
	}
	ret = demo_load_events(d, "cases", &csv, err);
	free(v);
	strbuf_release(&csv);
	return ret;
}

/* ---- disputes ---- */

int demo_disputes(struct demo *d, struct strbuf *err)
{
	static const char *const sources[] = { "grid", "informant", "petition", "walk_in",
					       "hotline" };
	static const int source_w[] = { 40, 20, 10, 20, 10 };
	static const char *const cats[] = { "family", "land", "labour", "medical", "traffic",
					    "property", "finance", "other" };
	static const int cat_w[] = { 34, 22, 12, 5, 9, 6, 4, 8 };
	static const char *const kinds[] = { "people", "administrative", "judicial" };
	static const int kind_w[] = { 75, 18, 7 };
	static const char *const texts[] = {
		"%s村民因宅基地界址、赡养老人等问题发生矛盾", "%s村民因承包地边界发生争议",
		"%s务工人员与用工方因工资结算发生纠纷", "%s患者家属与医院因诊疗费用发生纠纷",
		"%s发生交通事故后双方因赔偿数额发生纠纷", "%s业主与物业公司因物业费、停车位发生纠纷",
		"%s群众因民间借贷还款发生纠纷", "%s群众因相邻通行、排水发生纠纷",
	};
	struct strbuf csv = STRBUF_INIT, cell = STRBUF_INIT;
	int yi, k, ret, n = 0;

	strbuf_addstr(&csv, "no,found_on,source,category,subject,township,grid,mediation,status,"
			    "closed_on,amount,risk,deadline,mediator,party_a_name,party_a_phone,"
			    "party_b_name,party_b_phone,summary\n");
	for (yi = 0; yi < 2; yi++) {
		const struct year_plan *y = &demo_years[yi];
		int total = y->disputes_success + y->disputes_failed + y->disputes_referred +
			    y->disputes_open + y->disputes_carried;
		int ystart = d->cal.mstart[y->first], yend = d->cal.mstart[y->first + y->n] - 1;
		int *found = xcalloc((size_t)total, sizeof(*found)),
		    *closed = xcalloc((size_t)total, sizeof(*closed));
		const char **status = xcalloc((size_t)total, sizeof(*status));
		for (k = 0; k < total; k++) {
			int dur = sample_between(&d->r, 1, 25);
			if (k < y->disputes_success + y->disputes_failed + y->disputes_referred) {
				/* closed within the year */
				status[k] = k < y->disputes_success ? "success" :
					    k < y->disputes_success + y->disputes_failed ?
								      "failed" :
								      "referred";
				closed[k] = sample_between(&d->r, ystart + dur, yend);
				found[k] = closed[k] - dur;
			} else if (k < total - y->disputes_carried) {
				/* still open at the demo's today */
				status[k] = sample_chance(&d->r, 40) ? "registered" : "mediating";
				found[k] = sample_between(&d->r, yend - 40, yend);
				closed[k] = -1;
			} else {
				/* found at the year's end, settled early the next */
				status[k] = "success";
				found[k] = sample_between(&d->r, yend - 20, yend);
				closed[k] = yend + sample_between(&d->r, 5, 25);
			}
		}
		/* in the order found */
		for (k = 1; k < total; k++) {
			int j = k, fd = found[k], cd = closed[k];
			const char *st = status[k];
			while (j > 0 && found[j - 1] > fd) {
				found[j] = found[j - 1];
				closed[j] = closed[j - 1];
				status[j] = status[j - 1];
				j--;
			}
			found[j] = fd;
			closed[j] = cd;
			status[j] = st;
		}
		for (k = 0; k < total; k++) {
			int cat = sample_weighted(&d->r, cat_w, 8), s;
			const char *risk;
			int m = demo_month_of_day(d, found[k]);
			if (cat == 3)
				s = demo_any_of_category(d, m, "hospital");
			else if (cat == 2)
				s = demo_any_of_category(d, m,
							 sample_chance(&d->r, 60) ? "factory" :
										    "restaurant");
			else
				s = demo_any_village(d);
			if (cat == 5)
				s = sample_below(&d->r, NCOMMUNITIES); /* property: a community */
			strbuf_addf(&csv, "JF%d-%04d,", y->year, ++n);
			demo_add_day(&csv, d, found[k], 0);
			strbuf_addf(&csv, "%s,%s,%s,,,",
				    sources[sample_weighted(&d->r, source_w, 5)], cats[cat],
				    d->subj[s].code);
			strbuf_addf(&csv, "%s,%s,", kinds[sample_weighted(&d->r, kind_w, 3)],
				    status[k]);
			demo_add_day(&csv, d, closed[k], 0);
			risk = sample_chance(&d->r, 70) ? "low" :
			       sample_chance(&d->r, 80) ? "medium" : "high";
			strbuf_addf(&csv, "%d,%s,",
				    cat == 0 ? 0 : sample_between(&d->r, 1, 200) * 500, risk);
			demo_add_day(&csv, d, found[k] + 30, 0);
			strbuf_reset(&cell);
			demo_person(&d->r, &cell);
			strbuf_addstr(&cell, "（人民调解员）");
			demo_csv_cell(&csv, cell.buf, 0);
			for (m = 0; m < 2; m++) {
				strbuf_reset(&cell);
				demo_person(&d->r, &cell);
				demo_csv_cell(&csv, cell.buf, 0);
				strbuf_reset(&cell);
				demo_phone(&d->r, &cell);
				demo_csv_cell(&csv, cell.buf, 0);
			}
			demo_cellf(&csv, 1, texts[cat], d->subj[s].name);
		}
		n = 0;
		free(found);
		free(closed);
		free(status);
	}
	ret = demo_load_events(d, "disputes", &csv, err);
	strbuf_release(&csv);
	strbuf_release(&cell);
	return ret;
}

