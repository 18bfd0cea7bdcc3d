/*
 * openapi.c: the OpenAPI 3.1 document of /api/v1, built from the entity
 * descriptors.  Every entity of entities[] gets its schemas (what the API
 * returns, what create and update accept, a page of the list, a version of
 * its history) and its endpoints, with filters, sort keys, the roles that
 * may read and write it, and the import/export endpoints; a new entity needs
 * no change here.  Which operations there are, their ids, summaries,
 * parameters and answers come from the route table (routes.c): the rows of
 * {entity} once per entity, the others once; what a row's columns cannot
 * say is one of the openapi_*() builders below that the row names.  The
 * fixed schemas (session, metadata, settings, audit) are written from small
 * property tables, the settings' from their own table (model/settings.c).
 *
 * This file describes; it does not route or validate.  When a handler
 * changes what it accepts or answers, this file must follow (the unit test
 * and tests/api/openapi_validate.mjs check the document's shape, not the
 * handlers' behaviour).
 */
#include "api/openapi.h"
#include "api/openapi_int.h"

#include <stdlib.h>
#include <string.h>

#include "api/routes.h"
#include "assess/figure_keys.h"
#include "base/strbuf.h"
#include "model/entity.h"
#include "model/enums.h"
#include "model/role.h"
#include "model/settings.h"

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* The lengths field.c enforces when a descriptor gives no `max`. */
#define TEXT_MAX_DEFAULT 200
#define CODE_MAX_DEFAULT 64

/* ---- JSON builders: jansson fails only when memory runs out ---- */

json_t *oa_must(json_t *j)
{
	if (!j)
		abort();
	return j;
}

void oa_put(json_t *o, const char *key, json_t *v)
{
	if (json_object_set_new(o, key, oa_must(v)))
		abort();
}

void oa_put_str(json_t *o, const char *key, const char *s)
{
	oa_put(o, key, json_string(s));
}

void oa_push(json_t *a, json_t *v)
{
	if (json_array_append_new(a, oa_must(v)))
		abort();
}

/* The member `key` of `o`, created as an empty object if absent (borrowed). */
json_t *oa_child(json_t *o, const char *key)
{
	json_t *c = json_object_get(o, key);

	if (!c) {
		c = oa_must(json_object());
		oa_put(o, key, c);
	}
	return c;
}

/* {"$ref": "#/components/<kind>/<name><suffix>"} */
json_t *oa_ref(const char *kind, const char *name, const char *suffix)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *j;

	strbuf_addf(&sb, "#/components/%s/%s%s", kind, name, suffix);
	j = oa_must(json_pack("{ss}", "$ref", sb.buf));
	strbuf_release(&sb);
	return j;
}

/* Start a new clause of a description. */
static void clause(struct strbuf *sb)
{
	if (sb->len)
		strbuf_addstr(sb, "；");
}

/* ---- schemas from short type names ---- */

/*
 * A schema from a short type name: "string", "integer", "number",
 * "boolean", "object", "date", "date-time", "month", "$Name" (the component
 * schema Name), "[x" (an array of x) or "{x" (an object whose every value
 * is x).
 */
static json_t *type_schema(const char *t, int nullable)
{
	json_t *s;

	if (*t == '[') {
		s = oa_must(json_pack("{ss so}", "type", "array", "items", type_schema(t + 1, 0)));
	} else if (*t == '{') {
		s = oa_must(json_pack("{ss so}", "type", "object",
				   "additionalProperties", type_schema(t + 1, 0)));
	} else if (*t == '$') {
		s = oa_ref("schemas", t + 1, "");
		if (nullable)
			return oa_must(json_pack("{s[o{ss}]}", "anyOf", s, "type", "null"));
		return s;
	} else if (!strcmp(t, "date") || !strcmp(t, "date-time")) {
		s = oa_must(json_pack("{ss ss}", "type", "string", "format", t));
	} else if (!strcmp(t, "month")) {
		s = oa_must(json_pack("{ss ss}", "type", "string", "pattern", MONTH_PATTERN));
	} else {
		s = oa_must(json_pack("{ss}", "type", t));
	}
	if (nullable)
		oa_put(s, "type", json_pack("[s s]", json_string_value(json_object_get(s, "type")),
					 "null"));
	return s;
}

/* An object schema from a property table. */
json_t *oa_object_schema(const char *title, const struct prop *p, size_t n)
{
	json_t *s = oa_must(json_pack("{ss}", "type", "object"));
	json_t *props = oa_child(s, "properties"), *req = oa_must(json_array());
	size_t i;

	if (title)
		oa_put_str(s, "title", title);
	for (i = 0; i < n; i++) {
		json_t *ps = type_schema(p[i].type, (p[i].flags & P_NULL) != 0);

		if (p[i].title)
			oa_put_str(ps, "title", p[i].title);
		oa_put(props, p[i].key, ps);
		if (p[i].flags & P_REQ)
			oa_push(req, json_string(p[i].key));
	}
	if (json_array_size(req))
		oa_put(s, "required", req);
	else
		json_decref(req);
	return s;
}


/* Set keyword `kw` of property `key` of object schema `s`. */
void oa_prop_set(json_t *s, const char *key, const char *kw, json_t *v)
{
	oa_put(json_object_get(json_object_get(s, "properties"), key), kw, v);
}

/* A page of a list: `items` is the type of its items array ("[$subjects"). */
json_t *oa_page_schema(const char *items)
{
	const struct prop page_props[] = {
		{ "items", items, "本页记录", P_REQ },
		{ "total", "integer", "符合条件的记录总数", P_REQ },
		{ "page", "integer", "页码（从 1 起）", P_REQ },
		{ "page_size", "integer", "每页条数", P_REQ },
	};

	return OBJECT(NULL, page_props);
}

/* ---- schemas from field descriptors ---- */

/* Codes and labels of an enumeration into schema `s` and its description. */
void oa_enum_schema(json_t *s, const struct enum_desc *en, int set, int nullable,
			struct strbuf *desc)
{
	json_t *codes = oa_must(json_array()), *labels = oa_must(json_object());
	struct strbuf alt = STRBUF_INIT, pat = STRBUF_INIT;
	const struct enum_item *it;

	clause(desc);
	strbuf_addstr(desc, set ? "以 | 分隔的一个或多个值：" : "可选值：");
	for (it = en->items; it->code; it++) {
		oa_push(codes, json_string(it->code));
		oa_put_str(labels, it->code, it->label);
		strbuf_addf(desc, "%s%s=%s", it == en->items ? "" : "，", it->code, it->label);
		strbuf_addf(&alt, "%s%s", it == en->items ? "" : "|", it->code);
	}
	if (set) {
		/* codes are identifiers: nothing in them needs escaping */
		strbuf_addf(&pat, "^(?:%s)(?:\\|(?:%s))*$", alt.buf, alt.buf);
		oa_put_str(s, "pattern", pat.buf);
		json_decref(codes);
	} else {
		if (nullable)
			oa_push(codes, json_null());
		oa_put(s, "enum", codes);
	}
	oa_put(s, "x-enum-labels", labels);
	oa_put_str(s, "x-enum", en->name);
	strbuf_release(&alt);
	strbuf_release(&pat);
}

/* "行政区划的区划代码（层级：乡镇/街道）" for a reference field. */
static void ref_text(const struct field_desc *fd, struct strbuf *desc)
{
	const struct entity_desc *red = entity_find(fd->ref);
	const struct field_desc *kf, *lf;
	const char *level;

	clause(desc);
	if (!red) {
		strbuf_addf(desc, "%s 的键", fd->ref);
		return;
	}
	kf = entity_field(red, red->key);
	strbuf_addf(desc, "%s的%s", red->label, kf ? kf->label : red->key);
	if (!fd->ref_level)
		return;
	/* ref_level is the `level` the referenced record must have */
	lf = entity_field(red, "level");
	level = lf && lf->enumeration ? enum_label(lf->enumeration, fd->ref_level) : NULL;
	strbuf_addf(desc, "（层级：%s）", level ? level : fd->ref_level);
}

static const char *json_type_of(enum field_type t)
{
	switch (t) {
	case FT_INT:
		return "integer";
	case FT_REAL:
	case FT_MONEY:
		return "number";
	case FT_BOOL:
		return "boolean";
	default:
		return "string";
	}
}

/* The type-specific keywords of field `fd` into `s`, with their description. */
static void field_constraints(json_t *s, const struct field_desc *fd, int nullable,
			      struct strbuf *desc)
{
	switch (fd->type) {
	case FT_INT:
	case FT_REAL:
		if (fd->min || fd->max) {
			oa_put(s, "minimum", json_integer(fd->min));
			oa_put(s, "maximum", json_integer(fd->max));
		}
		break;
	case FT_TEXT:
		oa_put(s, "maxLength", json_integer(fd->max ? fd->max : TEXT_MAX_DEFAULT));
		break;
	case FT_CODE:
		oa_put(s, "maxLength", json_integer(fd->max ? fd->max : CODE_MAX_DEFAULT));
		clause(desc);
		strbuf_addstr(desc, "字母、数字、- _ .");
		break;
	case FT_REF:
		oa_put(s, "maxLength", json_integer(CODE_MAX_DEFAULT));
		oa_put_str(s, "x-ref", fd->ref);
		ref_text(fd, desc);
		break;
	case FT_DATE:
		oa_put_str(s, "format", "date");
		break;
	case FT_MONTH:
		oa_put_str(s, "pattern", MONTH_PATTERN);
		clause(desc);
		strbuf_addstr(desc, "月份 YYYY-MM");
		break;
	case FT_ENUM:
	case FT_ENUMSET:
		oa_enum_schema(s, fd->enumeration, fd->type == FT_ENUMSET, nullable, desc);
		break;
	case FT_MONEY:
		if (fd->min || fd->max) {
			oa_put(s, "minimum", json_integer(fd->min));
			oa_put(s, "maximum", json_integer(fd->max));
		}
		oa_put(s, "multipleOf", json_real(0.01));
		clause(desc);
		strbuf_addstr(desc, "金额（元，最多两位小数）");
		break;
	case FT_REFSET:
		oa_put_str(s, "pattern", "^[A-Za-z0-9._-]+(\\|[A-Za-z0-9._-]+)*$");
		oa_put_str(s, "x-ref", fd->ref);
		clause(desc);
		strbuf_addstr(desc, "多个编号以 | 分隔");
		ref_text(fd, desc);
		break;
	case FT_BOOL:
		break;
	}
}

/*
 * The schema of one field, as the API returns it (`out`) or accepts it.
 * Fields that are neither required nor the key may be null.  A personal
 * field is returned masked, so its output schema has no format.
 */
static json_t *field_schema(const struct field_desc *fd, int out)
{
	int nullable = !(fd->flags & (FF_REQUIRED | FF_KEY));
	const char *type = json_type_of(fd->type);
	json_t *s = oa_must(json_object());
	struct strbuf desc = STRBUF_INIT;

	oa_put(s, "type", nullable ? json_pack("[s s]", type, "null") : json_string(type));
	oa_put_str(s, "title", fd->label);
	oa_put_str(s, "x-type", field_type_name(fd->type));
	if (fd->flags & FF_PERSONAL)
		oa_put(s, "x-personal", json_true());
	if (out && (fd->flags & FF_PERSONAL)) {
		strbuf_addstr(&desc, "掩码显示（个人信息）；原文须说明原因经 reveal 查看，并记入审计");
	} else {
		field_constraints(s, fd, nullable, &desc);
		if (fd->flags & FF_PERSONAL) {
			clause(&desc);
			strbuf_addstr(&desc, "个人信息：加密存储，输出时掩码显示");
		}
	}
	if (fd->flags & FF_DERIVED) {
		clause(&desc);
		strbuf_addstr(&desc, "系统生成");
		oa_put(s, "readOnly", json_true());
	} else if (fd->flags & FF_KEY) {
		clause(&desc);
		strbuf_addstr(&desc, "业务键，创建后不可修改");
	} else if (fd->flags & FF_IMMUTABLE) {
		clause(&desc);
		strbuf_addstr(&desc, "创建后不可修改");
	}
	if (desc.len)
		oa_put_str(s, "description", desc.buf);
	strbuf_release(&desc);
	return s;
}

static int has_personal(const struct entity_desc *ed)
{
	size_t i;

	for (i = 0; i < ed->nfields; i++)
		if (ed->fields[i].flags & FF_PERSONAL)
			return 1;
	return 0;
}

/* What the API returns for one record: every field but the hidden ones. */
static json_t *record_schema(const struct entity_desc *ed)
{
	json_t *s = oa_must(json_pack("{ss ss s{s{ss ss sb} s{ss ss sb}} s[ss]}",
				   "type", "object", "title", ed->label,
				   "properties",
				   "id", "type", "integer", "title", "编号", "readOnly", 1,
				   "rev", "type", "integer", "title", "版本", "readOnly", 1,
				   "required", "id", "rev"));
	json_t *props = json_object_get(s, "properties"), *req = json_object_get(s, "required");
	size_t i;

	for (i = 0; i < ed->nfields; i++) {
		const struct field_desc *fd = &ed->fields[i];

		if (fd->flags & FF_HIDDEN)
			continue;
		oa_put(props, fd->key, field_schema(fd, 1));
		oa_push(req, json_string(fd->key));
	}
	if (ed->overdue_sql)
		oa_put(props, "overdue", json_pack("{ss ss sb}", "type", "boolean", "title", "逾期",
						"readOnly", 1));
	return s;
}

/* What create (`create`) or update accepts: the fields a caller may give. */
static json_t *input_schema(const struct entity_desc *ed, int create)
{
	json_t *s = oa_must(json_pack("{ss ss sb}", "type", "object", "title", ed->label,
				   "additionalProperties", 0));
	json_t *props = oa_child(s, "properties"), *req = oa_must(json_array());
	size_t i;

	for (i = 0; i < ed->nfields; i++) {
		const struct field_desc *fd = &ed->fields[i];

		if (fd->flags & (FF_DERIVED | FF_HIDDEN))
			continue;
		oa_put(props, fd->key, field_schema(fd, 0));
		if (create && (fd->flags & FF_REQUIRED))
			oa_push(req, json_string(fd->key));
	}
	if (create && ed->secret_input) {
		oa_put(props, ed->secret_input,
		    json_pack("{ss ss ss sb ss}", "type", "string", "title", "初始密码",
			      "format", "password", "writeOnly", 1,
			      "description", "须符合密码策略；首次登录须修改"));
		oa_push(req, json_string(ed->secret_input));
	}
	if (!create) {
		oa_put(props, "rev", json_pack("{ss si ss ss}", "type", "integer", "minimum", 0,
					    "title", "版本",
					    "description", "必填：读取时的 rev；缺少时 428，与当前版本不符时 409"));
		oa_push(req, json_string("rev"));
	}
	if (create)
		oa_put_str(s, "description", "未给出的非必填字段为空；null 或空字符串表示清空");
	else
		oa_put_str(s, "description",
			"只给要改的字段；业务键和创建后不可修改的字段只能给原值");
	if (json_array_size(req))
		oa_put(s, "required", req);
	else
		json_decref(req);
	return s;
}

/* One entry of the history of `ed`. */
static json_t *version_schema(const struct entity_desc *ed)
{
	static const struct prop version_props[] = {
		{ "month", "month", "生效月份", P_REQ },
		{ "action", "string", "操作", P_REQ },
		{ "changed_at", "date-time", "操作时间", P_REQ },
		{ "changed_by", "string", "操作人", P_REQ },
	};

	return oa_must(json_pack("{ss s[oo]}", "description", "记录的一个版本",
			      "allOf", oa_ref("schemas", ed->name, ""), OBJECT(NULL, version_props)));
}

/* ---- operations ---- */

enum op_flags {
	OP_PUBLIC = 1 << 0, /* no session needed */
	OP_WRITE = 1 << 1,  /* a state-changing method: X-CSRF-Token needed */
	OP_JSON = 1 << 2,   /* a JSON request body */
};

/*
 * Add operation `method` of `path` and return it (borrowed): operationId,
 * tag, summary, security from `flags` and the problem responses of `errs`
 * (plus those every session, write or JSON body may meet).
 */
static json_t *add_op(json_t *paths, const char *path, const char *method, const char *id,
		      const char *tag, const char *summary, unsigned flags, unsigned errs)
{
	json_t *item = oa_child(paths, path), *op, *responses;
	size_t i;

	if (strstr(path, "{id}") && !json_object_get(item, "parameters"))
		oa_put(item, "parameters", json_pack("[o]", oa_ref("parameters", "id", "")));
	op = oa_must(json_pack("{ss ss s[s] s{}}", "operationId", id, "summary", summary,
			    "tags", tag, "responses"));
	if (flags & OP_PUBLIC)
		oa_put(op, "security", (flags & OP_WRITE) ? json_pack("[{s[]}]", "csrf") : json_array());
	else if (flags & OP_WRITE)
		oa_put(op, "security", json_pack("[{s[] s[]}]", "session", "csrf"));
	if (!(flags & OP_PUBLIC))
		errs |= E401 | E403;
	if (flags & OP_WRITE)
		errs |= E403;
	if (flags & OP_JSON)
		errs |= E400 | E413 | E415;
	responses = json_object_get(op, "responses");
	for (i = 0; i < oa_nproblems; i++)
		if (!oa_problems[i].bit || (errs & oa_problems[i].bit))
			oa_put(responses, oa_problems[i].status,
			       oa_ref("responses", oa_problems[i].name, ""));
	oa_put(item, method, op);
	return op;
}

/* A response with a JSON body of `schema` (stolen; NULL: no body). */
static void respond(json_t *op, const char *status, const char *description, json_t *schema)
{
	json_t *r = oa_must(json_pack("{ss}", "description", description));

	if (schema)
		oa_put(r, "content", json_pack("{s{so}}", "application/json", "schema", schema));
	oa_put(json_object_get(op, "responses"), status, r);
}

/* A required JSON request body of `schema` (stolen). */
static void request_json(json_t *op, json_t *schema)
{
	oa_put(op, "requestBody", json_pack("{sb s{s{so}}}", "required", 1,
					 "content", "application/json", "schema", schema));
}

static void add_param(json_t *op, json_t *param)
{
	json_t *a = json_object_get(op, "parameters");

	if (!a) {
		a = oa_must(json_array());
		oa_put(op, "parameters", a);
	}
	oa_push(a, param);
}

static json_t *query_param(const char *name, const char *description, json_t *schema)
{
	return oa_must(json_pack("{ss ss ss so}", "name", name, "in", "query",
			      "description", description, "schema", schema));
}

/* "可查看：创建办公室、信访局……" from the ROLE_BIT()s of `ed` (the command line aside). */
static void roles_text(struct strbuf *sb, const char *what, const struct entity_desc *ed,
		       unsigned bits)
{
	const struct entity_scope *sc = &ed->scope;
	int r, n = 0;

	strbuf_addf(sb, "%s：", what);
	for (r = ROLE_OFFICE; r < ROLE_SYSTEM; r++)
		if (bits & ROLE_BIT(r))
			strbuf_addf(sb, "%s%s", n++ ? "、" : "", role_label((enum role)r));
	if (!n)
		strbuf_addstr(sb, "仅服务器命令行");
	else if (sc->district || sc->township || sc->supervisor || sc->grid || sc->subject)
		strbuf_addstr(sb, "（限其管辖范围）");
	strbuf_addstr(sb, "。");
}

/* ---- the endpoints of one entity ---- */

/* The list filters of `ed` (with `paging`: page and page_size too). */
static void list_params(json_t *op, const struct entity_desc *ed, int paging)
{
	struct strbuf sb = STRBUF_INIT, search = STRBUF_INIT;
	json_t *sorts = oa_must(json_array());
	size_t i;

	for (i = 0; i < ed->nfields; i++) {
		const struct field_desc *fd = &ed->fields[i];

		if (entity_search_kind(ed, fd) != SEARCH_NONE)
			strbuf_addf(&search, "%s%s", search.len ? "、" : "", fd->label);
		if (fd->flags & FF_SORT) {
			oa_push(sorts, json_string(fd->key));
			strbuf_setf(&sb, "-%s", fd->key);
			oa_push(sorts, json_string(sb.buf));
		}
		if (fd->flags & FF_FILTER) {
			strbuf_setf(&sb, "%s等于此值（给空值则查未填写的）%s", fd->label,
				    (fd->flags & FF_PERSONAL) ? "；按原文精确匹配" :
				    ((fd->flags & FF_KEY) && fd->type == FT_CODE) ||
				    fd->type == FT_ENUM ?
				    "；逗号分隔的多个编码则为其中任一（最多 100 个）" : "");
			add_param(op, query_param(fd->key, sb.buf, json_pack("{ss}", "type", "string")));
		}
		if (fd->flags & FF_RANGE) {
			static const char *const sfx[2] = { "_from", "_to" };
			static const char *const word[2] = { "不早于", "不晚于" };
			int k;

			for (k = 0; k < 2; k++) {
				struct strbuf name = STRBUF_INIT;

				strbuf_addf(&name, "%s%s", fd->key, sfx[k]);
				strbuf_setf(&sb, "%s%s此值", fd->label, word[k]);
				add_param(op, query_param(name.buf, sb.buf,
					type_schema(fd->type == FT_DATE ? "date" :
						    fd->type == FT_MONTH ? "month" : "string", 0)));
				strbuf_release(&name);
			}
		}
	}
	if (search.len) {
		strbuf_setf(&sb, "在%s中查找子串（代码项按名称，引用按所指记录的名称）", search.buf);
		add_param(op, query_param("q", sb.buf, json_pack("{ss}", "type", "string")));
	}
	if (json_array_size(sorts)) {
		strbuf_setf(&sb, "排序字段，前加 - 为倒序；默认 %s",
			    ed->default_sort ? ed->default_sort : "id");
		add_param(op, query_param("sort", sb.buf,
					  json_pack("{ss sO}", "type", "string", "enum", sorts)));
	}
	json_decref(sorts);
	if (ed->overdue_sql)
		add_param(op, query_param("overdue", "1：今天逾期的；0：今天未逾期的",
					  json_pack("{ss s[ss]}", "type", "string", "enum", "1", "0")));
	if (ed->overdue_on_sql)
		add_param(op, query_param("overdue_on",
			"截至该日结束时逾期的：期限在该日或以前、该日结束时仍未办结，"
			"按记录自己的日期判断（与 overdue=0 同用则为未逾期的）",
			type_schema("date", 0)));
	if (ed->flags & ENT_HISTORY)
		add_param(op, oa_ref("parameters", "as_of", ""));
	if (paging) {
		add_param(op, oa_ref("parameters", "page", ""));
		add_param(op, oa_ref("parameters", "page_size", ""));
	}
	strbuf_release(&sb);
	strbuf_release(&search);
}

static void describe(json_t *op, const char *text)
{
	oa_put_str(op, "description", text);
}

/* A response carrying a CSV or XLSX file. */
static json_t *file_response(const char *description)
{
	return oa_must(json_pack("{ss s{s{ss s{ss}}} s{s{s{ss}} s{}}}",
			      "description", description,
			      "headers", "Content-Disposition",
			      "description", "attachment，带中文文件名（RFC 6266）",
			      "schema", "type", "string",
			      "content", "text/csv", "schema", "type", "string", XLSX_TYPE));
}

/* "可查看：…" or "可修改：…" of `ed` into `sb`. */
static void readers(struct strbuf *sb, const struct entity_desc *ed)
{
	roles_text(sb, "可查看", ed, ed->read_roles);
}

static void writers(struct strbuf *sb, const struct entity_desc *ed)
{
	roles_text(sb, "可修改", ed, ed->write_roles);
	if (ed->flags & ENT_GRANTABLE)
		strbuf_addstr(sb, "；区县授权后（/grants），其所属市、省的创建办也可按区县创建办的规则"
			      "新建、修改该区县的记录");
}

/* Describe `op` with `prefix` (may be "") and the roles of `who` (readers, writers). */
static void describe_roles(json_t *op, const char *prefix, const struct entity_desc *ed,
			   void (*who)(struct strbuf *, const struct entity_desc *))
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, prefix);
	who(&sb, ed);
	describe(op, sb.buf);
	strbuf_release(&sb);
}

/* What create or update answers: the record, or its id alone when it left the scope. */
static json_t *record_or_moved(const struct entity_desc *ed)
{
	return json_pack("{s[oo]}", "anyOf", oa_ref("schemas", ed->name, ""),
			 oa_ref("schemas", "Moved", ""));
}

void openapi_entity_list(json_t *op, const struct entity_desc *ed)
{
	describe_roles(op, "", ed, readers);
	list_params(op, ed, 1);
	respond(op, "200", "一页记录", oa_ref("schemas", ed->name, "_page"));
}

void openapi_entity_create(json_t *op, const struct entity_desc *ed)
{
	describe_roles(op, "", ed, writers);
	if (ed->flags & ENT_GRANTABLE)
		add_param(op, query_param("district", "市、省创建办新建时必填：在哪个区县新建（该区县须已授权）",
					  json_pack("{ss}", "type", "string")));
	request_json(op, oa_ref("schemas", ed->name, "_create"));
	respond(op, "201", "已新建", record_or_moved(ed));
}

void openapi_entity_get(json_t *op, const struct entity_desc *ed)
{
	describe_roles(op, "", ed, readers);
	respond(op, "200", "记录（个人信息掩码显示）", oa_ref("schemas", ed->name, ""));
}

void openapi_entity_update(json_t *op, const struct entity_desc *ed)
{
	describe_roles(op, "", ed, writers);
	request_json(op, oa_ref("schemas", ed->name, "_update"));
	respond(op, "200", "修改后的记录", record_or_moved(ed));
}

void openapi_entity_retire(json_t *op, const struct entity_desc *ed)
{
	const struct field_desc *rf = entity_field(ed, ed->retire_field);
	struct strbuf sb = STRBUF_INIT;

	if (rf && rf->type == FT_MONTH)
		strbuf_addf(&sb, "把“%s”设为 month（缺省为本月）。", rf->label);
	else
		strbuf_addf(&sb, "把“%s”设为否。", rf ? rf->label : ed->retire_field);
	describe_roles(op, sb.buf, ed, writers);
	request_json(op, oa_ref("schemas", "RetireRequest", ""));
	respond(op, "200", "停用后的记录", oa_ref("schemas", ed->name, ""));
	strbuf_release(&sb);
}

void openapi_entity_history(json_t *op, const struct entity_desc *ed)
{
	if (ed->flags & ENT_HISTORY) {
		describe(op, "全部版本，从旧到新");
		respond(op, "200", "版本列表", json_pack("{ss so}", "type", "array", "items",
							  oa_ref("schemas", ed->name, "_version")));
	} else {
		describe(op, "不保留版本的记录：返回其审计记录，从旧到新");
		respond(op, "200", "审计记录", type_schema("[$AuditTrailEntry", 0));
	}
}

void openapi_entity_reveal(json_t *op, const struct entity_desc *ed)
{
	describe_roles(op, "须说明原因，记入审计。", ed, writers);
	request_json(op, oa_ref("schemas", ed->name, "_reveal"));
	respond(op, "200", "原文", oa_ref("schemas", "RevealResult", ""));
}

void openapi_entity_export(json_t *op, const struct entity_desc *ed)
{
	describe_roles(op, "按列表的筛选条件导出全部记录：中文列名，枚举为中文，个人信息掩码；记入审计。",
		       ed, readers);
	add_param(op, oa_ref("parameters", "format", ""));
	list_params(op, ed, 0);
	oa_put(json_object_get(op, "responses"), "200", file_response("导出的文件"));
}

void openapi_entity_template(json_t *op, const struct entity_desc *ed)
{
	describe(op, "空的导入模板：表头为可导入字段的中文名");
	add_param(op, oa_ref("parameters", "format", ""));
	oa_put(json_object_get(op, "responses"), "200", file_response("导入模板"));
}

/* A sheet of the grassroots' own (the finance office's ledger): a file. */
void openapi_sheet(json_t *op, const struct entity_desc *ed)
{
	(void)ed;
	oa_put(json_object_get(op, "responses"), "200", file_response("XLSX 或 CSV 文件"));
}

void openapi_entity_import(json_t *op, const struct entity_desc *ed)
{
	describe_roles(op, "请求体为文件本身。表头为字段名或中文名；键已存在的行更新该记录，否则新建。"
		       "有错误行时：keep_good=1 保存正确的行，否则都不保存（422）。", ed, writers);
	add_param(op, oa_ref("parameters", "format", ""));
	add_param(op, oa_ref("parameters", "keep_good", ""));
	oa_put(op, "requestBody", json_pack("{sb s{s{s{ss}} s{}}}", "required", 1, "content",
					 "text/csv", "schema", "type", "string", XLSX_TYPE));
	respond(op, "200", "已导入", oa_ref("schemas", "ImportReport", ""));
	oa_put(json_object_get(op, "responses"), "422",
	    json_pack("{ss s{s{s{s[oo]}}}}", "description",
		      "有错误行，什么也没保存（errors 列出各行的错误）；或文件无法读取",
		      "content", "application/problem+json", "schema", "anyOf",
		      oa_ref("schemas", "ImportReport", ""), oa_ref("schemas", "Problem", "")));
}

/* The schemas of one entity into components/schemas. */
static void entity_schemas(json_t *schemas, const struct entity_desc *ed)
{
	struct strbuf name = STRBUF_INIT;
	json_t *page;

	oa_put(schemas, ed->name, record_schema(ed));
	strbuf_setf(&name, "%s_create", ed->name);
	oa_put(schemas, name.buf, input_schema(ed, 1));
	strbuf_setf(&name, "%s_update", ed->name);
	oa_put(schemas, name.buf, input_schema(ed, 0));

	strbuf_setf(&name, "[$%s", ed->name);
	page = oa_page_schema(name.buf);
	strbuf_setf(&name, "%s_page", ed->name);
	oa_put(schemas, name.buf, page);

	if (ed->flags & ENT_HISTORY) {
		strbuf_setf(&name, "%s_version", ed->name);
		oa_put(schemas, name.buf, version_schema(ed));
	}
	if (has_personal(ed)) {
		json_t *keys = oa_must(json_array());
		size_t i;

		for (i = 0; i < ed->nfields; i++)
			if (ed->fields[i].flags & FF_PERSONAL)
				oa_push(keys, json_string(ed->fields[i].key));
		strbuf_setf(&name, "%s_reveal", ed->name);
		oa_put(schemas, name.buf,
		    json_pack("{ss sb s{s{ss so ss} s{ss si ss}} s[ss]}", "type", "object",
			      "additionalProperties", 0, "properties",
			      "field", "type", "string", "enum", keys, "title", "个人信息字段",
			      "reason", "type", "string", "minLength", 2, "title", "查看原因",
			      "required", "field", "reason"));
	}
	strbuf_release(&name);
}

/* ---- the special parts of fixed endpoints ---- */


void openapi_figures(json_t *op, const struct entity_desc *ed)
{
	respond(op, "200", "报告数字", openapi_figures_schema());
}

void openapi_login_cookie(json_t *op, const struct entity_desc *ed)
{
	oa_put(json_object_get(json_object_get(op, "responses"), "200"), "headers",
	    json_pack("{s{ss s{ss}}}", "Set-Cookie", "description",
		      "sanling_session=…; Path=/; HttpOnly; SameSite=Strict",
		      "schema", "type", "string"));
}

/* ---- the operations of the route table ---- */

/* A schema as routes.h writes it: JSON text, or a short type name. */
static json_t *spec_schema(const char *spec)
{
	json_error_t jerr;

	if (spec[0] == '{' && spec[1] == '"')
		return oa_must(json_loads(spec, JSON_REJECT_DUPLICATES, &jerr));
	return type_schema(spec, 0);
}

static json_t *route_param(const struct route_param *p)
{
	json_t *j;

	if (p->schema[0] == '@')
		return oa_ref("parameters", p->schema + 1, "");
	j = oa_must(json_pack("{ss ss}", "name", p->name, "in", "query"));
	if (p->required != P_UNSAID)
		oa_put(j, "required", json_boolean(p->required == P_REQUIRED));
	oa_put_str(j, "description", p->description);
	oa_put(j, "schema", spec_schema(p->schema));
	return j;
}

/* The parts of operation `op` that the row's columns say, then its doc hook. */
static void route_doc(json_t *op, const struct route *r, const struct entity_desc *ed)
{
	const struct route_param *p;

	if (r->description)
		describe(op, r->description);
	if (strstr(r->path, "{month}"))
		add_param(op, json_pack("{ss ss sb ss s{ss ss}}", "name", "month", "in", "path",
					"required", 1, "description", "月份 YYYY-MM",
					"schema", "type", "string", "pattern", MONTH_PATTERN));
	for (p = r->params; p && p->schema; p++)
		add_param(op, route_param(p));
	if (r->request)
		request_json(op, spec_schema(r->request));
	if (r->status)
		respond(op, r->status, r->response,
			r->response_schema ? spec_schema(r->response_schema) : NULL);
	if (r->doc)
		r->doc(op, ed);
}

static unsigned op_flags(const struct route *r)
{
	return ((r->flags & R_PUBLIC) ? OP_PUBLIC : 0) | (route_is_write(r->method) ? OP_WRITE : 0) |
	       ((r->flags & R_JSON) ? OP_JSON : 0);
}

/* "GET" as "get" (methods are short). */
static void method_name(const char *m, char *out, size_t size)
{
	size_t i;

	for (i = 0; m[i] && i + 1 < size; i++)
		out[i] = (char)(m[i] >= 'A' && m[i] <= 'Z' ? m[i] - 'A' + 'a' : m[i]);
	out[i] = 0;
}

/* The routes of entity `ed`: /{entity}... as /<name>..., tagged with its label. */
static void entity_paths(json_t *paths, const struct entity_desc *ed)
{
	struct strbuf path = STRBUF_INIT, id = STRBUF_INIT, sum = STRBUF_INIT;
	const struct route *r;
	char method[8];

	for (r = api_routes; r->method; r++) {
		if (!strcmp(r->method, "*") || !route_per_entity(r) || (r->shown && !r->shown(ed)))
			continue;
		strbuf_setf(&path, "/%s%s", ed->name, r->path + strlen("/{entity}"));
		strbuf_setf(&id, "%s_%s", ed->name, r->op);
		strbuf_setf(&sum, "%s%s", ed->label, r->summary);
		method_name(r->method, method, sizeof(method));
		route_doc(add_op(paths, path.buf, method, id.buf, ed->label, sum.buf, op_flags(r),
				 r->errors), r, ed);
	}
	strbuf_release(&path);
	strbuf_release(&id);
	strbuf_release(&sum);
}

/* The routes that are not an entity's. */
static void fixed_paths(json_t *paths)
{
	const struct route *r;
	char method[8];

	for (r = api_routes; r->method; r++) {
		const char *tag = r->tag;

		if (!strcmp(r->method, "*") || route_per_entity(r))
			continue;
		if (tag[0] == '@') { /* the label of an entity, when there is that entity */
			const struct entity_desc *ed = entity_find(tag + 1);
			if (!ed)
				continue;
			tag = ed->label;
		}
		method_name(r->method, method, sizeof(method));
		route_doc(add_op(paths, r->path, method, r->op, tag, r->summary, op_flags(r),
				 r->errors), r, NULL);
	}
}

/* ---- the document ---- */

json_t *openapi_document(void)
{
	json_t *doc, *paths = oa_must(json_object()), *comp = openapi_components(), *tags = oa_must(json_array());
	json_t *schemas = json_object_get(comp, "schemas");
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	oa_push(tags, json_pack("{ss ss}", "name", TAG_SESSION, "description", "登录、退出、当前用户、修改密码"));
	oa_push(tags, json_pack("{ss ss}", "name", TAG_SYSTEM, "description", "健康检查、元数据、本文档"));
	for (i = 0; entities[i]; i++) {
		const struct entity_desc *ed = entities[i];

		strbuf_setf(&sb, "%s：/%s", ed->label, ed->name);
		oa_push(tags, json_pack("{ss ss}", "name", ed->label, "description", sb.buf));
		entity_schemas(schemas, ed);
		entity_paths(paths, ed);
	}
	oa_push(tags, json_pack("{ss ss}", "name", TAG_SETTINGS, "description", "设置：安全策略——密码策略、按个人信息查找的次数（安全管理员）；工作设置——督办转红牌的工作日数（创建办公室）"));
	oa_push(tags, json_pack("{ss ss}", "name", TAG_AUDIT, "description", "审计日志（审计管理员）"));
	fixed_paths(paths);

	doc = oa_must(json_pack("{ss s{ss ss ss} s[{ss ss}] s[{s[]}] so so so}",
			     "openapi", "3.1.0",
			     "info", "title", "Sanling 三零创建管理系统 API", "version", "1",
			     "description",
			     "所有请求与响应为 JSON（导入导出为 CSV/XLSX 文件）；错误为 "
			     "application/problem+json。个人信息一律掩码显示。",
			     "servers", "url", "/api/v1", "description", "本服务器",
			     "security", "session",
			     "tags", tags, "paths", paths, "components", comp));
	strbuf_release(&sb);
	return doc;
}
