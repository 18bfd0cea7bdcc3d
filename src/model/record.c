/*
 * record.c: records and their descriptors: finding an entity and its fields,
 * a record's values, and how a record is a row (its columns, its INSERT).
 *
 * SQL here is assembled from descriptor names only (static strings compiled
 * into the program), never from input.
 */
#include "model/entity.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/date.h"
#include "db/db.h"
#include "db/sqlp.h"
#include "model/entity_int.h"

const struct entity_desc *entity_find(const char *name)
{
	size_t i;

	for (i = 0; entities[i]; i++)
		if (!strcmp(entities[i]->name, name))
			return entities[i];
	return NULL;
}

int entity_field_index(const struct entity_desc *ed, const char *key)
{
	size_t i;

	for (i = 0; i < ed->nfields; i++)
		if (!strcmp(ed->fields[i].key, key))
			return (int)i;
	return -1;
}

const struct field_desc *entity_field(const struct entity_desc *ed, const char *key)
{
	int i = entity_field_index(ed, key);

	return i < 0 ? NULL : &ed->fields[i];
}

int entity_field_index_any(const struct entity_desc *ed, const char *s)
{
	size_t i;
	int k = entity_field_index(ed, s);

	if (k >= 0)
		return k;
	for (i = 0; i < ed->nfields; i++)
		if (!strcmp(ed->fields[i].label, s))
			return (int)i;
	return -1;
}

void record_init(struct record *r, const struct entity_desc *ed)
{
	r->ed = ed;
	r->id = 0;
	r->rev = 0;
	r->val = NULL;
	r->given = NULL;
	r->overdue = -1;
	r->borrowed = 0;
	if (ed) {
		r->val = xcalloc(ed->nfields, sizeof(*r->val));
		r->given = xcalloc(ed->nfields, 1);
	}
}

void record_release(struct record *r)
{
	size_t i;

	if (r->borrowed) {
		/* a view of a cached record: nothing of it is ours */
		r->val = NULL;
		r->given = NULL;
		r->borrowed = 0;
		return;
	}
	if (r->val && r->ed)
		for (i = 0; i < r->ed->nfields; i++)
			free(r->val[i]);
	free(r->val);
	free(r->given);
	r->val = NULL;
	r->given = NULL;
}

void record_set(struct record *r, int i, const char *v)
{
	char *copy = NULL;

	if (i < 0 || r->borrowed)
		abort(); /* a descriptor bug, or a change to a borrowed (cached) record */
	if (v) {
		copy = xstrdup(v);
	}
	free(r->val[i]);
	r->val[i] = copy;
}

const char *record_get(const struct record *r, const char *key)
{
	int i = entity_field_index(r->ed, key);

	return i < 0 ? NULL : r->val[i];
}

void record_copy(struct record *dst, const struct record *src)
{
	size_t i;

	record_init(dst, src->ed);
	dst->id = src->id;
	dst->rev = src->rev;
	for (i = 0; i < src->ed->nfields; i++)
		record_set(dst, (int)i, src->val[i]);
}

int record_values_differ(const char *a, const char *b)
{
	return (a == NULL) != (b == NULL) || (a && strcmp(a, b));
}

const struct field_desc *record_natural_key(const struct crypto_keys *keys, struct record *r)
{
	const struct entity_desc *ed = r->ed;
	struct strbuf key = STRBUF_INIT, idx = STRBUF_INIT;
	const struct field_desc *missing = NULL;
	const char *p;

	if (!ed->natural)
		return NULL;
	for (p = ed->natural; *p && !missing;) {
		size_t n = strcspn(p, "|");
		char name[64];
		const struct field_desc *fd;
		const char *v;

		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		p += n + (p[n] == '|');
		fd = entity_field(ed, name);
		v = record_get(r, name);
		if (!v) {
			missing = fd;
			break;
		}
		if (key.len)
			strbuf_addch(&key, '|');
		if (fd->flags & FF_PERSONAL) {
			entity_blind_index(keys, v, &idx); /* never the plain value */
			strbuf_addstr(&key, idx.buf);
		} else {
			strbuf_addstr(&key, v);
		}
	}
	if (!missing)
		record_set(r, entity_field_index(ed, ed->key), key.buf);
	strbuf_release(&key);
	strbuf_release(&idx);
	return missing;
}

/* "subjects/12 V1": how the audit names record `r`. */
void record_object_name(const struct record *r, struct strbuf *out)
{
	const char *key = record_get(r, r->ed->key);

	strbuf_reset(out);
	strbuf_addf(out, "%s/%" PRId64 " %s", r->ed->name, r->id, key ? key : "");
}

/* Append the stored column list of `ed` (personal fields as _enc), prefixed. */
/* ", col" for each stored column of `ed`'s fields, in order (a personal one: _enc, _idx). */
void entity_stored_columns(const struct entity_desc *ed, struct strbuf *sql)
{
	size_t i;

	for (i = 0; i < ed->nfields; i++) {
		const struct field_desc *fd = &ed->fields[i];
		if (fd->flags & FF_PERSONAL)
			strbuf_addf(sql, ", %s_enc, %s_idx", fd->key, fd->key);
		else
			strbuf_addf(sql, ", \"%s\"", fd->key);
	}
}

static void build_insert(const struct entity_desc *ed, struct strbuf *sql)
{
	size_t i;

	strbuf_addf(sql, "INSERT INTO %s (rev, created_at, updated_at", ed->table);
	entity_stored_columns(ed, sql);
	strbuf_addstr(sql, ") VALUES (1, ?, ?");
	for (i = 0; i < ed->nfields; i++)
		strbuf_addstr(sql, (ed->fields[i].flags & FF_PERSONAL) ? ", ?, ?" : ", ?");
	strbuf_addch(sql, ')');
}

static void build_columns(const struct entity_desc *ed, const char *alias, struct strbuf *sql)
{
	size_t i;

	strbuf_addf(sql, "%s%sid, %s%srev, %s%screated_at, %s%supdated_at",
		    alias ? alias : "", alias ? "." : "", alias ? alias : "", alias ? "." : "",
		    alias ? alias : "", alias ? "." : "", alias ? alias : "", alias ? "." : "");
	for (i = 0; i < ed->nfields; i++)
		strbuf_addf(sql, ", %s%s\"%s%s\"", alias ? alias : "", alias ? "." : "",
			    ed->fields[i].key,
			    (ed->fields[i].flags & FF_PERSONAL) ? "_enc" : "");
}

/*
 * The column lists, bare and with alias "t", of every entity: built once
 * (they depend on the descriptors only), read by every query after.
 */
#define MAX_ENTITIES 64
static char *column_lists[MAX_ENTITIES][2];
static char *insert_sql[MAX_ENTITIES];
static pthread_once_t column_lists_once = PTHREAD_ONCE_INIT;

static void build_column_lists(void)
{
	size_t i;

	for (i = 0; entities[i] && i < MAX_ENTITIES; i++) {
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
		build_columns(entities[i], NULL, &a);
		build_columns(entities[i], "t", &b);
		column_lists[i][0] = strbuf_detach(&a, NULL);
		column_lists[i][1] = strbuf_detach(&b, NULL);
		build_insert(entities[i], &a);
		insert_sql[i] = strbuf_detach(&a, NULL);
	}
}

/*
 * The INSERT of a new record of `ed` (built once per entity); on PostgreSQL
 * it returns the new id (see db.h).
 */
void entity_insert_sql(const struct entity_desc *ed, enum db_dialect dialect,
			      struct strbuf *sql)
{
	size_t i;

	pthread_once(&column_lists_once, build_column_lists);
	for (i = 0; i < MAX_ENTITIES && entities[i]; i++)
		if (entities[i] == ed)
			break;
	if (i < MAX_ENTITIES && entities[i])
		strbuf_addstr(sql, insert_sql[i]);
	else
		build_insert(ed, sql);
	if (dialect == DB_POSTGRES)
		strbuf_addstr(sql, " RETURNING id");
}

void entity_columns(const struct entity_desc *ed, const char *alias, struct strbuf *sql)
{
	size_t i;

	pthread_once(&column_lists_once, build_column_lists);
	if (!alias || !strcmp(alias, "t")) {
		for (i = 0; entities[i] && i < MAX_ENTITIES; i++) {
			if (entities[i] == ed) {
				strbuf_addstr(sql, column_lists[i][alias ? 1 : 0]);
				return;
			}
		}
	}
	build_columns(ed, alias, sql);
}

int entity_partitioned(struct db *db, const struct entity_desc *ed)
{
	return (ed->flags & ENT_PARTITIONED) && db_dialect(db) == DB_POSTGRES;
}

void entity_overdue_column(const struct entity_desc *ed, struct strbuf *sql, struct sqlp *p)
{
	char today[DATE_BUFSZ];

	if (!ed->overdue_sql)
		return;
	date_today(today);
	strbuf_addf(sql, ", CASE WHEN (%s) THEN 1 ELSE 0 END", ed->overdue_sql);
	entity_overdue_params(ed->overdue_sql, p, today);
}

void entity_overdue_params(const char *sql, struct sqlp *p, const char *day)
{
	const char *q;

	for (q = sql; (q = strchr(q, '?')); q++)
		sqlp_text(p, day);
}

/* Read a row selected with entity_columns() (+ entity_overdue_column()) into `r`. */
void entity_row(struct db_stmt *st, struct record *r, int first)
{
	size_t i;
	int c = first + 4 + (int)r->ed->nfields;

	r->id = db_column_int64(st, first);
	r->rev = db_column_int64(st, first + 1);
	for (i = 0; i < r->ed->nfields; i++) {
		int k = first + 4 + (int)i;
		record_set(r, (int)i, db_column_is_null(st, k) ? NULL : db_column_text(st, k));
	}
	r->overdue = r->ed->overdue_sql && db_column_count(st) > c ? db_column_int64(st, c) != 0 : -1;
}
