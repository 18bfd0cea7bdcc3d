/*
 * ledger.c: the monthly subsidy ledger of the village auxiliary police
 * (驻村补贴, DOMAIN.md "Grassroots"; see grass_desk.h): generated each month
 * for the officers in post, then marked paid, and the finance office's
 * sheet.  Rows are created and updated through the descriptor's write path
 * (entity_validate, entity_store: police_subsidies' hook places and checks
 * them and takes the amount from the setting police_subsidy_yuan), one
 * audit row per record and one for the action, all in one transaction.
 */
#include "model/grass_desk.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/strbuf.h"
#include "base/validate.h"
#include "db/db.h"
#include "db/sqlp.h"
#include "io/table.h"
#include "model/audit.h"
#include "model/entities.h"
#include "model/entity_int.h"
#include "model/scope.h"
#include "model/settings.h"

/* The first and last day of valid month `month`. */
static void month_days(const char *month, char first[DATE_BUFSZ], char last[DATE_BUFSZ])
{
	int y, m, d;

	month_parse(month, &y, &m);
	d = date_days_in_month(y, m);
	memcpy(first, month, 7);
	memcpy(first + 7, "-01", 4);
	memcpy(last, month, 7);
	last[7] = '-';
	last[8] = (char)('0' + d / 10);
	last[9] = (char)('0' + d % 10);
	last[10] = '\0';
}

static int month_check(const char *month, struct model_error *e)
{
	if (!month || !month_valid(month))
		return model_fail(e, MODEL_EINVAL, "month", "月份应为 YYYY-MM 格式的有效月份");
	if (month_is_future(month))
		return model_fail(e, MODEL_EINVAL, "month", "月份 %s 尚未到来，不能生成或发放补贴", month);
	return 0;
}

static void set(struct record *r, const char *key, const char *v)
{
	record_set(r, entity_field_index(r->ed, key), v);
}

/* "500.00": fen as yuan with two decimals. */
static void yuan(int64_t fen, char *out, size_t size)
{
	snprintf(out, size, "%s%" PRId64 ".%02" PRId64, fen < 0 ? "-" : "",
		 (fen < 0 ? -fen : fen) / 100, (fen < 0 ? -fen : fen) % 100);
}

/* Write `r` (new when `old` is NULL) through the model, with its audit row. */
static int write_one(const struct model_ctx *mc, struct record *r, const struct record *old,
		     const char *detail, struct model_error *e)
{
	struct strbuf obj = STRBUF_INIT, action = STRBUF_INIT;
	int ret;

	if ((ret = entity_validate(mc, r, old, NULL, e)) ||
	    (ret = entity_store(mc, r, old, old ? "update" : "create", NULL, e)))
		goto out;
	record_object_name(r, &obj);
	strbuf_addf(&action, "%s.%s", r->ed->name, old ? "update" : "create");
	if (audit_append(mc->db, mc->actor, action.buf, obj.buf, "ok", detail, &e->msg))
		ret = model_fail(e, MODEL_EDB, NULL, "审计写入失败");
out:
	strbuf_release(&obj);
	strbuf_release(&action);
	return ret;
}

/* A (village, officer) pair of the month and whether its row exists. */
struct pair {
	char *village, *officer;
	int exists;
};

/* The pairs of the auxiliary assignments in post at some day of [first, last], in scope. */
static int month_pairs(const struct model_ctx *mc, const char *month, const char *first,
		       const char *last, struct pair **out, size_t *n, struct model_error *e)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct db_stmt *st = NULL;
	size_t cap = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	strbuf_addstr(&sql, "SELECT DISTINCT t.village, t.police_no, CASE WHEN EXISTS (SELECT 1 "
		      "FROM police_subsidies s WHERE s.village = t.village AND s.officer = "
		      "t.police_no AND s.month = ?) THEN 1 ELSE 0 END FROM police_assignments t "
		      "WHERE t.kind = 'auxiliary' AND t.village IS NOT NULL AND t.\"from\" <= ? "
		      "AND (t.\"to\" IS NULL OR t.\"to\" >= ?)");
	sqlp_text(&p, month);
	sqlp_text(&p, last);
	sqlp_text(&p, first);
	if (scope_where(&police_assignment_desc, mc->actor, "t", &sql, &p) < 0)
		goto done;
	strbuf_addstr(&sql, " ORDER BY 1, 2");
	if (db_prepare(mc->db, sql.buf, &st, &e->msg)) {
		rc = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto done;
	}
	sqlp_bind(&p, st, 1);
	while ((rc = db_step(st, &e->msg)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 32;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		(*out)[*n].village = xstrdup(db_column_text(st, 0));
		(*out)[*n].officer = xstrdup(db_column_text(st, 1));
		(*out)[*n].exists = db_column_int64(st, 2) != 0;
		(*n)++;
	}
	db_finalize(st);
	rc = rc < 0 ? model_fail(e, MODEL_EDB, NULL, "数据库错误") : 0;
done:
	strbuf_release(&sql);
	sqlp_release(&p);
	return rc;
}

static void pairs_free(struct pair *pairs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(pairs[i].village);
		free(pairs[i].officer);
	}
	free(pairs);
}

/* Create the missing rows of `pairs`, appending each as JSON to `created`. */
static int create_rows(const struct model_ctx *mc, const char *month, const struct pair *pairs,
		       size_t n, json_t *created, struct model_error *e)
{
	struct strbuf detail = STRBUF_INIT;
	size_t i;
	int ret = 0;

	strbuf_addf(&detail, "generate month=%s", month);
	for (i = 0; i < n && !ret; i++) {
		struct record r;

		if (pairs[i].exists)
			continue;
		record_init(&r, &police_subsidy_desc);
		set(&r, "village", pairs[i].village);
		set(&r, "officer", pairs[i].officer);
		set(&r, "month", month);
		ret = write_one(mc, &r, NULL, detail.buf, e);
		if (!ret)
			json_array_append_new(created, record_json(&r, mc->keys));
		record_release(&r);
	}
	strbuf_release(&detail);
	return ret;
}

int ledger_generate(const struct model_ctx *mc, const char *month, json_t **out,
		    struct model_error *e)
{
	struct strbuf detail = STRBUF_INIT;
	char first[DATE_BUFSZ], last[DATE_BUFSZ];
	struct pair *pairs = NULL;
	json_t *created = json_array();
	size_t n = 0, i, kept = 0;
	int ret;

	if (!entity_can_write(&police_subsidy_desc, mc->actor)) {
		ret = model_fail(e, MODEL_EFORBIDDEN, NULL, "无权生成驻村补贴台账");
		goto done;
	}
	if ((ret = month_check(month, e)))
		goto done;
	month_days(month, first, last);
	if (db_begin(mc->db, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto done;
	}
	if ((ret = month_pairs(mc, month, first, last, &pairs, &n, e)) ||
	    (ret = create_rows(mc, month, pairs, n, created, e)))
		goto rollback;
	for (i = 0; i < n; i++)
		kept += pairs[i].exists;
	/* the scheduler's daily pass that found nothing new leaves no row */
	if (json_array_size(created) || mc->actor->role != ROLE_SYSTEM) {
		strbuf_addf(&detail, "month=%s created=%zu kept=%zu", month,
			    json_array_size(created), kept);
		if (audit_append(mc->db, mc->actor, "police_subsidies.generate", "police_subsidies",
				 "ok", detail.buf, &e->msg)) {
			ret = model_fail(e, MODEL_EDB, NULL, "审计写入失败");
			goto rollback;
		}
	}
	if (db_commit(mc->db, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto rollback;
	}
	*out = json_pack("{ss sI sO sI sI}", "month", month, "amount",
			 (json_int_t)settings_get_int(mc->db, "police_subsidy_yuan"), "created",
			 created, "kept", (json_int_t)kept, "total", (json_int_t)n);
	goto done;
rollback:
	db_rollback(mc->db);
done:
	json_decref(created);
	pairs_free(pairs, n);
	strbuf_release(&detail);
	return ret;
}

/* ---- payment ---- */

/* Each of `villages` a village of the actor's district. */
static int villages_check(const struct model_ctx *mc, const char *const *villages, size_t n,
			  struct model_error *e)
{
	struct strbuf err = STRBUF_INIT;
	size_t i;
	int ret = 0;

	for (i = 0; i < n && !ret; i++) {
		struct record r;
		int rc;

		record_init(&r, NULL);
		rc = entity_lookup(mc->db, &region_desc, villages[i], &r, &err);
		if (rc && rc != MODEL_ENOTFOUND)
			ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		else if (rc || strcmp(record_get(&r, "level"), "village") ||
			 (mc->actor->district && (!record_get(&r, "district") ||
				strcmp(record_get(&r, "district"), mc->actor->district))))
			ret = model_fail(e, MODEL_EINVAL, "villages", "村（社区）“%.*s”不存在或不在本区县",
					 utf8_prefix(villages[i], 32), villages[i]);
		record_release(&r);
	}
	strbuf_release(&err);
	return ret;
}

static int paid_on_check(const char *month, const char *paid_on, struct model_error *e)
{
	char first[DATE_BUFSZ], last[DATE_BUFSZ], today[DATE_BUFSZ];

	if (!paid_on || !date_valid(paid_on))
		return model_fail(e, MODEL_EINVAL, "paid_on", "发放日期应为 YYYY-MM-DD 格式的有效日期");
	date_today(today);
	if (strcmp(paid_on, today) > 0)
		return model_fail(e, MODEL_EINVAL, "paid_on", "发放日期不能晚于今天");
	month_days(month, first, last);
	if (strcmp(paid_on, first) < 0)
		return model_fail(e, MODEL_EINVAL, "paid_on", "发放日期不能早于补贴月份 %s", month);
	return 0;
}

/* The ids of the month's unpaid rows in scope (of `villages` when n > 0). */
static int unpaid_ids(const struct model_ctx *mc, const char *month, const char *const *villages,
		      size_t n, int64_t **ids, size_t *nids, struct model_error *e)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct db_stmt *st = NULL;
	size_t i, cap = 0;
	int rc = 0;

	*ids = NULL;
	*nids = 0;
	strbuf_addstr(&sql, "SELECT t.id FROM police_subsidies t WHERE t.month = ? AND "
		      "t.paid_on IS NULL");
	sqlp_text(&p, month);
	for (i = 0; i < n; i++) {
		strbuf_addstr(&sql, i ? ", ?" : " AND t.village IN (?");
		sqlp_text(&p, villages[i]);
	}
	if (n)
		strbuf_addch(&sql, ')');
	if (scope_where(&police_subsidy_desc, mc->actor, "t", &sql, &p) < 0)
		goto done;
	strbuf_addstr(&sql, " ORDER BY t.id");
	if (db_prepare(mc->db, sql.buf, &st, &e->msg)) {
		rc = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto done;
	}
	sqlp_bind(&p, st, 1);
	while ((rc = db_step(st, &e->msg)) == DB_ROW) {
		if (*nids == cap) {
			cap = cap ? 2 * cap : 32;
			*ids = xrealloc(*ids, cap * sizeof(**ids));
		}
		(*ids)[(*nids)++] = db_column_int64(st, 0);
	}
	db_finalize(st);
	rc = rc < 0 ? model_fail(e, MODEL_EDB, NULL, "数据库错误") : 0;
done:
	strbuf_release(&sql);
	sqlp_release(&p);
	return rc;
}

/* Mark rows `ids` paid on `paid_on`; their amounts summed into *fen. */
static int pay_rows(const struct model_ctx *mc, const int64_t *ids, size_t n, const char *paid_on,
		    int64_t *fen, struct model_error *e)
{
	struct strbuf detail = STRBUF_INIT;
	size_t i;
	int ret = 0;

	strbuf_addf(&detail, "pay paid_on=%s", paid_on);
	for (i = 0; i < n && !ret; i++) {
		struct record old, r;

		record_init(&old, NULL);
		record_init(&r, NULL);
		ret = load_scoped(mc, &police_subsidy_desc, ids[i], &old, e);
		if (!ret) {
			record_copy(&r, &old);
			set(&r, "paid_on", paid_on);
			ret = write_one(mc, &r, &old, detail.buf, e);
		}
		if (!ret && record_get(&r, "amount"))
			*fen += strtoll(record_get(&r, "amount"), NULL, 10);
		record_release(&old);
		record_release(&r);
	}
	strbuf_release(&detail);
	return ret;
}

int ledger_pay(const struct model_ctx *mc, const char *month, const char *paid_on,
	       const char *const *villages, size_t n, json_t **out, struct model_error *e)
{
	struct strbuf detail = STRBUF_INIT;
	int64_t *ids = NULL, fen = 0;
	size_t nids = 0;
	int ret;

	if (!entity_can_write(&police_subsidy_desc, mc->actor))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权发放驻村补贴");
	if ((ret = month_check(month, e)) || (ret = paid_on_check(month, paid_on, e)) ||
	    (ret = villages_check(mc, villages, n, e)))
		return ret;
	if (db_begin(mc->db, &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	if ((ret = unpaid_ids(mc, month, villages, n, &ids, &nids, e)) ||
	    (ret = pay_rows(mc, ids, nids, paid_on, &fen, e)))
		goto rollback;
	strbuf_addf(&detail, "month=%s paid_on=%s rows=%zu", month, paid_on, nids);
	if (audit_append(mc->db, mc->actor, "police_subsidies.pay", "police_subsidies", "ok",
			 detail.buf, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "审计写入失败");
		goto rollback;
	}
	if (db_commit(mc->db, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto rollback;
	}
	*out = json_pack("{ss ss sI sf}", "month", month, "paid_on", paid_on, "paid",
			 (json_int_t)nids, "amount", (double)fen / 100.0);
	goto done;
rollback:
	db_rollback(mc->db);
done:
	free(ids);
	strbuf_release(&detail);
	return ret;
}

/* ---- the finance office's sheet ---- */

#define SHEET_COLS 9
static const char *const sheet_header[SHEET_COLS] = {
	"序号", "乡镇", "村（社区）", "姓名", "警号", "月份", "补贴金额（元）", "发放日期", "签收",
};

/*
 * The month's rows in scope: township and village names, the officer's
 * name (the assignment in that village first, the latest first), police
 * number, month, amount (fen), paid date.
 */
#define SHEET_SQL \
	"SELECT tw.name, v.name, COALESCE((SELECT a.officer FROM police_assignments a WHERE " \
	"a.police_no = t.officer AND a.village = t.village ORDER BY a.\"from\" DESC LIMIT 1), " \
	"(SELECT a.officer FROM police_assignments a WHERE a.police_no = t.officer " \
	"ORDER BY a.\"from\" DESC LIMIT 1)), t.officer, t.month, t.amount, t.paid_on " \
	"FROM police_subsidies t LEFT JOIN regions v ON v.code = t.village " \
	"LEFT JOIN regions tw ON tw.code = t.township WHERE t.month = ?"

static int sheet_row(struct table_writer *w, const char *const *cells, struct model_error *e)
{
	return table_writer_row(w, cells, SHEET_COLS, &e->msg) ?
		model_fail(e, MODEL_EDB, NULL, "写文件失败") : 0;
}

int ledger_sheet(const struct model_ctx *mc, const char *month, struct table_writer *w,
		 size_t *rows, struct model_error *e)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct db_stmt *st = NULL;
	char no[24], amount[32];
	int64_t sum = 0;
	int rc = 0, ret;

	*rows = 0;
	if (!entity_can_read(&police_subsidy_desc, mc->actor))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权查看驻村补贴台账");
	if (!month || !month_valid(month))
		return model_fail(e, MODEL_EINVAL, "month", "月份应为 YYYY-MM 格式的有效月份");
	table_writer_set_numeric(w, 0, 1);
	table_writer_set_numeric(w, 6, 1);
	if ((ret = sheet_row(w, sheet_header, e)))
		return ret;
	strbuf_addstr(&sql, SHEET_SQL);
	sqlp_text(&p, month);
	if (scope_where(&police_subsidy_desc, mc->actor, "t", &sql, &p) < 0)
		goto total;
	strbuf_addstr(&sql, " ORDER BY t.township, t.village, t.officer");
	if (db_prepare(mc->db, sql.buf, &st, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto out;
	}
	sqlp_bind(&p, st, 1);
	while (!ret && (rc = db_step(st, &e->msg)) == DB_ROW) {
		int64_t fen = db_column_is_null(st, 5) ? 0 : db_column_int64(st, 5);
		const char *cells[SHEET_COLS];
		int k;

		snprintf(no, sizeof(no), "%zu", ++*rows);
		yuan(fen, amount, sizeof(amount));
		sum += fen;
		cells[0] = no;
		for (k = 0; k < 5; k++)
			cells[1 + k] = db_column_is_null(st, k) ? "" : db_column_text(st, k);
		cells[6] = amount;
		cells[7] = db_column_is_null(st, 6) ? "" : db_column_text(st, 6);
		cells[8] = "";
		ret = sheet_row(w, cells, e);
	}
	db_finalize(st);
	if (!ret && rc < 0)
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
total:
	if (!ret) {
		const char *cells[SHEET_COLS] = { "合计", "", "", "", "", "", amount, "", "" };

		yuan(sum, amount, sizeof(amount));
		ret = sheet_row(w, cells, e);
	}
out:
	strbuf_release(&sql);
	sqlp_release(&p);
	return ret;
}
