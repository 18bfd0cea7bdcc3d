/*
 * api_attach.c: the files of a record (附件), /api/v1/{entity}/{id}/attachments
 * of the entities flagged ENT_ATTACH: the list, an upload (the file as the
 * raw body with ?name=, or a multipart/form-data form with a file field),
 * and a download with its type, its name (RFC 5987) and nosniff.  What is
 * accepted and who may do what is the model's (model/attach.h); here the
 * HTTP: the body taken apart, the answer put together, and the operations'
 * OpenAPI descriptions.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api_int.h"
#include "api/openapi.h"
#include "api/openapi_int.h"
#include "io/filetype.h"
#include "model/attach.h"

int api_attach_record(struct call *c)
{
	if (!(c->args.ed->flags & ENT_ATTACH)) {
		reply_problem(c, 404, "没有这个接口", NULL);
		return -1;
	}
	return api_entity_record(c);
}

void api_attach_list(struct call *c)
{
	struct model_error e;
	json_t *out = NULL;

	model_error_init(&e);
	if (attach_list(&c->mc, c->args.ed, c->id, &out, &e))
		reply_model_error(c, &e);
	else
		reply_json(c, 200, out);
	model_error_release(&e);
}

/* ---- multipart/form-data (RFC 7578), the one file part of a form ---- */

/* Find `needle` (`m` bytes) in the `n` bytes at `hay`. */
static const char *find(const char *hay, size_t n, const char *needle, size_t m)
{
	size_t i;

	for (i = 0; m && i + m <= n; i++)
		if (hay[i] == needle[0] && !memcmp(hay + i, needle, m))
			return hay + i;
	return NULL;
}

/* The value of parameter `key` of a header value ("form-data; name=\"file\"; …"), into `out`. */
static int header_param(const char *h, size_t n, const char *key, struct strbuf *out)
{
	size_t k = strlen(key), i = 0;

	strbuf_reset(out);
	while (i < n) {
		/* the start of a parameter: after ';' and blanks */
		while (i < n && h[i] != ';')
			i++;
		while (i < n && (h[i] == ';' || h[i] == ' ' || h[i] == '\t'))
			i++;
		if (i + k + 1 > n || strncasecmp(h + i, key, k) || h[i + k] != '=')
			continue;
		i += k + 1;
		if (i < n && h[i] == '"') {
			/* as browsers write it (WHATWG): no backslash escapes, a quote sent as %22 */
			for (i++; i < n && h[i] != '"'; i++)
				strbuf_addch(out, h[i]);
		} else {
			for (; i < n && h[i] != ';' && h[i] != ' ' && h[i] != '\r'; i++)
				strbuf_addch(out, h[i]);
		}
		return 0;
	}
	return -1;
}

/* Percent-decode RFC 5987's value (UTF-8''%E9%99%84.pdf) into `out`. */
static int ext_value(const char *v, struct strbuf *out)
{
	const char *q = strstr(v, "''");

	if (!q || strncasecmp(v, "UTF-8", 5))
		return -1;
	strbuf_reset(out);
	return http_url_decode(out, q + 2, strlen(q + 2));
}

/*
 * The file part of a multipart body: its bytes (into the body) and the
 * file name it carries.  0, or -1 with the answer made.
 */
static int multipart_file(struct call *c, const char *ct, const char **data, size_t *len,
			  struct strbuf *name)
{
	struct strbuf boundary = STRBUF_INIT, delim = STRBUF_INIT, v = STRBUF_INIT;
	const char *body = c->req->body, *end = body + c->req->body_len, *p;
	int ret = -1;

	if (header_param(ct, strlen(ct), "boundary", &boundary) || !boundary.len ||
	    boundary.len > 70) {
		reply_problem(c, 400, "multipart/form-data 缺少 boundary", NULL);
		goto out;
	}
	strbuf_addf(&delim, "--%s", boundary.buf);
	p = find(body, (size_t)(end - body), delim.buf, delim.len);
	while (p) {
		const char *hdr = p + delim.len, *hend, *dend, *h;

		if (end - hdr >= 2 && !memcmp(hdr, "--", 2))
			break; /* the closing delimiter */
		if (end - hdr < 2 || memcmp(hdr, "\r\n", 2))
			break;
		hdr += 2;
		hend = find(hdr, (size_t)(end - hdr), "\r\n\r\n", 4);
		if (!hend)
			break;
		strbuf_setf(&delim, "\r\n--%s", boundary.buf);
		dend = find(hend + 4, (size_t)(end - hend - 4), delim.buf, delim.len);
		if (!dend)
			break;
		/* the Content-Disposition line of the part: a file when it names one */
		for (h = hdr; h < hend;) {
			const char *eol = find(h, (size_t)(hend - h), "\r\n", 2);
			size_t n = (size_t)((eol ? eol : hend) - h);
			if (n > 20 && !strncasecmp(h, "Content-Disposition:", 20)) {
				if (!header_param(h + 20, n - 20, "filename*", &v) && !ext_value(v.buf, name)) {
					*data = hend + 4;
					*len = (size_t)(dend - hend - 4);
					ret = 0;
				} else if (!header_param(h + 20, n - 20, "filename", &v)) {
					strbuf_reset(name);
					strbuf_addbuf(name, &v);
					*data = hend + 4;
					*len = (size_t)(dend - hend - 4);
					ret = 0;
				}
			}
			h = eol ? eol + 2 : hend;
		}
		if (!ret)
			goto out;
		p = dend + 2; /* at the next "--boundary" */
		strbuf_setf(&delim, "--%s", boundary.buf);
	}
	reply_problem(c, 400, "表单中没有文件（multipart/form-data 的 file 字段）", "file");
out:
	strbuf_release(&boundary);
	strbuf_release(&delim);
	strbuf_release(&v);
	return ret;
}

void api_attach_add(struct call *c)
{
	const char *ct = http_header(c->req, "Content-Type");
	const char *qname = http_query(c->req, "name");
	const char *data = c->req->body;
	size_t len = c->req->body_len;
	struct strbuf name = STRBUF_INIT;
	struct model_error e;
	json_t *out = NULL;

	model_error_init(&e);
	if (ct && !strncasecmp(ct, "multipart/form-data", 19)) {
		if (multipart_file(c, ct, &data, &len, &name))
			goto out;
	}
	if (qname) { /* ?name= names the file, also over the form's */
		strbuf_reset(&name);
		strbuf_addstr(&name, qname);
	}
	if (attach_add(&c->mc, c->args.ed, c->id, name.buf, data, len, &out, &e))
		reply_model_error(c, &e);
	else
		reply_json(c, 201, out);
out:
	strbuf_release(&name);
	model_error_release(&e);
}


void api_attach_get(struct call *c)
{
	const char *seg = strrchr(c->req->path, '/');
	struct attach_file f;
	struct model_error e;
	int64_t n = 0;
	char *end;

	/* {n}: the last segment, 1, 2, … */
	if (seg && seg[1] >= '1' && seg[1] <= '9' && strlen(seg + 1) <= 9) {
		n = strtoll(seg + 1, &end, 10);
		if (*end)
			n = 0;
	}
	if (n <= 0) {
		reply_problem(c, 404, "附件不存在", NULL);
		return;
	}
	model_error_init(&e);
	attach_file_init(&f);
	if (attach_get(&c->mc, c->args.ed, c->id, n, &f, &e)) {
		reply_model_error(c, &e);
	} else {
		strbuf_release(&c->res->body);
		c->res->body = f.data;
		strbuf_init(&f.data, 0);
		c->res->status = 200;
		c->res->content_type = f.content_type;
		reply_filename(c, NULL, f.name.buf);
		/* X-Content-Type-Options: nosniff is the server's, on every answer (server.c) */
	}
	attach_file_release(&f);
	model_error_release(&e);
}

/* ---- the OpenAPI document ---- */

static json_t *item_schema(void)
{
	static const struct prop props[] = {
		{ "n", "integer", "附件序号（该记录内 1、2、…）", P_REQ },
		{ "name", "string", "文件名", P_REQ },
		{ "content_type", "string", "类型（按内容判断）", P_REQ },
		{ "size", "integer", "字节数", P_REQ },
		{ "sha256", "string", "内容的 SHA-256", P_REQ },
		{ "uploaded_by", "string", "上传人", P_REQ },
		{ "uploaded_at", "string", "上传时间（UTC）", P_REQ },
	};
	return OBJECT("附件", props);
}

static void respond_json(json_t *op, const char *status, const char *description, json_t *schema)
{
	oa_put(json_object_get(op, "responses"), status,
	       json_pack("{ss s{s{so}}}", "description", description, "content",
			 "application/json", "schema", schema));
}

static void add_parameter(json_t *op, json_t *p)
{
	json_t *a = json_object_get(op, "parameters");

	if (!a) {
		a = oa_must(json_array());
		oa_put(op, "parameters", a);
	}
	oa_push(a, p);
}

void openapi_attach_list(json_t *op, const struct entity_desc *ed)
{
	(void)ed;
	oa_put_str(op, "description", "该记录的附件（可查看该记录者）；不在范围内的记录与不存在一样答 404");
	respond_json(op, "200", "附件列表",
		     json_pack("{ss s{s{ss so} s{ss ss}} s[ss]}", "type", "object", "properties", "items",
			       "type", "array", "items", item_schema(), "can_upload", "type", "boolean",
			       "description", "当前用户能否为该记录上传附件", "required", "items",
			       "can_upload"));
}

void openapi_attach_add(json_t *op, const struct entity_desc *ed)
{
	(void)ed;
	oa_put_str(op, "description",
		   "上传附件：请求体为文件本身（用 ?name= 给文件名），或 multipart/form-data 的文件字段。"
		   "类型按内容判断，只接受 " FILETYPE_NAMES "；大小上限为设置 attachment_max_bytes"
		   "（默认 10 MiB，超过答 413）；同一内容只存一份。须能修改该记录（如任务的牵头单位可以，配合单位不可）；"
		   "记入审计（不含文件内容）");
	add_parameter(op, json_pack("{ss ss sb ss s{ss}}", "name", "name", "in", "query",
				    "required", 0, "description", "文件名（以原始请求体上传时必填）",
				    "schema", "type", "string"));
	oa_put(op, "requestBody",
	       json_pack("{sb s{s{s{ss ss}} s{s{ss s{s{ss ss}} s[s]}}}}", "required", 1, "content",
			 "application/octet-stream", "schema", "type", "string", "format", "binary",
			 "multipart/form-data", "schema", "type", "object", "properties", "file",
			 "type", "string", "format", "binary", "required", "file"));
	respond_json(op, "201", "已上传", item_schema());
}

void openapi_attach_get(json_t *op, const struct entity_desc *ed)
{
	json_t *content = oa_must(json_object());
	static const char *const types[] = {
		"image/jpeg", "image/png", "application/pdf",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	};
	size_t i;

	(void)ed;
	oa_put_str(op, "description", "下载附件：Content-Type 为上传时按内容判断的类型，"
		   "Content-Disposition 带 UTF-8 文件名（RFC 5987），X-Content-Type-Options: nosniff；记入审计");
	add_parameter(op, json_pack("{ss ss sb ss s{ss si}}", "name", "n", "in", "path",
				    "required", 1, "description", "附件序号",
				    "schema", "type", "integer", "minimum", 1));
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		oa_put(content, types[i], json_pack("{s{ss ss}}", "schema", "type", "string",
						    "format", "binary"));
	oa_put(json_object_get(op, "responses"), "200",
	       json_pack("{ss s{s{ss s{ss}}} so}", "description", "文件", "headers",
			 "Content-Disposition", "description",
			 "attachment; filename=\"…\"; filename*=UTF-8''…", "schema", "type", "string",
			 "content", content));
}

int attach_shown(const struct entity_desc *ed)
{
	return (ed->flags & ENT_ATTACH) != 0;
}
