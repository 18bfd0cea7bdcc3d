/*
 * grants.c: the table of what districts grant the offices above them
 * (region_grants; see grants.h): listing, granting and revoking, each
 * change audited in its own transaction.  What a grant lets a region
 * account do is checked where every write is checked (scope.c).
 */
#include "model/grants.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "db/sqlp.h"
#include "model/audit.h"
#include "model/entity.h"
#include "model/scope.h"

/* A grant's columns, in the order grant_json() reads them. */
#define GRANT_SELECT "SELECT g.id, g.district, d.name, g.region, r.name, g.list, "	\
	"g.granted_by, g.granted_at, g.revoked_by, g.revoked_at FROM region_grants g "	\
	"JOIN regions d ON d.code = g.district JOIN regions r ON r.code = g.region"

static int db_fail(struct model_error *e)
{
	log_error("region grants: %s", e->msg.len ? e->msg.buf : "database error");
	return model_fail(e, MODEL_EDB, NULL, "数据库错误");
}

/* Column `col` of `st`, epoch seconds, as ISO 8601 UTC; null when NULL. */
static json_t *iso_or_null(struct db_stmt *st, int col)
{
	char iso[TIME_ISO_BUFSZ];

	if (db_column_is_null(st, col))
		return json_null();
	time_iso_utc(db_column_int64(st, col), iso);
	return json_string(iso);
}

/* A row of GRANT_SELECT as the API shows it: codes with their names. */
static json_t *grant_json(struct db_stmt *st)
{
	const char *list = db_column_text(st, 5);
	const struct entity_desc *ed = entity_find(list);

	return json_pack("{sI ss ss ss ss ss ss ss so ss? so sb}",
			 "id", (json_int_t)db_column_int64(st, 0),
			 "district", db_column_text(st, 1), "district_name", db_column_text(st, 2),
			 "region", db_column_text(st, 3), "region_name", db_column_text(st, 4),
			 "list", list, "list_label", ed ? ed->label : list,
			 "granted_by", db_column_text(st, 6), "granted_at", iso_or_null(st, 7),
			 "revoked_by", db_column_text(st, 8), "revoked_at", iso_or_null(st, 9),
			 "active", db_column_is_null(st, 9));
}

/* The rows `sql` selects with `p`, each made an object by `row`, as an array. */
static int json_rows(struct db *db, const char *sql, const struct sqlp *p,
		     json_t *(*row)(struct db_stmt *), json_t **out, struct model_error *e)
{
	struct db_stmt *st = NULL;
	json_t *items;
	int rc;

	if (db_prepare(db, sql, &st, &e->msg))
		return db_fail(e);
	items = json_array();
	sqlp_bind(p, st, 1);
	while ((rc = db_step(st, &e->msg)) == DB_ROW)
		json_array_append_new(items, row(st));
	db_finalize(st);
	if (rc < 0) {
		json_decref(items);
		return db_fail(e);
	}
	*out = items;
	return 0;
}

/* The grants `sql` (GRANT_SELECT and its conditions) selects with `p`, as an array. */
static int grant_rows(struct db *db, const char *sql, const struct sqlp *p, json_t **out,
		      struct model_error *e)
{
	return json_rows(db, sql, p, grant_json, out, e);
}

/* Grant `id` as the API shows it, into `*out` (NULL: none). */
static int grant_by_id(struct db *db, int64_t id, json_t **out, struct model_error *e)
{
	struct sqlp p = SQLP_INIT;
	json_t *items = NULL;
	int ret;

	sqlp_int(&p, id);
	ret = grant_rows(db, GRANT_SELECT " WHERE g.id = ?", &p, &items, e);
	sqlp_release(&p);
	*out = ret ? NULL : json_incref(json_array_get(items, 0));
	json_decref(items);
	return ret;
}

/* A row of offices_above()'s statement: {code, name, level}. */
static json_t *office_json(struct db_stmt *st)
{
	return json_pack("{ss ss ss}", "code", db_column_text(st, 1), "name", db_column_text(st, 2),
			 "level", db_column_text(st, 3));
}

/*
 * The offices a district may grant: its city and its province (the
 * district's parent, and the parent's parent), nearest first, as
 * [{code, name, level}].
 */
static int offices_above(struct db *db, const char *district, json_t **out, struct model_error *e)
{
	static const char sql[] =
		"SELECT 1 AS k, r.code, r.name, r.level FROM regions d JOIN regions r ON "
		"r.code = d.parent WHERE d.code = ? AND r.level IN ('city', 'province') "
		"UNION ALL SELECT 2 AS k, r.code, r.name, r.level FROM regions d JOIN regions c ON "
		"c.code = d.parent JOIN regions r ON r.code = c.parent WHERE d.code = ? AND "
		"r.level IN ('city', 'province') ORDER BY k";
	struct sqlp p = SQLP_INIT;
	int ret;

	sqlp_text(&p, district);
	sqlp_text(&p, district);
	ret = json_rows(db, sql, &p, office_json, out, e);
	sqlp_release(&p);
	return ret;
}

/* The lists a district may grant, [{name, label}]. */
static json_t *grantable_lists(void)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; entities[i]; i++)
		if (entities[i]->flags & ENT_GRANTABLE)
			json_array_append_new(arr, json_pack("{ss ss}", "name", entities[i]->name,
							     "label", entities[i]->label));
	return arr;
}

int grants_list(struct db *db, const struct actor *a, int active_only, json_t **out,
		struct model_error *e)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	json_t *items = NULL, *above = NULL;
	int office = a->role == ROLE_OFFICE && a->district;
	int ret;

	if (!office && !(a->role == ROLE_REGION && a->region))
		return model_fail(e, MODEL_EFORBIDDEN, NULL,
				  "向上级授权由区县创建办公室管理，市、省创建办查看本单位获得的授权");
	strbuf_addf(&sql, GRANT_SELECT " WHERE g.%s = ?", office ? "district" : "region");
	sqlp_text(&p, office ? a->district : a->region);
	if (active_only)
		strbuf_addstr(&sql, " AND g.revoked_at IS NULL");
	strbuf_addstr(&sql, " ORDER BY g.id DESC");
	ret = grant_rows(db, sql.buf, &p, &items, e);
	if (!ret && office)
		ret = offices_above(db, a->district, &above, e);
	if (!ret) {
		*out = json_pack("{so sI}", "items", items, "total",
				 (json_int_t)json_array_size(items));
		if (office) {
			json_object_set_new(*out, "regions", above);
			json_object_set_new(*out, "lists", grantable_lists());
		}
	} else {
		json_decref(items);
	}
	strbuf_release(&sql);
	sqlp_release(&p);
	return ret;
}

json_t *grants_held(struct db *db, const struct actor *a)
{
	struct sqlp p = SQLP_INIT;
	struct model_error e;
	json_t *items = NULL;

	if (a->role != ROLE_REGION || !a->region)
		return json_array();
	model_error_init(&e);
	sqlp_text(&p, a->region);
	if (grant_rows(db, GRANT_SELECT " WHERE g.region = ? AND g.revoked_at IS NULL "
		       "ORDER BY g.district, g.list", &p, &items, &e))
		items = NULL;
	sqlp_release(&p);
	model_error_release(&e);
	return items;
}

/* Why list `ed` may not be granted, with the lists that may. */
static int not_grantable(const struct entity_desc *ed, struct model_error *e)
{
	struct strbuf lists = STRBUF_INIT;
	const char *why = "由区县自己管理";
	size_t i;
	int ret;

	if (ed->flags & (ENT_ASSESS | ENT_FIGURES))
		why = "计入区县的认定和统计";
	for (i = 0; i < ed->nfields; i++)
		if (ed->fields[i].flags & FF_PERSONAL)
			why = "含个人信息";
	scope_grantable_labels(&lists);
	ret = model_fail(e, MODEL_EINVAL, "list", "%s%s，不能授权上级修改（可以授权的有：%s）",
			 ed->label, why, lists.buf);
	strbuf_release(&lists);
	return ret;
}

/* Is `region` one of `above` (offices_above())? 422 naming them when not. */
static int region_above(const json_t *above, const char *region, struct model_error *e)
{
	struct strbuf names = STRBUF_INIT;
	size_t i;
	json_t *r;
	int ret;

	json_array_foreach(above, i, r) {
		if (!strcmp(json_string_value(json_object_get(r, "code")), region)) {
			strbuf_release(&names);
			return 0;
		}
		strbuf_addf(&names, "%s%s", i ? "、" : "",
			    json_string_value(json_object_get(r, "name")));
	}
	if (!names.len)
		ret = model_fail(e, MODEL_EINVAL, "region",
				 "本区县未登记所属的市或省，没有可以授权的上级单位");
	else
		ret = model_fail(e, MODEL_EINVAL, "region", "只能授权本区县所属的市或省：%s",
				 names.buf);
	strbuf_release(&names);
	return ret;
}

/* A live grant of `list` by `district` to `region`: 409 saying who made it; else 0. */
static int already_granted(struct db *db, const char *district, const char *region,
			   const struct entity_desc *ed, struct model_error *e)
{
	struct sqlp p = SQLP_INIT;
	json_t *items = NULL, *g;
	int ret;

	sqlp_text(&p, district);
	sqlp_text(&p, region);
	sqlp_text(&p, ed->name);
	ret = grant_rows(db, GRANT_SELECT " WHERE g.district = ? AND g.region = ? AND g.list = ? "
			 "AND g.revoked_at IS NULL", &p, &items, e);
	sqlp_release(&p);
	if (!ret && (g = json_array_get(items, 0)))
		ret = model_fail(e, MODEL_ECONFLICT, "list", "已授权%s修改%s（%s 于 %s 授权），不必重复",
				 json_string_value(json_object_get(g, "region_name")), ed->label,
				 json_string_value(json_object_get(g, "granted_by")),
				 json_string_value(json_object_get(g, "granted_at")));
	json_decref(items);
	return ret;
}

/* The audit row of a change of grant `g` (as grant_json() shows it). */
static int audit_grant(struct db *db, const struct actor *a, const char *action, const json_t *g,
		       struct model_error *e)
{
	struct strbuf obj = STRBUF_INIT, detail = STRBUF_INIT;
	int ret = 0;

	strbuf_addf(&obj, "region_grants/%" PRId64,
		    (int64_t)json_integer_value(json_object_get(g, "id")));
	strbuf_addf(&detail, "district=%s region=%s list=%s",
		    json_string_value(json_object_get(g, "district")),
		    json_string_value(json_object_get(g, "region")),
		    json_string_value(json_object_get(g, "list")));
	if (audit_append(db, a, action, obj.buf, "ok", detail.buf, &e->msg))
		ret = db_fail(e);
	strbuf_release(&obj);
	strbuf_release(&detail);
	return ret;
}

/* Store the grant (the transaction is the caller's); its id into `*id`. */
static int insert_grant(struct db *db, const struct actor *a, const char *region,
			const struct entity_desc *ed, int64_t *id, struct model_error *e)
{
	struct db_stmt *st = NULL;
	int rc;

	if (db_prepare(db, "INSERT INTO region_grants (district, region, list, granted_by_id, "
		       "granted_by, granted_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id", &st, &e->msg))
		return db_fail(e);
	db_bind_text(st, 1, a->district);
	db_bind_text(st, 2, region);
	db_bind_text(st, 3, ed->name);
	db_bind_int64(st, 4, a->user_id);
	db_bind_text(st, 5, a->username ? a->username : "-");
	db_bind_int64(st, 6, time_now());
	rc = db_step(st, &e->msg);
	if (rc == DB_ROW)
		*id = db_column_int64(st, 0);
	db_finalize(st);
	if (rc == DB_ECONSTRAINT) /* the same, granted at the same moment */
		return model_fail(e, MODEL_ECONFLICT, "list", "已授权修改%s，不必重复", ed->label);
	return rc == DB_ROW ? 0 : db_fail(e);
}

int grant_create(struct db *db, const struct actor *a, const char *region, const char *list,
		 json_t **out, struct model_error *e)
{
	const struct entity_desc *ed;
	json_t *above = NULL, *g = NULL;
	int64_t id = 0;
	int ret;

	if (a->role != ROLE_OFFICE || !a->district)
		return model_fail(e, MODEL_EFORBIDDEN, NULL,
				  "只有区县创建办公室可以授权上级单位修改本区县的清单");
	if (!region || !*region)
		return model_fail(e, MODEL_EINVAL, "region", "请选择授权给哪个市或省（region）");
	if (!list || !*list)
		return model_fail(e, MODEL_EINVAL, "list", "请选择授权修改的清单（list）");
	ed = entity_find(list);
	if (!ed)
		return model_fail(e, MODEL_EINVAL, "list", "没有“%.64s”这个清单", list);
	if (!(ed->flags & ENT_GRANTABLE))
		return not_grantable(ed, e);
	if (db_begin(db, &e->msg))
		return db_fail(e);
	if ((ret = offices_above(db, a->district, &above, e)) ||
	    (ret = region_above(above, region, e)) ||
	    (ret = already_granted(db, a->district, region, ed, e)) ||
	    (ret = insert_grant(db, a, region, ed, &id, e)) || (ret = grant_by_id(db, id, &g, e)))
		goto rollback;
	if ((ret = audit_grant(db, a, "grants.create", g, e)))
		goto rollback;
	if (db_commit(db, &e->msg)) {
		ret = db_fail(e);
		goto rollback;
	}
	*out = g;
	json_decref(above);
	return 0;
rollback:
	db_rollback(db);
	json_decref(above);
	json_decref(g);
	return ret;
}

int grant_revoke(struct db *db, const struct actor *a, int64_t id, json_t **out,
		 struct model_error *e)
{
	struct sqlp p = SQLP_INIT;
	json_t *g = NULL;
	int ret;

	if (a->role != ROLE_OFFICE || !a->district)
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "只有区县创建办公室可以撤销本区县的授权");
	if (db_begin(db, &e->msg))
		return db_fail(e);
	if ((ret = grant_by_id(db, id, &g, e)))
		goto rollback;
	if (!g || strcmp(json_string_value(json_object_get(g, "district")), a->district)) {
		ret = model_fail(e, MODEL_ENOTFOUND, NULL, "授权不存在");
		goto rollback;
	}
	if (!json_is_true(json_object_get(g, "active"))) {
		ret = model_fail(e, MODEL_ECONFLICT, NULL, "该授权已于 %s 由 %s 撤销",
				 json_string_value(json_object_get(g, "revoked_at")),
				 json_string_value(json_object_get(g, "revoked_by")));
		goto rollback;
	}
	sqlp_int(&p, a->user_id);
	sqlp_text(&p, a->username ? a->username : "-");
	sqlp_int(&p, time_now());
	sqlp_int(&p, id);
	if (sqlp_run(db, "UPDATE region_grants SET revoked_by_id = ?, revoked_by = ?, "
		     "revoked_at = ? WHERE id = ? AND revoked_at IS NULL", &p, &e->msg)) {
		ret = db_fail(e);
		goto rollback;
	}
	json_decref(g);
	if ((ret = grant_by_id(db, id, &g, e)) || (ret = audit_grant(db, a, "grants.revoke", g, e)))
		goto rollback;
	if (db_commit(db, &e->msg)) {
		ret = db_fail(e);
		goto rollback;
	}
	*out = g;
	sqlp_release(&p);
	return 0;
rollback:
	db_rollback(db);
	json_decref(g);
	sqlp_release(&p);
	return ret;
}
