/*
 * entity_int: what the parts of the entity machinery share and nobody else
 * uses: record.c, field.c, personal.c, record_json.c, entity.c (reading),
 * entity_write.c, entity_list.c, entity_io.c, entity_meta.c, and the
 * descriptors' hooks (entities.c, events.c).
 */
#ifndef SANLING_ENTITY_INT_H
#define SANLING_ENTITY_INT_H

#include "db/db.h"
#include "model/entity.h"

struct db_stmt;
struct sqlp;

/* ---- records (record.c) ---- */

void record_copy(struct record *dst, const struct record *src);
/* "subjects/12 V1": how the audit names record `r`. */
void record_object_name(const struct record *r, struct strbuf *out);
/*
 * Set the key of `r` from its entity's natural key fields (a personal one
 * by its keyed hash).  NULL when set or when the entity has none; else the
 * first natural field that is empty (the key is left as it was).
 */
const struct field_desc *record_natural_key(const struct crypto_keys *keys, struct record *r);
/* ", col" for each stored column of `ed`'s fields, in order (a personal one: _enc, _idx). */
void entity_stored_columns(const struct entity_desc *ed, struct strbuf *sql);
/* The INSERT of a new row of `ed` (its id returned on PostgreSQL). */
void entity_insert_sql(const struct entity_desc *ed, enum db_dialect dialect, struct strbuf *sql);
void entity_columns(const struct entity_desc *ed, const char *alias, struct strbuf *sql);
/* Is `ed`'s table partitioned by district in `db` (ENT_PARTITIONED, on PostgreSQL)? */
int entity_partitioned(struct db *db, const struct entity_desc *ed);
void entity_row(struct db_stmt *st, struct record *r, int first);
/* Append the overdue flag column (and its parameter, today) when the entity has one. */
void entity_overdue_column(const struct entity_desc *ed, struct strbuf *sql, struct sqlp *p);
/* `day` once for every `?` of overdue predicate `sql` (overdue_sql, overdue_on_sql). */
void entity_overdue_params(const char *sql, struct sqlp *p, const char *day);

/* ---- values (field.c) ---- */

int field_normalize(const struct field_desc *fd, const char *in, struct strbuf *out,
		    struct model_error *e);
/*
 * Fill `r` from JSON object `in` (a create, or an update's partial object
 * whose "rev" goes to *rev).  Unknown, read-only and derived fields refused.
 */
int record_from_json(struct record *r, json_t *in, int create, int64_t *rev,
		     struct model_error *e);
int record_check_required(const struct record *r, struct model_error *e);
/* Reference `key` of field `fd` exists, at its level, within the actor's scope. */
int field_check_ref(const struct model_ctx *mc, const struct field_desc *fd, const char *key,
		    struct model_error *e);
/* Every reference of `r` exists, at its level, within the actor's scope. */
int record_check_refs(const struct model_ctx *mc, const struct record *r, struct model_error *e);
/*
 * The entity a reference (or set) field names when its records have names
 * (regions, departments, subjects): what exports show and imports read by
 * name; NULL for a reference by number only.
 */
const struct entity_desc *field_named_ref(const struct field_desc *fd);
/* The name of the record `code` of named reference `fd` into `out` ("" when none); -1 on error. */
int field_ref_name(const struct model_ctx *mc, struct lookup_cache *cache,
		   const struct field_desc *fd, const char *code, struct strbuf *out);
/*
 * An import's cell of named reference `fd` (a set: items joined by |) to
 * the code(s): each item a code that exists as given, else the one record
 * of that name within the writer's scope and at the field's level.  None,
 * or more than one: an error quoting the name.  Other fields: field_normalize().
 */
int field_ref_by_name(const struct model_ctx *mc, const struct field_desc *fd, const char *text,
		      struct strbuf *code, struct model_error *e);

/* ---- personal data (personal.c) and output (record_json.c) ---- */

void mask_value(const struct field_desc *fd, const char *plain, struct strbuf *out);
json_t *record_json(const struct record *r, const struct crypto_keys *keys);
/* The same as JSON text (what json_dumps would write of record_json), appended to `out`. */
void record_json_write(const struct record *r, const struct crypto_keys *keys,
		       struct strbuf *out);

/* ---- writing (entity_write.c) ---- */

int entity_validate(const struct model_ctx *mc, struct record *r, const struct record *old,
		    const char *secret, struct model_error *e);
int entity_store(const struct model_ctx *mc, struct record *r, const struct record *old,
		 const char *action, const char *month, struct model_error *e);
/* Number new record `r` when its entity numbers records and it has none (entity.h). */
int entity_number(const struct model_ctx *mc, struct record *r, struct model_error *e);
/*
 * Create new record `r` (from record_from_json()) in the caller's
 * transaction: write roles, validation, number, store and audit row, as
 * POST /{entity} does.
 */
int entity_create_record(const struct model_ctx *mc, struct record *r, struct model_error *e);
/*
 * Update stored record `old` to `r` (its given fields; the others are
 * taken from `old`) in the caller's transaction: validated, stored and
 * audited as PATCH /{entity}/{id} does.
 */
int entity_update_record(const struct model_ctx *mc, struct record *r, const struct record *old,
			 struct model_error *e);
int entity_audit_trail(const struct model_ctx *mc, const struct entity_desc *ed, int64_t id,
		       json_t **out, struct model_error *e);

/* ---- reading (entity.c) ---- */

/* Record `id` of `ed` within the actor's scope (MODEL_ENOTFOUND outside it). */
int load_scoped(const struct model_ctx *mc, const struct entity_desc *ed, int64_t id,
		struct record *out, struct model_error *e);
/* The keyed hash of a personal value as typed by a user. */
void entity_blind_index(const struct crypto_keys *keys, const char *plain, struct strbuf *out);

/* entity_lookup() for entities whose key is unique only with key2 (NULL: none). */
int entity_lookup_key2(struct db *db, const struct entity_desc *ed, const char *key,
		       const char *key2, struct record *out, struct strbuf *err);
/*
 * entity_lookup() through `cache` when not NULL (hooks and reference
 * checks read the same few records again and again in an import).
 */
int entity_lookup_cached(struct db *db, struct lookup_cache *cache,
			 const struct entity_desc *ed, const char *key, struct record *out,
			 struct strbuf *err);
/* db_query_value() memoised in the operation's cache when it has one. */
int entity_op_query_value(struct entity_op *op, const char *sql, const char *const *params,
			  int nparams, char **out);
int entity_history_created(const struct model_ctx *mc, const struct entity_desc *ed,
			   int64_t first, int64_t only_id, struct model_error *e);
/* The one message for a reference that is missing, of the wrong level or out of scope. */
int ref_missing(struct model_error *e, const struct field_desc *fd, const char *value);

/* The columns a list selects (from the history table with ?as_of=), for entity_row(). */
void list_columns(const struct entity_desc *ed, const struct list_params *p, struct strbuf *sql);

/* Build the FROM/WHERE of a list query from its parameters. */
int list_where(const struct model_ctx *mc, const struct entity_desc *ed,
	       const struct list_params *p, struct strbuf *from_where, struct sqlp *params,
	       struct strbuf *order, struct model_error *e);

/* ---- what the descriptors' hooks share (hooks.c) ---- */

/* Field `key` of the record being written (op->rec): its value, set, presence, label. */
const char *op_get(struct entity_op *op, const char *key);
void op_set(struct entity_op *op, const char *key, const char *v);
int op_has(struct entity_op *op, const char *key);
const char *op_label(struct entity_op *op, const char *key);
/*
 * The record of `entity` whose key is `key` into `out` (through the bulk
 * operation's cache); missing: refused as field `field`'s reference.
 */
int op_fetch(struct entity_op *op, const char *entity, const char *key, const char *field,
	     struct record *out);
/* Date field `key`, when given, is not after today. */
int op_not_future(struct entity_op *op, const char *key);
/* Date field `later`, when given, is not before date field `earlier`. */
int op_not_before(struct entity_op *op, const char *later, const char *earlier);
/*
 * A record found on a patrol or a visit (fields `patrol`, `visit`): placed
 * (grid, village, township, district) and dated (`date_key`, when empty)
 * by it; without either, `date_key` is required (hooks.c).
 */
int op_found_on(struct entity_op *op, const char *date_key);
/* Is `code` one of the `|`-joined `set` (codes, REFSET and ENUMSET values)? */
int in_set(const char *set, const char *code);

#endif
