/*
 * stored: the stored form of an entity's records, for a writer that loads
 * them in bulk outside the write path (the benchmarks' generator,
 * cli/bench_data.c): the columns of its table as the write path's INSERT
 * names them, and the "create" versions of the history of records so
 * loaded.  Both are read from the descriptor, so that a field added to an
 * entity is a column of the bulk load too.
 *
 * Not a write path: nothing here validates, derives, encrypts, audits or
 * marks anything stale — the caller stores rows in the form the
 * descriptors' hooks would have (using the same derive functions,
 * entities.h) and does the rest itself.
 */
#ifndef SANLING_STORED_H
#define SANLING_STORED_H

#include <stdint.h>

struct db;
struct entity_desc;
struct strbuf;

#define STORED_MAX_COLUMNS 64

/*
 * The stored columns of an entity, in the order of the write path's
 * INSERT (entity_insert_sql(), record.c): rev, created_at, updated_at, then each field in the
 * descriptor's order, a personal one as <key>_enc and <key>_idx.  `name`
 * points into `buf`; the struct owns everything (no release).
 */
struct stored_columns {
	const struct entity_desc *ed;
	int n;
	const char *name[STORED_MAX_COLUMNS];
	char buf[STORED_MAX_COLUMNS * 40];
};

/* Fill `c` with the columns of `ed`.  0, or -1 with `err` if they do not fit. */
int stored_columns_init(struct stored_columns *c, const struct entity_desc *ed,
			struct strbuf *err);
/* The index of column `name` in `c`, or -1. */
int stored_column(const struct stored_columns *c, const char *name);

/*
 * The "create" version in <table>_history of every record of `ed` (an
 * ENT_HISTORY entity with a month_from field) of district `district` (its
 * scope's district column), in the order of their ids, as the write path
 * writes it for a record it creates: the month it joins the list, the
 * record's created_at, `by` as the writer.  The records must have no
 * version yet (freshly loaded).  Sets `*rows` to the versions written.
 * Must run in a transaction.  0, or -1 with `err`.
 */
int stored_history_created(struct db *db, const struct entity_desc *ed, const char *district,
			   const char *by, int64_t *rows, struct strbuf *err);

#endif
