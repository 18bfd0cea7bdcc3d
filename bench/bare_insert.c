/*
 * bare_insert: the baselines of the import and write benchmarks — rows
 * inserted with one prepared INSERT into the same table of a database made
 * by `sanling init` (WAL, synchronous=FULL), with no validation at all.
 * What the engine does at best; `sanling import` and `POST` are measured
 * against it.
 *
 *   bare_insert [--no-fk] [--table subjects|petitions|patrols] DB FILE.csv
 *       every row of FILE.csv (the subjects template, or the petitions or
 *       patrols template) in one transaction; prints "N rows in S s: R rows/s"
 *   bare_insert --per-row SECONDS DB
 *       generated petitions, one row per transaction (BEGIN IMMEDIATE;
 *       INSERT; COMMIT) for SECONDS seconds, one connection; prints
 *       "N rows in S s: R rows/s".  The yardstick of durable single writes.
 *
 * --no-fk runs with foreign_keys OFF: the engine without even the
 * reference checks SQLite makes for every row, a second, lower yardstick.
 *
 * Not part of the product: a yardstick.  CSV parsing is the same minimal
 * comma split the generators' files allow (no quotes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <time.h>

struct table {
	const char *name;
	int ncells; /* cells of a CSV row, bound as ?1..?ncells */
	const char *sql;
};

static const struct table tables[] = {
	{ "subjects", 14,
	  "INSERT INTO subjects (code, name, kind, category, township, village, grid, supervisor, "
	  "address, contact_name, contact_phone_enc, credit_code, active_from, active_to, district, "
	  "created_at, updated_at, rev) "
	  "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,'411603000000',0,0,1)" },
	{ "petitions", 11,
	  "INSERT INTO petitions (no, received_on, channel, persons, level, subject, township, "
	  "category, summary, status, resolved_on, district, created_at, updated_at, rev) "
	  "VALUES (?,?,?,?,?,?,?,?,?,?,?,'411603000000',0,0,1)" },
	/* the patrols template; the district (required) from the grid's code */
	{ "patrols", 8,
	  "INSERT INTO patrols (no, grid, patroller, patrolled_on, slot, started_at, ended_at, "
	  "notes, district, created_at, updated_at, rev) "
	  "VALUES (?,?,?,?,?,?,?,?,substr(?2,1,6)||'000000',0,0,1)" },
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* Every row of `path` in one transaction. */
static int load_csv(sqlite3 *db, const struct table *t, const char *path)
{
	sqlite3_stmt *st;
	char line[4096];
	FILE *f;
	long n = 0;
	double t0, secs;

	f = fopen(path, "r");
	if (!f || !fgets(line, sizeof(line), f)) {
		fprintf(stderr, "cannot read %s\n", path);
		return 1;
	}
	if (sqlite3_prepare_v2(db, t->sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s\n", sqlite3_errmsg(db));
		return 1;
	}
	t0 = now();
	if (exec(db, "BEGIN"))
		return 1;
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *cells[16];
		int i;

		line[strcspn(line, "\r\n")] = '\0';
		for (i = 0; i < t->ncells; i++) {
			cells[i] = p;
			p = strchr(p, ',');
			if (p)
				*p++ = '\0';
			else
				p = line + strlen(line);
		}
		for (i = 0; i < t->ncells; i++) {
			if (*cells[i])
				sqlite3_bind_text(st, i + 1, cells[i], -1, SQLITE_STATIC);
			else
				sqlite3_bind_null(st, i + 1);
		}
		if (sqlite3_step(st) != SQLITE_DONE) {
			fprintf(stderr, "row %ld: %s\n", n + 2, sqlite3_errmsg(db));
			return 1;
		}
		sqlite3_reset(st);
		n++;
	}
	if (exec(db, "COMMIT"))
		return 1;
	secs = now() - t0;
	printf("%ld rows in %.3f s: %.0f rows/s\n", n, secs, n / secs);
	sqlite3_finalize(st);
	fclose(f);
	return 0;
}

/*
 * Petitions of the demo's subjects, one per transaction, for `seconds`:
 * what one client gets from the engine when each write must be durable
 * before the next.
 */
static int per_row(sqlite3 *db, double seconds)
{
	static const char *const channels[] = { "visit", "letter", "phone", "online" };
	static const char *const levels[] = { "village", "township" };
	sqlite3_stmt *st;
	char no[32], day[16], subject[16];
	long n = 0;
	double t0, secs;

	if (sqlite3_prepare_v2(db, tables[1].sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s\n", sqlite3_errmsg(db));
		return 1;
	}
	t0 = now();
	do {
		snprintf(no, sizeof(no), "BW%07ld", n + 1);
		snprintf(day, sizeof(day), "2023-08-%02ld", 1 + n % 28);
		snprintf(subject, sizeof(subject), "E%05ld", 1 + n % 1726);
		sqlite3_bind_text(st, 1, no, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, channels[n % 4], -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, 1 + n % 3);
		sqlite3_bind_text(st, 5, levels[n % 2], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, subject, -1, SQLITE_STATIC);
		sqlite3_bind_null(st, 7);
		sqlite3_bind_text(st, 8, "land", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, "bench", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 10, "registered", -1, SQLITE_STATIC);
		sqlite3_bind_null(st, 11);
		if (exec(db, "BEGIN IMMEDIATE"))
			return 1;
		if (sqlite3_step(st) != SQLITE_DONE) {
			fprintf(stderr, "row %ld: %s\n", n + 1, sqlite3_errmsg(db));
			return 1;
		}
		sqlite3_reset(st);
		if (exec(db, "COMMIT"))
			return 1;
		n++;
	} while (now() - t0 < seconds);
	secs = now() - t0;
	printf("%ld rows in %.3f s: %.0f rows/s\n", n, secs, n / secs);
	sqlite3_finalize(st);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: bare_insert [--no-fk] [--table subjects|petitions|patrols] DB FILE.csv\n"
			"       bare_insert --per-row SECONDS DB\n");
	return 2;
}

int main(int argc, char **argv)
{
	const struct table *t = &tables[0];
	sqlite3 *db;
	double seconds = 0;
	int fk = 1, i = 1, ret;

	for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--no-fk")) {
			fk = 0;
		} else if (!strcmp(argv[i], "--table") && i + 1 < argc) {
			i++;
			if (!strcmp(argv[i], "petitions"))
				t = &tables[1];
			else if (!strcmp(argv[i], "patrols"))
				t = &tables[2];
			else if (strcmp(argv[i], "subjects"))
				return usage();
		} else if (!strcmp(argv[i], "--per-row") && i + 1 < argc) {
			seconds = atof(argv[++i]);
			if (seconds <= 0)
				return usage();
		} else {
			return usage();
		}
	}
	if (argc - i != (seconds > 0 ? 1 : 2))
		return usage();
	if (sqlite3_open(argv[i], &db) != SQLITE_OK)
		return 1;
	if (exec(db, "PRAGMA journal_mode=WAL") || exec(db, "PRAGMA synchronous=FULL") ||
	    exec(db, fk ? "PRAGMA foreign_keys=ON" : "PRAGMA foreign_keys=OFF"))
		return 1;
	ret = seconds > 0 ? per_row(db, seconds) : load_csv(db, t, argv[i + 1]);
	sqlite3_close(db);
	return ret;
}
