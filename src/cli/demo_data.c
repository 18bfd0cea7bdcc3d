/*
 * demo_data.c: the demo district (see demo_data.h).  A district in the
 * shape of the seed report — 20 townships, 475 villages and communities
 * each with its grid, the departments of the four-level model with the
 * seed's sector map, 1,726 enterprises and institutions spread over the
 * sector map's categories — one account per role, and twenty months of its
 * work, January 2022 to August 2023 (demo_events.c, demo_safety.c).
 * Everything is written as import files in memory and loaded through
 * entity_import(), so that every generated row is validated like a user's.
 * Deterministic: the same run gives the same district.
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
#include "cli/demo_data.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/crypto.h"
#include "base/strbuf.h"
#include "cli/demo_int.h"
#include "cli/demo_shape.h"
#include "cli/sample.h"
#include "db/db.h"
#include "io/table.h"
#include "model/audit.h"
#include "model/entity.h"

const char *const demo_township_names[NTOWNSHIPS] = {
	"城关回族镇", "白楼镇", "临蔡镇", "安岭镇", "朱集镇", "豆门乡", "冯塘乡",
	"刘振屯乡", "王店乡", "大连乡", "葛店乡", "黄集乡", "齐老乡", "郑集乡",
	"曹河乡", "四通镇", "新站镇", "鲁台镇", "许湾乡", "刘庄店镇",
};

const char *const demo_surnames[] = {
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

void demo_csv_cell(struct strbuf *csv, const char *s, int last)
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
int demo_load_as(struct db *db, const struct crypto_keys *keys, const char *kind,
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
	return demo_load_as(db, keys, kind, csv, NULL, err);
}

static int gen_places(struct db *db, const struct crypto_keys *keys, struct place *villages,
		      struct strbuf *err)
{
	struct strbuf csv = STRBUF_INIT, name = STRBUF_INIT;
	struct rng r = { 0x5a4c494e47ULL, RNG_XORSHIFT };
	int t, v, used[NTOWNSHIPS] = { 0 }, ret;

	strbuf_addstr(&csv, "code,name,level,parent\n");
	strbuf_addf(&csv, "%s,淮阳区,district,\n", DISTRICT);
	for (t = 0; t < NTOWNSHIPS; t++)
		strbuf_addf(&csv, "411603%03d000,%s,township,%s\n", 100 + t, demo_township_names[t],
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
			strbuf_addf(&name, "%s%s社区", v < 20 ? "" : demo_township_names[t],
				    community_words[v % 15]);
		else
		{
			/* the suffix is drawn first: see demo_int.h */
			const char *suffix = village_suffix[sample_below(&r, 12)];
			const char *surname = demo_surnames[sample_below(&r, 40)];
			strbuf_addf(&name, "%s%s村", surname, suffix);
		}
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
			    demo_township_names[t], 100 + t);
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

static const char *supervisor_of(const char *category)
{
	size_t i;

	for (i = 0; i < sizeof(sector_map) / sizeof(sector_map[0]); i++)
		if (!strcmp(sector_map[i][0], category))
			return sector_map[i][1];
	return "SCJG";
}

void demo_phone(struct rng *r, struct strbuf *out)
{
	static const char *const pre[] = { "138", "139", "135", "137", "150", "151", "158",
					   "186", "187", "176", "133", "153", "189", "199" };
	int number = sample_below(r, 100000000); /* drawn first: see demo_int.h */
	const char *prefix = pre[sample_below(r, 14)];

	strbuf_addf(out, "%s%08d", prefix, number);
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
			    100 + p->township, p->code, p->grid, demo_township_names[p->township]);
		strbuf_reset(&cell);
		strbuf_addf(&cell, "%s%s", demo_surnames[sample_below(&r, 40)],
			    v % 3 ? "书记" : "主任");
		demo_csv_cell(&csv, cell.buf, 0);
		strbuf_reset(&cell);
		demo_phone(&r, &cell);
		demo_csv_cell(&csv, cell.buf, 0);
		strbuf_addstr(&csv, ",2022-01,\n");
	}
	for (i = 0; i < DEMO_NCATEGORIES; i++) {
		for (k = 0; k < demo_categories[i].n; k++, n++) {
			int vi = sample_below(&r, NVILLAGES);
			const struct place *p = &villages[vi];
			struct subj *s = &subj[NVILLAGES + n];
			strbuf_addf(&csv, "E%05d,", n + 1);
			strbuf_reset(&cell);
			strbuf_addf(&cell, "淮阳区%s%s%s%d", demo_township_names[p->township],
				    demo_surnames[sample_below(&r, 40)], demo_categories[i].word,
				    k + 1);
			demo_csv_cell(&csv, cell.buf, 0);
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
				    demo_categories[i].category, 100 + p->township, p->code,
				    p->grid);
			strbuf_reset(&cell);
			strbuf_addf(&cell, "%s人民路%d号", demo_township_names[p->township],
				    1 + sample_below(&r, 300));
			demo_csv_cell(&csv, cell.buf, 0);
			strbuf_reset(&cell);
			strbuf_addf(&cell, "%s经理", demo_surnames[sample_below(&r, 40)]);
			demo_csv_cell(&csv, cell.buf, 0);
			strbuf_reset(&cell);
			demo_phone(&r, &cell);
			demo_csv_cell(&csv, cell.buf, 0);
			strbuf_reset(&cell);
			credit_code(&r, !strcmp(demo_categories[i].kind, "institution"), &cell);
			demo_csv_cell(&csv, cell.buf, 0);
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
		snprintf(s->name, sizeof(s->name), "淮阳区%s已关停饭店%d", demo_township_names[p->township],
			 k + 1);
		s->kind = "enterprise";
		s->category = "restaurant";
		s->supervisor = supervisor_of(s->category);
		s->village = vi;
		s->township = p->township;
		s->from = 0;
		s->to = 2 + k % 9;
		strbuf_addf(&csv, "X%03d,淮阳区%s已关停饭店%d,enterprise,restaurant,"
			    "411603%03d000,%s,%s,,,,,", k + 1, demo_township_names[p->township], k + 1,
			    100 + p->township, p->code, p->grid);
		strbuf_reset(&cell);
		credit_code(&r, 0, &cell);
		strbuf_addf(&csv, "%s,2022-01,2022-%02d\n", cell.buf, 3 + k % 9);
	}
	ret = load(db, keys, "subjects", &csv, err);
	strbuf_release(&csv);
	strbuf_release(&cell);
	return ret;
}

/* demo accounts: username, role, department, grid, subject, display name (, village) */
static const char *const demo_users[][7] = {
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
	/* 驻村辅警 of the grid account's village: its two grids (demo_grass.c) */
	{ "fujing", "grid", "GAJ", NULL, NULL, "驻村辅警", "411603101001" },
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
		if (demo_users[i][6])
			json_object_set_new(in, "village", json_string(demo_users[i][6]));
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
		fprintf(out, "%-12s %-12s %s%s\n", demo_users[i][0], demo_users[i][1], pw.buf,
			demo_users[i][6] ? "   （驻村辅警：其村的全部网格）" : "");
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

int demo_data_load(struct db *db, const struct crypto_keys *keys, int demo_passwords, FILE *out,
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
	    gen_subjects(db, keys, villages, subj, err) || demo_places(db, villages, subj, err) ||
	    demo_events(db, keys, villages, subj, &events, err) || demo_work(db, keys, err) ||
	    demo_grass(db, keys, villages, err) ||
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
