/*
 * gen: generated data — the demo district in the shape of the seed report
 * (its places, units, sector map, creation subjects and one account per
 * role).  Everything goes through the entity machinery's import path, so
 * generated data passes the same validation as anybody's.  The generator
 * plans records; it never writes a figure.
 */
#ifndef SANLING_GEN_H
#define SANLING_GEN_H

#include <stdio.h>

struct db;
struct crypto_keys;
struct strbuf;

/*
 * Load the demo district into `db` (which must hold no district yet).
 * Prints the accounts and their passwords to `out`.  With
 * `demo_passwords` the accounts need no password change at first login.
 * Returns 0 or -1 with the reason in `err`.
 */
int gen_demo(struct db *db, const struct crypto_keys *keys, int demo_passwords, FILE *out,
	     struct strbuf *err);

#endif
