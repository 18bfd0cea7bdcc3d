/*
 * migrate.c: apply the embedded SQL migrations (the .sql files of
 * src/db/migrations/, compiled in by scripts/embed.sh) that a database has
 * not seen yet, each in its own transaction together with its row in
 * schema_migrations.
 *
 * A migration may have a step in C (struct db_migration_hook), run in the
 * same transaction right after its SQL: the caller supplies it, so that
 * this layer knows nothing of what it does.
 *
 * A migration whose first line is PG_ONLY is PostgreSQL's alone (what SQLite
 * has no counterpart of, such as partitions): on SQLite it is recorded
 * without being run, so that both engines count the same schema version.
 *
 * It never rolls a migration back and never edits one: a migration once
 * shipped is history, and a fix is a new file.  A database that has a
 * migration this program does not know was made by a newer program: it is
 * refused whole, before anything is applied.
 */
#include "db/db_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/embed.h"
#include "base/strbuf.h"

/* Every process that migrates a PostgreSQL database takes this lock. */
#define MIGRATE_LOCK "SELECT pg_advisory_xact_lock(73010)"

/* The first line of a migration that only PostgreSQL runs. */
#define PG_ONLY "-- postgresql only\n"

static const char create_sql[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	"name TEXT PRIMARY KEY, applied_at TEXT)";

/*
 * Open the migration transaction: the write lock on SQLite, the advisory
 * lock on PostgreSQL, so that concurrent migrators run one after the other
 * and each sees what the previous one did.
 */
static int begin_locked(struct db *db, struct strbuf *err)
{
	int rc = db_begin(db, err);

	if (rc < 0 || db->dialect != DB_POSTGRES)
		return rc;
	rc = db_exec(db, MIGRATE_LOCK, err);
	if (rc < 0)
		db_rollback(db);
	return rc;
}

static void utc_now(char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Apply `f` unless recorded, with its hook if any; in its own transaction. */
static int apply_one(struct db *db, const struct embedded_file *f,
		     const struct db_migration_hook *hooks, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct db_stmt *st = NULL;
	char *done = NULL;
	const char *params[2];
	char now[32];
	int rc;

	rc = begin_locked(db, err);
	if (rc < 0)
		goto cleanup;
	params[0] = f->name;
	rc = db_query_value(db, "SELECT name FROM schema_migrations WHERE name = ?",
			    params, 1, &done, err);
	if (rc < 0 || done)
		goto cleanup;

	rc = db_sql_dialectize(db->dialect, f->data, &sql);
	if (rc < 0) {
		if (err)
			strbuf_addstr(err, "unknown dialect");
		goto cleanup;
	}
	if (db->dialect == DB_POSTGRES || strncmp(f->data, PG_ONLY, strlen(PG_ONLY)))
		rc = db_exec(db, sql.buf, err);
	if (rc < 0)
		goto cleanup;
	for (; hooks && hooks->name; hooks++) {
		if (strcmp(hooks->name, f->name))
			continue;
		rc = hooks->run(db, hooks->arg, err);
		if (rc < 0)
			goto cleanup;
	}

	utc_now(now, sizeof(now));
	rc = db_prepare(db, "INSERT INTO schema_migrations (name, applied_at) "
			"VALUES (?, ?)", &st, err);
	if (rc < 0)
		goto cleanup;
	db_bind_text(st, 1, f->name);
	db_bind_text(st, 2, now);
	rc = db_step(st, err);
	if (rc < 0)
		goto cleanup;
	db_finalize(st);
	st = NULL;
	rc = db_commit(db, err);
cleanup:
	db_finalize(st);
	if (db_in_transaction(db)) {
		if (rc < 0)
			db_rollback(db);
		else
			rc = db_commit(db, err);
	}
	free(done);
	strbuf_release(&sql);
	return rc;
}

static int known(const struct embedded_file *files, const char *name)
{
	for (; files->name; files++)
		if (!strcmp(files->name, name))
			return 1;
	return 0;
}

/*
 * Refuse a database with a migration that is not among `files`; else the
 * number of them it has (each is recorded once: the name is the key).
 */
static int check_not_newer(struct db *db, const struct embedded_file *files,
			   size_t *applied, struct strbuf *err)
{
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, "SELECT name FROM schema_migrations ORDER BY name", &st, err);

	*applied = 0;
	while (rc >= 0 && (rc = db_step(st, err)) == DB_ROW) {
		const char *name = db_column_text(st, 0);

		if (name && known(files, name)) {
			++*applied;
		} else if (name) {
			if (err)
				strbuf_addf(err, "the database was made by a newer sanling: it has "
					    "migration %s, this program knows up to schema %s; "
					    "upgrade the program", name, db_schema_version(files));
			rc = DB_ERROR;
		}
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

const char *db_schema_version(const struct embedded_file *files)
{
	static char v[8];
	const struct embedded_file *last = NULL;

	if (!files)
		files = migrations;
	for (; files->name; files++)
		last = files;
	snprintf(v, sizeof(v), "%.*s", last ? (int)strspn(last->name, "0123456789") : 0,
		 last ? last->name : "");
	return v;
}

int db_migrate_hooked(struct db *db, const struct embedded_file *files,
		      const struct db_migration_hook *hooks, struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;
	size_t applied, n;
	int rc;

	if (db_in_transaction(db)) {
		if (err)
			strbuf_addstr(err, "migrate: a transaction is already open");
		return DB_ERROR;
	}
	if (!files)
		files = migrations;
	/*
	 * Every one of them applied, as every command finds a database that
	 * is up to date: nothing to lock, create or look up one by one (four
	 * round trips a migration, on PostgreSQL, to each command).  A
	 * database without schema_migrations fails the read, and one of a
	 * newer program is refused below.
	 */
	for (n = 0; files[n].name; n++)
		;
	if (!check_not_newer(db, files, &applied, NULL) && applied == n)
		return 0;
	rc = begin_locked(db, err);
	if (rc < 0)
		goto cleanup;
	rc = db_exec(db, create_sql, err);
	if (rc < 0) {
		db_rollback(db);
		goto cleanup;
	}
	rc = db_commit(db, err);
	if (rc < 0) {
		db_rollback(db);
		goto cleanup;
	}

	rc = check_not_newer(db, files, &applied, err);
	if (rc < 0)
		goto cleanup;
	for (; files->name; files++) {
		strbuf_reset(&why);
		rc = apply_one(db, files, hooks, &why);
		if (rc < 0) {
			if (err)
				strbuf_addf(err, "migration %s: %s", files->name,
					    why.buf);
			goto cleanup;
		}
	}
cleanup:
	strbuf_release(&why);
	return rc;
}

int db_migrate_files(struct db *db, const struct embedded_file *files,
		     struct strbuf *err)
{
	return db_migrate_hooked(db, files, NULL, err);
}

int db_migrate(struct db *db, struct strbuf *err)
{
	return db_migrate_hooked(db, migrations, NULL, err);
}
