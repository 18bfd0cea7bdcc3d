/*
 * work_actions.c: the office's actions on the work lists beyond the generic
 * writes (see work.h) — 交办 of a meeting's agreed item, which makes its
 * task and writes the task's number back on the item, and the problems
 * raised automatically from the determination's failures and the major
 * hazards left past their deadline.  Both build records and write them
 * through the generic path (entity_validate, entity_store: the hooks,
 * scope, observers and history of any write), one audit row per record
 * and one for the action, all in one transaction.
 */
#include "model/work.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/date.h"
#include "base/validate.h"
#include "db/db.h"
#include "model/audit.h"
#include "model/entities.h"
#include "model/entity_int.h"

/* A problem's description at most (problems.description's length), in characters. */
#define DESCRIPTION_CHARS 2000
/* The longest title cut from an item's text, in characters. */
#define TITLE_CHARS 60

/* Validate and store new record `r` as the actor, with its audit row. */
static int create_one(const struct model_ctx *mc, struct record *r, const char *detail,
		      struct model_error *e)
{
	struct strbuf obj = STRBUF_INIT, action = STRBUF_INIT;
	int ret;

	if ((ret = entity_validate(mc, r, NULL, NULL, e)) ||
	    (ret = entity_store(mc, r, NULL, "create", NULL, e)))
		goto out;
	record_object_name(r, &obj);
	strbuf_addf(&action, "%s.create", r->ed->name);
	if (audit_append(mc->db, mc->actor, action.buf, obj.buf, "ok", detail, &e->msg))
		ret = model_fail(e, MODEL_EDB, NULL, "审计写入失败");
out:
	strbuf_release(&obj);
	strbuf_release(&action);
	return ret;
}

static void set(struct record *r, const char *key, const char *v)
{
	record_set(r, entity_field_index(r->ed, key), v);
}

/*
 * A task's title from an item's text: its first sentence (up to 。；; or a
 * line's end), at most TITLE_CHARS characters (then cut, with …).
 */
static void cut_title(const char *text, struct strbuf *out)
{
	static const char *const stops[] = { "。", "；", ";", "\n", "\r" };
	size_t n, i, cut;

	while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
		text++;
	n = strlen(text);
	for (i = 0; i < sizeof(stops) / sizeof(stops[0]); i++) {
		const char *p = strstr(text, stops[i]);
		if (p && (size_t)(p - text) < n && p > text)
			n = (size_t)(p - text);
	}
	cut = (size_t)utf8_prefix(text, TITLE_CHARS);
	if (cut < n) {
		strbuf_addf(out, "%.*s…", (int)cut, text);
		return;
	}
	strbuf_addf(out, "%.*s", (int)n, text);
}

/*
 * The optional members of 交办's body (assigned_on, no, title: the task's
 * fields, checked as the task's form checks them) into `vals` (in that
 * order; an empty buffer: not given), or refused.
 */
static int assign_body(json_t *in, struct strbuf vals[3], struct model_error *e)
{
	static const char *const keys[3] = { "assigned_on", "no", "title" };
	const char *k;
	json_t *v;
	int i, ret;

	json_object_foreach(in, k, v) {
		for (i = 0; i < 3 && strcmp(k, keys[i]); i++)
			;
		if (i == 3)
			return model_fail(e, MODEL_EBADREQ, NULL,
					  "未知字段“%.*s”：请求体只能有 assigned_on、no、title",
					  utf8_prefix(k, 64), k);
		if (json_is_null(v))
			continue;
		if (!json_is_string(v))
			return model_fail(e, MODEL_EINVAL, k, "%s：应为字符串",
					  entity_field(&task_desc, k)->label);
		strbuf_reset(&vals[i]);
		if ((ret = field_normalize(entity_field(&task_desc, k), json_string_value(v), &vals[i],
					   e)))
			return ret;
	}
	return 0;
}

int work_assign(const struct model_ctx *mc, int64_t id, json_t *in, json_t **out,
		struct model_error *e)
{
	const char *assigned_on = NULL, *no = NULL, *title = NULL;
	struct record dec, nd, t, stored;
	struct strbuf ttl = STRBUF_INIT, detail = STRBUF_INIT, obj = STRBUF_INIT;
	struct strbuf vals[3] = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT };
	char today[DATE_BUFSZ];
	int ret, i;

	record_init(&dec, NULL);
	record_init(&nd, NULL);
	record_init(&t, &task_desc);
	record_init(&stored, NULL);
	if (mc->actor->role != ROLE_OFFICE && mc->actor->role != ROLE_SYSTEM) {
		ret = model_fail(e, MODEL_EFORBIDDEN, NULL, "议定事项由创建办公室交办");
		goto done;
	}
	if (in && (ret = assign_body(in, vals, e)))
		goto done;
	assigned_on = vals[0].len ? vals[0].buf : NULL;
	no = vals[1].len ? vals[1].buf : NULL;
	title = vals[2].len ? vals[2].buf : NULL;
	if (db_begin(mc->db, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto done;
	}
	if ((ret = load_scoped(mc, &decision_desc, id, &dec, e)))
		goto rollback;
	if (record_get(&dec, "task")) {
		ret = model_fail(e, MODEL_ECONFLICT, "task", "议定事项“%s”已交办为任务“%s”，不能重复交办",
				 record_get(&dec, "no"), record_get(&dec, "task"));
		goto rollback;
	}
	if (!record_get(&dec, "owner")) {
		ret = model_fail(e, MODEL_EINVAL, "owner", "议定事项未填写牵头单位，不能交办");
		goto rollback;
	}
	if (!record_get(&dec, "due_on")) {
		ret = model_fail(e, MODEL_EINVAL, "due_on", "议定事项未填写完成时限，不能交办");
		goto rollback;
	}
	date_today(today);
	if (!assigned_on)
		assigned_on = today;
	if (!title) {
		cut_title(record_get(&dec, "text"), &ttl);
		title = ttl.buf;
	}
	set(&t, "no", no);
	set(&t, "title", title);
	set(&t, "source", "meeting");
	set(&t, "meeting", record_get(&dec, "meeting"));
	set(&t, "decision", record_get(&dec, "no"));
	set(&t, "owner", record_get(&dec, "owner"));
	set(&t, "co_owners", record_get(&dec, "co_owners"));
	set(&t, "township", record_get(&dec, "township"));
	set(&t, "assigned_on", assigned_on);
	set(&t, "due_on", record_get(&dec, "due_on"));
	strbuf_addf(&detail, "decision=%s", record_get(&dec, "no"));
	if ((ret = create_one(mc, &t, detail.buf, e)))
		goto rollback;
	/* the task's number on the item */
	record_copy(&nd, &dec);
	set(&nd, "task", record_get(&t, "no"));
	if ((ret = entity_validate(mc, &nd, &dec, NULL, e)) ||
	    (ret = entity_store(mc, &nd, &dec, "update", NULL, e)))
		goto rollback;
	record_object_name(&nd, &obj);
	strbuf_reset(&detail);
	strbuf_addf(&detail, "task=%s", record_get(&t, "no"));
	if (audit_append(mc->db, mc->actor, "meeting_decisions.assign", obj.buf, "ok", detail.buf,
			 &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "审计写入失败");
		goto rollback;
	}
	if (out && (ret = load_scoped(mc, &task_desc, t.id, &stored, e)))
		goto rollback;
	if (db_commit(mc->db, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto rollback;
	}
	if (out)
		*out = record_json(&stored, mc->keys);
	goto done;
rollback:
	db_rollback(mc->db);
done:
	record_release(&dec);
	record_release(&nd);
	record_release(&t);
	record_release(&stored);
	strbuf_release(&ttl);
	strbuf_release(&detail);
	strbuf_release(&obj);
	for (i = 0; i < 3; i++)
		strbuf_release(&vals[i]);
	return ret;
}

/* ---- problems raised automatically ---- */

/* Has something raised a problem under `key` already?  1, 0, or negative. */
static int raised(struct db *db, const char *key, struct model_error *e)
{
	const char *params[1] = { key };
	char *v = NULL;

	if (db_query_value(db, "SELECT no FROM problems WHERE raised_by = ?", params, 1, &v,
			   &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	{
		int found = v != NULL;
		free(v);
		return found;
	}
}

/*
 * Raise one problem of `source` about `subject`, unless raised already or
 * outside the actor's district: 1 when raised, 0 when not, or negative.
 */
static int raise_one(const struct model_ctx *mc, const char *today, const char *deadline,
		     const char *source, const char *raised_by, const char *subject,
		     const char *description, struct model_error *e)
{
	struct record s, p;
	struct strbuf err = STRBUF_INIT;
	char *desc = NULL;
	int ret;

	if ((ret = raised(mc->db, raised_by, e)) != 0)
		return ret < 0 ? ret : 0;
	record_init(&s, NULL);
	record_init(&p, &problem_desc);
	ret = entity_lookup(mc->db, &subject_desc, subject, &s, &err);
	if (ret == MODEL_ENOTFOUND ||
	    (!ret && mc->actor->district && strcmp(record_get(&s, "district"), mc->actor->district))) {
		ret = 0;
		goto out;
	}
	if (ret) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto out;
	}
	set(&p, "found_on", today);
	set(&p, "source", source);
	set(&p, "department", record_get(&s, "supervisor"));
	set(&p, "subject", subject);
	/* what a description holds at most (the field's length) */
	desc = xstrndup(description, (size_t)utf8_prefix(description, DESCRIPTION_CHARS));
	set(&p, "description", desc);
	set(&p, "level", "general");
	set(&p, "deadline", deadline);
	set(&p, "raised_by", raised_by);
	ret = create_one(mc, &p, raised_by, e);
	if (!ret)
		ret = 1;
out:
	free(desc);
	record_release(&s);
	record_release(&p);
	strbuf_release(&err);
	return ret;
}

/*
 * The major hazards past their deadline on `today`, not rectified, none raised
 * yet, the longest overdue first.  By deadline, so that over every district
 * the pass reads the small index of open major hazards (migration 034), not
 * every hazard in the order of their numbers.
 */
struct overdue_hazard {
	char *no, *subject, *found_on, *deadline, *description;
};

static int overdue_hazards(const struct model_ctx *mc, const char *today,
			   struct overdue_hazard **out, size_t *n, struct model_error *e)
{
	struct strbuf sql = STRBUF_INIT;
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	strbuf_addstr(&sql, "SELECT h.no, h.subject, h.found_on, h.deadline, h.description "
			    "FROM hazards h WHERE h.level = 'major' AND h.rectified_on IS NULL "
			    "AND h.deadline < ?");
	if (mc->actor->district)
		strbuf_addstr(&sql, " AND h.district = ?");
	strbuf_addstr(&sql, " AND NOT EXISTS (SELECT 1 FROM problems p "
			    "WHERE p.raised_by = 'hazard:' || h.no) ORDER BY h.deadline, h.no");
	if (db_prepare(mc->db, sql.buf, &st, &e->msg)) {
		strbuf_release(&sql);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	db_bind_text(st, 1, today);
	if (mc->actor->district)
		db_bind_text(st, 2, mc->actor->district);
	while ((rc = db_step(st, &e->msg)) == DB_ROW) {
		struct overdue_hazard *h;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		h = &(*out)[(*n)++];
		h->no = xstrdup(db_column_text(st, 0));
		h->subject = xstrdup(db_column_text(st, 1));
		h->found_on = xstrdup(db_column_text(st, 2));
		h->deadline = xstrdup(db_column_text(st, 3));
		h->description = db_column_is_null(st, 4) ? NULL : xstrdup(db_column_text(st, 4));
	}
	db_finalize(st);
	strbuf_release(&sql);
	return rc < 0 ? model_fail(e, MODEL_EDB, NULL, "数据库错误") : 0;
}

int work_raise(const struct model_ctx *mc, const char *today, const struct raise_item *items,
	       size_t n, struct raise_counts *out, struct model_error *e)
{
	struct overdue_hazard *hz = NULL;
	struct strbuf key = STRBUF_INIT, text = STRBUF_INIT, detail = STRBUF_INIT;
	char deadline[DATE_BUFSZ];
	size_t i, nhz = 0;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (mc->actor->role != ROLE_OFFICE && mc->actor->role != ROLE_SYSTEM)
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "问题由创建办公室生成");
	if (!today || !date_valid(today))
		return model_fail(e, MODEL_EINVAL, "today", "日期应为 YYYY-MM-DD 格式的有效日期");
	date_add_days(today, WORK_RAISE_DEADLINE_DAYS, deadline);
	if (db_begin(mc->db, &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	for (i = 0; i < n && ret >= 0; i++) {
		ret = raise_one(mc, today, deadline, "determination", items[i].raised_by,
				items[i].subject, items[i].description, e);
		if (ret > 0)
			out->determination++;
	}
	if (ret >= 0)
		ret = overdue_hazards(mc, today, &hz, &nhz, e);
	for (i = 0; i < nhz && ret >= 0; i++) {
		strbuf_reset(&key);
		strbuf_addf(&key, "hazard:%s", hz[i].no);
		strbuf_reset(&text);
		strbuf_addf(&text, "重大隐患“%s”逾期未整改（发现日期 %s，整改期限 %s）", hz[i].no,
			    hz[i].found_on, hz[i].deadline);
		if (hz[i].description)
			strbuf_addf(&text, "：%.*s", utf8_prefix(hz[i].description, 1900),
				    hz[i].description);
		ret = raise_one(mc, today, deadline, "hazard", key.buf, hz[i].subject, text.buf, e);
		if (ret > 0)
			out->hazard++;
	}
	/* the scheduler's daily pass that found nothing leaves no row */
	if (ret >= 0 && (out->determination || out->hazard || mc->actor->role != ROLE_SYSTEM)) {
		strbuf_addf(&detail, "today=%s determination=%d hazard=%d", today, out->determination,
			    out->hazard);
		if (audit_append(mc->db, mc->actor, "problems.raise", "problems", "ok", detail.buf,
				 &e->msg))
			ret = model_fail(e, MODEL_EDB, NULL, "审计写入失败");
	}
	if (ret >= 0 && db_commit(mc->db, &e->msg))
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
	if (ret < 0) {
		db_rollback(mc->db);
		memset(out, 0, sizeof(*out));
	} else {
		ret = 0;
	}
	for (i = 0; i < nhz; i++) {
		free(hz[i].no);
		free(hz[i].subject);
		free(hz[i].found_on);
		free(hz[i].deadline);
		free(hz[i].description);
	}
	free(hz);
	strbuf_release(&key);
	strbuf_release(&text);
	strbuf_release(&detail);
	return ret;
}
