/*
 * routes.c: the route table of /api/v1 and the matching of a request to
 * its row (see routes.h).  The rows are in the order the OpenAPI document
 * lists them: the session and system, the administrators', the monthly
 * determination, then the routes of every entity.  Matching does not
 * depend on the order.
 */
#include "api/routes.h"

#include <string.h>

#include "api/api_int.h"
#include "api/openapi.h"
#include "model/entity.h"
#include "model/role.h"

#define MONTH_ACT(act, summary_, fields)						\
	{ .method = "POST", .path = "/months/{month}/" #act, .handle = api_month_##act,	\
	  .flags = R_WRITER | R_JSON, .op = "month_" #act, .tag = TAG_ASSESS,		\
	  .summary = summary_, .description = "请求体字段：" fields "；均为字符串",	\
	  .errors = E400 | E404 | E409 | E422, .request = "{string",			\
	  .status = "200", .response = "该月认定状态", .response_schema = "object" }

/* A fallback: what other methods of `path` answer. */
#define FALLBACK(path_, handle_, flags_, roles_, check_)				\
	{ .method = "*", .path = path_, .handle = handle_, .flags = flags_, .roles = roles_,	\
	  .check = check_ }

#define PAGE_SIZE_50 "{\"type\": \"integer\", \"minimum\": 1, \"maximum\": 500, \"default\": 50}"

static const struct route_param audit_params[] = {
	{ "user", "用户名", "string" },
	{ "action", "操作", "string" },
	{ "from", "自此日起（含）", "date" },
	{ "to", "到此日为止（不含此日）", "date" },
	{ .schema = "@page" },
	{ "page_size", "每页条数", PAGE_SIZE_50 },
	{ NULL },
};

static const struct route_param grants_params[] = {
	{ "active", "1：只看未撤销的", "{\"type\": \"string\", \"enum\": [\"0\", \"1\"]}" },
	{ NULL },
};

static const struct route_param subject_months_params[] = {
	{ "year", "年份 YYYY（默认今年）", "{\"type\": \"string\", \"pattern\": \"^[0-9]{4}$\"}" },
	{ NULL },
};

static const struct route_param figures_params[] = {
	{ "through", "截至月份 YYYY-MM（含）", "month" },
	{ "township", "只看一个乡镇", "string" },
	{ "supervisor", "只看一个行业主管单位", "string" },
	{ NULL },
};

static const struct route_param breakdown_params[] = {
	{ "through", "截至月份 YYYY-MM（含）", "month" },
	{ "by", "township、supervisor、district（区县，附名次）或 month",
	  "{\"type\": \"string\", \"enum\": [\"township\", \"supervisor\", \"district\", \"month\"]}" },
	{ NULL },
};

static const struct route_param ranking_params[] = {
	{ "month", "考评月份 YYYY-MM", "month" },
	{ "by", "township（乡镇）或 sector（行业部门）",
	  "{\"type\": \"string\", \"enum\": [\"township\", \"sector\"]}" },
	{ NULL },
};

static const struct route_param map_params[] = {
	{ "month", "截至月份 YYYY-MM（含）", "month" },
	{ NULL },
};

static const struct route_param reports_params[] = {
	{ "month", "月份 YYYY-MM", "month" },
	{ NULL },
};

#define REPORT_FORMAT { "format", "docx、pdf（默认）或 xlsx", \
	"{\"type\": \"string\", \"enum\": [\"docx\", \"pdf\", \"xlsx\"]}" }
#define REPORT_VERSION { "version", "归档版本（已发布月份的全区报告、通报；默认为当前发布的版本）", \
	"{\"type\": \"integer\", \"minimum\": 1}" }

static const struct route_param report_month_params[] = {
	{ "month", "月份 YYYY-MM", "month" }, REPORT_FORMAT, REPORT_VERSION,
	{ NULL },
};

static const struct route_param report_minutes_params[] = {
	{ "meeting", "联席会议编号", "string" }, REPORT_FORMAT,
	{ NULL },
};

static const struct route_param report_notice_params[] = {
	{ "item", "督办编号", "string" }, REPORT_FORMAT,
	{ NULL },
};

static const struct route_param results_params[] = {
	{ "span", "month（默认）：该月认定结果；year：本年累计（1 月至该月每月都达标才算达标，"
	  "不达标的列出未达标的月份及原因）", "{\"type\": \"string\", \"enum\": [\"month\", \"year\"]}" },
	{ "township", "乡镇", "string" },
	{ "supervisor", "主管部门（行业）", "string" },
	{ "kind", "主体类型", "string" },
	{ "group", "village：村（社区），enterprise：企事业单位（与统计数字的分组相同）",
	  "{\"type\": \"string\", \"enum\": [\"village\", \"enterprise\"]}" },
	{ "dimension", "只看该维度不达标的（本年累计：有月份该维度不达标的）",
	  "{\"type\": \"string\", \"enum\": [\"petition\", \"accident\", \"case\"]}" },
	{ "fail", "1 只看不达标，0 只看达标", "{\"type\": \"string\", \"enum\": [\"0\", \"1\"]}" },
	{ .schema = "@page" },
	{ "page_size", "每页条数", PAGE_SIZE_50 },
	{ NULL },
};

static const struct route_param explain_params[] = {
	{ "subject", "主体编码", "string" },
	{ "month", "月份 YYYY-MM", "month", P_OPTIONAL },
	{ NULL },
};

static const struct route_param warnings_params[] = {
	{ "month", "月份 YYYY-MM", "month", P_OPTIONAL },
	{ "limit", "最多条数", "{\"type\": \"integer\", \"minimum\": 1, \"maximum\": 500}" },
	{ NULL },
};

static const struct route_param confirmations_params[] = {
	{ "month", "月份 YYYY-MM（缺省：本月；不能是尚未到来的月份）", "month", P_OPTIONAL },
	{ NULL },
};

static const struct route_param confirmation_subjects_params[] = {
	{ "change", "哪一个数：added 新增、changed 变更、closed 退出、subjects 月末在册",
	  "{\"type\": \"string\", \"enum\": [\"added\", \"changed\", \"closed\", \"subjects\"]}",
	  P_REQUIRED },
	{ "unit", "单位：行业主管单位代码或乡镇区划代码（创建办必填；其他单位缺省为本单位）", "string",
	  P_OPTIONAL },
	{ "unit_kind", "department 行业主管单位 或 township 乡镇（缺省：按代码判断）",
	  "{\"type\": \"string\", \"enum\": [\"department\", \"township\"]}", P_OPTIONAL },
	{ NULL },
};

static const struct route_param todos_wait_params[] = {
	{ "since", "上次得到的待办版本（GET /todos 或上次等待的 version）；不给则立即答复",
	  "{\"type\": \"integer\", \"minimum\": 0}" },
	{ NULL },
};

static const struct route_param ledger_params[] = {
	{ "month", "月份 YYYY-MM", "month", P_REQUIRED },
	{ "format", "xlsx（缺省）或 csv", "{\"type\": \"string\", \"enum\": [\"xlsx\", \"csv\"]}" },
	{ NULL },
};

static const struct route_param patrols_today_params[] = {
	{ "date", "日期 YYYY-MM-DD（缺省：今天）", "date", P_OPTIONAL },
	{ NULL },
};

static int has_retire(const struct entity_desc *ed)
{
	return (ed->flags & ENT_RETIRE) != 0;
}

static int has_bulk(const struct entity_desc *ed)
{
	return ed->bulk != NULL;
}

static int has_personal(const struct entity_desc *ed)
{
	size_t i;

	for (i = 0; i < ed->nfields; i++)
		if (ed->fields[i].flags & FF_PERSONAL)
			return 1;
	return 0;
}

const struct route api_routes[] = {
	/* ---- the session and the system ---- */
	{ .method = "GET", .path = "/health", .handle = api_health, .flags = R_PUBLIC,
	  .op = "health", .tag = TAG_SYSTEM, .summary = "健康检查",
	  .status = "200", .response = "服务正常（存活）：程序与数据库结构的版本", .response_schema = "$Health" },
	{ .method = "GET", .path = "/health/ready", .handle = api_health_ready, .flags = R_PUBLIC,
	  .op = "health_ready", .tag = TAG_SYSTEM, .summary = "就绪检查",
	  .description = "数据库可达、数据库结构为本程序的版本、SQLite 数据库所在磁盘的剩余空间不低于下限"
			 "（serve --min-free-disk）：200；否则 503，checks 中写明哪一项不满足",
	  .status = "200", .response = "可以工作（不能时 503，同样的结构）", .response_schema = "object" },
	{ .method = "GET", .path = "/openapi.json", .handle = api_openapi, .flags = R_PUBLIC,
	  .op = "openapi", .tag = TAG_SYSTEM, .summary = "本 API 的 OpenAPI 文档",
	  .status = "200", .response = "OpenAPI 3.1 文档", .response_schema = "object" },
	{ .method = "POST", .path = "/login", .handle = api_login, .flags = R_PUBLIC | R_JSON,
	  .op = "login", .tag = TAG_SESSION, .summary = "登录",
	  .description = "成功时以 Set-Cookie 设置会话 Cookie sanling_session（HttpOnly）与 sanling_csrf",
	  .errors = E401 | E403 | E422 | E429, .request = "$LoginRequest",
	  .status = "200", .response = "已登录", .response_schema = "$LoginResult",
	  .doc = openapi_login_cookie },
	FALLBACK("/login", api_only_post, R_PUBLIC, 0, NULL),
	{ .method = "POST", .path = "/logout", .handle = api_logout, .flags = R_BEFORE_CHANGE | R_REGION,
	  .op = "logout", .tag = TAG_SESSION, .summary = "退出",
	  .status = "204", .response = "已退出，会话 Cookie 已清除" },
	{ .method = "GET", .path = "/me", .handle = api_me, .flags = R_BEFORE_CHANGE | R_REGION,
	  .op = "me", .tag = TAG_SESSION, .summary = "当前用户",
	  .status = "200", .response = "当前用户", .response_schema = "$Me" },
	{ .method = "POST", .path = "/password", .handle = api_password,
	  .flags = R_BEFORE_CHANGE | R_JSON | R_REGION,
	  .op = "change_password", .tag = TAG_SESSION, .summary = "修改自己的密码",
	  .description = "新密码须符合密码策略，不能是常用密码、不能含用户名、不能与最近 5 次的密码相同；"
			 "原密码输错与登录失败一并计数；初始密码须先修改才能做别的事",
	  .errors = E422 | E429, .request = "$PasswordChange", .status = "204", .response = "已修改" },
	{ .method = "GET", .path = "/meta", .handle = api_meta, .flags = R_REGION,
	  .op = "meta", .tag = TAG_SYSTEM, .summary = "元数据",
	  .description = "实体与字段的描述、枚举、角色与当前用户：浏览器据此画表单和表格",
	  .status = "200", .response = "元数据", .response_schema = "$Meta" },

	/* ---- the administrators (三员分立) ---- */
	{ .method = "POST", .path = "/users/{id}/password", .handle = api_user_password,
	  .flags = R_WRITER | R_JSON, .roles = ROLE_BIT(ROLE_SYSADMIN),
	  .op = "users_reset_password", .tag = "@users", .summary = "重置用户密码",
	  .description = "系统管理员重置（新密码须符合密码策略，不能是常用密码或含用户名），"
			 "并清除该账号的登录等待；该用户下次登录须修改密码",
	  .errors = E404 | E422, .request = "$UserPassword", .status = "204", .response = "已重置" },
	{ .method = "POST", .path = "/users/{id}/unlock", .handle = api_user_unlock,
	  .flags = R_WRITER, .roles = ROLE_BIT(ROLE_SECADMIN),
	  .op = "users_unlock", .tag = "@users", .summary = "解除锁定",
	  .description = "安全管理员：清除该账号在各来源的登录失败计数与等待",
	  .errors = E404, .status = "204", .response = "已解锁" },
	{ .method = "GET", .path = "/settings", .handle = api_settings_get,
	  .roles = ROLE_BIT(ROLE_SECADMIN) | ROLE_BIT(ROLE_SYSADMIN) | ROLE_BIT(ROLE_OFFICE),
	  .op = "settings_get", .tag = TAG_SETTINGS, .summary = "查看设置",
	  .description = "各角色只见自己的设置项：安全策略（安全管理员，系统管理员可查看），"
			 "工作设置如督办转红牌的工作日数（创建办公室）",
	  .status = "200", .response = "安全策略", .response_schema = "$Settings" },
	{ .method = "PUT", .path = "/settings", .handle = api_settings_put,
	  .flags = R_WRITER | R_JSON, .roles = ROLE_BIT(ROLE_SECADMIN) | ROLE_BIT(ROLE_OFFICE),
	  .op = "settings_put", .tag = TAG_SETTINGS, .summary = "修改设置",
	  .description = "安全管理员改安全策略，创建办公室改工作设置；改别人的项为 403",
	  .errors = E422, .request = "$SettingsUpdate",
	  .status = "200", .response = "修改后调用者的设置", .response_schema = "$Settings" },
	FALLBACK("/settings", api_not_supported, 0, 0, NULL),
	{ .method = "GET", .path = "/dict", .handle = api_dict_list,
	  .roles = ROLE_BIT(ROLE_OFFICE),
	  .op = "dict_list", .tag = TAG_SETTINGS, .summary = "字典管理：字典类型与字典数据",
	  .description = "创建办公室。各枚举为一个字典类型（open：可新增数据项），每项有键值、标签、"
			 "顺序、是否启用、是否系统内置（locked：不能停用）；其他角色从 /meta 读取",
	  .status = "200", .response = "{items: [{name, label, open, items: [{code, label, sort, "
				       "enabled, locked, added}]}]}", .response_schema = "object" },
	{ .method = "PUT", .path = "/dict", .handle = api_dict_put,
	  .flags = R_WRITER | R_JSON, .roles = ROLE_BIT(ROLE_OFFICE),
	  .op = "dict_put", .tag = TAG_SETTINGS, .summary = "修改字典数据项",
	  .description = "请求体 {enum, code, label?, sort?, enabled?}：改标签（不能为空、不能与同类重复）、"
			 "顺序（0–9999）、启用或停用（系统内置项不能停用）；键值不能修改（new_code 被拒绝）。"
			 "停用的项不能用于新记录，已有记录保留",
	  .errors = E400 | E404 | E409 | E422, .request = "object",
	  .status = "200", .response = "修改后的字典", .response_schema = "object" },
	{ .method = "POST", .path = "/dict", .handle = api_dict_add,
	  .flags = R_WRITER | R_JSON, .roles = ROLE_BIT(ROLE_OFFICE),
	  .op = "dict_add", .tag = TAG_SETTINGS, .summary = "新增字典数据项",
	  .description = "请求体 {enum, code, label, sort?}：只能加到开放的字典类型；键值为小写字母开头的"
			 "小写字母、数字、下划线，不能与已有的重复",
	  .errors = E400 | E404 | E409 | E422, .request = "object",
	  .status = "200", .response = "修改后的字典", .response_schema = "object" },
	FALLBACK("/dict", api_not_supported, 0, 0, NULL),
	{ .method = "GET", .path = "/audit", .handle = api_audit_list, .flags = R_PRIMARY,
	  .roles = ROLE_BIT(ROLE_AUDITADMIN),
	  .op = "audit_list", .tag = TAG_AUDIT, .summary = "审计日志", .description = "审计管理员",
	  .errors = E400 | E422, .params = audit_params,
	  .status = "200", .response = "一页审计日志，新的在前", .response_schema = "$AuditPage" },
	{ .method = "GET", .path = "/audit/verify", .handle = api_audit_verify, .flags = R_PRIMARY,
	  .roles = ROLE_BIT(ROLE_AUDITADMIN),
	  .op = "audit_verify", .tag = TAG_AUDIT, .summary = "校验审计链",
	  .description = "审计管理员：逐行校验审计链（以密钥文件派生的密钥计算 MAC）与链头，"
			 "找出被改动、删除、插入或重算的行",
	  .status = "200", .response = "校验结果", .response_schema = "$AuditVerify" },
	/* anything else below /audit: the audit administrator's rule first, then 404 */
	FALLBACK("/audit/**", api_no_route, 0, ROLE_BIT(ROLE_AUDITADMIN), NULL),

	/* ---- the monthly determination and the figures: assess/ checks the roles ---- */
	{ .method = "GET", .path = "/figures", .handle = api_figures, .flags = R_REGION,
	  .op = "figures", .tag = TAG_ASSESS, .summary = "报告数字",
	  .description = "自当年 1 月至该月底，按事件自身日期，在调用者范围内；各键的中文名、单位与口径见 /meta 的 figures",
	  .errors = E400 | E422, .params = figures_params, .doc = openapi_figures },
	{ .method = "GET", .path = "/figures/breakdown", .handle = api_figures_breakdown,
	  .flags = R_REGION, .op = "figures_breakdown", .tag = TAG_ASSESS, .summary = "按乡镇、行业或月份分列的报告数字",
	  .errors = E400 | E422, .params = breakdown_params,
	  .status = "200", .response = "{by, through, targets, rows: [{key, label, figures}]}",
	  .response_schema = "object" },
	{ .method = "GET", .path = "/months", .handle = api_months,
	  .op = "months", .tag = TAG_ASSESS, .summary = "已认定的月份及待确认事项",
	  .status = "200", .response = "{items: [{month, published, certified, awaiting_me}]}",
	  .response_schema = "object" },
	{ .method = "GET", .path = "/months/{month}", .handle = api_month,
	  .op = "month", .tag = TAG_ASSESS, .summary = "某月认定状态", .errors = E404 | E422,
	  .status = "200", .response = "{month, published, certified, counts}",
	  .response_schema = "object" },
	{ .method = "GET", .path = "/months/{month}/results", .handle = api_month_results,
	  .op = "month_results", .tag = TAG_ASSESS, .summary = "某月各主体认定结果（范围内）",
	  .errors = E400 | E422, .params = results_params,
	  .status = "200", .response = "{month, span, from, published, certified, counts: {subjects, "
	  "compliant, failing}, items (span=year: {subject, name, kind, township, supervisor, complies, "
	  "failed_months?: [{month, petition, accident, case, reason}]}), total, page, page_size}",
	  .response_schema = "object" },
	MONTH_ACT(certify, "牵头单位确认本维度认定结果（dimension: petition|accident|case）",
		  "{\"dimension\"}"),
	MONTH_ACT(overrides, "牵头单位改定某主体本维度结果（result: pass|fail），须写明理由",
		  "{\"subject\",\"dimension\",\"result\",\"reason\"}"),
	MONTH_ACT(publish, "创建办发布（锁定）该月：三家均已确认", "{}"),
	MONTH_ACT(reopen, "创建办重新开启该月，须写明理由", "{\"reason\"}"),
	{ .method = "GET", .path = "/explain", .handle = api_explain,
	  .op = "explain", .tag = TAG_ASSESS, .summary = "说明某主体某月的认定结果",
	  .errors = E400 | E404 | E422, .params = explain_params,
	  .status = "200", .response = "{result, standard, events, overrides}",
	  .response_schema = "object" },
	{ .method = "GET", .path = "/subjects/{id}/months", .handle = api_subject_months,
	  .op = "subject_months", .tag = TAG_ASSESS, .summary = "某主体一年各月的认定结果",
	  .description = "year（YYYY，默认今年）1 月至 12 月或本月；各月是否在清单上、是否达标、"
			 "哪一维度不达标，及本年累计；与 /months/{month}/results 同一认定，在调用者范围内",
	  .errors = E400 | E404 | E422, .params = subject_months_params,
	  .status = "200", .response = "{subject, name, year, months: [{month, on_list, complies, "
				       "fails}], year_to_date: {months, complied, failed}}",
	  .response_schema = "object" },
	{ .method = "GET", .path = "/warnings", .handle = api_warnings,
	  .op = "warnings", .tag = TAG_ASSESS, .summary = "预警：本月有风险的主体",
	  .errors = E400 | E422, .params = warnings_params,
	  .status = "200",
	  .response = "{month, as_of (逾期的判断日：该月最后一天，本月为今天), items: [{subject, score, reasons}], total}",
	  .response_schema = "object" },

	/*
	 * ---- every entity: who may read and write is its descriptor's ----
	 * api_entity_access: 403 to a role that may neither read nor write it;
	 * api_entity_record: that, and 404 for an {id} that is no record's.
	 */
	{ .method = "GET", .path = "/{entity}", .handle = api_entity_list, .flags = R_REGION,
	  .check = api_entity_access, .op = "list", .summary = "列表", .errors = E400 | E422,
	  .doc = openapi_entity_list },
	{ .method = "POST", .path = "/{entity}", .handle = api_entity_create,
	  .flags = R_ALONE | R_JSON | R_GRANTED, .check = api_entity_access,
	  .op = "create", .summary = "新建", .errors = E409 | E422, .doc = openapi_entity_create },
	FALLBACK("/{entity}", api_not_supported, 0, 0, api_entity_access),
	{ .method = "GET", .path = "/{entity}/{id}", .handle = api_entity_get, .flags = R_REGION,
	  .check = api_entity_record, .op = "get", .summary = "查看", .errors = E404,
	  .doc = openapi_entity_get },
	{ .method = "PATCH", .path = "/{entity}/{id}", .handle = api_entity_update,
	  .flags = R_ALONE | R_JSON | R_GRANTED, .check = api_entity_record,
	  .op = "update", .summary = "修改", .errors = E404 | E409 | E422 | E428,
	  .doc = openapi_entity_update },
	FALLBACK("/{entity}/{id}", api_not_supported, 0, 0, api_entity_record),
	/* answered for every entity (the model refuses); documented where it can work */
	{ .method = "POST", .path = "/{entity}/{id}/retire", .handle = api_entity_retire,
	  .flags = R_WRITER | R_JSON, .check = api_entity_record,
	  .op = "retire", .summary = "停用/退出", .errors = E404 | E422,
	  .doc = openapi_entity_retire, .shown = has_retire },
	{ .method = "GET", .path = "/{entity}/{id}/history", .handle = api_entity_history,
	  .check = api_entity_record, .op = "history", .summary = "历史", .errors = E404,
	  .doc = openapi_entity_history },
	{ .method = "POST", .path = "/{entity}/{id}/reveal", .handle = api_entity_reveal,
	  .flags = R_WRITER | R_JSON, .check = api_entity_record,
	  .op = "reveal", .summary = "查看个人信息原文", .errors = E404 | E422,
	  .doc = openapi_entity_reveal, .shown = has_personal },
	FALLBACK("/{entity}/{id}/*", api_no_route, 0, 0, api_entity_record),
	{ .method = "GET", .path = "/{entity}/export", .handle = api_entity_export,
	  .check = api_entity_access, .flags = R_REGION, .op = "export", .summary = "导出", .errors = E400 | E422,
	  .doc = openapi_entity_export },
	FALLBACK("/{entity}/export", api_only_get, 0, 0, api_entity_access),
	{ .method = "GET", .path = "/{entity}/template", .handle = api_entity_template,
	  .check = api_entity_access, .op = "template", .summary = "导入模板", .errors = E400,
	  .doc = openapi_entity_template },
	FALLBACK("/{entity}/template", api_only_get, 0, 0, api_entity_access),
	{ .method = "POST", .path = "/{entity}/import", .handle = api_entity_import,
	  .flags = R_ALONE | R_UPLOAD, .check = api_entity_access,
	  .op = "import", .summary = "导入", .errors = E400 | E413, .doc = openapi_entity_import },
	FALLBACK("/{entity}/import", api_only_post, 0, 0, api_entity_access),
	/* the bulk actions of the list (api_bulk.c): the model checks role and scope per record */
	{ .method = "POST", .path = "/{entity}/bulk", .handle = api_entity_bulk,
	  .flags = R_WRITER | R_JSON, .check = api_entity_access, .op = "bulk", .summary = "批量办理",
	  .description = "对选中的记录办理同一操作（受理、交办、销号等，见 /meta 的 bulk）：每条记录与单条修改"
			 "走同一路径（角色、管辖范围、状态流转、审计），在一个事务中全部办理或全部不办理；"
			 "有记录不能办理时，errors 逐条列出 {id, no, field, message}",
	  .errors = E400 | E403 | E404 | E409 | E422,
	  .request = "{\"type\": \"object\", \"required\": [\"action\", \"ids\"], \"properties\": "
		     "{\"action\": {\"type\": \"string\"}, \"ids\": {\"type\": \"array\", "
		     "\"items\": {\"type\": \"integer\"}}}}",
	  .status = "200", .response = "{action, count, items: [{id, no, rev}]}",
	  .response_schema = "object", .shown = has_bulk },
	FALLBACK("/{entity}/bulk", api_only_post, 0, 0, api_entity_access),

	/* ---- the monthly confirmation of the subjects' list (一月一动态) ---- */
	{ .method = "GET", .path = "/confirmations", .handle = api_confirmations,
	  .roles = ROLE_BIT(ROLE_OFFICE) | ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_TOWNSHIP),
	  .op = "confirmations", .tag = "@subjects", .summary = "主体清单月度确认情况（一月一动态）",
	  .description = "创建办看本区县每个行业主管单位和乡镇（街道）（已确认与未确认，unconfirmed 为未确认数）；"
			 "行业主管部门、乡镇（街道）只看本单位。subjects 为月末在册数，added 为当月纳入，"
			 "closed 为当月退出，changed 为当月在册且非新增、非退出而有修改的主体数（按主体历史现算）；"
			 "at_confirmation 为确认时的四个数（未确认为 null）",
	  .errors = E400 | E422, .params = confirmations_params, .status = "200",
	  .response = "{month, items: [{unit_kind, unit, unit_name, confirmed, confirmed_by, confirmed_at, "
		      "subjects, added, changed, closed, at_confirmation}], total, unconfirmed}",
	  .response_schema = "object" },
	FALLBACK("/confirmations", api_only_get, 0, 0, NULL),
	{ .method = "POST", .path = "/confirmations/{month}", .handle = api_confirm,
	  .flags = R_WRITER | R_JSON,
	  .roles = ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_TOWNSHIP),
	  .op = "confirmation_confirm", .tag = "@subjects", .summary = "确认本单位本月主体清单",
	  .description = "行业主管部门确认本单位主管的、乡镇（街道）确认本乡镇的主体清单；请求体为 {}；"
			 "创建办不代为确认；不能确认尚未到来的月份；同一月份只能确认一次（再次确认为 409）；记入审计",
	  .errors = E400 | E409 | E422,
	  .request = "{\"type\": \"object\", \"additionalProperties\": false, \"maxProperties\": 0}", .status = "200",
	  .response = "本单位的确认情况（同 GET /confirmations 的 items 中的一项）",
	  .response_schema = "object" },
	FALLBACK("/confirmations/{month}", api_only_post, 0, 0, NULL),
	{ .method = "GET", .path = "/confirmations/{month}/subjects",
	  .handle = api_confirmation_subjects,
	  .roles = ROLE_BIT(ROLE_OFFICE) | ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_TOWNSHIP),
	  .op = "confirmation_subjects", .tag = "@subjects", .summary = "某单位某月新增、变更、退出或在册的主体",
	  .description = "GET /confirmations 每个数背后的主体，口径相同；创建办可看本区县任一单位，其他单位只看本单位",
	  .errors = E400 | E422, .params = confirmation_subjects_params, .status = "200",
	  .response = "{month, unit_kind, unit, unit_name, change, items: [{code, name, township, supervisor, "
		      "active_from, active_to}], total}",
	  .response_schema = "object" },
	FALLBACK("/confirmations/{month}/subjects", api_only_get, 0, 0, NULL),
	/* ---- what a district grants the offices above it (api_grants.c, model/grants.c) ---- */
	{ .method = "GET", .path = "/grants", .handle = api_grants, .flags = R_REGION,
	  .roles = ROLE_BIT(ROLE_OFFICE) | ROLE_BIT(ROLE_REGION),
	  .op = "grants", .tag = TAG_GRANTS, .summary = "向上级授权的清单",
	  .description = "区县创建办：本区县的授权（含已撤销的），及可授权的市、省（regions）和清单（lists）；"
			 "市、省创建办：各区县授予本单位的授权。active=1 只看未撤销的",
	  .errors = E400, .params = grants_params, .status = "200",
	  .response = "{items: [授权], total, regions?: [{code, name, level}], lists?: [{name, label}]}",
	  .response_schema = "$GrantList" },
	{ .method = "POST", .path = "/grants", .handle = api_grant_create,
	  .flags = R_WRITER | R_JSON, .roles = ROLE_BIT(ROLE_OFFICE),
	  .op = "grant_create", .tag = TAG_GRANTS, .summary = "授权所属的市或省创建办修改本区县的一个清单",
	  .description = "区县创建办授权本区县所属的市或省（region）的创建办新建、修改本区县的清单 list "
			 "（任务清单、问题清单、督导检查、督办、专项行动；含个人信息的清单和创建主体、"
			 "创建标准、认定不能授权）；记入审计。授权后，市、省创建办按区县创建办的规则修改"
			 "该区县的记录，新建时以 ?district= 指明区县",
	  .errors = E409 | E422, .request = "$GrantRequest", .status = "201",
	  .response = "授权", .response_schema = "$Grant" },
	FALLBACK("/grants", api_not_supported, 0, 0, NULL),
	{ .method = "POST", .path = "/grants/{id}/revoke", .handle = api_grant_revoke,
	  .flags = R_WRITER, .roles = ROLE_BIT(ROLE_OFFICE),
	  .op = "grant_revoke", .tag = TAG_GRANTS, .summary = "撤销授权",
	  .description = "区县创建办撤销本区县的一项授权，即时生效；记入审计；已撤销的再撤销为 409",
	  .errors = E404 | E409, .status = "200", .response = "撤销后的授权",
	  .response_schema = "$Grant" },
	FALLBACK("/grants/{id}/revoke", api_only_post, 0, 0, NULL),
	/* ---- a record's files (附件): entities flagged ENT_ATTACH (api_attach.c) ---- */
	{ .method = "GET", .path = "/{entity}/{id}/attachments", .handle = api_attach_list,
	  .check = api_attach_record, .op = "attachments", .summary = "附件列表", .errors = E404,
	  .doc = openapi_attach_list, .shown = attach_shown },
	{ .method = "POST", .path = "/{entity}/{id}/attachments", .handle = api_attach_add,
	  .flags = R_WRITER, .check = api_attach_record, .op = "attach", .summary = "上传附件",
	  .errors = E400 | E404 | E413 | E422, .doc = openapi_attach_add, .shown = attach_shown },
	FALLBACK("/{entity}/{id}/attachments", api_not_supported, 0, 0, api_attach_record),
	{ .method = "GET", .path = "/{entity}/{id}/attachments/{n}", .handle = api_attach_get,
	  .check = api_attach_record, .op = "attachment", .summary = "下载附件", .errors = E404,
	  .doc = openapi_attach_get, .shown = attach_shown },
	FALLBACK("/{entity}/{id}/attachments/*", api_only_get, 0, 0, api_attach_record),
	/*
	 * ---- to-dos (待办) and their long poll: api_todos.c ----
	 * on the primary, which the hub watches: a version read on a replica
	 * that lags would answer every wait at once
	 */
	{ .method = "GET", .path = "/todos", .handle = api_todos, .flags = R_PRIMARY,
	  .op = "todos", .tag = TAG_TODOS, .summary = "我的待办",
	  .description = "调用者范围内等待其处理的事项：牵头单位待确认的月度认定、创建办待发布的月份、"
			 "待核销的任务与待销号的问题、本单位 3 日内到期或已逾期的任务与问题、"
			 "临期或逾期的信访与矛盾纠纷；三员（系统、安全、审计管理员）没有待办（空列表）",
	  .status = "200",
	  .response = "{items: [{kind, label, entity, id, title, due, overdue}], total, version}",
	  .response_schema = "object" },
	FALLBACK("/todos", api_only_get, 0, 0, NULL),
	{ .method = "GET", .path = "/todos/wait", .handle = api_todos_wait, .flags = R_PRIMARY,
	  .op = "todos_wait", .tag = TAG_TODOS, .summary = "等待待办变化（长轮询）",
	  .description = "since 与本区县当前待办版本不同时立即答复；否则保持连接，直到本区县有可能改变待办的写入"
			 "（约 0.1 秒内得知）或约 25 秒过去。答复后浏览器在 changed 为 true 时重新获取 GET /todos，"
			 "再以新的 version 等待",
	  .errors = E400, .params = todos_wait_params,
	  .status = "200", .response = "{changed: bool, version}", .response_schema = "object" },
	FALLBACK("/todos/wait", api_only_get, 0, 0, NULL),
	/* ---- the ranking (考评): assess/ranking.c checks the roles ---- */
	{ .method = "GET", .path = "/ranking", .handle = api_ranking,
	  .op = "ranking", .tag = TAG_ASSESS, .summary = "乡镇、行业部门月度考评排名（红黑榜）",
	  .description = "按本区县考评表（assessment_items）逐项计分：每项给出得分、依据（计数）和可打开的记录列表；"
			 "总分相同的名次并列，按名称排列",
	  .errors = E400 | E403 | E409 | E422, .params = ranking_params,
	  .status = "200",
	  .response = "{month, by, columns, items: [{rank, unit, unit_name, total, lines: [{item, item_name, points, basis, records}]}]}",
	  .response_schema = "object" },
	/* ---- the map of the townships (api_map.c): assess/ checks the roles ---- */
	{ .method = "GET", .path = "/map", .handle = api_map,
	  .op = "district_map", .tag = TAG_ASSESS, .summary = "乡镇分布图（离线：由主体坐标绘制乡镇轮廓）",
	  .description = "调用者范围内的各乡镇：轮廓为距本乡镇主体最近的区域（各主体泰森多边形之并，"
			 "裁切于全区主体凸包外扩 1 公里），附年初至该月底的达标率；及范围内有坐标的主体",
	  .errors = E400 | E403 | E422, .params = map_params,
	  .status = "200",
	  .response = "{month, targets, map: GeoJSON FeatureCollection, subjects: [{code, name, kind, township, lat, lon}], unplaced}",
	  .response_schema = "object" },
	/* ---- the month's documents (api_report.c): report/ checks the roles ---- */
	{ .method = "GET", .path = "/reports", .handle = api_reports, .flags = R_REGION,
	  .op = "reports", .tag = TAG_ASSESS, .summary = "某月可生成的报告及其归档版本",
	  .description = "创建办和牵头单位看得到全区报告、通报在发布时归档的各版本（格式、SHA-256、审计链头序号）；"
			 "市、省“三零”办只有本级通报，其各县区均已发布该月时 published 为真",
	  .errors = E400 | E403 | E422, .params = reports_params,
	  .status = "200",
	  .response = "{month, published, kinds: [{kind, label}], archive: [{kind, format, version, sha256, size, filename, created_at, created_by, audit_seq, current}]}",
	  .response_schema = "object" },
	{ .method = "GET", .path = "/reports/monthly", .handle = api_report_file,
	  .op = "report_monthly", .tag = TAG_ASSESS, .summary = "月度工作报告（DOCX、PDF、XLSX）",
	  .description = "按调用者范围写成：乡镇得到本乡镇的报告。已发布月份的全区报告按发布时归档的原文件提供",
	  .errors = E400 | E403 | E404 | E422, .params = report_month_params,
	  .doc = openapi_report_file },
	{ .method = "GET", .path = "/reports/bulletin", .handle = api_report_file, .flags = R_REGION,
	  .op = "report_bulletin", .tag = TAG_ASSESS, .summary = "月度通报（红黑榜）",
	  .description = "乡镇、行业考评排名与红黑榜、未达标主体、逾期与督办事项、未确认清单的单位；"
			 "已发布月份的全区通报按归档原文件提供。市、省“三零”办得到本级通报：总体情况、"
			 "各县区按达标率排名与红黑榜、未发布该月认定结果的县区（不归档，按需生成）",
	  .errors = E400 | E403 | E404 | E422, .params = report_month_params,
	  .doc = openapi_report_file },
	{ .method = "GET", .path = "/reports/minutes", .handle = api_report_file,
	  .op = "report_minutes", .tag = TAG_ASSESS, .summary = "联席会议纪要",
	  .errors = E400 | E403 | E404 | E422, .params = report_minutes_params,
	  .doc = openapi_report_file },
	{ .method = "GET", .path = "/reports/notice", .handle = api_report_file,
	  .op = "report_notice", .tag = TAG_ASSESS, .summary = "督办通知单",
	  .errors = E400 | E403 | E404 | E422, .params = report_notice_params,
	  .doc = openapi_report_file },
	/* ---- the work lists' actions (api_work.c) ---- */
	{ .method = "POST", .path = "/meeting_decisions/{id}/assign", .handle = api_decision_assign,
	  .flags = R_WRITER | R_JSON, .roles = ROLE_BIT(ROLE_OFFICE),
	  .op = "meeting_decisions_assign", .tag = "@meeting_decisions", .summary = "交办：议定事项生成任务",
	  .description = "创建办公室：以议定事项生成任务（来源“会议决定”，牵头单位、配合单位、乡镇、完成时限取自事项，"
			 "任务名称取事项内容的第一句），并把任务编号写回事项；请求体可选 assigned_on（默认今天）、"
			 "no（默认 RW年份-序号）、title。事项已交办为 409，缺牵头单位或完成时限为 422",
	  .errors = E400 | E404 | E409 | E422, .request = "{string",
	  .status = "201", .response = "生成的任务", .response_schema = "object" },
	{ .method = "POST", .path = "/problems/raise", .handle = api_problems_raise,
	  .flags = R_WRITER | R_JSON, .roles = ROLE_BIT(ROLE_OFFICE),
	  .op = "problems_raise", .tag = "@problems", .summary = "生成问题：认定未达标与重大隐患逾期",
	  .description = "创建办公室：本区县已发布月份认定未达标的主体、逾期未整改的重大隐患，各生成一条问题"
			 "（每个来源只生成一次）；请求体为 {}",
	  .errors = E400, .request = "{string",
	  .status = "200", .response = "{today, determination, hazard, total}：本次生成的条数",
	  .response_schema = "object" },
	/* ---- the grassroots at the desk (api_grass.c): the model checks the roles ---- */
	{ .method = "POST", .path = "/police_subsidies/generate", .handle = api_subsidies_generate,
	  .flags = R_WRITER | R_JSON, .roles = ROLE_BIT(ROLE_POLICE) | ROLE_BIT(ROLE_OFFICE),
	  .op = "police_subsidies_generate", .tag = "@police_subsidies", .summary = "生成驻村补贴月度台账",
	  .description = "公安、创建办公室：为该月任一天在岗的驻村辅警（范围内）每村每人生成一条未发放的补贴，"
			 "金额取设置 police_subsidy_yuan（默认 500 元）；已有的保留不变（村、警号、月份）。"
			 "请求体 {month: YYYY-MM}，不能是尚未到来的月份（本月可以）",
	  .errors = E400 | E422, .request = "{\"type\": \"object\", \"required\": [\"month\"], "
					    "\"properties\": {\"month\": {\"type\": \"string\"}}}",
	  .status = "200", .response = "{month, amount, created: [生成的台账记录], kept: 已有条数, total}",
	  .response_schema = "object" },
	FALLBACK("/police_subsidies/generate", api_only_post, 0, 0, NULL),
	{ .method = "POST", .path = "/police_subsidies/pay", .handle = api_subsidies_pay,
	  .flags = R_WRITER | R_JSON, .roles = ROLE_BIT(ROLE_POLICE) | ROLE_BIT(ROLE_OFFICE),
	  .op = "police_subsidies_pay", .tag = "@police_subsidies", .summary = "标记驻村补贴已发放",
	  .description = "把该月（范围内、可只限 villages 所列村）未发放的补贴记为在 paid_on 发放，逐条按版本号修改，"
			 "一个事务；发放日期不能晚于今天、不能早于补贴月份。请求体 {month, paid_on, villages?: [村代码]}",
	  .errors = E400 | E409 | E422,
	  .request = "{\"type\": \"object\", \"required\": [\"month\", \"paid_on\"], \"properties\": "
		     "{\"month\": {\"type\": \"string\"}, \"paid_on\": {\"type\": \"string\"}, "
		     "\"villages\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}}}}",
	  .status = "200", .response = "{month, paid_on, paid: 本次发放条数, amount: 金额（元）}",
	  .response_schema = "object" },
	FALLBACK("/police_subsidies/pay", api_only_post, 0, 0, NULL),
	{ .method = "GET", .path = "/police_subsidies/ledger", .handle = api_subsidies_ledger,
	  .op = "police_subsidies_ledger", .tag = "@police_subsidies", .summary = "驻村补贴发放表（财务用）",
	  .description = "该月范围内的台账：序号、乡镇、村（社区）、姓名、警号、月份、补贴金额（元）、发放日期、签收，"
			 "末行合计；名称而非代码",
	  .errors = E400 | E422, .params = ledger_params, .doc = openapi_sheet },
	FALLBACK("/police_subsidies/ledger", api_only_get, 0, 0, NULL),
	{ .method = "GET", .path = "/patrols/today", .handle = api_patrols_today,
	  .op = "patrols_today", .tag = "@patrols", .summary = "今日巡查：各网格上午、下午是否已巡查",
	  .description = "范围内当天有在岗网格员的网格（网格员只看本网格），各网格上午、下午的巡查人，"
			 "以及上午、下午尚未巡查的网格数；date 缺省为今天（北京时间），不能晚于今天",
	  .errors = E400 | E422, .params = patrols_today_params,
	  .status = "200",
	  .response = "{date, items: [{grid, grid_name, village, village_name, township, township_name, am, pm, "
		      "am_done, pm_done}], total, missing_am, missing_pm}",
	  .response_schema = "object" },
	FALLBACK("/patrols/today", api_only_get, 0, 0, NULL),
	/* ---- the phone's outbox (api_sync.c): each item by its list's own rule ---- */
	{ .method = "POST", .path = "/sync", .handle = api_sync, .flags = R_ALONE | R_JSON,
	  .roles = ROLE_BIT(ROLE_GRID) | ROLE_BIT(ROLE_TOWNSHIP) | ROLE_BIT(ROLE_OFFICE) |
		   ROLE_BIT(ROLE_PETITION) | ROLE_BIT(ROLE_SAFETY) | ROLE_BIT(ROLE_SYSTEM),
	  .op = "sync", .tag = "@patrols", .summary = "提交离线记录（手机待发送队列）",
	  .description = "手机离线时录入的巡查、入户走访、矛盾纠纷、隐患，联网后一次提交（最多 50 项）。"
			 "每项各自一个事务：记录（未填编号由服务器生成）、在巡查或走访中发现的矛盾纠纷、隐患、问题"
			 "（各自关联到本条巡查或走访，地点取自其网格，发现日期缺省为巡查或走访日期）、照片（本条记录的附件）、"
			 "审计。key 为手机生成的幂等键：同一用户已提交过的 key 不再保存，返回当时的结果（replayed: true，"
			 "status 200）；未能保存的项什么也不留（包括 key），改正后可再次提交，不影响其他项。"
			 "每项按其清单自己的写入角色与范围检查。请求体最大 16 MiB（50 项各带一张约 150 KB 的照片）；"
			 "更大的队列请分批发送",
	  .errors = E400 | E403 | E413, .request = api_sync_request_schema,
	  .status = "200", .response = "每一项的结果，顺序同请求",
	  .response_schema = api_sync_response_schema },
	FALLBACK("/sync", api_only_post, 0, 0, NULL),

	{ .method = NULL },
};

/* ---- matching ---- */

enum { RANK_REST, RANK_ANY, RANK_PARAM, RANK_LITERAL };

/*
 * Does pattern `p` match the path?  Fills rank[i], how closely segment i
 * was matched, and the parameters into `args` (when not NULL).
 */
static int match(const char *p, const char **seg, int nseg, int *rank, struct route_args *args)
{
	int i = 0;

	while (*p == '/') {
		const char *s = ++p, *end = strchrnul(s, '/');
		size_t len = (size_t)(end - s);

		p = end;
		if (len == 2 && !memcmp(s, "**", 2)) {
			for (; i < nseg; i++)
				rank[i] = RANK_REST;
			return 1;
		}
		if (i == nseg)
			return 0;
		if (len == 1 && *s == '*') {
			rank[i] = RANK_ANY;
		} else if (*s == '{') {
			rank[i] = RANK_PARAM;
			if (len == 8 && !memcmp(s, "{entity}", 8)) {
				const struct entity_desc *ed = entity_find(seg[i]);
				if (!ed)
					return 0;
				if (args)
					args->ed = ed;
			} else if (args && len == 4 && !memcmp(s, "{id}", 4)) {
				args->id = seg[i];
			} else if (args && len == 7 && !memcmp(s, "{month}", 7)) {
				args->month = seg[i];
			}
		} else if (strlen(seg[i]) == len && !memcmp(s, seg[i], len)) {
			rank[i] = RANK_LITERAL;
		} else {
			return 0;
		}
		i++;
	}
	return i == nseg;
}

/* Is `a` (method exact or not) a closer match than `b`? */
static int closer(const int *a, int a_exact, const int *b, int b_exact, int nseg)
{
	int i;

	for (i = 0; i < nseg; i++)
		if (a[i] != b[i])
			return a[i] > b[i];
	return a_exact && !b_exact;
}

#define MAX_SEGMENTS 8

const struct route *route_find(const char **seg, int nseg, const char *method,
			       struct route_args *args)
{
	const struct route *r, *best = NULL;
	int rank[MAX_SEGMENTS], best_rank[MAX_SEGMENTS], best_exact = 0;

	memset(args, 0, sizeof(*args));
	if (nseg < 0 || nseg > MAX_SEGMENTS)
		return NULL;
	for (r = api_routes; r->method; r++) {
		int exact = !strcmp(r->method, method);

		if (!exact && strcmp(r->method, "*"))
			continue;
		if (!match(r->path, seg, nseg, rank, NULL))
			continue;
		if (!best || closer(rank, exact, best_rank, best_exact, nseg)) {
			best = r;
			best_exact = exact;
			memcpy(best_rank, rank, sizeof(rank));
		}
	}
	if (best)
		match(best->path, seg, nseg, rank, args);
	return best;
}

int route_is_write(const char *method)
{
	return strcmp(method, "GET") && strcmp(method, "HEAD");
}

int route_per_entity(const struct route *r)
{
	return strstr(r->path, "{entity}") != NULL;
}
