/*
 * work.c: the descriptors of the office's work lists (DOMAIN.md, "The work
 * cycle") — tasks (任务清单), supervision checks (督导检查), problems (问题清单)
 * and coordination meetings (联席会议) — with the hooks particular to them:
 * where a row stands (district from its township or subject, else from its
 * department), the dates that must agree (due after assigned, deadline
 * after found, done and rectified dates of finished work), and the guard
 * that lets a department or township that owns a task or problem report
 * its progress (status, done or rectified date) and nothing else; the
 * office registers, changes and verifies.  Storage, scope (owner and
 * co-owners: scope.c), workflows, import and export are the generic
 * machinery's (entity.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/date.h"
#include "model/entity_int.h"
#include "model/entities.h"
#include "model/enums.h"

#define NF(a) (sizeof(a) / sizeof((a)[0]))
#define R(r) ROLE_BIT(ROLE_##r)
/* the office, and the units that own work and report on it */
#define OWNERS (R(OFFICE) | ROLES_LEAD | R(SUPERVISOR) | R(TOWNSHIP))
/* meetings and checks: the district's business units read them all */
#define UNITS (OWNERS | R(SYSTEM))
/* who reads the lists: the units, and the offices above the districts */
#define READERS (UNITS | R(REGION))

/* Is the status one of `list` (codes joined by |)? */
static int status_in(struct entity_op *op, const char *list)
{
	return in_set(list, op_get(op, "status"));
}

/*
 * The finished-work date `key` (done_on, rectified_on): required in the
 * statuses `finished`, refused in the others; not before `from`, not in
 * the future.
 */
static int finished_date(struct entity_op *op, const char *key, const char *finished,
			 const char *from)
{
	int ret;

	if (status_in(op, finished) && !op_get(op, key))
		return model_fail(&op->error, MODEL_EINVAL, key, "%s：状态为“%s”时必填", op_label(op, key),
				  enum_label(entity_field(op->ed, "status")->enumeration,
					     op_get(op, "status")));
	if (!status_in(op, finished) && op_get(op, key))
		return model_fail(&op->error, MODEL_EINVAL, key, "%s：尚未完成，不应填写",
				  op_label(op, key));
	if ((ret = op_not_before(op, key, from)) || (ret = op_not_future(op, key)))
		return ret;
	return 0;
}

/*
 * The verification date: stamped today when the status moves to verified
 * without one; refused before it; not before the finished date.
 */
static int verified_date(struct entity_op *op, const char *finished_key)
{
	char today[DATE_BUFSZ];
	int ret;

	if (status_in(op, "verified") && !op_get(op, "verified_on") && op->old) {
		date_today(today);
		op_set(op, "verified_on", today);
	}
	if (status_in(op, "verified") && !op_get(op, "verified_on"))
		return model_fail(&op->error, MODEL_EINVAL, "verified_on", "%s：已核销的记录必填",
				  op_label(op, "verified_on"));
	if (!status_in(op, "verified") && op_get(op, "verified_on"))
		return model_fail(&op->error, MODEL_EINVAL, "verified_on", "%s：尚未核销，不应填写",
				  op_label(op, "verified_on"));
	if ((ret = op_not_before(op, "verified_on", finished_key)) ||
	    (ret = op_not_future(op, "verified_on")))
		return ret;
	return 0;
}

/*
 * Where a row of work stands.  With a subject: its township (a township
 * given too must agree) and district.  Else the township's district, else
 * the district of department field `dept` (of a REFSET: its first code),
 * else the writer's own district.
 */
static int place_work(struct entity_op *op, const char *dept)
{
	const char *subject = entity_field(op->ed, "subject") ? op_get(op, "subject") : NULL;
	const char *township = entity_field(op->ed, "township") ? op_get(op, "township") : NULL;
	const char *unit = dept ? op_get(op, dept) : NULL;
	char first[65];
	struct record r;
	int ret = 0;

	record_init(&r, NULL);
	if (subject) {
		ret = op_fetch(op, "subjects", subject, "subject", &r);
		if (!ret && township && strcmp(township, record_get(&r, "township")))
			ret = model_fail(&op->error, MODEL_EINVAL, "township",
					 "%s与创建主体所在乡镇不一致", op_label(op, "township"));
		if (!ret) {
			op_set(op, "township", record_get(&r, "township"));
			op_set(op, "district", record_get(&r, "district"));
		}
	} else if (township) {
		ret = op_fetch(op, "regions", township, "township", &r);
		if (!ret)
			op_set(op, "district", record_get(&r, "district"));
	} else if (unit) {
		size_t n = strcspn(unit, "|");
		if (n >= sizeof(first))
			n = sizeof(first) - 1;
		memcpy(first, unit, n);
		first[n] = '\0';
		ret = op_fetch(op, "departments", first, dept, &r);
		if (!ret)
			op_set(op, "district", record_get(&r, "district"));
	} else if (op->actor->district) {
		op_set(op, "district", op->actor->district);
	} else {
		ret = model_fail(&op->error, MODEL_EINVAL, dept ? dept : "district", "须填写%s",
				 dept ? op_label(op, dept) : "所属区县");
	}
	record_release(&r);
	return ret;
}

/*
 * Who may change a task or a problem: the office anything; the department
 * that owns it, or the township it lies in, only the progress fields
 * `progress` (keys joined by |); co-owners only read; nobody but the
 * office registers one.
 */
static int owner_guard(struct entity_op *op, const char *progress)
{
	size_t i;

	if (op->actor->role == ROLE_OFFICE || op->actor->role == ROLE_SYSTEM)
		return 0;
	if (!op->old)
		return model_fail(&op->error, MODEL_EFORBIDDEN, NULL, "%s由创建办公室登记",
				  op->ed->label);
	/* a co-owning department reads the row; its owner reports */
	if (op->actor->role != ROLE_TOWNSHIP && op->ed->scope.owner &&
	    record_values_differ(record_get(op->old, op->ed->scope.owner), op->actor->dept))
		return model_fail(&op->error, MODEL_EFORBIDDEN, op->ed->scope.owner,
				  "由%s报告进展，配合单位只能查看", op_label(op, op->ed->scope.owner));
	for (i = 0; i < op->ed->nfields; i++) {
		const struct field_desc *fd = &op->ed->fields[i];
		if (in_set(progress, fd->key) || (fd->flags & FF_DERIVED))
			continue;
		if (record_values_differ(op->rec->val[i], op->old->val[i]))
			return model_fail(&op->error, MODEL_EFORBIDDEN, fd->key,
					  "%s：只有创建办公室可以修改，责任单位只报告进展", fd->label);
	}
	return 0;
}

#define DISTRICT_FIELD \
	{ "district", "所属区县", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" }

/* ---- tasks (任务清单) ---- */

/* the owner reports; the office verifies, cancels and sends back */
static const struct transition task_transitions[] = {
	{ "assigned", "in_progress", OWNERS },
	{ "assigned", "done", OWNERS },
	{ "in_progress", "done", OWNERS },
	{ "done", "verified", R(OFFICE) },
	{ "done", "in_progress", R(OFFICE) },
	{ "assigned", "cancelled", R(OFFICE) },
	{ "in_progress", "cancelled", R(OFFICE) },
	{ NULL, NULL, 0 },
};
static const struct workflow task_workflow = { "status", "assigned", task_transitions };

/* 交办 to another lead unit before work starts; 核销 of the tasks done */
static const struct bulk_action task_bulk[] = {
	{ "assign", "交办", "status", "assigned", NULL, "owner", R(OFFICE) },
	{ "verify", "核销", "status", "done", "status=verified", NULL, R(OFFICE) },
	{ NULL },
};

static const struct field_desc task_fields[] = {
	{ "no", "任务编号", FT_CODE, FF_KEY | FF_FILTER | FF_SORT | FF_LIST | FF_SEARCH,
	  .max = 32 },
	{ "title", "任务名称", FT_TEXT, FF_REQUIRED | FF_LIST | FF_SEARCH, .max = 200 },
	{ "source", "任务来源", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_LIST,
	  .enumeration = &enum_task_source },
	{ "meeting", "会议编号", FT_REF, FF_FILTER, .ref = "meetings" },
	{ "owner", "牵头单位", FT_REF, FF_REQUIRED | FF_FILTER | FF_LIST, .ref = "departments" },
	{ "co_owners", "配合单位", FT_REFSET, FF_LIST, .ref = "departments" },
	{ "township", "所属乡镇", FT_REF, FF_FILTER | FF_LIST, .ref = "regions",
	  .ref_level = "township" },
	{ "assigned_on", "交办日期", FT_DATE, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	{ "due_on", "完成时限", FT_DATE, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	{ "status", "办理状态", FT_ENUM, FF_FILTER | FF_SORT | FF_LIST,
	  .enumeration = &enum_task_status },
	{ "done_on", "完成日期", FT_DATE, FF_FILTER | FF_SORT | FF_RANGE },
	{ "verified_on", "核销日期", FT_DATE, FF_FILTER | FF_RANGE },
	DISTRICT_FIELD,
	/* the agreed item it was made from: set by 交办 (work_actions.c), never input */
	{ "decision", "议定事项", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT,
	  .ref = "meeting_decisions" },
	/* the 六防六促 campaign (专项行动) it belongs to, of the district */
	{ "campaign", "所属专项行动", FT_REF, FF_FILTER | FF_FILTER_REF | FF_NOIMPORT,
	  .ref = "campaigns" },
};

/*
 * The record this one came from (field `field`, a record of `entity`): the
 * record's source must say so (`source`), and its `date` may not precede
 * that record's `date_key` (a task before its meeting, a problem before its
 * check).
 */
static int came_from(struct entity_op *op, const char *field, const char *entity,
		     const char *date_key, const char *source, const char *date)
{
	struct record from;
	int ret;

	if (!op_get(op, field))
		return 0;
	if (!op_get(op, "source") || strcmp(op_get(op, "source"), source))
		return model_fail(&op->error, MODEL_EINVAL, "source", "填写了%s的，%s应为“%s”",
				  op_label(op, field), op_label(op, "source"),
				  enum_label(entity_field(op->ed, "source")->enumeration, source));
	record_init(&from, NULL);
	ret = op_fetch(op, entity, op_get(op, field), field, &from);
	if (!ret && op_get(op, date) && record_get(&from, date_key) &&
	    strcmp(op_get(op, date), record_get(&from, date_key)) < 0)
		ret = model_fail(&op->error, MODEL_EINVAL, date, "%s不能早于%s的日期（%s）",
				 op_label(op, date), op_label(op, field), record_get(&from, date_key));
	record_release(&from);
	return ret;
}

static int task_prepare(struct entity_op *op)
{
	int ret = place_work(op, "owner");

	if (ret || (ret = op_not_future(op, "assigned_on")) ||
	    (ret = op_not_before(op, "due_on", "assigned_on")) ||
	    (ret = came_from(op, "meeting", "meetings", "held_on", "meeting", "assigned_on")) ||
	    (ret = finished_date(op, "done_on", "done|verified", "assigned_on")))
		return ret;
	return verified_date(op, "done_on");
}

static int task_guard(struct entity_op *op)
{
	return owner_guard(op, "status|done_on");
}

const struct entity_desc task_desc = {
	.name = "tasks", .label = "任务清单", .table = "tasks", .key = "no",
	.number_prefix = "RW", .number_date = "assigned_on",
	.fields = task_fields, .nfields = NF(task_fields),
	.flags = ENT_ATTACH | ENT_GRANTABLE, /* 上级交办: a city's tasks, where granted */
	.read_roles = READERS,
	.write_roles = UNITS,
	.scope = { .district = "district", .township = "township", .owner = "owner",
		   .owners = "co_owners" },
	.default_sort = "-assigned_on",
	.workflow = &task_workflow,
	.bulk = task_bulk,
	.overdue_sql = "t.status IN ('assigned', 'in_progress') AND t.due_on < ?",
	/* as the figure tasks_overdue counts: a done task has its done_on (task_prepare) */
	.overdue_on_sql = "t.due_on <= ? AND t.status <> 'cancelled' AND "
			  "(t.done_on IS NULL OR t.done_on > ?)",
	.prepare = task_prepare,
	.guard = task_guard,
};

/* ---- supervision checks (督导检查) ---- */

static const struct field_desc check_fields[] = {
	{ "no", "督导编号", FT_CODE, FF_KEY | FF_FILTER | FF_SORT | FF_LIST | FF_SEARCH,
	  .max = 32 },
	{ "checked_on", "督导日期", FT_DATE, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	{ "kind", "督导类型", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_LIST,
	  .enumeration = &enum_check_kind },
	{ "lead", "牵头单位", FT_REF, FF_REQUIRED | FF_FILTER | FF_LIST, .ref = "departments" },
	{ "participants", "参加单位", FT_REFSET, FF_LIST, .ref = "departments" },
	{ "summary", "督导情况", FT_TEXT, FF_SEARCH, .max = 4000 },
	DISTRICT_FIELD,
};

static int check_prepare(struct entity_op *op)
{
	int ret = place_work(op, "lead");

	return ret ? ret : op_not_future(op, "checked_on");
}

const struct entity_desc check_desc = {
	.name = "supervision_checks", .label = "督导检查", .table = "supervision_checks",
	.key = "no",
	.number_prefix = "DD", .number_date = "checked_on",
	.fields = check_fields, .nfields = NF(check_fields),
	/* district-wide: every unit of the district reads them; a city's checks, where granted */
	.flags = ENT_REFDATA | ENT_GRANTABLE,
	.read_roles = READERS,
	.write_roles = R(OFFICE) | R(SYSTEM),
	.scope = { .district = "district" },
	.default_sort = "-checked_on",
	.prepare = check_prepare,
};

/* ---- problems (问题清单) ---- */

/* the owner rectifies and may ask for coordination; the office verifies and sends back */
static const struct transition problem_transitions[] = {
	{ "open", "rectifying", OWNERS },
	{ "open", "rectified", OWNERS },
	{ "rectifying", "rectified", OWNERS },
	{ "open", "escalated", OWNERS },
	{ "rectifying", "escalated", OWNERS },
	{ "escalated", "rectifying", R(OFFICE) },
	{ "rectified", "verified", R(OFFICE) },
	{ "rectified", "rectifying", R(OFFICE) },
	{ NULL, NULL, 0 },
};
static const struct workflow problem_workflow = { "status", "open", problem_transitions };

/* 交办 to the responsible unit of the problems still open; 销号 of those rectified */
static const struct bulk_action problem_bulk[] = {
	{ "assign", "交办", "status", "open", NULL, "department", R(OFFICE) },
	{ "verify", "销号", "status", "rectified", "status=verified", NULL, R(OFFICE) },
	{ NULL },
};

static const struct field_desc problem_fields[] = {
	{ "no", "问题编号", FT_CODE, FF_KEY | FF_FILTER | FF_SORT | FF_LIST | FF_SEARCH, .max = 32 },
	/* required: without a patrol or a visit, which date it (op_found_on()) */
	{ "found_on", "发现日期", FT_DATE, FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	{ "source", "问题来源", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_LIST,
	  .enumeration = &enum_problem_source },
	{ "check", "督导编号", FT_REF, FF_FILTER, .ref = "supervision_checks" },
	{ "department", "责任单位", FT_REF, FF_FILTER | FF_LIST, .ref = "departments" },
	{ "township", "所属乡镇", FT_REF, FF_FILTER | FF_LIST, .ref = "regions",
	  .ref_level = "township" },
	{ "subject", "涉及主体", FT_REF, FF_FILTER | FF_LIST, .ref = "subjects" },
	{ "description", "问题描述", FT_TEXT, FF_REQUIRED | FF_SEARCH, .max = 2000 },
	{ "level", "问题等级", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_LIST,
	  .enumeration = &enum_problem_level },
	{ "deadline", "整改期限", FT_DATE, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	{ "status", "整改状态", FT_ENUM, FF_FILTER | FF_SORT | FF_LIST,
	  .enumeration = &enum_problem_status },
	{ "rectified_on", "整改完成日期", FT_DATE, FF_FILTER | FF_SORT | FF_RANGE },
	{ "verified_on", "销号日期", FT_DATE, FF_FILTER | FF_RANGE },
	DISTRICT_FIELD,
	/* the coordination meeting it was put to (提请协调): named when escalated */
	{ "meeting", "提请会议", FT_REF, FF_FILTER | FF_NOIMPORT, .ref = "meetings" },
	/* what raised it automatically (work_actions.c): raised once */
	{ "raised_by", "自动生成依据", FT_TEXT, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .max = 100 },
	/* the 六防六促 campaign (专项行动) it belongs to, of the district */
	{ "campaign", "所属专项行动", FT_REF, FF_FILTER | FF_FILTER_REF | FF_NOIMPORT,
	  .ref = "campaigns" },
	/*
	 * found on a patrol or a household visit (hooks.c, op_found_on()): the
	 * grid it lies in; not columns of DOMAIN's problem template
	 */
	{ "patrol", "发现于巡查", FT_REF, FF_FILTER | FF_NOIMPORT, .ref = "patrols" },
	{ "visit", "发现于走访", FT_REF, FF_FILTER | FF_NOIMPORT, .ref = "household_visits" },
	{ "grid", "网格", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
};

static int problem_prepare(struct entity_op *op)
{
	int ret = op_found_on(op, "found_on");

	if (!ret)
		ret = place_work(op, "department");
	if (ret || (ret = op_not_future(op, "found_on")) ||
	    (ret = op_not_before(op, "deadline", "found_on")) ||
	    (ret = came_from(op, "check", "supervision_checks", "checked_on", "supervision",
			     "found_on")) ||
	    (ret = finished_date(op, "rectified_on", "rectified|verified", "found_on")))
		return ret;
	/* the meeting is named when the problem is put to it (escalated) */
	if (op_get(op, "meeting") &&
	    record_values_differ(op_get(op, "meeting"), op->old ? record_get(op->old, "meeting") : NULL) &&
	    !status_in(op, "escalated"))
		return model_fail(&op->error, MODEL_EINVAL, "meeting", "%s：问题提请协调（状态为“%s”）时才能填写",
				  op_label(op, "meeting"),
				  enum_label(entity_field(op->ed, "status")->enumeration, "escalated"));
	return verified_date(op, "rectified_on");
}

/*
 * The office registers problems; a problem found on a patrol or a
 * household visit is also raised by whoever records those (the grid
 * worker, the township) from the same form.  The grid worker changes
 * nothing after: the responsible unit reports, the office verifies.
 */
static int problem_guard(struct entity_op *op)
{
	int found = op_get(op, "patrol") || op_get(op, "visit");

	if (!op->old && found &&
	    (op->actor->role == ROLE_GRID || op->actor->role == ROLE_TOWNSHIP))
		return 0;
	if (op->actor->role == ROLE_GRID)
		return model_fail(&op->error, MODEL_EFORBIDDEN, op->old ? NULL : "patrol",
				  op->old ? "网格员只在巡查、走访中登记问题，整改进展由责任单位报告"
					  : "网格员只能登记巡查或走访中发现的问题（须填写发现于巡查或发现于走访）");
	return owner_guard(op, "status|rectified_on|meeting");
}

const struct entity_desc problem_desc = {
	.name = "problems", .label = "问题清单", .table = "problems", .key = "no",
	.number_prefix = "WT", .number_date = "found_on",
	.fields = problem_fields, .nfields = NF(problem_fields),
	.flags = ENT_ATTACH | ENT_GRANTABLE, /* what a city's check finds, where granted */
	/* and the grid worker: those found in its grid (problem_guard) */
	.read_roles = READERS | R(SUBJECT) | R(GRID),
	.write_roles = UNITS | R(GRID),
	.scope = { .district = "district", .township = "township", .subject = "subject",
		   .owner = "department", .grid = "grid" },
	.default_sort = "-found_on",
	.workflow = &problem_workflow,
	.bulk = problem_bulk,
	.overdue_sql = "t.status IN ('open', 'rectifying', 'escalated') AND t.deadline < ?",
	/* as the figure problems_overdue counts */
	.overdue_on_sql = "t.deadline <= ? AND (t.rectified_on IS NULL OR t.rectified_on > ?)",
	.prepare = problem_prepare,
	.guard = problem_guard,
};

/* ---- coordination meetings (联席会议, 一月一协调) ---- */

static const struct field_desc meeting_fields[] = {
	{ "no", "会议编号", FT_CODE, FF_KEY | FF_FILTER | FF_SORT | FF_LIST | FF_SEARCH,
	  .max = 32 },
	{ "held_on", "会议日期", FT_DATE, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	{ "month", "所属月份", FT_MONTH, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	{ "chair", "主持人", FT_TEXT, FF_LIST | FF_SEARCH, .max = 100 },
	{ "attendees", "参会单位", FT_REFSET, FF_LIST, .ref = "departments" },
	{ "decisions", "议定事项", FT_TEXT, FF_SEARCH, .max = 4000 },
	DISTRICT_FIELD,
	/* the major problems put to it (问题编号, joined by |) */
	{ "topics", "提请协调的问题", FT_REFSET, FF_NOIMPORT, .ref = "problems" },
};

/*
 * The problems put to a meeting: each major (重大疑难) or escalated (提请协调);
 * its references (within scope) are the machinery's.
 */
static int meeting_topics(struct entity_op *op)
{
	const char *p = op_get(op, "topics");
	int ret = 0;

	while (p && *p && !ret) {
		size_t n = strcspn(p, "|");
		char *no = xstrndup(p, n);
		struct record r;

		record_init(&r, NULL);
		ret = op_fetch(op, "problems", no, "topics", &r);
		if (!ret && strcmp(record_get(&r, "level"), "major") &&
		    strcmp(record_get(&r, "status"), "escalated"))
			ret = model_fail(&op->error, MODEL_EINVAL, "topics",
					 "%s：问题“%s”既不是重大疑难问题，也未提请协调", op_label(op, "topics"), no);
		record_release(&r);
		free(no);
		p += n;
		if (*p)
			p++;
	}
	return ret;
}

static int meeting_prepare(struct entity_op *op)
{
	int ret = place_work(op, "attendees");

	if (ret || (ret = op_not_future(op, "held_on")) || (ret = meeting_topics(op)))
		return ret;
	/* the coordination of month M is held in M or after it */
	if (strncmp(op_get(op, "month"), op_get(op, "held_on"), 7) > 0)
		return model_fail(&op->error, MODEL_EINVAL, "month", "%s不能晚于会议日期所在月份",
				  op_label(op, "month"));
	return 0;
}

const struct entity_desc meeting_desc = {
	.name = "meetings", .label = "联席会议", .table = "meetings", .key = "no",
	.number_prefix = "HY", .number_date = "held_on",
	.fields = meeting_fields, .nfields = NF(meeting_fields),
	.flags = ENT_REFDATA, /* district-wide: every unit of the district reads them */
	.read_roles = READERS,
	.write_roles = R(OFFICE) | R(SYSTEM),
	.scope = { .district = "district" },
	.default_sort = "-held_on",
	.prepare = meeting_prepare,
};

/* ---- the meetings' agreed items (议定事项) ---- */

/*
 * `op`'s key `key`, when not given: `<of>-<n>` with n two digits at least
 * (a meeting's item: HY2023-05-03; a task's progress report:
 * RW2023-0007-02).
 */
static void default_no(struct entity_op *op, const char *key, const char *of, const char *n)
{
	char buf[96];

	if (op_get(op, key))
		return;
	snprintf(buf, sizeof(buf), "%s-%02lld", of, strtoll(n, NULL, 10));
	op_set(op, key, buf);
}

static const struct field_desc decision_fields[] = {
	{ "no", "事项编号", FT_CODE, FF_KEY | FF_FILTER | FF_SORT | FF_LIST | FF_SEARCH, .max = 40 },
	{ "meeting", "会议编号", FT_REF, FF_REQUIRED | FF_IMMUTABLE | FF_FILTER | FF_SORT | FF_LIST,
	  .ref = "meetings" },
	{ "seq", "序号", FT_INT, FF_IMMUTABLE | FF_SORT | FF_LIST, .min = 1, .max = 999 },
	{ "text", "事项内容", FT_TEXT, FF_REQUIRED | FF_LIST | FF_SEARCH, .max = 2000 },
	{ "owner", "牵头单位", FT_REF, FF_FILTER | FF_LIST, .ref = "departments" },
	{ "co_owners", "配合单位", FT_REFSET, FF_LIST, .ref = "departments" },
	{ "township", "所属乡镇", FT_REF, FF_FILTER | FF_LIST, .ref = "regions",
	  .ref_level = "township" },
	{ "due_on", "完成时限", FT_DATE, FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	/* the task made from it by 交办 (work_actions.c), never input */
	{ "task", "交办任务", FT_REF, FF_DERIVED | FF_FILTER | FF_LIST | FF_NOIMPORT, .ref = "tasks" },
	DISTRICT_FIELD,
};

/*
 * An item stands in its meeting's district; its number in the meeting
 * (seq) follows the last one when not given, its key (no) is the
 * meeting's number and seq when not given; its due date is not before the
 * meeting.
 */
static int decision_prepare(struct entity_op *op)
{
	const char *params[1];
	struct record m;
	char *next = NULL;
	int ret;

	record_init(&m, NULL);
	ret = op_fetch(op, "meetings", op_get(op, "meeting"), "meeting", &m);
	if (ret)
		goto out;
	op_set(op, "district", record_get(&m, "district"));
	if (!op_get(op, "seq")) {
		params[0] = op_get(op, "meeting");
		if (entity_op_query_value(op, "SELECT COALESCE(MAX(seq), 0) + 1 FROM meeting_decisions "
					  "WHERE meeting = ?", params, 1, &next)) {
			ret = model_fail(&op->error, MODEL_EDB, NULL, "数据库错误");
			goto out;
		}
		op_set(op, "seq", next ? next : "1");
	}
	default_no(op, "no", op_get(op, "meeting"), op_get(op, "seq"));
	/* once assigned, the task carries owner and due date: they change there */
	if (op->old && record_get(op->old, "task")) {
		static const char *const fixed[] = { "owner", "co_owners", "township", "due_on" };
		size_t i;

		for (i = 0; i < NF(fixed); i++)
			if (record_values_differ(op_get(op, fixed[i]), record_get(op->old, fixed[i]))) {
				ret = model_fail(&op->error, MODEL_ECONFLICT, fixed[i],
						 "%s：已交办为任务“%s”，请在任务中修改", op_label(op, fixed[i]),
						 record_get(op->old, "task"));
				goto out;
			}
	}
	if (op_get(op, "due_on") && strcmp(op_get(op, "due_on"), record_get(&m, "held_on")) < 0)
		ret = model_fail(&op->error, MODEL_EINVAL, "due_on", "%s不能早于会议日期（%s）",
				 op_label(op, "due_on"), record_get(&m, "held_on"));
out:
	free(next);
	record_release(&m);
	return ret;
}

const struct entity_desc decision_desc = {
	.name = "meeting_decisions", .label = "议定事项", .table = "meeting_decisions", .key = "no",
	.fields = decision_fields, .nfields = NF(decision_fields),
	.flags = ENT_REFDATA, /* district-wide, like the meetings */
	.read_roles = READERS,
	.write_roles = R(OFFICE) | R(SYSTEM),
	.scope = { .district = "district" },
	.default_sort = "no",
	.prepare = decision_prepare,
};

/* ---- the tasks' progress (进展) ---- */

static const struct field_desc task_update_fields[] = {
	{ "no", "进展编号", FT_CODE, FF_KEY | FF_FILTER | FF_SORT | FF_LIST, .max = 48 },
	{ "task", "任务编号", FT_REF, FF_REQUIRED | FF_IMMUTABLE | FF_FILTER | FF_SORT | FF_LIST,
	  .ref = "tasks" },
	{ "reported_on", "报告日期", FT_DATE, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	{ "text", "进展情况", FT_TEXT, FF_REQUIRED | FF_LIST | FF_SEARCH, .max = 4000 },
	/* the task's, so that a report is read within its task's scope */
	{ "owner", "牵头单位", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "departments" },
	{ "co_owners", "配合单位", FT_REFSET, FF_DERIVED | FF_NOIMPORT, .ref = "departments" },
	{ "township", "所属乡镇", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" },
	DISTRICT_FIELD,
};

/*
 * A report stands where its task stands; it is dated between the task's
 * assignment and today; a cancelled or verified task takes none.
 */
static int task_update_prepare(struct entity_op *op)
{
	static const char *const keys[] = { "owner", "co_owners", "township", "district" };
	const char *params[1], *status;
	struct record t;
	char *n = NULL;
	size_t i;
	int ret;

	record_init(&t, NULL);
	ret = op_fetch(op, "tasks", op_get(op, "task"), "task", &t);
	if (ret)
		goto out;
	status = record_get(&t, "status");
	if (in_set("cancelled|verified", status)) {
		ret = model_fail(&op->error, MODEL_ECONFLICT, "task", "任务“%s”%s，不能再报告进展",
				 op_get(op, "task"),
				 enum_label(entity_field(&task_desc, "status")->enumeration, status));
		goto out;
	}
	for (i = 0; i < NF(keys); i++)
		op_set(op, keys[i], record_get(&t, keys[i]));
	if ((ret = op_not_future(op, "reported_on")))
		goto out;
	if (strcmp(op_get(op, "reported_on"), record_get(&t, "assigned_on")) < 0) {
		ret = model_fail(&op->error, MODEL_EINVAL, "reported_on", "%s不能早于任务的交办日期（%s）",
				 op_label(op, "reported_on"), record_get(&t, "assigned_on"));
		goto out;
	}
	if (!op_get(op, "no")) {
		params[0] = op_get(op, "task");
		if (entity_op_query_value(op, "SELECT COUNT(*) + 1 FROM task_updates WHERE task = ?",
					  params, 1, &n)) {
			ret = model_fail(&op->error, MODEL_EDB, NULL, "数据库错误");
			goto out;
		}
		default_no(op, "no", op_get(op, "task"), n ? n : "1");
	}
out:
	free(n);
	record_release(&t);
	return ret;
}

/*
 * Who reports: the office, the department that owns the task, or the
 * township it lies in (the scope says which township); a co-owner reads.
 */
static int task_update_guard(struct entity_op *op)
{
	const char *task = op_get(op, "task");
	struct strbuf err = STRBUF_INIT;
	struct record t;
	int ret = 0;

	if (op->actor->role == ROLE_OFFICE || op->actor->role == ROLE_SYSTEM ||
	    op->actor->role == ROLE_TOWNSHIP || !task)
		return 0;
	record_init(&t, NULL);
	if (entity_lookup_cached(op->db, op->cache, &task_desc, task, &t, &err) == 0 &&
	    record_values_differ(record_get(&t, "owner"), op->actor->dept))
		ret = model_fail(&op->error, MODEL_EFORBIDDEN, "task",
				 "进展由任务的牵头单位报告，配合单位只能查看");
	record_release(&t);
	strbuf_release(&err);
	return ret;
}

const struct entity_desc task_update_desc = {
	.name = "task_updates", .label = "任务进展", .table = "task_updates", .key = "no",
	.fields = task_update_fields, .nfields = NF(task_update_fields),
	.flags = ENT_ATTACH, /* a report's photos and scans */
	.read_roles = READERS,
	.write_roles = UNITS,
	.scope = { .district = "district", .township = "township", .owner = "owner",
		   .owners = "co_owners" },
	.default_sort = "-reported_on",
	.prepare = task_update_prepare,
	.guard = task_update_guard,
};
