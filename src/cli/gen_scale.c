/*
 * gen_scale.c: N districts of the demo's shape for the benchmarks (see
 * gen_scale.h).  Each district is planned in memory — its places,
 * departments, subjects, which subjects fail which month and by what, and
 * every event of January 2022 to August 2023 — then streamed table by
 * table through db_bulk_*() in one transaction.  Rows are written in the
 * form the descriptors' hooks (src/model/entities.c, events.c) would have
 * stored them: district, township and grid of an event from its subject,
 * petitions' collective/repeat/due dates, hazards' state, accidents' class,
 * cases' defaults, dates in order and never after 2023-08-31.
 *
 * Deliberately not a validator and not the demo: nothing here reads the
 * database row by row, and nothing is planned to give particular figures —
 * only the demo's volumes and ratios (about 85 % of villages and 98 % of
 * enterprises complying each year, most petitions staying at village or
 * township level, almost every hazard rectified).  Every event outside the
 * plan of failures fails no one under the default veto rules.
 */
#include "cli/demo_shape.h"
#include "cli/gen_scale.h"
#include "cli/sample.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "base/date.h"
#include "assess/assess.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "model/audit.h"
#include "model/entities.h"
#include "model/stored.h"
#include "model/role.h"

#define NTOWN 20
#define NVILL 475
#define NCOMM 35  /* of the villages: communities, in the towns' seats */
#define NENT 1726
#define NLEFT 12  /* enterprises that left the list in 2022 */
#define NSUBJ (NVILL + NENT + NLEFT)
#define NMONTHS 20 /* 2022-01 .. 2023-08 */
#define NDAYS 700  /* day strings: the 608 days and room for due dates after them */
#define DEMO_COUNTY 1603
#define NF(a) (sizeof(a) / sizeof((a)[0]))

static int min_int(int a, int b)
{
	return a < b ? a : b;
}

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
static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱",
	"高", "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于",
	"董", "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏",
};
static const char *const given[] = {
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

/* departments of the district: code suffix, name after the district's, roles */
enum { D_OFFICE, D_PETITION, D_SAFETY, D_POLICE };
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

/* enterprises and institutions per category: 1,726 in all (the demo's spread) */
enum cat {
	C_SCHOOL, C_KINDERGARTEN, C_HOSPITAL, C_MARKET, C_SCENIC, C_ENTERTAINMENT, C_CAFE,
	C_MALL, C_STATION, C_PHARMACY, C_RESTAURANT, C_FACTORY, C_MINE, C_RESEARCH, C_OTHER,
	C__COUNT
};
_Static_assert(C__COUNT == DEMO_NCATEGORIES, "the categories are demo_shape.c's, in its order");

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

/* relative weight of each calendar month (Spring Festival low, spring and summer high) */
static const int season[12] = { 82, 74, 98, 104, 108, 106, 102, 104, 96, 100, 92, 88 };

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

/* ---- the tables, in the order they are loaded ---- */

enum table {
	T_REGIONS, T_DEPARTMENTS, T_SECTOR_MAP, T_SUBJECTS, T_HISTORY, T_PETITIONS, T_ACTIVITIES,
	T_LETTERS, T_VILLAGE_RECORDS, T_INSPECTIONS, T_HAZARDS, T_ACCIDENTS, T_CASES, T_DISPUTES,
	T_STALE, T__COUNT
};

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
	{ "districts marked stale", NULL, 0 },
};

/* ---- one row's values ---- */

#define ROW_BUFSZ 4096

struct row {
	const char *v[STORED_MAX_COLUMNS];
	char buf[ROW_BUFSZ];
	size_t used;
	int overflow;
	const char *unknown; /* a column set that the table does not have */
};

static void row_reset(struct row *r)
{
	memset(r->v, 0, sizeof(r->v));
	r->used = 0;
}

/* A formatted value kept in the row's buffer until the next row_reset(). */
__attribute__((format(printf, 2, 3)))
static const char *rowf(struct row *r, const char *fmt, ...)
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

static const char *rowint(struct row *r, int64_t v)
{
	return rowf(r, "%" PRId64, v);
}

/* ---- the generator's state ---- */

struct village {
	char code[40], grid[48], name[64];
	int township;
};

struct subj {
	char code[48], name[128];
	const char *kind, *category;
	int cat;     /* enum cat, or -1 for villages and communities */
	int village; /* where it stands */
	int township;
	int from, to; /* months on the list (0 = 2022-01); to = -1 while on it */
	int dept;     /* departments[] index of its supervisor, or -1: its township's */
};

enum why { W_PETITION, W_COLLECTIVE, W_ACCIDENT, W_CRIMINAL, W_MAJOR };

struct fail {
	int s, m;
	enum why why;
};

struct pet {
	int day, ord, s, township, persons, prev, seq, year;
	int channel, level, category;
};

struct insp {
	int day, ord, s, domain, hazard, seq;
};

struct acc {
	int day, ord, s, township, domain, deaths, injuries, serious, production;
	int64_t loss_fen;
};

struct kase {
	int day, ord, s, township, criminal, major, category, coerced, prosecuted;
};

struct gen {
	struct db *db;
	FILE *out;
	uint64_t seed;
	char epoch[24]; /* created_at and updated_at of every row */
	struct actor sys;

	/* the calendar */
	int mstart[NMONTHS + 1];
	int last;
	char day[NDAYS][DATE_BUFSZ];
	char month[NMONTHS][MONTH_BUFSZ];
	int64_t season_sum;

	/* the district being generated */
	int county;
	char code[40];   /* 41cccc000000 */
	char prefix[16]; /* 41cccc */
	char name[32];
	char town_name[NTOWN][32];
	char dept_code[NF(departments)][24];
	char town[NTOWN][40]; /* township codes */
	char town_dept[NTOWN][24];
	int factor; /* per mille */
	struct rng r;
	struct village vill[NVILL];
	struct subj subj[NSUBJ];
	SAMPLE_VEC(struct fail) fails;
	SAMPLE_VEC(struct pet) pets;
	SAMPLE_VEC(struct insp) insps;
	SAMPLE_VEC(struct acc) accs;
	SAMPLE_VEC(struct kase) kases;

	/* loading */
	struct stored_columns cols[T__COUNT]; /* of the bulk loads */
	struct row row;
	struct db_bulk *bulk;
	enum table table;
	int col_next;
	int64_t rows[T__COUNT];
	int64_t district_rows;
	double secs[T__COUNT];
	struct timespec t_table;
};

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void calendar(struct gen *g)
{
	int64_t day0 = date_days("2022-01-01");
	int m, d;

	g->mstart[0] = 0;
	for (m = 0; m < NMONTHS; m++) {
		g->mstart[m + 1] = g->mstart[m] + date_days_in_month(2022 + m / 12, m % 12 + 1);
		month_add("2022-01", m, g->month[m]);
	}
	g->last = g->mstart[NMONTHS] - 1;
	for (d = 0; d < NDAYS; d++)
		date_from_days(day0 + d, g->day[d]);
	g->season_sum = 0;
	for (m = 0; m < 12; m++)
		g->season_sum += season[m];
}

static int day_in(struct gen *g, int m)
{
	return sample_between(&g->r, g->mstart[m], g->mstart[m + 1] - 1);
}

static int year_of_day(const struct gen *g, int day)
{
	return day < g->mstart[12] ? 2022 : 2023;
}

/*
 * How many of a kind of event fall in month `m`, of `annual` a year in an
 * average district: its share of the season times the district's factor,
 * with the fractions carried from month to month in `*carry`.
 */
static int monthly(struct gen *g, int m, int annual, int64_t *carry)
{
	int64_t den = g->season_sum * 1000, n;

	*carry += (int64_t)annual * season[m % 12] * g->factor;
	n = *carry / den;
	*carry -= n * den;
	return (int)n;
}

static int on_list(const struct subj *s, int m)
{
	return m >= s->from && (s->to < 0 || m <= s->to);
}

static int any_village(struct gen *g)
{
	return sample_below(&g->r, NVILL);
}

static int any_enterprise(struct gen *g, int m)
{
	for (;;) {
		int s = NVILL + sample_below(&g->r, NENT + NLEFT);
		if (on_list(&g->subj[s], m))
			return s;
	}
}

static int village_in(struct gen *g, int t)
{
	for (;;) {
		int v = any_village(g);
		if (g->vill[v].township == t)
			return v;
	}
}

/* An enterprise on the list in month `m` whose category is in `pool` (ends with -1). */
static int enterprise_of(struct gen *g, int m, const int *pool)
{
	int tries, k;

	for (tries = 0; tries < 10000; tries++) {
		int s = any_enterprise(g, m);
		for (k = 0; pool[k] >= 0; k++)
			if (g->subj[s].cat == pool[k])
				return s;
	}
	return any_enterprise(g, m);
}

static const char *supervisor_code(const struct gen *g, const struct subj *s)
{
	return s->dept >= 0 ? g->dept_code[s->dept] : g->town_dept[s->township];
}

static const char *town_code(struct gen *g, int t)
{
	return g->town[t];
}

/* A unified social credit code of the district, kept in the row. */
static const char *credit_code(struct gen *g, int institution)
{
	char code[CREDIT_CODE_BUFSZ];

	sample_credit_code(&g->r, institution, g->prefix, code);
	return rowf(&g->row, "%s", code);
}

/* ---- loading ---- */

static int load_begin(struct gen *g, enum table t, struct strbuf *err)
{
	g->table = t;
	g->col_next = 0;
	clock_gettime(CLOCK_MONOTONIC, &g->t_table);
	return db_bulk_begin(g->db, tables[t].ed->table, g->cols[t].name, g->cols[t].n, &g->bulk,
			     err) ? -1 : 0;
}

/* Send the row built in g->row (the common tail filled here) and start the next. */
static int load_row(struct gen *g, struct strbuf *err)
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

static int load_end(struct gen *g, struct strbuf *err)
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
static int col(struct gen *g, const char *key)
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
	/* a column name misspelt in this file: load_row() refuses the row */
	g->row.unknown = key;
	return STORED_MAX_COLUMNS - 1;
}

#define SET(g, key, val) ((g)->row.v[col((g), (key))] = (val))

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
		fmt_into(g->town_dept[t], sizeof(g->town_dept[t]), "%04d-XZ%03d", g->county, 100 + t);
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
			SAMPLE_NAME(&g->r, surnames, village_suffix, "村", p->name, sizeof(p->name));
	}
}

static int load_places(struct gen *g, struct strbuf *err)
{
	int t, v;

	if (load_begin(g, T_REGIONS, err))
		return -1;
	SET(g, "code", g->code);
	SET(g, "name", g->name);
	SET(g, "level", "district");
	SET(g, "district", g->code);
	SET(g, "active", "1");
	if (load_row(g, err))
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
		if (load_row(g, err))
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
		if (load_row(g, err))
			goto fail;
	}
	for (v = 0; v < NVILL; v++) {
		SET(g, "code", g->vill[v].grid);
		SET(g, "name", rowf(&g->row, "第%d网格", v + 1));
		SET(g, "level", "grid");
		SET(g, "parent", g->vill[v].code);
		SET(g, "district", g->code);
		SET(g, "township", town_code(g, g->vill[v].township));
		SET(g, "active", "1");
		if (load_row(g, err))
			goto fail;
	}
	return load_end(g, err);
fail:
	load_end(g, NULL);
	return -1;
}

static int load_departments(struct gen *g, struct strbuf *err)
{
	size_t i;
	int t;

	if (load_begin(g, T_DEPARTMENTS, err))
		return -1;
	for (i = 0; i < NF(departments); i++) {
		SET(g, "code", g->dept_code[i]);
		SET(g, "name", rowf(&g->row, "%s%s", g->name, departments[i][1]));
		SET(g, "roles", departments[i][2]);
		SET(g, "region", g->code);
		SET(g, "district", g->code);
		SET(g, "active", "1");
		if (load_row(g, err))
			goto fail;
	}
	for (t = 0; t < NTOWN; t++) {
		SET(g, "code", g->town_dept[t]);
		SET(g, "name", rowf(&g->row, "%s人民政府", g->town_name[t]));
		SET(g, "roles", "township");
		SET(g, "region", town_code(g, t));
		SET(g, "district", g->code);
		SET(g, "active", "1");
		if (load_row(g, err))
			goto fail;
	}
	if (load_end(g, err) || load_begin(g, T_SECTOR_MAP, err))
		return -1;
	for (i = 0; i < NF(sector_map); i++) {
		SET(g, "district", g->code);
		SET(g, "category", sector_map[i].category);
		SET(g, "department", g->dept_code[sector_map[i].dept]);
		if (load_row(g, err))
			goto fail;
	}
	return load_end(g, err);
fail:
	load_end(g, NULL);
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
			s->village = any_village(g);
			s->township = g->vill[s->village].township;
			s->kind = demo_categories[c].kind;
			s->category = demo_categories[c].category;
			s->cat = c;
			s->dept = sector_dept(s->category);
			fmt_into(s->code, sizeof(s->code), "E%04d%05d", g->county, n + 1);
			fmt_into(s->name, sizeof(s->name), "%s%s%s%s%d", g->name,
				 g->town_name[s->township], SAMPLE_PICK(&g->r, surnames), demo_categories[c].word,
				 k + 1);
			/* most on the list from the start; some joined in March 2023 */
			s->from = n % 97 == 5 ? 14 : 0;
			s->to = -1;
		}
	}
	/* restaurants that left the list in 2022 */
	for (k = 0; k < NLEFT; k++) {
		struct subj *s = &g->subj[NVILL + NENT + k];
		s->village = any_village(g);
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

	if (load_begin(g, T_SUBJECTS, err))
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
			SET(g, "address", rowf(&g->row, "%s%s路%d号", g->town_name[s->township], road, no));
		} else {
			SET(g, "address", rowf(&g->row, "%s%s", g->town_name[s->township], v->name));
		}
		SET(g, "contact_name", rowf(&g->row, "%s%s", SAMPLE_PICK(&g->r, surnames),
					    enterprise ? "经理" : i % 3 ? "书记" : "主任"));
		if (enterprise)
			SET(g, "credit_code", credit_code(g, !strcmp(s->kind, "institution")));
		SET(g, "active_from", g->month[s->from]);
		if (s->to >= 0)
			SET(g, "active_to", g->month[s->to]);
		SET(g, "district", g->code);
		if (load_row(g, err)) {
			load_end(g, NULL);
			return -1;
		}
	}
	return load_end(g, err);
}

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

static void plan_fails(struct gen *g)
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
					fail_add(g, s, m, sample_chance(&g->r, 12) ? W_MAJOR : W_CRIMINAL);
				}
				if (i < 9) {
					int m = first + sample_below(&g->r, months);
					fail_add(g, s, m, sample_chance(&g->r, 35) ? W_COLLECTIVE : W_PETITION);
				}
			} else if (i < vc + vp) {
				int n = 1 + sample_chance(&g->r, 25);
				for (k = 0; k < n; k++) {
					int m = first + sample_below(&g->r, months);
					fail_add(g, s, m, sample_chance(&g->r, 40) ? W_COLLECTIVE : W_PETITION);
				}
			} else {
				fail_add(g, s, first + sample_below(&g->r, months), W_ACCIDENT);
			}
		}
		for (i = vary(g, fail_plan[y][3]); i > 0; i--) {
			int m = first + sample_below(&g->r, months), e = enterprise_of(g, m, case_pool);
			fail_add(g, e, m, sample_chance(&g->r, 15) ? W_MAJOR : W_CRIMINAL);
		}
		for (i = vary(g, fail_plan[y][4]); i > 0; i--) {
			int m = first + sample_below(&g->r, months);
			fail_add(g, enterprise_of(g, m, accident_pool), m, W_ACCIDENT);
		}
		for (i = vary(g, fail_plan[y][5]); i > 0; i--) {
			int m = first + sample_below(&g->r, months), e = enterprise_of(g, m, petition_pool);
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
	p->category = sample_weighted(&g->r, enterprise ? enterprise_petition_w : village_petition_w, 7);
	p->prev = -1;
	return p;
}

/* A petition that fails no one: see the file's comment. */
static void filler_petition(struct gen *g, int m, int channel)
{
	int day = day_in(g, m), roll = sample_below(&g->r, 100), persons = 1;
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
			pet_new(g, day, channel, persons, L_VILLAGE, any_village(g), 0);
		else
			pet_new(g, day, channel, persons, L_TOWNSHIP, -1, town);
	} else if (roll < 22) {
		pet_new(g, day, channel, persons, L_COUNTY, -1, town);
	} else if (roll < 30) {
		pet_new(g, day, channel, persons, roll < 26 ? L_CITY : roll < 29 ? L_PROVINCE :
						  L_NATIONAL, -1, town);
	} else if (roll < 65) {
		pet_new(g, day, channel, persons, L_TOWNSHIP,
			sample_chance(&g->r, 80) ? any_village(g) : any_enterprise(g, m), 0);
	} else {
		pet_new(g, day, channel, persons, L_VILLAGE,
			sample_chance(&g->r, 85) ? any_village(g) : any_enterprise(g, m), 0);
	}
}

static void plan_petitions(struct gen *g)
{
	int64_t carry[4] = { 0, 0, 0, 0 };
	const int annual[4] = { rate.visits, rate.letters, rate.phones, rate.online };
	int m, c, k, i, seq = 0, year = 0;

	g->pets.n = 0;
	for (m = 0; m < NMONTHS; m++)
		for (c = 0; c < 4; c++)
			for (k = monthly(g, m, annual[c], &carry[c]); k > 0; k--)
				filler_petition(g, m, c);
	for (i = 0; i < g->fails.n; i++) {
		const struct fail *f = &g->fails.v[i];
		int day, channel, persons, level;
		if (f->why == W_PETITION) {
			/* one that reached the county or higher */
			day = day_in(g, f->m);
			channel = sample_below(&g->r, 4);
			persons = sample_between(&g->r, 1, 3);
			level = sample_between(&g->r, L_COUNTY, L_NATIONAL);
			pet_new(g, day, channel, persons, level, f->s, 0);
		} else if (f->why == W_COLLECTIVE) {
			/* a collective visit to the township or higher */
			struct pet *p;
			day = day_in(g, f->m);
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
		p->year = year_of_day(g, p->day);
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
	return rowf(&g->row, "XF%04d-%d-%05d", g->county, p->year, p->seq);
}

static int load_petitions(struct gen *g, struct strbuf *err)
{
	static const char *const sat[] = { "satisfied", "satisfied", "satisfied", "satisfied",
					   "satisfied", "satisfied", "satisfied", "basic", "basic",
					   "unsatisfied" };
	int i;

	if (load_begin(g, T_PETITIONS, err))
		return -1;
	for (i = 0; i < g->pets.n; i++) {
		const struct pet *p = &g->pets.v[i];
		const struct subj *s = p->s >= 0 ? &g->subj[p->s] : NULL;
		int age = g->last - p->day, roll = sample_below(&g->r, 100);
		int accepted = min_int(p->day + sample_between(&g->r, 0, 4), g->last);
		int replied = min_int(accepted + sample_between(&g->r, 5, 40), g->last);
		int resolved = min_int(replied + sample_between(&g->r, 0, 10), g->last);
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
		SET(g, "summary", rowf(&g->row, "%s%s", s ? s->name : g->town_name[p->township],
				       petition_texts[p->category]));
		if (age > 60)
			status = roll < 55 ? "closed" : "resolved";
		else if (age < 4 && roll < 50)
			status = "registered";
		else if (roll < 12 || age < 8)
			status = "accepted";
		else if (roll < 45 || replied == g->last)
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
			SET(g, "handling_dept", s ? supervisor_code(g, s) : g->town_dept[p->township]);
		if (p->prev >= 0)
			SET(g, "previous", pet_no(g, &g->pets.v[p->prev]));
		petition_derive(g->day[p->day], p->persons, p->prev >= 0, &derived);
		SET(g, "collective", derived.collective);
		SET(g, "repeat", derived.repeat);
		SET(g, "accept_due", rowf(&g->row, "%s", derived.accept_due));
		SET(g, "reply_due", rowf(&g->row, "%s", derived.reply_due));
		SET(g, "district", g->code);
		if (load_row(g, err)) {
			load_end(g, NULL);
			return -1;
		}
	}
	return load_end(g, err);
}

/* ---- petition work ---- */

static int int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

static int load_activities(struct gen *g, struct strbuf *err)
{
	int64_t carry = 0;
	int days[400];
	char head[64];
	int m, k, n, seq = 0, year = 0;

	if (load_begin(g, T_ACTIVITIES, err))
		return -1;
	for (m = 0; m < NMONTHS; m++) {
		n = min_int(monthly(g, m, rate.activities, &carry), (int)NF(days));
		for (k = 0; k < n; k++)
			days[k] = day_in(g, m);
		qsort(days, (size_t)n, sizeof(*days), int_cmp);
		for (k = 0; k < n; k++) {
			int kind = sample_weighted(&g->r, activity_kind_w, 6), v = any_village(g);
			int t = g->vill[v].township, county_level = kind < 3 && sample_chance(&g->r, 70);
			int y = year_of_day(g, days[k]);
			if (y != year) {
				year = y;
				seq = 0;
			}
			SET(g, "no", rowf(&g->row, "SF%04d-%d-%04d", g->county, y, ++seq));
			SET(g, "held_on", g->day[days[k]]);
			SET(g, "kind", activity_kinds[kind]);
			if (county_level)
				SAMPLE_NAME(&g->r, surnames, leaders, "", head, sizeof(head));
			else
				snprintf(head, sizeof(head), "%s%s", SAMPLE_PICK(&g->r, surnames),
					 t < 8 ? "镇长" : "乡长");
			SET(g, "leader", rowf(&g->row, "%s", head));
			if (kind == 2 && county_level) {
				SET(g, "place", rowf(&g->row, "%s信访局接待大厅", g->name));
			} else {
				SET(g, "place", rowf(&g->row, "%s%s", g->town_name[t], g->vill[v].name));
				SET(g, "township", town_code(g, t));
			}
			SET(g, "petitions_handled", rowint(&g->row, kind >= 4 ? 0 : sample_between(&g->r, 1, 6)));
			SET(g, "summary", activity_texts[kind]);
			SET(g, "district", g->code);
			if (load_row(g, err))
				goto fail;
		}
	}
	if (load_end(g, err))
		return -1;

	/* request letters: twice a month, with the latest petitions that reached the county */
	if (load_begin(g, T_LETTERS, err))
		return -1;
	for (m = 0; m < NMONTHS; m++) {
		int half;
		for (half = 0; half < 2; half++) {
			struct strbuf nos = STRBUF_INIT;
			int day = g->mstart[m] + (half ? 14 : 0) + sample_between(&g->r, 0, 2), i, got = 0;
			int want = sample_between(&g->r, 1, 3);
			const char *leader = rowf(&g->row, "%s%s", SAMPLE_PICK(&g->r, surnames),
						  leaders[(2 * m + half) % NF(leaders)]);
			for (i = 0; i < g->pets.n && g->pets.v[i].day < day; i++)
				;
			for (i--; i >= 0 && got < want && g->pets.v[i].day >= day - 20; i--) {
				const struct pet *p = &g->pets.v[i];
				if (p->level != L_COUNTY || p->s >= 0)
					continue;
				strbuf_addf(&nos, "%sXF%04d-%d-%05d", got ? "|" : "", g->county, p->year,
					    p->seq);
				got++;
			}
			SET(g, "no", rowf(&g->row, "TQH%04d-%d-%03d", g->county, 2022 + m / 12,
					  m % 12 * 2 + half + 1));
			SET(g, "sent_on", g->day[day]);
			SET(g, "leader", leader);
			if (got)
				SET(g, "petitions", rowf(&g->row, "%s", nos.buf));
			SET(g, "matters", rowf(&g->row, "提请%s于本月%s带案下访，督导化解信访事项%d件",
					       leader, half ? "下旬" : "中旬", got));
			SET(g, "district", g->code);
			strbuf_release(&nos);
			if (load_row(g, err))
				goto fail;
		}
	}
	if (load_end(g, err))
		return -1;

	/* village days (the 6th, 16th and 26th) and 调处室 records */
	if (load_begin(g, T_VILLAGE_RECORDS, err))
		return -1;
	{
		int64_t cd = 0, cr = 0;
		for (m = 0; m < NMONTHS; m++) {
			int nd = monthly(g, m, rate.village_days, &cd);
			int nr = monthly(g, m, rate.mediation_rooms, &cr);
			n = min_int(nd + nr, (int)NF(days));
			/* day * 2 + 1 marks a 调处室 record */
			for (k = 0; k < n; k++)
				days[k] = k < nd ? 2 * (g->mstart[m] + 5 + 10 * sample_below(&g->r, 3)) :
						   2 * day_in(g, m) + 1;
			qsort(days, (size_t)n, sizeof(*days), int_cmp);
			if (m == 0 || m == 12)
				seq = 0;
			for (k = 0; k < n; k++) {
				int room = days[k] & 1, v = any_village(g);
				int matters = room ? sample_between(&g->r, 1, 2) : sample_between(&g->r, 0, 8);
				SET(g, "no", rowf(&g->row, "CW%04d-%d-%05d", g->county, 2022 + m / 12,
						  ++seq));
				SET(g, "held_on", g->day[days[k] / 2]);
				SET(g, "kind", room ? "mediation_room" : "village_day");
				SET(g, "village", g->vill[v].code);
				SET(g, "participants", rowint(&g->row, room ? sample_between(&g->r, 3, 8) :
								     sample_between(&g->r, 8, 60)));
				SET(g, "matters", rowint(&g->row, matters));
				SET(g, "resolved", rowint(&g->row, matters - (matters && sample_chance(&g->r, 10))));
				SET(g, "summary", room ? "调处室调解邻里纠纷" : "逢六村务日，村两委集中办公，受理群众诉求");
				SET(g, "township", town_code(g, g->vill[v].township));
				SET(g, "district", g->code);
				if (load_row(g, err))
					goto fail;
			}
		}
	}
	return load_end(g, err);
fail:
	load_end(g, NULL);
	return -1;
}

/* ---- inspections and hazards ---- */

/* The safety domain an inspection of an enterprise of category `c` looks at. */
static int domain_for(struct rng *r, int c)
{
	int x = sample_below(r, 100);

	switch (c) {
	case C_RESTAURANT: return x < 60 ? DM_GAS : DM_FIRE;
	case C_FACTORY: return x < 25 ? DM_HAZCHEM : x < 60 ? DM_FIRE : x < 75 ? DM_CONSTRUCTION : DM_OTHER;
	case C_MINE: return x < 50 ? DM_OTHER : DM_CONSTRUCTION;
	case C_MARKET: return x < 60 ? DM_FIRE : DM_GAS;
	case C_STATION: return x < 70 ? DM_ROAD : DM_FIRE;
	case C_SCHOOL: case C_KINDERGARTEN: return x < 65 ? DM_FIRE : x < 85 ? DM_ROAD : DM_OTHER;
	case C_HOSPITAL: return x < 60 ? DM_FIRE : x < 80 ? DM_HAZCHEM : DM_GAS;
	case C_RESEARCH: return x < 50 ? DM_HAZCHEM : DM_FIRE;
	default: return x < 70 ? DM_FIRE : DM_OTHER;
	}
}

static void plan_inspections(struct gen *g)
{
	int64_t carry = 0;
	int m, k;

	g->insps.n = 0;
	for (m = 0; m < NMONTHS; m++) {
		for (k = monthly(g, m, rate.inspections, &carry); k > 0; k--) {
			struct insp *x = SAMPLE_PUSH(g->insps);
			x->day = day_in(g, m);
			x->ord = g->insps.n;
			x->s = any_enterprise(g, m);
			x->domain = domain_for(&g->r, g->subj[x->s].cat);
			x->hazard = sample_chance(&g->r, rate.hazard_pct);
		}
	}
	qsort(g->insps.v, (size_t)g->insps.n, sizeof(*g->insps.v), insp_cmp);
	{
		int i, year = 0, seq = 0;
		for (i = 0; i < g->insps.n; i++) {
			int y = year_of_day(g, g->insps.v[i].day);
			if (y != year) {
				year = y;
				seq = 0;
			}
			g->insps.v[i].seq = ++seq;
		}
	}
}

static int load_inspections(struct gen *g, struct strbuf *err)
{
	char one[64], two[64];
	int i, seq = 0, year = 0;

	if (load_begin(g, T_INSPECTIONS, err))
		return -1;
	for (i = 0; i < g->insps.n; i++) {
		const struct insp *x = &g->insps.v[i];
		const struct subj *s = &g->subj[x->s];
		SET(g, "no", rowf(&g->row, "JC%04d-%d-%06d", g->county, year_of_day(g, x->day),
				  x->seq));
		SET(g, "inspected_on", g->day[x->day]);
		SET(g, "subject", s->code);
		SET(g, "department", sample_chance(&g->r, 40) ? g->dept_code[D_SAFETY] : supervisor_code(g, s));
		SET(g, "domain", domains[x->domain]);
		SAMPLE_NAME(&g->r, surnames, given, "、", one, sizeof(one));
		SAMPLE_NAME(&g->r, surnames, given, "", two, sizeof(two));
		SET(g, "inspector", rowf(&g->row, "%s%s", one, two));
		SET(g, "findings", x->hazard ? "发现隐患1处，已当场下达整改通知书" :
					       "未发现明显隐患，现场进行安全提示");
		SET(g, "township", town_code(g, s->township));
		SET(g, "grid", g->vill[s->village].grid);
		SET(g, "district", g->code);
		if (load_row(g, err)) {
			load_end(g, NULL);
			return -1;
		}
	}
	if (load_end(g, err) || load_begin(g, T_HAZARDS, err))
		return -1;
	seq = year = 0;
	for (i = 0; i < g->insps.n; i++) {
		const struct insp *x = &g->insps.v[i];
		const struct subj *s = &g->subj[x->s];
		int y = year_of_day(g, x->day), found = x->day, deadline, rectified, verified;
		const char *rectified_on, *verified_on;
		int major;
		if (y != year) {
			year = y;
			seq = 0;
		}
		if (!x->hazard)
			continue;
		major = sample_chance(&g->r, 2) && found < g->last - 45;
		deadline = found + (major ? 60 : sample_between(&g->r, 7, 20));
		rectified = min_int(found + sample_between(&g->r, 1, major ? 45 : 7), g->last);
		verified = rectified + sample_between(&g->r, 0, 5);
		/* most are rectified; some of the last month's are still open */
		if (found > g->last - 30 && sample_chance(&g->r, 30))
			rectified = verified = -1;
		SET(g, "no", rowf(&g->row, "YH%04d-%d-%05d", g->county, y, ++seq));
		SET(g, "inspection", rowf(&g->row, "JC%04d-%d-%06d", g->county, y, x->seq));
		SET(g, "subject", s->code);
		SET(g, "level", major ? "major" : "general");
		SET(g, "domain", domains[x->domain]);
		SET(g, "found_on", g->day[found]);
		SET(g, "deadline", g->day[deadline]);
		rectified_on = rectified >= 0 ? g->day[rectified] : NULL;
		verified_on = rectified >= 0 && verified <= g->last ? g->day[verified] : NULL;
		SET(g, "rectified_on", rectified_on);
		SET(g, "verified_on", verified_on);
		SET(g, "description", hazard_texts[x->domain]);
		if (rectified >= 0)
			SET(g, "evidence", "整改前后照片及整改报告已存档");
		SET(g, "state", hazard_state(rectified_on, verified_on));
		SET(g, "township", town_code(g, s->township));
		SET(g, "grid", g->vill[s->village].grid);
		SET(g, "district", g->code);
		if (load_row(g, err)) {
			load_end(g, NULL);
			return -1;
		}
	}
	return load_end(g, err);
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

static void plan_accidents(struct gen *g)
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
		a->day = day_in(g, f->m);
		a->ord = g->accs.n;
		a->s = f->s;
		a->township = g->subj[f->s].township;
		a->domain = accident_domain_at(&g->r, &g->subj[f->s]);
		a->deaths = sample_chance(&g->r, 15);
		a->injuries = sample_between(&g->r, a->deaths ? 0 : 1, 3);
		a->serious = a->injuries ? sample_between(&g->r, 0, a->injuries) : 0;
		a->production = a->domain != DM_FIRE && a->domain != DM_GAS ? 1 : sample_chance(&g->r, 50);
		a->loss_fen = (int64_t)sample_between(&g->r, 2, 60) * 100000;
	}
	for (m = 0; m < NMONTHS; m++) {
		for (k = monthly(g, m, rate.road_accidents, &cr); k > 0; k--) {
			/* on the roads: nobody's creation subject */
			struct acc *a = SAMPLE_PUSH(g->accs);
			a->day = day_in(g, m);
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
		for (k = monthly(g, m, rate.minor_accidents, &cm); k > 0; k--) {
			/* at a subject, without casualties */
			struct acc *a = SAMPLE_PUSH(g->accs);
			a->day = day_in(g, m);
			a->ord = g->accs.n;
			a->s = sample_chance(&g->r, 50) ? any_village(g) : any_enterprise(g, m);
			a->township = g->subj[a->s].township;
			a->domain = accident_domain_at(&g->r, &g->subj[a->s]);
			a->production = sample_chance(&g->r, 40);
			a->loss_fen = (int64_t)sample_between(&g->r, 1, 30) * 100000;
		}
	}
	qsort(g->accs.v, (size_t)g->accs.n, sizeof(*g->accs.v), acc_cmp);
}

static int load_accidents(struct gen *g, struct strbuf *err)
{
	static const char *const texts[] = { "液化气泄漏引发爆燃", "装卸危险化学品时发生泄漏",
					     "发生一起两车相撞道路交通事故", "一名作业人员高处坠落",
					     "电气线路老化短路引发火灾", "一名工人在设备检修时受伤" };
	int i, seq = 0, year = 0;

	if (load_begin(g, T_ACCIDENTS, err))
		return -1;
	for (i = 0; i < g->accs.n; i++) {
		const struct acc *a = &g->accs.v[i];
		const struct subj *s = a->s >= 0 ? &g->subj[a->s] : NULL;
		int y = year_of_day(g, a->day);
		if (y != year) {
			year = y;
			seq = 0;
		}
		SET(g, "no", rowf(&g->row, "SG%04d-%d-%04d", g->county, y, ++seq));
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
		SET(g, "summary", rowf(&g->row, "%s%s，伤亡%d人", s ? s->name : g->town_name[a->township],
				       texts[a->domain], a->deaths + a->injuries));
		SET(g, "serious_injuries", rowint(&g->row, a->serious));
		SET(g, "class", accident_class(a->deaths, a->serious, a->loss_fen));
		SET(g, "district", g->code);
		if (load_row(g, err)) {
			load_end(g, NULL);
			return -1;
		}
	}
	return load_end(g, err);
}

/* ---- cases ---- */

static void plan_cases(struct gen *g)
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
		c->day = day_in(g, f->m);
		c->ord = g->kases.n;
		c->s = f->s;
		c->township = g->subj[f->s].township;
		c->criminal = f->why == W_CRIMINAL;
		c->major = !c->criminal;
		c->category = c->criminal ? sample_weighted(&g->r, criminal_w, 6) : sample_chance(&g->r, 50) ? 4 : 1;
	}
	for (m = 0; m < NMONTHS; m++) {
		/* criminal cases that belong to no creation subject */
		for (k = monthly(g, m, rate.criminal, &cc); k > 0; k--) {
			struct kase *c = SAMPLE_PUSH(g->kases);
			c->day = day_in(g, m);
			c->ord = g->kases.n;
			c->s = -1;
			c->township = sample_below(&g->r, NTOWN);
			c->criminal = 1;
			c->category = sample_weighted(&g->r, criminal_w, 6);
		}
		/* public-order cases without major impact, at a subject or not */
		for (k = monthly(g, m, rate.public_order, &cp); k > 0; k--) {
			struct kase *c = SAMPLE_PUSH(g->kases);
			int roll = sample_below(&g->r, 100);
			c->day = day_in(g, m);
			c->ord = g->kases.n;
			c->s = roll < 30 ? any_village(g) : roll < 45 ? any_enterprise(g, m) : -1;
			c->township = c->s >= 0 ? g->subj[c->s].township : sample_below(&g->r, NTOWN);
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
		if (c->day >= g->last - 35)
			c->prosecuted = 0;
		else
			c->prosecuted = c->coerced - (sample_chance(&g->r, 20) ? 1 : 0);
	}
}

static int load_cases(struct gen *g, struct strbuf *err)
{
	int i, seq[2] = { 0, 0 }, year = 0;

	if (load_begin(g, T_CASES, err))
		return -1;
	for (i = 0; i < g->kases.n; i++) {
		const struct kase *c = &g->kases.v[i];
		const struct subj *s = c->s >= 0 ? &g->subj[c->s] : NULL;
		int y = year_of_day(g, c->day), age = g->last - c->day;
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
		SET(g, "no", rowf(&g->row, "%s%04d-%d-%05d", c->criminal ? "XS" : "ZA", g->county, y,
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
		SET(g, "summary", rowf(&g->row, "%s%s", s ? s->name : g->town_name[c->township],
				       case_texts[c->category]));
		SET(g, "district", g->code);
		if (load_row(g, err)) {
			load_end(g, NULL);
			return -1;
		}
	}
	return load_end(g, err);
}

/* ---- disputes ---- */

static int load_disputes(struct gen *g, struct strbuf *err)
{
	static const char *const sources[] = { "grid", "informant", "petition", "walk_in", "hotline" };
	static const int source_w[] = { 40, 20, 10, 20, 10 };
	static const char *const kinds[] = { "people", "administrative", "judicial" };
	static const int kind_w[] = { 75, 18, 7 };
	static const int hospital[] = { C_HOSPITAL, -1 }, employers[] = { C_FACTORY, C_RESTAURANT, -1 };
	int64_t carry = 0;
	int days[100];
	char mediator[96];
	int m, k, n, seq = 0;

	if (load_begin(g, T_DISPUTES, err))
		return -1;
	for (m = 0; m < NMONTHS; m++) {
		n = min_int(monthly(g, m, rate.disputes, &carry), (int)NF(days));
		for (k = 0; k < n; k++)
			days[k] = day_in(g, m);
		qsort(days, (size_t)n, sizeof(*days), int_cmp);
		if (m == 0 || m == 12)
			seq = 0;
		for (k = 0; k < n; k++) {
			int found = days[k], cat = sample_weighted(&g->r, dispute_category_w, 8), s = -1;
			int t, closed = -1, roll = sample_below(&g->r, 100);
			const char *status;
			if (cat == DC_MEDICAL)
				s = enterprise_of(g, m, hospital);
			else if (cat == DC_LABOUR)
				s = enterprise_of(g, m, employers);
			else if (cat == DC_PROPERTY)
				s = sample_below(&g->r, NCOMM);
			else if (sample_chance(&g->r, 80))
				s = any_village(g);
			t = s >= 0 ? g->subj[s].township : sample_below(&g->r, NTOWN);
			if (found > g->last - 40 && roll < 60) {
				/* still open at the end */
				status = roll < 25 ? "registered" : "mediating";
			} else {
				roll = sample_below(&g->r, 100);
				status = roll < 96 ? "success" : roll < 98 ? "failed" : "referred";
				closed = min_int(found + sample_between(&g->r, 1, 25), g->last);
			}
			SET(g, "no", rowf(&g->row, "JF%04d-%d-%04d", g->county, 2022 + m / 12, ++seq));
			SET(g, "found_on", g->day[found]);
			SET(g, "source", sources[sample_weighted(&g->r, source_w, 5)]);
			SET(g, "category", dispute_categories[cat]);
			if (s >= 0) {
				SET(g, "subject", g->subj[s].code);
				SET(g, "grid", g->vill[g->subj[s].village].grid);
			} else {
				SET(g, "grid", g->vill[village_in(g, t)].grid);
			}
			SET(g, "township", town_code(g, t));
			SET(g, "mediation", kinds[sample_weighted(&g->r, kind_w, 3)]);
			SET(g, "status", status);
			if (closed >= 0)
				SET(g, "closed_on", g->day[closed]);
			SET(g, "amount", rowint(&g->row, cat == DC_FAMILY ? 0 :
						(int64_t)sample_between(&g->r, 1, 200) * 50000));
			SET(g, "risk", sample_chance(&g->r, 70) ? "low" : sample_chance(&g->r, 80) ? "medium" : "high");
			SET(g, "deadline", g->day[found + 30]);
			SAMPLE_NAME(&g->r, surnames, given, "（人民调解员）", mediator, sizeof(mediator));
			SET(g, "mediator", rowf(&g->row, "%s", mediator));
			SET(g, "summary", rowf(&g->row, "%s%s", s >= 0 ? g->subj[s].name : g->town_name[t],
					       dispute_texts[cat]));
			SET(g, "district", g->code);
			if (load_row(g, err)) {
				load_end(g, NULL);
				return -1;
			}
		}
	}
	return load_end(g, err);
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
	rng_init(&g->r, RNG_SPLITMIX, g->seed ^ (0xd1b54a32d192ed03ULL * (uint64_t)(g->county + 1)));
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
	plan_fails(g);
	plan_petitions(g);
	plan_inspections(g);
	plan_accidents(g);
	plan_cases(g);
	if (db_begin(g->db, err))
		goto cleanup;
	if (audit_detail && audit_append(g->db, &g->sys, "gen.scale", "regions", "ok", audit_detail,
					 err))
		goto cleanup;
	if (load_places(g, err) || load_departments(g, err) || load_subjects(g, err) ||
	    load_history(g, err) || load_petitions(g, err) || load_activities(g, err) ||
	    load_inspections(g, err) || load_accidents(g, err) || load_cases(g, err) ||
	    load_disputes(g, err) || mark_stale(g, err))
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
			strbuf_addf(err, "district %s is already loaded: gen scale needs a database "
				    "without its districts", code);
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

int gen_scale(struct db *db, int counties, uint64_t seed, FILE *out, struct strbuf *err)
{
	struct gen *g;
	struct strbuf detail = STRBUF_INIT;
	struct timespec t0;
	int i, ret = -1;

	if (counties < 1 || county_of(counties - 1) > 9999) {
		strbuf_addstr(err, "the number of counties must be 1 to 9998");
		return -1;
	}
	g = xcalloc(1, sizeof(*g));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	g->db = db;
	g->out = out;
	g->seed = seed;
	actor_system(&g->sys);
	/* created_at and updated_at: a moment of 2023-09-01 (UTC) chosen by the seed */
	snprintf(g->epoch, sizeof(g->epoch), "%" PRId64, (int64_t)1693526400 + (int64_t)(seed % 86400));
	calendar(g);
	for (i = 0; i < T__COUNT; i++)
		if (tables[i].ed && stored_columns_init(&g->cols[i], tables[i].ed, err))
			goto cleanup;
	if (check_absent(g, counties, err))
		goto cleanup;
	strbuf_addf(&detail, "counties=%d seed=%" PRIu64 " districts=41%04d000000..41%04d000000",
		    counties, seed, county_of(0), county_of(counties - 1));
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
