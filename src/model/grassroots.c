/*
 * grassroots.c: the descriptors of the grassroots' records (DOMAIN.md,
 * "Grassroots") — grid staff (网格员), patrols (一日双巡), household visits
 * (入户走访), the police network (一村一警: assignments, the subsidy ledger,
 * equipment), the 1+5+N informants, 联乡包村 cadres and their visits, and
 * the 六防六促 campaigns — with the hooks particular to them: where a row
 * stands (its grid's village and township, its village's township, the
 * officer's post), the dates that must agree, and the refusals DOMAIN.md
 * and issue 15 name (a second patrol of one person in one slot, a subsidy
 * or an informant for an officer not in post).
 *
 * Records without a number of their own (staff, assignments, the ledger,
 * informants, cadres) are keyed by their natural key (`natural`, see
 * entity.h): a re-import of the same person in the same place from the
 * same day updates the row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/date.h"
#include "base/validate.h"
#include "db/db.h"
#include "model/entity_int.h"
#include "model/entities.h"
#include "model/enums.h"
#include "model/scope.h"
#include "model/settings.h"

#define NF(a) (sizeof(a) / sizeof((a)[0]))
#define R(r) ROLE_BIT(ROLE_##r)
/* who reads the grassroots' records: the office, the lead departments, townships, grids */
#define READERS (R(OFFICE) | ROLES_LEAD | R(TOWNSHIP) | R(GRID) | R(REGION) | R(SYSTEM))
/* the police network: the office, the lead departments and the townships */
#define POLICE_READERS (R(OFFICE) | ROLES_LEAD | R(TOWNSHIP) | R(REGION) | R(SYSTEM))
#define POLICE_WRITERS (R(POLICE) | R(OFFICE) | R(SYSTEM))

static int is_phone(const char *s) { return phone_valid(s); }

/* HH:MM, 24-hour */
static int is_hhmm(const char *s)
{
	return strlen(s) == 5 && s[0] >= '0' && s[0] <= '2' && s[1] >= '0' && s[1] <= '9' &&
	       s[2] == ':' && s[3] >= '0' && s[3] <= '5' && s[4] >= '0' && s[4] <= '9' &&
	       (s[0] < '2' || s[1] <= '3');
}

#define NATURAL_KEY { "nk", "登记键", FT_TEXT, FF_KEY | FF_DERIVED | FF_HIDDEN | FF_NOIMPORT, .max = 400 }
#define PLACE_FIELDS \
	{ "township", "所属乡镇", FT_REF, FF_DERIVED | FF_FILTER | FF_LIST | FF_NOIMPORT, \
	  .ref = "regions" }, \
	{ "district", "所属区县", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" }
#define FROM_TO(from_label, to_label) \
	{ "from", from_label, FT_DATE, \
	  FF_REQUIRED | FF_IMMUTABLE | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE }, \
	{ "to", to_label, FT_DATE, FF_FILTER | FF_SORT | FF_LIST | FF_RANGE }

/*
 * Place the row by region field `field` (a grid or a village): its
 * village (when the row has a `village` field and the region is a grid
 * under one), township and district.
 */
static int place_by_region(struct entity_op *op, const char *field)
{
	struct record r;
	int ret;

	record_init(&r, NULL);
	ret = op_fetch(op, "regions", op_get(op, field), field, &r);
	if (!ret) {
		if (op_has(op, "village") && strcmp(field, "village")) {
			struct record parent;
			record_init(&parent, NULL);
			/* a grid hangs under a village, or directly under a township */
			if (record_get(&r, "parent") &&
			    !op_fetch(op, "regions", record_get(&r, "parent"), field, &parent) &&
			    !strcmp(record_get(&parent, "level"), "village"))
				op_set(op, "village", record_get(&parent, "code"));
			record_release(&parent);
		}
		op_set(op, "township", record_get(&r, "township"));
		op_set(op, "district", record_get(&r, "district"));
	}
	record_release(&r);
	return ret;
}

/* A person's term: `to`, when given, not before `from`. */
static int term(struct entity_op *op)
{
	return op_not_before(op, "to", "from");
}

/*
 * Is police number `officer` in post in `village` (NULL: anywhere; `kind`
 * NULL: either kind) at some day of [first, last]?  Fills `township` and
 * `district` (may be NULL) from the assignment found.  1, 0, or a negative
 * MODEL_E* on a database error.
 */
static int in_post(struct entity_op *op, const char *officer, const char *village,
		   const char *kind, const char *first, const char *last, char **township,
		   char **district)
{
	const char *sql = "SELECT township || '|' || district FROM police_assignments "
			  "WHERE police_no = ? AND (CAST(? AS TEXT) IS NULL OR village = ?) AND "
			  "(CAST(? AS TEXT) IS NULL OR kind = ?) "
			  "AND \"from\" <= ? AND (\"to\" IS NULL OR \"to\" >= ?) "
			  "ORDER BY \"from\" DESC LIMIT 1";
	const char *params[] = { officer, village, village, kind, kind, last, first };
	char *v = NULL;
	int found;

	if (entity_op_query_value(op, sql, params, NF(params), &v))
		return model_fail(&op->error, MODEL_EDB, NULL, "数据库错误");
	found = v != NULL;
	if (v) {
		char *bar = strchr(v, '|');
		if (bar) {
			*bar = '\0';
			if (township)
				*township = xstrdup(v);
			if (district)
				*district = xstrdup(bar + 1);
		}
	}
	free(v);
	return found;
}

/* ---- grid staff (网格长、网格员) ---- */

static const struct field_desc grid_staff_fields[] = {
	NATURAL_KEY,
	{ "grid", "网格", FT_REF, FF_REQUIRED | FF_IMMUTABLE | FF_FILTER | FF_SORT | FF_LIST,
	  .ref = "regions", .ref_level = "grid" },
	{ "name", "姓名", FT_TEXT, FF_REQUIRED | FF_IMMUTABLE | FF_SORT | FF_LIST | FF_SEARCH,
	  .max = 50 },
	{ "role", "职务", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_LIST,
	  .enumeration = &enum_grid_staff_role },
	{ "phone", "联系电话", FT_TEXT, FF_PERSONAL | FF_FILTER, .max = 20, .check = is_phone,
	  .check_msg = "电话号码格式不正确", .mask = MASK_PHONE },
	FROM_TO("任职日期", "离任日期"),
	PLACE_FIELDS,
};

static int grid_staff_prepare(struct entity_op *op)
{
	int ret = place_by_region(op, "grid");

	return ret ? ret : term(op);
}

const struct entity_desc grid_staff_desc = {
	.name = "grid_staff", .label = "网格员", .table = "grid_staff", .key = "nk",
	.natural = "grid|name|from",
	.fields = grid_staff_fields, .nfields = NF(grid_staff_fields),
	.read_roles = READERS,
	.write_roles = R(OFFICE) | R(TOWNSHIP) | R(SYSTEM),
	.scope = { .district = "district", .township = "township", .grid = "grid" },
	.default_sort = "grid",
	.prepare = grid_staff_prepare,
};

/* ---- patrols (一日双巡) ---- */

static const struct field_desc patrol_fields[] = {
	{ "no", "巡查编号", FT_CODE, FF_KEY | FF_FILTER | FF_SORT | FF_LIST | FF_SEARCH, .max = 40 },
	{ "grid", "网格", FT_REF, FF_REQUIRED | FF_FILTER | FF_LIST, .ref = "regions",
	  .ref_level = "grid" },
	{ "patroller", "巡查人", FT_TEXT, FF_REQUIRED | FF_FILTER | FF_LIST | FF_SEARCH, .max = 50 },
	{ "patrolled_on", "巡查日期", FT_DATE,
	  FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	{ "slot", "时段", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_LIST,
	  .enumeration = &enum_patrol_slot },
	{ "started_at", "开始时间", FT_TEXT, 0, .max = 5, .check = is_hhmm,
	  .check_msg = "时间应为 HH:MM（24 小时制）" },
	{ "ended_at", "结束时间", FT_TEXT, 0, .max = 5, .check = is_hhmm,
	  .check_msg = "时间应为 HH:MM（24 小时制）" },
	{ "notes", "巡查情况", FT_TEXT, FF_SEARCH, .max = 2000 },
	{ "village", "所属村（社区）", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
	PLACE_FIELDS,
};

static int patrol_prepare(struct entity_op *op)
{
	/* a new patrol may have no number yet (the store gives it) */
	const char *sql = "SELECT no FROM patrols WHERE patroller = ? AND patrolled_on = ? AND "
			  "slot = ? AND (CAST(? AS TEXT) IS NULL OR no <> ?)";
	const char *params[] = { op_get(op, "patroller"), op_get(op, "patrolled_on"),
				 op_get(op, "slot"), op_get(op, "no"), op_get(op, "no") };
	char *other = NULL;
	int ret = place_by_region(op, "grid");

	if (ret || (ret = op_not_future(op, "patrolled_on")))
		return ret;
	/* another grid's patrol is refused as such, before it is compared with this grid's */
	if (!scope_check_record(op->db, op->actor, op->rec, 0))
		return model_fail(&op->error, MODEL_EFORBIDDEN, "grid", "该网格不在您的管辖范围内");
	if (op_get(op, "started_at") && op_get(op, "ended_at") &&
	    strcmp(op_get(op, "ended_at"), op_get(op, "started_at")) < 0)
		return model_fail(&op->error, MODEL_EINVAL, "ended_at", "结束时间不能早于开始时间");
	/*
	 * one patrol of a person in a slot: the second is a mistake or a copy.
	 * Asked of the database each time, not through the import's cache: the
	 * question names this row's own number (never asked twice), and a
	 * remembered answer would miss a patrol the same import stored since.
	 */
	if (db_query_value(op->db, sql, params, NF(params), &other, &op->error.msg))
		return model_fail(&op->error, MODEL_EDB, NULL, "数据库错误");
	if (other) {
		ret = model_fail(&op->error, MODEL_ECONFLICT, "slot",
				 "%s当天%s已有巡查记录（%s）", op_get(op, "patroller"),
				 enum_label(&enum_patrol_slot, op_get(op, "slot")), other);
		free(other);
	}
	return ret;
}

const struct entity_desc patrol_desc = {
	.name = "patrols", .label = "网格巡查", .table = "patrols", .key = "no",
	.number_prefix = "XC", .number_date = "patrolled_on",
	.fields = patrol_fields, .nfields = NF(patrol_fields),
	.flags = ENT_ATTACH, /* the photos taken on the patrol */
	.read_roles = READERS,
	.write_roles = R(GRID) | R(TOWNSHIP) | R(OFFICE) | R(SYSTEM),
	.scope = { .district = "district", .township = "township", .grid = "grid" },
	.default_sort = "-patrolled_on",
	.prepare = patrol_prepare,
};

/* ---- household visits (入户走访) ---- */

static const struct field_desc visit_fields[] = {
	{ "no", "走访编号", FT_CODE, FF_KEY | FF_FILTER | FF_SORT | FF_LIST | FF_SEARCH, .max = 40 },
	{ "grid", "网格", FT_REF, FF_REQUIRED | FF_FILTER | FF_LIST, .ref = "regions",
	  .ref_level = "grid" },
	{ "visitor", "走访人", FT_TEXT, FF_REQUIRED | FF_FILTER | FF_LIST | FF_SEARCH, .max = 50 },
	{ "visited_on", "走访日期", FT_DATE, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	{ "address", "住户地址", FT_TEXT, FF_REQUIRED | FF_LIST | FF_SEARCH, .max = 200 },
	{ "kind", "走访类型", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_LIST,
	  .enumeration = &enum_visit_kind },
	{ "needs", "发现的诉求", FT_TEXT, FF_SEARCH, .max = 2000 },
	{ "head", "户主姓名", FT_TEXT, FF_PERSONAL | FF_FILTER, .max = 50, .mask = MASK_NAME },
	{ "follow_up", "跟进情况", FT_TEXT, FF_SEARCH, .max = 2000 },
	{ "village", "所属村（社区）", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
	PLACE_FIELDS,
};

static int visit_prepare(struct entity_op *op)
{
	int ret = place_by_region(op, "grid");

	/* another grid's (or village's) visit is refused as such, as a patrol is */
	if (!ret && !scope_check_record(op->db, op->actor, op->rec, 0))
		return model_fail(&op->error, MODEL_EFORBIDDEN, "grid", "该网格不在您的管辖范围内");
	return ret ? ret : op_not_future(op, "visited_on");
}

const struct entity_desc household_visit_desc = {
	.name = "household_visits", .label = "入户走访", .table = "household_visits", .key = "no",
	.number_prefix = "ZF", .number_date = "visited_on",
	.fields = visit_fields, .nfields = NF(visit_fields),
	.flags = ENT_ATTACH,
	.read_roles = READERS,
	.write_roles = R(GRID) | R(TOWNSHIP) | R(OFFICE) | R(SYSTEM),
	.scope = { .district = "district", .township = "township", .grid = "grid" },
	.default_sort = "-visited_on",
	.prepare = visit_prepare,
};

/* ---- the police network (一村一警一连) ---- */

static const struct field_desc police_assignment_fields[] = {
	NATURAL_KEY,
	{ "officer", "姓名", FT_TEXT, FF_REQUIRED | FF_SORT | FF_LIST | FF_SEARCH, .max = 50 },
	{ "police_no", "警号", FT_CODE, FF_REQUIRED | FF_IMMUTABLE | FF_FILTER | FF_SORT | FF_LIST,
	  .max = 20 },
	{ "kind", "类别", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_LIST,
	  .enumeration = &enum_police_kind },
	{ "township", "所属乡镇", FT_REF, FF_FILTER | FF_LIST, .ref = "regions",
	  .ref_level = "township" },
	{ "village", "驻村（社区）", FT_REF, FF_FILTER | FF_LIST, .ref = "regions",
	  .ref_level = "village" },
	FROM_TO("任职日期", "离任日期"),
	{ "district", "所属区县", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
};

static int police_assignment_prepare(struct entity_op *op)
{
	const char *village = op_get(op, "village"), *township = op_get(op, "township");
	struct record r;
	int ret;

	if (!strcmp(op_get(op, "kind"), "auxiliary") && !village)
		return model_fail(&op->error, MODEL_EINVAL, "village", "驻村辅警须填写%s",
				  op_label(op, "village"));
	if (!village && !township)
		return model_fail(&op->error, MODEL_EINVAL, "township", "须填写%s或%s",
				  op_label(op, "township"), op_label(op, "village"));
	record_init(&r, NULL);
	ret = op_fetch(op, "regions", village ? village : township, village ? "village" : "township",
		       &r);
	if (!ret && village && township && strcmp(township, record_get(&r, "township")))
		ret = model_fail(&op->error, MODEL_EINVAL, "village", "%s不在所填乡镇",
				 op_label(op, "village"));
	if (!ret) {
		op_set(op, "township", record_get(&r, "township"));
		op_set(op, "district", record_get(&r, "district"));
	}
	record_release(&r);
	return ret ? ret : term(op);
}

const struct entity_desc police_assignment_desc = {
	.name = "police_assignments", .label = "驻村警务", .table = "police_assignments",
	.key = "nk", .natural = "police_no|from",
	.fields = police_assignment_fields, .nfields = NF(police_assignment_fields),
	.read_roles = POLICE_READERS,
	.write_roles = POLICE_WRITERS,
	.scope = { .district = "district", .township = "township" },
	.default_sort = "police_no",
	.prepare = police_assignment_prepare,
};

static const struct field_desc subsidy_fields[] = {
	NATURAL_KEY,
	{ "village", "村（社区）", FT_REF, FF_REQUIRED | FF_IMMUTABLE | FF_FILTER | FF_LIST,
	  .ref = "regions", .ref_level = "village" },
	{ "officer", "警号", FT_CODE, FF_REQUIRED | FF_IMMUTABLE | FF_FILTER | FF_LIST, .max = 20 },
	{ "month", "月份", FT_MONTH,
	  FF_REQUIRED | FF_IMMUTABLE | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	{ "amount", "补贴金额（元）", FT_MONEY, FF_LIST | FF_SORT, .min = 0, .max = 100000 },
	{ "paid_on", "发放日期", FT_DATE, FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	PLACE_FIELDS,
};

static int subsidy_prepare(struct entity_op *op)
{
	const char *month = op_get(op, "month");
	char first[DATE_BUFSZ], last[DATE_BUFSZ];
	char *township = NULL, *district = NULL;
	int y, m, ret;

	month_parse(month, &y, &m);
	snprintf(first, sizeof(first), "%s-01", month);
	snprintf(last, sizeof(last), "%s-%02d", month, date_days_in_month(y, m));
	ret = in_post(op, op_get(op, "officer"), op_get(op, "village"), NULL, first, last, &township,
		      &district);
	if (ret < 0)
		return ret;
	if (!ret)
		return model_fail(&op->error, MODEL_EINVAL, "month", "警号 %s 在%s未在该村任职",
				  op_get(op, "officer"), month);
	op_set(op, "township", township);
	op_set(op, "district", district);
	free(township);
	free(district);
	if (!op_get(op, "amount")) {
		/* the office's setting (DOMAIN.md: 500 yuan by default), in fen */
		char fen[32];

		snprintf(fen, sizeof(fen), "%lld",
			 (long long)settings_get_int(op->db, "police_subsidy_yuan") * 100);
		op_set(op, "amount", fen);
	}
	if ((ret = op_not_future(op, "paid_on")))
		return ret;
	if (op_get(op, "paid_on") && strcmp(op_get(op, "paid_on"), first) < 0)
		return model_fail(&op->error, MODEL_EINVAL, "paid_on", "%s不能早于补贴月份",
				  op_label(op, "paid_on"));
	return 0;
}

const struct entity_desc police_subsidy_desc = {
	.name = "police_subsidies", .label = "驻村补贴", .table = "police_subsidies",
	.key = "nk", .natural = "village|officer|month",
	.fields = subsidy_fields, .nfields = NF(subsidy_fields),
	.read_roles = POLICE_READERS,
	.write_roles = POLICE_WRITERS,
	.scope = { .district = "district", .township = "township" },
	.default_sort = "-month",
	.prepare = subsidy_prepare,
};

static const struct field_desc equipment_fields[] = {
	{ "no", "装备编号", FT_CODE, FF_KEY | FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST, .max = 40 },
	{ "item", "装备名称", FT_TEXT, FF_REQUIRED | FF_FILTER | FF_LIST | FF_SEARCH, .max = 100 },
	{ "officer", "警号", FT_CODE, FF_REQUIRED | FF_FILTER | FF_LIST, .max = 20 },
	{ "issued_on", "配发日期", FT_DATE, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	PLACE_FIELDS,
};

static int equipment_prepare(struct entity_op *op)
{
	char *township = NULL, *district = NULL;
	int ret = op_not_future(op, "issued_on");

	if (ret)
		return ret;
	ret = in_post(op, op_get(op, "officer"), NULL, NULL, op_get(op, "issued_on"),
		      op_get(op, "issued_on"), &township, &district);
	if (ret < 0)
		return ret;
	if (!ret)
		return model_fail(&op->error, MODEL_EINVAL, "officer", "警号 %s 在配发日期未在岗",
				  op_get(op, "officer"));
	op_set(op, "township", township);
	op_set(op, "district", district);
	free(township);
	free(district);
	return 0;
}

const struct entity_desc police_equipment_desc = {
	.name = "police_equipment", .label = "警用装备", .table = "police_equipment", .key = "no",
	.fields = equipment_fields, .nfields = NF(equipment_fields),
	.read_roles = POLICE_READERS,
	.write_roles = POLICE_WRITERS,
	.scope = { .district = "district", .township = "township" },
	.default_sort = "-issued_on",
	.prepare = equipment_prepare,
};

/* ---- 1+5+N informants (信息员) ---- */

static const struct field_desc informant_fields[] = {
	NATURAL_KEY,
	{ "name", "姓名", FT_TEXT, FF_PERSONAL | FF_REQUIRED | FF_IMMUTABLE | FF_FILTER, .max = 50,
	  .mask = MASK_NAME },
	{ "industry", "行业", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_LIST,
	  .enumeration = &enum_informant_industry },
	{ "phone", "联系电话", FT_TEXT, FF_PERSONAL | FF_FILTER, .max = 20, .check = is_phone,
	  .check_msg = "电话号码格式不正确", .mask = MASK_PHONE },
	{ "officer", "联系民警警号", FT_CODE, FF_REQUIRED | FF_IMMUTABLE | FF_FILTER | FF_SORT | FF_LIST,
	  .max = 20 },
	FROM_TO("发展日期", "退出日期"),
	PLACE_FIELDS,
};

static int informant_prepare(struct entity_op *op)
{
	char *township = NULL, *district = NULL;
	int ret;

	/* the officer (the "1") develops the network: in post when the informant joins */
	ret = in_post(op, op_get(op, "officer"), NULL, "officer", op_get(op, "from"),
		      op_get(op, "from"), &township, &district);
	if (ret < 0)
		return ret;
	if (!ret)
		return model_fail(&op->error, MODEL_EINVAL, "officer", "警号 %s 在%s不是在岗民警",
				  op_get(op, "officer"), op_get(op, "from"));
	op_set(op, "township", township);
	op_set(op, "district", district);
	free(township);
	free(district);
	return term(op);
}

const struct entity_desc informant_desc = {
	.name = "informants", .label = "信息员", .table = "informants", .key = "nk",
	.natural = "officer|name|from",
	.fields = informant_fields, .nfields = NF(informant_fields),
	.read_roles = POLICE_READERS,
	.write_roles = POLICE_WRITERS,
	.scope = { .district = "district", .township = "township" },
	.default_sort = "officer",
	.prepare = informant_prepare,
};

/* ---- 联乡包村 cadres and their visits ---- */

static const struct field_desc cadre_fields[] = {
	NATURAL_KEY,
	{ "cadre", "包村干部", FT_TEXT, FF_REQUIRED | FF_IMMUTABLE | FF_SORT | FF_LIST | FF_SEARCH,
	  .max = 50 },
	{ "unit", "所在单位", FT_REF, FF_REQUIRED | FF_FILTER | FF_LIST, .ref = "departments" },
	{ "village", "包联村（社区）", FT_REF, FF_REQUIRED | FF_IMMUTABLE | FF_FILTER | FF_LIST,
	  .ref = "regions", .ref_level = "village" },
	FROM_TO("包联开始日期", "包联结束日期"),
	PLACE_FIELDS,
};

static int cadre_prepare(struct entity_op *op)
{
	int ret = place_by_region(op, "village");

	return ret ? ret : term(op);
}

const struct entity_desc cadre_assignment_desc = {
	.name = "cadre_assignments", .label = "联乡包村", .table = "cadre_assignments", .key = "nk",
	.natural = "cadre|village|from",
	.fields = cadre_fields, .nfields = NF(cadre_fields),
	.read_roles = POLICE_READERS,
	.write_roles = R(OFFICE) | R(SYSTEM),
	.scope = { .district = "district", .township = "township" },
	.default_sort = "cadre",
	.prepare = cadre_prepare,
};

static const struct field_desc cadre_visit_fields[] = {
	{ "no", "走访编号", FT_CODE, FF_KEY | FF_FILTER | FF_SORT | FF_LIST, .max = 40 },
	{ "cadre", "包村干部", FT_TEXT, FF_REQUIRED | FF_FILTER | FF_LIST | FF_SEARCH, .max = 50 },
	{ "village", "村（社区）", FT_REF, FF_REQUIRED | FF_FILTER | FF_LIST, .ref = "regions",
	  .ref_level = "village" },
	{ "visited_on", "走访日期", FT_DATE, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	{ "findings", "走访情况", FT_TEXT, FF_SEARCH, .max = 2000 },
	PLACE_FIELDS,
};

static int cadre_visit_prepare(struct entity_op *op)
{
	int ret = place_by_region(op, "village");

	return ret ? ret : op_not_future(op, "visited_on");
}

const struct entity_desc cadre_visit_desc = {
	.name = "cadre_visits", .label = "包村走访", .table = "cadre_visits", .key = "no",
	.number_prefix = "BC", .number_date = "visited_on",
	.fields = cadre_visit_fields, .nfields = NF(cadre_visit_fields),
	.read_roles = POLICE_READERS,
	.write_roles = R(OFFICE) | R(TOWNSHIP) | R(SYSTEM),
	.scope = { .district = "district", .township = "township" },
	.default_sort = "-visited_on",
	.prepare = cadre_visit_prepare,
};

/* ---- 六防六促 campaigns (专项行动) ---- */

static const struct field_desc campaign_fields[] = {
	{ "no", "行动编号", FT_CODE, FF_KEY | FF_FILTER | FF_SORT | FF_LIST, .max = 40 },
	{ "name", "行动名称", FT_TEXT, FF_REQUIRED | FF_LIST | FF_SEARCH, .max = 200 },
	{ "kind", "行动类别", FT_TEXT, FF_FILTER | FF_LIST, .max = 50 },
	{ "from", "开始日期", FT_DATE, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	{ "to", "结束日期", FT_DATE, FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	{ "district", "所属区县", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
};

static int campaign_prepare(struct entity_op *op)
{
	if (!op->actor->district)
		return model_fail(&op->error, MODEL_EINVAL, "district", "缺少所属区县");
	op_set(op, "district", op->actor->district);
	return term(op);
}

const struct entity_desc campaign_desc = {
	.name = "campaigns", .label = "专项行动", .table = "campaigns", .key = "no",
	.number_prefix = "ZX", .number_date = "from",
	.fields = campaign_fields, .nfields = NF(campaign_fields),
	/* district-wide: every unit of the district reads them; launched from above, where granted */
	.flags = ENT_REFDATA | ENT_GRANTABLE,
	.read_roles = READERS | R(SUPERVISOR),
	.write_roles = R(OFFICE) | R(SYSTEM),
	.scope = { .district = "district" },
	.default_sort = "-from",
	.prepare = campaign_prepare,
};
