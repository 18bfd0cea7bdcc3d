/*
 * backup.c: the backup file and its restore (backup.h).
 */
#include "ops/backup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/date.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "model/audit.h"
#include "ops/tarzst.h"
#include "version.h"

#define FORMAT "sanling-backup"
#define MANIFEST "manifest.json"
#define MANIFEST_MAX (4 << 20)

static int is_pg(const char *url)
{
	return !strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11);
}

/* The member holding the database of an engine. */
static const char *member_of(int pg)
{
	return pg ? "sanling.pgdump" : "sanling.db";
}

/* Run `argv` with PGPASSWORD `password` (NULL: none) in its environment. */
static int run_child(char *const argv[], const char *password, struct strbuf *err)
{
	char buf[4096];
	int fds[2], status;
	ssize_t n;
	size_t kept = 0;
	pid_t pid;

	if (pipe(fds))
		return strbuf_addf(err, "pipe: %s", strerror(errno)), -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return strbuf_addf(err, "fork: %s", strerror(errno)), -1;
	}
	if (!pid) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(fds[1], 2);
		signal(SIGPIPE, SIG_DFL);
		if (password)
			setenv("PGPASSWORD", password, 1);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf + kept, sizeof(buf) - 1 - kept)) > 0)
		kept = kept + (size_t)n < sizeof(buf) - 1 ? kept + (size_t)n : 0;
	buf[kept] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	strbuf_addf(err, "%s failed: %s", argv[0], kept ? strtok(buf, "\n") : "no message");
	return -1;
}

/*
 * Run `argv` (a PostgreSQL tool) on database `url`, given as its last
 * argument `--dbname=` without the password, which goes in the child's
 * environment (PGPASSWORD), out of sight of ps; its output discarded and
 * the end of its standard error kept for the message: 0, or -1 with `err`.
 */
static int run_tool(char *argv[], const char *url, struct strbuf *err)
{
	struct strbuf safe = STRBUF_INIT, password = STRBUF_INIT, db_arg = STRBUF_INIT;
	int has_password = db_url_password(url, &safe, &password), rc;
	size_t n;

	strbuf_addf(&db_arg, "--dbname=%s", safe.buf);
	for (n = 0; argv[n]; n++)
		;
	argv[n] = db_arg.buf;
	rc = run_child(argv, has_password ? password.buf : NULL, err);
	argv[n] = NULL;
	strbuf_release(&safe);
	strbuf_release(&db_arg);
	/* the password, wiped before its memory goes back */
	if (password.len)
		memset(password.buf, 0, password.len);
	strbuf_release(&password);
	return rc;
}

/* The tables of the database, by name. */
static int table_names(struct db *db, json_t *names, struct strbuf *err)
{
	const char *sql = db_dialect(db) == DB_POSTGRES
		? "SELECT table_name FROM information_schema.tables WHERE table_schema = "
		  "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
		: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
		  "ORDER BY name";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, err);

	while (rc >= 0 && (rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(names, json_string(db_column_text(st, 0)));
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* {table: rows} of every table. */
static json_t *row_counts(struct db *db, struct strbuf *err)
{
	json_t *names = json_array(), *counts = json_object(), *name;
	size_t i;

	if (table_names(db, names, err))
		goto fail;
	json_array_foreach(names, i, name) {
		struct strbuf sql = STRBUF_INIT;
		char *v = NULL;
		int rc;

		strbuf_addf(&sql, "SELECT COUNT(*) FROM \"%s\"", json_string_value(name));
		rc = db_query_value(db, sql.buf, NULL, 0, &v, err);
		strbuf_release(&sql);
		if (rc < 0) {
			free(v);
			goto fail;
		}
		json_object_set_new(counts, json_string_value(name), json_integer(v ? atoll(v) : 0));
		free(v);
	}
	json_decref(names);
	return counts;
fail:
	json_decref(names);
	json_decref(counts);
	return NULL;
}

/* The manifest of the snapshot `db` (its rows and audit head). */
static json_t *manifest_of(struct db *db, int pg, struct strbuf *err)
{
	struct audit_anchor a;
	json_t *counts;
	char now[32];

	counts = row_counts(db, err);
	if (!counts)
		return NULL;
	if (audit_anchor_take(db, &a, err)) {
		json_decref(counts);
		return NULL;
	}
	time_iso_utc(time_now(), now);
	return json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:o, s:{s:I, s:s}}", "format", FORMAT,
			 "format_version", 1, "program", SANLING_VERSION, "schema",
			 db_schema_version(NULL), "engine", pg ? "postgresql" : "sqlite", "time", now,
			 "tables", counts, "audit_head", "seq", (json_int_t)a.seq, "hash", a.hash);
}

/*
 * The snapshot of an SQLite database into the new file `tmp`, and its
 * manifest: in one read transaction the rows are counted, the audit head
 * taken and the pages copied (writers go on meanwhile).
 */
static json_t *snapshot_sqlite(const char *url, const char *tmp, struct strbuf *err)
{
	struct db *db = db_open(url, err);
	json_t *m = NULL;

	if (!db)
		return NULL;
	/* the copy reads every page: mapped, not a read() each */
	db_exec(db, "PRAGMA mmap_size=2147418112", NULL);
	if (!db_begin_read(db, err) && (m = manifest_of(db, 0, err)) &&
	    db_copy_into(db, tmp, err)) {
		strbuf_addf(err, " (is the disk full?)");
		json_decref(m);
		m = NULL;
	}
	db_rollback(db);
	db_close(db);
	return m;
}

/*
 * pg_dump of one snapshot into `tmp`, and the manifest of that same
 * snapshot (exported by this connection, read in it while pg_dump runs).
 */
static json_t *snapshot_pg(const char *url, const char *tmp, struct strbuf *err)
{
	struct strbuf snap_arg = STRBUF_INIT, file_arg = STRBUF_INIT;
	struct db *db = db_open(url, err);
	json_t *m = NULL;
	char *snap = NULL;

	if (!db)
		return NULL;
	if (db_exec(db, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", err) < 0 ||
	    db_query_value(db, "SELECT pg_export_snapshot()", NULL, 0, &snap, err) < 0)
		goto done;
	m = manifest_of(db, 1, err);
	if (m) {
		char *argv[] = { "pg_dump", "--format=custom", "--compress=0", "--no-owner",
				 "--no-privileges", NULL, NULL, NULL, NULL };

		strbuf_addf(&snap_arg, "--snapshot=%s", snap);
		strbuf_addf(&file_arg, "--file=%s", tmp);
		argv[5] = snap_arg.buf;
		argv[6] = file_arg.buf;
		if (run_tool(argv, url, err)) {
			json_decref(m);
			m = NULL;
		}
	}
done:
	db_exec(db, "ROLLBACK", NULL);
	db_close(db);
	free(snap);
	strbuf_release(&snap_arg);
	strbuf_release(&file_arg);
	return m;
}

/* Write the archive `part`: the database file `tmp`, then the manifest. */
static int write_archive(const char *part, const char *tmp, int pg, json_t *m, struct strbuf *err)
{
	struct tarzst *t = tarzst_create(part, err);
	char sha[65];
	struct stat sb;
	FILE *in;
	char *text;
	int rc = -1;

	if (!t)
		return -1;
	in = fopen(tmp, "rb");
	if (!in || fstat(fileno(in), &sb)) {
		strbuf_addf(err, "%s: %s", tmp, strerror(errno));
		goto done;
	}
	if (tarzst_add(t, member_of(pg), in, NULL, (uint64_t)sb.st_size, sha, err))
		goto done;
	json_object_set_new(m, "sha256", json_string(sha));
	json_object_set_new(m, "size", json_integer((json_int_t)sb.st_size));
	text = json_dumps(m, JSON_INDENT(2) | JSON_SORT_KEYS);
	rc = tarzst_add(t, MANIFEST, NULL, text, strlen(text), NULL, err);
	free(text);
	if (!rc) {
		rc = tarzst_finish(t, err);
		t = NULL;
	}
done:
	if (in)
		fclose(in);
	tarzst_close(t);
	return rc;
}

int backup_make(const char *url, const char *out, json_t **manifest, struct strbuf *err)
{
	struct strbuf tmp = STRBUF_INIT, part = STRBUF_INIT;
	int pg = is_pg(url), rc = -1;
	json_t *m;

	*manifest = NULL;
	if (!access(out, F_OK)) {
		strbuf_addf(err, "%s exists: a backup never overwrites a file", out);
		return -1;
	}
	strbuf_addf(&tmp, "%s.%ld.snapshot", out, (long)getpid());
	strbuf_addf(&part, "%s.%ld.partial", out, (long)getpid());
	m = pg ? snapshot_pg(url, tmp.buf, err) : snapshot_sqlite(url, tmp.buf, err);
	if (m && !write_archive(part.buf, tmp.buf, pg, m, err)) {
		if (rename(part.buf, out))
			strbuf_addf(err, "%s: %s", out, strerror(errno));
		else
			rc = 0;
	}
	unlink(tmp.buf);
	if (rc) {
		unlink(part.buf);
		json_decref(m);
	} else {
		*manifest = m;
	}
	strbuf_release(&tmp);
	strbuf_release(&part);
	return rc;
}

/* ---- restore ---- */

/* Whether the target is empty: no SQLite file (or an empty one), no PostgreSQL table. */
static int target_empty(const char *url, int pg, struct strbuf *err)
{
	struct stat sb;
	json_t *names;
	struct db *db;
	int rc;

	if (!pg) {
		if (!stat(url, &sb) && sb.st_size > 0) {
			strbuf_addf(err, "%s is not empty: a backup is restored only into a new database",
				    url);
			return -1;
		}
		return 0;
	}
	db = db_open(url, err);
	if (!db)
		return -1;
	names = json_array();
	rc = table_names(db, names, err);
	if (!rc && json_array_size(names)) {
		strbuf_addstr(err, "the PostgreSQL database is not empty (it has tables): a backup is "
				   "restored only into a new database");
		rc = -1;
	}
	json_decref(names);
	db_close(db);
	return rc;
}

/* Read the archive: the database member into `tmp`, the manifest parsed. */
static json_t *read_archive(const char *file, const char *tmp, int pg, struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;
	struct tarzst *t = tarzst_open(file, err);
	json_t *m = NULL;
	char name[101], sha[65] = "", msha[65];
	uint64_t size;
	FILE *out;
	int rc;

	if (!t)
		return NULL;
	while ((rc = tarzst_next(t, name, &size, err)) == 1) {
		if (!strcmp(name, MANIFEST) && !m) {
			if (tarzst_read(t, NULL, &text, MANIFEST_MAX, msha, err))
				break;
			m = json_loadb(text.buf, text.len, 0, NULL);
		} else if (!strcmp(name, member_of(pg)) && !*sha) {
			out = fopen(tmp, "wbx");
			if (!out) {
				strbuf_addf(err, "%s: %s", tmp, strerror(errno));
				break;
			}
			rc = tarzst_read(t, out, NULL, 0, sha, err);
			if (fclose(out) && !rc)
				rc = -1, strbuf_addf(err, "%s: %s", tmp, strerror(errno));
			if (rc)
				break;
		} else if (!strcmp(name, member_of(!pg))) {
			strbuf_addf(err, "%s is a backup of a %s database: restore it into one", file,
				    pg ? "SQLite" : "PostgreSQL");
			rc = -1;
			break;
		} else {
			strbuf_addf(err, "%s: not a sanling backup (it holds \"%s\")", file, name);
			rc = -1;
			break;
		}
	}
	tarzst_close(t);
	strbuf_release(&text);
	if (!rc && (!m || !*sha || strcmp(json_string_value(json_object_get(m, "format")) ?: "", FORMAT))) {
		strbuf_addf(err, "%s: not a sanling backup (no manifest or no database inside)", file);
		rc = -1;
	}
	if (!rc && strcmp(json_string_value(json_object_get(m, "sha256")) ?: "", sha)) {
		strbuf_addf(err, "%s: damaged: the database inside does not match its SHA-256", file);
		rc = -1;
	}
	if (!rc && strcmp(json_string_value(json_object_get(m, "schema")) ?: "",
			  db_schema_version(NULL)) > 0) {
		strbuf_addf(err, "%s was made by a newer sanling (schema %s; this program's is %s): "
			    "upgrade the program", file, json_string_value(json_object_get(m, "schema")),
			    db_schema_version(NULL));
		rc = -1;
	}
	if (rc) {
		json_decref(m);
		return NULL;
	}
	return m;
}

/* The restored database `db` against the manifest: rows, then migrated, then its audit chain. */
static int check_restored(struct db *db, json_t *m, struct strbuf *err)
{
	json_t *counts = row_counts(db, err), *want = json_object_get(m, "tables");
	json_t *head = json_object_get(m, "audit_head");
	struct audit_anchor a;
	int64_t rows, bad;
	const char *name;
	json_t *v;
	int rc;

	if (!counts)
		return -1;
	rc = json_equal(counts, want) ? 0 : -1;
	json_object_foreach(want, name, v)
		if (rc && json_integer_value(json_object_get(counts, name)) != json_integer_value(v)) {
			strbuf_addf(err, "table %s has %" JSON_INTEGER_FORMAT " rows, the manifest says %"
				    JSON_INTEGER_FORMAT, name,
				    json_integer_value(json_object_get(counts, name)), json_integer_value(v));
			break;
		}
	if (rc && !err->len)
		strbuf_addstr(err, "the tables differ from the manifest's");
	json_decref(counts);
	if (rc)
		return -1;
	if (audit_anchor_take(db, &a, err) || a.seq != json_integer_value(json_object_get(head, "seq")) ||
	    strcmp(a.hash, json_string_value(json_object_get(head, "hash")) ?: "")) {
		if (!err->len)
			strbuf_addstr(err, "the audit chain's head is not the manifest's");
		strbuf_addstr(err, " (is the key file the one the backup was made with?)");
		return -1;
	}
	if (audit_migrate(db, err))
		return -1;
	rc = audit_verify(db, &rows, &bad, err);
	if (rc > 0)
		strbuf_addf(err, " (the audit chain breaks at row %" PRId64 ")", bad);
	return rc ? -1 : 0;
}

static int restore_sqlite(const char *url, const char *tmp, json_t *m, struct strbuf *err)
{
	struct db *db = db_open(tmp, err);
	int rc = db ? check_restored(db, m, err) : -1;

	db_close(db);
	if (!rc && rename(tmp, url)) {
		strbuf_addf(err, "%s: %s", url, strerror(errno));
		rc = -1;
	}
	return rc;
}

static int restore_pg(const char *url, const char *tmp, json_t *m, struct strbuf *err)
{
	char *argv[] = { "pg_restore", "--single-transaction", "--exit-on-error", "--no-owner",
			 "--no-privileges", (char *)tmp, NULL, NULL };
	struct db *db;
	int rc;

	rc = run_tool(argv, url, err);
	if (rc)
		return -1;
	db = db_open(url, err);
	rc = db ? check_restored(db, m, err) : -1;
	/* the database was empty: leave it so */
	if (rc && db)
		db_exec(db, "DROP SCHEMA public CASCADE; CREATE SCHEMA public", NULL);
	db_close(db);
	return rc;
}

int backup_restore(const char *file, const char *url, json_t **manifest, struct strbuf *err)
{
	struct strbuf tmp = STRBUF_INIT;
	int pg = is_pg(url), rc = -1;
	json_t *m;

	*manifest = NULL;
	if (target_empty(url, pg, err))
		return -1;
	if (pg) {
		const char *dir = getenv("TMPDIR");

		strbuf_addf(&tmp, "%s/sanling-restore.%ld.pgdump", dir && *dir ? dir : "/tmp",
			    (long)getpid());
	} else {
		strbuf_addf(&tmp, "%s.%ld.restoring", url, (long)getpid());
	}
	m = read_archive(file, tmp.buf, pg, err);
	if (m)
		rc = pg ? restore_pg(url, tmp.buf, m, err) : restore_sqlite(url, tmp.buf, m, err);
	unlink(tmp.buf);
	if (rc)
		json_decref(m);
	else
		*manifest = m;
	strbuf_release(&tmp);
	return rc;
}
