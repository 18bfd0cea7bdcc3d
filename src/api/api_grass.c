/*
 * api_grass.c: the grassroots at the desk (model/grass_desk.h) — the
 * monthly subsidy ledger (POST /police_subsidies/generate and /pay, GET
 * /police_subsidies/ledger: the finance office's sheet as XLSX or CSV) and
 * a day's patrols of the grids (GET /patrols/today).  Thin: the bodies and
 * parameters are read here, the model decides who may and what is refused.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "base/alloc.h"
#include "base/validate.h"
#include "io/table.h"
#include "model/grass_desk.h"

/*
 * The string members of body `in` named in `keys` into `vals` (NULL when
 * absent or null); `array` (may be NULL) the one member that is an array.
 * 400 for a member not among them, 422 naming one of the wrong type.
 */
static int body_strings(struct call *c, json_t *in, const char *const *keys, const char **vals,
			const char *array, json_t **arr)
{
	const char *k;
	json_t *v;
	int i;

	json_object_foreach(in, k, v) {
		for (i = 0; keys[i] && strcmp(keys[i], k); i++)
			;
		if (!keys[i] && !(array && !strcmp(k, array))) {
			reply_problem(c, 400, "请求体有未知字段", k);
			return -1;
		}
		if (json_is_null(v))
			continue;
		if (keys[i] && !json_is_string(v)) {
			reply_problem(c, 422, "应为字符串", k);
			return -1;
		}
		if (keys[i])
			vals[i] = json_string_value(v);
		else
			*arr = v;
	}
	return 0;
}

void api_subsidies_generate(struct call *c)
{
	static const char *const keys[] = { "month", NULL };
	const char *vals[1] = { NULL };
	struct model_error e;
	json_t *in = NULL, *out = NULL;
	int ret;

	if (read_json_object(c, &in))
		return;
	if (!body_strings(c, in, keys, vals, NULL, NULL)) {
		model_error_init(&e);
		ret = ledger_generate(&c->mc, vals[0], &out, &e);
		reply_result(c, ret, &e, out);
		model_error_release(&e);
	}
	json_decref(in);
}

void api_subsidies_pay(struct call *c)
{
	static const char *const keys[] = { "month", "paid_on", NULL };
	const char *vals[2] = { NULL, NULL }, **villages = NULL;
	struct model_error e;
	json_t *in = NULL, *out = NULL, *arr = NULL, *v;
	size_t i, n = 0;
	int ret;

	if (read_json_object(c, &in))
		return;
	if (body_strings(c, in, keys, vals, "villages", &arr))
		goto out;
	if (arr && !json_is_array(arr)) {
		reply_problem(c, 422, "村（社区）应为代码的数组", "villages");
		goto out;
	}
	n = arr ? json_array_size(arr) : 0;
	villages = xcalloc(n ? n : 1, sizeof(*villages));
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v)) {
			reply_problem(c, 422, "村（社区）应为代码的数组", "villages");
			goto out;
		}
		villages[i] = json_string_value(v);
	}
	model_error_init(&e);
	ret = ledger_pay(&c->mc, vals[0], vals[1], villages, n, &out, &e);
	reply_result(c, ret, &e, out);
	model_error_release(&e);
out:
	free(villages);
	json_decref(in);
}

/* Content-Disposition of the sheet of `month`: 驻村补贴发放表-<month>.<ext> (RFC 5987). */
static void sheet_name(struct call *c, const char *month, enum table_format fmt)
{
	struct strbuf ascii = STRBUF_INIT, name = STRBUF_INIT;

	strbuf_addf(&name, "驻村补贴发放表-%.7s.%s", month, table_format_ext(fmt));
	strbuf_addf(&ascii, "police-subsidies-%.7s.%s", month, table_format_ext(fmt));
	reply_filename(c, ascii.buf, name.buf);
	strbuf_release(&ascii);
	strbuf_release(&name);
}

void api_subsidies_ledger(struct call *c)
{
	static const char *const names[] = { "month", "format", NULL };
	const char *month = http_query(c->req, "month");
	struct table_writer *w = NULL;
	enum table_format fmt = TABLE_XLSX;
	struct model_error e;
	size_t rows;

	if (refuse_unknown_params(c, names))
		return;
	if (query_table_format(c, &fmt))
		return;
	model_error_init(&e);
	if (table_writer_open_mem(fmt, "驻村补贴发放表", &w, &e.msg)) {
		reply_problem(c, 500, "服务器内部错误", NULL);
		goto out;
	}
	if (ledger_sheet(&c->mc, month, w, &rows, &e)) {
		table_writer_free(w);
		reply_model_error(c, &e);
		goto out;
	}
	strbuf_release(&c->res->body);
	if (table_writer_close_mem(w, &c->res->body, &e.msg)) {
		reply_problem(c, 500, "服务器内部错误", NULL);
		goto out;
	}
	c->res->status = 200;
	c->res->content_type = table_format_mime(fmt);
	sheet_name(c, month, fmt);
out:
	model_error_release(&e);
}

void api_patrols_today(struct call *c)
{
	static const char *const names[] = { "date", NULL };
	struct model_error e;
	json_t *out = NULL;
	int ret;

	if (refuse_unknown_params(c, names))
		return;
	model_error_init(&e);
	ret = patrols_today(&c->mc, http_query(c->req, "date"), &out, &e);
	reply_result(c, ret, &e, out);
	model_error_release(&e);
}
