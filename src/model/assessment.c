/*
 * assessment.c: the descriptors of the assessment table (考评项目) and of the
 * manual scores (考评手工评分), see assessment.h and docs/architecture.md
 * ("Ranking").  Both are a district's reference data: every business unit
 * of the district reads them (the ranking is published in the bulletin),
 * only the office writes.  The hooks check what the fields cannot say
 * alone: which parameters a method takes, that a method's table exists,
 * that a score names a unit and a manual item of the district and stays
 * within the item's points, with a reason.
 */
#include "model/assessment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "db/sqlp.h"
#include "model/entity_int.h"
#include "model/entities.h"
#include "model/enums.h"

#define NF(a) (sizeof(a) / sizeof((a)[0]))
#define R(r) ROLE_BIT(ROLE_##r)
/* the office, and the units the ranking ranks or that read the bulletin */
#define UNITS (R(OFFICE) | ROLES_LEAD | R(SUPERVISOR) | R(TOWNSHIP) | R(SYSTEM))

int assessment_table_exists(struct db *db, const char *table)
{
	const char *params[] = { table };
	struct strbuf err = STRBUF_INIT;
	char *v = NULL;
	int ret;

	ret = db_query_value(db,
			     db_dialect(db) == DB_POSTGRES
				     ? "SELECT 1 FROM information_schema.tables WHERE table_name = ? "
				       "AND table_schema = current_schema()"
				     : "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
			     params, 1, &v, &err);
	strbuf_release(&err);
	if (ret)
		return -1;
	ret = v != NULL;
	free(v);
	return ret;
}

const char *assessment_method_table(const char *method)
{
	if (method && !strcmp(method, "cards"))
		return "supervisions";
	if (method && !strcmp(method, "list_confirmed"))
		return "list_confirmations";
	return NULL;
}

/* The district of the row: given (of level district), else the writer's. */
static int own_district(struct entity_op *op)
{
	if (!op_get(op, "district")) {
		if (!op->actor->district)
			return model_fail(&op->error, MODEL_EINVAL, "district", "缺少区县");
		op_set(op, "district", op->actor->district);
	}
	return 0;
}

static int is_rate(const char *method)
{
	return !strcmp(method, "compliance_rate") || !strcmp(method, "tasks_on_time") ||
	       !strcmp(method, "problems_on_time");
}

/* ---- the assessment table (考评项目) ---- */

static const struct field_desc item_fields[] = {
	{ "code", "项目代码", FT_CODE, FF_KEY | FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST,
	  .max = 32 },
	{ "name", "项目名称", FT_TEXT, FF_REQUIRED | FF_LIST | FF_SEARCH, .max = 50 },
	{ "applies_to", "适用对象", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_LIST,
	  .enumeration = &enum_assessment_applies },
	{ "method", "计分方式", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_LIST,
	  .enumeration = &enum_assessment_method },
	{ "points", "分值", FT_INT, FF_REQUIRED | FF_LIST, .min = 0, .max = 1000 },
	{ "target", "满分线（%）", FT_INT, FF_LIST, .min = 1, .max = 100 },
	{ "yellow_points", "每张黄牌扣分", FT_INT, FF_LIST, .min = 0, .max = 100 },
	{ "red_points", "每张红牌扣分", FT_INT, FF_LIST, .min = 0, .max = 100 },
	{ "due_day", "确认期限（次月几日前）", FT_INT, FF_LIST, .min = 1, .max = 28 },
	{ "ord", "排列顺序", FT_INT, FF_SORT | FF_LIST, .min = 0, .max = 10000 },
	{ "active", "启用", FT_BOOL, FF_FILTER | FF_LIST },
	{ "district", "区县", FT_REF, FF_IMMUTABLE | FF_FILTER, .ref = "regions",
	  .ref_level = "district" },
};

/* Parameter `key` is refused unless the method is one that takes it. */
static int only_for(struct entity_op *op, const char *key, int takes, const char *which)
{
	if (op_get(op, key) && !takes)
		return model_fail(&op->error, MODEL_EINVAL, key, "%s只适用于%s", op_label(op, key),
				  which);
	return 0;
}

static int item_prepare(struct entity_op *op)
{
	const char *method = op_get(op, "method"), *table;
	int ret;

	if ((ret = own_district(op)))
		return ret;
	if (!op_get(op, "active"))
		op_set(op, "active", "1");
	if (!op_get(op, "ord"))
		op_set(op, "ord", "0");
	if ((ret = only_for(op, "target", is_rate(method), "比率类计分方式（达标率、按时完成率、按时整改率）")) ||
	    (ret = only_for(op, "yellow_points", !strcmp(method, "cards"), "督办黄红牌扣分")) ||
	    (ret = only_for(op, "red_points", !strcmp(method, "cards"), "督办黄红牌扣分")) ||
	    (ret = only_for(op, "due_day", !strcmp(method, "list_confirmed"), "清单按月确认")))
		return ret;
	if (!strcmp(method, "cards") && !atoi(op_get(op, "yellow_points") ? op_get(op, "yellow_points") : "0") &&
	    !atoi(op_get(op, "red_points") ? op_get(op, "red_points") : "0"))
		return model_fail(&op->error, MODEL_EINVAL, "yellow_points",
				  "督办黄红牌扣分须填写每张黄牌或红牌扣几分");
	/* a kind that reads another list's table refuses while that table is absent */
	table = assessment_method_table(method);
	if (table && !strcmp(op_get(op, "active"), "1")) {
		int have = assessment_table_exists(op->db, table);
		if (have < 0)
			return model_fail(&op->error, MODEL_EDB, NULL, "数据库错误");
		if (!have)
			return model_fail(&op->error, MODEL_EINVAL, "method",
					  "计分方式“%s”要读取的数据表 %s 尚未建立（相应功能未安装），"
					  "不能启用该项目",
					  enum_label(&enum_assessment_method, method), table);
	}
	return 0;
}

const struct entity_desc assessment_item_desc = {
	.name = "assessment_items", .label = "考评项目", .table = "assessment_items", .key = "code",
	.key2 = "district",
	.fields = item_fields, .nfields = NF(item_fields),
	.flags = ENT_REFDATA,
	.read_roles = UNITS,
	.write_roles = R(OFFICE) | R(SYSTEM),
	.scope = { .district = "district" },
	.default_sort = "ord",
	.prepare = item_prepare,
};

/* ---- the manual scores (考评手工评分) ---- */

static const struct field_desc score_fields[] = {
	{ "no", "评分编号", FT_CODE,
	  FF_KEY | FF_DERIVED | FF_FILTER | FF_SORT | FF_LIST | FF_NOIMPORT, .max = 200 },
	{ "month", "考评月份", FT_MONTH,
	  FF_REQUIRED | FF_IMMUTABLE | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	{ "unit_kind", "考评对象类别", FT_ENUM, FF_REQUIRED | FF_IMMUTABLE | FF_FILTER | FF_LIST,
	  .enumeration = &enum_assessment_unit },
	{ "unit", "考评对象", FT_CODE, FF_REQUIRED | FF_IMMUTABLE | FF_FILTER | FF_LIST, .max = 64 },
	{ "item", "考评项目", FT_CODE, FF_REQUIRED | FF_IMMUTABLE | FF_FILTER | FF_LIST, .max = 32 },
	{ "points", "得分", FT_INT, FF_REQUIRED | FF_LIST, .min = -1000, .max = 1000 },
	{ "reason", "评分理由", FT_TEXT, FF_REQUIRED | FF_LIST | FF_SEARCH, .max = 500 },
	{ "district", "区县", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
};

/*
 * The unit a score names: a township of the district, or one of its
 * departments that the ranking by sector ranks (not a township's
 * government: it is ranked as its township).
 */
static int score_unit(struct entity_op *op)
{
	const char *params[] = { op_get(op, "unit"), op_get(op, "district") };
	int township = !strcmp(op_get(op, "unit_kind"), "township"), ret = 0;
	char *v = NULL;

	if (entity_op_query_value(op, township
				  ? "SELECT level FROM regions WHERE code = ? AND district = ? AND "
				    "level = 'township'"
				  : "SELECT roles FROM departments WHERE code = ? AND district = ?",
				  params, 2, &v))
		return model_fail(&op->error, MODEL_EDB, NULL, "数据库错误");
	if (!v)
		return model_fail(&op->error, MODEL_EINVAL, "unit", "%s：本区县没有%s“%s”",
				  op_label(op, "unit"), township ? "乡镇（街道）" : "单位",
				  op_get(op, "unit"));
	if (!township && in_set(v, "township") && !in_set(v, "supervisor"))
		ret = model_fail(&op->error, MODEL_EINVAL, "unit",
				 "%s：“%s”是乡镇（街道）政府，按乡镇考评（考评对象类别应为乡镇）",
				 op_label(op, "unit"), op_get(op, "unit"));
	free(v);
	return ret;
}

/* The item a score is for: a manual item of the district, for this kind of unit; the bounds. */
static int score_item(struct entity_op *op)
{
	const char *params[] = { op_get(op, "item"), op_get(op, "district") };
	char *v = NULL, method[40] = "", applies[16] = "";
	long points = 0, given;
	int ret = 0;

	if (entity_op_query_value(op, "SELECT method || ' ' || applies_to || ' ' || "
				  "CAST(points AS TEXT) FROM assessment_items WHERE code = ? AND "
				  "district = ?", params, 2, &v))
		return model_fail(&op->error, MODEL_EDB, NULL, "数据库错误");
	if (!v)
		return model_fail(&op->error, MODEL_EINVAL, "item", "%s：本区县的考评表没有“%s”",
				  op_label(op, "item"), op_get(op, "item"));
	if (sscanf(v, "%39s %15s %ld", method, applies, &points) != 3)
		ret = model_fail(&op->error, MODEL_EDB, NULL, "数据库错误");
	else if (strcmp(method, "manual"))
		ret = model_fail(&op->error, MODEL_EINVAL, "item",
				 "%s：“%s”由系统按数据计算（%s），不能手工评分", op_label(op, "item"),
				 op_get(op, "item"), enum_label(&enum_assessment_method, method));
	else if (strcmp(applies, "both") && strcmp(applies, op_get(op, "unit_kind")))
		ret = model_fail(&op->error, MODEL_EINVAL, "item", "%s：“%s”只考评%s",
				 op_label(op, "item"), op_get(op, "item"),
				 enum_label(&enum_assessment_applies, applies));
	free(v);
	if (ret)
		return ret;
	given = atol(op_get(op, "points"));
	if (given < -points || given > points)
		return model_fail(&op->error, MODEL_EINVAL, "points",
				  "%s：应在 -%ld 到 %ld 分之间（该项分值 %ld 分）", op_label(op, "points"),
				  points, points, points);
	return 0;
}

static int score_prepare(struct entity_op *op)
{
	struct strbuf no = STRBUF_INIT;
	const char *reason = op_get(op, "reason");
	int ret;

	if ((ret = own_district(op)))
		return ret;
	if (month_is_future(op_get(op, "month")))
		return model_fail(&op->error, MODEL_EINVAL, "month", "%s：不能是尚未到来的月份",
				  op_label(op, "month"));
	if (!reason || !reason[strspn(reason, " \t\r\n")])
		return model_fail(&op->error, MODEL_EINVAL, "reason", "%s：必须写明理由",
				  op_label(op, "reason"));
	if ((ret = score_unit(op)) || (ret = score_item(op)))
		return ret;
	/* one score per month, unit and item: its number says which */
	strbuf_addf(&no, "%s.%s.%s.%s", op_get(op, "month"), op_get(op, "unit_kind"),
		    op_get(op, "unit"), op_get(op, "item"));
	if (!op->old) {
		const char *params[] = { no.buf };
		char *v = NULL;
		if (entity_op_query_value(op, "SELECT no FROM assessment_scores WHERE no = ?", params,
					  1, &v))
			ret = model_fail(&op->error, MODEL_EDB, NULL, "数据库错误");
		else if (v)
			ret = model_fail(&op->error, MODEL_ECONFLICT, "item",
					 "该单位本月此项已有评分（%s），请修改原记录", no.buf);
		free(v);
	}
	if (!ret)
		op_set(op, "no", no.buf);
	strbuf_release(&no);
	return ret;
}

const struct entity_desc assessment_score_desc = {
	.name = "assessment_scores", .label = "考评手工评分", .table = "assessment_scores",
	.key = "no",
	.fields = score_fields, .nfields = NF(score_fields),
	.flags = ENT_REFDATA,
	.read_roles = UNITS,
	.write_roles = R(OFFICE) | R(SYSTEM),
	.scope = { .district = "district" },
	.default_sort = "-month",
	.prepare = score_prepare,
};

/* ---- a new district gets the default table ---- */

static int district_defaults(const struct model_ctx *mc, const struct record *r,
			     const struct record *old, struct model_error *e)
{
	struct sqlp p = SQLP_INIT;
	int64_t now = time_now();
	int ret = 0;

	if (old || r->ed != &region_desc || !record_get(r, "level") ||
	    strcmp(record_get(r, "level"), "district"))
		return 0;
	sqlp_text(&p, record_get(r, "code"));
	sqlp_int(&p, now);
	sqlp_int(&p, now);
	sqlp_text(&p, record_get(r, "code"));
	if (sqlp_run(mc->db,
		     "INSERT INTO assessment_items (code, district, name, applies_to, method, points, "
		     "target, yellow_points, red_points, due_day, ord, active, created_at, updated_at, "
		     "rev) SELECT d.code, ?, d.name, d.applies_to, d.method, d.points, d.target, "
		     "d.yellow_points, d.red_points, d.due_day, d.ord, 1, ?, ?, 1 FROM "
		     "assessment_defaults d WHERE NOT EXISTS (SELECT 1 FROM assessment_items i WHERE "
		     "i.district = ? AND i.code = d.code)",
		     &p, &e->msg))
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
	sqlp_release(&p);
	return ret;
}

static const struct write_observer defaults_observer = {
	.name = "assessment_defaults",
	.stored = district_defaults,
};

void assessment_observe_writes(void)
{
	model_observe(&defaults_observer);
}
