/*
 * events.c: the descriptors of the three zeros' events and the work around
 * them — petitions (信访事项) and petition work (四访两送 activities,
 * request letters, village-day and 调处室 records), inspections, hazards,
 * accidents, cases, disputes — with the hooks particular to each: where an
 * event stands (district, township, grid from its subject), derived fields
 * (due dates, accident class, hazard state), checks across fields and the
 * dates a status change sets.  Storage, scope, masking, workflows, import
 * and export are the generic machinery's (record.c, field.c, entity_write.c …).
 */
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/validate.h"
#include "model/entity_int.h"
#include "model/entities.h"
#include "model/enums.h"

#define NF(a) (sizeof(a) / sizeof((a)[0]))
/* the business roles, and the offices above the districts, which read */
#define BIZ (ROLES_BUSINESS | ROLE_BIT(ROLE_REGION))
#define R(r) ROLE_BIT(ROLE_##r)

/*
 * Where an event stands.  With a subject: its township (a township given
 * too must agree), grid and district.  Without: the township given, or the
 * village's, else the writer's own district for district-wide work.
 */
static int place_event(struct entity_op *op)
{
	const char *subject = op_has(op, "subject") ? op_get(op, "subject") : NULL;
	const char *township = op_has(op, "township") ? op_get(op, "township") : NULL;
	struct record s, t;
	int ret = 0;

	record_init(&s, NULL);
	record_init(&t, NULL);
	if (subject) {
		ret = op_fetch(op, "subjects", subject, "subject", &s);
		if (ret)
			goto cleanup;
		if (township && strcmp(township, record_get(&s, "township"))) {
			ret = model_fail(&op->error, MODEL_EINVAL, "township",
					 "%s与创建主体所在乡镇不一致", op_label(op, "township"));
			goto cleanup;
		}
		if (op_has(op, "township"))
			op_set(op, "township", record_get(&s, "township"));
		if (op_has(op, "grid") && !op_get(op, "grid"))
			op_set(op, "grid", record_get(&s, "grid"));
		op_set(op, "district", record_get(&s, "district"));
	} else if (township) {
		ret = op_fetch(op, "regions", township, "township", &t);
		if (ret)
			goto cleanup;
		op_set(op, "district", record_get(&t, "district"));
	} else if (op_has(op, "village") && op_get(op, "village")) {
		ret = op_fetch(op, "regions", op_get(op, "village"), "village", &t);
		if (ret)
			goto cleanup;
		op_set(op, "township", record_get(&t, "township"));
		op_set(op, "district", record_get(&t, "district"));
	} else if (op->actor->district) {
		/* district-wide work; a township's own work is its township's */
		if (op_has(op, "township"))
			op_set(op, "township", (entity_field(op->ed, "township")->flags & FF_DERIVED) ?
					     NULL : op->actor->township);
		op_set(op, "district", op->actor->district);
	} else if (!(entity_field(op->ed, "district")->flags & FF_DERIVED) && op_get(op, "district")) {
		/* district-wide work entered by the command line, which names its district */
	} else if (!(entity_field(op->ed, "district")->flags & FF_DERIVED)) {
		ret = model_fail(&op->error, MODEL_EINVAL, "district", "须填写所属区县");
		goto cleanup;
	} else {
		ret = model_fail(&op->error, MODEL_EINVAL, op_has(op, "subject") ? "subject" : "township",
				 "须填写%s", op_has(op, "subject") ? "创建主体或所属乡镇" : "所属乡镇");
		goto cleanup;
	}
	/* a grid given by hand must lie in the event's township */
	if (op_has(op, "grid") && op_get(op, "grid") && !(entity_field(op->ed, "grid")->flags & FF_DERIVED) &&
	    op_get(op, "township")) {
		struct record g;
		record_init(&g, NULL);
		ret = op_fetch(op, "regions", op_get(op, "grid"), "grid", &g);
		if (!ret && strcmp(record_get(&g, "township") ? record_get(&g, "township") : "",
				   op_get(op, "township")))
			ret = model_fail(&op->error, MODEL_EINVAL, "grid", "网格不在该乡镇内");
		record_release(&g);
	}
cleanup:
	record_release(&s);
	record_release(&t);
	return ret;
}

/* What a patrol or a household visit found names it (hooks.c, op_found_on()). */
#define FOUND_ON_FIELDS \
	{ "patrol", "发现于巡查", FT_REF, FF_FILTER, .ref = "patrols" }, \
	{ "visit", "发现于走访", FT_REF, FF_FILTER, .ref = "household_visits" }

/* The status moved to `status` now: stamp date field `key` with today if empty. */
static void stamp_on(struct entity_op *op, const char *status, const char *key)
{
	char today[DATE_BUFSZ];
	const char *now = op_get(op, "status");
	const char *before = op->old ? record_get(op->old, "status") : NULL;

	if (!now || strcmp(now, status) || (before && !strcmp(before, status)) || op_get(op, key))
		return;
	if (!op->old)
		return; /* a historical record arrives with its own dates */
	date_today(today);
	op_set(op, key, today);
}

/* ---- petitions ---- */

static const struct transition petition_transitions[] = {
	{ "registered", "accepted", R(PETITION) | R(OFFICE) },
	{ "registered", "closed", R(PETITION) | R(OFFICE) },
	{ "accepted", "assigned", R(PETITION) | R(OFFICE) },
	{ "accepted", "handling", R(PETITION) | R(OFFICE) },
	{ "assigned", "handling", R(PETITION) | R(OFFICE) },
	{ "handling", "replied", R(PETITION) | R(OFFICE) },
	{ "replied", "resolved", R(PETITION) | R(OFFICE) },
	{ "replied", "closed", R(PETITION) | R(OFFICE) },
	{ "resolved", "closed", R(PETITION) | R(OFFICE) },
	{ NULL, NULL, 0 },
};
static const struct workflow petition_workflow = { "status", "registered", petition_transitions };

static const struct bulk_action petition_bulk[] = {
	{ "accept", "受理", "status", "registered", "status=accepted", NULL,
	  R(PETITION) | R(OFFICE) },
	{ "assign", "交办", "status", "accepted", "status=assigned", "handling_dept",
	  R(PETITION) | R(OFFICE) },
	{ NULL },
};

static int is_phone(const char *s) { return phone_valid(s); }
static int is_idcard(const char *s) { return idcard_valid(s); }

static const struct field_desc petition_fields[] = {
	{ "no", "信访编号", FT_CODE, FF_KEY | FF_FILTER | FF_SORT | FF_LIST | FF_SEARCH,
	  .max = 32 },
	{ "received_on", "登记日期", FT_DATE, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE | FF_COUNTED },
	{ "channel", "信访形式", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_LIST | FF_COUNTED,
	  .enumeration = &enum_petition_channel },
	{ "persons", "人数", FT_INT, FF_REQUIRED | FF_SORT | FF_LIST | FF_COUNTED, .min = 1, .max = 100000 },
	{ "level", "最高到达层级", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_COUNTED,
	  .enumeration = &enum_petition_level },
	{ "subject", "涉及主体", FT_REF, FF_FILTER | FF_LIST | FF_COUNTED, .ref = "subjects" },
	{ "township", "所属乡镇", FT_REF, FF_FILTER | FF_LIST | FF_COUNTED, .ref = "regions",
	  .ref_level = "township" },
	{ "category", "问题类别", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_LIST,
	  .enumeration = &enum_petition_category },
	{ "summary", "主要诉求", FT_TEXT, FF_SEARCH, .max = 2000 },
	{ "status", "办理状态", FT_ENUM, FF_FILTER | FF_SORT | FF_LIST,
	  .enumeration = &enum_petition_status },
	{ "resolved_on", "化解日期", FT_DATE, FF_FILTER | FF_RANGE },
	{ "petitioner_name", "信访人姓名", FT_TEXT, FF_PERSONAL | FF_FILTER, .max = 50,
	  .mask = MASK_NAME },
	{ "petitioner_id", "信访人身份证号", FT_CODE, FF_PERSONAL | FF_FILTER, .max = 18,
	  .check = is_idcard, .check_msg = "身份证号码校验位错误", .mask = MASK_IDCARD,
	  .normalize = idcard_normalise },
	{ "petitioner_phone", "信访人电话", FT_TEXT, FF_PERSONAL | FF_FILTER, .max = 20,
	  .check = is_phone, .check_msg = "电话号码格式不正确", .mask = MASK_PHONE },
	{ "handling_dept", "承办单位", FT_REF, FF_FILTER | FF_LIST, .ref = "departments" },
	{ "accepted_on", "受理日期", FT_DATE, 0 },
	{ "replied_on", "答复日期", FT_DATE, 0 },
	{ "satisfaction", "满意度", FT_ENUM, FF_FILTER, .enumeration = &enum_satisfaction },
	{ "previous", "前次信访编号", FT_REF, FF_FILTER, .ref = "petitions" },
	{ "collective", "集体访", FT_BOOL, FF_DERIVED | FF_FILTER | FF_LIST | FF_NOIMPORT },
	{ "repeat", "重复信访", FT_BOOL, FF_DERIVED | FF_FILTER | FF_NOIMPORT },
	{ "accept_due", "受理期限", FT_DATE, FF_DERIVED | FF_NOIMPORT },
	{ "reply_due", "答复期限", FT_DATE, FF_DERIVED | FF_LIST | FF_NOIMPORT },
	{ "grid", "网格", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
	{ "district", "所属区县", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
};

void petition_derive(const char *received_on, int64_t persons, int has_previous,
		     struct petition_derived *out)
{
	out->collective = persons >= 5 ? "1" : "0";
	out->repeat = has_previous ? "1" : "0";
	date_add_days(received_on, 15, out->accept_due);
	date_add_days(received_on, 60, out->reply_due);
}

static int petition_prepare(struct entity_op *op)
{
	struct petition_derived d;
	const char *received = op_get(op, "received_on");
	int ret;

	if ((ret = place_event(op)) || (ret = op_not_future(op, "received_on")))
		return ret;
	if (op_get(op, "previous") && op_get(op, "no") &&
	    !strcmp(op_get(op, "previous"), op_get(op, "no")))
		return model_fail(&op->error, MODEL_EINVAL, "previous", "前次信访不能是本件");
	stamp_on(op, "accepted", "accepted_on");
	stamp_on(op, "replied", "replied_on");
	stamp_on(op, "resolved", "resolved_on");
	if ((ret = op_not_before(op, "accepted_on", "received_on")) ||
	    (ret = op_not_before(op, "replied_on", "received_on")) ||
	    (ret = op_not_before(op, "resolved_on", "received_on")) ||
	    (ret = op_not_future(op, "accepted_on")) || (ret = op_not_future(op, "replied_on")) ||
	    (ret = op_not_future(op, "resolved_on")))
		return ret;
	petition_derive(received, atoll(op_get(op, "persons")), op_get(op, "previous") != NULL, &d);
	op_set(op, "collective", d.collective);
	op_set(op, "repeat", d.repeat);
	op_set(op, "accept_due", d.accept_due);
	op_set(op, "reply_due", d.reply_due);
	return 0;
}

const struct entity_desc petition_desc = {
	.name = "petitions", .label = "信访事项", .table = "petitions", .key = "no",
	.number_prefix = "XF", .number_date = "received_on",
	.fields = petition_fields, .nfields = NF(petition_fields),
	.flags = ENT_ASSESS | ENT_PARTITIONED,
	.read_roles = BIZ,
	.write_roles = R(PETITION) | R(OFFICE) | R(SYSTEM),
	.scope = { .district = "district", .township = "township", .grid = "grid",
		   .subject = "subject" },
	.default_sort = "-received_on",
	.workflow = &petition_workflow,
	.bulk = petition_bulk,
	/* not accepted within 15 days, or not answered within 60 */
	.overdue_sql = "(t.status = 'registered' AND t.accept_due < ?) OR "
		       "(t.status IN ('registered', 'accepted', 'assigned', 'handling') AND "
		       "t.reply_due < ?)",
	/* accepted (replied or resolved) after the day, or still waiting now */
	.overdue_on_sql = "(t.accept_due <= ? AND (t.accepted_on > ? OR "
			  "(t.accepted_on IS NULL AND t.status = 'registered'))) OR "
			  "(t.reply_due <= ? AND (COALESCE(t.replied_on, t.resolved_on) > ? OR "
			  "(t.replied_on IS NULL AND t.resolved_on IS NULL AND "
			  "t.status IN ('registered', 'accepted', 'assigned', 'handling'))))",
	.prepare = petition_prepare,
};

/* ---- petition work: 四访两送 ---- */

static const struct field_desc activity_fields[] = {
	{ "no", "活动编号", FT_CODE, FF_KEY | FF_FILTER | FF_SORT | FF_LIST | FF_SEARCH,
	  .max = 32 },
	{ "held_on", "日期", FT_DATE, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE | FF_COUNTED },
	{ "kind", "活动形式", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_LIST,
	  .enumeration = &enum_petition_work_kind },
	{ "leader", "带队领导", FT_TEXT, FF_REQUIRED | FF_LIST | FF_SEARCH, .max = 50 },
	{ "place", "地点", FT_TEXT, FF_LIST | FF_SEARCH, .max = 200 },
	{ "petitions_handled", "处理信访事项数", FT_INT, FF_LIST, .min = 0, .max = 100000 },
	{ "township", "所属乡镇", FT_REF, FF_FILTER | FF_LIST | FF_COUNTED, .ref = "regions",
	  .ref_level = "township" },
	{ "summary", "情况摘要", FT_TEXT, FF_SEARCH, .max = 2000 },
	{ "district", "所属区县", FT_REF, FF_FILTER | FF_COUNTED, .ref = "regions", .ref_level = "district" },
};

static int activity_prepare(struct entity_op *op)
{
	int ret = place_event(op);

	if (!op_get(op, "petitions_handled"))
		op_set(op, "petitions_handled", "0");
	return ret ? ret : op_not_future(op, "held_on");
}

const struct entity_desc activity_desc = {
	.name = "petition_activities", .label = "四访两送", .table = "petition_activities",
	.key = "no",
	.number_prefix = "SF", .number_date = "held_on",
	.fields = activity_fields, .nfields = NF(activity_fields),
	.flags = ENT_FIGURES | ENT_PARTITIONED,
	.read_roles = BIZ,
	.write_roles = R(PETITION) | R(OFFICE) | R(TOWNSHIP) | R(SYSTEM),
	.scope = { .district = "district", .township = "township" },
	.default_sort = "-held_on",
	.prepare = activity_prepare,
};

/* ---- request letters: 约访下访提请函 ---- */

static const struct field_desc letter_fields[] = {
	{ "no", "提请函编号", FT_CODE, FF_KEY | FF_FILTER | FF_SORT | FF_LIST, .max = 32 },
	{ "sent_on", "发送日期", FT_DATE, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	{ "leader", "区级领导", FT_TEXT, FF_REQUIRED | FF_LIST | FF_SEARCH, .max = 50 },
	{ "petitions", "所附信访事项", FT_REFSET, FF_LIST, .ref = "petitions" },
	{ "matters", "提请事项", FT_TEXT, FF_SEARCH, .max = 2000 },
	{ "district", "所属区县", FT_REF, FF_FILTER, .ref = "regions", .ref_level = "district" },
};

static int letter_prepare(struct entity_op *op)
{
	int ret = place_event(op);

	return ret ? ret : op_not_future(op, "sent_on");
}

const struct entity_desc letter_desc = {
	.name = "request_letters", .label = "约访下访提请函", .table = "request_letters",
	.key = "no",
	.number_prefix = "TQ", .number_date = "sent_on",
	.fields = letter_fields, .nfields = NF(letter_fields),
	.read_roles = R(OFFICE) | ROLES_LEAD | R(SYSTEM),
	.write_roles = R(PETITION) | R(OFFICE) | R(SYSTEM),
	.scope = { .district = "district" },
	.flags = ENT_PARTITIONED,
	.default_sort = "-sent_on",
	.prepare = letter_prepare,
};

/* ---- village days (逢六村务日) and 调处室 records ---- */

static const struct field_desc village_record_fields[] = {
	{ "no", "记录编号", FT_CODE, FF_KEY | FF_FILTER | FF_SORT | FF_LIST, .max = 32 },
	{ "held_on", "日期", FT_DATE, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	{ "kind", "类型", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_LIST,
	  .enumeration = &enum_village_record_kind },
	{ "village", "村/社区", FT_REF, FF_REQUIRED | FF_FILTER | FF_LIST, .ref = "regions",
	  .ref_level = "village" },
	{ "participants", "参加人数", FT_INT, FF_LIST, .min = 0, .max = 100000 },
	{ "matters", "受理事项数", FT_INT, FF_LIST, .min = 0, .max = 100000 },
	{ "resolved", "化解事项数", FT_INT, FF_LIST, .min = 0, .max = 100000 },
	{ "summary", "情况摘要", FT_TEXT, FF_SEARCH, .max = 2000 },
	{ "township", "所属乡镇", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
	{ "district", "所属区县", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
};

static int village_record_prepare(struct entity_op *op)
{
	const char *day = op_get(op, "held_on") + 8;
	int ret = place_event(op);

	if (ret || (ret = op_not_future(op, "held_on")))
		return ret;
	if (!strcmp(op_get(op, "kind"), "village_day") && strcmp(day, "06") && strcmp(day, "16") &&
	    strcmp(day, "26"))
		return model_fail(&op->error, MODEL_EINVAL, "held_on",
				  "逢六村务日应在每月 6 日、16 日或 26 日");
	if (op_get(op, "matters") && op_get(op, "resolved") &&
	    atoll(op_get(op, "resolved")) > atoll(op_get(op, "matters")))
		return model_fail(&op->error, MODEL_EINVAL, "resolved", "化解事项数不能多于受理事项数");
	return 0;
}

const struct entity_desc village_record_desc = {
	.name = "village_records", .label = "村务日与调处室", .table = "village_records",
	.key = "no",
	.number_prefix = "CW", .number_date = "held_on",
	.fields = village_record_fields, .nfields = NF(village_record_fields),
	.read_roles = BIZ,
	/* a village matter: the township and the lead departments keep it */
	.write_roles = R(TOWNSHIP) | R(PETITION) | R(OFFICE) | R(SYSTEM),
	.scope = { .district = "district", .township = "township" },
	.flags = ENT_PARTITIONED,
	.default_sort = "-held_on",
	.prepare = village_record_prepare,
};

/* ---- inspections (检查, 家次) ---- */

static const struct field_desc inspection_fields[] = {
	{ "no", "检查编号", FT_CODE, FF_KEY | FF_FILTER | FF_SORT | FF_LIST, .max = 32 },
	{ "inspected_on", "检查日期", FT_DATE,
	  FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE | FF_COUNTED },
	{ "subject", "被检查主体", FT_REF, FF_REQUIRED | FF_FILTER | FF_LIST | FF_COUNTED, .ref = "subjects" },
	{ "department", "检查单位", FT_REF, FF_FILTER | FF_LIST, .ref = "departments" },
	{ "domain", "领域", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_LIST,
	  .enumeration = &enum_safety_domain },
	{ "inspector", "检查人", FT_TEXT, FF_SEARCH, .max = 50 },
	{ "findings", "检查情况", FT_TEXT, FF_SEARCH, .max = 2000 },
	{ "township", "所属乡镇", FT_REF, FF_DERIVED | FF_FILTER | FF_LIST | FF_NOIMPORT,
	  .ref = "regions" },
	{ "grid", "网格", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
	{ "district", "所属区县", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
	/* the 六防六促 campaign (专项行动) it belongs to, of the district */
	{ "campaign", "所属专项行动", FT_REF, FF_FILTER | FF_FILTER_REF | FF_NOIMPORT,
	  .ref = "campaigns" },
};

static int inspection_prepare(struct entity_op *op)
{
	int ret = place_event(op);

	if (ret || (ret = op_not_future(op, "inspected_on")))
		return ret;
	if (!op_get(op, "department") && op->actor->dept)
		op_set(op, "department", op->actor->dept);
	return 0;
}

#define SAFETY_WRITERS (R(SAFETY) | R(OFFICE) | R(SYSTEM))
#define EVENT_SCOPE { .district = "district", .township = "township", .grid = "grid", \
		      .subject = "subject" }

const struct entity_desc inspection_desc = {
	.name = "inspections", .label = "安全检查", .table = "inspections", .key = "no",
	.number_prefix = "JC", .number_date = "inspected_on",
	.fields = inspection_fields, .nfields = NF(inspection_fields),
	.flags = ENT_FIGURES | ENT_PARTITIONED,
	.read_roles = BIZ,
	.write_roles = SAFETY_WRITERS,
	.scope = EVENT_SCOPE,
	.default_sort = "-inspected_on",
	.prepare = inspection_prepare,
};

/* ---- hazards (隐患) ---- */

static const struct field_desc hazard_fields[] = {
	{ "no", "隐患编号", FT_CODE, FF_KEY | FF_FILTER | FF_SORT | FF_LIST, .max = 32 },
	{ "inspection", "检查编号", FT_REF, FF_FILTER, .ref = "inspections" },
	{ "subject", "所属主体", FT_REF, FF_REQUIRED | FF_FILTER | FF_LIST | FF_COUNTED, .ref = "subjects" },
	{ "level", "隐患等级", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_LIST,
	  .enumeration = &enum_hazard_level },
	{ "domain", "领域", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_LIST,
	  .enumeration = &enum_safety_domain },
	/* required: without a patrol or a visit, which date it (op_found_on()) */
	{ "found_on", "发现日期", FT_DATE, FF_FILTER | FF_SORT | FF_LIST | FF_RANGE | FF_COUNTED },
	{ "deadline", "整改期限", FT_DATE, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	{ "rectified_on", "整改完成日期", FT_DATE, FF_FILTER | FF_LIST | FF_RANGE | FF_COUNTED },
	{ "verified_on", "验收日期", FT_DATE, FF_FILTER | FF_RANGE },
	{ "description", "隐患描述", FT_TEXT, FF_SEARCH, .max = 2000 },
	{ "evidence", "整改证明", FT_TEXT, 0, .max = 2000 },
	{ "state", "整改状态", FT_ENUM, FF_DERIVED | FF_FILTER | FF_LIST | FF_NOIMPORT,
	  .enumeration = &enum_hazard_state },
	{ "township", "所属乡镇", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
	{ "grid", "网格", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
	{ "district", "所属区县", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
	FOUND_ON_FIELDS,
};

/* 验收销号 of the hazards rectified: verified today */
static const struct bulk_action hazard_bulk[] = {
	{ "verify", "验收销号", "state", "rectified", "verified_on=@today", NULL, SAFETY_WRITERS },
	{ NULL },
};

const char *hazard_state(const char *rectified_on, const char *verified_on)
{
	return verified_on ? "verified" : rectified_on ? "rectified" : "open";
}

static int hazard_prepare(struct entity_op *op)
{
	int ret = op_found_on(op, "found_on");

	if (!ret)
		ret = place_event(op);
	if (ret || (ret = op_not_future(op, "found_on")) || (ret = op_not_future(op, "rectified_on")) ||
	    (ret = op_not_future(op, "verified_on")))
		return ret;
	if (op_get(op, "rectified_on") && strcmp(op_get(op, "rectified_on"), op_get(op, "found_on")) < 0)
		return model_fail(&op->error, MODEL_EINVAL, "rectified_on",
				  "整改完成日期不能早于发现日期");
	if ((ret = op_not_before(op, "deadline", "found_on")))
		return ret;
	if (op_get(op, "verified_on") && !op_get(op, "rectified_on"))
		return model_fail(&op->error, MODEL_EINVAL, "verified_on", "尚未整改，不能验收");
	if ((ret = op_not_before(op, "verified_on", "rectified_on")))
		return ret;
	if (op_get(op, "inspection")) {
		struct record in;
		record_init(&in, NULL);
		ret = op_fetch(op, "inspections", op_get(op, "inspection"), "inspection", &in);
		if (!ret && strcmp(record_get(&in, "subject"), op_get(op, "subject")))
			ret = model_fail(&op->error, MODEL_EINVAL, "inspection",
					 "检查“%s”检查的不是该主体", op_get(op, "inspection"));
		else if (!ret && strcmp(op_get(op, "found_on"), record_get(&in, "inspected_on")) < 0)
			ret = model_fail(&op->error, MODEL_EINVAL, "found_on",
					 "发现日期不能早于检查日期");
		record_release(&in);
		if (ret)
			return ret;
	}
	op_set(op, "state", hazard_state(op_get(op, "rectified_on"), op_get(op, "verified_on")));
	return 0;
}

const struct entity_desc hazard_desc = {
	.name = "hazards", .label = "安全隐患", .table = "hazards", .key = "no",
	.number_prefix = "YH", .number_date = "found_on",
	.fields = hazard_fields, .nfields = NF(hazard_fields),
	.flags = ENT_FIGURES | ENT_ATTACH | ENT_PARTITIONED,
	.read_roles = BIZ,
	/* and the grid worker, in its grid: the hazards its patrols find */
	.write_roles = SAFETY_WRITERS | R(GRID),
	.scope = EVENT_SCOPE,
	.default_sort = "-found_on",
	.overdue_sql = "t.rectified_on IS NULL AND t.deadline < ?",
	.overdue_on_sql = "t.deadline <= ? AND (t.rectified_on IS NULL OR t.rectified_on > ?)",
	.bulk = hazard_bulk,
	.prepare = hazard_prepare,
};

/* ---- accidents (事故) ---- */

static const struct field_desc accident_fields[] = {
	{ "no", "事故编号", FT_CODE, FF_KEY | FF_FILTER | FF_SORT | FF_LIST, .max = 32 },
	{ "occurred_on", "发生日期", FT_DATE, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE | FF_COUNTED },
	{ "subject", "所属主体", FT_REF, FF_FILTER | FF_LIST | FF_COUNTED, .ref = "subjects" },
	{ "domain", "领域", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_LIST,
	  .enumeration = &enum_safety_domain },
	{ "deaths", "死亡人数", FT_INT, FF_REQUIRED | FF_SORT | FF_LIST | FF_COUNTED, .min = 0, .max = 100000 },
	{ "injuries", "受伤人数", FT_INT, FF_REQUIRED | FF_SORT | FF_LIST | FF_COUNTED, .min = 0, .max = 100000 },
	{ "direct_loss", "直接经济损失（元）", FT_MONEY, FF_SORT | FF_LIST, .min = 0,
	  .max = 1000000000000LL },
	{ "production", "生产安全事故", FT_BOOL, FF_REQUIRED | FF_FILTER | FF_LIST },
	{ "summary", "事故概况", FT_TEXT, FF_SEARCH, .max = 2000 },
	{ "serious_injuries", "重伤人数", FT_INT, 0, .min = 0, .max = 100000 },
	{ "township", "所属乡镇", FT_REF, FF_FILTER | FF_LIST, .ref = "regions",
	  .ref_level = "township" },
	{ "class", "事故等级", FT_ENUM, FF_DERIVED | FF_FILTER | FF_LIST | FF_NOIMPORT,
	  .enumeration = &enum_accident_class },
	{ "grid", "网格", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
	{ "district", "所属区县", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
};

/*
 * The class of an accident by the national thresholds (生产安全事故报告和
 * 调查处理条例, art. 3): the highest class that any of deaths, serious
 * injuries or direct loss reaches.  Loss in fen.
 */
const char *accident_class(int64_t deaths, int64_t serious, int64_t loss_fen)
{
	int64_t yuan = loss_fen / 100;

	if (deaths >= 30 || serious >= 100 || yuan >= 100000000)
		return "especially_major";
	if (deaths >= 10 || serious >= 50 || yuan >= 50000000)
		return "major";
	if (deaths >= 3 || serious >= 10 || yuan >= 10000000)
		return "larger";
	return "general";
}

static int accident_prepare(struct entity_op *op)
{
	const char *serious = op_get(op, "serious_injuries");
	const char *loss = op_get(op, "direct_loss");
	int ret = place_event(op);

	if (ret || (ret = op_not_future(op, "occurred_on")))
		return ret;
	if (serious && atoll(serious) > atoll(op_get(op, "injuries")))
		return model_fail(&op->error, MODEL_EINVAL, "serious_injuries",
				  "重伤人数不能多于受伤人数");
	op_set(op, "class", accident_class(atoll(op_get(op, "deaths")), serious ? atoll(serious) : 0,
					loss ? atoll(loss) : 0));
	return 0;
}

const struct entity_desc accident_desc = {
	.name = "accidents", .label = "事故", .table = "accidents", .key = "no",
	.number_prefix = "SG", .number_date = "occurred_on",
	.fields = accident_fields, .nfields = NF(accident_fields),
	.flags = ENT_ASSESS | ENT_PARTITIONED,
	.read_roles = BIZ,
	.write_roles = SAFETY_WRITERS,
	.scope = EVENT_SCOPE,
	.default_sort = "-occurred_on",
	.prepare = accident_prepare,
};

/* ---- cases (案件) ---- */

static const struct transition case_transitions[] = {
	{ "filed", "solved", R(POLICE) },
	{ "filed", "closed", R(POLICE) },
	{ "solved", "prosecuted", R(POLICE) },
	{ "solved", "closed", R(POLICE) },
	{ "prosecuted", "closed", R(POLICE) },
	{ NULL, NULL, 0 },
};
static const struct workflow case_workflow = { "status", "filed", case_transitions };

static const struct field_desc case_fields[] = {
	{ "no", "案件编号", FT_CODE, FF_KEY | FF_FILTER | FF_SORT | FF_LIST, .max = 32 },
	{ "kind", "案件类型", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_LIST | FF_COUNTED,
	  .enumeration = &enum_case_kind },
	{ "major_impact", "有重大影响", FT_BOOL, FF_FILTER | FF_LIST | FF_COUNTED },
	{ "category", "案件类别", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_LIST,
	  .enumeration = &enum_case_category },
	{ "occurred_on", "发案日期", FT_DATE, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE | FF_COUNTED },
	{ "subject", "所属主体", FT_REF, FF_FILTER | FF_LIST | FF_COUNTED, .ref = "subjects" },
	{ "township", "所属乡镇", FT_REF, FF_FILTER | FF_LIST | FF_COUNTED, .ref = "regions",
	  .ref_level = "township" },
	{ "status", "办理状态", FT_ENUM, FF_FILTER | FF_LIST, .enumeration = &enum_case_status },
	{ "coerced", "采取刑事强制措施人数", FT_INT, FF_LIST | FF_COUNTED, .min = 0, .max = 100000 },
	{ "prosecuted", "移送起诉人数", FT_INT, FF_LIST | FF_COUNTED, .min = 0, .max = 100000 },
	{ "summary", "简要案情", FT_TEXT, FF_SEARCH, .max = 2000 },
	{ "grid", "网格", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
	{ "district", "所属区县", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
};

static int case_prepare(struct entity_op *op)
{
	int ret = place_event(op);

	if (ret || (ret = op_not_future(op, "occurred_on")))
		return ret;
	if (!op_get(op, "major_impact"))
		op_set(op, "major_impact", "0");
	if (!op_get(op, "coerced"))
		op_set(op, "coerced", "0");
	if (!op_get(op, "prosecuted"))
		op_set(op, "prosecuted", "0");
	return 0;
}

const struct entity_desc case_desc = {
	.name = "cases", .label = "案件", .table = "cases", .key = "no",
	.number_prefix = "AJ", .number_date = "occurred_on",
	.fields = case_fields, .nfields = NF(case_fields),
	.flags = ENT_ASSESS | ENT_PARTITIONED,
	.read_roles = BIZ,
	.write_roles = R(POLICE) | R(SYSTEM),
	.scope = EVENT_SCOPE,
	.default_sort = "-occurred_on",
	.workflow = &case_workflow,
	.prepare = case_prepare,
};

/* ---- disputes and their mediation (矛盾纠纷) ---- */

static const struct transition dispute_transitions[] = {
#define DW (R(TOWNSHIP) | R(GRID) | R(PETITION) | R(OFFICE))
	{ "registered", "mediating", DW },
	{ "registered", "referred", DW },
	{ "mediating", "success", DW },
	{ "mediating", "failed", DW },
	{ "mediating", "referred", DW },
	{ "failed", "referred", DW },
	{ NULL, NULL, 0 },
};
static const struct workflow dispute_workflow = { "status", "registered", dispute_transitions };

static const struct field_desc dispute_fields[] = {
	{ "no", "纠纷编号", FT_CODE, FF_KEY | FF_FILTER | FF_SORT | FF_LIST, .max = 32 },
	/* required: without a patrol or a visit, which date it (op_found_on()) */
	{ "found_on", "发现日期", FT_DATE, FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	{ "source", "来源", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_LIST,
	  .enumeration = &enum_dispute_source },
	{ "category", "纠纷类别", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_LIST,
	  .enumeration = &enum_dispute_category },
	{ "subject", "所属主体", FT_REF, FF_FILTER | FF_LIST | FF_COUNTED, .ref = "subjects" },
	{ "township", "所属乡镇", FT_REF, FF_FILTER | FF_LIST | FF_COUNTED, .ref = "regions",
	  .ref_level = "township" },
	{ "grid", "网格", FT_REF, FF_FILTER, .ref = "regions", .ref_level = "grid" },
	{ "mediation", "调解方式", FT_ENUM, FF_FILTER | FF_LIST, .enumeration = &enum_mediation_kind },
	{ "status", "调解状态", FT_ENUM, FF_FILTER | FF_LIST | FF_COUNTED, .enumeration = &enum_dispute_status },
	{ "closed_on", "办结日期", FT_DATE, FF_FILTER | FF_SORT | FF_RANGE | FF_COUNTED },
	{ "amount", "涉及金额（元）", FT_MONEY, FF_SORT, .min = 0, .max = 1000000000000LL },
	{ "risk", "风险等级", FT_ENUM, FF_FILTER | FF_LIST, .enumeration = &enum_risk_level },
	{ "deadline", "化解期限", FT_DATE, FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	{ "mediator", "调解员", FT_TEXT, FF_SEARCH, .max = 50 },
	{ "party_a_name", "申请方姓名", FT_TEXT, FF_PERSONAL | FF_FILTER, .max = 50,
	  .mask = MASK_NAME },
	{ "party_a_phone", "申请方电话", FT_TEXT, FF_PERSONAL | FF_FILTER, .max = 20,
	  .check = is_phone, .check_msg = "电话号码格式不正确", .mask = MASK_PHONE },
	{ "party_b_name", "被申请方姓名", FT_TEXT, FF_PERSONAL | FF_FILTER, .max = 50,
	  .mask = MASK_NAME },
	{ "party_b_phone", "被申请方电话", FT_TEXT, FF_PERSONAL | FF_FILTER, .max = 20,
	  .check = is_phone, .check_msg = "电话号码格式不正确", .mask = MASK_PHONE },
	{ "summary", "纠纷概况", FT_TEXT, FF_SEARCH, .max = 2000 },
	{ "district", "所属区县", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
	FOUND_ON_FIELDS,
};

static int dispute_prepare(struct entity_op *op)
{
	const char *status = op_get(op, "status");
	int closed = status && (!strcmp(status, "success") || !strcmp(status, "failed") ||
				!strcmp(status, "referred"));
	int ret = op_found_on(op, "found_on");

	if (!ret)
		ret = place_event(op);
	if (ret || (ret = op_not_future(op, "found_on")))
		return ret;
	stamp_on(op, "success", "closed_on");
	stamp_on(op, "failed", "closed_on");
	stamp_on(op, "referred", "closed_on");
	if (closed && !op_get(op, "closed_on"))
		return model_fail(&op->error, MODEL_EINVAL, "closed_on", "办结的纠纷须有办结日期");
	if (!closed && op_get(op, "closed_on"))
		return model_fail(&op->error, MODEL_EINVAL, "closed_on", "尚未办结的纠纷不应有办结日期");
	if ((ret = op_not_before(op, "closed_on", "found_on")) || (ret = op_not_future(op, "closed_on")) ||
	    (ret = op_not_before(op, "deadline", "found_on")))
		return ret;
	return 0;
}

const struct entity_desc dispute_desc = {
	.name = "disputes", .label = "矛盾纠纷", .table = "disputes", .key = "no",
	.number_prefix = "JF", .number_date = "found_on",
	.fields = dispute_fields, .nfields = NF(dispute_fields),
	.flags = ENT_FIGURES | ENT_ATTACH | ENT_PARTITIONED, /* the photo taken where it was found */
	.read_roles = BIZ,
	.write_roles = DW | R(SYSTEM),
	.scope = EVENT_SCOPE,
	.default_sort = "-found_on",
	.workflow = &dispute_workflow,
	/* no deadline, never overdue: NOT (... AND NULL < ?) would drop it from ?overdue=0 */
	.overdue_sql = "t.status IN ('registered', 'mediating') AND t.deadline IS NOT NULL AND "
		       "t.deadline < ?",
	/* a closed dispute has its closed_on (dispute_prepare) */
	.overdue_on_sql = "t.deadline <= ? AND (t.closed_on IS NULL OR t.closed_on > ?)",
	.prepare = dispute_prepare,
};

