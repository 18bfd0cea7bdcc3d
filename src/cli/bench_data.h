/*
 * bench_data: the benchmarks' data (`sanling gen scale`) at every scale —
 * N districts of the demo district's shape and ratios (about 2,200
 * subjects and 40,000 events a year each), deterministic by seed, streamed
 * into the database by the bulk path (one prepared statement per table on
 * SQLite, COPY on PostgreSQL).  No personal data is generated, so the same
 * seed gives the same database content.
 *
 * Not the demo (demo_data.h): the demo goes through the importer so that
 * every row is validated and its figures are planned to be the seed
 * report's; this generator writes rows directly, in the form the
 * validators would have stored them (derived columns filled by the hooks'
 * own functions, dates in order, references existing), into the columns
 * the descriptors name, as fast as the engine takes them.
 */
#ifndef SANLING_BENCH_DATA_H
#define SANLING_BENCH_DATA_H

#include <stdint.h>
#include <stdio.h>

struct db;
struct strbuf;

/*
 * Load `counties` districts generated from `seed` into `db` (which must
 * hold none of them yet), with events from January 2022 to August 2023.
 *
 * District i (0-based) is county number i + 1, skipping 1603 (the demo
 * district's), with region code "41" + the 4-digit county number +
 * "000000"; its townships, villages, grids, departments ("<county>-SLB",
 * ...), subjects and event numbers all carry the county number, so that
 * districts never collide with each other or with the demo.  Each district
 * is one transaction: its places, departments, sector map, 2,213 subjects
 * (2,201 on the list in 2023-08) with their "create" history versions, its
 * events, and its mark as stale (assess_mark_stale()), so that its
 * determinations are computed on the first read.  The first district's
 * transaction also holds the one audit row of the run (action
 * "gen.scale"), the only row whose content depends on the clock;
 * created_at and updated_at are a fixed moment derived from the seed.
 *
 * Same seed, same counties, fresh database: the same rows, byte for byte,
 * on the same engine.  Districts are generated independently (each from
 * its own stream of the seed), so district i is the same whatever N is.
 *
 * Refuses, before writing anything, when any of the districts exists.  On
 * a failure part-way, the districts already committed stay (the error says
 * which one failed).  Progress per district and the totals (rows per
 * table, seconds, rows per second) go to `out`.  Returns 0 or -1 with the
 * reason in `err`.
 */
int bench_data_load(struct db *db, int counties, uint64_t seed, FILE *out,
		    struct strbuf *err);

/*
 * The grassroots' patrols besides (`gen scale --patrols YEAR`): each
 * district gets `grids` grids (its 475 villages' own and the rest as second
 * grids under its villages; at least 475) and two patrols a day for each
 * of them through every day of `patrol_year` (the morning one by the grid's
 * leader, the afternoon one by a member), each slot missed with a chance of
 * `miss_permille` per mille.  With `patrol_csv` the patrols are not loaded
 * but written there as the patrols import template (header line included),
 * the same rows, for `sanling import patrols`.  The rest of each district
 * is the same as without patrols (the patrols draw from a stream of their
 * own).
 */
struct bench_options {
	int patrol_year; /* 0: no patrols, no extra grids */
	int grids;
	int miss_permille;
	FILE *patrol_csv;
};
int bench_data_load_opts(struct db *db, int counties, uint64_t seed,
			 const struct bench_options *opt, FILE *out, struct strbuf *err);

#endif
