/*
 * openapi_schemas.c: the fixed schemas of the OpenAPI document (see
 * openapi_int.h): problems, the session and login, the metadata, the
 * settings (from their own table, model/settings.c), the audit, the health
 * answer, and the report figures (from their table, assess/figure_keys.c),
 * written from small property tables; and the components they make with
 * every entity's schemas.
 */
#include "api/openapi_int.h"

#include <string.h>

#include "api/routes.h"
#include "assess/figure_keys.h"
#include "base/strbuf.h"
#include "model/enums.h"
#include "model/numbers.h"
#include "model/settings.h"

/* The problem answers, each with the bit of routes.h that names it (0: every operation). */
const struct oa_problem oa_problems[] = {
	{ E400, "400", "BadRequest", "请求格式错误：未知的参数或字段、JSON 格式错误" },
	{ E401, "401", "Unauthorized", "未登录、会话已过期，或用户名或密码错误" },
	{ E403, "403", "Forbidden", "无权操作、须先修改初始密码，或 CSRF 令牌缺失/不正确" },
	{ E404, "404", "NotFound", "记录不存在或不在您的管辖范围内" },
	{ E409, "409", "Conflict", "键重复，或记录已被他人修改（rev 不符）" },
	{ E413, "413", "TooLarge", "请求体过大" },
	{ E415, "415", "UnsupportedMediaType", "请求体应为 application/json" },
	{ E422, "422", "Invalid", "字段值不合规定；field 指出出错的字段" },
	{ E428, "428", "PreconditionRequired", "缺少 rev：修改须带上读取时的版本号" },
	{ E429, "429", "TooManyRequests",
	  "失败次数过多，此来源须等待 retry_after 秒（Retry-After 响应头）后再试" },
	{ 0, "500", "ServerError", "服务器内部错误" },
};
const size_t oa_nproblems = sizeof(oa_problems) / sizeof(oa_problems[0]);

/* ---- the fixed schemas ---- */

static const struct prop problem_props[] = {
	{ "type", "string", "问题类型（about:blank）", P_REQ },
	{ "title", "string", "HTTP 状态短语", P_REQ },
	{ "status", "integer", "HTTP 状态码", P_REQ },
	{ "detail", "string", "说明（中文，可直接显示给用户）", 0 },
	{ "field", "string", "出错的字段", 0 },
	{ "retry_after", "integer", "须等待的秒数（仅 429）", 0 },
};

static const struct prop moved_props[] = {
	{ "id", "integer", "编号", P_REQ },
};

static const struct prop import_error_props[] = {
	{ "row", "integer", "行号（表头为第 1 行）", P_REQ },
	{ "column", "string", "列（中文名）", P_REQ | P_NULL },
	{ "field", "string", "字段", P_REQ | P_NULL },
	{ "message", "string", "错误", P_REQ },
};

static const struct prop import_report_props[] = {
	{ "rows", "integer", "读到的数据行数", P_REQ },
	{ "created", "integer", "新建", P_REQ },
	{ "updated", "integer", "更新", P_REQ },
	{ "failed", "integer", "出错的行数", P_REQ },
	{ "errors", "[$ImportError", "各行的错误（至多 1000 条）", P_REQ },
	{ "detail", "string", "说明（仅 422）", 0 },
};

static const struct prop trail_props[] = {
	{ "changed_at", "date-time", "操作时间", P_REQ },
	{ "changed_by", "string", "操作人", P_REQ },
	{ "action", "string", "操作", P_REQ },
	{ "outcome", "string", "结果", P_REQ },
	{ "detail", "string", "详情", P_REQ },
};

static const struct prop retire_props[] = {
	{ "month", "month", "退出/停用月份（缺省为本月）", 0 },
};

static const struct prop reveal_result_props[] = {
	{ "id", "integer", "编号", P_REQ },
	{ "field", "string", "字段", P_REQ },
	{ "value", "string", "原文", P_REQ | P_NULL },
};

static const struct prop me_props[] = {
	{ "username", "string", "用户名", P_REQ },
	{ "display_name", "string", "姓名", P_NULL },
	{ "role", "$Role", "角色", P_REQ },
	{ "role_label", "string", "角色名称", P_REQ },
	{ "department", "string", "所属单位", P_NULL },
	{ "district", "string", "区县", P_NULL },
	{ "township", "string", "乡镇", P_NULL },
	{ "grid", "string", "网格", P_NULL },
	{ "subject", "string", "创建主体", P_NULL },
	{ "must_change", "boolean", "须修改密码", P_REQ },
	{ "village", "string", "驻村（社区）：驻村辅警账号的村，其网格为空", P_NULL },
	{ "region", "string", "市或省：市/省创建办账号所在的区划", P_NULL },
	{ "region_name", "string", "该市或省的名称", P_NULL },
	{ "grants", "[$Grant", "市、省创建办账号：各区县授予本单位、未撤销的授权（可在哪个区县修改哪个清单）", 0 },
	{ "csrf_token", "string", "CSRF 令牌", 0 },
};

/* A grant of a list by a district to the office above it (model/grants.c). */
static const struct prop grant_props[] = {
	{ "id", "integer", "编号", P_REQ },
	{ "district", "string", "授权的区县", P_REQ },
	{ "district_name", "string", "区县名称", P_REQ },
	{ "region", "string", "获授权的市或省", P_REQ },
	{ "region_name", "string", "市或省的名称", P_REQ },
	{ "list", "string", "清单（实体名）", P_REQ },
	{ "list_label", "string", "清单名称", P_REQ },
	{ "granted_by", "string", "授权人", P_REQ },
	{ "granted_at", "date-time", "授权时间", P_REQ },
	{ "revoked_by", "string", "撤销人", P_REQ | P_NULL },
	{ "revoked_at", "date-time", "撤销时间", P_REQ | P_NULL },
	{ "active", "boolean", "有效（未撤销）", P_REQ },
};

static const struct prop grant_request_props[] = {
	{ "region", "string", "本区县所属的市或省（代码）", P_REQ },
	{ "list", "string", "清单（实体名，见 GET /grants 的 lists）", P_REQ },
};

static const struct prop grant_list_props[] = {
	{ "items", "[$Grant", "授权，新的在前", P_REQ },
	{ "total", "integer", "条数", P_REQ },
	{ "regions", "[object", "区县创建办：可授权的市、省 {code, name, level}", 0 },
	{ "lists", "[object", "区县创建办：可授权的清单 {name, label}", 0 },
};

static const struct prop login_props[] = {
	{ "username", "string", "用户名", P_REQ },
	{ "password", "string", "密码", P_REQ },
};

static const struct prop login_result_props[] = {
	{ "csrf_token", "string", "CSRF 令牌：此后每个 POST/PATCH/PUT/DELETE 放在 X-CSRF-Token 请求头",
	  P_REQ },
	{ "must_change", "boolean", "须先修改密码", P_REQ },
	{ "user", "$Me", "当前用户", P_REQ },
};

static const struct prop password_change_props[] = {
	{ "old_password", "string", "原密码", P_REQ },
	{ "new_password", "string", "新密码", P_REQ },
};

static const struct prop user_password_props[] = {
	{ "password", "string", "新密码（下次登录须修改）", P_REQ },
};

/* The settings, their titles and ranges from the one table (model/settings.c). */
static json_t *settings_schema(void)
{
	struct prop props[16] = { { 0 } };
	json_t *s;
	size_t n;

	for (n = 0; settings_table[n].key && n < sizeof(props) / sizeof(props[0]); n++)
		props[n] = (struct prop){ settings_table[n].key, "integer", settings_table[n].label,
					  P_REQ };
	s = oa_object_schema("设置（每个角色只见自己的项）", props, n);
	oa_put(s, "additionalProperties", json_false());
	json_object_del(s, "required");
	for (n = 0; settings_table[n].key && n < sizeof(props) / sizeof(props[0]); n++) {
		oa_prop_set(s, settings_table[n].key, "minimum", json_integer(settings_table[n].min));
		oa_prop_set(s, settings_table[n].key, "maximum", json_integer(settings_table[n].max));
	}
	/* the office's numbering patterns (model/numbers.h) */
	json_object_set_new(json_object_get(s, "properties"), NUMBER_PATTERNS,
		oa_must(json_pack("{ss ss s{ss}}", "type", "object",
			"description", "编号规则（办公室）：{列表: 规则}，如 XF{YYYY}-{NNNNNN}；空或 null 恢复默认",
			"additionalProperties", "type", "string")));
	return s;
}

static const struct prop audit_entry_props[] = {
	{ "seq", "integer", "序号", P_REQ },
	{ "at", "date-time", "时间（UTC）", P_REQ },
	{ "username", "string", "用户", P_REQ },
	{ "action", "string", "操作", P_REQ },
	{ "object", "string", "对象", P_REQ },
	{ "outcome", "string", "结果", P_REQ },
	{ "source", "string", "来源地址", P_REQ },
	{ "detail", "string", "详情", P_REQ },
};

static const struct prop audit_verify_props[] = {
	{ "ok", "boolean", "审计链完好", P_REQ },
	{ "rows", "integer", "检查的行数（链完好时）", 0 },
	{ "bad_seq", "integer", "第一条校验不通过的序号（链断开时）", 0 },
	{ "message", "string", "说明", 0 },
};

static const struct prop enum_item_props[] = {
	{ "code", "string", "代码", P_REQ },
	{ "label", "string", "中文名", P_REQ },
};

static const struct prop field_meta_props[] = {
	{ "key", "string", "字段名", P_REQ },
	{ "label", "string", "中文名", P_REQ },
	{ "type", "string", "类型", P_REQ },
	{ "required", "boolean", "必填", P_REQ },
	{ "is_key", "boolean", "业务键", P_REQ },
	{ "personal", "boolean", "个人信息", P_REQ },
	{ "readonly", "boolean", "系统生成", P_REQ },
	{ "immutable", "boolean", "创建后不可修改", P_REQ },
	{ "filter", "boolean", "可筛选", P_REQ },
	{ "sort", "boolean", "可排序", P_REQ },
	{ "list", "boolean", "列表默认列", P_REQ },
	{ "search", "boolean", "参与 q 查找", P_REQ },
	{ "range", "boolean", "可按范围筛选", P_REQ },
	{ "import", "boolean", "导入模板的列", P_REQ },
	{ "enum", "string", "枚举名（见 enums）", 0 },
	{ "ref", "string", "引用的实体", 0 },
	{ "ref_level", "string", "引用记录的层级", 0 },
	{ "min", "integer", "最小值", 0 },
	{ "max", "integer", "最大值或最大长度", 0 },
	{ "hint", "string", "填写提示（自动编号的编号字段：“留空自动编号”）", 0 },
};

static const struct prop entity_meta_props[] = {
	{ "name", "string", "实体名（URL 中的名字）", P_REQ },
	{ "label", "string", "中文名", P_REQ },
	{ "key", "string", "业务键字段", P_REQ },
	{ "history", "boolean", "保留历史版本", P_REQ },
	{ "retire", "boolean", "可停用/退出", P_REQ },
	{ "overdue", "boolean", "记录有期限：列表可按 overdue=1|0 查今天逾期的", P_REQ },
	{ "overdue_on", "boolean", "列表可按 overdue_on=日期 查该日结束时逾期的", P_REQ },
	{ "can_read", "boolean", "当前用户可查看", P_REQ },
	{ "can_write", "boolean", "当前用户可修改", P_REQ },
	{ "default_sort", "string", "默认排序", 0 },
	{ "fields", "[$FieldMeta", "字段", P_REQ },
	{ "attachments", "boolean", "记录可带附件（/{entity}/{id}/attachments）", P_REQ },
	{ "scope", "{string", "定位范围的字段：district、township、supervisor、grid、subject 各为哪一字段（有则列出）", P_REQ },
};

static const struct prop meta_props[] = {
	{ "entities", "[$EntityMeta", "当前用户可访问的实体", P_REQ },
	{ "enums", "{[$EnumItem", "全部枚举", P_REQ },
	{ "roles", "[$EnumItem", "角色", P_REQ },
	{ "me", "$Me", "当前用户", P_REQ },
	{ "figures", "[$FigureMeta", "报告数字的键、中文名、单位与口径", P_REQ },
	{ "names", "{$ListNames", "全部列表及其字段的中文名（按列表名），供审计日志等显示名称", P_REQ },
};

/* A list's names in /meta's `names` (entity_names()). */
static const struct prop list_names_props[] = {
	{ "label", "string", "列表名称", P_REQ },
	{ "fields", "{string", "字段键 → 字段名称", P_REQ },
};

/* A row of the figures' table in /meta (figure_keys_json()). */
static const struct prop figure_list_props[] = {
	{ "entity", "string", "列表（实体名）", P_REQ },
	{ "query", "{string", "查询参数：{from} 为当年 1 月 1 日，{to} 为该月最后一天，{next} 为其次日，{month} 为该月，"
	  "{january} 为当年 1 月（YYYY-MM）；查得的记录（数或 sum 字段之和）即该数字", P_REQ },
	{ "sum", "string", "求和的字段；null 为记录数", P_REQ | P_NULL },
};

static const struct prop figure_meta_props[] = {
	{ "key", "string", "键", P_REQ },
	{ "label", "string", "中文名", P_REQ },
	{ "unit", "string", "单位（count、percent、yuan）", P_REQ },
	{ "measure", "string", "量词", P_REQ | P_NULL },
	{ "counts", "string", "统计口径", P_REQ },
	{ "list", "$FigureList", "所统计记录的列表查询（比率为分子）；无则 null", P_REQ | P_NULL },
	{ "share_of", "string", "比率的分母（键）", P_REQ | P_NULL },
	{ "determination", "string", "来自月度认定的数字：主体类型", P_REQ | P_NULL },
	{ "results", "{string", "所统计主体的认定结果查询（GET /months/{month}/results 的参数；比率为分母，"
	  "分子在其 counts 中）；无则 null", P_REQ | P_NULL },
};

static const struct prop health_props[] = {
	{ "status", "string", "状态", P_REQ },
	{ "version", "string", "程序版本", P_REQ },
	{ "schema", "string", "程序的数据库结构版本（最后一个迁移的编号）", P_REQ },
};

static void fixed_schemas(json_t *schemas)
{
	json_t *s, *types;
	struct strbuf desc = STRBUF_INIT;
	int t;

	oa_put(schemas, "Problem", OBJECT("问题（RFC 9457）", problem_props));
	s = OBJECT("已保存，但记录已不在您的管辖范围内：只返回编号", moved_props);
	oa_put(s, "additionalProperties", json_false());
	oa_put(schemas, "Moved", s);
	oa_put(schemas, "ImportError", OBJECT("导入错误", import_error_props));
	oa_put(schemas, "ImportReport", OBJECT("导入结果", import_report_props));
	oa_put(schemas, "AuditTrailEntry", OBJECT("审计记录", trail_props));
	s = OBJECT("停用/退出", retire_props);
	oa_put(s, "additionalProperties", json_false());
	oa_put(schemas, "RetireRequest", s);
	oa_put(schemas, "RevealResult", OBJECT("个人信息原文", reveal_result_props));

	s = oa_must(json_pack("{ss ss}", "type", "string", "title", "角色"));
	oa_enum_schema(s, &enum_user_role, 0, 0, &desc);
	oa_put_str(s, "description", desc.buf);
	oa_put(schemas, "Role", s);
	oa_put(schemas, "Me", OBJECT("当前用户", me_props));
	oa_put(schemas, "Grant", OBJECT("向上级的授权", grant_props));
	s = OBJECT("授权", grant_request_props);
	oa_put(s, "additionalProperties", json_false());
	oa_put(schemas, "GrantRequest", s);
	oa_put(schemas, "GrantList", OBJECT("向上级的授权", grant_list_props));
	oa_put(schemas, "ListNames", OBJECT("列表及字段名称", list_names_props));

	s = OBJECT("登录", login_props);
	oa_put(s, "additionalProperties", json_false());
	oa_prop_set(s, "username", "maxLength", json_integer(64));
	oa_prop_set(s, "password", "maxLength", json_integer(256));
	oa_prop_set(s, "password", "format", json_string("password"));
	oa_put(schemas, "LoginRequest", s);
	oa_put(schemas, "LoginResult", OBJECT("登录成功", login_result_props));
	s = OBJECT("修改密码", password_change_props);
	oa_put(s, "additionalProperties", json_false());
	oa_prop_set(s, "old_password", "format", json_string("password"));
	oa_prop_set(s, "new_password", "format", json_string("password"));
	oa_put(schemas, "PasswordChange", s);
	s = OBJECT("重置密码", user_password_props);
	oa_put(s, "additionalProperties", json_false());
	oa_prop_set(s, "password", "format", json_string("password"));
	oa_put(schemas, "UserPassword", s);

	oa_put(schemas, "Settings", settings_schema());
	s = settings_schema();
	json_object_del(s, "required");
	oa_put_str(s, "description", "只给要改的项");
	oa_put(schemas, "SettingsUpdate", s);

	oa_put(schemas, "AuditEntry", OBJECT("审计日志的一行", audit_entry_props));
	oa_put(schemas, "AuditPage", oa_page_schema("[$AuditEntry"));
	oa_put(schemas, "AuditVerify", OBJECT("审计链校验结果", audit_verify_props));

	oa_put(schemas, "EnumItem", OBJECT("代码与中文名", enum_item_props));
	s = OBJECT("字段描述", field_meta_props);
	types = oa_must(json_array());
	for (t = FT_TEXT; t <= FT__LAST; t++)
		oa_push(types, json_string(field_type_name((enum field_type)t)));
	oa_prop_set(s, "type", "enum", types);
	oa_put(schemas, "FieldMeta", s);
	oa_put(schemas, "EntityMeta", OBJECT("实体描述", entity_meta_props));
	oa_put(schemas, "Meta", OBJECT("元数据", meta_props));
	oa_put(schemas, "FigureList", OBJECT("列表查询", figure_list_props));
	oa_put(schemas, "FigureMeta", OBJECT("报告数字的键", figure_meta_props));

	s = OBJECT("健康检查", health_props);
	oa_prop_set(s, "status", "const", json_string("ok"));
	oa_put(schemas, "Health", s);
	strbuf_release(&desc);
}

json_t *openapi_components(void)
{
	json_t *c = oa_must(json_object()), *responses, *p;
	size_t i;

	fixed_schemas(oa_child(c, "schemas"));
	responses = oa_child(c, "responses");
	for (i = 0; i < oa_nproblems; i++)
		oa_put(responses, oa_problems[i].name,
		       json_pack("{ss s{s{so}}}", "description", oa_problems[i].description,
			      "content", "application/problem+json", "schema",
			      oa_ref("schemas", "Problem", "")));

	p = oa_child(c, "parameters");
	oa_put(p, "id", json_pack("{ss ss sb ss s{ss si}}", "name", "id", "in", "path",
			       "required", 1, "description", "记录编号",
			       "schema", "type", "integer", "minimum", 1));
	oa_put(p, "page", json_pack("{ss ss ss s{ss si si}}", "name", "page", "in", "query",
				 "description", "页码，从 1 起",
				 "schema", "type", "integer", "minimum", 1, "default", 1));
	oa_put(p, "page_size", json_pack("{ss ss ss s{ss si si si}}", "name", "page_size",
				      "in", "query", "description", "每页条数",
				      "schema", "type", "integer", "minimum", 1, "maximum", 500,
				      "default", 20));
	oa_put(p, "as_of", json_pack("{ss ss ss s{ss ss}}", "name", "as_of", "in", "query",
				  "description", "该月份时的名单（YYYY-MM）",
				  "schema", "type", "string", "pattern", MONTH_PATTERN));
	oa_put(p, "format", json_pack("{ss ss ss s{ss s[ss] ss}}", "name", "format", "in", "query",
				   "description", "文件格式",
				   "schema", "type", "string", "enum", "csv", "xlsx",
				   "default", "xlsx"));
	oa_put(p, "keep_good", json_pack("{ss ss ss s{ss s[ii] si}}", "name", "keep_good",
				      "in", "query",
				      "description", "有错误行时：1 保存正确的行，0 什么也不保存",
				      "schema", "type", "integer", "enum", 0, 1, "default", 0));

	oa_put(c, "securitySchemes",
	    json_pack("{s{ss ss ss ss} s{ss ss ss ss}}",
		      "session", "type", "apiKey", "in", "cookie", "name", "sanling_session",
		      "description", "登录时由 Set-Cookie 设置的会话 Cookie（HttpOnly）",
		      "csrf", "type", "apiKey", "in", "header", "name", "X-CSRF-Token",
		      "description", "每个 POST/PATCH/PUT/DELETE 都须带上：登录响应的 csrf_token"
		      "（亦在 Cookie sanling_csrf 中）；登录请求本身尚无会话，带任意非空值"));
	return c;
}

/* The figures' object: one property per row of their table (assess/figure_keys.h). */
json_t *openapi_figures_schema(void)
{
	json_t *s = json_pack("{ss ss sb}", "type", "object", "title", "报告数字",
			      "additionalProperties", 0);
	json_t *props = json_object(), *req = json_array();
	char title[160];
	size_t i;

	for (i = 0; i < FIG__COUNT; i++) {
		const struct figure_key *fk = &figure_keys[i];
		json_t *p;
		figure_key_title(fk, title, sizeof(title));
		if (fk->unit == FU_PERCENT)
			p = json_pack("{s[ss] ss ss+}", "type", "number", "null", "title", title,
				      "description", fk->counts,
				      "；百分比，四舍五入（远离零）到一位小数；空集为 null");
		else
			p = json_pack("{ss ss ss si}", "type", fk->unit == FU_YUAN ? "number" : "integer",
				      "title", title, "description", fk->counts, "minimum", 0);
		json_object_set_new(props, fk->key, p);
		json_array_append_new(req, json_string(fk->key));
	}
	json_object_set_new(s, "properties", props);
	json_object_set_new(s, "required", req);
	return s;
}
