/*
 * demo_data: the demo district (`sanling gen demo`) in the shape of the
 * seed report (its places, units, sector map, creation subjects, one
 * account per role, and its events from January 2022 to August 2023:
 * petitions, petition work, inspections, hazards, accidents, cases,
 * disputes).  Everything goes through the entity machinery's import path,
 * so generated data passes the same validation as anybody's.  The
 * generator plans records — which subject fails which month and why, how
 * many events fall in each month — and never writes a figure: `sanling
 * figures --through 2023-08` computes the seed report's figures from the
 * events.  Not the benchmarks' data (bench_data.h).
 */
#ifndef SANLING_DEMO_DATA_H
#define SANLING_DEMO_DATA_H

#include <stdio.h>

struct db;
struct crypto_keys;
struct strbuf;

/*
 * Load the demo district and its events into `db` (which must hold no
 * district yet).  Deterministic: every run loads the same records.
 * Prints the accounts and their passwords to `out`.  With
 * `demo_passwords` the accounts need no password change at first login.
 * Returns 0 or -1 with the reason in `err`; the lists are imported one by
 * one, each all or nothing, so a failure part-way leaves the lists before
 * it loaded.
 */
int demo_data_load(struct db *db, const struct crypto_keys *keys, int demo_passwords, FILE *out,
		   struct strbuf *err);

#endif
