/*
 * api_grants.c: what a district grants the offices above it — GET /grants,
 * POST /grants, POST /grants/{id}/revoke.  Thin: who may, what may be
 * granted and the audit are src/model/grants.c's; what a grant lets a
 * region account write is the model's write path (scope.c).
 */
#include <string.h>

#include "api/api_int.h"
#include "model/grants.h"

void api_grants(struct call *c)
{
	static const char *const names[] = { "active", NULL };
	const char *active = http_query(c->req, "active");
	struct model_error e;
	json_t *out = NULL;
	int ret;

	if (refuse_unknown_params(c, names))
		return;
	if (active && strcmp(active, "0") && strcmp(active, "1")) {
		reply_problem(c, 400, "active 应为 0 或 1", "active");
		return;
	}
	model_error_init(&e);
	ret = grants_list(c->db, c->mc.actor, active && !strcmp(active, "1"), &out, &e);
	reply_result(c, ret, &e, out);
	model_error_release(&e);
}

void api_grant_create(struct call *c)
{
	struct model_error e;
	json_t *in = NULL, *out = NULL, *v;
	const char *key;
	int ret;

	if (read_json_object(c, &in))
		return;
	json_object_foreach(in, key, v) {
		if ((strcmp(key, "region") && strcmp(key, "list")) || !json_is_string(v)) {
			reply_problem(c, 400, "请求体应为 {\"region\": 市或省的代码, \"list\": 清单名}",
				      key);
			json_decref(in);
			return;
		}
	}
	model_error_init(&e);
	ret = grant_create(c->db, c->mc.actor, json_string_value(json_object_get(in, "region")),
			   json_string_value(json_object_get(in, "list")), &out, &e);
	if (ret)
		reply_model_error(c, &e);
	else
		reply_json(c, 201, out);
	json_decref(in);
	model_error_release(&e);
}

void api_grant_revoke(struct call *c)
{
	struct model_error e;
	json_t *out = NULL;
	int64_t id;
	int ret;

	if (api_parse_id(c->args.id, &id)) {
		reply_problem(c, 404, "授权不存在", NULL);
		return;
	}
	model_error_init(&e);
	ret = grant_revoke(c->db, c->mc.actor, id, &out, &e);
	reply_result(c, ret, &e, out);
	model_error_release(&e);
}
