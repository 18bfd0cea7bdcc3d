/*
 * api_admin.c: the endpoints of the three administrators (三员分立): the
 * system administrator resets passwords, the security administrator sets
 * the password policy and unlocks accounts, the audit administrator reads
 * and verifies the audit log.  None of them reaches business data (the
 * entity descriptors' read_roles see to that).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "base/date.h"
#include "db/db.h"
#include "model/audit.h"

static int is_role(struct call *c, unsigned roles)
{
	if (ROLE_BIT(c->mc.actor->role) & roles)
		return 1;
	reply_problem(c, 403, "无权执行此操作", NULL);
	return 0;
}

/*
 * The username of user `id_s`, or NULL (reply made).  An administrator's
 * account is managed on the server's command line only (三员分立): 403.
 */
static char *user_by_id(struct call *c, const char *id_s)
{
	const char *params[] = { id_s };
	char *name = NULL, *role = NULL;
	char *end;

	if (!*id_s || strtoll(id_s, &end, 10) <= 0 || *end) {
		reply_problem(c, 404, "用户不存在", NULL);
		return NULL;
	}
	if (db_query_value(c->db, "SELECT username FROM users WHERE id = ?", params, 1, &name, NULL) ||
	    db_query_value(c->db, "SELECT role FROM users WHERE id = ?", params, 1, &role, NULL)) {
		reply_problem(c, 500, "服务器内部错误", NULL);
		free(name);
		free(role);
		return NULL;
	}
	if (!name) {
		reply_problem(c, 404, "用户不存在", NULL);
	} else if (ROLE_BIT(role_parse(role)) & ROLES_ADMIN) {
		reply_problem(c, 403, "管理员账号只能在服务器命令行上管理（三员分立）", NULL);
		free(name);
		name = NULL;
	}
	free(role);
	return name;
}

static void user_action(struct call *c, const char *id_s, const char *what)
{
	struct strbuf err = STRBUF_INIT;
	json_t *in = NULL, *pw;
	char *name = NULL;
	int rc;

	if (!strcmp(what, "password")) {
		if (!is_role(c, ROLE_BIT(ROLE_SYSADMIN)))
			return;
		if (read_json_object(c, &in))
			return;
		pw = json_object_get(in, "password");
		if (json_object_size(in) != 1 || !json_is_string(pw)) {
			reply_problem(c, 400, "请求体应为 {\"password\": 字符串}", "password");
			goto cleanup;
		}
		if (!(name = user_by_id(c, id_s)))
			goto cleanup;
		rc = user_set_password(c->db, c->mc.actor, name, json_string_value(pw), &err);
	} else {
		if (!is_role(c, ROLE_BIT(ROLE_SECADMIN)))
			return;
		if (!(name = user_by_id(c, id_s)))
			goto cleanup;
		rc = user_unlock(c->db, c->mc.actor, name, &err);
	}
	if (rc == 0)
		reply_no_content(c);
	else if (rc > 0)
		reply_problem(c, 422, err.buf, "password");
	else
		reply_problem(c, 500, "服务器内部错误", NULL);
cleanup:
	free(name);
	json_decref(in);
	strbuf_release(&err);
}

static const struct {
	const char *key;
	int min, max, def;
} settings[] = {
	{ "password_min_length", 8, 64, 8 },
	{ "password_min_classes", 1, 4, 3 },
	{ "personal_lookups_per_minute", 1, 60, 6 },
};
#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

static void settings_get(struct call *c)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < NSETTINGS; i++) {
		const char *params[] = { settings[i].key };
		char *v = NULL;
		db_query_value(c->db, "SELECT value FROM settings WHERE key = ?", params, 1, &v, NULL);
		json_object_set_new(o, settings[i].key, json_integer(v ? atoi(v) : settings[i].def));
		free(v);
	}
	reply_json(c, 200, o);
}

static void settings_put(struct call *c)
{
	struct strbuf err = STRBUF_INIT, detail = STRBUF_INIT;
	json_t *in = NULL, *v;
	const char *key;
	size_t i;

	if (read_json_object(c, &in))
		return;
	json_object_foreach(in, key, v) {
		for (i = 0; i < NSETTINGS; i++)
			if (!strcmp(settings[i].key, key))
				break;
		if (i == NSETTINGS) {
			reply_problem(c, 400, "未知的设置项", key);
			goto cleanup;
		}
		if (!json_is_integer(v) || json_integer_value(v) < settings[i].min ||
		    json_integer_value(v) > settings[i].max) {
			strbuf_addf(&err, "%s：应为 %d 到 %d 之间的整数", key, settings[i].min,
				    settings[i].max);
			reply_problem(c, 422, err.buf, settings[i].key);
			goto cleanup;
		}
	}
	if (db_begin(c->db, &err))
		goto dberr;
	json_object_foreach(in, key, v) {
		struct db_stmt *st;
		char val[32];
		int rc;

		snprintf(val, sizeof(val), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		if (db_prepare(c->db, "DELETE FROM settings WHERE key = ?", &st, &err))
			goto dberr;
		db_bind_text(st, 1, key);
		rc = db_step(st, &err);
		db_finalize(st);
		if (rc < 0 || db_prepare(c->db, "INSERT INTO settings (key, value, updated_at) "
					 "VALUES (?, ?, ?)", &st, &err))
			goto dberr;
		db_bind_text(st, 1, key);
		db_bind_text(st, 2, val);
		db_bind_int64(st, 3, time_now());
		rc = db_step(st, &err);
		db_finalize(st);
		if (rc < 0)
			goto dberr;
		strbuf_addf(&detail, "%s%s=%s", detail.len ? " " : "", key, val);
	}
	if (audit_append(c->db, c->mc.actor, "settings.update", "settings", "ok", detail.buf, &err) ||
	    db_commit(c->db, &err))
		goto dberr;
	settings_get(c);
	goto cleanup;
dberr:
	db_rollback(c->db);
	reply_problem(c, 500, "服务器内部错误", NULL);
cleanup:
	json_decref(in);
	strbuf_release(&err);
	strbuf_release(&detail);
}

static int audit_param_ok(void *cls, const char *name, const char *value)
{
	static const char *const known[] = { "user", "action", "from", "to", "page", "page_size" };
	const char **bad = cls;
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(name, known[i]))
			return 0;
	*bad = name;
	return 1;
}

static void audit_list(struct call *c)
{
	const char *user = http_query(c->req, "user"), *action = http_query(c->req, "action");
	const char *from = http_query(c->req, "from"), *to = http_query(c->req, "to");
	const char *ps = http_query(c->req, "page"), *pss = http_query(c->req, "page_size");
	const char *bad = NULL;
	struct strbuf where = STRBUF_INIT, sql = STRBUF_INIT, err = STRBUF_INIT;
	const char *params[4];
	struct db_stmt *st = NULL;
	long page = ps ? atol(ps) : 1, size = pss ? atol(pss) : 50;
	int n = 0, i, rc;
	int64_t total;
	json_t *items;

	http_query_each(c->req, audit_param_ok, &bad);
	if (bad) {
		reply_problem(c, 400, "未知的查询参数", bad);
		goto cleanup;
	}
	if (page < 1 || size < 1 || size > 500) {
		reply_problem(c, 400, "page 应为正整数，page_size 应在 1 到 500 之间", NULL);
		goto cleanup;
	}
	if ((from && !date_valid(from)) || (to && !date_valid(to))) {
		reply_problem(c, 422, "日期格式应为 YYYY-MM-DD", from && !date_valid(from) ? "from" : "to");
		goto cleanup;
	}
	strbuf_addstr(&where, " FROM audit WHERE 1 = 1");
	if (user) {
		strbuf_addstr(&where, " AND username = ?");
		params[n++] = user;
	}
	if (action) {
		strbuf_addstr(&where, " AND action = ?");
		params[n++] = action;
	}
	if (from) {
		strbuf_addstr(&where, " AND at >= ?");
		params[n++] = from;
	}
	if (to) {
		strbuf_addstr(&where, " AND at < ?");
		params[n++] = to; /* compared as text: "2026-11-29" < "2026-11-29T..." */
	}
	strbuf_addf(&sql, "SELECT COUNT(*)%s", where.buf);
	if (db_prepare(c->db, sql.buf, &st, &err))
		goto dberr;
	for (i = 0; i < n; i++)
		db_bind_text(st, i + 1, params[i]);
	if (db_step(st, &err) != DB_ROW)
		goto dberr;
	total = db_column_int64(st, 0);
	db_finalize(st);
	st = NULL;
	strbuf_reset(&sql);
	strbuf_addf(&sql, "SELECT seq, at, username, action, object, outcome, source, detail%s "
		    "ORDER BY seq DESC LIMIT ? OFFSET ?", where.buf);
	if (db_prepare(c->db, sql.buf, &st, &err))
		goto dberr;
	for (i = 0; i < n; i++)
		db_bind_text(st, i + 1, params[i]);
	db_bind_int64(st, n + 1, size);
	db_bind_int64(st, n + 2, (int64_t)(page - 1) * size);
	items = json_array();
	while ((rc = db_step(st, &err)) == DB_ROW)
		json_array_append_new(items, json_pack("{sI ss ss ss ss ss ss ss}",
			"seq", (json_int_t)db_column_int64(st, 0), "at", db_column_text(st, 1),
			"username", db_column_text(st, 2), "action", db_column_text(st, 3),
			"object", db_column_text(st, 4), "outcome", db_column_text(st, 5),
			"source", db_column_text(st, 6), "detail", db_column_text(st, 7)));
	if (rc < 0) {
		json_decref(items);
		goto dberr;
	}
	reply_json(c, 200, json_pack("{so sI si si}", "items", items, "total", (json_int_t)total,
				     "page", (int)page, "page_size", (int)size));
	goto cleanup;
dberr:
	reply_problem(c, 500, "服务器内部错误", NULL);
cleanup:
	if (st)
		db_finalize(st);
	strbuf_release(&where);
	strbuf_release(&sql);
	strbuf_release(&err);
}

static void audit_verify_reply(struct call *c)
{
	struct strbuf err = STRBUF_INIT;
	int64_t rows = 0, bad = 0;
	int rc = audit_verify(c->db, &rows, &bad, &err);

	if (rc < 0)
		reply_problem(c, 500, "服务器内部错误", NULL);
	else if (rc == 0)
		reply_json(c, 200, json_pack("{sb sI}", "ok", 1, "rows", (json_int_t)rows));
	else
		reply_json(c, 200, json_pack("{sb sI ss}", "ok", 0, "bad_seq", (json_int_t)bad,
					     "message", err.buf));
	strbuf_release(&err);
}

int api_admin_route(struct call *c, const char **seg, int nseg)
{
	const char *m = c->req->method;

	if (nseg == 3 && !strcmp(seg[0], "users") && !strcmp(m, "POST") &&
	    (!strcmp(seg[2], "password") || !strcmp(seg[2], "unlock"))) {
		user_action(c, seg[1], seg[2]);
		return 1;
	}
	if (nseg == 1 && !strcmp(seg[0], "settings")) {
		if (!strcmp(m, "GET")) {
			if (is_role(c, ROLE_BIT(ROLE_SECADMIN) | ROLE_BIT(ROLE_SYSADMIN)))
				settings_get(c);
		} else if (!strcmp(m, "PUT")) {
			if (is_role(c, ROLE_BIT(ROLE_SECADMIN)))
				settings_put(c);
		} else {
			reply_problem(c, 405, "不支持的方法", NULL);
		}
		return 1;
	}
	if (nseg >= 1 && !strcmp(seg[0], "audit")) {
		if (!is_role(c, ROLE_BIT(ROLE_AUDITADMIN)))
			return 1;
		if (nseg == 1 && !strcmp(m, "GET"))
			audit_list(c);
		else if (nseg == 2 && !strcmp(seg[1], "verify") && !strcmp(m, "GET"))
			audit_verify_reply(c);
		else
			reply_problem(c, 404, "没有这个接口", NULL);
		return 1;
	}
	return 0;
}
