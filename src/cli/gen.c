/*
 * gen.c: the demo district (see gen.h).  A district in the shape of the
 * seed report — 20 townships, 475 villages and communities each with its
 * grid, the departments of the four-level model with the seed's sector
 * map, 1,726 enterprises and institutions spread over the sector map's
 * categories — and twenty months of its work, January 2022 to August 2023:
 * petitions of every channel and level, petition work (四访两送), request
 * letters, village days and 调处室 records, inspections and hazards,
 * accidents, cases and disputes.  Everything is written as import files in
 * memory and loaded through entity_import(), so that every generated row is
 * validated like a user's.  Deterministic: the same run gives the same
 * district.
 *
 * The events are planned, never the figures.  The plan says which subjects
 * fail which month and by what event, and how many events of each kind fall
 * in each month; the figures are whatever the assessment computes from the
 * events.  Every event outside the plan of failures is one that fails no
 * one under the default veto rules: a subject's petitions stay at village
 * level, or at township level with fewer than five persons; its accidents
 * have no casualties; its cases are public-order cases without major
 * impact.  Petitions that reached the county, road accidents and criminal
 * cases that belong to no creation subject carry only their township.  It
 * is not a simulation of anything: the spreads are plausible, not modelled.
 */
#include "cli/demo_shape.h"
#include "cli/gen.h"
#include "cli/sample.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/crypto.h"
#include "base/date.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "io/table.h"
#include "model/audit.h"
#include "model/entity.h"

#define DISTRICT "411603000000"
#define NTOWNSHIPS 20
#define NVILLAGES 475
#define NCOMMUNITIES 35 /* of the 475: communities, in the towns' seats */
#define NENTERPRISES 1726
#define NLEFT 12 /* enterprises that left the list in 2022 */
#define NSUBJECTS (NVILLAGES + NENTERPRISES + NLEFT)

static const char *const township_names[NTOWNSHIPS] = {
	"城关回族镇", "白楼镇", "临蔡镇", "安岭镇", "朱集镇", "豆门乡", "冯塘乡",
	"刘振屯乡", "王店乡", "大连乡", "葛店乡", "黄集乡", "齐老乡", "郑集乡",
	"曹河乡", "四通镇", "新站镇", "鲁台镇", "许湾乡", "刘庄店镇",
};

static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱",
	"高", "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于",
	"董", "萧", "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕",
};
static const char *const village_suffix[] = {
	"庄", "楼", "营", "寨", "集", "庙", "湾", "岗", "屯", "店", "桥", "园",
};
static const char *const community_words[] = {
	"东关", "西关", "南关", "北关", "龙湖", "羲皇", "太昊", "书院", "文化", "新华",
	"人民", "建设", "和平", "光明", "幸福",
};

/* departments: code, name, roles */
static const char *const departments[][3] = {
	{ "SLB", "区“三零”创建办公室", "office" },
	{ "XFJ", "区信访局", "petition" },
	{ "YJJ", "区应急管理局", "safety" },
	{ "GAJ", "区公安局", "police" },
	{ "JTJ", "区教育体育局", "supervisor" },
	{ "WJW", "区卫生健康委员会", "supervisor" },
	{ "SCFZ", "区市场发展中心", "supervisor" },
	{ "WGLJ", "区文化广电和旅游局", "supervisor" },
	{ "SWJ", "区商务局", "supervisor" },
	{ "JTYS", "区交通运输局", "supervisor" },
	{ "SCJG", "区市场监督管理局", "supervisor" },
	{ "GXJ", "区工业和信息化局", "supervisor" },
	{ "ZRZY", "区自然资源局", "supervisor" },
	{ "KJJ", "区科学技术局", "supervisor" },
};

/* The seed's sector map, and where the other categories go. */
static const char *const sector_map[][2] = {
	{ "school", "JTJ" }, { "kindergarten", "JTJ" }, { "hospital", "WJW" },
	{ "market", "SCFZ" }, { "scenic_spot", "WGLJ" }, { "entertainment", "WGLJ" },
	{ "internet_cafe", "WGLJ" }, { "mall", "SWJ" }, { "station", "JTYS" },
	{ "pharmacy", "SCJG" }, { "restaurant", "SCJG" }, { "factory", "GXJ" },
	{ "mine", "ZRZY" }, { "research", "KJJ" }, { "airport", "JTYS" }, { "other", "SCJG" },
};

/* enterprises and institutions per category: 1,726 in all */

/* A unified social credit code of the district (GB 32100-2015). */
static void credit_code(struct rng *r, int institution, struct strbuf *out)
{
	char code[CREDIT_CODE_BUFSZ];

	sample_credit_code(r, institution, "411603", code);
	strbuf_addstr(out, code);
}

static void csv_cell(struct strbuf *csv, const char *s, int last)
{
	if (strpbrk(s, ",\"\n")) {
		strbuf_addch(csv, '"');
		for (; *s; s++) {
			if (*s == '"')
				strbuf_addch(csv, '"');
			strbuf_addch(csv, *s);
		}
		strbuf_addch(csv, '"');
	} else {
		strbuf_addstr(csv, s);
	}
	strbuf_addstr(csv, last ? "\n" : ",");
}

/*
 * Import `csv` as records of `kind`, as the system acting for `district`
 * (NULL: for no district in particular).
 */
static int load_as(struct db *db, const struct crypto_keys *keys, const char *kind,
		   const struct strbuf *csv, const char *district, struct strbuf *err)
{
	struct table_reader *rd = NULL;
	struct import_report rep;
	struct model_error e;
	struct model_ctx mc = { 0 };
	struct actor sys;
	int ret;

	actor_system(&sys);
	sys.district = district;
	mc.db = db;
	mc.actor = &sys;
	mc.keys = keys;
	model_error_init(&e);
	import_report_init(&rep);
	if (table_reader_open_mem(csv->buf, csv->len, TABLE_CSV, &rd, err)) {
		ret = -1;
		goto cleanup;
	}
	ret = entity_import(&mc, entity_find(kind), rd, 0, &rep, &e);
	if (ret) {
		json_t *first = json_array_get(rep.errors, 0);
		strbuf_addf(err, "%s: %s", kind, e.msg.buf);
		if (first)
			strbuf_addf(err, " (row %" JSON_INTEGER_FORMAT ", %s: %s)",
				    json_integer_value(json_object_get(first, "row")),
				    json_string_value(json_object_get(first, "column")),
				    json_string_value(json_object_get(first, "message")));
		ret = -1;
	}
cleanup:
	table_reader_free(rd);
	import_report_release(&rep);
	model_error_release(&e);
	return ret;
}

static int load(struct db *db, const struct crypto_keys *keys, const char *kind,
		const struct strbuf *csv, struct strbuf *err)
{
	return load_as(db, keys, kind, csv, NULL, err);
}

struct place {
	char name[64];
	char code[32];
	char grid[40];
	int township;
};

static int gen_places(struct db *db, const struct crypto_keys *keys, struct place *villages,
		      struct strbuf *err)
{
	struct strbuf csv = STRBUF_INIT, name = STRBUF_INIT;
	struct rng r = { 0x5a4c494e47ULL, RNG_XORSHIFT };
	int t, v, used[NTOWNSHIPS] = { 0 }, ret;

	strbuf_addstr(&csv, "code,name,level,parent\n");
	strbuf_addf(&csv, "%s,淮阳区,district,\n", DISTRICT);
	for (t = 0; t < NTOWNSHIPS; t++)
		strbuf_addf(&csv, "411603%03d000,%s,township,%s\n", 100 + t, township_names[t],
			    DISTRICT);
	for (v = 0; v < NVILLAGES; v++) {
		/* the seat (城关) takes the communities; the rest spread evenly */
		int is_comm = v < NCOMMUNITIES;
		t = is_comm ? (v < 20 ? 0 : v % 4 == 0 ? 15 : v % 4 == 1 ? 16 : v % 4 == 2 ? 2 : 1)
			    : (v - NCOMMUNITIES) % NTOWNSHIPS;
		used[t]++;
		snprintf(villages[v].code, sizeof(villages[v].code), "411603%03d%03d", 100 + t,
			 used[t]);
		snprintf(villages[v].grid, sizeof(villages[v].grid), "%s01", villages[v].code);
		villages[v].township = t;
		strbuf_reset(&name);
		if (is_comm)
			strbuf_addf(&name, "%s%s社区", v < 20 ? "" : township_names[t],
				    community_words[v % 15]);
		else
			strbuf_addf(&name, "%s%s%s", surnames[sample_below(&r, 40)],
				    village_suffix[sample_below(&r, 12)], "村");
		snprintf(villages[v].name, sizeof(villages[v].name), "%s", name.buf);
		strbuf_addf(&csv, "%s,%s,village,411603%03d000\n", villages[v].code, name.buf,
			    100 + t);
	}
	for (v = 0; v < NVILLAGES; v++)
		strbuf_addf(&csv, "%s,第%d网格,grid,%s\n", villages[v].grid, v + 1, villages[v].code);
	ret = load(db, keys, "regions", &csv, err);
	strbuf_release(&csv);
	strbuf_release(&name);
	return ret;
}

static int gen_departments(struct db *db, const struct crypto_keys *keys, struct strbuf *err)
{
	struct strbuf csv = STRBUF_INIT;
	size_t i;
	int t, ret;

	strbuf_addstr(&csv, "code,name,roles,region\n");
	for (i = 0; i < sizeof(departments) / sizeof(departments[0]); i++)
		strbuf_addf(&csv, "%s,%s,%s,%s\n", departments[i][0], departments[i][1],
			    departments[i][2], DISTRICT);
	for (t = 0; t < NTOWNSHIPS; t++)
		strbuf_addf(&csv, "XZ%03d,%s人民政府,township,411603%03d000\n", 100 + t,
			    township_names[t], 100 + t);
	ret = load(db, keys, "departments", &csv, err);
	strbuf_reset(&csv);
	strbuf_addstr(&csv, "category,district,department\n");
	for (i = 0; !ret && i < sizeof(sector_map) / sizeof(sector_map[0]); i++)
		strbuf_addf(&csv, "%s,%s,%s\n", sector_map[i][0], DISTRICT, sector_map[i][1]);
	if (!ret)
		ret = load(db, keys, "sector_map", &csv, err);
	strbuf_release(&csv);
	return ret;
}

/*
 * A creation subject as the event generator needs it.  Months are counted
 * from January 2022 (0) to August 2023 (19); `to` is -1 while on the list.
 */
struct subj {
	char code[40];
	char name[96];
	const char *kind, *category, *supervisor;
	int village, township, from, to;
};

static const char *supervisor_of(const char *category)
{
	size_t i;

	for (i = 0; i < sizeof(sector_map) / sizeof(sector_map[0]); i++)
		if (!strcmp(sector_map[i][0], category))
			return sector_map[i][1];
	return "SCJG";
}

static void phone(struct rng *r, struct strbuf *out)
{
	static const char *const pre[] = { "138", "139", "135", "137", "150", "151", "158",
					   "186", "187", "176", "133", "153", "189", "199" };
	strbuf_addf(out, "%s%08d", pre[sample_below(r, 14)], sample_below(r, 100000000));
}

static int gen_subjects(struct db *db, const struct crypto_keys *keys,
			const struct place *villages, struct subj *subj, struct strbuf *err)
{
	struct strbuf csv = STRBUF_INIT, cell = STRBUF_INIT;
	struct rng r = { 0x7375626a656374ULL, RNG_XORSHIFT };
	size_t i;
	int v, k, n = 0, ret;

	strbuf_addstr(&csv, "code,name,kind,category,township,village,grid,supervisor,address,"
			    "contact_name,contact_phone,credit_code,active_from,active_to\n");
	for (v = 0; v < NVILLAGES; v++) {
		const struct place *p = &villages[v];
		const char *kind = v < NCOMMUNITIES ? "community" : "village";
		struct subj *s = &subj[v];
		snprintf(s->code, sizeof(s->code), "C%s", p->code);
		snprintf(s->name, sizeof(s->name), "%s", p->name);
		s->kind = s->category = kind;
		s->supervisor = NULL;
		s->village = v;
		s->township = p->township;
		s->from = 0;
		s->to = -1;
		strbuf_addf(&csv, "C%s,%s%s,%s,%s,411603%03d000,%s,%s,,%s,", p->code, p->name,
			    v < NCOMMUNITIES ? "居民委员会" : "村民委员会", kind, kind,
			    100 + p->township, p->code, p->grid, township_names[p->township]);
		strbuf_reset(&cell);
		strbuf_addf(&cell, "%s%s", surnames[sample_below(&r, 40)], v % 3 ? "书记" : "主任");
		csv_cell(&csv, cell.buf, 0);
		strbuf_reset(&cell);
		phone(&r, &cell);
		csv_cell(&csv, cell.buf, 0);
		strbuf_addstr(&csv, ",2022-01,\n");
	}
	for (i = 0; i < DEMO_NCATEGORIES; i++) {
		for (k = 0; k < demo_categories[i].n; k++, n++) {
			int vi = sample_below(&r, NVILLAGES);
			const struct place *p = &villages[vi];
			struct subj *s = &subj[NVILLAGES + n];
			strbuf_addf(&csv, "E%05d,", n + 1);
			strbuf_reset(&cell);
			strbuf_addf(&cell, "淮阳区%s%s%s%d", township_names[p->township],
				    surnames[sample_below(&r, 40)], demo_categories[i].word, k + 1);
			csv_cell(&csv, cell.buf, 0);
			snprintf(s->code, sizeof(s->code), "E%05d", n + 1);
			snprintf(s->name, sizeof(s->name), "%s", cell.buf);
			s->kind = demo_categories[i].kind;
			s->category = demo_categories[i].category;
			s->supervisor = supervisor_of(s->category);
			s->village = vi;
			s->township = p->township;
			s->from = n % 97 == 5 ? 14 : 0;
			s->to = -1;
			strbuf_addf(&csv, "%s,%s,411603%03d000,%s,%s,,", demo_categories[i].kind,
				    demo_categories[i].category, 100 + p->township, p->code, p->grid);
			strbuf_reset(&cell);
			strbuf_addf(&cell, "%s人民路%d号", township_names[p->township], 1 + sample_below(&r, 300));
			csv_cell(&csv, cell.buf, 0);
			strbuf_reset(&cell);
			strbuf_addf(&cell, "%s经理", surnames[sample_below(&r, 40)]);
			csv_cell(&csv, cell.buf, 0);
			strbuf_reset(&cell);
			phone(&r, &cell);
			csv_cell(&csv, cell.buf, 0);
			strbuf_reset(&cell);
			credit_code(&r, !strcmp(demo_categories[i].kind, "institution"), &cell);
			csv_cell(&csv, cell.buf, 0);
			/* most on the list from the start; some joined in 2023 */
			strbuf_addf(&csv, "%s,\n", n % 97 == 5 ? "2023-03" : "2022-01");
		}
	}
	/* a few that left the list in 2022: on it in past months only */
	for (k = 0; k < NLEFT; k++) {
		int vi = sample_below(&r, NVILLAGES);
		const struct place *p = &villages[vi];
		struct subj *s = &subj[NVILLAGES + n + k];
		snprintf(s->code, sizeof(s->code), "X%03d", k + 1);
		snprintf(s->name, sizeof(s->name), "淮阳区%s已关停饭店%d", township_names[p->township],
			 k + 1);
		s->kind = "enterprise";
		s->category = "restaurant";
		s->supervisor = supervisor_of(s->category);
		s->village = vi;
		s->township = p->township;
		s->from = 0;
		s->to = 2 + k % 9;
		strbuf_addf(&csv, "X%03d,淮阳区%s已关停饭店%d,enterprise,restaurant,411603%03d000,%s,%s,,,,,",
			    k + 1, township_names[p->township], k + 1, 100 + p->township, p->code,
			    p->grid);
		strbuf_reset(&cell);
		credit_code(&r, 0, &cell);
		strbuf_addf(&csv, "%s,2022-01,2022-%02d\n", cell.buf, 3 + k % 9);
	}
	ret = load(db, keys, "subjects", &csv, err);
	strbuf_release(&csv);
	strbuf_release(&cell);
	return ret;
}

/* ---- the events: January 2022 to August 2023 ---- */

#define NMONTHS 20 /* 2022-01 .. 2023-08 */

/* What the demo's calendar and subjects are, and its random stream. */
struct demo {
	struct db *db;
	const struct crypto_keys *keys;
	const struct place *villages;
	struct subj *subj;
	int64_t day0;		 /* 2022-01-01 in days */
	int mstart[NMONTHS + 1]; /* first day of each month, from day0; [NMONTHS]: one past */
	int last;		 /* 2023-08-31, the demo's today */
	struct rng r;
	/* the petitions, kept for the request letters */
	struct pet *pets;
	int npets;
	int rows; /* events loaded */
};

/*
 * How much of each kind of work a year holds (2023: January to August):
 * visits and their persons, online, letter and phone petitions (those that
 * fail a subject included), petition-work activities, village days and
 * 调处室 records, inspections and the hazards they find, accidents that fail
 * no one (on the roads; at a subject without casualties), criminal cases
 * (`solved` of them with `coerced` persons, `prosecuted` of whom referred),
 * public-order cases without major impact, and disputes by how they ended
 * (`carried`: found at the year's end, settled in the next).
 */
struct year_plan {
	int year, first, n; /* calendar year, index of its January, months */
	int visits, visit_persons, online, letters, phones;
	int activities, village_days, mediation_rooms;
	int inspections, hazards;
	int road_accidents, minor_accidents;
	int criminal, solved, coerced, prosecuted, public_order;
	int disputes_success, disputes_failed, disputes_referred, disputes_open, disputes_carried;
};

/*
 * 2023 follows the seed report: its visits, online petitions, petition
 * work, inspections, hazards and persons under coercive measures are the
 * report's; 2022's disputes are its 241 mediated.  The rest is plausible.
 */
static const struct year_plan years[2] = {
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

static const char *const given_names[] = {
	"建国", "秀英", "国强", "桂兰", "志刚", "玉梅", "德华", "红霞", "海涛", "丽娟",
	"明亮", "春生", "凤英", "卫东", "小红", "永强", "淑珍", "保国", "金凤", "文斌",
	"新民", "爱华", "长青", "俊峰", "晓燕", "全喜", "梅花", "振海", "书芳", "立新",
};

static const char *const district_leaders[] = {
	"王区长", "李副区长", "张副区长", "刘常务副区长", "陈副区长", "杨副区长",
	"赵副书记", "周部长", "吴局长", "孙副主任",
};

/* Load the events of `kind` as the district's system, counting them. */
static int load_events(struct demo *d, const char *kind, const struct strbuf *csv,
		       struct strbuf *err)
{
	size_t i;

	for (i = 0; i < csv->len; i++)
		d->rows += csv->buf[i] == '\n';
	d->rows--; /* the header */
	return load_as(d->db, d->keys, kind, csv, DISTRICT, err);
}

/* Split `total` over the months of `y` in proportion to the season (largest remainder). */
static void spread(int total, const struct year_plan *y, int *out)
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

static void demo_calendar(struct demo *d)
{
	int m;

	d->day0 = date_days("2022-01-01");
	d->mstart[0] = 0;
	for (m = 0; m < NMONTHS; m++)
		d->mstart[m + 1] = d->mstart[m] + date_days_in_month(2022 + m / 12, m % 12 + 1);
	d->last = d->mstart[NMONTHS] - 1;
}

static void day_str(const struct demo *d, int day, char out[DATE_BUFSZ])
{
	date_from_days(d->day0 + day, out);
}

static void add_day(struct strbuf *csv, const struct demo *d, int day, int last)
{
	char s[DATE_BUFSZ];

	if (day >= 0) {
		day_str(d, day, s);
		strbuf_addstr(csv, s);
	}
	strbuf_addstr(csv, last ? "\n" : ",");
}

static int month_of_day(const struct demo *d, int day)
{
	int m = 0;

	while (m < NMONTHS - 1 && day >= d->mstart[m + 1])
		m++;
	return m;
}

static int day_in(struct demo *d, int m)
{
	return sample_between(&d->r, d->mstart[m], d->mstart[m + 1] - 1);
}

static int min_int(int a, int b)
{
	return a < b ? a : b;
}

static int on_list(const struct subj *s, int m)
{
	return m >= s->from && (s->to < 0 || m <= s->to);
}

static int is_village(const struct subj *s)
{
	return !strcmp(s->kind, "village") || !strcmp(s->kind, "community");
}

static int any_village(struct demo *d)
{
	return sample_below(&d->r, NVILLAGES);
}

static int any_enterprise(struct demo *d, int m)
{
	for (;;) {
		int s = NVILLAGES + sample_below(&d->r, NSUBJECTS - NVILLAGES);
		if (on_list(&d->subj[s], m))
			return s;
	}
}

/* A village or community of township `t`. */
static int village_in(struct demo *d, int t)
{
	for (;;) {
		int v = any_village(d);
		if (d->villages[v].township == t)
			return v;
	}
}

static int any_of_category(struct demo *d, int m, const char *category)
{
	for (;;) {
		int s = any_enterprise(d, m);
		if (!strcmp(d->subj[s].category, category))
			return s;
	}
}

static void township_code(int t, struct strbuf *csv)
{
	strbuf_addf(csv, "411603%03d000,", 100 + t);
}

static void person(struct rng *r, struct strbuf *out)
{
	strbuf_addf(out, "%s%s", surnames[sample_below(r, 40)], given_names[sample_below(r, 30)]);
}

/* A resident identity number of the district with a valid check digit (GB 11643). */
static void idcard(struct rng *r, struct strbuf *out)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	char s[40];
	int i, sum = 0;

	snprintf(s, sizeof(s), "411626%04d%02d%02d%03d", sample_between(r, 1945, 1999), sample_between(r, 1, 12),
		 sample_between(r, 1, 28), sample_between(r, 0, 999));
	for (i = 0; i < 17; i++)
		sum += (s[i] - '0') * w[i];
	strbuf_add(out, s, 17);
	strbuf_addch(out, "10X98765432"[sum % 11]);
}

/* One text cell, from a printf format. */
__attribute__((format(printf, 3, 4)))
static void cellf(struct strbuf *csv, int last, const char *fmt, ...)
{
	struct strbuf c = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&c, fmt, ap);
	va_end(ap);
	csv_cell(csv, c.buf, last);
	strbuf_release(&c);
}

/* ---- the plan of failures ---- */

/*
 * Why a subject fails a month: a petition that reached the county or
 * higher, a collective one (five or more persons) at township level or
 * higher, an accident with casualties, a criminal case, a public-order case
 * of major impact.
 */
enum why { W_PETITION, W_COLLECTIVE, W_ACCIDENT, W_CRIMINAL, W_MAJOR };

/* Subject `s` (index into demo.subj) fails month `m` by `why`. */
struct fail {
	int s, m;
	enum why why;
};

struct fails {
	struct fail *v;
	int n, cap;
};

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
			fail_add(f, s, m, why == W_PETITION && sample_chance(&d->r, 50) ? W_COLLECTIVE : why);
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
			int months = 1 + sample_chance(&d->r, 35) + sample_chance(&d->r, 10);
			unsigned used = 0;
			for (k = 0; k < months; k++) {
				int m = balanced_month(d, s, fp, vload, used);
				if (m < 0)
					break;
				used |= 1u << m;
				fail_add(f, order[i], m, sample_chance(&d->r, 12) ? W_MAJOR : W_CRIMINAL);
			}
			if (i < fp->v_case_and_petition)
				fail_add(f, order[i], random_month(d, s, fp),
					 sample_chance(&d->r, 35) ? W_COLLECTIVE : W_PETITION);
		} else if (i < fp->v_case + fp->v_petition) {
			int months = 1 + sample_chance(&d->r, 25);
			for (k = 0; k < months; k++)
				fail_add(f, order[i], random_month(d, s, fp),
					 sample_chance(&d->r, 40) ? W_COLLECTIVE : W_PETITION);
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
	int enterprise = s >= 0 && !is_village(&d->subj[s]);

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
		int day = day_in(d, x->m);
		struct pet *p;
		if (x->why == W_PETITION) {
			p = pet_new(d, cap, day, SAMPLE_PICK(&d->r, channels), sample_between(&d->r, 1, 3),
				    SAMPLE_PICK(&d->r, high), x->s, 0);
		} else if (x->why == W_COLLECTIVE) {
			p = pet_new(d, cap, day, "visit", sample_between(&d->r, 6, 45),
				    sample_chance(&d->r, 55) ? "township" : "county", x->s, 0);
			if (!is_village(&d->subj[x->s]))
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
	spread(n, y, per);
	for (m = 0; m < y->n; m++) {
		int mi = y->first + m;
		for (k = 0; k < per[m]; k++) {
			int day = day_in(d, mi), roll = sample_below(&d->r, 100);
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
						    any_village(d), 0);
				else
					p = pet_new(d, cap, day, channel, persons, "township", -1,
						    sample_between(&d->r, 0, NTOWNSHIPS - 1));
			} else if (roll < 40) {
				p = pet_new(d, cap, day, channel, persons, "county", -1,
					    sample_between(&d->r, 0, NTOWNSHIPS - 1));
			} else if (roll < 48) {
				p = pet_new(d, cap, day, channel, persons,
					    sample_chance(&d->r, 75) ? "city" : "province", -1,
					    sample_between(&d->r, 0, NTOWNSHIPS - 1));
			} else if (roll < 78) {
				p = pet_new(d, cap, day, channel, persons, "township",
					    sample_chance(&d->r, 80) ? any_village(d) : any_enterprise(d, mi), 0);
			} else {
				p = pet_new(d, cap, day, channel, persons, "village",
					    sample_chance(&d->r, 85) ? any_village(d) : any_enterprise(d, mi), 0);
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
		} else if (sum > persons_total && (p->persons > 5 || (p->persons > 1 && p->persons < 5))) {
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
	int age = d->last - day, accepted = min_int(day + sample_between(&d->r, 0, 4), d->last);
	int replied = min_int(accepted + sample_between(&d->r, 5, 40), d->last);
	int resolved = min_int(replied + sample_between(&d->r, 0, 10), d->last);
	int roll = sample_below(&d->r, 100);
	const char *status;

	if (age > 60)
		status = roll < 55 ? "closed" : "resolved";
	else if (age < 4 && roll < 50)
		status = "registered";
	else if (roll < 12 || age < 8)
		status = "accepted";
	else if (roll < 45 || replied == d->last)
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
	add_day(csv, d, !strcmp(status, "resolved") || (!strcmp(status, "closed") && roll < 50) ?
			resolved : -1, 0);
	add_day(csv, d, accepted, 0);
	add_day(csv, d, strcmp(status, "accepted") && strcmp(status, "assigned") &&
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
		const struct year_plan *y = &years[yi];
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
		int y = month_of_day(d, p->day) < 12 ? 2022 : 2023;
		if (y != year) {
			year = y;
			seq = 0;
		}
		snprintf(p->no, sizeof(p->no), "XF%d-%05d", y, ++seq);
		strbuf_addf(&csv, "%s,", p->no);
		add_day(&csv, d, p->day, 0);
		strbuf_addf(&csv, "%s,%d,%s,%s,", p->channel, p->persons, p->level, s ? s->code : "");
		township_code(p->township, &csv);
		strbuf_addf(&csv, "%s,", p->category);
		strbuf_reset(&place);
		if (s)
			strbuf_addstr(&place, s->name);
		else
			strbuf_addf(&place, "%s%s", township_names[p->township],
				    d->villages[village_in(d, p->township)].name);
		{
			struct strbuf text = STRBUF_INIT;
			strbuf_addf(&text, petition_texts[category_index(p->category)][sample_below(&d->r, 4)],
				    place.buf);
			if (p->persons >= 5)
				strbuf_addf(&text, "（集体访，%d人）", p->persons);
			csv_cell(&csv, text.buf, 0);
			strbuf_release(&text);
		}
		petition_outcome(d, p->day, &csv);
		if (strcmp(p->level, "village") && strcmp(p->level, "township"))
			strbuf_addstr(&csv, "XFJ,");
		else if (s && !is_village(s))
			strbuf_addf(&csv, "%s,", s->supervisor);
		else
			strbuf_addf(&csv, "XZ%03d,", 100 + p->township);
		strbuf_reset(&place);
		person(&d->r, &place);
		csv_cell(&csv, place.buf, 0);
		strbuf_reset(&place);
		if (!strcmp(p->channel, "visit") || sample_chance(&d->r, 30))
			idcard(&d->r, &place);
		strbuf_addf(&csv, "%s,", place.buf);
		strbuf_reset(&place);
		if (strcmp(p->channel, "letter") || sample_chance(&d->r, 50))
			phone(&d->r, &place);
		strbuf_addf(&csv, "%s\n", place.buf);
	}
	ret = load_events(d, "petitions", &csv, err);
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
		const struct year_plan *y = &years[yi];
		int *days = xcalloc((size_t)y->activities, sizeof(*days)), n = 0;
		spread(y->activities, y, per);
		for (m = 0; m < y->n; m++)
			for (k = 0; k < per[m]; k++)
				days[n++] = day_in(d, y->first + m);
		qsort(days, (size_t)n, sizeof(*days), int_cmp);
		for (k = 0; k < n; k++) {
			int kind = sample_weighted(&d->r, kind_weights, 6), v = any_village(d);
			int t = d->villages[v].township, district_level = kind < 3 && sample_chance(&d->r, 70);
			strbuf_addf(&csv, "SF%d-%04d,", y->year, k + 1);
			add_day(&csv, d, days[k], 0);
			strbuf_addf(&csv, "%s,", kinds[kind]);
			if (district_level)
				csv_cell(&csv, SAMPLE_PICK(&d->r, district_leaders), 0);
			else
				cellf(&csv, 0, "%s%s", surnames[sample_below(&d->r, 40)],
				      strstr(township_names[t], "乡") ? "乡长" : "镇长");
			if (kind == 2 && district_level)
				csv_cell(&csv, "区信访局接待大厅", 0);
			else
				cellf(&csv, 0, "%s%s村委会", township_names[t], d->villages[v].name);
			strbuf_addf(&csv, "%d,", kind >= 4 ? 0 : sample_between(&d->r, 1, 6));
			if (kind == 2 && district_level)
				strbuf_addstr(&csv, ",");
			else
				township_code(t, &csv);
			csv_cell(&csv, texts[kind], 1);
		}
		free(days);
	}
	ret = load_events(d, "petition_activities", &csv, err);
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
			int day = d->mstart[m] + (half ? 14 : 0) + sample_between(&d->r, 0, 2), k = 0;
			int want = sample_between(&d->r, 1, 3);
			strbuf_addf(&csv, "TQH%d-%03d,", 2022 + m / 12, m % 12 * 2 + half + 1);
			add_day(&csv, d, day, 0);
			csv_cell(&csv, district_leaders[(m * 2 + half) % 6], 0);
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
			cellf(&csv, 1, "提请%s于本月%s带案下访，约见信访群众，督导化解信访事项%d件",
			      district_leaders[(m * 2 + half) % 6], half ? "下旬" : "中旬", k);
		}
	}
	ret = load_events(d, "request_letters", &csv, err);
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
		const struct year_plan *y = &years[yi];
		n = 0;
		spread(y->village_days, y, dper);
		spread(y->mediation_rooms, y, rper);
		for (m = 0; m < y->n; m++) {
			int mi = y->first + m;
			for (k = 0; k < dper[m] + rper[m]; k++) {
				int room = k >= dper[m], v = any_village(d), matters;
				int day = room ? day_in(d, mi) : d->mstart[mi] + 5 + 10 * sample_between(&d->r, 0, 2);
				strbuf_addf(&csv, "CW%d-%05d,", y->year, ++n);
				add_day(&csv, d, day, 0);
				matters = room ? sample_between(&d->r, 1, 2) : sample_between(&d->r, 0, 8);
				strbuf_addf(&csv, "%s,%s,%d,%d,%d,", room ? "mediation_room" : "village_day",
					    d->villages[v].code, room ? sample_between(&d->r, 3, 8) : sample_between(&d->r, 8, 60),
					    matters, matters - (matters && sample_chance(&d->r, 10)));
				csv_cell(&csv, room ? SAMPLE_PICK(&d->r, room_texts) : SAMPLE_PICK(&d->r, day_texts), 1);
			}
		}
	}
	ret = load_events(d, "village_records", &csv, err);
	strbuf_release(&csv);
	return ret;
}

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
static int gen_inspections(struct demo *d, struct strbuf *err)
{
	struct strbuf ins = STRBUF_INIT, haz = STRBUF_INIT;
	int yi, m, k, per[12], ret;

	strbuf_addstr(&ins, "no,inspected_on,subject,department,domain,inspector,findings\n");
	strbuf_addstr(&haz, "no,inspection,subject,level,domain,found_on,deadline,rectified_on,"
			    "verified_on,description,evidence\n");
	for (yi = 0; yi < 2; yi++) {
		const struct year_plan *y = &years[yi];
		struct insp *v = xcalloc((size_t)y->inspections, sizeof(*v));
		int n = 0, need = y->hazards, nh = 0;
		spread(y->inspections, y, per);
		for (m = 0; m < y->n; m++) {
			for (k = 0; k < per[m]; k++) {
				struct insp *x = &v[n++];
				x->day = day_in(d, y->first + m);
				x->s = any_enterprise(d, y->first + m);
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
			add_day(&ins, d, v[k].day, 0);
			strbuf_addf(&ins, "%s,%s,%s,", s->code, sample_chance(&d->r, 40) ? "YJJ" : s->supervisor,
				    v[k].domain);
			cellf(&ins, 0, "%s%s、%s%s", surnames[sample_below(&d->r, 40)],
			      given_names[sample_below(&d->r, 30)], surnames[sample_below(&d->r, 40)],
			      given_names[sample_below(&d->r, 30)]);
			csv_cell(&ins, v[k].hazard ? "发现隐患1处，已当场下达整改通知书" :
				 "未发现明显隐患，现场进行安全提示", 1);
			if (v[k].hazard) {
				int major = sample_chance(&d->r, 2) && v[k].day < d->last - 45;
				int found = v[k].day, deadline = found + (major ? 60 : sample_between(&d->r, 7, 20));
				int rectified = min_int(found + sample_between(&d->r, 1, major ? 45 : 7), d->last);
				int verified = rectified + sample_between(&d->r, 0, 5);
				strbuf_addf(&haz, "YH%d-%05d,JC%d-%06d,%s,%s,%s,", y->year, ++nh, y->year,
					    k + 1, s->code, major ? "major" : "general", v[k].domain);
				add_day(&haz, d, found, 0);
				add_day(&haz, d, deadline, 0);
				add_day(&haz, d, rectified, 0);
				add_day(&haz, d, verified <= d->last ? verified : -1, 0);
				csv_cell(&haz, hazard_text(&d->r, v[k].domain), 0);
				csv_cell(&haz, "整改前后照片及整改报告已存档", 1);
			}
		}
		free(v);
	}
	ret = load_events(d, "inspections", &ins, err);
	if (!ret)
		ret = load_events(d, "hazards", &haz, err);
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

	if (is_village(s))
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
	const char *where = a->s >= 0 ? d->subj[a->s].name : township_names[a->township];
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
	csv_cell(csv, t.buf, 1);
	strbuf_release(&t);
}

static int gen_accidents(struct demo *d, const struct fails *f, struct strbuf *err)
{
	struct strbuf csv = STRBUF_INIT;
	struct acc *v = NULL;
	int n = 0, cap = 0, i, yi, k, ret, seq = 0, year = 0;

	for (i = 0; i < f->n; i++) {
		struct acc *a;
		if (f->v[i].why != W_ACCIDENT)
			continue;
		a = SAMPLE_APPEND(v, n, cap);
		a->day = day_in(d, f->v[i].m);
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
		const struct year_plan *y = &years[yi];
		for (k = 0; k < y->road_accidents + y->minor_accidents; k++) {
			int m = y->first + sample_below(&d->r, y->n);
			struct acc *a = SAMPLE_APPEND(v, n, cap);
			a->day = day_in(d, m);
			if (k < y->road_accidents) {
				/* on the roads: nobody's creation subject */
				a->s = -1;
				a->township = sample_between(&d->r, 0, NTOWNSHIPS - 1);
				a->domain = "road";
				a->deaths = sample_chance(&d->r, 30) ? sample_between(&d->r, 1, 2) : 0;
				a->injuries = sample_between(&d->r, a->deaths ? 0 : 1, 4);
				a->serious = a->injuries ? sample_between(&d->r, 0, 1) : 0;
				a->production = sample_chance(&d->r, 20);
				a->loss = sample_between(&d->r, 5, 120) * 1000;
			} else {
				/* at a subject, without casualties */
				a->s = sample_chance(&d->r, 50) ? any_village(d) : any_enterprise(d, m);
				a->township = d->subj[a->s].township;
				a->domain = accident_domain_at(&d->r, &d->subj[a->s]);
				a->production = sample_chance(&d->r, 40);
				a->loss = sample_between(&d->r, 1, 30) * 1000;
			}
		}
	}
	qsort(v, (size_t)n, sizeof(*v), acc_cmp);
	strbuf_addstr(&csv, "no,occurred_on,subject,township,domain,deaths,injuries,serious_injuries,"
			    "direct_loss,production,summary\n");
	for (i = 0; i < n; i++) {
		const struct acc *a = &v[i];
		int y = month_of_day(d, a->day) < 12 ? 2022 : 2023;
		if (y != year) {
			year = y;
			seq = 0;
		}
		strbuf_addf(&csv, "SG%d-%04d,", y, ++seq);
		add_day(&csv, d, a->day, 0);
		strbuf_addf(&csv, "%s,", a->s >= 0 ? d->subj[a->s].code : "");
		township_code(a->township, &csv);
		strbuf_addf(&csv, "%s,%d,%d,%d,%" PRId64 ",%d,", a->domain, a->deaths, a->injuries,
			    a->serious, a->loss, a->production);
		accident_summary(d, a, &csv);
	}
	ret = load_events(d, "accidents", &csv, err);
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
	const char *where = c->s >= 0 ? d->subj[c->s].name : township_names[c->township];
	const char *cat = c->category;
	struct strbuf t = STRBUF_INIT;

	if (!strcmp(cat, "theft_robbery_fraud"))
		strbuf_addf(&t, c->criminal ? "%s发生一起入户盗窃案，被盗现金及物品价值约%d元" :
				  "%s发生一起小额盗窃，涉案价值约%d元", where,
			    c->criminal ? sample_between(&d->r, 3, 60) * 1000 : sample_between(&d->r, 2, 9) * 100);
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
	csv_cell(csv, t.buf, 1);
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
		if (v[i].criminal && v[i].day >= d->mstart[y->first] &&
		    v[i].day < d->mstart[y->first + y->n])
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
		if (v[i].coerced && v[i].day >= d->mstart[y->first] &&
		    v[i].day < d->mstart[y->first + y->n])
			idx[ni++] = i; /* in date order */
	left = y->coerced - solved;
	/* a few gangs (fraud rings, gambling dens) take several persons */
	for (i = 0; i < ni && left > 0; i++) {
		struct kase *c = &v[idx[i]];
		if ((!strcmp(c->category, "telecom_fraud") || !strcmp(c->category, "porn_gambling_drugs")) &&
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
	cut = d->mstart[y->first + y->n] - 35;
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

static int gen_cases(struct demo *d, const struct fails *f, struct strbuf *err)
{
	struct strbuf csv = STRBUF_INIT;
	struct kase *v = NULL;
	int n = 0, cap = 0, i, yi, k, ret, seq[2] = { 0, 0 }, year = 0;

	for (i = 0; i < f->n; i++) {
		struct kase *c;
		if (f->v[i].why != W_CRIMINAL && f->v[i].why != W_MAJOR)
			continue;
		c = SAMPLE_APPEND(v, n, cap);
		c->day = day_in(d, f->v[i].m);
		c->seq = n;
		c->s = f->v[i].s;
		c->township = d->subj[c->s].township;
		c->criminal = f->v[i].why == W_CRIMINAL;
		c->major = !c->criminal;
		c->category = c->criminal ? case_category(&d->r, 1) :
			      sample_chance(&d->r, 50) ? "violent" : "porn_gambling_drugs";
	}
	for (yi = 0; yi < 2; yi++) {
		const struct year_plan *y = &years[yi];
		int planned = 0, per[12], m;
		for (i = 0; i < n; i++)
			if (v[i].criminal && v[i].day >= d->mstart[y->first] &&
			    v[i].day < d->mstart[y->first + y->n])
				planned++;
		/* criminal cases not tied to a creation subject */
		spread(y->criminal - planned, y, per);
		for (m = 0; m < y->n; m++)
			for (k = 0; k < per[m]; k++) {
				struct kase *c = SAMPLE_APPEND(v, n, cap);
				c->day = day_in(d, y->first + m);
				c->seq = n;
				c->s = -1;
				c->township = sample_between(&d->r, 0, NTOWNSHIPS - 1);
				c->criminal = 1;
				c->category = case_category(&d->r, 1);
			}
		/* public-order cases without major impact, at a subject or not */
		spread(y->public_order, y, per);
		for (m = 0; m < y->n; m++)
			for (k = 0; k < per[m]; k++) {
				struct kase *c = SAMPLE_APPEND(v, n, cap);
				int mi = y->first + m, roll = sample_below(&d->r, 100);
				c->day = day_in(d, mi);
				c->seq = n;
				c->s = roll < 30 ? any_village(d) : roll < 45 ? any_enterprise(d, mi) : -1;
				c->township = c->s >= 0 ? d->subj[c->s].township :
					      sample_between(&d->r, 0, NTOWNSHIPS - 1);
				c->category = case_category(&d->r, 0);
			}
	}
	qsort(v, (size_t)n, sizeof(*v), kase_cmp);
	for (yi = 0; yi < 2; yi++)
		case_persons(d, v, n, &years[yi]);
	strbuf_addstr(&csv, "no,kind,major_impact,category,occurred_on,subject,township,status,"
			  "coerced,prosecuted,summary\n");
	for (i = 0; i < n; i++) {
		const struct kase *c = &v[i];
		int y = month_of_day(d, c->day) < 12 ? 2022 : 2023, age = d->last - c->day;
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
		add_day(&csv, d, c->day, 0);
		strbuf_addf(&csv, "%s,", c->s >= 0 ? d->subj[c->s].code : "");
		township_code(c->township, &csv);
		strbuf_addf(&csv, "%s,%d,%d,", status, c->coerced, c->prosecuted);
		case_summary(d, c, &csv);
	}
	ret = load_events(d, "cases", &csv, err);
	free(v);
	strbuf_release(&csv);
	return ret;
}

/* ---- disputes ---- */

static int gen_disputes(struct demo *d, struct strbuf *err)
{
	static const char *const sources[] = { "grid", "informant", "petition", "walk_in", "hotline" };
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
		const struct year_plan *y = &years[yi];
		int total = y->disputes_success + y->disputes_failed + y->disputes_referred +
			    y->disputes_open + y->disputes_carried;
		int ystart = d->mstart[y->first], yend = d->mstart[y->first + y->n] - 1;
		int *found = xcalloc((size_t)total, sizeof(*found)), *closed = xcalloc((size_t)total,
										  sizeof(*closed));
		const char **status = xcalloc((size_t)total, sizeof(*status));
		for (k = 0; k < total; k++) {
			int dur = sample_between(&d->r, 1, 25);
			if (k < y->disputes_success + y->disputes_failed + y->disputes_referred) {
				/* closed within the year */
				status[k] = k < y->disputes_success ? "success" :
					    k < y->disputes_success + y->disputes_failed ? "failed" :
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
			int m = month_of_day(d, found[k]);
			if (cat == 3)
				s = any_of_category(d, m, "hospital");
			else if (cat == 2)
				s = any_of_category(d, m, sample_chance(&d->r, 60) ? "factory" : "restaurant");
			else
				s = any_village(d);
			if (cat == 5)
				s = sample_below(&d->r, NCOMMUNITIES); /* property: a community */
			strbuf_addf(&csv, "JF%d-%04d,", y->year, ++n);
			add_day(&csv, d, found[k], 0);
			strbuf_addf(&csv, "%s,%s,%s,,,", sources[sample_weighted(&d->r, source_w, 5)], cats[cat],
				    d->subj[s].code);
			strbuf_addf(&csv, "%s,%s,", kinds[sample_weighted(&d->r, kind_w, 3)], status[k]);
			add_day(&csv, d, closed[k], 0);
			strbuf_addf(&csv, "%d,%s,", cat == 0 ? 0 : sample_between(&d->r, 1, 200) * 500,
				    sample_chance(&d->r, 70) ? "low" : sample_chance(&d->r, 80) ? "medium" : "high");
			add_day(&csv, d, found[k] + 30, 0);
			strbuf_reset(&cell);
			person(&d->r, &cell);
			strbuf_addstr(&cell, "（人民调解员）");
			csv_cell(&csv, cell.buf, 0);
			for (m = 0; m < 2; m++) {
				strbuf_reset(&cell);
				person(&d->r, &cell);
				csv_cell(&csv, cell.buf, 0);
				strbuf_reset(&cell);
				phone(&d->r, &cell);
				csv_cell(&csv, cell.buf, 0);
			}
			cellf(&csv, 1, texts[cat], d->subj[s].name);
		}
		n = 0;
		free(found);
		free(closed);
		free(status);
	}
	ret = load_events(d, "disputes", &csv, err);
	strbuf_release(&csv);
	strbuf_release(&cell);
	return ret;
}

/* All the events, planned month by month; `*rows` is set to how many. */
static int gen_events(struct db *db, const struct crypto_keys *keys, const struct place *villages,
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
	demo_calendar(&d);
	plan_year(&d, &fail_plans[0], &f);
	plan_year(&d, &fail_plans[1], &f);
	ret = gen_petitions(&d, &f, err) || gen_activities(&d, err) || gen_letters(&d, err) ||
	      gen_village_records(&d, err) || gen_inspections(&d, err) ||
	      gen_accidents(&d, &f, err) || gen_cases(&d, &f, err) || gen_disputes(&d, err) ? -1 : 0;
	*rows = d.rows;
	free(d.pets);
	free(f.v);
	return ret;
}

/* demo accounts: username, role, department, grid, subject, display name */
static const char *const demo_users[][6] = {
	{ "office", "office", "SLB", NULL, NULL, "区三零办" },
	{ "petition", "petition", "XFJ", NULL, NULL, "区信访局" },
	{ "safety", "safety", "YJJ", NULL, NULL, "区应急管理局" },
	{ "police", "police", "GAJ", NULL, NULL, "区公安局" },
	{ "education", "supervisor", "JTJ", NULL, NULL, "区教体局" },
	{ "chengguan", "township", "XZ100", NULL, NULL, "城关回族镇" },
	{ "bailou", "township", "XZ101", NULL, NULL, "白楼镇" },
	{ "grid", "grid", "XZ101", "41160310100101", NULL, "网格员" },
	{ "school", "subject", "JTJ", NULL, "E00001", "学校账号" },
	{ "sysadmin", "sysadmin", NULL, NULL, NULL, "系统管理员" },
	{ "secadmin", "secadmin", NULL, NULL, NULL, "安全管理员" },
	{ "auditadmin", "auditadmin", NULL, NULL, NULL, "审计管理员" },
};

#define DEMO_PASSWORD "Demo-Pass-2023"

static int gen_users(struct db *db, const struct crypto_keys *keys, int demo_pw, FILE *out,
		     struct strbuf *err)
{
	struct model_error e;
	struct model_ctx mc = { 0 };
	struct actor sys;
	size_t i;
	int ret = 0;

	actor_system(&sys);
	mc.db = db;
	mc.actor = &sys;
	mc.keys = keys;
	model_error_init(&e);
	fprintf(out, "\n%-12s %-12s %s\n", "用户名", "角色", "初始密码");
	for (i = 0; i < sizeof(demo_users) / sizeof(demo_users[0]); i++) {
		struct strbuf pw = STRBUF_INIT;
		json_t *in = json_pack("{ss ss ss}", "username", demo_users[i][0],
				       "role", demo_users[i][1], "display_name", demo_users[i][5]);
		if (demo_users[i][2])
			json_object_set_new(in, "department", json_string(demo_users[i][2]));
		if (demo_users[i][3])
			json_object_set_new(in, "grid", json_string(demo_users[i][3]));
		if (demo_users[i][4])
			json_object_set_new(in, "subject", json_string(demo_users[i][4]));
		if (demo_pw) {
			strbuf_addstr(&pw, DEMO_PASSWORD);
		} else {
			/* random, strong, typed once by the person who receives it */
			random_token(&pw, 6);
			strbuf_addstr(&pw, "-Sl9");
		}
		ret = entity_create_secret(&mc, entity_find("users"), in, pw.buf, NULL, &e);
		json_decref(in);
		if (ret) {
			strbuf_addf(err, "user %s: %s", demo_users[i][0], e.msg.buf);
			strbuf_release(&pw);
			break;
		}
		fprintf(out, "%-12s %-12s %s\n", demo_users[i][0], demo_users[i][1], pw.buf);
		strbuf_release(&pw);
	}
	model_error_release(&e);
	if (!ret && demo_pw) {
		/* demo mode: no forced change, said in the audit log */
		if (db_begin(db, err) ||
		    db_exec(db, "UPDATE users SET must_change = 0", err) ||
		    audit_append(db, &sys, "users.demo", "users", "ok", "demo passwords: no forced change",
				 err) ||
		    db_commit(db, err)) {
			db_rollback(db);
			ret = -1;
		}
	}
	return ret ? -1 : 0;
}

int gen_demo(struct db *db, const struct crypto_keys *keys, int demo_passwords, FILE *out,
	     struct strbuf *err)
{
	struct place *villages = xcalloc(NVILLAGES, sizeof(*villages));
	struct subj *subj = xcalloc(NSUBJECTS, sizeof(*subj));
	const char *params[] = { DISTRICT };
	char *exists = NULL;
	int ret = -1, events = 0;

	if (!villages || !subj)
		abort();
	if (db_query_value(db, "SELECT code FROM regions WHERE code = ?", params, 1, &exists, err))
		goto cleanup;
	if (exists) {
		strbuf_addstr(err, "the demo district is already loaded");
		goto cleanup;
	}
	if (gen_places(db, keys, villages, err) || gen_departments(db, keys, err) ||
	    gen_subjects(db, keys, villages, subj, err) ||
	    gen_events(db, keys, villages, subj, &events, err) ||
	    gen_users(db, keys, demo_passwords, out, err))
		goto cleanup;
	{
		size_t i;
		int n = 0;
		for (i = 0; i < DEMO_NCATEGORIES; i++)
			n += demo_categories[i].n;
		fprintf(out, "\ndemo district 淮阳区 loaded: %d townships, %d villages and "
			     "communities, %d enterprises and institutions; %d events of 2022-01 to "
			     "2023-08\n", NTOWNSHIPS, NVILLAGES, n, events);
	}
	ret = 0;
cleanup:
	free(exists);
	free(villages);
	free(subj);
	return ret;
}
