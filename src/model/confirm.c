/*
 * confirm.c: the monthly confirmation of the subjects' list (一月一动态):
 * the units that confirm (the district's supervising departments and
 * townships), the counts of each from the subjects' history (confirm.h
 * says how), the confirmations themselves (list_confirmations) and the
 * subjects behind each count.
 */
#include "model/confirm.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/date.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "db/sqlp.h"
#include "model/audit.h"
#include "model/entities.h"
#include "model/entity.h"

enum { C_SUBJECTS, C_ADDED, C_CHANGED, C_CLOSED, C__COUNT };
static const char *const count_keys[C__COUNT] = { "subjects", "added", "changed", "closed" };

#define KIND_DEPT "department"
#define KIND_TOWNSHIP "township"

struct unit {
	const char *kind;	/* KIND_DEPT or KIND_TOWNSHIP */
	char *code, *name;
	int64_t n[C__COUNT];	/* counted now */
	int confirmed;
	char *by;
	int64_t at;
	int64_t at_n[C__COUNT];	/* counted when confirmed */
};

struct units {
	struct unit *v;
	size_t n, alloc;
};

static void units_release(struct units *u)
{
	size_t i;

	for (i = 0; i < u->n; i++) {
		free(u->v[i].code);
		free(u->v[i].name);
		free(u->v[i].by);
	}
	free(u->v);
	memset(u, 0, sizeof(*u));
}

static struct unit *units_add(struct units *u, const char *kind, const char *code,
			      const char *name)
{
	struct unit *x;

	if (u->n == u->alloc) {
		u->alloc = u->alloc ? 2 * u->alloc : 16;
		u->v = xrealloc(u->v, u->alloc * sizeof(*u->v));
	}
	x = &u->v[u->n++];
	memset(x, 0, sizeof(*x));
	x->kind = kind;
	x->code = xstrdup(code);
	x->name = xstrdup(name);
	return x;
}

static struct unit *units_find(struct units *u, const char *kind, const char *code)
{
	size_t i;

	for (i = 0; code && i < u->n; i++)
		if (!strcmp(u->v[i].kind, kind) && !strcmp(u->v[i].code, code))
			return &u->v[i];
	return NULL;
}

static int db_fail(struct model_error *e)
{
	log_error("list confirmation: %s", e->msg.len ? e->msg.buf : "database error");
	return model_fail(e, MODEL_EDB, NULL, "数据库错误");
}

/* Run `sql` with `p`; call `row` for each row (a nonzero return stops). */
static int query_rows(struct db *db, const char *sql, const struct sqlp *p,
		      int (*row)(void *ctx, struct db_stmt *st), void *ctx, struct model_error *e)
{
	struct db_stmt *st = NULL;
	int rc;

	if (db_prepare(db, sql, &st, &e->msg))
		return db_fail(e);
	sqlp_bind(p, st, 1);
	while ((rc = db_step(st, &e->msg)) == DB_ROW)
		if ((rc = row(ctx, st)))
			break;
	db_finalize(st);
	return rc < 0 ? db_fail(e) : 0;
}

/* Run one statement with `p`: 0, DB_ECONSTRAINT, or another negative code. */
static int exec_rc(struct db *db, const char *sql, const struct sqlp *p, struct strbuf *err)
{
	struct db_stmt *st = NULL;
	int rc;

	if (db_prepare(db, sql, &st, err))
		return -1;
	sqlp_bind(p, st, 1);
	rc = db_step(st, err);
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* ---- the units that confirm ---- */

struct add_ctx {
	struct units *u;
	const char *kind;
};

static int add_row(void *ctx, struct db_stmt *st)
{
	struct add_ctx *c = ctx;

	units_add(c->u, c->kind, db_column_text(st, 0), db_column_text(st, 1));
	return 0;
}

/*
 * The units of `district` that confirm: its supervising departments, then
 * its townships, each by code; only `kind`/`code` when given.
 */
static int load_units(struct db *db, const char *district, const char *kind, const char *code,
		      struct units *u, struct model_error *e)
{
	struct sqlp p = SQLP_INIT;
	struct strbuf sql = STRBUF_INIT;
	struct add_ctx c = { u, KIND_DEPT };
	int ret = 0;

	if (!kind || !strcmp(kind, KIND_DEPT)) {
		strbuf_addstr(&sql, "SELECT code, name FROM departments WHERE district = ? AND active = 1 "
			      "AND '|' || roles || '|' LIKE '%|supervisor|%'");
		sqlp_text(&p, district);
		if (code) {
			strbuf_addstr(&sql, " AND code = ?");
			sqlp_text(&p, code);
		}
		strbuf_addstr(&sql, " ORDER BY code");
		ret = query_rows(db, sql.buf, &p, add_row, &c, e);
		sqlp_release(&p);
		strbuf_reset(&sql);
	}
	if (!ret && (!kind || !strcmp(kind, KIND_TOWNSHIP))) {
		c.kind = KIND_TOWNSHIP;
		strbuf_addstr(&sql, "SELECT code, name FROM regions WHERE district = ? AND active = 1 "
			      "AND level = 'township'");
		sqlp_text(&p, district);
		if (code) {
			strbuf_addstr(&sql, " AND code = ?");
			sqlp_text(&p, code);
		}
		strbuf_addstr(&sql, " ORDER BY code");
		ret = query_rows(db, sql.buf, &p, add_row, &c, e);
		sqlp_release(&p);
	}
	strbuf_release(&sql);
	return ret;
}

/*
 * The actor's own unit (loaded into `u`): 1 when it has one, 0 when its
 * role confirms nothing or its department is no supervising one, negative
 * on a database error.
 */
static int own_unit(struct db *db, const struct actor *a, struct units *u, struct model_error *e)
{
	int ret;

	if (!a->district)
		return 0;
	if (a->role == ROLE_SUPERVISOR && a->dept)
		ret = load_units(db, a->district, KIND_DEPT, a->dept, u, e);
	else if (a->role == ROLE_TOWNSHIP && a->township)
		ret = load_units(db, a->district, KIND_TOWNSHIP, a->township, u, e);
	else
		return 0;
	return ret ? ret : u->n > 0;
}

static int check_month(const char *month, struct model_error *e)
{
	if (!month || !month_valid(month))
		return model_fail(e, MODEL_EINVAL, "month", "month：月份格式应为 YYYY-MM");
	if (month_is_future(month))
		return model_fail(e, MODEL_EINVAL, "month", "%s 尚未到来，不能确认或统计", month);
	return 0;
}

/* ---- the counts, from the subjects' history ---- */

enum { F_LISTED = 1, F_ADDED = 2, F_CHANGED = 4, F_CLOSED = 8 };

/*
 * Which counts of month `m` a subject's version as of `m` falls in (see
 * confirm.h): `from`, `to` its active_from and active_to ("" for none),
 * `edits` the "update" versions written in `m`.
 */
static int classify(const char *m, const char *from, const char *to, int64_t edits)
{
	int f = 0, during = strcmp(from, m) <= 0 && (!*to || strcmp(to, m) >= 0);

	if (!during)
		return 0;
	if (!*to || strcmp(to, m) > 0)
		f |= F_LISTED;
	if (!strcmp(from, m))
		f |= F_ADDED;
	if (!strcmp(to, m))
		f |= F_CLOSED;
	if (!(f & (F_ADDED | F_CLOSED)) && edits > 0)
		f |= F_CHANGED;
	return f;
}

/*
 * Every subject of `district` on the list during `m`, as it stood at the
 * end of `m`, limited to those of one unit when `u` is given.  Columns:
 * code, name, township, supervisor, active_from, active_to, edits in m.
 */
static void scan_sql(const char *district, const char *m, const struct unit *u,
		     struct strbuf *sql, struct sqlp *p)
{
	const struct entity_desc *ed = &subject_desc;
	size_t i;

	/* the edits of m: "update" versions that differ from the version before them
	 * (a PATCH or an import row that changes nothing writes a version too) */
	strbuf_addstr(sql,
		"SELECT t.code, t.name, t.township, t.supervisor, t.active_from, t.active_to, "
		"(SELECT COUNT(*) FROM subjects_history x JOIN subjects_history y "
		"ON y.id = x.id AND y.rev = x.rev - 1 WHERE x.id = t.id AND x.month = ? "
		"AND x.action = 'update' AND (");
	for (i = 0; i < ed->nfields; i++) {
		const char *k = ed->fields[i].key, *suffix = "";
		if (ed->fields[i].flags & FF_PERSONAL)
			suffix = "_idx"; /* the keyed hash: the ciphertext differs each time */
		strbuf_addf(sql, "%sx.\"%s%s\" IS DISTINCT FROM y.\"%s%s\"", i ? " OR " : "",
			    k, suffix, k, suffix);
	}
	strbuf_addstr(sql, ")) "
		"FROM subjects_history t WHERE t.district = ? AND t.active_from <= ? "
		"AND (t.active_to IS NULL OR t.active_to >= ?) "
		"AND t.rev = (SELECT MAX(h.rev) FROM subjects_history h WHERE h.id = t.id AND h.month <= ?)");
	sqlp_text(p, m);
	sqlp_text(p, district);
	sqlp_text(p, m);
	sqlp_text(p, m);
	sqlp_text(p, m);
	if (u) {
		strbuf_addf(sql, " AND t.%s = ?", !strcmp(u->kind, KIND_DEPT) ? "supervisor" : "township");
		sqlp_text(p, u->code);
	}
	strbuf_addstr(sql, " ORDER BY t.code");
}

struct count_ctx {
	struct units *u;
	const char *m;
};

static void bump(struct unit *x, int f)
{
	if (!x)
		return;
	x->n[C_SUBJECTS] += (f & F_LISTED) != 0;
	x->n[C_ADDED] += (f & F_ADDED) != 0;
	x->n[C_CHANGED] += (f & F_CHANGED) != 0;
	x->n[C_CLOSED] += (f & F_CLOSED) != 0;
}

static int count_row(void *ctx, struct db_stmt *st)
{
	struct count_ctx *c = ctx;
	int f = classify(c->m, db_column_text(st, 4), db_column_text(st, 5),
			 db_column_int64(st, 6));

	bump(units_find(c->u, KIND_TOWNSHIP, db_column_text(st, 2)), f);
	bump(units_find(c->u, KIND_DEPT, db_column_text(st, 3)), f);
	return 0;
}

/* Count month `m` for every unit of `u` (one unit: only its subjects are read). */
static int count_units(struct db *db, const char *district, const char *m, struct units *u,
		       struct model_error *e)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct count_ctx c = { u, m };
	int ret;

	scan_sql(district, m, u->n == 1 ? &u->v[0] : NULL, &sql, &p);
	ret = query_rows(db, sql.buf, &p, count_row, &c, e);
	strbuf_release(&sql);
	sqlp_release(&p);
	return ret;
}

/* ---- the confirmations ---- */

static int confirmed_row(void *ctx, struct db_stmt *st)
{
	struct unit *x = units_find(ctx, db_column_text(st, 0), db_column_text(st, 1));
	int k;

	if (!x)
		return 0; /* a unit since retired */
	x->confirmed = 1;
	x->by = xstrdup(db_column_text(st, 2));
	x->at = db_column_int64(st, 3);
	for (k = 0; k < C__COUNT; k++)
		x->at_n[k] = db_column_int64(st, 4 + k);
	return 0;
}

static int load_confirmed(struct db *db, const char *district, const char *m, struct units *u,
			  struct model_error *e)
{
	struct sqlp p = SQLP_INIT;
	int ret;

	sqlp_text(&p, district);
	sqlp_text(&p, m);
	ret = query_rows(db, "SELECT unit_kind, unit, confirmed_by, confirmed_at, subjects, added, "
			 "changed, closed FROM list_confirmations WHERE district = ? AND month = ?",
			 &p, confirmed_row, u, e);
	sqlp_release(&p);
	return ret;
}

static json_t *unit_json(const struct unit *x)
{
	json_t *o = json_object(), *at = json_null();
	char iso[TIME_ISO_BUFSZ];
	int k;

	json_object_set_new(o, "unit_kind", json_string(x->kind));
	json_object_set_new(o, "unit", json_string(x->code));
	json_object_set_new(o, "unit_name", json_string(x->name));
	json_object_set_new(o, "confirmed", json_boolean(x->confirmed));
	json_object_set_new(o, "confirmed_by", x->confirmed ? json_string(x->by) : json_null());
	if (x->confirmed)
		time_iso_utc(x->at, iso);
	json_object_set_new(o, "confirmed_at", x->confirmed ? json_string(iso) : json_null());
	for (k = 0; k < C__COUNT; k++)
		json_object_set_new(o, count_keys[k], json_integer(x->n[k]));
	if (x->confirmed) {
		json_decref(at);
		at = json_object();
		for (k = 0; k < C__COUNT; k++)
			json_object_set_new(at, count_keys[k], json_integer(x->at_n[k]));
	}
	json_object_set_new(o, "at_confirmation", at);
	return o;
}

/* The units the actor sees (all of the district for the office), counted. */
static int seen_units(struct db *db, const struct actor *a, const char *m, struct units *u,
		      struct model_error *e)
{
	int ret;

	if (a->role == ROLE_OFFICE || (a->role == ROLE_SYSTEM && a->district)) {
		if (!a->district)
			return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权查看主体清单确认情况");
		ret = load_units(db, a->district, NULL, NULL, u, e);
	} else if (a->role == ROLE_SUPERVISOR || a->role == ROLE_TOWNSHIP) {
		ret = own_unit(db, a, u, e);
		if (ret == 0)
			return model_fail(e, MODEL_EFORBIDDEN, NULL,
					  "您的单位不是行业主管单位或乡镇（街道），无需确认主体清单");
		ret = ret < 0 ? ret : 0;
	} else {
		return model_fail(e, MODEL_EFORBIDDEN, NULL,
				  "只有创建办、行业主管部门和乡镇（街道）可以查看主体清单确认情况");
	}
	if (!ret && u->n)
		ret = count_units(db, a->district, m, u, e);
	if (!ret)
		ret = load_confirmed(db, a->district, m, u, e);
	return ret;
}

int confirm_list(struct db *db, const struct actor *a, const char *month, json_t **out,
		 struct model_error *e)
{
	struct units u = { 0 };
	char now[MONTH_BUFSZ];
	json_t *items;
	size_t i, open = 0;
	int ret;

	if (!month) {
		month_now(now);
		month = now;
	}
	if ((ret = check_month(month, e)))
		return ret;
	if ((ret = seen_units(db, a, month, &u, e)))
		goto cleanup;
	items = json_array();
	for (i = 0; i < u.n; i++) {
		json_array_append_new(items, unit_json(&u.v[i]));
		open += !u.v[i].confirmed;
	}
	*out = json_pack("{s:s, s:o, s:I, s:I}", "month", month, "items", items,
			 "total", (json_int_t)u.n, "unconfirmed", (json_int_t)open);
cleanup:
	units_release(&u);
	return ret;
}

int confirm_unit(struct db *db, const struct actor *a, const char *month, json_t **out,
		 struct model_error *e)
{
	struct units u = { 0 };
	struct strbuf obj = STRBUF_INIT, detail = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct unit *x;
	int ret, rc, k;

	if (a->role != ROLE_SUPERVISOR && a->role != ROLE_TOWNSHIP)
		return model_fail(e, MODEL_EFORBIDDEN, NULL,
				  "主体清单由各行业主管部门和乡镇（街道）确认本单位的，%s不能代为确认",
				  a->role == ROLE_OFFICE ? "创建办" : "您的角色");
	if ((ret = check_month(month, e)))
		return ret;
	if (db_begin(db, &e->msg))
		return db_fail(e);
	ret = own_unit(db, a, &u, e);
	if (ret == 0)
		ret = model_fail(e, MODEL_EFORBIDDEN, NULL,
				 "您的单位不是行业主管单位或乡镇（街道），无需确认主体清单");
	if (ret < 0)
		goto rollback;
	x = &u.v[0];
	if ((ret = count_units(db, a->district, month, &u, e)) ||
	    (ret = load_confirmed(db, a->district, month, &u, e)))
		goto rollback;
	if (x->confirmed) {
		char iso[TIME_ISO_BUFSZ];
		time_iso_utc(x->at, iso);
		ret = model_fail(e, MODEL_ECONFLICT, "month",
				 "%s 已于 %s 由 %s 确认过 %s 的主体清单，不能重复确认",
				 x->name, iso, x->by, month);
		goto rollback;
	}
	x->confirmed = 1;
	x->by = xstrdup(a->username ? a->username : "-");
	x->at = time_now();
	memcpy(x->at_n, x->n, sizeof(x->n));
	sqlp_text(&p, a->district);
	sqlp_text(&p, month);
	sqlp_text(&p, x->kind);
	sqlp_text(&p, x->code);
	sqlp_int(&p, a->user_id);
	sqlp_text(&p, x->by);
	sqlp_int(&p, x->at);
	for (k = 0; k < C__COUNT; k++)
		sqlp_int(&p, x->n[k]);
	rc = exec_rc(db, "INSERT INTO list_confirmations (district, month, unit_kind, unit, "
		      "confirmed_by_id, confirmed_by, confirmed_at, subjects, added, changed, closed) "
		      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &p, &e->msg);
	if (rc == DB_ECONSTRAINT) {
		ret = model_fail(e, MODEL_ECONFLICT, "month", "%s 已确认过 %s 的主体清单，不能重复确认",
				 x->name, month);
		goto rollback;
	}
	if (rc) {
		ret = db_fail(e);
		goto rollback;
	}
	strbuf_addf(&obj, "confirmations/%s/%s/%s", month, x->kind, x->code);
	strbuf_addf(&detail, "subjects=%" PRId64 ",added=%" PRId64 ",changed=%" PRId64
		    ",closed=%" PRId64, x->n[C_SUBJECTS], x->n[C_ADDED], x->n[C_CHANGED],
		    x->n[C_CLOSED]);
	if (audit_append(db, a, "confirmations.confirm", obj.buf, "ok", detail.buf, &e->msg) ||
	    db_commit(db, &e->msg)) {
		ret = db_fail(e);
		goto rollback;
	}
	*out = unit_json(x);
	goto cleanup;
rollback:
	db_rollback(db);
cleanup:
	units_release(&u);
	sqlp_release(&p);
	strbuf_release(&obj);
	strbuf_release(&detail);
	return ret;
}

/* ---- the subjects behind a count ---- */

struct list_ctx {
	const char *m;
	int want;
	json_t *items;
};

static int list_row(void *ctx, struct db_stmt *st)
{
	struct list_ctx *c = ctx;
	int f = classify(c->m, db_column_text(st, 4), db_column_text(st, 5),
			 db_column_int64(st, 6));
	json_t *o;
	int k;

	if (!(f & c->want))
		return 0;
	o = json_object();
	for (k = 0; k < 6; k++) {
		static const char *const keys[] = { "code", "name", "township", "supervisor",
						    "active_from", "active_to" };
		json_object_set_new(o, keys[k], db_column_is_null(st, k) ? json_null() :
				    json_string(db_column_text(st, k)));
	}
	json_array_append_new(c->items, o);
	return 0;
}

int confirm_subjects(struct db *db, const struct actor *a, const char *month,
		     const char *unit, const char *unit_kind, const char *change,
		     json_t **out, struct model_error *e)
{
	static const struct { const char *name; int flag; } changes[] = {
		{ "subjects", F_LISTED }, { "added", F_ADDED }, { "changed", F_CHANGED },
		{ "closed", F_CLOSED },
	};
	struct units u = { 0 };
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct list_ctx c = { month, 0, NULL };
	size_t i;
	int ret;

	if (a->role != ROLE_OFFICE && a->role != ROLE_SUPERVISOR && a->role != ROLE_TOWNSHIP &&
	    !(a->role == ROLE_SYSTEM && a->district))
		return model_fail(e, MODEL_EFORBIDDEN, NULL,
				  "只有创建办、行业主管部门和乡镇（街道）可以查看主体清单确认情况");
	if ((ret = check_month(month, e)))
		return ret;
	for (i = 0; change && i < sizeof(changes) / sizeof(changes[0]); i++)
		if (!strcmp(change, changes[i].name))
			c.want = changes[i].flag;
	if (!c.want)
		return model_fail(e, MODEL_EINVAL, "change",
				  "change 应为 added（新增）、changed（变更）、closed（退出）或 subjects（月末在册）");
	if (unit_kind && strcmp(unit_kind, KIND_DEPT) && strcmp(unit_kind, KIND_TOWNSHIP))
		return model_fail(e, MODEL_EINVAL, "unit_kind", "unit_kind 应为 department 或 township");
	if (a->role == ROLE_SUPERVISOR || a->role == ROLE_TOWNSHIP) {
		ret = own_unit(db, a, &u, e);
		if (ret == 0)
			ret = model_fail(e, MODEL_EFORBIDDEN, NULL,
					 "您的单位不是行业主管单位或乡镇（街道），无需确认主体清单");
		if (ret < 0)
			goto cleanup;
		if ((unit && strcmp(unit, u.v[0].code)) || (unit_kind && strcmp(unit_kind, u.v[0].kind))) {
			ret = model_fail(e, MODEL_EFORBIDDEN, "unit", "只能查看本单位的主体清单");
			goto cleanup;
		}
	} else {
		if (!unit) {
			ret = model_fail(e, MODEL_EINVAL, "unit", "缺少 unit（单位代码或乡镇区划代码）");
			goto cleanup;
		}
		if ((ret = load_units(db, a->district, unit_kind, unit, &u, e)))
			goto cleanup;
		if (u.n == 0) {
			ret = model_fail(e, MODEL_EINVAL, "unit",
					 "“%s”不是本区县的行业主管单位或乡镇（街道）", unit);
			goto cleanup;
		}
	}
	scan_sql(a->district, month, &u.v[0], &sql, &p);
	c.items = json_array();
	ret = query_rows(db, sql.buf, &p, list_row, &c, e);
	if (ret) {
		json_decref(c.items);
		goto cleanup;
	}
	*out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:I}", "month", month,
			 "unit_kind", u.v[0].kind, "unit", u.v[0].code, "unit_name", u.v[0].name,
			 "change", change, "items", c.items,
			 "total", (json_int_t)json_array_size(c.items));
cleanup:
	units_release(&u);
	strbuf_release(&sql);
	sqlp_release(&p);
	return ret;
}

int confirm_pending(struct db *db, const struct actor *a, const char *month,
		    struct model_error *e)
{
	struct model_error local;
	struct model_error *err = e ? e : &local;
	struct units u = { 0 };
	char now[MONTH_BUFSZ];
	int ret;

	if (!e)
		model_error_init(&local);
	if (!month) {
		month_now(now);
		month = now;
	}
	ret = own_unit(db, a, &u, err);
	if (ret > 0) {
		ret = load_confirmed(db, a->district, month, &u, err);
		if (!ret)
			ret = !u.v[0].confirmed;
	}
	units_release(&u);
	if (!e)
		model_error_release(&local);
	return ret;
}
