/*
 * api_entity.c: the generic endpoints of every entity, /api/v1/{entity}...:
 * list, create, get, update, retire, history, reveal, import, export and
 * the import template, and the two checks of their routes (the entity
 * within reach of the role, the record's id).  One code path for all
 * entities; what differs is in their descriptors.  Which handler answers
 * which path and method is the route table's (routes.c).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api_int.h"
#include "base/alloc.h"
#include "io/table.h"
#include "model/audit.h"

int api_parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v;

	if (!*s || *s == '0' || strlen(s) > 18)
		return -1;
	v = strtoll(s, &end, 10);
	if (*end || v <= 0)
		return -1;
	*id = v;
	return 0;
}

static void finish(struct call *c, int ret, const struct model_error *e, unsigned status,
		   json_t *out)
{
	if (ret)
		reply_model_error(c, e);
	else
		reply_json(c, status, out);
}

/* Content-Disposition with the Chinese file name (RFC 6266 / 5987). */
static void attachment(struct call *c, const struct entity_desc *ed, const char *suffix,
		       enum table_format fmt)
{
	struct strbuf ascii = STRBUF_INIT, name = STRBUF_INIT;

	strbuf_addf(&name, "%s%s.%s", ed->label, suffix, table_format_ext(fmt));
	strbuf_addf(&ascii, "%s%s.%s", ed->name, suffix[0] ? "-template" : "", table_format_ext(fmt));
	reply_filename(c, ascii.buf, name.buf);
	strbuf_release(&ascii);
	strbuf_release(&name);
}

static void handle_export(struct call *c, const struct entity_desc *ed, int template_only)
{
	struct model_error e;
	struct table_writer *w = NULL;
	struct list_params p;
	enum table_format fmt;
	size_t rows = 0;
	int ret;

	model_error_init(&e);
	if (query_table_format(c, &fmt))
		return;
	if (!entity_can_read(ed, c->mc.actor)) {
		reply_problem(c, 403, "无权导出", NULL);
		return;
	}
	if (table_writer_open_mem(fmt, ed->label, &w, &e.msg)) {
		reply_problem(c, 500, "服务器内部错误", NULL);
		goto cleanup;
	}
	if (template_only) {
		ret = entity_template(ed, w, &e.msg) ? model_fail(&e, MODEL_EDB, NULL, "写文件失败") : 0;
	} else {
		call_list_params(c, &p, "format"); /* format= is ours, not a filter */
		ret = entity_export(&c->mc, ed, &p, w, &rows, &e);
	}
	if (ret) {
		table_writer_free(w);
		reply_model_error(c, &e);
		goto cleanup;
	}
	strbuf_release(&c->res->body);
	if (table_writer_close_mem(w, &c->res->body, &e.msg)) {
		reply_problem(c, 500, "服务器内部错误", NULL);
		goto cleanup;
	}
	c->res->status = 200;
	c->res->content_type = table_format_mime(fmt);
	attachment(c, ed, template_only ? "导入模板" : "", fmt);
cleanup:
	model_error_release(&e);
}

static void handle_import(struct call *c, const struct entity_desc *ed)
{
	struct model_error e;
	struct import_report rep;
	struct table_reader *rd = NULL;
	enum table_format fmt;
	const char *kg = http_query(c->req, "keep_good");
	json_t *out;
	int ret;

	model_error_init(&e);
	import_report_init(&rep);
	if (query_table_format(c, &fmt))
		goto cleanup;
	if (kg && strcmp(kg, "0") && strcmp(kg, "1")) {
		reply_problem(c, 400, "keep_good 应为 0 或 1", "keep_good");
		goto cleanup;
	}
	if (!entity_can_write(ed, c->mc.actor)) {
		reply_problem(c, 403, "无权导入", NULL);
		goto cleanup;
	}
	if (!c->req->body_len) {
		reply_problem(c, 400, "请求体为空：应为要导入的文件", NULL);
		goto cleanup;
	}
	ret = table_reader_open_mem(c->req->body, c->req->body_len, fmt, &rd, &e.msg);
	if (ret) { /* a file over the reader's budgets is too large: 413 */
		reply_problem(c, ret == TABLE_ELIMIT ? 413 : 422, e.msg.buf, NULL);
		goto cleanup;
	}
	ret = entity_import(&c->mc, ed, rd, kg && !strcmp(kg, "1"), &rep, &e);
	/* refused whole: none of its rows was kept */
	api_metrics_imported(ed, ret ? 0 : rep.created, ret ? 0 : rep.updated,
			     ret ? rep.rows : rep.failed);
	if (ret && ret != MODEL_EINVAL) {
		reply_model_error(c, &e);
		goto cleanup;
	}
	out = json_pack("{sI sI sI sI sO}", "rows", (json_int_t)rep.rows,
			"created", (json_int_t)rep.created, "updated", (json_int_t)rep.updated,
			"failed", (json_int_t)rep.failed, "errors", rep.errors);
	if (ret) /* a problem like every other refusal, the report as its extensions */
		json_object_update_new(out, json_pack("{ss ss si ss}", "type", "about:blank",
						      "title", "Unprocessable Content",
						      "status", 422, "detail", e.msg.buf));
	reply_json(c, ret ? 422 : 200, out);
	if (ret)
		c->res->content_type = "application/problem+json";
cleanup:
	table_reader_free(rd);
	import_report_release(&rep);
	model_error_release(&e);
}

/* A JSON body's "secret" input (users' initial password), taken out of it. */
static char *take_secret(const struct entity_desc *ed, json_t *in, struct call *c, int *bad)
{
	json_t *v;
	char *s;

	*bad = 0;
	if (!ed->secret_input || !(v = json_object_get(in, ed->secret_input)))
		return NULL;
	if (!json_is_string(v)) {
		reply_problem(c, 422, "password：应为字符串", ed->secret_input);
		*bad = 1;
		return NULL;
	}
	s = xstrdup(json_string_value(v));
	json_object_del(in, ed->secret_input);
	return s;
}

int api_entity_access(struct call *c)
{
	const struct entity_desc *ed = c->args.ed;

	if (!entity_can_read(ed, c->mc.actor) && !entity_can_write(ed, c->mc.actor)) {
		reply_problem(c, 403, "无权访问", NULL);
		return -1;
	}
	return 0;
}

int api_entity_record(struct call *c)
{
	if (api_entity_access(c))
		return -1;
	if (api_parse_id(c->args.id, &c->id)) {
		reply_problem(c, 404, "记录不存在", NULL);
		return -1;
	}
	return 0;
}

void api_entity_list(struct call *c)
{
	struct model_error e;
	struct list_params p;
	json_t *out = NULL;
	int ret;

	model_error_init(&e);
	call_list_params(c, &p, NULL);
	ret = entity_list(&c->mc, c->args.ed, &p, &out, &e);
	finish(c, ret, &e, 200, out);
	model_error_release(&e);
}

void api_entity_create(struct call *c)
{
	struct model_error e;
	json_t *in = NULL, *out = NULL;
	char *secret;
	int bad, ret;

	struct model_ctx mc = c->mc;
	struct actor granted;

	if (read_json_object(c, &in))
		return;
	model_error_init(&e);
	/* a region account names the district it creates in, which must have granted it the list */
	if (mc.actor->role == ROLE_REGION) {
		granted = *mc.actor;
		granted.district = http_query(c->req, "district");
		mc.actor = &granted;
	}
	secret = take_secret(c->args.ed, in, c, &bad);
	if (!bad) {
		ret = entity_create_secret(&mc, c->args.ed, in, secret, &out, &e);
		finish(c, ret, &e, 201, out);
	}
	free(secret);
	json_decref(in);
	model_error_release(&e);
}

void api_entity_get(struct call *c)
{
	struct strbuf text = STRBUF_INIT;
	struct model_error e;

	model_error_init(&e);
	if (entity_get_text(&c->mc, c->args.ed, c->id, &text, &e))
		reply_model_error(c, &e);
	else
		reply_json_text(c, 200, &text);
	strbuf_release(&text);
	model_error_release(&e);
}

void api_entity_update(struct call *c)
{
	struct model_error e;
	json_t *in = NULL, *out = NULL;
	int ret;

	if (read_json_object(c, &in))
		return;
	model_error_init(&e);
	ret = entity_update(&c->mc, c->args.ed, c->id, in, &out, &e);
	finish(c, ret, &e, 200, out);
	json_decref(in);
	model_error_release(&e);
}

void api_entity_history(struct call *c)
{
	struct model_error e;
	json_t *out = NULL;
	int ret;

	model_error_init(&e);
	ret = entity_history(&c->mc, c->args.ed, c->id, &out, &e);
	finish(c, ret, &e, 200, out);
	model_error_release(&e);
}

void api_entity_retire(struct call *c)
{
	struct model_error e;
	json_t *in = NULL, *out = NULL, *mv;
	int ret;

	if (read_json_object(c, &in))
		return;
	model_error_init(&e);
	mv = json_object_get(in, "month");
	if (json_object_size(in) > (mv ? 1u : 0u) || (mv && !json_is_string(mv))) {
		reply_problem(c, 400, "请求体应为 {\"month\": \"YYYY-MM\"}", "month");
	} else {
		ret = entity_retire(&c->mc, c->args.ed, c->id, mv ? json_string_value(mv) : NULL,
				    &out, &e);
		finish(c, ret, &e, 200, out);
	}
	json_decref(in);
	model_error_release(&e);
}

void api_entity_reveal(struct call *c)
{
	struct model_error e;
	json_t *in = NULL, *out = NULL, *f, *r;
	int ret;

	if (read_json_object(c, &in))
		return;
	model_error_init(&e);
	f = json_object_get(in, "field");
	r = json_object_get(in, "reason");
	if (json_object_size(in) != 2 || !json_is_string(f) || !json_is_string(r)) {
		reply_problem(c, 400, "请求体应为 {\"field\": 字符串, \"reason\": 字符串}", NULL);
	} else {
		ret = entity_reveal(&c->mc, c->args.ed, c->id, json_string_value(f),
				    json_string_value(r), &out, &e);
		finish(c, ret, &e, 200, out);
	}
	json_decref(in);
	model_error_release(&e);
}

void api_entity_export(struct call *c)
{
	handle_export(c, c->args.ed, 0);
}

void api_entity_template(struct call *c)
{
	handle_export(c, c->args.ed, 1);
}

void api_entity_import(struct call *c)
{
	handle_import(c, c->args.ed);
}
