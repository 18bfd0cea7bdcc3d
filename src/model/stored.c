/*
 * stored.c: an entity's stored columns and the first versions of its
 * history, for bulk loads (see stored.h).  The columns are the write path's
 * (entity_stored_columns(), record.c), in the same order.
 */
#include "model/stored.h"

#include <string.h>

#include "base/strbuf.h"
#include "db/db.h"
#include "model/entity.h"
#include "model/entity_int.h"

static int add_column(struct stored_columns *c, size_t *used, const char *key,
		      const char *suffix, struct strbuf *err)
{
	size_t len = strlen(key) + strlen(suffix) + 1;

	if (c->n >= STORED_MAX_COLUMNS || *used + len > sizeof(c->buf)) {
		strbuf_addf(err, "%s: too many columns for a bulk load", c->ed->table);
		return -1;
	}
	memcpy(c->buf + *used, key, strlen(key));
	memcpy(c->buf + *used + strlen(key), suffix, strlen(suffix) + 1);
	c->name[c->n++] = c->buf + *used;
	*used += len;
	return 0;
}

int stored_columns_init(struct stored_columns *c, const struct entity_desc *ed,
			struct strbuf *err)
{
	size_t i, used = 0;

	c->ed = ed;
	c->n = 0;
	if (add_column(c, &used, "rev", "", err) || add_column(c, &used, "created_at", "", err) ||
	    add_column(c, &used, "updated_at", "", err))
		return -1;
	for (i = 0; i < ed->nfields; i++) {
		const struct field_desc *fd = &ed->fields[i];
		int rc;
		if (fd->flags & FF_PERSONAL)
			rc = add_column(c, &used, fd->key, "_enc", err) ||
			     add_column(c, &used, fd->key, "_idx", err);
		else
			rc = add_column(c, &used, fd->key, "", err);
		if (rc)
			return -1;
	}
	return 0;
}

int stored_column(const struct stored_columns *c, const char *name)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->name[i], name))
			return i;
	return -1;
}

int stored_history_created(struct db *db, const struct entity_desc *ed, const char *district,
			   const char *by, int64_t *rows, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT, cols = STRBUF_INIT;
	struct db_stmt *st = NULL;
	int ret = -1;

	*rows = 0;
	if (!(ed->flags & ENT_HISTORY) || !ed->month_from || !ed->scope.district) {
		strbuf_addf(err, "%s keeps no history by month and district", ed->name);
		return -1;
	}
	entity_stored_columns(ed, &cols);
	strbuf_addf(&sql, "INSERT INTO %s_history (id, rev, month, action, changed_at, changed_by%s) "
		    "SELECT id, rev, %s, 'create', created_at, ?%s FROM %s WHERE %s = ? ORDER BY id",
		    ed->table, cols.buf, ed->month_from, cols.buf, ed->table, ed->scope.district);
	if (db_prepare(db, sql.buf, &st, err))
		goto cleanup;
	db_bind_text(st, 1, by);
	db_bind_text(st, 2, district);
	if (db_step(st, err) < 0)
		goto cleanup;
	*rows = db_changes(st);
	ret = 0;
cleanup:
	if (st)
		db_finalize(st);
	strbuf_release(&sql);
	strbuf_release(&cols);
	if (ret)
		strbuf_addf(err, " (writing %s_history)", ed->table);
	return ret;
}
