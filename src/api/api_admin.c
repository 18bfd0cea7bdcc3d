/*
 * api_admin.c: the endpoints of the three administrators (三员分立): the
 * system administrator resets passwords, the security administrator sets
 * the settings (model/settings.c) and unlocks accounts, the audit
 * administrator reads and verifies the audit log (model/audit.c).  None of
 * them reaches business data (the entity descriptors' read_roles see to
 * that).
 *
 * HTTP glue only: who may call which is the route table's (routes.c), the
 * SQL is the model's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "base/date.h"
#include "base/log.h"
#include "model/audit.h"
#include "model/settings.h"

/*
 * The username of the user {id}, or NULL (reply made).  An administrator's
 * account is managed on the server's command line only (三员分立): 403.
 */
static char *target_user(struct call *c)
{
	struct model_error e;
	enum role role = ROLE_NONE;
	char *name = NULL;

	model_error_init(&e);
	if (user_by_id(c->db, c->args.id, &name, &role, &e)) {
		reply_model_error(c, &e);
	} else if (ROLE_BIT(role) & ROLES_ADMIN) {
		reply_problem(c, 403, "管理员账号只能在服务器命令行上管理（三员分立）", NULL);
		free(name);
		name = NULL;
	}
	model_error_release(&e);
	return name;
}

static void user_done(struct call *c, int rc, const struct model_error *e)
{
	if (rc == 0)
		reply_no_content(c);
	else
		reply_model_error(c, e);
}

void api_user_password(struct call *c)
{
	struct model_error e;
	json_t *in = NULL, *pw;
	char *name = NULL;

	if (read_json_object(c, &in))
		return;
	model_error_init(&e);
	pw = json_object_get(in, "password");
	if (json_object_size(in) != 1 || !json_is_string(pw))
		reply_problem(c, 400, "请求体应为 {\"password\": 字符串}", "password");
	else if ((name = target_user(c)))
		user_done(c, user_set_password(c->db, c->mc.actor, name, json_string_value(pw), &e),
			  &e);
	free(name);
	json_decref(in);
	model_error_release(&e);
}

void api_user_unlock(struct call *c)
{
	struct model_error e;
	char *name = target_user(c);

	model_error_init(&e);
	if (name)
		user_done(c, user_unlock(c->db, c->mc.actor, name, &e), &e);
	free(name);
	model_error_release(&e);
}

void api_settings_get(struct call *c)
{
	struct model_error e;
	json_t *out = NULL;

	model_error_init(&e);
	if (settings_json_for(c->db, c->mc.actor, &out, &e))
		reply_model_error(c, &e);
	else
		reply_json(c, 200, out);
	model_error_release(&e);
}

void api_settings_put(struct call *c)
{
	struct model_error e;
	json_t *in = NULL;

	if (read_json_object(c, &in))
		return;
	model_error_init(&e);
	if (settings_put(c->db, c->mc.actor, in, &e))
		reply_model_error(c, &e); /* e.field may point into `in` */
	else
		api_settings_get(c);
	json_decref(in);
	model_error_release(&e);
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

void api_audit_list(struct call *c)
{
	const char *ps = http_query(c->req, "page"), *pss = http_query(c->req, "page_size");
	struct audit_query q = {
		http_query(c->req, "user"), http_query(c->req, "action"),
		http_query(c->req, "from"), http_query(c->req, "to"),
		ps ? atol(ps) : 1, pss ? atol(pss) : 50,
	};
	struct strbuf err = STRBUF_INIT;
	const char *bad = NULL;
	json_t *out;

	http_query_each(c->req, audit_param_ok, &bad);
	if (bad) {
		reply_problem(c, 400, "未知的查询参数", bad);
	} else if (q.page < 1 || q.page_size < 1 || q.page_size > 500) {
		reply_problem(c, 400, "page 应为正整数，page_size 应在 1 到 500 之间", NULL);
	} else if ((q.from && !date_valid(q.from)) || (q.to && !date_valid(q.to))) {
		reply_problem(c, 422, "日期格式应为 YYYY-MM-DD",
			      q.from && !date_valid(q.from) ? "from" : "to");
	} else if (audit_list(c->db, &q, &out, &err)) {
		log_error("audit list: %s", err.buf);
		reply_problem(c, 500, "服务器内部错误", NULL);
	} else {
		reply_json(c, 200, out);
	}
	strbuf_release(&err);
}

void api_audit_verify(struct call *c)
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
