/*
 * test_upgrade: a database made by every earlier schema is brought up to
 * the current one, on both engines (engines.h).  For each schema k — the
 * first k migrations, as the program that shipped them made a database —
 * a district written at the first schema (in its own SQL: the columns of
 * 001_init, which never change), migrated to k, then by this program to
 * the current schema: every row written is still there with its values,
 * the schema is the one a new database gets, and migrating again changes
 * nothing.  The refusal of a database made by a newer program, and the
 * rollback of a migration that fails, are test_db's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/embed.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "model/audit.h"

#include "engines.h"

/* The district written at schema 001, and what each row must still read. */
static const char *const seed[] = {
	"INSERT INTO regions (code, name, level, parent, district, township, created_at, updated_at) "
	"VALUES ('419900000000', '旧区', 'district', NULL, '419900000000', NULL, 1, 1)",
	"INSERT INTO regions (code, name, level, parent, district, township, created_at, updated_at) "
	"VALUES ('419900101000', '老城镇', 'township', '419900000000', '419900000000', "
	"'419900101000', 1, 1)",
	"INSERT INTO regions (code, name, level, parent, district, township, created_at, updated_at) "
	"VALUES ('419900101001', '东关村', 'village', '419900101000', '419900000000', "
	"'419900101000', 1, 1)",
	"INSERT INTO departments (code, name, roles, region, district, created_at, updated_at) "
	"VALUES ('OLDOFF', '旧区三零办', 'office', '419900000000', '419900000000', 1, 1)",
	"INSERT INTO subjects (code, name, kind, category, township, village, address, "
	"active_from, district, created_at, updated_at) VALUES ('OLDV1', '东关村委会', 'village', "
	"'village', '419900101000', '419900101001', '东关路1号', '2022-01', '419900000000', 1, 1)",
	"INSERT INTO users (username, display_name, role, department, district, pw_hash, "
	"created_at, updated_at) VALUES ('oldoffice', '老王', 'office', 'OLDOFF', '419900000000', "
	"'x', 1, 1)",
	NULL
};
static const char *const kept[][2] = {
	{ "SELECT name || '|' || level || '|' || parent FROM regions WHERE code = '419900101001'",
	  "东关村|village|419900101000" },
	{ "SELECT name || '|' || roles || '|' || region FROM departments WHERE code = 'OLDOFF'",
	  "旧区三零办|office|419900000000" },
	{ "SELECT name || '|' || kind || '|' || township || '|' || village || '|' || address || '|' || "
	  "active_from FROM subjects WHERE code = 'OLDV1'",
	  "东关村委会|village|419900101000|419900101001|东关路1号|2022-01" },
	{ "SELECT display_name || '|' || role || '|' || department FROM users WHERE username = "
	  "'oldoffice'", "老王|office|OLDOFF" },
	{ "SELECT COUNT(*) FROM regions", "3" },
	{ "SELECT COUNT(*) FROM subjects", "1" },
};

/* The first k migrations, terminated. */
static const struct embedded_file *first(size_t k)
{
	static struct embedded_file files[256];

	assert_true(k < 256);
	memcpy(files, migrations, k * sizeof(files[0]));
	memset(&files[k], 0, sizeof(files[0]));
	return files;
}

static size_t count_migrations(void)
{
	size_t n = 0;

	while (migrations[n].name)
		n++;
	return n;
}

/*
 * Every column (table.column) and index of the database, one a line.  On
 * PostgreSQL without the partitions (and their indexes): they follow the
 * districts there are, and the old database has one that a new one has not
 * (see the partitions' own check below).
 */
static void schema_of(struct db *db, struct strbuf *out)
{
	const char *sql = db_dialect(db) == DB_POSTGRES
		? "SELECT table_name || '.' || column_name || ' ' || data_type FROM "
		  "information_schema.columns WHERE table_schema = current_schema() AND "
		  "NOT (SELECT c.relispartition FROM pg_class c WHERE c.oid = "
		  "(quote_ident(table_schema) || '.' || quote_ident(table_name))::regclass) "
		  "UNION ALL SELECT 'index ' || indexname FROM pg_indexes i WHERE schemaname = "
		  "current_schema() AND NOT (SELECT c.relispartition FROM pg_class c WHERE c.oid = "
		  "(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass) "
		  "ORDER BY 1"
		: "SELECT m.name || '.' || p.name || ' ' || p.type FROM sqlite_master m, "
		  "pragma_table_info(m.name) p WHERE m.type = 'table' UNION ALL SELECT 'index ' || name "
		  "FROM sqlite_master WHERE type = 'index' ORDER BY 1";
	struct strbuf err = STRBUF_INIT;
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, &err);

	while (rc >= 0 && (rc = db_step(st, &err)) == DB_ROW) {
		strbuf_addstr(out, db_column_text(st, 0));
		strbuf_addch(out, '\n');
	}
	db_finalize(st);
	if (rc < 0)
		fail_msg("schema: %s", err.buf);
	strbuf_release(&err);
}

static void expect(struct db *db, const char *sql, const char *want, size_t k)
{
	struct strbuf err = STRBUF_INIT;
	char *v = NULL;

	if (db_query_value(db, sql, NULL, 0, &v, &err) < 0)
		fail_msg("from schema %zu: %s: %s", k, sql, err.buf);
	if (!v || strcmp(v, want))
		fail_msg("from schema %zu: %s: \"%s\", not \"%s\"", k, sql, v ? v : "NULL", want);
	free(v);
	strbuf_release(&err);
}

static void migrate(struct db *db, const struct embedded_file *files, size_t k)
{
	struct strbuf err = STRBUF_INIT;

	if (audit_migrate_files(db, files, &err))
		fail_msg("migrating (made at schema %zu): %s", k, err.buf);
	strbuf_release(&err);
}

static void test_every_schema_upgrades(void **state)
{
	struct strbuf want = STRBUF_INIT, got = STRBUF_INIT, again = STRBUF_INIT;
	size_t n = count_migrations(), k, i;
	struct db *db = engines_open();

	schema_of(db, &want);
	db_close(db);
	assert_true(n >= 25);
	for (k = 1; k < n; k++) {
		db = engines_open_empty();
		migrate(db, first(1), k);
		for (i = 0; seed[i]; i++)
			engines_exec(db, seed[i]);
		migrate(db, first(k), k);
		/* this program, as at any start */
		migrate(db, NULL, k);
		for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
			expect(db, kept[i][0], kept[i][1], k);
		/* the nine event lists and the determinations: a partition for the old district */
		if (db_dialect(db) == DB_POSTGRES)
			expect(db, "SELECT COUNT(*) FROM pg_inherits i JOIN pg_class c ON c.oid = "
			       "i.inhrelid WHERE pg_get_expr(c.relpartbound, c.oid) = "
			       "'FOR VALUES IN (''419900000000'')' AND c.relnamespace = "
			       "current_schema()::regnamespace", "10", k);
		strbuf_reset(&got);
		schema_of(db, &got);
		if (strcmp(got.buf, want.buf))
			fail_msg("from schema %zu the schema differs from a new database's", k);
		migrate(db, NULL, k);
		strbuf_reset(&again);
		schema_of(db, &again);
		assert_string_equal(again.buf, got.buf);
		expect(db, "SELECT COUNT(*) FROM subjects", "1", k);
		db_close(db);
	}
	strbuf_release(&want);
	strbuf_release(&got);
	strbuf_release(&again);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_schema_upgrades),
	};
	int failed;

	if (engines_init("upgrade"))
		return 1;
	failed = engines_run(tests, sizeof(tests) / sizeof(tests[0]));
	engines_end();
	return failed;
}
