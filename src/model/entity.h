/*
 * entity: record types described as data, and the one machinery that reads
 * the descriptions.
 *
 * Each record type (regions, subjects, petitions ...) is a static
 * `struct entity_desc` listing its fields: key, Chinese label, type,
 * enumeration, flags (required, personal data, key, derived ...), reference
 * to another entity.  From that one description this module validates input
 * (JSON or a row of an imported file), stores it (one column per field;
 * personal fields as ciphertext plus a keyed hash), lists with scope, filters,
 * sort and pages, masks personal data in every output, keeps the history of
 * entities that have one, and writes the audit row in the same transaction
 * as the change.  The API, the importer, the exporter, the OpenAPI document
 * and the browser's forms all read the same descriptors.
 *
 * What is particular to an entity (derived columns, checks across fields, a
 * workflow) is a hook in its descriptor, never a branch in this file.  This
 * module knows nothing of HTTP: errors carry a suggested status code, which
 * the API layer turns into a problem document.
 */
#ifndef SANLING_ENTITY_H
#define SANLING_ENTITY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/strbuf.h"
#include "model/enums.h"
#include "model/errors.h"
#include "model/role.h"

struct db;
struct crypto_keys;
struct table_reader;
struct table_writer;

enum field_type {
	FT_TEXT,    /* free text; `max` code points (default 200) */
	FT_CODE,    /* identifier: letters, digits, - _ . ; `max` length (64) */
	FT_INT,     /* 64-bit integer in [min, max] */
	FT_REAL,    /* number in [min, max] */
	FT_BOOL,    /* stored 0/1; input true/false, 1/0, 是/否 */
	FT_DATE,    /* YYYY-MM-DD, a real calendar day */
	FT_MONTH,   /* YYYY-MM */
	FT_ENUM,    /* one code of `enumeration` (input: code or label) */
	FT_ENUMSET, /* codes of `enumeration` joined by | */
	FT_REF,     /* the key of a record of entity `ref` */
	FT_MONEY,   /* yuan with at most 2 decimals, stored as integer fen; [min, max] in yuan */
	FT_REFSET,  /* keys of records of entity `ref` joined by | */
};
#define FT__LAST FT_REFSET

enum field_flags {
	FF_REQUIRED = 1u << 0,  /* must be given on create */
	FF_KEY = 1u << 1,       /* the business key: unique, fixed at create */
	FF_PERSONAL = 1u << 2,  /* personal data: encrypted, masked, revealed by audit */
	FF_DERIVED = 1u << 3,   /* set by the entity's hook; never input */
	FF_IMMUTABLE = 1u << 4, /* set at create, not changed by update */
	FF_FILTER = 1u << 5,    /* ?key=value filter on lists */
	FF_SORT = 1u << 6,      /* ?sort=key */
	FF_LIST = 1u << 7,      /* a column of the default table */
	FF_SEARCH = 1u << 8,    /* part of the ?q= substring search */
	FF_NOIMPORT = 1u << 9,  /* not a column of the import template */
	FF_RANGE = 1u << 10,    /* ?key_from= / ?key_to= on dates and months */
	FF_HIDDEN = 1u << 11,   /* stored, never shown nor accepted (a password hash) */
	/*
	 * The determination or the figures count it: while a date so flagged
	 * lies in a published month, the record may not be created, nor a
	 * counted field changed (a counted date places only itself).
	 */
	FF_COUNTED = 1u << 12,
	/*
	 * A reference whose ?key= filter must name a record within the
	 * caller's reach, like a value written (a campaign of another district
	 * is refused, not an empty list)
	 */
	FF_FILTER_REF = 1u << 13,
};

enum field_mask {
	MASK_GENERIC = 0, /* first and last character */
	MASK_NAME,        /* 张* */
	MASK_IDCARD,      /* 110***********123X */
	MASK_PHONE,       /* 138****1234 */
};

struct field_desc {
	const char *key;
	const char *label;
	enum field_type type;
	unsigned flags;
	const struct enum_desc *enumeration; /* FT_ENUM, FT_ENUMSET */
	const char *ref;       /* FT_REF: entity name */
	const char *ref_level; /* FT_REF: the referenced record's level (its entity's `level` field) */
	int64_t min, max;      /* numeric range; FT_TEXT/FT_CODE max length */
	int (*check)(const char *value); /* extra check (credit code, phone ...) */
	const char *check_msg;           /* message when `check` fails */
	enum field_mask mask;            /* how a FF_PERSONAL value is masked */
	/* canonical form before `check` (case, spaces), e.g. credit codes */
	void (*normalize)(const char *in, struct strbuf *out);
};

/* Columns that place a row in somebody's scope (NULL when absent). */
struct entity_scope {
	const char *district;
	const char *township;
	const char *supervisor;
	const char *grid;
	const char *subject;
	/*
	 * Work owned by departments (tasks, problems): the department that
	 * owns the row (a FT_REF column) and those that co-own it (a FT_REFSET
	 * column, codes joined by |).  When either is set, a department role
	 * (supervisor or lead) reaches the rows it owns or co-owns, instead of
	 * its sector's (supervisor) or the whole district (lead).
	 */
	const char *owner;
	const char *owners;
};

enum entity_flags {
	ENT_HISTORY = 1u << 0, /* every version kept in <table>_history, by month */
	ENT_RETIRE = 1u << 1,  /* closed/retired instead of deleted */
	ENT_REFDATA = 1u << 2, /* reference data: every business role of the district reads it */
	ENT_ASSESS = 1u << 3,  /* its changes can change the monthly determination */
	ENT_ACCOUNTS = 1u << 4, /* its changes can end or change sessions (users) */
	ENT_FIGURES = 1u << 5, /* the report figures count it (ENT_ASSESS ones count anyway) */
	/*
	 * the same for every district (the work calendar: the holidays are
	 * national): no scope columns, every role that may read it reads all
	 */
	ENT_NATIONAL = 1u << 9,
	ENT_ATTACH = 1u << 6,  /* its records take files (附件): /{entity}/{id}/attachments */
	/*
	 * its table is partitioned by district on PostgreSQL (migration 028),
	 * the uniqueness of its number (key `no`) kept in <table>_keys (no,
	 * district), where a lookup by number finds the number's partition
	 */
	ENT_PARTITIONED = 1u << 7,
	/*
	 * a district may grant the offices above it (its city, its province:
	 * role region) writing it in the district (region_grants, grants.c):
	 * work an office above a district really does — tasks, problems, its
	 * checks, 督办, campaigns.  Never a list that holds personal data, nor
	 * the subjects, standards or anything the determination counts, which
	 * stay the district's own (a unit test holds the flag to that)
	 */
	ENT_GRANTABLE = 1u << 8,
};

struct entity_op;

/* A status change the workflow allows, and who may make it. */
struct transition {
	const char *from, *to;
	unsigned roles; /* ROLE_BIT()s */
};

/*
 * A workflow: the status field, the status new records start in, and the
 * allowed changes (ending with { NULL, NULL, 0 }).  Records created by an
 * import (a register of past years) may arrive in any status; every change
 * after that follows the table.
 */
struct workflow {
	const char *field;
	const char *initial;
	const struct transition *transitions;
};

/*
 * An action offices take on many records at once (POST /{entity}/bulk):
 * each record must stand in one of `from` (codes joined by |, NULL: any)
 * of field `state`; the action sets the fields of `set` ("key=value"
 * joined by |; the value @today: today's date) and those of `ask`, which
 * the request gives (keys joined by |, each required), and is an update
 * of each record like PATCH.  `roles`: the ROLE_BIT()s that may take it
 * (beyond the entity's writers and the workflow's own check).
 */
struct bulk_action {
	const char *name;  /* "accept" */
	const char *label; /* 受理 */
	const char *state, *from;
	const char *set;
	const char *ask;
	unsigned roles;
};

struct entity_desc {
	const char *name;  /* URL and CLI name, plural: "subjects" */
	const char *label; /* 创建主体 */
	const char *table;
	const char *key;   /* business key field */
	const char *key2;  /* second key field when the key is unique only with it */
	/*
	 * Records without a number of their own: the fields (joined by |) whose
	 * values make the key — `key`, a FF_DERIVED | FF_HIDDEN field set from
	 * them on create and import (a personal one by its keyed hash), so that
	 * a re-import of the same natural key updates the row.  NULL: none.
	 */
	const char *natural;
	/*
	 * Records the server numbers when they come without one (a patrol
	 * entered on a phone): the prefix ("XC"); the key is then
	 * <prefix><year>-<6 digits>, the next of the year from the table
	 * record_numbers, skipping a number already taken by hand, given in
	 * the write's transaction (entity_number()).  The year is that of
	 * date field `number_date` (NULL or empty: today's).  A number given
	 * is kept.  NULL: the key must be given.
	 */
	const char *number_prefix;
	const char *number_date;
	const struct field_desc *fields;
	size_t nfields;
	unsigned flags;
	unsigned read_roles;  /* ROLE_BIT()s that may read (within scope) */
	unsigned write_roles; /* ROLE_BIT()s that may write (within scope) */
	struct entity_scope scope;
	const char *retire_field; /* ENT_RETIRE: "active" (set 0) or a month field (set to the month) */
	/* ENT_HISTORY: the month fields that put a record on the list (from, to) */
	const char *month_from, *month_to;
	const char *default_sort; /* "code" or "-received_on" */
	/* the field that a reference's `ref_level` is matched against ("level" of regions) */
	const char *level;
	/* a secret given on create beside the fields ("password" of users) */
	const char *secret_input;
	const struct workflow *workflow; /* NULL: no status workflow */
	const struct bulk_action *bulk;  /* its bulk actions, ending with { NULL }; NULL: none */
	/*
	 * When a record is overdue: an SQL predicate on alias `t` with one `?`,
	 * today's date (YYYY-MM-DD).  Output as "overdue"; ?overdue=1|0 filters.
	 */
	const char *overdue_sql;
	/*
	 * When it was overdue at the end of a past day (every `?` is that day):
	 * its due date on or before the day and not finished on or before it,
	 * by the record's own dates, not its status now (DOMAIN: "overdue at the
	 * end of M").  For today's date it holds of what overdue_sql holds of
	 * tomorrow.  ?overdue_on=DAY filters by it.
	 */
	const char *overdue_on_sql;
	/*
	 * Called on create and update after each field is valid on its own:
	 * derive FF_DERIVED fields, check fields against each other and
	 * against the actor's scope.  Returns 0 or a negative MODEL_E* with the
	 * message (and field) in op->error.
	 */
	int (*prepare)(struct entity_op *op);
	/*
	 * Who may make this change, beyond the roles that may write: called
	 * with op->old and op->rec (the new state; on a retire, the old one
	 * retired) before anything else on create, update and retire, and on
	 * the entity's own actions (a password reset) with op->rec == op->old.
	 * Returns 0 or MODEL_EFORBIDDEN with the message in op->error.
	 */
	int (*guard)(struct entity_op *op);
};

/* A record: one string per field (NULL is SQL NULL), in the descriptor's order. */
struct record {
	const struct entity_desc *ed;
	int64_t id;
	int64_t rev;
	char **val;
	unsigned char *given; /* on input: which fields the caller gave */
	int overdue;          /* 1/0 when read with the entity's overdue_sql, else -1 */
	int borrowed;         /* a read-only view of a cached record (lookups in bulk work) */
};


/* What a write operation sees, and hooks may read and change. */
struct entity_op {
	struct db *db;
	const struct actor *actor;
	const struct crypto_keys *keys;
	const struct entity_desc *ed;
	struct record *rec;       /* the new state */
	const struct record *old; /* the old state on update, else NULL */
	const char *secret;       /* a password given with the request (users) */
	struct lookup_cache *cache; /* NULL, or what this bulk operation has read */
	int policy_min_len, policy_min_classes; /* password policy in force */
	struct model_error error;
};

/* ---- descriptors ---- */

/* All entities, NULL-terminated. */
extern const struct entity_desc *const entities[];
const struct entity_desc *entity_find(const char *name);
const struct field_desc *entity_field(const struct entity_desc *ed, const char *key);
int entity_field_index(const struct entity_desc *ed, const char *key);
/* Field by key or by Chinese label (import headers). */
int entity_field_index_any(const struct entity_desc *ed, const char *key_or_label);

/* ---- records ---- */

/*
 * Load the record of `ed` whose key is `key` (and, for entities with key2,
 * whose key2 is `key2`), without any scope: for hooks that check references.
 * Returns 0, MODEL_ENOTFOUND, or MODEL_EDB with the message in `err`.
 */
int entity_lookup(struct db *db, const struct entity_desc *ed, const char *key,
		  struct record *out, struct strbuf *err);

/* Do two field values (NULL is SQL NULL) differ? */
int record_values_differ(const char *a, const char *b);

/* `ed` may be NULL for a record that a later entity_lookup() fills. */
void record_init(struct record *r, const struct entity_desc *ed);
void record_release(struct record *r);
/* Set field `i` to a copy of `v` (NULL clears). */
void record_set(struct record *r, int i, const char *v);
const char *record_get(const struct record *r, const char *key);

/* ---- access ---- */

int entity_can_read(const struct entity_desc *ed, const struct actor *a);
/*
 * May the actor's role write `ed` at all?  An office above the districts
 * (role region) may write a list flagged ENT_GRANTABLE: where, is the
 * grants' (scope_granted_actor(), in the write path).
 */
int entity_can_write(const struct entity_desc *ed, const struct actor *a);
/*
 * May the actor see personal data of `ed` in full — reveal a field, or
 * find records by a personal field's value (which reveals it as surely)?
 * The roles that keep the records: those that may write them — never an
 * office above the districts, whatever it was granted.
 */
int entity_can_reveal(const struct entity_desc *ed, const struct actor *a);
/*
 * Run the descriptor's guard (if any) on a change of `old` to `r` (NULL
 * `old`: a creation) by the actor: 0, or its refusal in `e`.
 */
struct model_ctx;
int entity_guard(const struct model_ctx *mc, struct record *r, const struct record *old,
		 struct model_error *e);

struct lookup_cache;
struct group_commit;

/* Context of every call below.  Zero what you do not set. */
struct model_ctx {
	struct db *db;
	const struct actor *actor;
	const struct crypto_keys *keys;
	/*
	 * set by the server for a create, an update or an import: its group
	 * commit, which runs the write's transaction as a job on the writer
	 * connection (its JSON is read before and its answer built after, on
	 * this thread; an import's rows are checked before, on `db`)
	 */
	struct group_commit *writes;
	/*
	 * set by the server when `db` is a read replica (serve --db-read): the
	 * primary, for the audit row a read leaves (an export, an attachment
	 * fetched, a search by personal data: model_audit_db()); NULL: `db` is
	 * the primary
	 */
	struct db *primary;
	/*
	 * set by the server: the most rows one import may bring (0: any).  An
	 * import is one transaction on the writer, which nobody else can use
	 * meanwhile: the cap keeps that wait short (`serve --import-max-rows`).
	 */
	size_t import_max_rows;
	/* set by bulk operations (import): */
	struct lookup_cache *cache; /* referenced records already read */
	int bulk;                   /* an import: created records may bring any status, and
				       their history is written set-wise at the end */
	int64_t bulk_first_id;      /* records of ids above it were created by this bulk
				       operation (0: any may have been) */
};

/* Where a read writes its audit row: the primary (model_ctx.primary), else `db`. */
struct db *model_audit_db(const struct model_ctx *mc);

/*
 * Create from a JSON object.  Unknown fields, wrong JSON types, derived
 * fields, invalid values, references outside the caller's scope are
 * refused.  On success `*out` (if not NULL) receives the stored record as
 * JSON (personal data masked; caller owns the reference).  The change, its
 * history row and its audit row are one transaction.
 */
int entity_create(const struct model_ctx *mc, const struct entity_desc *ed,
		  json_t *in, json_t **out, struct model_error *e);

/* The same, with a secret (a user's initial password) for the hook. */
int entity_create_secret(const struct model_ctx *mc, const struct entity_desc *ed,
			 json_t *in, const char *secret, json_t **out, struct model_error *e);

/* Update record `id` with the fields of `in` (a partial object), which must
 * have "rev": the revision it was made from (else MODEL_EPRECOND), a
 * non-negative integer (else MODEL_EINVAL) equal to the stored revision
 * (else MODEL_ECONFLICT). */
int entity_update(const struct model_ctx *mc, const struct entity_desc *ed,
		  int64_t id, json_t *in, json_t **out, struct model_error *e);

/* Retire (close) record `id` as of `month` (NULL: the current month). */
int entity_retire(const struct model_ctx *mc, const struct entity_desc *ed,
		  int64_t id, const char *month, json_t **out, struct model_error *e);

/*
 * Bulk action `action` (one of the descriptor's `bulk`) on the records
 * `ids` (1..BULK_MAX, each once), with the action's fields from `in`
 * (an object of the `ask` keys), in one transaction: each record updated
 * as entity_update() does (guard, workflow, hooks, scope, history, audit
 * row), or none.  When any record is refused, MODEL_E* of the first with
 * a message naming them, and `*errors` (if not NULL) receives
 * [{id, no, field, message}] for each (no: NULL for a record out of
 * scope).  `*out`: {action, count, items: [{id, no, rev}]} (no: the key).
 */
#define BULK_MAX 500
int entity_bulk(const struct model_ctx *mc, const struct entity_desc *ed, const char *action,
		const int64_t *ids, size_t n, json_t *in, json_t **out, json_t **errors,
		struct model_error *e);
/* May the actor take bulk action `ba` of `ed` (its role and the entity's write roles)? */
int entity_bulk_allowed(const struct entity_desc *ed, const struct bulk_action *ba,
			const struct actor *a);

/* One record within scope, as JSON (masked). */
int entity_get(const struct model_ctx *mc, const struct entity_desc *ed,
	       int64_t id, json_t **out, struct model_error *e);
/* The same written as compact JSON text into `out` (no JSON tree built: the hot read). */
int entity_get_text(const struct model_ctx *mc, const struct entity_desc *ed, int64_t id,
		    struct strbuf *out, struct model_error *e);

/* The history (versions, oldest first) of record `id` within scope. */
int entity_history(const struct model_ctx *mc, const struct entity_desc *ed,
		   int64_t id, json_t **out, struct model_error *e);

/*
 * List parameters, from a query string or the command line.  `get(ctx,
 * name)` returns a parameter's value or NULL; `each(ctx, cb, cbctx)` calls
 * `cb` with every name so that unknown parameters can be refused.
 */
struct list_params {
	const char *(*get)(void *ctx, const char *name);
	void (*each)(void *ctx, void (*cb)(void *cbctx, const char *name), void *cbctx);
	void *ctx;
};

/*
 * List within scope: { "items": [...], "total": N, "page": P,
 * "page_size": S }.  Parameters: every FF_FILTER field (exact; personal
 * fields by keyed hash), key_from/key_to for FF_RANGE fields, q (substring
 * of FF_SEARCH fields and the number, or of the labels of the listed
 * enumerations and the names of the listed references; never personal
 * data), sort (key or -key of a FF_SORT field), page (from
 * 1), page_size (1..500, default 20), as_of (YYYY-MM, ENT_HISTORY only: the
 * list as it stood that month).  Anything else is MODEL_EBADREQ.
 */
int entity_list(const struct model_ctx *mc, const struct entity_desc *ed,
		const struct list_params *p, json_t **out, struct model_error *e);

/*
 * How `?q=` searches field `fd` of `ed`: a substring of its text (the
 * FF_SEARCH fields and the number), of its enumeration's labels or of the
 * referenced record's name (the enumerations and references the list
 * shows), or not at all (personal data never).
 */
enum search_kind { SEARCH_NONE, SEARCH_TEXT, SEARCH_LABEL, SEARCH_NAME };
enum search_kind entity_search_kind(const struct entity_desc *ed, const struct field_desc *fd);

/*
 * Reveal personal field `field` of record `id` to the caller, who gives a
 * reason; audited.  The caller must be allowed to write the entity.
 */
int entity_reveal(const struct model_ctx *mc, const struct entity_desc *ed,
		  int64_t id, const char *field, const char *reason,
		  json_t **out, struct model_error *e);

/* ---- write observers ---- */

/*
 * What another part of the program must do when a record is written, so
 * that the write path need not know it: keep its own tables fresh (the
 * determination's versions), refuse a change its state forbids (a published
 * month's lock), forget a cache (sessions).  Each is called for every record
 * stored — created, updated, retired, imported — in the write's transaction,
 * `old` NULL on a creation, with the write's context (mc->cache: the bulk
 * operation's, for work done once per operation).
 */
struct write_observer {
	const char *name;
	/* before the row is written: 0, or a refusal (MODEL_E*) in `e` */
	int (*check)(const struct model_ctx *mc, const struct record *r,
		     const struct record *old, struct model_error *e);
	/*
	 * once every check passed, just before the row is written, in the
	 * write's transaction (what must be read of the row as it was):
	 * 0, or MODEL_EDB in `e`
	 */
	int (*storing)(const struct model_ctx *mc, const struct record *r,
		       const struct record *old, struct model_error *e);
	/* once it is written, in the same transaction: 0, or MODEL_EDB in `e` */
	int (*stored)(const struct model_ctx *mc, const struct record *r,
		      const struct record *old, struct model_error *e);
};

/*
 * Register `o` (static, for the program's life), in start-up code before
 * any thread writes; registering one twice registers it once.
 */
void model_observe(const struct write_observer *o);

/* ---- import and export (io of every list) ---- */

struct import_report {
	size_t rows;      /* data rows read */
	size_t created;
	size_t updated;
	size_t failed;
	json_t *errors;   /* [{row, column, message}], at most 1000 */
};
void import_report_init(struct import_report *r);
void import_report_release(struct import_report *r);

/*
 * Import rows from `rd` (header row first: keys or Chinese labels).  A row
 * whose key exists updates that record; otherwise it creates one.  Each bad
 * row is reported (row, column, reason).  Without `keep_good`, nothing is
 * kept if any row is bad.  Every row is checked first, on mc->db, writing
 * nothing; then all are stored in one transaction: with mc->writes, a job
 * of the server's writer run alone, else on mc->db (see entity_io.c).  A
 * row whose record changed or key was taken between the two is bad too.
 * Returns 0 when the import was applied (fully,
 * or the good rows with keep_good), MODEL_EINVAL when rows were bad and
 * nothing was kept, MODEL_ETOOBIG when the file went over one of the
 * reader's budgets (nothing is kept then, even with keep_good), other
 * negatives on failure.  SQLite's page cache for the import's transaction
 * grows with the file's size (table_reader_size()), up to 128 MiB.
 */
int entity_import(const struct model_ctx *mc, const struct entity_desc *ed,
		  struct table_reader *rd, int keep_good,
		  struct import_report *rep, struct model_error *e);

/*
 * Export the list (same parameters as entity_list, all pages) to `w`: a
 * header of Chinese labels, enumerations as labels, personal data masked.
 * Audited as one export.  `*rows` receives the number of rows written.
 */
int entity_export(const struct model_ctx *mc, const struct entity_desc *ed,
		  const struct list_params *p, struct table_writer *w,
		  size_t *rows, struct model_error *e);

/* Write the empty import template (header of keys' labels) to `w`. */
int entity_template(const struct entity_desc *ed, struct table_writer *w,
		    struct strbuf *err);

/* ---- descriptions for the API ---- */

/* The descriptor of `ed` as JSON, for /api/v1/meta and the browser. */
json_t *entity_meta(const struct entity_desc *ed, const struct actor *a);

/*
 * The names of every list and of its fields, whoever asks ({name: {label,
 * fields: {key: label}}}): what the audit log's codes stand for, for the
 * audit administrator who reads no list.  Names only, no permissions.
 */
json_t *entity_names(void);
/* "text", "int", ... as in the metadata. */
const char *field_type_name(enum field_type t);

#endif
