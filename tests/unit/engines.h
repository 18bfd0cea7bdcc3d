/*
 * engines.h: the fixture of the unit tests that run on both engines -- a
 * fresh database on SQLite or PostgreSQL for each test.  A test program
 * calls engines_init() first (a temporary directory with a key file, the
 * keys in use by the audit), runs its tests with ENGINES_RUN() (a group
 * once per engine: NAME/sqlite, then NAME/postgresql, skipped with a line
 * that says how to run it when SANLING_TEST_PG is unset) and ends with
 * engines_end(), which removes the directory.  In a test's setup,
 * engines_open() gives the database: a new SQLite file in the directory,
 * or a new schema under $SANLING_TEST_PG (a connection whose search_path
 * is that schema), dropped when the group ends.
 *
 * Linked into every build/tests/test_* (Makefile); used by test_model,
 * test_audit, test_jobs and test_warnings.
 */
#ifndef SANLING_TEST_ENGINES_H
#define SANLING_TEST_ENGINES_H

#include <stddef.h>

#include <jansson.h>

#include "base/crypto.h"

struct CMUnitTest;
struct db;

/*
 * Make the directory $TMPDIR/test_NAME.XXXXXX (/tmp without TMPDIR) and the
 * key file in it, and hand the keys to the audit.  NAME also names the
 * groups and the schemas.  0, or -1 with a message on stderr.
 */
int engines_init(const char *name);

/* Take the keys back from the audit, wipe them, remove the directory. */
void engines_end(void);

/* The temporary directory, for files a test writes. */
const char *engines_dir(void);

/* The keys of engines_init() (the file in the directory). */
const struct crypto_keys *engines_keys(void);

/* The number of the database opened last, 1 upward: for unique file names. */
int engines_seq(void);

/*
 * A fresh database on the group's engine, migrated by audit_migrate();
 * engines_open_empty() without the migrations.  The caller closes it.  A
 * failure fails the running test.
 */
struct db *engines_open(void);
struct db *engines_open_empty(void);

/*
 * Run `tests` (n of them) as the group NAME/sqlite, then as
 * NAME/postgresql when SANLING_TEST_PG holds a postgresql:// URL, or print
 * that they are skipped.  The number of failed tests.
 */
int engines_run(const struct CMUnitTest *tests, size_t n);

/* Run `sql` on `db`, failing the test if it fails. */
void engines_exec(struct db *db, const char *sql);
/* entity_create of `in` (consumed) by the system actor (the command line's), failing the test if refused. */
void engines_create(struct db *db, const char *entity, json_t *in);

#define ENGINES_RUN(tests) engines_run((tests), sizeof(tests) / sizeof((tests)[0]))

#endif
