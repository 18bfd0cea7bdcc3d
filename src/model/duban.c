/*
 * duban.c: 督办 (supervised handling) and the work calendar (DOMAIN.md,
 * "The work cycle"): the descriptors `work_calendar`, `supervisions` and
 * `supervision_feedback`, their hooks, and the write observer that keeps
 * them in step.
 *
 *  - The office puts a task or a problem under supervision: a supervisions
 *    row, refused for an item that does not exist (or is out of scope, told
 *    alike), one already under an open supervision, or one finished (a task done, verified or
 *    cancelled; a problem rectified or verified).  Its owner, township and
 *    district are the item's (scope: like tasks and problems).  The due
 *    date counts working days (workdays.h): notice_on + workdays, or a due
 *    date given, whose working days become `workdays`; red_from is the due
 *    date + setting duban_red_workdays working days.
 *  - The owner (the department that owns the item, or its township) or the
 *    office answers with a supervision_feedback row: the supervision goes
 *    to `answered`.  The office reviews it: accepted, the supervision is
 *    `closed` (closed_on: the review's date); returned (with a note), it is
 *    `returned` and waits for the next feedback.
 *  - An edit of the work calendar moves the due dates and red_from of the
 *    open supervisions whose counting crosses the day edited.
 *
 * The cards (黄牌, 红牌) and the 催办 date are the daily card pass's
 * (src/jobs/cards.c).  A supervision's status, cards and dates are
 * derived: the office writes its level, dates and requirement, the
 * feedback moves its status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "db/db.h"
#include "model/audit.h"
#include "model/duban.h"
#include "model/entities.h"
#include "model/entity_int.h"
#include "model/enums.h"
#include "model/lookup_cache.h"
#include "model/scope.h"
#include "model/settings.h"
#include "model/workdays.h"

#define NF(a) (sizeof(a) / sizeof((a)[0]))
#define R(r) ROLE_BIT(ROLE_##r)
/* the office, and the units that own work and report on it */
#define OWNERS (R(OFFICE) | ROLES_LEAD | R(SUPERVISOR) | R(TOWNSHIP))
#define UNITS (OWNERS | R(SYSTEM))

#define DERIVED_DATE(k, l) { k, l, FT_DATE, FF_DERIVED | FF_FILTER | FF_RANGE | FF_NOIMPORT }
#define PLACE_FIELDS \
	{ "owner", "责任单位", FT_REF, FF_DERIVED | FF_FILTER | FF_LIST | FF_NOIMPORT, \
	  .ref = "departments" }, \
	{ "township", "所属乡镇", FT_REF, FF_DERIVED | FF_FILTER | FF_LIST | FF_NOIMPORT, \
	  .ref = "regions", .ref_level = "township" }, \
	{ "district", "所属区县", FT_REF, FF_DERIVED | FF_FILTER | FF_NOIMPORT, .ref = "regions" }

static int is_office(const struct entity_op *op)
{
	return op->actor->role == ROLE_OFFICE || op->actor->role == ROLE_SYSTEM;
}

/* Was field `key` given in this write (and not empty)? */
static int given(struct entity_op *op, const char *key)
{
	int i = entity_field_index(op->ed, key);

	return i >= 0 && op->rec->given && op->rec->given[i] && op->rec->val[i];
}

/* Does field `key` differ from the stored record (always on a creation)? */
static int changed(struct entity_op *op, const char *key)
{
	return !op->old || record_values_differ(op_get(op, key), record_get(op->old, key));
}

/* ---- the work calendar (工作日历) ---- */

static const struct field_desc calendar_fields[] = {
	{ "day", "日期", FT_DATE, FF_KEY | FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	{ "kind", "类别", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_LIST,
	  .enumeration = &enum_calendar_kind },
	{ "name", "节日名称", FT_TEXT, FF_FILTER | FF_LIST | FF_SEARCH, .max = 50 },
};

const struct entity_desc work_calendar_desc = {
	.name = "work_calendar", .label = "工作日历", .table = "work_calendar", .key = "day",
	.fields = calendar_fields, .nfields = NF(calendar_fields),
	.flags = ENT_NATIONAL, /* the holidays are national: one calendar for every district */
	.read_roles = UNITS,
	.write_roles = R(OFFICE) | R(SYSTEM),
	.default_sort = "day",
};

/* ---- supervisions (督办) ---- */

static const struct field_desc supervision_fields[] = {
	{ "no", "督办编号", FT_CODE, FF_KEY | FF_FILTER | FF_SORT | FF_LIST | FF_SEARCH,
	  .max = 32 },
	{ "item_kind", "督办事项类别", FT_ENUM, FF_REQUIRED | FF_IMMUTABLE | FF_FILTER | FF_LIST,
	  .enumeration = &enum_supervision_item_kind },
	{ "item", "督办事项编号", FT_CODE,
	  FF_REQUIRED | FF_IMMUTABLE | FF_FILTER | FF_LIST | FF_SEARCH, .max = 32 },
	{ "level", "督办级别", FT_ENUM, FF_REQUIRED | FF_FILTER | FF_LIST,
	  .enumeration = &enum_supervision_level },
	{ "notice_on", "下发日期", FT_DATE, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	{ "workdays", "办理时限（工作日）", FT_INT, FF_LIST, .min = 1, .max = 250 },
	{ "due_on", "反馈期限", FT_DATE, FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	{ "requirement", "督办要求", FT_TEXT, FF_SEARCH, .max = 2000 },
	PLACE_FIELDS,
	{ "status", "督办状态", FT_ENUM, FF_DERIVED | FF_FILTER | FF_SORT | FF_LIST | FF_NOIMPORT,
	  .enumeration = &enum_supervision_status },
	{ "card", "红黄牌", FT_ENUM, FF_DERIVED | FF_FILTER | FF_LIST | FF_NOIMPORT,
	  .enumeration = &enum_supervision_card },
	DERIVED_DATE("yellow_on", "黄牌日期"),
	DERIVED_DATE("red_on", "红牌日期"),
	DERIVED_DATE("red_from", "逾期转红牌日期"),
	DERIVED_DATE("reminded_on", "催办日期"),
	DERIVED_DATE("closed_on", "办结日期"),
};

/* What an item under supervision is: its list, and the statuses that finish it. */
struct item_kind {
	const char *code, *entity, *owner, *finished;
};
static const struct item_kind item_kinds[] = {
	{ "task", "tasks", "owner", "done|verified|cancelled" },
	{ "problem", "problems", "department", "rectified|verified" },
};

/*
 * A new supervision's item: it exists, is not finished, is under no open
 * supervision; its owner, township and district become the supervision's.
 */
static int supervise_item(struct entity_op *op)
{
	const struct item_kind *k = &item_kinds[strcmp(op_get(op, "item_kind"), "task") != 0];
	const char *params[] = { k->code, op_get(op, "item") };
	const char *status;
	struct record it;
	char *open = NULL;
	int ret;

	record_init(&it, NULL);
	if ((ret = op_fetch(op, k->entity, op_get(op, "item"), "item", &it)))
		goto out;
	/* an item out of the writer's scope reads as a missing one: its status,
	 * or its open supervision's number, would tell what lies elsewhere */
	if (!scope_check_record(op->db, op->actor, &it, 1)) {
		ret = ref_missing(&op->error, entity_field(op->ed, "item"), op_get(op, "item"));
		goto out;
	}
	status = record_get(&it, "status");
	if (in_set(k->finished, status)) {
		ret = model_fail(&op->error, MODEL_EINVAL, "item", "%s：该%s已是“%s”，无须督办",
				 op_label(op, "item"),
				 enum_label(&enum_supervision_item_kind, k->code),
				 enum_label(entity_field(it.ed, "status")->enumeration, status));
		goto out;
	}
	if (db_query_value(op->db, "SELECT no FROM supervisions WHERE item_kind = ? AND item = ? "
				      "AND status <> 'closed'", params, 2, &open, NULL)) {
		ret = model_fail(&op->error, MODEL_EDB, NULL, "数据库错误");
		goto out;
	}
	if (open) {
		ret = model_fail(&op->error, MODEL_ECONFLICT, "item", "%s：该%s已在督办中（督办编号 %s）",
				 op_label(op, "item"),
				 enum_label(&enum_supervision_item_kind, k->code), open);
		goto out;
	}
	op_set(op, "owner", record_get(&it, k->owner));
	op_set(op, "township", record_get(&it, "township"));
	op_set(op, "district", record_get(&it, "district"));
	op_set(op, "status", "issued");
	op_set(op, "card", "none");
out:
	free(open);
	record_release(&it);
	return ret;
}

static int calendar_failed(struct entity_op *op)
{
	return model_fail(&op->error, MODEL_EDB, NULL, "读取工作日历失败");
}

/*
 * The due date: notice_on + workdays working days; a due date given alone
 * gives the working days (one on a day off: the next working day).  Kept as stored unless the notice date, the
 * working days or the due date are written.
 */
static int due_date(struct entity_op *op)
{
	const char *notice = op_get(op, "notice_on");
	char due[DATE_BUFSZ], n[24];
	int ret, wd, working;

	int new_due = given(op, "due_on") && changed(op, "due_on");
	int new_wd = given(op, "workdays") && changed(op, "workdays");

	if (op->old && !changed(op, "notice_on") && !new_due && !new_wd)
		return 0;
	if (new_due && !new_wd) {
		if ((ret = op_not_before(op, "due_on", "notice_on")))
			return ret;
		if ((wd = workdays_between(op->db, notice, op_get(op, "due_on"))) < 0 ||
		    (working = workdays_is_working(op->db, op_get(op, "due_on"))) < 0)
			return calendar_failed(op);
		/* a due date on a day off: the next working day (as legal time limits do) */
		wd += !working;
		if (wd < 1 || !strcmp(notice, op_get(op, "due_on")))
			return model_fail(&op->error, MODEL_EINVAL, "due_on",
					  "%s：应在%s之后", op_label(op, "due_on"),
					  op_label(op, "notice_on"));
		snprintf(n, sizeof(n), "%d", wd);
		op_set(op, "workdays", n);
		if (workdays_add(op->db, notice, wd, due))
			return calendar_failed(op);
		op_set(op, "due_on", due);
		return 0;
	}
	if (!op_get(op, "workdays"))
		return model_fail(&op->error, MODEL_EINVAL, "workdays", "须填写%s或%s",
				  op_label(op, "workdays"), op_label(op, "due_on"));
	if (workdays_add(op->db, notice, atoi(op_get(op, "workdays")), due))
		return calendar_failed(op);
	if (new_due && strcmp(op_get(op, "due_on"), due))
		return model_fail(&op->error, MODEL_EINVAL, "due_on",
				  "%s：与%s不符（%s后 %s 个工作日为 %s）", op_label(op, "due_on"),
				  op_label(op, "workdays"), op_label(op, "notice_on"),
				  op_get(op, "workdays"), due);
	op_set(op, "due_on", due);
	return 0;
}

static int supervision_prepare(struct entity_op *op)
{
	char red[DATE_BUFSZ];
	int ret;

	if (!op->old && (ret = supervise_item(op)))
		return ret;
	if ((ret = op_not_future(op, "notice_on")) || (ret = due_date(op)))
		return ret;
	/* a closed one keeps the dates it was closed with */
	if (op->old && !strcmp(record_get(op->old, "status"), "closed"))
		return 0;
	if (workdays_add(op->db, op_get(op, "due_on"), settings_get_int(op->db, "duban_red_workdays"),
			 red))
		return calendar_failed(op);
	op_set(op, "red_from", red);
	return 0;
}

const struct entity_desc supervision_desc = {
	.name = "supervisions", .label = "督办", .table = "supervisions", .key = "no",
	.number_prefix = "DB", .number_date = "notice_on",
	.fields = supervision_fields, .nfields = NF(supervision_fields),
	.flags = ENT_GRANTABLE, /* a city's or a province's 督办, where a district granted it */
	.read_roles = UNITS | R(REGION),
	.write_roles = R(OFFICE) | R(SYSTEM),
	.scope = { .district = "district", .township = "township", .owner = "owner" },
	.default_sort = "-notice_on",
	.overdue_sql = "t.status <> 'closed' AND t.due_on < ?",
	.overdue_on_sql = "t.due_on <= ? AND (t.closed_on IS NULL OR t.closed_on > ?)",
	.prepare = supervision_prepare,
};

/* ---- feedback on a supervision (督办反馈) ---- */

/* the office reviews */
static const struct transition review_transitions[] = {
	{ "pending", "accepted", R(OFFICE) },
	{ "pending", "returned", R(OFFICE) },
	{ NULL, NULL, 0 },
};
static const struct workflow review_workflow = { "review", "pending", review_transitions };

static const struct field_desc feedback_fields[] = {
	{ "no", "反馈编号", FT_CODE, FF_KEY | FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_SEARCH,
	  .max = 32 },
	{ "supervision", "督办编号", FT_REF, FF_REQUIRED | FF_IMMUTABLE | FF_FILTER | FF_LIST,
	  .ref = "supervisions" },
	{ "answered_on", "反馈日期", FT_DATE, FF_REQUIRED | FF_FILTER | FF_SORT | FF_LIST | FF_RANGE },
	{ "text", "反馈内容", FT_TEXT, FF_REQUIRED | FF_SEARCH, .max = 4000 },
	{ "review", "审核结果", FT_ENUM, FF_FILTER | FF_SORT | FF_LIST,
	  .enumeration = &enum_feedback_review },
	{ "review_note", "审核意见", FT_TEXT, FF_SEARCH, .max = 1000 },
	DERIVED_DATE("reviewed_on", "审核日期"),
	PLACE_FIELDS,
};

/*
 * The owner (within scope: the department that owns the item, or its
 * township) answers and may correct its answer until it is reviewed; the
 * office anything.
 */
static int feedback_guard(struct entity_op *op)
{
	if (is_office(op) || !op->old)
		return 0;
	if (strcmp(record_get(op->old, "review"), "pending"))
		return model_fail(&op->error, MODEL_EFORBIDDEN, "review", "反馈已审核（%s），不能再修改",
				  enum_label(&enum_feedback_review, record_get(op->old, "review")));
	if (record_values_differ(op_get(op, "review_note"), record_get(op->old, "review_note")))
		return model_fail(&op->error, MODEL_EFORBIDDEN, "review_note", "%s由创建办公室填写",
				  op_label(op, "review_note"));
	return 0;
}

static int feedback_prepare(struct entity_op *op)
{
	const char *status, *review = op_get(op, "review");
	char today[DATE_BUFSZ];
	struct record sup;
	int ret;

	record_init(&sup, NULL);
	if ((ret = op_fetch(op, "supervisions", op_get(op, "supervision"), "supervision", &sup)))
		goto out;
	status = record_get(&sup, "status");
	if (!op->old && !in_set("issued|returned", status)) {
		ret = model_fail(&op->error, MODEL_EINVAL, "supervision", "%s：督办%s，不能再反馈",
				 op_label(op, "supervision"),
				 !strcmp(status, "closed") ? "已办结" : "已有待审核的反馈");
		goto out;
	}
	op_set(op, "owner", record_get(&sup, "owner"));
	op_set(op, "township", record_get(&sup, "township"));
	op_set(op, "district", record_get(&sup, "district"));
	if ((ret = op_not_future(op, "answered_on")))
		goto out;
	if (strcmp(op_get(op, "answered_on"), record_get(&sup, "notice_on")) < 0) {
		ret = model_fail(&op->error, MODEL_EINVAL, "answered_on", "%s不能早于督办下发日期（%s）",
				 op_label(op, "answered_on"), record_get(&sup, "notice_on"));
		goto out;
	}
	if (!strcmp(review, "returned") && !op_get(op, "review_note")) {
		ret = model_fail(&op->error, MODEL_EINVAL, "review_note", "%s：退回时须写明",
				 op_label(op, "review_note"));
		goto out;
	}
	if (!strcmp(review, "pending")) {
		op_set(op, "reviewed_on", NULL);
	} else if (op->old && changed(op, "review")) {
		date_today(today);
		op_set(op, "reviewed_on", today);
	}
out:
	record_release(&sup);
	return ret;
}

const struct entity_desc supervision_feedback_desc = {
	.name = "supervision_feedback", .label = "督办反馈", .table = "supervision_feedback",
	.key = "no",
	.fields = feedback_fields, .nfields = NF(feedback_fields),
	.flags = ENT_ATTACH, /* the owner's evidence */
	.read_roles = UNITS,
	.write_roles = UNITS,
	.scope = { .district = "district", .township = "township", .owner = "owner" },
	.default_sort = "-answered_on",
	.workflow = &review_workflow,
	.prepare = feedback_prepare,
	.guard = feedback_guard,
};

/* ---- keeping them in step (a write observer) ---- */

/* Run `sql` with text parameters; 0 or -1. */
static int exec_params(struct db *db, const char *sql, const char *const *params, int n,
		       struct model_error *e)
{
	struct db_stmt *st;
	int i, rc;

	if (db_prepare(db, sql, &st, &e->msg))
		return -1;
	for (i = 0; i < n; i++) {
		if (params[i])
			db_bind_text(st, i + 1, params[i]);
		else
			db_bind_null(st, i + 1);
	}
	rc = db_step(st, &e->msg);
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

/*
 * Supervision `no` moves to `status` (closed: on `closed_on`), because of
 * feedback `fb`: the row, and an audit row naming both.
 */
static int supervision_moves(const struct model_ctx *mc, const char *no, const char *status,
			     const char *closed_on, const char *fb, struct model_error *e)
{
	char now[24], detail[200];
	const char *params[] = { status, closed_on, now, no };
	struct strbuf obj = STRBUF_INIT;
	int ret;

	snprintf(now, sizeof(now), "%lld", (long long)time_now());
	ret = exec_params(mc->db, "UPDATE supervisions SET status = ?, closed_on = ?, "
			  "updated_at = CAST(? AS BIGINT), rev = rev + 1 WHERE no = ?", params, 4, e);
	if (!ret) {
		strbuf_addf(&obj, "supervisions/%s", no);
		snprintf(detail, sizeof(detail), "status=%s feedback=%s", status, fb);
		ret = audit_append(mc->db, mc->actor, "supervisions.status", obj.buf, "ok", detail,
				   &e->msg);
	}
	if (mc->cache)
		lookup_cache_forget(mc->cache, &supervision_desc, no);
	strbuf_release(&obj);
	return ret ? model_fail(e, MODEL_EDB, NULL, "数据库错误") : 0;
}

/* A feedback stored: the supervision answered, closed or returned. */
static int feedback_stored(const struct model_ctx *mc, const struct record *r,
			   const struct record *old, struct model_error *e)
{
	const char *review = record_get(r, "review"), *sup = record_get(r, "supervision");

	if (!old)
		return supervision_moves(mc, sup, !strcmp(review, "accepted") ? "closed" :
					 !strcmp(review, "returned") ? "returned" : "answered",
					 !strcmp(review, "accepted") ? record_get(r, "answered_on") : NULL,
					 record_get(r, "no"), e);
	if (!record_values_differ(review, record_get(old, "review")))
		return 0;
	if (!strcmp(review, "accepted"))
		return supervision_moves(mc, sup, "closed", record_get(r, "reviewed_on"),
					 record_get(r, "no"), e);
	if (!strcmp(review, "returned"))
		return supervision_moves(mc, sup, "returned", NULL, record_get(r, "no"), e);
	return 0;
}

int duban_recompute(struct db *db, const char *day, struct model_error *e)
{
	const char *sql_day = "SELECT no, notice_on, workdays, due_on, red_from FROM supervisions "
			      "WHERE status <> 'closed' AND notice_on < ? AND red_from >= ? "
			      "AND workdays IS NOT NULL";
	const char *sql_all = "SELECT no, notice_on, workdays, due_on, red_from FROM supervisions "
			      "WHERE status <> 'closed' AND workdays IS NOT NULL";
	struct { char no[33], notice[DATE_BUFSZ], due[DATE_BUFSZ], red[DATE_BUFSZ]; int wd; } *rows = NULL;
	size_t n = 0, alloc = 0, i;
	int red_wd = settings_get_int(db, "duban_red_workdays"), rc, ret = 0;
	struct db_stmt *st;
	char now[24];

	if (db_prepare(db, day ? sql_day : sql_all, &st, &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	if (day) {
		db_bind_text(st, 1, day);
		db_bind_text(st, 2, day);
	}
	while ((rc = db_step(st, &e->msg)) == DB_ROW) {
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			rows = realloc(rows, alloc * sizeof(*rows));
			if (!rows)
				abort();
		}
		snprintf(rows[n].no, sizeof(rows[n].no), "%s", db_column_text(st, 0));
		snprintf(rows[n].notice, sizeof(rows[n].notice), "%s", db_column_text(st, 1));
		rows[n].wd = (int)db_column_int64(st, 2);
		snprintf(rows[n].due, sizeof(rows[n].due), "%s", db_column_text(st, 3));
		snprintf(rows[n].red, sizeof(rows[n].red), "%s", db_column_text(st, 4));
		n++;
	}
	db_finalize(st);
	if (rc < 0) {
		free(rows);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	snprintf(now, sizeof(now), "%lld", (long long)time_now());
	for (i = 0; i < n && !ret; i++) {
		char due[DATE_BUFSZ], red[DATE_BUFSZ];
		const char *params[] = { due, red, now, rows[i].no };

		if (workdays_add(db, rows[i].notice, rows[i].wd, due) ||
		    workdays_add(db, due, red_wd, red)) {
			ret = model_fail(e, MODEL_EDB, NULL, "读取工作日历失败");
			break;
		}
		if (!strcmp(due, rows[i].due) && !strcmp(red, rows[i].red))
			continue;
		if (exec_params(db, "UPDATE supervisions SET due_on = ?, red_from = ?, "
				"updated_at = CAST(? AS BIGINT), rev = rev + 1 WHERE no = ?",
				params, 4, e))
			ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	free(rows);
	return ret;
}

int duban_settings_changed(struct db *db, struct model_error *e)
{
	return duban_recompute(db, NULL, e);
}

static int duban_stored(const struct model_ctx *mc, const struct record *r,
			const struct record *old, struct model_error *e)
{
	if (r->ed == &supervision_feedback_desc)
		return feedback_stored(mc, r, old, e);
	if (r->ed == &work_calendar_desc) {
		return duban_recompute(mc->db, record_get(r, "day"), e);
	}
	return 0;
}

static const struct write_observer duban_observer = {
	.name = "duban", .stored = duban_stored,
};

void duban_observe_writes(void)
{
	model_observe(&duban_observer);
}
