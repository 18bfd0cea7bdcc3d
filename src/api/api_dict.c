/*
 * api_dict.c: the office's dictionary (字典管理): GET /dict lists the
 * enumerations and their items, PUT /dict changes one item (named by the
 * body's enum and code), POST /dict adds
 * one to an open enumeration.  Thin: the checks and who may do it are
 * src/model/dict.c's; /meta shows the result to everyone.
 */
#include <stdlib.h>

#include "api/api_int.h"
#include "base/alloc.h"
#include "model/dict.h"

void api_dict_list(struct call *c)
{
	struct model_error e;
	json_t *out = NULL;
	int ret;

	model_error_init(&e);
	ret = dict_list(c->mc.actor, &out, &e);
	reply_result(c, ret, &e, ret ? NULL : json_pack("{so}", "items", out));
	model_error_release(&e);
}

/* Take the body's "enum" (and with `with_code` its "code") out of `in`. */
static int target(struct call *c, json_t *in, int with_code, char **name, char **code)
{
	json_t *n = json_object_get(in, "enum"), *k = json_object_get(in, "code");

	if (!json_is_string(n)) {
		reply_problem(c, 422, "请指明字典类型（enum）", "enum");
		return -1;
	}
	if (with_code && !json_is_string(k)) {
		reply_problem(c, 422, "请指明字典键值（code）", "code");
		return -1;
	}
	*name = xstrdup(json_string_value(n));
	*code = with_code ? xstrdup(json_string_value(k)) : NULL;
	json_object_del(in, "enum");
	if (with_code)
		json_object_del(in, "code");
	return 0;
}

void api_dict_put(struct call *c)
{
	char *name = NULL, *code = NULL;
	struct model_error e;
	json_t *in = NULL;

	if (read_json_object(c, &in))
		return;
	model_error_init(&e);
	if (!target(c, in, 1, &name, &code)) {
		if (dict_update(c->db, c->mc.actor, name, code, in, &e))
			reply_model_error(c, &e);
		else
			api_dict_list(c);
	}
	json_decref(in);
	free(name);
	free(code);
	model_error_release(&e);
}

void api_dict_add(struct call *c)
{
	char *name = NULL, *code = NULL;
	struct model_error e;
	json_t *in = NULL;

	if (read_json_object(c, &in))
		return;
	model_error_init(&e);
	if (!target(c, in, 0, &name, &code)) {
		if (dict_add(c->db, c->mc.actor, name, in, &e))
			reply_model_error(c, &e);
		else
			api_dict_list(c);
	}
	json_decref(in);
	free(name);
	model_error_release(&e);
}
