/*
 * bare_groupby: the baseline of the determination benchmark on SQLite —
 * the bare `SELECT subject, COUNT(*) FROM <events> WHERE <date> BETWEEN
 * FROM AND TO GROUP BY subject` over the three kinds of events the
 * determination reads (petitions by received_on, accidents and cases by
 * occurred_on), each read to its last row, on a fresh connection, as a
 * fresh `sanling figures` process meets the database.
 *
 *   bare_groupby DB FROM TO     (dates YYYY-MM-DD, both included)
 *
 * Prints one line per table ("petitions 291 groups 1.234 ms") and then
 * "total 2.345 ms": the time of preparing and stepping the three queries,
 * not of opening the database.
 *
 *   bare_groupby --patrols DB FROM TO
 *
 * The baseline of the grid-day rate (一日双巡, issue 15): `SELECT grid,
 * patrolled_on, COUNT(DISTINCT slot) FROM patrols WHERE patrolled_on
 * BETWEEN FROM AND TO GROUP BY grid, patrolled_on`, read to its last row;
 * prints "patrols G groups C complete T ms" (C: the groups with both
 * slots) and "total T ms".
 *
 * Not part of the product: a yardstick, what the engine needs at least to
 * look at every event of the period once.
 */
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>
#include <time.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const char *const queries[][2] = {
		{ "petitions", "SELECT subject, COUNT(*) FROM petitions WHERE received_on BETWEEN ? AND ? "
			       "GROUP BY subject" },
		{ "accidents", "SELECT subject, COUNT(*) FROM accidents WHERE occurred_on BETWEEN ? AND ? "
			       "GROUP BY subject" },
		{ "cases", "SELECT subject, COUNT(*) FROM cases WHERE occurred_on BETWEEN ? AND ? "
			   "GROUP BY subject" },
	};
	static const char *const patrols[][2] = {
		{ "patrols", "SELECT grid, patrolled_on, COUNT(DISTINCT slot) FROM patrols "
			     "WHERE patrolled_on BETWEEN ? AND ? GROUP BY grid, patrolled_on" },
	};
	const char *const (*qs)[2] = queries;
	size_t nq = sizeof(queries) / sizeof(queries[0]);
	sqlite3 *db;
	double total = 0;
	size_t q;

	if (argc == 5 && !strcmp(argv[1], "--patrols")) {
		qs = patrols;
		nq = 1;
		argv++;
		argc--;
	}
	if (argc != 4) {
		fprintf(stderr, "usage: bare_groupby [--patrols] DB FROM TO\n");
		return 2;
	}
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", argv[1], sqlite3_errmsg(db));
		return 1;
	}
	for (q = 0; q < nq; q++) {
		sqlite3_stmt *st;
		long groups = 0, events = 0, complete = 0;
		double t0 = now(), ms;
		int rc;

		if (sqlite3_prepare_v2(db, qs[q][1], -1, &st, NULL) != SQLITE_OK) {
			fprintf(stderr, "%s\n", sqlite3_errmsg(db));
			return 1;
		}
		sqlite3_bind_text(st, 1, argv[2], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, argv[3], -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			groups++;
			if (qs == patrols)
				complete += sqlite3_column_int64(st, 2) == 2;
			else
				events += sqlite3_column_int64(st, 1);
		}
		if (rc != SQLITE_DONE) {
			fprintf(stderr, "%s: %s\n", qs[q][0], sqlite3_errmsg(db));
			return 1;
		}
		sqlite3_finalize(st);
		ms = (now() - t0) * 1000;
		total += ms;
		if (qs == patrols)
			printf("%s %ld groups %ld complete %.3f ms\n", qs[q][0], groups, complete, ms);
		else
			printf("%s %ld groups %ld events %.3f ms\n", qs[q][0], groups, events, ms);
	}
	printf("total %.3f ms\n", total);
	sqlite3_close(db);
	return 0;
}
