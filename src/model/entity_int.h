/*
 * entity_int: what the parts of the entity machinery (entity.c,
 * entity_list.c, entity_io.c, entity_meta.c) share and nobody else uses.
 */
#ifndef SANLING_ENTITY_INT_H
#define SANLING_ENTITY_INT_H

#include "model/entity.h"

struct db_stmt;

/* Bound parameters collected while SQL is assembled (as many as it needs). */
struct sqlp {
	size_t n, alloc;
	struct sqlp_value {
		int is_int;
		char *s;
		int64_t i;
	} *v;
};
#define SQLP_INIT { 0, 0, NULL }
void sqlp_text(struct sqlp *p, const char *s);
void sqlp_int(struct sqlp *p, int64_t i);
/* Bind all, the first as parameter `first`. */
void sqlp_bind(const struct sqlp *p, struct db_stmt *st, int first);
void sqlp_release(struct sqlp *p);
/* Run a statement that returns no rows, with the parameters `p`: 0, or -1 with err. */
int sqlp_run(struct db *db, const char *sql, const struct sqlp *p, struct strbuf *err);
/*
 * Run `sql` with parameters `p` and fill `out` with the first `n` integer
 * columns of its one row (0 for NULL or no row): counts and sums.  0 or -1.
 */
int sqlp_aggregate(struct db *db, const char *sql, const struct sqlp *p, int64_t *out, int n,
		   struct strbuf *err);

void entity_columns(const struct entity_desc *ed, const char *alias, struct strbuf *sql);
void entity_row(struct db_stmt *st, struct record *r, int first);
/* Append the overdue flag column (and its parameter, today) when the entity has one. */
void entity_overdue_column(const struct entity_desc *ed, struct strbuf *sql, struct sqlp *p);
/* Today's date once for every `?` of the entity's overdue predicate. */
void entity_overdue_params(const struct entity_desc *ed, struct sqlp *p, const char *today);
int scope_where(const struct entity_desc *ed, const struct actor *a, const char *t,
		struct strbuf *sql, struct sqlp *p);
int field_normalize(const struct field_desc *fd, const char *in, struct strbuf *out,
		    struct model_error *e);
void mask_value(const struct field_desc *fd, const char *plain, struct strbuf *out);
json_t *record_json(const struct record *r, const struct crypto_keys *keys);
/* The same as JSON text (what json_dumps would write of record_json), appended to `out`. */
void record_json_write(const struct record *r, const struct crypto_keys *keys,
		       struct strbuf *out);
int entity_validate(const struct model_ctx *mc, struct record *r, const struct record *old,
		    const char *secret, struct model_error *e);
int entity_store(const struct model_ctx *mc, struct record *r, const struct record *old,
		 const char *action, const char *month, struct model_error *e);
int entity_audit_trail(const struct model_ctx *mc, const struct entity_desc *ed, int64_t id,
		       json_t **out, struct model_error *e);
void model_policy(struct db *db, int *min_len, int *min_classes);
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
/*
 * Is record `r` inside the actor's scope (by its scope columns)?  With
 * `for_ref`, `r` is named by a write: a township may then only name
 * reference data of its own township where the data has a township column.
 */
int scope_check_record(struct db *db, const struct actor *a, const struct record *r,
		       int for_ref);

/* The columns a list selects (from the history table with ?as_of=), for entity_row(). */
void list_columns(const struct entity_desc *ed, const struct list_params *p, struct strbuf *sql);

/* Build the FROM/WHERE of a list query from its parameters. */
int list_where(const struct model_ctx *mc, const struct entity_desc *ed,
	       const struct list_params *p, struct strbuf *from_where, struct sqlp *params,
	       struct strbuf *order, struct model_error *e);

#endif
