/*
 * api_confirm.c: the monthly confirmation of the subjects' list
 * (一月一动态): GET /confirmations, POST /confirmations/{month}, GET
 * /confirmations/{month}/subjects.  Thin: the counts, who may confirm and
 * who sees what are src/model/confirm.c's.
 */
#include <string.h>

#include "api/api_int.h"
#include "model/confirm.h"

void api_confirmations(struct call *c)
{
	static const char *const names[] = { "month", NULL };
	struct model_error e;
	json_t *out = NULL;
	int ret;

	if (refuse_unknown_params(c, names))
		return;
	model_error_init(&e);
	ret = confirm_list(c->db, c->mc.actor, http_query(c->req, "month"), &out, &e);
	reply_result(c, ret, &e, out);
	model_error_release(&e);
}

void api_confirm(struct call *c)
{
	static const char *const names[] = { NULL };
	struct model_error e;
	json_t *in = NULL, *out = NULL;
	const char *key;
	json_t *v;
	int ret;

	if (refuse_unknown_params(c, names) || read_json_object(c, &in))
		return;
	json_object_foreach(in, key, v) {
		reply_problem(c, 400, "未知字段：确认不需要请求体内容，请发送 {}", key);
		json_decref(in);
		return;
	}
	json_decref(in);
	model_error_init(&e);
	ret = confirm_unit(c->db, c->mc.actor, c->args.month, &out, &e);
	reply_result(c, ret, &e, out);
	model_error_release(&e);
}

void api_confirmation_subjects(struct call *c)
{
	static const char *const names[] = { "unit", "unit_kind", "change", NULL };
	struct model_error e;
	json_t *out = NULL;
	int ret;

	if (refuse_unknown_params(c, names))
		return;
	model_error_init(&e);
	ret = confirm_subjects(c->db, c->mc.actor, c->args.month, http_query(c->req, "unit"),
			       http_query(c->req, "unit_kind"), http_query(c->req, "change"),
			       &out, &e);
	reply_result(c, ret, &e, out);
	model_error_release(&e);
}
