/*
 * entity_write.c: the write path of every entity: a create, an update or a
 * retirement checked (guard, required fields, workflow, references, the
 * descriptor's hook, scope), stored (personal data encrypted and hashed,
 * optimistic concurrency by rev, history), and audited, in one transaction
 * run on the server's writer (see model_ctx.writes).
 *
 * What other parts of the program must do on a write — keep their own
 * tables fresh, refuse a change their state forbids, forget a cache — they
 * register as write observers at start-up (model_observe()); this file calls
 * them and knows nothing of what they do.
 *
 * SQL here is assembled from descriptor names only, never from input;
 * every value is a bound parameter.
 */
#include "model/entity.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/crypto.h"
#include "base/date.h"
#include "db/db.h"
#include "db/group_commit.h"
#include "model/audit.h"
#include "model/dict.h"
#include "model/enums.h"
#include "model/entity_int.h"
#include "model/lookup_cache.h"
#include "model/numbers.h"
#include "model/scope.h"
#include "model/settings.h"

/* ---- write observers ---- */

#define MAX_OBSERVERS 8
static const struct write_observer *observers[MAX_OBSERVERS];
static size_t nobservers;

void model_observe(const struct write_observer *o)
{
	size_t i;

	for (i = 0; i < nobservers; i++)
		if (observers[i] == o)
			return;
	if (nobservers == MAX_OBSERVERS)
		abort(); /* a programming error: raise MAX_OBSERVERS */
	observers[nobservers++] = o;
}

/* The hooks of an observer, in the order a write calls them. */
enum observer_hook { HOOK_CHECK, HOOK_STORING, HOOK_STORED };

/* Every observer's hook `h` of a write of `r` (from `old`): the first refusal or failure. */
static int observers_run(enum observer_hook h, const struct model_ctx *mc, const struct record *r,
			 const struct record *old, struct model_error *e)
{
	size_t i;
	int ret;

	for (i = 0; i < nobservers; i++) {
		const struct write_observer *o = observers[i];
		int (*fn)(const struct model_ctx *, const struct record *, const struct record *,
			  struct model_error *) = h == HOOK_CHECK ? o->check :
						  h == HOOK_STORING ? o->storing : o->stored;
		if (fn && (ret = fn(mc, r, old, e)))
			return ret;
	}
	return 0;
}

/* ---- storing ---- */

/* Encrypt personal fields of `r` into their stored form (in place). */
static int encrypt_personal(const struct crypto_keys *keys, struct record *r,
			    const struct record *old, struct model_error *e)
{
	struct strbuf enc = STRBUF_INIT;
	size_t i;
	int ret = 0;

	for (i = 0; i < r->ed->nfields; i++) {
		if (!(r->ed->fields[i].flags & FF_PERSONAL) || !r->val[i])
			continue;
		if (old && !r->given[i])
			continue; /* unchanged: already ciphertext */
		strbuf_reset(&enc);
		if (!keys || pd_encrypt(keys, r->val[i], &enc)) {
			ret = model_fail(e, MODEL_EDB, NULL, "个人信息加密失败（密钥未配置？）");
			break;
		}
		record_set(r, (int)i, enc.buf);
	}
	strbuf_release(&enc);
	return ret;
}

static int map_db_error(int rc, const struct record *r, struct model_error *e)
{
	const struct entity_desc *ed = r->ed;

	/* references were checked before: a constraint here is the key */
	if (rc == DB_ECONSTRAINT && ed->natural) {
		/* "已有同一网格、姓名、任职日期的记录" */
		struct strbuf labels = STRBUF_INIT;
		const char *p;
		int ret;

		for (p = ed->natural; *p;) {
			size_t n = strcspn(p, "|");
			char name[64];
			snprintf(name, sizeof(name), "%.*s", (int)n, p);
			strbuf_addf(&labels, "%s%s", labels.len ? "、" : "", entity_field(ed, name)->label);
			p += n + (p[n] == '|');
		}
		ret = model_fail(e, MODEL_ECONFLICT, NULL, "已有同一%s的记录", labels.buf);
		strbuf_release(&labels);
		return ret;
	}
	if (rc == DB_ECONSTRAINT) /* the writer's own value, quoted: it tells nothing new */
		return model_fail(e, MODEL_ECONFLICT, ed->key, "%s：“%s”不能使用，请换一个",
				  entity_field(ed, ed->key)->label,
				  record_get(r, ed->key) ? record_get(r, ed->key) : "");
	return model_fail(e, MODEL_EDB, NULL, "数据库错误");
}

/* Write the history row of `r` (its stored form) for month `month`. */
static int write_history(struct db *db, const struct actor *a, const struct record *r,
			 const char *action, const char *month, const char *bidx_cols[],
			 struct model_error *e)
{
	const struct entity_desc *ed = r->ed;
	struct strbuf sql = STRBUF_INIT;
	struct db_stmt *st = NULL;
	size_t i;
	int n = 0, rc, ret = 0;

	strbuf_addf(&sql, "INSERT INTO %s_history (id, rev, month, action, changed_at, changed_by",
		    ed->table);
	entity_stored_columns(ed, &sql);
	strbuf_addstr(&sql, ") VALUES (?, ?, ?, ?, ?, ?");
	for (i = 0; i < ed->nfields; i++)
		strbuf_addstr(&sql, (ed->fields[i].flags & FF_PERSONAL) ? ", ?, ?" : ", ?");
	strbuf_addch(&sql, ')');
	if (db_prepare(db, sql.buf, &st, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto cleanup;
	}
	db_bind_int64(st, ++n, r->id);
	db_bind_int64(st, ++n, r->rev);
	db_bind_text(st, ++n, month);
	db_bind_text(st, ++n, action);
	db_bind_int64(st, ++n, time_now());
	db_bind_text(st, ++n, a->username ? a->username : "-");
	for (i = 0; i < ed->nfields; i++) {
		if (r->val[i])
			db_bind_text(st, ++n, r->val[i]);
		else
			db_bind_null(st, ++n);
		if (ed->fields[i].flags & FF_PERSONAL) {
			if (bidx_cols[i])
				db_bind_text(st, ++n, bidx_cols[i]);
			else
				db_bind_null(st, ++n);
		}
	}
	rc = db_step(st, &e->msg);
	if (rc < 0)
		ret = map_db_error(rc, r, e);
cleanup:
	if (st)
		db_finalize(st);
	strbuf_release(&sql);
	return ret;
}

/*
 * The "create" history versions of records of `ed` that have none: those
 * with id > `first` (or exactly `only_id` when it is not 0), from their
 * stored rows, in one statement.  Bulk operations write the creations'
 * history this way instead of row by row.
 */
int entity_history_created(const struct model_ctx *mc, const struct entity_desc *ed,
			   int64_t first, int64_t only_id, struct model_error *e)
{
	struct strbuf sql = STRBUF_INIT, cols = STRBUF_INIT;
	struct db_stmt *st = NULL;
	char month[8];
	int n = 0, ret = 0;

	entity_stored_columns(ed, &cols);
	month_now(month);
	strbuf_addf(&sql, "INSERT INTO %s_history (id, rev, month, action, changed_at, changed_by%s) "
		    "SELECT t.id, t.rev, %s%s, 'create', t.created_at, ?%s FROM %s t WHERE %s "
		    "AND NOT EXISTS (SELECT 1 FROM %s_history h WHERE h.id = t.id)",
		    ed->table, cols.buf, ed->month_from ? "t." : "?",
		    ed->month_from ? ed->month_from : "", cols.buf, ed->table,
		    only_id ? "t.id = ?" : "t.id > ?", ed->table);
	if (db_prepare(mc->db, sql.buf, &st, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto cleanup;
	}
	if (!ed->month_from)
		db_bind_text(st, ++n, month);
	db_bind_text(st, ++n, mc->actor->username ? mc->actor->username : "-");
	db_bind_int64(st, ++n, only_id ? only_id : first);
	if (db_step(st, &e->msg) < 0)
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
cleanup:
	if (st)
		db_finalize(st);
	strbuf_release(&sql);
	strbuf_release(&cols);
	return ret;
}

/*
 * A key or immutable column that an update leaves as it was is not SET at
 * all.  Other tables' foreign keys name these columns (a petition's
 * `previous`, an event's subject ...), and SQLite checks every child table
 * of a parent whose key column is SET, changed or not: without an index on
 * the child column, a scan of the child table per updated row.  (Validation
 * refuses a change to such a column; this only leaves the equal ones out.)
 */
static int same_key(const struct field_desc *fd, const char *v, const char *was)
{
	if (!(fd->flags & (FF_KEY | FF_IMMUTABLE)) || (fd->flags & FF_PERSONAL))
		return 0;
	return !record_values_differ(v, was);
}

/*
 * The INSERT (old == NULL) or UPDATE of `r`'s row, its values bound from
 * `r` (personal ones already ciphertext) and `bidx` (their keyed hashes).
 * Sets r->id and r->rev.  An UPDATE names the revision it was made from:
 * no row changed means another write came between (MODEL_ECONFLICT); in a
 * table partitioned by district it names the row's district too, so that
 * only its partition is searched.
 */
static int write_row(const struct model_ctx *mc, struct record *r, const struct record *old,
		     const char *const *bidx, struct model_error *e)
{
	const struct entity_desc *ed = r->ed;
	struct strbuf sql = STRBUF_INIT;
	struct db_stmt *st = NULL;
	int64_t now = time_now();
	size_t i;
	int n = 0, rc, ret = 0;

	if (!old) {
		entity_insert_sql(ed, db_dialect(mc->db), &sql);
		r->rev = 1;
	} else {
		strbuf_addf(&sql, "UPDATE %s SET rev = rev + 1, updated_at = ?", ed->table);
		for (i = 0; i < ed->nfields; i++) {
			const struct field_desc *fd = &ed->fields[i];
			if (same_key(fd, r->val[i], old->val[i]))
				continue; /* see same_key() */
			if ((fd->flags & FF_PERSONAL) && r->given[i])
				strbuf_addf(&sql, ", %s_enc = ?, %s_idx = ?", fd->key, fd->key);
			else if (fd->flags & FF_PERSONAL)
				strbuf_addf(&sql, ", %s_enc = ?", fd->key); /* its index stays */
			else
				strbuf_addf(&sql, ", \"%s\" = ?", fd->key);
		}
		strbuf_addstr(&sql, " WHERE id = ? AND rev = ?");
		if (ed->flags & ENT_PARTITIONED)
			strbuf_addstr(&sql, " AND district = ?");
		r->rev = old->rev + 1;
		r->id = old->id;
	}
	if (db_prepare(mc->db, sql.buf, &st, &e->msg)) {
		strbuf_release(&sql);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	strbuf_release(&sql);
	db_bind_int64(st, ++n, now);
	if (!old)
		db_bind_int64(st, ++n, now);
	for (i = 0; i < ed->nfields; i++) {
		if (old && same_key(&ed->fields[i], r->val[i], old->val[i]))
			continue;
		if (r->val[i])
			db_bind_text(st, ++n, r->val[i]);
		else
			db_bind_null(st, ++n);
		if ((ed->fields[i].flags & FF_PERSONAL) && (!old || r->given[i])) {
			if (bidx[i])
				db_bind_text(st, ++n, bidx[i]);
			else
				db_bind_null(st, ++n);
		}
	}
	if (old) {
		db_bind_int64(st, ++n, old->id);
		db_bind_int64(st, ++n, old->rev);
		if (ed->flags & ENT_PARTITIONED)
			db_bind_text(st, ++n, record_get(old, "district"));
	}
	rc = db_step(st, &e->msg);
	if (rc < 0) {
		ret = map_db_error(rc, r, e);
	} else if (!old) {
		r->id = db_dialect(mc->db) == DB_POSTGRES ? (rc == DB_ROW ? db_column_int64(st, 0) : 0)
							    : db_last_insert_id(mc->db);
		if (r->id <= 0)
			ret = model_fail(e, MODEL_EDB, NULL, "数据库错误：未返回新记录编号");
	} else if (db_changes(st) != 1) {
		ret = model_fail(e, MODEL_ECONFLICT, NULL, "记录已被他人修改，请刷新后重试");
	}
	db_finalize(st);
	return ret;
}

/*
 * The history version of stored `r` for `month` (NULL: its list month on a
 * creation, else the current month).  Unchanged personal columns keep their
 * keyed hash: it is read from the row into `bidx` (`keep`: their buffers).
 */
static int write_version(const struct model_ctx *mc, const struct record *r,
			 const struct record *old, const char *action, const char *month,
			 const char **bidx, struct strbuf *keep, struct model_error *e)
{
	const struct entity_desc *ed = r->ed;
	char cur[8];
	size_t i;

	if (!month) {
		month_now(cur);
		month = (!old && ed->month_from) ? record_get(r, ed->month_from) : cur;
	}
	for (i = 0; old && i < ed->nfields; i++) {
		struct strbuf q = STRBUF_INIT, id = STRBUF_INIT;
		const char *params[1];
		char *v = NULL;
		int rc;

		if (!(ed->fields[i].flags & FF_PERSONAL) || r->given[i])
			continue;
		strbuf_addf(&q, "SELECT %s_idx FROM %s WHERE id = ?", ed->fields[i].key, ed->table);
		strbuf_addf(&id, "%" PRId64, r->id);
		params[0] = id.buf;
		rc = db_query_value(mc->db, q.buf, params, 1, &v, &e->msg);
		strbuf_release(&q);
		strbuf_release(&id);
		strbuf_reset(&keep[i]);
		if (v)
			strbuf_addstr(&keep[i], v);
		bidx[i] = v ? keep[i].buf : NULL;
		free(v);
		if (rc)
			return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	return write_history(mc->db, mc->actor, r, action, month, bidx, e);
}

/*
 * Store `r` (validated, derived, plain personal values): INSERT when
 * old == NULL, else UPDATE with rev+1.  Writes history when the entity has
 * it.  Must run in a transaction.  On success r->id and r->rev are set and
 * personal values in `r` are ciphertext.
 */
int entity_store(const struct model_ctx *mc, struct record *r, const struct record *old,
		 const char *action, const char *month, struct model_error *e)
{
	const struct entity_desc *ed = r->ed;
	struct strbuf *keep = xcalloc(ed->nfields, sizeof(*keep));
	const char **bidx = xcalloc(ed->nfields, sizeof(*bidx));
	size_t i;
	int ret;

	for (i = 0; i < ed->nfields; i++)
		strbuf_init(&keep[i], 0);
	if (!old && (ret = entity_number(mc, r, e)))
		goto cleanup;
	if ((ret = observers_run(HOOK_CHECK, mc, r, old, e)))
		goto cleanup;
	/* blind indexes from the plain values, before encryption */
	for (i = 0; i < ed->nfields; i++) {
		if (!(ed->fields[i].flags & FF_PERSONAL) || !r->val[i])
			continue;
		if (old && !r->given[i])
			continue;
		if (!mc->keys) {
			ret = model_fail(e, MODEL_EDB, NULL, "个人信息加密失败（密钥未配置）");
			goto cleanup;
		}
		entity_blind_index(mc->keys, r->val[i], &keep[i]);
		bidx[i] = keep[i].buf;
	}
	if ((ret = encrypt_personal(mc->keys, r, old, e)))
		goto cleanup;
	/* a bulk operation changing a record it created: its create version first */
	if (old && mc->bulk && (ed->flags & ENT_HISTORY) && old->id > mc->bulk_first_id &&
	    (ret = entity_history_created(mc, ed, 0, old->id, e)))
		goto cleanup;
	if ((ret = observers_run(HOOK_STORING, mc, r, old, e)) ||
	    (ret = write_row(mc, r, old, bidx, e)))
		goto cleanup;
	if (mc->cache)
		lookup_cache_forget(mc->cache, ed, record_get(r, ed->key));
	if ((ret = observers_run(HOOK_STORED, mc, r, old, e)))
		goto cleanup;
	/* a bulk operation writes the history of what it created in one go */
	if ((ed->flags & ENT_HISTORY) && !(mc->bulk && !old))
		ret = write_version(mc, r, old, action, month, bidx, keep, e);
cleanup:
	for (i = 0; i < ed->nfields; i++)
		strbuf_release(&keep[i]);
	free(keep);
	free(bidx);
	return ret;
}

/*
 * The number of new record `r` of an entity that numbers its records
 * (`number_prefix`), when it came without one: by its list's pattern
 * (numbers.h), the next of its year from record_numbers (of every year, key
 * 0, when the pattern has no year), in the write's transaction (a refused
 * write gives it back), skipping numbers already taken (given by hand or by
 * an import, or made by an earlier pattern).  The counter's row is bumped
 * by one statement that takes its lock (INSERT .. ON CONFLICT DO UPDATE ..
 * RETURNING), so that two writers never get the same number, on
 * PostgreSQL too; the key's unique index is the last word.
 */
int entity_number(const struct model_ctx *mc, struct record *r, struct model_error *e)
{
	static const char bump[] =
		"INSERT INTO record_numbers (entity, year, last) VALUES (?, ?, 1) "
		"ON CONFLICT (entity, year) DO UPDATE SET last = record_numbers.last + 1 "
		"RETURNING last";
	const struct entity_desc *ed = r->ed;
	const char *date = ed->number_date ? record_get(r, ed->number_date) : NULL;
	struct strbuf taken = STRBUF_INIT, pattern = STRBUF_INIT, no = STRBUF_INIT;
	char today[DATE_BUFSZ], year[8];
	int ret = 0, k = entity_field_index(ed, ed->key);

	if (!ed->number_prefix || r->val[k])
		return 0;
	if (!date || strlen(date) < 4) {
		date_today(today);
		date = today;
	}
	if (number_pattern(mc->db, ed, &pattern)) {
		strbuf_release(&pattern);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	snprintf(year, sizeof(year), "%.4s", number_pattern_has_year(pattern.buf) ? date : "0");
	/* partitioned by district: the number's one row in <table>_keys, not every partition */
	if (entity_partitioned(mc->db, ed))
		strbuf_addf(&taken, "SELECT 1 FROM %s_keys WHERE no = ?", ed->table);
	else
		strbuf_addf(&taken, "SELECT 1 FROM %s WHERE \"%s\" = ?", ed->table, ed->key);
	for (;;) {
		const char *bp[] = { ed->name, year }, *tp[] = { NULL };
		char *last = NULL, *hit = NULL;

		if (db_query_value(mc->db, bump, bp, 2, &last, &e->msg) || !last) {
			free(last);
			ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
			break;
		}
		number_format(pattern.buf, date, atoll(last), &no);
		free(last);
		tp[0] = no.buf;
		if (db_query_value(mc->db, taken.buf, tp, 1, &hit, &e->msg)) {
			ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
			break;
		}
		if (!hit) {
			record_set(r, k, no.buf);
			break;
		}
		free(hit); /* taken by hand: the next */
	}
	strbuf_release(&taken);
	strbuf_release(&pattern);
	strbuf_release(&no);
	return ret;
}

/* Names of the fields whose values differ (for the audit detail; never values). */
static void changed_fields(const struct record *r, const struct record *old, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < r->ed->nfields; i++) {
		const char *a = r->val[i], *b = old ? old->val[i] : NULL;
		if (r->ed->fields[i].flags & FF_HIDDEN)
			continue;
		if ((r->ed->fields[i].flags & FF_PERSONAL) ? r->given[i] && a :
		    record_values_differ(a, b)) {
			if (out->len)
				strbuf_addch(out, ',');
			strbuf_addstr(out, r->ed->fields[i].key);
		}
	}
}

static int workflow_check(const struct model_ctx *mc, struct record *r, const struct record *old,
			  struct model_error *e);

/*
 * Validate `r` for writing by the actor: required, hook, references,
 * scope.  `old` is the stored record on update.
 */
/* The hooks' view of a write of `r` (from `old`) by the context's actor. */
static void op_init(struct entity_op *op, const struct model_ctx *mc, struct record *r,
		    const struct record *old)
{
	memset(op, 0, sizeof(*op));
	op->db = mc->db;
	op->actor = mc->actor;
	op->keys = mc->keys;
	op->ed = r->ed;
	op->rec = r;
	op->old = old;
	op->cache = mc->cache;
	model_error_init(&op->error);
}

int entity_guard(const struct model_ctx *mc, struct record *r, const struct record *old,
		 struct model_error *e)
{
	struct entity_op op;
	int ret;

	if (!r->ed->guard)
		return 0;
	op_init(&op, mc, r, old);
	ret = r->ed->guard(&op);
	if (ret)
		model_fail(e, ret, op.error.field, "%s", op.error.msg.buf);
	model_error_release(&op.error);
	return ret;
}

/*
 * A record keyed by its natural fields keeps them: each one given must be
 * its part of the stored key (a personal one, stored encrypted, compared
 * by its keyed hash).
 */
static int natural_key_unchanged(const struct model_ctx *mc, const struct record *r,
				 const struct record *old, struct model_error *e)
{
	const struct entity_desc *ed = r->ed;
	const char *was = record_get(old, ed->key), *p;
	struct strbuf part = STRBUF_INIT;
	int ret = 0;

	if (!ed->natural || !was)
		return 0;
	for (p = ed->natural; *p && !ret;) {
		size_t n = strcspn(p, "|"), w = strcspn(was, "|");
		char name[64];
		int i;

		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		p += n + (p[n] == '|');
		i = entity_field_index(ed, name);
		if (r->given[i] && r->val[i]) {
			if (ed->fields[i].flags & FF_PERSONAL)
				entity_blind_index(mc->keys, r->val[i], &part);
			else
				strbuf_addstr(&part, r->val[i]);
			if (part.len != w || memcmp(part.buf, was, w))
				ret = model_fail(e, MODEL_EINVAL, ed->fields[i].key,
						 "%s：创建后不能修改", ed->fields[i].label);
			strbuf_reset(&part);
		}
		was += w + (was[w] == '|');
	}
	strbuf_release(&part);
	return ret;
}

/* Is `code` one of the "a|b" items of `set`? */
static int set_has(const char *set, const char *code)
{
	size_t n = strlen(code);

	for (; *set; set += strcspn(set, "|"), set += *set == '|')
		if (!strncmp(set, code, n) && (set[n] == '|' || !set[n]))
			return 1;
	return 0;
}

/*
 * A disabled dictionary item is refused where a write sets it: on a new
 * record, or a changed value; an old record keeps the one it has.
 */
static int enums_enabled(const struct record *r, const struct record *old,
			 struct model_error *e)
{
	size_t i;

	for (i = 0; i < r->ed->nfields; i++) {
		const struct field_desc *fd = &r->ed->fields[i];
		const char *v = r->val[i], *p;

		if ((fd->type != FT_ENUM && fd->type != FT_ENUMSET) || !r->given[i] || !v ||
		    (old && !record_values_differ(v, old->val[i])))
			continue;
		for (p = v; *p;) {
			size_t n = fd->type == FT_ENUMSET ? strcspn(p, "|") : strlen(p);
			char *code = xstrndup(p, n);
			int bad = !dict_enabled(fd->enumeration, code) &&
				  !(old && old->val[i] && set_has(old->val[i], code));

			if (bad)
				model_fail(e, MODEL_EINVAL, fd->key, "%s：“%s”已停用，不能再选用",
					   fd->label, enum_label(fd->enumeration, code));
			free(code);
			if (bad)
				return MODEL_EINVAL;
			p += n + (p[n] == '|');
		}
	}
	return 0;
}

/* entity_validate() as the actor of `mc`, whose role writes `r`'s entity. */
static int validate(const struct model_ctx *mc, struct record *r, const struct record *old,
		    const char *secret, struct model_error *e)
{
	struct entity_op op;
	int ret;

	ret = entity_guard(mc, r, old, e);
	if (ret)
		return ret;
	ret = record_check_required(r, e);
	if (ret)
		return ret;
	ret = enums_enabled(r, old, e);
	if (ret)
		return ret;
	if (!old)
		record_natural_key(mc->keys, r);
	if (old) {
		size_t i;
		for (i = 0; i < r->ed->nfields; i++) {
			const struct field_desc *fd = &r->ed->fields[i];
			if (!(fd->flags & (FF_KEY | FF_IMMUTABLE)) || !r->given[i])
				continue;
			if (fd->flags & FF_PERSONAL)
				continue; /* stored encrypted: a natural key's part, compared below */
			if (record_values_differ(r->val[i], old->val[i]))
				return model_fail(e, MODEL_EINVAL, fd->key, "%s：创建后不能修改", fd->label);
		}
		ret = natural_key_unchanged(mc, r, old, e);
		if (ret)
			return ret;
	}
	ret = workflow_check(mc, r, old, e);
	if (ret)
		return ret;
	ret = record_check_refs(mc, r, e);
	if (ret)
		return ret;
	if (r->ed->prepare) {
		op_init(&op, mc, r, old);
		op.secret = secret;
		if (secret)
			settings_password_policy(mc->db, &op.policy_min_len,
						 &op.policy_min_classes);
		ret = r->ed->prepare(&op);
		if (ret) {
			model_fail(e, ret, op.error.field, "%s", op.error.msg.buf);
			model_error_release(&op.error);
			return ret;
		}
		model_error_release(&op.error);
	}
	if (!scope_check_record(mc->db, mc->actor, r, 0))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "该记录不在您的管辖范围内");
	return 0;
}

int entity_validate(const struct model_ctx *mc, struct record *r, const struct record *old,
		    const char *secret, struct model_error *e)
{
	const char *col = r->ed->scope.district;
	struct model_ctx granted;
	struct actor as;
	int ret;

	if (mc->actor->role != ROLE_REGION)
		return validate(mc, r, old, secret, e);
	/*
	 * An office above the districts writes as the office of the district
	 * that granted it the list: the stored record's district (which the
	 * grant must cover before the change), or the one a creation names.
	 * The office's scope then holds the new version to that district, so
	 * no record moves into or out of it.  Every write of a record comes
	 * here (the API, bulk actions, imports, the work's actions).
	 */
	ret = scope_granted_actor(mc->db, mc->actor, r->ed,
				  old ? (col ? record_get(old, col) : NULL) : mc->actor->district,
				  &as, e);
	if (ret)
		return ret;
	granted = *mc;
	granted.actor = &as;
	return validate(&granted, r, old, secret, e);
}

/*
 * The status of `r` against its entity's workflow: new records start in
 * the initial status (imports may bring any), changes follow the table and
 * the role that makes them.
 */
static int workflow_check(const struct model_ctx *mc, struct record *r, const struct record *old,
			  struct model_error *e)
{
	const struct workflow *wf = r->ed->workflow;
	const struct field_desc *fd;
	const struct transition *t;
	const char *to, *from;
	int i, known = 0;

	if (!wf)
		return 0;
	i = entity_field_index(r->ed, wf->field);
	fd = &r->ed->fields[i];
	to = r->val[i];
	if (!old) {
		if (!to)
			record_set(r, i, wf->initial);
		else if (strcmp(to, wf->initial) && !mc->bulk && mc->actor->role != ROLE_SYSTEM)
			return model_fail(e, MODEL_EINVAL, fd->key, "%s：新登记的记录应为“%s”",
					  fd->label, enum_label(fd->enumeration, wf->initial));
		return 0;
	}
	from = old->val[i];
	if (!to)
		return model_fail(e, MODEL_EINVAL, fd->key, "%s：必填", fd->label);
	if (from && !strcmp(from, to))
		return 0;
	for (t = wf->transitions; t->from; t++) {
		if (!from || strcmp(t->from, from) || strcmp(t->to, to))
			continue;
		known = 1;
		if ((t->roles & ROLE_BIT(mc->actor->role)) || mc->actor->role == ROLE_SYSTEM)
			return 0;
	}
	if (known)
		return model_fail(e, MODEL_EFORBIDDEN, fd->key, "%s：您的角色不能把“%s”改为“%s”",
				  fd->label, enum_label(fd->enumeration, from),
				  enum_label(fd->enumeration, to));
	return model_fail(e, MODEL_EINVAL, fd->key, "%s：不能从“%s”直接改为“%s”", fd->label,
			  from ? enum_label(fd->enumeration, from) : "（空）",
			  enum_label(fd->enumeration, to));
}

/*
 * Store validated `r` (`old`: its stored version, NULL for a new record) and
 * audit it as "<entity>.<verb>" with the fields that changed.
 */
static int store_audited(const struct model_ctx *mc, struct record *r, const struct record *old,
			 const char *verb, struct model_error *e)
{
	struct strbuf detail = STRBUF_INIT, obj = STRBUF_INIT, action = STRBUF_INIT;
	int ret;

	changed_fields(r, old, &detail);
	if ((ret = entity_store(mc, r, old, verb, NULL, e)))
		goto out;
	record_object_name(r, &obj);
	strbuf_addf(&action, "%s.%s", r->ed->name, verb);
	if (audit_append(mc->db, mc->actor, action.buf, obj.buf, "ok", detail.buf, &e->msg))
		ret = model_fail(e, MODEL_EDB, NULL, "审计写入失败");
out:
	strbuf_release(&detail);
	strbuf_release(&obj);
	strbuf_release(&action);
	return ret;
}

/*
 * Create new record `r` (filled by record_from_json() or a hook) as the
 * actor, inside the caller's transaction: validated, numbered, stored and
 * audited exactly as POST /{entity} does.  For actions that create several
 * records at once (the phone's outbox, sync.c).
 */
static int create_record(const struct model_ctx *mc, struct record *r, const char *secret,
			 struct model_error *e)
{
	int ret;

	if ((ret = entity_validate(mc, r, NULL, secret, e)) || (ret = entity_number(mc, r, e)))
		return ret;
	return store_audited(mc, r, NULL, "create", e);
}

int entity_create_record(const struct model_ctx *mc, struct record *r, struct model_error *e)
{
	if (!entity_can_write(r->ed, mc->actor))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权修改%s", r->ed->label);
	return create_record(mc, r, NULL, e);
}

int entity_update_record(const struct model_ctx *mc, struct record *r, const struct record *old,
			 struct model_error *e)
{
	size_t i;
	int ret;

	for (i = 0; i < r->ed->nfields; i++)
		if (!r->given[i])
			record_set(r, (int)i, old->val[i]);
	if ((ret = entity_validate(mc, r, old, NULL, e)))
		return ret;
	return store_audited(mc, r, old, "update", e);
}

/* One create or update, as a transaction of its own (see write_common). */
struct write {
	struct model_ctx mc;	/* the write's: its db is the connection it runs on */
	const struct entity_desc *ed;
	int64_t id, rev;
	const char *secret;
	struct record r, old;
	struct model_error *e;
	int answer;		/* read the stored record back into `stored` */
	int in_scope;		/* it is still in the caller's scope */
	struct record stored;
};

static int write_txn(struct db *db, void *arg)
{
	struct write *w = arg;
	const struct model_ctx *mc = &w->mc;
	struct model_error *e = w->e;
	int ret;

	w->mc.db = db;
	if (db_begin(db, &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	if (w->id) {
		ret = load_scoped(mc, w->ed, w->id, &w->old, e);
		if (ret)
			goto rollback;
		if (w->rev >= 0 && w->rev != w->old.rev) {
			ret = model_fail(e, MODEL_ECONFLICT, "rev", "记录已被他人修改（版本 %" PRId64
					 "，当前 %" PRId64 "），请刷新后重试", w->rev, w->old.rev);
			goto rollback;
		}
		ret = entity_update_record(mc, &w->r, &w->old, e);
		if (ret)
			goto rollback;
	} else {
		ret = create_record(mc, &w->r, w->secret, e);
		if (ret)
			goto rollback;
	}
	if (w->answer) {
		/* the answer, read where its pages are at hand; not found: it left the scope */
		struct model_error none;

		model_error_init(&none);
		w->in_scope = load_scoped(mc, w->ed, w->r.id, &w->stored, &none) == 0;
		if (!w->in_scope && none.code != MODEL_ENOTFOUND) {
			ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
			model_error_release(&none);
			goto rollback;
		}
		model_error_release(&none);
	}
	if (db_commit(db, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto rollback;
	}
	return 0;
rollback:
	db_rollback(db);
	return ret;
}

/*
 * A create (id 0) or update: the JSON is read before, and the answer made
 * after, on the caller's thread; the transaction, which also reads the
 * stored record back for the answer, runs on the writer connection (in the
 * server, a job of its group commit, answered once durable).
 */
static int write_common(const struct model_ctx *rmc, const struct entity_desc *ed, int64_t id,
			json_t *in, const char *secret, json_t **out, struct model_error *e)
{
	struct write w = { .mc = *rmc, .ed = ed, .id = id, .rev = -1, .secret = secret, .e = e,
			   .answer = out != NULL };
	int ret;

	w.mc.writes = NULL; /* the transaction runs on the writer already */
	record_init(&w.r, ed);
	record_init(&w.old, NULL);
	record_init(&w.stored, NULL);
	if (!entity_can_write(ed, rmc->actor)) {
		ret = model_fail(e, MODEL_EFORBIDDEN, NULL, "无权修改%s", ed->label);
		goto out;
	}
	ret = record_from_json(&w.r, in, !id, id ? &w.rev : NULL, e);
	if (ret)
		goto out;
	/* an update names the version it was made from: no silent overwrite */
	if (id && w.rev < 0) {
		ret = model_fail(e, MODEL_EPRECOND, "rev",
				 "缺少 rev：修改记录须带上读取时的版本号 rev，以免覆盖他人的修改");
		goto out;
	}
	if (rmc->writes) {
		struct group_job job = { .work = write_txn, .arg = &w };

		if (group_commit_run(rmc->writes, &job, &e->msg)) {
			ret = model_fail(e, MODEL_EDB, NULL, "保存失败，请重试");
			goto out;
		}
		ret = job.rc;
	} else {
		ret = write_txn(rmc->db, &w);
	}
	if (ret || !out)
		goto out;
	if (w.in_scope)
		*out = record_json(&w.stored, rmc->keys);
	else /* written, but it left the caller's scope (e.g. moved away) */
		*out = json_pack("{sI}", "id", (json_int_t)w.r.id);
out:
	record_release(&w.r);
	record_release(&w.old);
	record_release(&w.stored);
	return ret;
}

int entity_create(const struct model_ctx *mc, const struct entity_desc *ed,
		  json_t *in, json_t **out, struct model_error *e)
{
	return write_common(mc, ed, 0, in, NULL, out, e);
}

int entity_create_secret(const struct model_ctx *mc, const struct entity_desc *ed,
			 json_t *in, const char *secret, json_t **out, struct model_error *e)
{
	return write_common(mc, ed, 0, in, secret, out, e);
}

int entity_update(const struct model_ctx *mc, const struct entity_desc *ed,
		  int64_t id, json_t *in, json_t **out, struct model_error *e)
{
	if (id <= 0)
		return model_fail(e, MODEL_ENOTFOUND, NULL, "%s不存在", ed->label);
	return write_common(mc, ed, id, in, NULL, out, e);
}

int entity_retire(const struct model_ctx *mc, const struct entity_desc *ed,
		  int64_t id, const char *month, json_t **out, struct model_error *e)
{
	struct record old, r;
	struct strbuf obj = STRBUF_INIT, action = STRBUF_INIT;
	char cur[8];
	int i, ret;

	record_init(&old, NULL);
	record_init(&r, NULL);
	if (!(ed->flags & ENT_RETIRE))
		return model_fail(e, MODEL_EBADREQ, NULL, "%s不能关闭", ed->label);
	if (!entity_can_write(ed, mc->actor))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权修改%s", ed->label);
	if (month && !month_valid(month))
		return model_fail(e, MODEL_EINVAL, "month", "月份格式应为 YYYY-MM");
	month_now(cur);
	if (!month)
		month = cur;
	if (db_begin(mc->db, &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	ret = load_scoped(mc, ed, id, &old, e);
	if (ret)
		goto rollback;
	if (!scope_check_write(mc->db, mc->actor, &old)) {
		ret = model_fail(e, MODEL_EFORBIDDEN, NULL, "该记录不在您的管辖范围内");
		goto rollback;
	}
	record_copy(&r, &old);
	i = entity_field_index(ed, ed->retire_field);
	if (ed->fields[i].type == FT_MONTH) {
		if (ed->month_from && strcmp(month, record_get(&old, ed->month_from)) < 0) {
			ret = model_fail(e, MODEL_EINVAL, "month", "退出月份早于纳入月份");
			goto rollback;
		}
		record_set(&r, i, month);
	} else {
		record_set(&r, i, "0");
	}
	ret = entity_guard(mc, &r, &old, e);
	if (ret)
		goto rollback;
	ret = entity_store(mc, &r, &old, "retire", month, e);
	if (ret)
		goto rollback;
	record_object_name(&r, &obj);
	strbuf_addf(&action, "%s.retire", ed->name);
	if (audit_append(mc->db, mc->actor, action.buf, obj.buf, "ok", month, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "审计写入失败");
		goto rollback;
	}
	if (db_commit(mc->db, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto rollback;
	}
	if (out)
		*out = record_json(&r, mc->keys);
	goto out;
rollback:
	db_rollback(mc->db);
out:
	record_release(&old);
	record_release(&r);
	strbuf_release(&obj);
	strbuf_release(&action);
	return ret;
}
