/*
 * fixture: what the fuzz targets that reach the model share -- one SQLite
 * database in memory, migrated with the real migrations and holding a small
 * district (regions, departments, the sector map, subjects), opened once
 * per process, with the actors of the roles that write and read it.  The
 * targets run each input inside a transaction that they roll back, so every
 * input sees the same database.  It is not a test fixture for cmocka (those
 * live in tests/unit/) and aborts on any failure: a fuzzer without its
 * database has nothing to do.
 */
#ifndef SANLING_FUZZ_FIXTURE_H
#define SANLING_FUZZ_FIXTURE_H

#include <stddef.h>

#include "base/crypto.h"
#include "model/entity.h"
#include "model/role.h"

struct db;

/* Open the database and load the district (once; later calls do nothing). */
void fuzz_fixture_open(void);

/* The database, the keys (all zero), and a model context for `a`. */
struct db *fuzz_db(void);
struct model_ctx fuzz_ctx(const struct actor *a);

/* Entity number `n` modulo their count; actor number `n` modulo theirs. */
const struct entity_desc *fuzz_entity(unsigned n);
const struct actor *fuzz_actor(unsigned n);

/* Begin the input's transaction; roll it back (both abort on failure). */
void fuzz_begin(void);
void fuzz_rollback(void);

#define FUZZ_CHECK(cond) do { if (!(cond)) abort(); } while (0)

#endif
