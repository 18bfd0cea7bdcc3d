/*
 * backup: a consistent online copy of the database, and its restore.
 *
 * The file is a tar stream compressed with Zstandard (tarzst.h): the
 * database — SQLite: its pages copied by the online backup API in a read
 * transaction while the server runs (db_copy_into()); PostgreSQL: `pg_dump --format=custom` of an exported snapshot —
 * then manifest.json: the format, the program's version and schema, the
 * engine, the time, the rows of every table at the snapshot, the SHA-256
 * of the database member and the audit chain's head.  Never the key file:
 * a backup holds personal data only encrypted, and the key is backed up
 * apart (the caller says so).
 *
 * A restore goes only into an empty database of the same engine: it checks
 * the archive (SHA-256, manifest, the schema not newer than the program),
 * the rows of every table against the manifest, migrates an older schema,
 * verifies the audit chain with the key file in use (and that it ends
 * where the manifest says); anything wrong and the target is left as it
 * was — empty.
 *
 * Needs audit_use_keys() first.  Not here: scheduling (jobs.c), the
 * command line (main.c).
 */
#ifndef SANLING_BACKUP_H
#define SANLING_BACKUP_H

#include <jansson.h>

struct strbuf;

/*
 * Back up the database `url` into the new file `out` (an existing file is
 * refused); `*manifest` (owned by the caller) says what is in it.  0, or -1
 * with `err` and no file left behind.
 */
int backup_make(const char *url, const char *out, json_t **manifest, struct strbuf *err);

/* Restore `file` into the empty database `url`: 0 with `*manifest`, or -1 with `err`. */
int backup_restore(const char *file, const char *url, json_t **manifest, struct strbuf *err);

#endif
