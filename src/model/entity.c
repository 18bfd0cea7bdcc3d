/*
 * entity.c: reading records of every entity: by key without scope (for the
 * hooks' reference checks, through a bulk operation's cache), by id within
 * the caller's scope (get, history, audit trail), and revealing one personal
 * field with a reason.  The machinery's other parts: record.c (records and
 * rows), field.c (values), scope.c, personal.c, record_json.c,
 * entity_write.c (the write path), entity_list.c, entity_io.c (import and
 * export), entity_meta.c (descriptions for the browser).
 *
 * SQL here is assembled from descriptor names only (static strings compiled
 * into the program), never from input; every value is a bound parameter.
 */
#include "model/entity.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/alloc.h"
#include "base/crypto.h"
#include "base/date.h"
#include "base/validate.h"
#include "db/db.h"
#include "db/sqlp.h"
#include "model/audit.h"
#include "model/entity_int.h"
#include "model/lookup_cache.h"
#include "model/scope.h"

/* ---- loading ---- */

struct db *model_audit_db(const struct model_ctx *mc)
{
	return mc->primary ? mc->primary : mc->db;
}

/*
 * A lookup by key alone names no district; in a table partitioned by
 * district it would probe every partition.  The district comes from the
 * number's row in <table>_keys instead, so that only its partition is read
 * (pruned when the statement runs).
 */
int entity_lookup_key2(struct db *db, const struct entity_desc *ed, const char *key,
		      const char *key2, struct record *out, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct db_stmt *st = NULL;
	int ret = MODEL_EDB, rc;

	if (!out->ed)
		record_init(out, ed);
	strbuf_addstr(&sql, "SELECT ");
	entity_columns(ed, NULL, &sql);
	strbuf_addstr(&sql, " FROM ");
	strbuf_addstr(&sql, ed->table);
	strbuf_addstr(&sql, " WHERE ");
	strbuf_addstr(&sql, ed->key);
	strbuf_addstr(&sql, " = ?");
	if (ed->key2) {
		strbuf_addstr(&sql, " AND ");
		strbuf_addstr(&sql, ed->key2);
		strbuf_addstr(&sql, " = ?");
	} else if (entity_partitioned(db, ed)) {
		strbuf_addf(&sql, " AND district = (SELECT k.district FROM %s_keys k WHERE k.no = ?)",
			    ed->table);
	}
	if (db_prepare(db, sql.buf, &st, err))
		goto cleanup;
	db_bind_text(st, 1, key);
	if (ed->key2) {
		if (key2)
			db_bind_text(st, 2, key2);
		else
			db_bind_null(st, 2);
	} else if (entity_partitioned(db, ed)) {
		db_bind_text(st, 2, key);
	}
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		entity_row(st, out, 0);
		ret = 0;
	} else if (rc == DB_DONE) {
		ret = MODEL_ENOTFOUND;
	}
cleanup:
	if (st)
		db_finalize(st);
	strbuf_release(&sql);
	return ret;
}

int entity_lookup(struct db *db, const struct entity_desc *ed, const char *key,
		  struct record *out, struct strbuf *err)
{
	return entity_lookup_key2(db, ed, key, NULL, out, err);
}

int entity_lookup_cached(struct db *db, struct lookup_cache *cache,
			 const struct entity_desc *ed, const char *key, struct record *out,
			 struct strbuf *err)
{
	const struct record *hit;
	int ret;

	if (!cache)
		return entity_lookup(db, ed, key, out, err);
	if (lookup_cache_record(cache, ed, key, &hit)) {
		if (!hit)
			return MODEL_ENOTFOUND;
		/* a view: valid until the cache changes (the next store) */
		record_release(out);
		out->ed = ed;
		out->id = hit->id;
		out->rev = hit->rev;
		out->val = hit->val;
		out->given = NULL;
		out->overdue = -1;
		out->borrowed = 1;
		return 0;
	}
	ret = entity_lookup(db, ed, key, out, err);
	if (ret == 0)
		lookup_cache_put_record(cache, ed, key, out);
	else if (ret == MODEL_ENOTFOUND)
		lookup_cache_put_record(cache, ed, key, NULL);
	return ret;
}

int entity_op_query_value(struct entity_op *op, const char *sql, const char *const *params,
			  int nparams, char **out)
{
	struct strbuf key = STRBUF_INIT;
	const char *v;
	int i, ret;

	*out = NULL;
	if (op->cache) {
		strbuf_addstr(&key, sql);
		for (i = 0; i < nparams; i++) {
			strbuf_addch(&key, '\x1f');
			strbuf_addstr(&key, params[i] ? params[i] : "\x1e");
		}
		if (lookup_cache_value(op->cache, key.buf, &v)) {
			strbuf_release(&key);
			if (v)
				*out = xstrdup(v);
			return 0;
		}
	}
	ret = db_query_value(op->db, sql, params, nparams, out, &op->error.msg);
	if (!ret && op->cache)
		lookup_cache_put_value(op->cache, key.buf, *out);
	strbuf_release(&key);
	return ret;
}

/* Load record `id` of `ed` if the actor's scope reaches it. */
int load_scoped(const struct model_ctx *mc, const struct entity_desc *ed, int64_t id,
		       struct record *out, struct model_error *e)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct db_stmt *st = NULL;
	int ret, rc;

	record_init(out, ed);
	strbuf_addstr(&sql, "SELECT ");
	entity_columns(ed, "t", &sql);
	entity_overdue_column(ed, &sql, &p);
	strbuf_addf(&sql, " FROM %s t WHERE t.id = ?", ed->table);
	sqlp_int(&p, id);
	scope_where_db(mc->db, ed, mc->actor, "t", &sql, &p);
	if (db_prepare(mc->db, sql.buf, &st, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto cleanup;
	}
	sqlp_bind(&p, st, 1);
	rc = db_step(st, &e->msg);
	if (rc == DB_ROW) {
		entity_row(st, out, 0);
		ret = 0;
	} else if (rc == DB_DONE) {
		ret = model_fail(e, MODEL_ENOTFOUND, NULL, "%s不存在", ed->label);
	} else {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
cleanup:
	if (st)
		db_finalize(st);
	sqlp_release(&p);
	strbuf_release(&sql);
	return ret;
}

/* Record `id` of `ed` within the actor's scope, if the actor may read `ed`. */
static int load_readable(const struct model_ctx *mc, const struct entity_desc *ed, int64_t id,
			 struct record *r, struct model_error *e)
{
	if (!entity_can_read(ed, mc->actor)) {
		record_init(r, ed);
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权查看%s", ed->label);
	}
	return load_scoped(mc, ed, id, r, e);
}

int entity_get(const struct model_ctx *mc, const struct entity_desc *ed,
	       int64_t id, json_t **out, struct model_error *e)
{
	struct record r;
	int ret = load_readable(mc, ed, id, &r, e);

	if (!ret)
		*out = record_json(&r, mc->keys);
	record_release(&r);
	return ret;
}

int entity_get_text(const struct model_ctx *mc, const struct entity_desc *ed, int64_t id,
		    struct strbuf *out, struct model_error *e)
{
	struct record r;
	int ret = load_readable(mc, ed, id, &r, e);

	if (!ret)
		record_json_write(&r, mc->keys, out);
	record_release(&r);
	return ret;
}

int entity_history(const struct model_ctx *mc, const struct entity_desc *ed,
		   int64_t id, json_t **out, struct model_error *e)
{
	struct record r, h;
	struct strbuf sql = STRBUF_INIT;
	struct db_stmt *st = NULL;
	json_t *arr = NULL;
	size_t i;
	int ret, rc;

	if (!entity_can_read(ed, mc->actor))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权查看%s", ed->label);
	ret = load_scoped(mc, ed, id, &r, e);
	record_release(&r);
	if (ret)
		return ret;
	if (!(ed->flags & ENT_HISTORY)) {
		/* entities without versions: their audit trail is their history */
		return entity_audit_trail(mc, ed, id, out, e);
	}
	strbuf_addstr(&sql, "SELECT id, rev, month, action, changed_at, changed_by");
	for (i = 0; i < ed->nfields; i++)
		strbuf_addf(&sql, ", \"%s%s\"", ed->fields[i].key,
			    (ed->fields[i].flags & FF_PERSONAL) ? "_enc" : "");
	strbuf_addf(&sql, " FROM %s_history WHERE id = ? ORDER BY rev", ed->table);
	if (db_prepare(mc->db, sql.buf, &st, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto cleanup;
	}
	db_bind_int64(st, 1, id);
	arr = json_array();
	record_init(&h, ed);
	while ((rc = db_step(st, &e->msg)) == DB_ROW) {
		json_t *o;
		char at[32];
		h.id = db_column_int64(st, 0);
		h.rev = db_column_int64(st, 1);
		for (i = 0; i < ed->nfields; i++)
			record_set(&h, (int)i, db_column_is_null(st, 6 + (int)i) ? NULL :
				   db_column_text(st, 6 + (int)i));
		o = record_json(&h, mc->keys);
		json_object_set_new(o, "month", json_string(db_column_text(st, 2)));
		json_object_set_new(o, "action", json_string(db_column_text(st, 3)));
		time_iso_utc(db_column_int64(st, 4), at);
		json_object_set_new(o, "changed_at", json_string(at));
		json_object_set_new(o, "changed_by", json_string(db_column_text(st, 5)));
		json_array_append_new(arr, o);
	}
	record_release(&h);
	if (rc < 0) {
		json_decref(arr);
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto cleanup;
	}
	*out = arr;
	ret = 0;
cleanup:
	if (st)
		db_finalize(st);
	strbuf_release(&sql);
	return ret;
}

int entity_audit_trail(const struct model_ctx *mc, const struct entity_desc *ed, int64_t id,
		       json_t **out, struct model_error *e)
{
	struct strbuf pat = STRBUF_INIT;
	struct db_stmt *st = NULL;
	json_t *arr;
	int rc, ret = 0;

	strbuf_addf(&pat, "%s/%" PRId64 " %%", ed->name, id);
	if (db_prepare(mc->db, "SELECT at, username, action, outcome, detail FROM audit "
		       "WHERE object LIKE ? ORDER BY seq", &st, &e->msg)) {
		strbuf_release(&pat);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	db_bind_text(st, 1, pat.buf);
	arr = json_array();
	while ((rc = db_step(st, &e->msg)) == DB_ROW)
		json_array_append_new(arr, json_pack("{ss ss ss ss ss}",
			"changed_at", db_column_text(st, 0), "changed_by", db_column_text(st, 1),
			"action", db_column_text(st, 2), "outcome", db_column_text(st, 3),
			"detail", db_column_text(st, 4)));
	if (rc < 0) {
		json_decref(arr);
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
	} else {
		*out = arr;
	}
	db_finalize(st);
	strbuf_release(&pat);
	return ret;
}

static void sodium_memzero_strbuf(struct strbuf *sb)
{
	if (sb->alloc)
		sodium_memzero(sb->buf, sb->alloc);
	strbuf_release(sb);
}

int entity_reveal(const struct model_ctx *mc, const struct entity_desc *ed,
		  int64_t id, const char *field, const char *reason,
		  json_t **out, struct model_error *e)
{
	const struct field_desc *fd = field ? entity_field(ed, field) : NULL;
	struct record r;
	struct strbuf plain = STRBUF_INIT, obj = STRBUF_INIT, detail = STRBUF_INIT;
	int i, ret;

	record_init(&r, NULL);
	if (!fd || !(fd->flags & FF_PERSONAL))
		return model_fail(e, MODEL_EINVAL, "field", "字段“%.*s”不是个人信息字段",
				  field ? utf8_prefix(field, 64) : 0, field ? field : "");
	if (model_reason_check(e, reason))
		return e->code;
	if (!entity_can_reveal(ed, mc->actor))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权查看个人信息");
	ret = load_scoped(mc, ed, id, &r, e);
	if (ret)
		goto cleanup;
	i = entity_field_index(ed, field);
	if (r.val[i] && pd_decrypt(mc->keys, r.val[i], &plain, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "解密失败");
		goto cleanup;
	}
	record_object_name(&r, &obj);
	strbuf_addf(&detail, "field=%s reason=%.*s", field, utf8_prefix(reason, 200), reason);
	if (audit_append(mc->db, mc->actor, "reveal", obj.buf, "ok", detail.buf, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "审计写入失败");
		goto cleanup;
	}
	*out = json_pack("{sIssss?}", "id", (json_int_t)id, "field", field,
			 "value", r.val[i] ? plain.buf : NULL);
cleanup:
	record_release(&r);
	sodium_memzero_strbuf(&plain);
	strbuf_release(&obj);
	strbuf_release(&detail);
	return ret;
}
