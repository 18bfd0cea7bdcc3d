/*
 * certify.c: the office's acts on a month (see assess.h): each lead
 * department certifies its dimension, the office overrides a subject's
 * result with a reason, publishes the month (which locks it: freshness.c)
 * and reopens it.  Each act is audited in its transaction.
 */
#include "assess/assess.h"


#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/date.h"
#include "base/strbuf.h"
#include "base/validate.h"
#include "db/db.h"
#include "model/audit.h"
#include "model/entities.h"
#include "db/sqlp.h"
#include "model/scope.h"
#include "model/enums.h"

#include "assess/assess_int.h"

static int check_month(const struct actor *a, const char *month, struct model_error *e)
{
	if (!month || !month_valid(month))
		return model_fail(e, MODEL_EINVAL, "month", "月份格式应为 YYYY-MM");
	if (month_is_future(month))
		return model_fail(e, MODEL_EINVAL, "month", "不能认定尚未到来的月份");
	if (!a->district)
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权办理认定");
	return 0;
}

/* Refresh the month, then begin the act's transaction; refuse a published month. */
static int begin_act(struct db *db, const struct actor *a, const char *month, int need_open,
		     struct model_error *e)
{
	int64_t computed;
	int pub;

	if (assess_refresh(db, a->district, month, month, &e->msg) || db_begin(db, &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	pub = month_state(db, a->district, month, &computed, &e->msg);
	if (pub < 0) {
		db_rollback(db);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	if (need_open && pub) {
		db_rollback(db);
		return model_fail(e, MODEL_ECONFLICT, "month", "%s 已发布，须先由创建办重新开启", month);
	}
	if (!need_open && !pub) {
		db_rollback(db);
		return model_fail(e, MODEL_ECONFLICT, "month", "%s 尚未发布", month);
	}
	return 0;
}

static int finish_act(struct db *db, const struct actor *a, const char *action, const char *object,
		      const char *detail, struct model_error *e)
{
	if (audit_append(db, a, action, object, "ok", detail, &e->msg) || db_commit(db, &e->msg)) {
		db_rollback(db);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	return 0;
}

static int lead_of(const struct actor *a, const char *dimension, struct model_error *e)
{
	int d = assess_dimension_parse(dimension), k, lead = a->role == ROLE_SYSTEM;

	/* who is no lead at all is refused before what it sent is judged */
	for (k = 0; k < DIM__COUNT; k++)
		lead |= a->role == dimension_roles[k];
	if (!lead)
		return model_fail(e, MODEL_EFORBIDDEN, NULL,
				  "只有信访、应急、公安牵头部门可以确认或更改认定");
	if (d < 0)
		return model_fail(e, MODEL_EINVAL, "dimension",
				  "dimension 应为 petition、accident 或 case");
	if (a->role != dimension_roles[d] && a->role != ROLE_SYSTEM)
		return model_fail(e, MODEL_EFORBIDDEN, "dimension",
				  "只有%s可以认定“%s”", role_label(dimension_roles[d]),
				  d == DIM_PETITION ? "零上访" : d == DIM_ACCIDENT ? "零事故" : "零案件");
	return d;
}

int assess_certify(struct db *db, const struct actor *a, const char *month, const char *dimension,
		   struct model_error *e)
{
	struct strbuf obj = STRBUF_INIT;
	struct db_stmt *st = NULL;
	int ret, d, rc;

	if ((ret = check_month(a, month, e)))
		return ret;
	if ((d = lead_of(a, dimension, e)) < 0)
		return d;
	if ((ret = begin_act(db, a, month, 1, e)))
		return ret;
	if (db_prepare(db, "INSERT INTO certifications (district, month, dimension, department, "
		       "confirmed_by, confirmed_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (district, "
		       "month, dimension) DO UPDATE SET department = excluded.department, "
		       "confirmed_by = excluded.confirmed_by, confirmed_at = excluded.confirmed_at",
		       &st, &e->msg)) {
		db_rollback(db);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	db_bind_text(st, 1, a->district);
	db_bind_text(st, 2, month);
	db_bind_text(st, 3, dimension_codes[d]);
	if (a->dept)
		db_bind_text(st, 4, a->dept);
	else
		db_bind_null(st, 4);
	db_bind_text(st, 5, a->username ? a->username : "-");
	db_bind_int64(st, 6, time_now());
	rc = db_step(st, &e->msg);
	db_finalize(st);
	if (rc < 0) {
		db_rollback(db);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	strbuf_addf(&obj, "months/%s %s", month, dimension_codes[d]);
	ret = finish_act(db, a, "assess.certify", obj.buf, "", e);
	strbuf_release(&obj);
	return ret;
}

int assess_override(struct db *db, const struct actor *a, const char *month, const char *subject,
		    const char *dimension, const char *result, const char *reason,
		    struct model_error *e)
{
	struct strbuf obj = STRBUF_INIT, detail = STRBUF_INIT;
	struct db_stmt *st = NULL;
	const char *p[4] = { subject, month, month };
	char *found = NULL;
	int ret, d, rc;

	if ((ret = check_month(a, month, e)))
		return ret;
	if ((d = lead_of(a, dimension, e)) < 0)
		return d;
	if (!result || (strcmp(result, "pass") && strcmp(result, "fail")))
		return model_fail(e, MODEL_EINVAL, "result", "result 应为 pass（达标）或 fail（不达标）");
	if (model_reason_check(e, reason))
		return e->code;
	if (!subject)
		return model_fail(e, MODEL_EINVAL, "subject", "缺少创建主体");
	if ((ret = begin_act(db, a, month, 1, e)))
		return ret;
	/* the subject must be on the list that month, in the actor's district */
	if (db_query_value(db, "SELECT s.district FROM subjects s WHERE s.code = ? AND " ON_LIST,
			   p, 3, &found, &e->msg)) {
		db_rollback(db);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	if (!found || strcmp(found, a->district)) {
		free(found);
		db_rollback(db);
		return model_fail(e, MODEL_EINVAL, "subject", "创建主体“%s”在 %s 不在创建清单上", subject,
				  month);
	}
	free(found);
	if (db_exec_params(db, "DELETE FROM overrides WHERE month = ? AND subject = ? AND dimension = ?",
			(const char *[]){ month, subject, dimension_codes[d] }, 3, &e->msg) ||
	    db_prepare(db, "INSERT INTO overrides (district, month, subject, dimension, result, "
		       "reason, made_by, made_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &st, &e->msg)) {
		db_rollback(db);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	db_bind_text(st, 1, a->district);
	db_bind_text(st, 2, month);
	db_bind_text(st, 3, subject);
	db_bind_text(st, 4, dimension_codes[d]);
	db_bind_text(st, 5, result);
	db_bind_text(st, 6, reason);
	db_bind_text(st, 7, a->username ? a->username : "-");
	db_bind_int64(st, 8, time_now());
	rc = db_step(st, &e->msg);
	db_finalize(st);
	/* the subject's determination of the month and the figures follow the override */
	if (rc < 0 || assess_lock_district(db, a->district, &e->msg) ||
	    assess_keep_subject(db, a->district, month, subject, 1, &e->msg)) {
		db_rollback(db);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	strbuf_addf(&obj, "months/%s %s %s", month, subject, dimension_codes[d]);
	strbuf_addf(&detail, "result=%s reason=%.*s", result, utf8_prefix(reason, 200), reason);
	ret = finish_act(db, a, "assess.override", obj.buf, detail.buf, e);
	strbuf_release(&obj);
	strbuf_release(&detail);
	return ret;
}

static assess_publish_fn publish_fn;

void assess_on_publish(assess_publish_fn fn)
{
	publish_fn = fn;
}

int assess_publish(struct db *db, const struct actor *a, const char *month, struct model_error *e)
{
	const char *p[] = { a->district ? a->district : "", month };
	struct strbuf obj = STRBUF_INIT;
	char *n = NULL;
	int ret;

	if ((ret = check_month(a, month, e)))
		return ret;
	if (a->role != ROLE_OFFICE && a->role != ROLE_SYSTEM)
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "只有创建办可以发布");
	if ((ret = begin_act(db, a, month, 1, e)))
		return ret;
	if (db_query_value(db, "SELECT COUNT(*) FROM certifications WHERE district = ? AND month = ?",
			   p, 2, &n, &e->msg)) {
		db_rollback(db);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	if (!n || atoi(n) < DIM__COUNT) {
		free(n);
		db_rollback(db);
		return model_fail(e, MODEL_ECONFLICT, "month",
				  "信访、应急、公安三家尚未全部确认 %s 的认定结果，不能发布", month);
	}
	free(n);
	{
		char now[24];
		snprintf(now, sizeof(now), "%" PRId64, time_now());
		ret = db_exec_params(db, "UPDATE assess_months SET published = 1, publication = publication + 1, published_at = "
				  "CAST(? AS BIGINT), published_by = ? WHERE district = ? AND month = ?",
				  (const char *[]){ now, a->username ? a->username : "-", a->district,
						    month }, 4, &e->msg);
	}
	if (ret) {
		db_rollback(db);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	strbuf_addf(&obj, "months/%s", month);
	ret = finish_act(db, a, "assess.publish", obj.buf, "", e);
	strbuf_release(&obj);
	if (!ret && publish_fn)
		publish_fn(db, a, month);
	return ret;
}

int assess_reopen(struct db *db, const struct actor *a, const char *month, const char *reason,
		  struct model_error *e)
{
	struct strbuf obj = STRBUF_INIT, detail = STRBUF_INIT;
	int ret;

	if ((ret = check_month(a, month, e)))
		return ret;
	if (a->role != ROLE_OFFICE && a->role != ROLE_SYSTEM)
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "只有创建办可以重新开启");
	if (model_reason_check(e, reason))
		return e->code;
	if ((ret = begin_act(db, a, month, 0, e)))
		return ret;
	/* reopened: the month follows the data again from its next read, and
	 * the lead departments confirm it again before it is published again */
	if (db_exec_params(db, "UPDATE assess_months SET published = 0, computed_version = -1 "
			"WHERE district = ? AND month = ?", (const char *[]){ a->district, month }, 2,
			&e->msg) ||
	    db_exec_params(db, "DELETE FROM certifications WHERE district = ? AND month = ?",
			(const char *[]){ a->district, month }, 2, &e->msg)) {
		db_rollback(db);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	strbuf_addf(&obj, "months/%s", month);
	strbuf_addf(&detail, "reason=%.*s", utf8_prefix(reason, 200), reason);
	ret = finish_act(db, a, "assess.reopen", obj.buf, detail.buf, e);
	strbuf_release(&obj);
	strbuf_release(&detail);
	return ret;
}
