/*
 * bare_insert: the baseline of the import benchmarks — N rows read from a
 * CSV of the subjects template, inserted with one prepared INSERT in one
 * transaction into the same `subjects` table of a database made by
 * `sanling init` (WAL, synchronous=FULL), with no validation at all.  What
 * the engine does at best; `sanling import` is measured against it.
 *
 *   bare_insert [--no-fk] DB FILE.csv
 *
 * --no-fk runs with foreign_keys OFF: the engine without even the
 * reference checks SQLite makes for every row, a second, lower yardstick.
 *
 * Not part of the product: a yardstick.  CSV parsing is the same minimal
 * comma split the generator's files allow (no quotes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <time.h>

int main(int argc, char **argv)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char line[4096];
	FILE *f;
	long n = 0;
	int fk = 1;
	struct timespec t0, t1;

	if (argc == 4 && !strcmp(argv[1], "--no-fk")) {
		fk = 0;
		argv++;
		argc--;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: bare_insert [--no-fk] DB FILE.csv\n");
		return 2;
	}
	if (sqlite3_open(argv[1], &db) != SQLITE_OK)
		return 1;
	sqlite3_exec(db, fk ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON"
			    : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF",
		     NULL, NULL, NULL);
	f = fopen(argv[2], "r");
	if (!f || !fgets(line, sizeof(line), f))
		return 1;
	if (sqlite3_prepare_v2(db, "INSERT INTO subjects (code, name, kind, category, township, "
			       "village, grid, supervisor, address, contact_name, contact_phone_enc, "
			       "credit_code, active_from, active_to, district, created_at, updated_at, rev) "
			       "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,'411603000000',0,0,1)", -1, &st,
			       NULL) != SQLITE_OK) {
		fprintf(stderr, "%s\n", sqlite3_errmsg(db));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *cells[14];
		int i;

		line[strcspn(line, "\r\n")] = '\0';
		for (i = 0; i < 14; i++) {
			cells[i] = p;
			p = strchr(p, ',');
			if (p)
				*p++ = '\0';
			else
				p = line + strlen(line);
		}
		for (i = 0; i < 14; i++) {
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
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "commit: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%ld rows in %.3f s: %.0f rows/s\n", n,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       n / ((t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9));
	sqlite3_finalize(st);
	sqlite3_close(db);
	fclose(f);
	return 0;
}
