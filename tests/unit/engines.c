/*
 * engines.c: the fixture of the unit tests that run on both engines (see
 * engines.h): a fresh database for each test, a SQLite file in a temporary
 * directory or a PostgreSQL schema of its own under $SANLING_TEST_PG, and
 * the groups that run a program's tests once per engine.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/crypto.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "model/audit.h"
#include "model/entity.h"
#include "model/role.h"

#include "engines.h"

#define MAX_SCHEMAS 64

static char g_name[32];            /* "model": the groups model/sqlite, model/postgresql */
static char g_dir[256];            /* the temporary directory: key file, SQLite files */
static struct crypto_keys g_keys = CRYPTO_KEYS_INIT;
static enum db_dialect g_dialect;  /* the engine of the running group */
static const char *g_pg_base;      /* SANLING_TEST_PG */
static struct db *g_pg_admin;      /* PostgreSQL: creates and drops the schemas */
static char g_schemas[MAX_SCHEMAS][64];
static int g_nschemas;
static int g_seq;

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

int engines_init(const char *name)
{
	struct strbuf err = STRBUF_INIT, path = STRBUF_INIT;
	const char *tmp = getenv("TMPDIR");

	snprintf(g_name, sizeof(g_name), "%s", name);
	snprintf(g_dir, sizeof(g_dir), "%s/test_%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", name);
	if (!mkdtemp(g_dir)) {
		perror("mkdtemp");
		return -1;
	}
	strbuf_addf(&path, "%s/keys", g_dir);
	if (crypto_keys_load(&g_keys, path.buf, 1, &err)) {
		fprintf(stderr, "keys: %s\n", err.buf);
		nftw(g_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		strbuf_release(&err);
		strbuf_release(&path);
		return -1;
	}
	audit_use_keys(&g_keys);
	strbuf_release(&err);
	strbuf_release(&path);
	return 0;
}

void engines_end(void)
{
	audit_use_keys(NULL);
	crypto_keys_release(&g_keys);
	nftw(g_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *engines_dir(void)
{
	return g_dir;
}

const struct crypto_keys *engines_keys(void)
{
	return &g_keys;
}

int engines_seq(void)
{
	return g_seq;
}

struct db *engines_open_empty(void)
{
	struct strbuf err = STRBUF_INIT;
	char url[1024];
	struct db *db;

	g_seq++;
	if (g_dialect == DB_SQLITE) {
		snprintf(url, sizeof(url), "%s/%s%d.db", g_dir, g_name, g_seq);
	} else {
		char sql[128];

		assert_true(g_nschemas < MAX_SCHEMAS);
		snprintf(g_schemas[g_nschemas], sizeof(g_schemas[0]), "t%s_%ld_%d", g_name,
			 (long)getpid(), g_seq);
		snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", g_schemas[g_nschemas]);
		if (db_exec(g_pg_admin, sql, &err) < 0)
			fail_msg("%s: %s", sql, err.buf);
		snprintf(url, sizeof(url), "%s%coptions=-csearch_path%%3D%s", g_pg_base,
			 strchr(g_pg_base, '?') ? '&' : '?', g_schemas[g_nschemas]);
		g_nschemas++;
	}
	db = db_open(url, &err);
	if (!db)
		fail_msg("db_open %s: %s", url, err.buf);
	strbuf_release(&err);
	return db;
}

struct db *engines_open(void)
{
	struct strbuf err = STRBUF_INIT;
	struct db *db = engines_open_empty();

	if (audit_migrate(db, &err))
		fail_msg("audit_migrate: %s", err.buf);
	strbuf_release(&err);
	return db;
}

/* ---- the groups ---- */

static int sqlite_group_setup(void **state)
{
	g_dialect = DB_SQLITE;
	return 0;
}

static int pg_group_setup(void **state)
{
	struct strbuf err = STRBUF_INIT;

	g_dialect = DB_POSTGRES;
	g_pg_admin = db_open(g_pg_base, &err);
	if (!g_pg_admin) {
		fprintf(stderr, "cannot open %s: %s\n", g_pg_base, err.buf);
		strbuf_release(&err);
		return -1;
	}
	strbuf_release(&err);
	return 0;
}

static int pg_group_teardown(void **state)
{
	struct strbuf err = STRBUF_INIT;
	char sql[128];
	int i, ret = 0;

	for (i = 0; i < g_nschemas; i++) {
		snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", g_schemas[i]);
		if (db_exec(g_pg_admin, sql, &err) < 0)
			ret = -1;
	}
	g_nschemas = 0;
	db_close(g_pg_admin);
	g_pg_admin = NULL;
	strbuf_release(&err);
	return ret;
}

/* What cmocka_run_group_tests_name() expands to, with the group's name made here. */
int engines_run(const struct CMUnitTest *tests, size_t n)
{
	char group[64];
	int failed;

	snprintf(group, sizeof(group), "%s/sqlite", g_name);
	failed = _cmocka_run_group_tests(group, tests, n, sqlite_group_setup, NULL);
	snprintf(group, sizeof(group), "%s/postgresql", g_name);
	g_pg_base = getenv("SANLING_TEST_PG");
	if (g_pg_base && *g_pg_base) {
		failed += _cmocka_run_group_tests(group, tests, n, pg_group_setup,
						  pg_group_teardown);
	} else {
		printf("[  SKIPPED ] %s: %zu tests skipped; set "
		       "SANLING_TEST_PG=postgresql://... to run them "
		       "(sh scripts/pgtmp.sh start DIR prints one)\n", group, n);
		fflush(stdout);
	}
	return failed;
}

void engines_exec(struct db *db, const char *sql)
{
	struct strbuf err = STRBUF_INIT;

	if (db_exec(db, sql, &err) < 0)
		fail_msg("exec '%s': %s", sql, err.buf);
	strbuf_release(&err);
}

void engines_create(struct db *db, const char *entity, json_t *in)
{
	struct model_ctx mc;
	struct model_error e;
	struct actor sys;
	json_t *out = NULL;
	char *text = json_dumps(in, JSON_SORT_KEYS);

	actor_system(&sys);
	memset(&mc, 0, sizeof(mc));
	mc.db = db;
	mc.actor = &sys;
	mc.keys = engines_keys();
	model_error_init(&e);
	if (entity_create(&mc, entity_find(entity), in, &out, &e))
		fail_msg("create %s %s: %d %s: %s", entity, text, e.code, e.field ? e.field : "-",
			 e.msg.buf);
	json_decref(out);
	json_decref(in);
	free(text);
	model_error_release(&e);
}
