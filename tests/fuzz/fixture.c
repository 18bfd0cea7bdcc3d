/*
 * fixture.c: the in-memory database of the fuzz targets that reach the
 * model (see fixture.h).  The district is the one the API tests use
 * (tests/api/lib.mjs), loaded through the importer as an office would.
 */
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "io/table.h"
#include "model/audit.h"
#include "model/session.h"

static struct db *g_db;
static struct crypto_keys g_keys = CRYPTO_KEYS_INIT;
static size_t g_nentities;

#define D "410000000000"
static const struct actor g_actors[] = {
	{ 1, "system", ROLE_SYSTEM, NULL, NULL, NULL, NULL, NULL, "cli", 0 },
	{ 2, "office", ROLE_OFFICE, "OFF", D, NULL, NULL, NULL, "10.0.0.1", 0 },
	{ 3, "petition", ROLE_PETITION, "XF", D, NULL, NULL, NULL, "10.0.0.1", 0 },
	{ 4, "edu", ROLE_SUPERVISOR, "JT", D, NULL, NULL, NULL, "10.0.0.1", 0 },
	{ 5, "east", ROLE_TOWNSHIP, "DZ", D, "410000001000", NULL, NULL, "10.0.0.1", 0 },
	{ 6, "grid1", ROLE_GRID, "DZ", D, "410000001000", "41000000100101", NULL,
	  "10.0.0.1", 0 },
	{ 7, "subj", ROLE_SUBJECT, "JT", D, "410000001000", NULL, "S1", "10.0.0.1", 0 },
	{ 8, "sysadmin", ROLE_SYSADMIN, NULL, NULL, NULL, NULL, NULL, "10.0.0.1", 0 },
};
#define NACTORS (sizeof(g_actors) / sizeof(g_actors[0]))

static const char *const district[][2] = {
	{ "regions", "code,name,level,parent\n"
	  "410000000000,测试区,district,\n"
	  "410000001000,东镇,township,410000000000\n"
	  "410000002000,西乡,township,410000000000\n"
	  "410000001001,东一村,village,410000001000\n"
	  "410000001002,东二村,village,410000001000\n"
	  "410000002001,西一村,village,410000002000\n"
	  "41000000100101,东一网格,grid,410000001001\n"
	  "41000000200101,西一网格,grid,410000002001\n" },
	{ "departments", "单位代码,单位名称,职能,所在区划\n"
	  "OFF,三零办,office,410000000000\n"
	  "XF,信访局,petition,410000000000\n"
	  "YJ,应急局,safety,410000000000\n"
	  "GA,公安局,police,410000000000\n"
	  "JT,教体局,supervisor,410000000000\n"
	  "SJ,市场监管局,supervisor,410000000000\n"
	  "DZ,东镇政府,township,410000001000\n"
	  "XZ,西乡政府,乡镇,410000002000\n" },
	{ "sector_map", "category,district,department\n"
	  "school,410000000000,JT\n"
	  "restaurant,410000000000,SJ\n" },
	{ "subjects", "code,name,kind,category,township,village,grid,supervisor,address,"
	  "contact_name,contact_phone,credit_code,active_from,active_to\n"
	  "V1,东一村委会,village,village,410000001000,410000001001,41000000100101,,,"
	  "赵一,13800138000,,2022-01,\n"
	  "V3,西一村委会,village,village,410000002000,410000002001,41000000200101,,,,,,"
	  "2022-01,\n"
	  "S1,东镇中学,institution,school,410000001000,410000001001,,,,,13912345678,"
	  "91350100M000100Y43,2022-01,\n"
	  "R1,西乡饭店,enterprise,restaurant,410000002000,410000002001,,,西乡大街1号,,,"
	  "91110000600037341L,2022-03,\n" },
};

static void load(const char *entity, const char *csv)
{
	const struct entity_desc *ed = entity_find(entity);
	struct model_ctx mc = fuzz_ctx(&g_actors[0]);
	struct table_reader *rd = NULL;
	struct import_report rep;
	struct model_error e;
	struct strbuf err = STRBUF_INIT;

	model_error_init(&e);
	import_report_init(&rep);
	if (!ed || table_reader_open_mem(csv, strlen(csv), TABLE_CSV, &rd, &err) ||
	    entity_import(&mc, ed, rd, 0, &rep, &e)) {
		char *s = json_dumps(rep.errors, 0);

		fprintf(stderr, "fixture: import %s: %s %s %s\n", entity, err.buf,
			e.msg.buf, s ? s : "");
		abort();
	}
	table_reader_free(rd);
	import_report_release(&rep);
	model_error_release(&e);
	strbuf_release(&err);
}

void fuzz_fixture_open(void)
{
	struct strbuf err = STRBUF_INIT;
	size_t i;

	if (g_db)
		return;
	setenv("SANLING_FAST_KDF", "1", 1);
	table_global_init();
	g_keys.loaded = 1; /* all-zero keys encrypt as well as any */
	audit_use_keys(&g_keys); /* the audit chain is keyed with them */
	assess_observe_writes();
	session_observe_writes();
	g_db = db_open(":memory:", &err);
	if (!g_db || audit_migrate(g_db, &err)) {
		fprintf(stderr, "fixture: %s\n", err.buf);
		abort();
	}
	while (entities[g_nentities])
		g_nentities++;
	for (i = 0; i < sizeof(district) / sizeof(district[0]); i++)
		load(district[i][0], district[i][1]);
	strbuf_release(&err);
}

struct db *fuzz_db(void)
{
	return g_db;
}

struct model_ctx fuzz_ctx(const struct actor *a)
{
	struct model_ctx mc;

	memset(&mc, 0, sizeof(mc));
	mc.db = g_db;
	mc.actor = a;
	mc.keys = &g_keys;
	return mc;
}

const struct entity_desc *fuzz_entity(unsigned n)
{
	return entities[n % g_nentities];
}

const struct actor *fuzz_actor(unsigned n)
{
	return &g_actors[n % NACTORS];
}

void fuzz_begin(void)
{
	struct strbuf err = STRBUF_INIT;

	if (db_begin(g_db, &err)) {
		fprintf(stderr, "fixture: begin: %s\n", err.buf);
		abort();
	}
	strbuf_release(&err);
}

void fuzz_rollback(void)
{
	if (db_rollback(g_db) || db_in_transaction(g_db))
		abort();
}
