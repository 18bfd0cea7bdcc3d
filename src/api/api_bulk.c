/*
 * api_bulk.c: POST /{entity}/bulk, the bulk actions of an entity's list
 * ({action, ids, and the action's fields}): the model applies the action
 * to every record or none (entity_bulk); a refusal is a problem document
 * whose `errors` name each record refused.  Which actions there are is the
 * descriptors'; who may take them, the model's.
 */
#include <string.h>

#include "api/api_int.h"

/* The ids of the body ("ids": [positive integers]) into `ids`; -1 with the reply made. */
static int body_ids(struct call *c, json_t *in, int64_t **ids, size_t *n)
{
	json_t *a = json_object_get(in, "ids"), *v;
	size_t i;

	if (!json_is_array(a)) {
		reply_problem(c, 400, "ids 应为记录 id 的数组", "ids");
		return -1;
	}
	*n = json_array_size(a);
	if (*n > BULK_MAX) {
		reply_problem(c, 422, "一次最多办理 500 条", "ids");
		return -1;
	}
	*ids = http_request_alloc(c->req, (*n ? *n : 1) * sizeof(**ids));
	json_array_foreach(a, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) <= 0) {
			reply_problem(c, 400, "ids 应为记录 id（正整数）的数组", "ids");
			return -1;
		}
		(*ids)[i] = json_integer_value(v);
	}
	return 0;
}

/* The refusal as a problem document, with the records refused as `errors`. */
static void reply_refused(struct call *c, const struct model_error *e, json_t *errors)
{
	int status = model_status(e->code);
	json_t *o;

	if (!errors || status == 500) {
		json_decref(errors);
		reply_model_error(c, e);
		return;
	}
	o = json_pack("{ss ss si ss so}", "type", "about:blank", "title", "Bulk action refused",
		      "status", status, "detail", e->msg.buf, "errors", errors);
	reply_json(c, (unsigned)status, o);
	c->res->content_type = "application/problem+json";
	if (status == 403 || status == 404) {
		/* kept for the audit of refusals, as reply_problem() keeps it */
		size_t len = e->msg.len;
		char *copy = http_request_alloc(c->req, len + 1);

		memcpy(copy, e->msg.buf, len);
		c->refused = copy;
	}
}

void api_entity_bulk(struct call *c)
{
	struct model_error e;
	json_t *in = NULL, *out = NULL, *errors = NULL, *action;
	int64_t *ids = NULL;
	size_t n = 0;

	if (!entity_can_write(c->args.ed, c->mc.actor)) {
		/* a role that may not write the list learns no more than that */
		struct strbuf msg = STRBUF_INIT;

		strbuf_addf(&msg, "无权批量办理%s", c->args.ed->label);
		reply_problem(c, 403, msg.buf, NULL);
		strbuf_release(&msg);
		return;
	}
	if (read_json_object(c, &in))
		return;
	action = json_object_get(in, "action");
	if (!json_is_string(action)) {
		reply_problem(c, 400, "action 应为批量操作的名称", "action");
		goto done;
	}
	if (body_ids(c, in, &ids, &n))
		goto done;
	model_error_init(&e);
	if (entity_bulk(&c->mc, c->args.ed, json_string_value(action), ids, n, in, &out, &errors,
			&e))
		reply_refused(c, &e, errors);
	else
		reply_json(c, 200, out);
	model_error_release(&e);
done:
	json_decref(in);
}
