/*
 * bench_data.c: N districts of the demo's shape for the benchmarks (see
 * bench_data.h).  Each district is planned in memory — its places,
 * departments, subjects, which subjects fail which month and by what, and
 * every event of January 2022 to August 2023 — then streamed table by
 * table through db_bulk_*() in one transaction, into the stored columns of
 * each table's descriptor (model/stored.h).  Rows are written in the form
 * the descriptors' hooks (src/model/entities.c, events.c) would have
 * stored them: district, township and grid of an event from its subject,
 * petitions' collective/repeat/due dates and hazards' state by the hooks'
 * own functions (petition_derive(), hazard_state(), accident_class()),
 * cases' defaults, dates in order and never after 2023-08-31.  This file
 * holds the district's places, departments and subjects, the loading and
 * the districts one by one; the events are bench_events.c's.
 *
 * Deliberately not a validator and not the demo: nothing here reads the
 * database row by row, and nothing is planned to give particular figures —
 * only the demo's volumes and ratios (about 85 % of villages and 98 % of
 * enterprises complying each year, most petitions staying at village or
 * township level, almost every hazard rectified).  Every event outside the
 * plan of failures fails no one under the default veto rules.
 */
#include "cli/bench_data.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assess/assess.h"
#include "assess/work_figures.h"
#include "base/alloc.h"
#include "base/date.h"
#include "base/strbuf.h"
#include "cli/bench_int.h"
#include "cli/demo_shape.h"
#include "cli/sample.h"
#include "db/db.h"
#include "model/audit.h"
#include "model/entities.h"
#include "model/stored.h"

/*
 * snprintf() by way of a copy: `dst` may be a field of the struct that the
 * arguments come from (which snprintf's restrict forbids in principle).
 */
__attribute__((format(printf, 3, 4)))
static void fmt_into(char *dst, size_t size, const char *fmt, ...)
{
	char tmp[256];
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	n = strlen(tmp);
	if (n >= size)
		n = size - 1;
	memcpy(dst, tmp, n);
	dst[n] = '\0';
}

/* ---- the shape of a district ---- */

static const char *const syllables[] = {
	"安", "白", "宝", "长", "城", "大", "东", "丰", "福", "高", "河", "和", "黄", "金",
	"康", "乐", "临", "龙", "马", "南", "平", "清", "三", "沙", "石", "双", "太", "桃",
	"王", "文", "西", "新", "兴", "杨", "永", "玉", "岳", "中", "朱", "卓",
};
const char *const bench_surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱",
	"高", "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于",
	"董", "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏",
};
const char *const bench_given[] = {
	"建国", "秀英", "国强", "桂兰", "志刚", "玉梅", "德华", "红霞", "海涛", "丽娟",
	"明亮", "春生", "凤英", "卫东", "小红", "永强", "淑珍", "保国", "金凤", "文斌",
};
static const char *const village_suffix[] = {
	"庄", "楼", "营", "寨", "集", "庙", "湾", "岗", "屯", "店", "桥", "园",
};
static const char *const community_words[] = {
	"东关", "西关", "南关", "北关", "龙湖", "书院", "文化", "新华", "人民", "建设",
	"和平", "光明", "幸福", "春晖", "滨河",
};
static const char *const roads[] = { "人民", "建设", "解放", "文化", "中山", "长江", "黄河", "新华" };

/* departments of the district: code suffix, name after the district's, roles (enum dept) */
static const char *const departments[][3] = {
	{ "SLB", "“三零”创建办公室", "office" },
	{ "XFJ", "信访局", "petition" },
	{ "YJJ", "应急管理局", "safety" },
	{ "GAJ", "公安局", "police" },
	{ "JTJ", "教育体育局", "supervisor" },
	{ "WJW", "卫生健康委员会", "supervisor" },
	{ "SCFZ", "市场发展中心", "supervisor" },
	{ "WGLJ", "文化广电和旅游局", "supervisor" },
	{ "SWJ", "商务局", "supervisor" },
	{ "JTYS", "交通运输局", "supervisor" },
	{ "SCJG", "市场监督管理局", "supervisor" },
	{ "GXJ", "工业和信息化局", "supervisor" },
	{ "ZRZY", "自然资源局", "supervisor" },
	{ "KJJ", "科学技术局", "supervisor" },
};
_Static_assert(NF(departments) == NDEPT, "NDEPT is the number of departments");

/* the sector map: category, index in departments[] */
static const struct {
	const char *category;
	int dept;
} sector_map[] = {
	{ "school", 4 }, { "kindergarten", 4 }, { "hospital", 5 }, { "market", 6 },
	{ "scenic_spot", 7 }, { "entertainment", 7 }, { "internet_cafe", 7 }, { "mall", 8 },
	{ "station", 9 }, { "pharmacy", 10 }, { "restaurant", 10 }, { "factory", 11 },
	{ "mine", 12 }, { "research", 13 }, { "airport", 9 }, { "other", 10 },
};

_Static_assert(C__COUNT == DEMO_NCATEGORIES, "the categories are demo_shape.c's, in its order");

/* relative weight of each calendar month (Spring Festival low, spring and summer high) */
static const int season[12] = { 82, 74, 98, 104, 108, 106, 102, 104, 96, 100, 92, 88 };

/* ---- the tables, in the order they are loaded ---- */

/*
 * Each table's columns are its descriptor's stored columns
 * (stored_columns_init()), so that a field added to an entity is loaded
 * too.  The subjects' history is written from their rows, and the
 * determinations are marked stale by the assess layer, once a district.
 */
static const struct {
	const char *name;
	const struct entity_desc *ed; /* NULL: not a bulk load */
	int event; /* counted as a subject or event row for the rate */
} tables[T__COUNT] = {
	{ "regions", &region_desc, 0 },
	{ "departments", &department_desc, 0 },
	{ "sector_map", &sector_desc, 0 },
	{ "subjects", &subject_desc, 1 },
	{ "subjects_history", NULL, 0 },
	{ "petitions", &petition_desc, 1 },
	{ "petition_activities", &activity_desc, 1 },
	{ "request_letters", &letter_desc, 1 },
	{ "village_records", &village_record_desc, 1 },
	{ "inspections", &inspection_desc, 1 },
	{ "hazards", &hazard_desc, 1 },
	{ "accidents", &accident_desc, 1 },
	{ "cases", &case_desc, 1 },
	{ "disputes", &dispute_desc, 1 },
	{ "stale marks", NULL, 0 },
	{ "patrols", &patrol_desc, 0 },
};

/* ---- one row's values ---- */

static void row_reset(struct row *r)
{
	memset(r->v, 0, sizeof(r->v));
	r->used = 0;
}

/* A formatted value kept in the row's buffer until the next row_reset(). */
__attribute__((format(printf, 2, 3)))
const char *bench_rowf(struct row *r, const char *fmt, ...)
{
	char *p = r->buf + r->used;
	size_t room = sizeof(r->buf) - r->used;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(p, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		r->overflow = 1;
		return "";
	}
	r->used += (size_t)n + 1;
	return p;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void calendar(struct gen *g)
{
	int m, d;

	sample_calendar_init(&g->cal);
	for (m = 0; m < NMONTHS; m++)
		month_add("2022-01", m, g->month[m]);
	for (d = 0; d < NDAYS; d++)
		date_from_days(g->cal.day0 + d, g->day[d]);
	g->season_sum = 0;
	for (m = 0; m < 12; m++)
		g->season_sum += season[m];
}

int bench_day_in(struct gen *g, int m)
{
	return sample_day_in(&g->r, &g->cal, m);
}

int bench_year_of_day(const struct gen *g, int day)
{
	return day < g->cal.mstart[12] ? 2022 : 2023;
}

/*
 * How many of a kind of event fall in month `m`, of `annual` a year in an
 * average district: its share of the season times the district's factor,
 * with the fractions carried from month to month in `*carry`.
 */
int bench_monthly(struct gen *g, int m, int annual, int64_t *carry)
{
	int64_t den = g->season_sum * 1000, n;

	*carry += (int64_t)annual * season[m % 12] * g->factor;
	n = *carry / den;
	*carry -= n * den;
	return (int)n;
}

int bench_any_village(struct gen *g)
{
	return sample_below(&g->r, NVILL);
}

int bench_any_enterprise(struct gen *g, int m)
{
	for (;;) {
		int s = NVILL + sample_below(&g->r, NENT + NLEFT);
		if (on_list(&g->subj[s], m))
			return s;
	}
}

int bench_village_in(struct gen *g, int t)
{
	for (;;) {
		int v = bench_any_village(g);
		if (g->vill[v].township == t)
			return v;
	}
}

/* An enterprise on the list in month `m` whose category is in `pool` (ends with -1). */
int bench_enterprise_of(struct gen *g, int m, const int *pool)
{
	int tries, k;

	for (tries = 0; tries < 10000; tries++) {
		int s = bench_any_enterprise(g, m);
		for (k = 0; pool[k] >= 0; k++)
			if (g->subj[s].cat == pool[k])
				return s;
	}
	return bench_any_enterprise(g, m);
}

/* A unified social credit code of the district, kept in the row. */
static const char *credit_code(struct gen *g, int institution)
{
	char code[CREDIT_CODE_BUFSZ];

	sample_credit_code(&g->r, institution, g->prefix, code);
	return bench_rowf(&g->row, "%s", code);
}

/* ---- loading ---- */

int bench_load_begin(struct gen *g, enum table t, struct strbuf *err)
{
	g->table = t;
	g->col_next = 0;
	clock_gettime(CLOCK_MONOTONIC, &g->t_table);
	return db_bulk_begin(g->db, tables[t].ed->table, g->cols[t].name, g->cols[t].n, &g->bulk,
			     err) ? -1 : 0;
}

/* Send the row built in g->row (the common tail filled here) and start the next. */
int bench_load_row(struct gen *g, struct strbuf *err)
{
	/* rev, created_at, updated_at: the first three (stored.h) */
	g->row.v[0] = "1";
	g->row.v[1] = g->epoch;
	g->row.v[2] = g->epoch;
	if (g->row.overflow) {
		strbuf_addf(err, "%s: a generated row is too long", tables[g->table].name);
		return -1;
	}
	if (g->row.unknown) {
		strbuf_addf(err, "%s: no column %s", tables[g->table].name, g->row.unknown);
		return -1;
	}
	if (db_bulk_row(g->bulk, g->row.v, err) < 0) {
		strbuf_addf(err, " (loading %s)", tables[g->table].name);
		return -1;
	}
	g->rows[g->table]++;
	g->district_rows++;
	row_reset(&g->row);
	g->col_next = 0;
	return 0;
}

int bench_load_end(struct gen *g, struct strbuf *err)
{
	int rc = db_bulk_end(g->bulk, err);

	g->bulk = NULL;
	g->secs[g->table] += seconds_since(&g->t_table);
	if (rc < 0 && err)
		strbuf_addf(err, " (loading %s)", tables[g->table].name);
	return rc < 0 ? -1 : 0;
}

/*
 * Column index of `key` in the table being loaded.  Values are mostly set
 * in the order of the columns, so the search starts after the last found.
 */
int bench_col(struct gen *g, const char *key)
{
	const struct stored_columns *c = &g->cols[g->table];
	int n = c->n, i, k;

	for (k = 0; k < n; k++) {
		i = (g->col_next + k) % n;
		if (!strcmp(c->name[i], key)) {
			g->col_next = i + 1;
			return i;
		}
	}
	/* a column name misspelt in this file: bench_load_row() refuses the row */
	g->row.unknown = key;
	return STORED_MAX_COLUMNS - 1;
}

/* ---- places, departments, subjects ---- */

static void plan_places(struct gen *g)
{
	int t, v, used[NTOWN] = { 0 };

	SAMPLE_NAME(&g->r, syllables, syllables, "县", g->name, sizeof(g->name));
	for (t = 0; t < NTOWN; t++) {
		if (t == 0)
			fmt_into(g->town_name[t], sizeof(g->town_name[t]), "城关镇");
		else
			SAMPLE_NAME(&g->r, syllables, syllables, t < 8 ? "镇" : "乡", g->town_name[t],
			      sizeof(g->town_name[t]));
		fmt_into(g->town_dept[t], sizeof(g->town_dept[t]), "%04d-XZ%03d", g->county,
			 100 + t);
		fmt_into(g->town[t], sizeof(g->town[t]), "%s%03d000", g->prefix, 100 + t);
	}
	for (t = 0; t < (int)NF(departments); t++)
		fmt_into(g->dept_code[t], sizeof(g->dept_code[t]), "%04d-%s", g->county,
			 departments[t][0]);
	for (v = 0; v < NVILL; v++) {
		struct village *p = &g->vill[v];
		int comm = v < NCOMM;
		t = comm ? (v < 20 ? 0 : 1 + v % 4) : (v - NCOMM) % NTOWN;
		used[t]++;
		p->township = t;
		fmt_into(p->code, sizeof(p->code), "%s%03d%03d", g->prefix, 100 + t, used[t]);
		fmt_into(p->grid, sizeof(p->grid), "%s%03d%03d01", g->prefix, 100 + t, used[t]);
		if (comm)
			fmt_into(p->name, sizeof(p->name), "%s%s社区", g->town_name[t],
				 community_words[v % NF(community_words)]);
		else
			SAMPLE_NAME(&g->r, bench_surnames, village_suffix, "村", p->name,
				    sizeof(p->name));
	}
}

static int load_places(struct gen *g, struct strbuf *err)
{
	int t, v;

	if (bench_load_begin(g, T_REGIONS, err))
		return -1;
	SET(g, "code", g->code);
	SET(g, "name", g->name);
	SET(g, "level", "district");
	SET(g, "district", g->code);
	SET(g, "active", "1");
	if (bench_load_row(g, err))
		goto fail;
	for (t = 0; t < NTOWN; t++) {
		const char *code = town_code(g, t);
		SET(g, "code", code);
		SET(g, "name", g->town_name[t]);
		SET(g, "level", "township");
		SET(g, "parent", g->code);
		SET(g, "district", g->code);
		SET(g, "township", code);
		SET(g, "active", "1");
		if (bench_load_row(g, err))
			goto fail;
	}
	for (v = 0; v < NVILL; v++) {
		const char *town = town_code(g, g->vill[v].township);
		SET(g, "code", g->vill[v].code);
		SET(g, "name", g->vill[v].name);
		SET(g, "level", "village");
		SET(g, "parent", town);
		SET(g, "district", g->code);
		SET(g, "township", town);
		SET(g, "active", "1");
		if (bench_load_row(g, err))
			goto fail;
	}
	for (v = 0; v < NVILL; v++) {
		SET(g, "code", g->vill[v].grid);
		SET(g, "name", bench_rowf(&g->row, "第%d网格", v + 1));
		SET(g, "level", "grid");
		SET(g, "parent", g->vill[v].code);
		SET(g, "district", g->code);
		SET(g, "township", town_code(g, g->vill[v].township));
		SET(g, "active", "1");
		if (bench_load_row(g, err))
			goto fail;
	}
	if (g->opt->patrol_year && bench_load_grids(g, err))
		goto fail;
	return bench_load_end(g, err);
fail:
	bench_load_end(g, NULL);
	return -1;
}

static int load_departments(struct gen *g, struct strbuf *err)
{
	size_t i;
	int t;

	if (bench_load_begin(g, T_DEPARTMENTS, err))
		return -1;
	for (i = 0; i < NF(departments); i++) {
		SET(g, "code", g->dept_code[i]);
		SET(g, "name", bench_rowf(&g->row, "%s%s", g->name, departments[i][1]));
		SET(g, "roles", departments[i][2]);
		SET(g, "region", g->code);
		SET(g, "district", g->code);
		SET(g, "active", "1");
		if (bench_load_row(g, err))
			goto fail;
	}
	for (t = 0; t < NTOWN; t++) {
		SET(g, "code", g->town_dept[t]);
		SET(g, "name", bench_rowf(&g->row, "%s人民政府", g->town_name[t]));
		SET(g, "roles", "township");
		SET(g, "region", town_code(g, t));
		SET(g, "district", g->code);
		SET(g, "active", "1");
		if (bench_load_row(g, err))
			goto fail;
	}
	if (bench_load_end(g, err) || bench_load_begin(g, T_SECTOR_MAP, err))
		return -1;
	for (i = 0; i < NF(sector_map); i++) {
		SET(g, "district", g->code);
		SET(g, "category", sector_map[i].category);
		SET(g, "department", g->dept_code[sector_map[i].dept]);
		if (bench_load_row(g, err))
			goto fail;
	}
	return bench_load_end(g, err);
fail:
	bench_load_end(g, NULL);
	return -1;
}

static int sector_dept(const char *category)
{
	size_t i;

	for (i = 0; i < NF(sector_map); i++)
		if (!strcmp(sector_map[i].category, category))
			return sector_map[i].dept;
	return 10;
}

static void plan_subjects(struct gen *g)
{
	int v, c, k, n = 0;

	for (v = 0; v < NVILL; v++) {
		struct subj *s = &g->subj[v];
		s->kind = s->category = v < NCOMM ? "community" : "village";
		s->cat = -1;
		fmt_into(s->code, sizeof(s->code), "C%s", g->vill[v].code);
		fmt_into(s->name, sizeof(s->name), "%s%s", g->vill[v].name,
			 v < NCOMM ? "居民委员会" : "村民委员会");
		s->village = v;
		s->township = g->vill[v].township;
		s->from = 0;
		s->to = -1;
		s->dept = -1;
	}
	for (c = 0; c < C__COUNT; c++) {
		for (k = 0; k < demo_categories[c].n; k++, n++) {
			struct subj *s = &g->subj[NVILL + n];
			s->village = bench_any_village(g);
			s->township = g->vill[s->village].township;
			s->kind = demo_categories[c].kind;
			s->category = demo_categories[c].category;
			s->cat = c;
			s->dept = sector_dept(s->category);
			fmt_into(s->code, sizeof(s->code), "E%04d%05d", g->county, n + 1);
			fmt_into(s->name, sizeof(s->name), "%s%s%s%s%d", g->name,
				 g->town_name[s->township], SAMPLE_PICK(&g->r, bench_surnames),
				 demo_categories[c].word, k + 1);
			/* most on the list from the start; some joined in March 2023 */
			s->from = n % 97 == 5 ? 14 : 0;
			s->to = -1;
		}
	}
	/* restaurants that left the list in 2022 */
	for (k = 0; k < NLEFT; k++) {
		struct subj *s = &g->subj[NVILL + NENT + k];
		s->village = bench_any_village(g);
		s->township = g->vill[s->village].township;
		s->kind = "enterprise";
		s->category = "restaurant";
		s->cat = C_RESTAURANT;
		s->dept = sector_dept(s->category);
		fmt_into(s->code, sizeof(s->code), "X%04d%03d", g->county, k + 1);
		fmt_into(s->name, sizeof(s->name), "%s%s已关停饭店%d", g->name,
			 g->town_name[s->township], k + 1);
		s->from = 0;
		s->to = 2 + k % 9;
	}
}

/* The "create" version of each subject of the district, from its stored row. */
static int load_history(struct gen *g, struct strbuf *err)
{
	struct timespec t0;
	int64_t n;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = stored_history_created(g->db, &subject_desc, g->code, g->sys.username, &n, err);
	g->rows[T_HISTORY] += n;
	g->district_rows += n;
	g->secs[T_HISTORY] += seconds_since(&t0);
	return ret;
}

static int load_subjects(struct gen *g, struct strbuf *err)
{
	int i;

	if (bench_load_begin(g, T_SUBJECTS, err))
		return -1;
	for (i = 0; i < NSUBJ; i++) {
		const struct subj *s = &g->subj[i];
		const struct village *v = &g->vill[s->village];
		int enterprise = s->cat >= 0;
		SET(g, "code", s->code);
		SET(g, "name", s->name);
		SET(g, "kind", s->kind);
		SET(g, "category", s->category);
		SET(g, "township", town_code(g, s->township));
		SET(g, "village", v->code);
		SET(g, "grid", v->grid);
		SET(g, "supervisor", supervisor_code(g, s));
		if (enterprise) {
			const char *road = SAMPLE_PICK(&g->r, roads);
			int no = sample_between(&g->r, 1, 300);
			SET(g, "address",
			    bench_rowf(&g->row, "%s%s路%d号", g->town_name[s->township], road, no));
		} else {
			SET(g, "address",
			    bench_rowf(&g->row, "%s%s", g->town_name[s->township], v->name));
		}
		SET(g, "contact_name",
		    bench_rowf(&g->row, "%s%s", SAMPLE_PICK(&g->r, bench_surnames),
			       enterprise ? "经理" :
			       i % 3      ? "书记" :
					    "主任"));
		if (enterprise)
			SET(g, "credit_code", credit_code(g, !strcmp(s->kind, "institution")));
		SET(g, "active_from", g->month[s->from]);
		if (s->to >= 0)
			SET(g, "active_to", g->month[s->to]);
		SET(g, "district", g->code);
		if (bench_load_row(g, err)) {
			bench_load_end(g, NULL);
			return -1;
		}
	}
	return bench_load_end(g, err);
}

/* ---- one district ---- */

/* The district's determinations are to be computed (all of them: it is new). */
static int mark_stale(struct gen *g, struct strbuf *err)
{
	if (assess_mark_stale(g->db, g->code, err))
		return -1;
	g->rows[T_STALE]++;
	g->district_rows++;
	return 0;
}

/* County number of district `i` (0-based): 1, 2, ..., skipping the demo's. */
static int county_of(int i)
{
	return i + 1 >= DEMO_COUNTY ? i + 2 : i + 1;
}

static void district_init(struct gen *g, int i)
{
	g->county = county_of(i);
	fmt_into(g->prefix, sizeof(g->prefix), "41%04d", g->county);
	fmt_into(g->code, sizeof(g->code), "%s000000", g->prefix);
	/* each district its own stream: district i is the same whatever N is */
	rng_init(&g->r, RNG_SPLITMIX,
		 g->seed ^ (0xd1b54a32d192ed03ULL * (uint64_t)(g->county + 1)));
	rng_next(&g->r);
	g->factor = sample_between(&g->r, 850, 1150);
}

static int gen_district(struct gen *g, int i, int total, const char *audit_detail,
			struct strbuf *err)
{
	struct timespec t0;
	int ret = -1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	district_init(g, i);
	g->district_rows = 0;
	plan_places(g);
	plan_subjects(g);
	bench_plan_fails(g);
	bench_plan_petitions(g);
	bench_plan_inspections(g);
	bench_plan_accidents(g);
	bench_plan_cases(g);
	if (db_begin(g->db, err))
		goto cleanup;
	if (audit_detail && audit_append(g->db, &g->sys, "gen.scale", "regions", "ok", audit_detail,
					 err))
		goto cleanup;
	if (load_places(g, err) || load_departments(g, err) || load_subjects(g, err) ||
	    load_history(g, err) || bench_load_petitions(g, err) || bench_load_activities(g, err) ||
	    bench_load_inspections(g, err) || bench_load_accidents(g, err) ||
	    bench_load_cases(g, err) || bench_load_disputes(g, err) || mark_stale(g, err) ||
	    (g->opt->patrol_year && (bench_load_patrols(g, err) ||
				     grass_patrol_cells_fill(g->db, g->code, err))))
		goto cleanup;
	if (db_commit(g->db, err))
		goto cleanup;
	ret = 0;
	fprintf(g->out, "district %d/%d %s %s: %" PRId64 " rows in %.2f s\n", i + 1, total, g->code,
		g->name, g->district_rows, seconds_since(&t0));
	fflush(g->out);
cleanup:
	if (ret) {
		db_rollback(g->db);
		strbuf_addf(err, " (district %s, %d of %d", g->code, i + 1, total);
		if (i)
			strbuf_addf(err, "; the %d before it stay loaded", i);
		strbuf_addch(err, ')');
	}
	return ret;
}

/* Refuse when any of the districts exists: one query over their range of codes. */
static int check_absent(struct gen *g, int counties, struct strbuf *err)
{
	struct db_stmt *st = NULL;
	char lo[32], hi[32];
	int rc, ret = 0;

	snprintf(lo, sizeof(lo), "41%04d000000", county_of(0));
	snprintf(hi, sizeof(hi), "41%04d000000", county_of(counties - 1));
	if (db_prepare(g->db, "SELECT code FROM regions WHERE level = 'district' AND code >= ? "
		       "AND code <= ? ORDER BY code", &st, err))
		return -1;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *code = db_column_text(st, 0);
		int county = atoi(code + 2);
		if (strlen(code) == 12 && !strcmp(code + 6, "000000") && county != DEMO_COUNTY) {
			strbuf_addf(err,
				    "district %s is already loaded: gen scale needs a database "
				    "without its districts",
				    code);
			ret = -1;
			break;
		}
	}
	if (rc < 0)
		ret = -1;
	db_finalize(st);
	return ret;
}

static void print_totals(struct gen *g, double secs)
{
	int64_t all = 0, ev = 0;
	double ev_secs = 0;
	int t;

	fprintf(g->out, "\n%-20s %12s %10s %12s\n", "table", "rows", "seconds", "rows/s");
	for (t = 0; t < T__COUNT; t++) {
		if (t == T_PATROLS && !g->opt->patrol_year)
			continue;
		all += g->rows[t];
		if (tables[t].event) {
			ev += g->rows[t];
			ev_secs += g->secs[t];
		}
		fprintf(g->out, "%-20s %12" PRId64 " %10.2f %12.0f\n", tables[t].name, g->rows[t],
			g->secs[t], g->secs[t] > 0 ? (double)g->rows[t] / g->secs[t] : 0.0);
	}
	fprintf(g->out, "%-20s %12" PRId64 " %10.2f %12.0f\n", "subjects+events", ev, ev_secs,
		ev_secs > 0 ? (double)ev / ev_secs : 0.0);
	fprintf(g->out, "%-20s %12" PRId64 " %10.2f %12.0f\n", "total (wall)", all, secs,
		secs > 0 ? (double)all / secs : 0.0);
}

int bench_data_load(struct db *db, int counties, uint64_t seed, FILE *out, struct strbuf *err)
{
	static const struct bench_options none;

	return bench_data_load_opts(db, counties, seed, &none, out, err);
}

int bench_data_load_opts(struct db *db, int counties, uint64_t seed,
			 const struct bench_options *opt, FILE *out, struct strbuf *err)
{
	struct gen *g;
	struct strbuf detail = STRBUF_INIT;
	struct timespec t0;
	int i, ret = -1;

	if (counties < 1 || county_of(counties - 1) > 9999) {
		strbuf_addstr(err, "the number of counties must be 1 to 9998");
		return -1;
	}
	if (opt->patrol_year && (opt->patrol_year < 2000 || opt->patrol_year > 9999 ||
				 opt->grids < NVILL || opt->grids > NVILL * 99 ||
				 opt->miss_permille < 0 || opt->miss_permille > 1000)) {
		strbuf_addf(err, "patrols: the year must be 2000 to 9999, the grids %d to %d, the "
			    "misses 0 to 1000 per mille", NVILL, NVILL * 99);
		return -1;
	}
	g = xcalloc(1, sizeof(*g));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	g->db = db;
	g->out = out;
	g->seed = seed;
	g->opt = opt;
	actor_system(&g->sys);
	/* created_at and updated_at: a moment of 2023-09-01 (UTC) chosen by the seed */
	snprintf(g->epoch, sizeof(g->epoch), "%" PRId64,
		 (int64_t)1693526400 + (int64_t)(seed % 86400));
	calendar(g);
	for (i = 0; i < T__COUNT; i++)
		if (tables[i].ed && stored_columns_init(&g->cols[i], tables[i].ed, err))
			goto cleanup;
	if (check_absent(g, counties, err))
		goto cleanup;
	if (opt->patrol_csv &&
	    fputs("no,grid,patroller,patrolled_on,slot,started_at,ended_at,notes\n",
		  opt->patrol_csv) < 0) {
		strbuf_addstr(err, "patrols: cannot write the CSV file");
		goto cleanup;
	}
	strbuf_addf(&detail, "counties=%d seed=%" PRIu64 " districts=41%04d000000..41%04d000000",
		    counties, seed, county_of(0), county_of(counties - 1));
	if (opt->patrol_year)
		strbuf_addf(&detail, " patrols=%d grids=%d misses=%d%s", opt->patrol_year,
			    opt->grids, opt->miss_permille, opt->patrol_csv ? " (csv)" : "");
	/* a page cache of 256 MiB while loading (SQLite): the indexes of a province outgrow 2 MiB */
	if (db_dialect(db) == DB_SQLITE)
		db_exec(db, "PRAGMA cache_size = -262144", NULL);
	for (i = 0; i < counties; i++)
		if (gen_district(g, i, counties, i ? NULL : detail.buf, err))
			goto cleanup;
	print_totals(g, seconds_since(&t0));
	ret = 0;
cleanup:
	free(g->fails.v);
	free(g->pets.v);
	free(g->insps.v);
	free(g->accs.v);
	free(g->kases.v);
	free(g);
	strbuf_release(&detail);
	return ret;
}
