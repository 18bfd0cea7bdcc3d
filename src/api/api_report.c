/*
 * api_report.c: the month's documents — GET /reports?month=M (what there
 * is: the kinds, whether the month is published, its archived versions)
 * and GET /reports/{monthly|bulletin|minutes|notice}?… (the file, with its
 * Content-Type and a Chinese file name).  Thin: what a document says, who
 * may read it and the archive are report/'s.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "api/openapi_int.h"
#include "doc/doc.h"
#include "report/report.h"

void api_reports(struct call *c)
{
	static const char *const names[] = { "month", NULL };
	struct model_error e;
	json_t *out = NULL;
	int ret;

	if (refuse_unknown_params(c, names))
		return;
	model_error_init(&e);
	ret = report_list_json(c->db, c->mc.actor, http_query(c->req, "month"), &out, &e);
	reply_result(c, ret, &e, out);
	model_error_release(&e);
}

void api_report_file(struct call *c)
{
	static const char *const names[] = { "month", "meeting", "item", "format", "version", NULL };
	struct report_request r = { 0 };
	struct report_file f = { 0 };
	struct model_error e;
	const char *v;
	char *end = NULL;

	if (refuse_unknown_params(c, names))
		return;
	r.kind = strrchr(c->req->path, '/') + 1; /* the route's last segment: one of the kinds */
	r.month = http_query(c->req, "month");
	r.meeting = http_query(c->req, "meeting");
	r.item = http_query(c->req, "item");
	r.format = http_query(c->req, "format");
	if (!r.format)
		r.format = "pdf";
	if ((v = http_query(c->req, "version"))) {
		r.version = strtoll(v, &end, 10);
		if (!*v || *end || r.version < 1) {
			reply_problem(c, 400, "version：应为正整数（归档版本）", "version");
			return;
		}
	}
	model_error_init(&e);
	f.data = &c->res->body;
	strbuf_reset(f.data);
	if (report_file(c->db, c->mc.actor, &r, &f, &e)) {
		strbuf_reset(&c->res->body);
		reply_model_error(c, &e);
	} else {
		c->res->status = 200;
		c->res->content_type = f.content_type;
		reply_filename(c, NULL, f.filename);
		if (f.archived) {
			char ver[24];
			snprintf(ver, sizeof(ver), "%lld", (long long)f.version);
			http_response_header(c->res, "X-Sanling-Archived-Version", ver);
		}
		http_response_header(c->res, "X-Sanling-SHA256", f.sha256);
	}
	report_file_release(&f);
	model_error_release(&e);
}

/* ---- the OpenAPI document ---- */

void openapi_report_file(json_t *op, const struct entity_desc *ed)
{
	json_t *content = oa_must(json_object());
	static const char *const formats[] = { "docx", "pdf", "xlsx" };
	size_t i;

	(void)ed;
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		oa_put(content, doc_content_type(formats[i]),
		       json_pack("{s{ss ss}}", "schema", "type", "string", "format", "binary"));
	oa_put(json_object_get(op, "responses"), "200",
	       json_pack("{ss s{s{ss s{ss}} s{ss s{ss}} s{ss s{ss}}} so}", "description",
			 "文件（format 决定类型）", "headers", "Content-Disposition", "description",
			 "attachment; filename=\"…\"; filename*=UTF-8''…（中文文件名）", "schema",
			 "type", "string", "X-Sanling-SHA256", "description", "文件内容的 SHA-256",
			 "schema", "type", "string", "X-Sanling-Archived-Version", "description",
			 "归档版本（仅发布月份的全区报告、通报）", "schema", "type", "string",
			 "content", content));
}
