/*
 * ranking.c: the monthly ranking of townships and sectors (see ranking.h).
 *
 * The units: `township` — the district's townships (regions of level
 * township, active); `sector` — the departments that supervise subjects on
 * the list in M (the subjects' `supervisor`, the key the figures'
 * breakdown by supervisor groups by), less the townships' governments,
 * which supervise their villages and are ranked as townships.
 *
 * A township's records are those whose `township` is it (as the work
 * figures place them for a township); a sector's the tasks it owns
 * (`owner`, 牵头单位 — not those it only co-owns), the problems assigned to
 * it (`department`) and the subjects it supervises.  Each kind, for month M
 * of year Y (first = Y-01-01, last = M's last day):
 *   compliance_rate  subjects on the list at the end of M complying every
 *                    month Jan..M (the creation figures, from the cells
 *                    the breakdown reads) ÷ subjects on the list;
 *   tasks_on_time    tasks due first..last, not cancelled, with done_on
 *                    ≤ due_on ÷ those tasks;
 *   problems_on_time problems with deadline first..last and rectified_on ≤
 *                    deadline ÷ those problems;
 *   cards            − (yellow cards given in M × yellow_points + red cards
 *                    given in M × red_points), at most `points`;
 *   list_confirmed   `points` when the unit confirmed M's list by day
 *                    `due_day` of M+1 (by M's last day without one), else 0;
 *   manual           the office's score of M, with its reason; 0 without.
 */
#include "assess/ranking.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess.h"
#include "assess/cells.h"
#include "assess/figures.h"
#include "base/alloc.h"
#include "base/date.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "db/sqlp.h"
#include "model/assessment.h"
#include "model/entities.h"
#include "model/enums.h"
#include "model/errors.h"
#include "model/scope.h"

struct item {
	char code[40], name[160], method[24];
	int64_t points, target, yellow, red, due_day; /* -1: not set */
};

struct unit {
	char code[72], name[160];
	int64_t total; /* tenths */
	json_t *lines;
};

/* What one computation needs to know of the month. */
struct month_ctx {
	struct db *db;
	const char *district, *month, *by;
	int township;                 /* by township, else by sector */
	int mi;                       /* M's index in the year, 0 = January */
	char first[16], last[16];     /* Y-01-01 and M's last day */
	char mfirst[16];              /* M's first day */
	struct cell_tally *cells;     /* per unit, when compliance counts */
	size_t ncells;
};

static int64_t div_round(__int128 a, __int128 b)
{
	/* a / b rounded half up, a >= 0, b > 0 */
	return (int64_t)((2 * a + b) / (2 * b));
}

int64_t ranking_rate_points(int64_t points, int64_t target, int64_t num, int64_t den)
{
	if (den <= 0)
		return points * 10;
	if (num < 0)
		num = 0;
	if (target > 0) {
		if ((__int128)num * 100 >= (__int128)target * den)
			return points * 10;
		return div_round((__int128)points * 10 * num * 100, (__int128)target * den);
	}
	return div_round((__int128)points * 10 * num, den);
}

/* "95.7%" of num/den. */
static void percent(struct strbuf *sb, int64_t num, int64_t den)
{
	int64_t t = percent_tenths(num, den);

	strbuf_addf(sb, "%" PRId64 ".%" PRId64 "%%", t / 10, t % 10);
}

/* " (满分线 90%)" when the item has a target. */
static void target_note(struct strbuf *sb, const struct item *it)
{
	if (it->target > 0)
		strbuf_addf(sb, "，满分线 %" PRId64 "%%", it->target);
}

static json_t *records(const char *entity, const char *query)
{
	return json_pack("{ss ss}", "entity", entity, "query", query);
}

/* ---- loading ---- */

static int64_t col_int(struct db_stmt *st, int i)
{
	return db_column_is_null(st, i) ? -1 : db_column_int64(st, i);
}

static int load_items(struct db *db, const char *district, const char *kind, struct item **out,
		      size_t *n, struct strbuf *err)
{
	struct db_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (db_prepare(db, "SELECT code, name, method, points, target, yellow_points, red_points, "
		       "due_day FROM assessment_items WHERE district = ? AND active = 1 AND "
		       "(applies_to = ? OR applies_to = 'both') ORDER BY ord, code", &st, err))
		return -1;
	db_bind_text(st, 1, district);
	db_bind_text(st, 2, kind);
	while ((rc = db_step(st, err)) == DB_ROW) {
		struct item *it;
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		it = &(*out)[(*n)++];
		memset(it, 0, sizeof(*it));
		snprintf(it->code, sizeof(it->code), "%s", db_column_text(st, 0));
		snprintf(it->name, sizeof(it->name), "%s", db_column_text(st, 1));
		snprintf(it->method, sizeof(it->method), "%s", db_column_text(st, 2));
		it->points = db_column_int64(st, 3);
		it->target = col_int(st, 4);
		it->yellow = col_int(st, 5);
		it->red = col_int(st, 6);
		it->due_day = col_int(st, 7);
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

static int load_units(struct month_ctx *m, struct unit **out, size_t *n, struct strbuf *err)
{
	struct db_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (db_prepare(m->db, m->township
		       ? "SELECT code, name FROM regions WHERE district = ? AND level = 'township' "
			 "AND active = 1 ORDER BY code"
		       : "SELECT DISTINCT d.code, d.name FROM subjects s JOIN departments d ON d.code "
			 "= s.supervisor WHERE s.district = ? AND s.active_from <= ? AND "
			 "(s.active_to IS NULL OR s.active_to >= ?) AND (d.roles NOT LIKE "
			 "'%township%' OR d.roles LIKE '%supervisor%') ORDER BY d.code",
		       &st, err))
		return -1;
	db_bind_text(st, 1, m->district);
	if (!m->township) {
		db_bind_text(st, 2, m->month);
		db_bind_text(st, 3, m->month);
	}
	while ((rc = db_step(st, err)) == DB_ROW) {
		struct unit *u;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		u = &(*out)[(*n)++];
		memset(u, 0, sizeof(*u));
		snprintf(u->code, sizeof(u->code), "%s", db_column_text(st, 0));
		snprintf(u->name, sizeof(u->name), "%s", db_column_text(st, 1));
		u->lines = json_array();
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* The year's cells per township or supervisor, fresh (as the figures' breakdown reads them). */
static int load_cells(struct month_ctx *m, struct strbuf *err)
{
	struct actor office;
	char jan[8];

	memset(&office, 0, sizeof(office));
	office.role = ROLE_OFFICE;
	office.district = m->district;
	snprintf(jan, sizeof(jan), "%.4s-01", m->month);
	if (assess_refresh(m->db, m->district, jan, m->month, err) ||
	    cells_refresh(m->db, m->district, jan, m->month, err))
		return -1;
	return cells_read(m->db, &office, m->month, NULL, m->township ? "township" : "supervisor",
			  &m->cells, &m->ncells, err);
}

/* ---- the kinds: each sets the line's points (tenths), basis and records ---- */

struct line {
	int64_t points;
	struct strbuf basis;
	json_t *records;
};

static int kind_compliance(struct month_ctx *m, const struct item *it, const struct unit *u,
			   struct line *l, struct strbuf *err)
{
	int64_t num = 0, den = 0;
	struct strbuf q = STRBUF_INIT;
	size_t i;

	(void)err;
	for (i = 0; i < m->ncells; i++)
		if (!strcmp(m->cells[i].key, u->code)) {
			const int64_t *c = m->cells[i].n[m->mi];
			num = c[CM_VILLAGES_COMPLIANT] + c[CM_ENTERPRISES_COMPLIANT];
			den = c[CM_VILLAGES_TOTAL] + c[CM_ENTERPRISES_TOTAL];
		}
	l->points = ranking_rate_points(it->points, it->target, num, den);
	if (!den) {
		strbuf_addf(&l->basis, "%d月底清单上无创建主体，得满分", m->mi + 1);
	} else {
		strbuf_addf(&l->basis, "截至%d月底达标 %" PRId64 "/%" PRId64 " = ", m->mi + 1, num, den);
		percent(&l->basis, num, den);
		target_note(&l->basis, it);
	}
	strbuf_addf(&q, "%s=%s", m->township ? "township" : "supervisor", u->code);
	l->records = records("subjects", q.buf);
	strbuf_release(&q);
	return 0;
}

/*
 * Tasks or problems of the unit due (`due`) first..last, and of them those
 * finished (`finished`) by their due date.
 */
static int kind_on_time(struct month_ctx *m, const struct item *it, const struct unit *u,
			struct line *l, struct strbuf *err, int tasks)
{
	const char *table = tasks ? "tasks" : "problems", *due = tasks ? "due_on" : "deadline",
		   *finished = tasks ? "done_on" : "rectified_on",
		   *col = m->township ? "township" : tasks ? "owner" : "department";
	struct strbuf sql = STRBUF_INIT, q = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	int64_t n[2];
	int ret;

	strbuf_addf(&sql,
		    "SELECT COUNT(*), COALESCE(SUM(CASE WHEN t.%s IS NOT NULL AND t.%s <= t.%s "
		    "THEN 1 ELSE 0 END), 0) FROM %s t WHERE t.district = ? AND t.%s >= ? AND "
		    "t.%s <= ? AND t.%s = ?%s",
		    finished, finished, due, table, due, due, col,
		    tasks ? " AND t.status <> 'cancelled'" : "");
	sqlp_text(&p, m->district);
	sqlp_text(&p, m->first);
	sqlp_text(&p, m->last);
	sqlp_text(&p, u->code);
	ret = sqlp_aggregate(m->db, sql.buf, &p, n, 2, err);
	if (!ret) {
		l->points = ranking_rate_points(it->points, it->target, n[1], n[0]);
		if (!n[0]) {
			strbuf_addf(&l->basis, "1月至%d月底无到期%s，得满分", m->mi + 1,
				    tasks ? "任务" : "问题");
		} else {
			strbuf_addf(&l->basis, "1月至%d月底到期%s %" PRId64 " %s%s，按时%s %" PRId64
				    " %s = ", m->mi + 1, tasks ? "任务" : "问题", n[0],
				    tasks ? "项" : "个", tasks ? "（已撤销的不计）" : "",
				    tasks ? "完成" : "整改", n[1], tasks ? "项" : "个");
			percent(&l->basis, n[1], n[0]);
			target_note(&l->basis, it);
		}
		strbuf_addf(&q, "%s=%s&%s_from=%s&%s_to=%s", col, u->code, due, m->first, due,
			    m->last);
		l->records = records(table, q.buf);
	}
	sqlp_release(&p);
	strbuf_release(&sql);
	strbuf_release(&q);
	return ret;
}

static int kind_cards(struct month_ctx *m, const struct item *it, const struct unit *u,
		      struct line *l, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT, q = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	const char *col = m->township ? "township" : "owner";
	int64_t n[2], y, r, minus;
	int ret;

	strbuf_addf(&sql, "SELECT COALESCE(SUM(CASE WHEN t.yellow_on >= ? AND t.yellow_on <= ? "
			  "THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN t.red_on >= ? AND "
			  "t.red_on <= ? THEN 1 ELSE 0 END), 0) FROM supervisions t WHERE "
			  "t.district = ? AND t.%s = ?", col);
	sqlp_text(&p, m->mfirst);
	sqlp_text(&p, m->last);
	sqlp_text(&p, m->mfirst);
	sqlp_text(&p, m->last);
	sqlp_text(&p, m->district);
	sqlp_text(&p, u->code);
	ret = sqlp_aggregate(m->db, sql.buf, &p, n, 2, err);
	if (!ret) {
		y = it->yellow > 0 ? it->yellow : 0;
		r = it->red > 0 ? it->red : 0;
		minus = n[0] * y + n[1] * r;
		if (minus > it->points)
			minus = it->points;
		l->points = -10 * minus;
		strbuf_addf(&l->basis, "%d月黄牌 %" PRId64 " 张×%" PRId64 " 分、红牌 %" PRId64
			    " 张×%" PRId64 " 分，扣 %" PRId64 " 分", m->mi + 1, n[0], y, n[1], r,
			    minus);
		if (n[0] * y + n[1] * r > it->points)
			strbuf_addf(&l->basis, "（最多扣 %" PRId64 " 分）", it->points);
		strbuf_addf(&q, "%s=%s", col, u->code);
		l->records = records("supervisions", q.buf);
	}
	sqlp_release(&p);
	strbuf_release(&sql);
	strbuf_release(&q);
	return ret;
}

static int kind_confirmed(struct month_ctx *m, const struct item *it, const struct unit *u,
			  struct line *l, struct strbuf *err)
{
	const char *params[] = { m->month, m->township ? "township" : "department", u->code };
	char due[24], next[MONTH_BUFSZ], day[DATE_BUFSZ];
	int64_t deadline, when;
	char *v = NULL;

	if (it->due_day > 0) {
		month_add(m->month, 1, next);
		snprintf(due, sizeof(due), "%.7s-%02d", next, (int)(it->due_day % 100));
	} else {
		snprintf(due, sizeof(due), "%s", m->last);
	}
	/* the end of the due day, in China */
	deadline = date_end_china(due);
	if (db_query_value(m->db, "SELECT CAST(confirmed_at AS TEXT) FROM list_confirmations WHERE "
			   "month = ? AND unit_kind = ? AND unit = ?", params, 3, &v, err))
		return -1;
	if (!v) {
		l->points = 0;
		strbuf_addf(&l->basis, "%d月清单未确认（期限 %s）", m->mi + 1, due);
		return 0;
	}
	when = strtoll(v, NULL, 10);
	free(v);
	date_of_time_china(when, day);
	l->points = when <= deadline ? it->points * 10 : 0;
	strbuf_addf(&l->basis, "%d月清单于 %s 确认（期限 %s），%s", m->mi + 1, day, due,
		    when <= deadline ? "按时" : "逾期，不得分");
	return 0;
}

static int kind_manual(struct month_ctx *m, const struct item *it, const struct unit *u,
		       struct line *l, struct strbuf *err)
{
	struct db_stmt *st = NULL;
	struct strbuf q = STRBUF_INIT;
	int rc;

	if (db_prepare(m->db, "SELECT points, reason FROM assessment_scores WHERE district = ? AND "
		       "month = ? AND unit_kind = ? AND unit = ? AND item = ?", &st, err))
		return -1;
	db_bind_text(st, 1, m->district);
	db_bind_text(st, 2, m->month);
	db_bind_text(st, 3, m->township ? "township" : "sector");
	db_bind_text(st, 4, u->code);
	db_bind_text(st, 5, it->code);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		l->points = db_column_int64(st, 0) * 10;
		strbuf_addf(&l->basis, "手工评分 %" PRId64 " 分：%s", db_column_int64(st, 0),
			    db_column_text(st, 1));
	} else if (rc == DB_DONE) {
		l->points = 0;
		strbuf_addf(&l->basis, "%d月未评分", m->mi + 1);
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	strbuf_addf(&q, "month=%s&unit=%s&item=%s", m->month, u->code, it->code);
	l->records = records("assessment_scores", q.buf);
	strbuf_release(&q);
	return 0;
}

static int line_compute(struct month_ctx *m, const struct item *it, const struct unit *u,
			struct line *l, struct strbuf *err)
{
	if (!strcmp(it->method, "compliance_rate"))
		return kind_compliance(m, it, u, l, err);
	if (!strcmp(it->method, "tasks_on_time"))
		return kind_on_time(m, it, u, l, err, 1);
	if (!strcmp(it->method, "problems_on_time"))
		return kind_on_time(m, it, u, l, err, 0);
	if (!strcmp(it->method, "cards"))
		return kind_cards(m, it, u, l, err);
	if (!strcmp(it->method, "list_confirmed"))
		return kind_confirmed(m, it, u, l, err);
	return kind_manual(m, it, u, l, err);
}

/* Tenths as a JSON number: 383 → 38.3. */
static json_t *tenths_json(int64_t t)
{
	return t % 10 ? json_real((double)t / 10.0) : json_integer(t / 10);
}

/* By total, highest first; ties by name, then code. */
static int unit_cmp(const void *pa, const void *pb)
{
	const struct unit *a = pa, *b = pb;
	int c;

	if (a->total != b->total)
		return a->total > b->total ? -1 : 1;
	if ((c = strcmp(a->name, b->name)))
		return c;
	return strcmp(a->code, b->code);
}

int ranking_compute(struct db *db, const struct actor *a, const char *month, const char *by,
		    json_t **out, struct model_error *e)
{
	struct month_ctx m;
	struct item *items = NULL;
	struct unit *units = NULL;
	size_t ni = 0, nu = 0, i, j;
	json_t *columns, *rows;
	int y, mo, ret = 0;

	*out = NULL;
	if (!entity_can_read(&assessment_item_desc, a) || !a->district)
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权查看考评排名");
	if (!month || !month_valid(month))
		return model_fail(e, MODEL_EINVAL, "month", "month：月份格式应为 YYYY-MM");
	if (month_is_future(month))
		return model_fail(e, MODEL_EINVAL, "month", "month：%s 尚未到来，没有考评", month);
	if (!by || (strcmp(by, "township") && strcmp(by, "sector")))
		return model_fail(e, MODEL_EBADREQ, "by", "by 应为 township（乡镇）或 sector（行业部门）");
	memset(&m, 0, sizeof(m));
	m.db = db;
	m.district = a->district;
	m.month = month;
	m.by = by;
	m.township = !strcmp(by, "township");
	month_parse(month, &y, &mo);
	m.mi = mo - 1;
	snprintf(m.first, sizeof(m.first), "%04d-01-01", y % 10000);
	snprintf(m.mfirst, sizeof(m.mfirst), "%.7s-01", month);
	snprintf(m.last, sizeof(m.last), "%.7s-%02d", month, date_days_in_month(y, mo) % 100);

	if (load_items(db, a->district, by, &items, &ni, &e->msg))
		goto dberr;
	for (i = 0; i < ni; i++) {
		const char *table = assessment_method_table(items[i].method);
		int have;
		if (!table)
			continue;
		if ((have = assessment_table_exists(db, table)) < 0)
			goto dberr;
		if (!have) {
			ret = model_fail(e, MODEL_ECONFLICT, NULL,
					 "考评项目“%s”（%s）要读取的数据表 %s 尚未建立（相应功能未安装）："
					 "请在考评表中停用该项目",
					 items[i].name, items[i].code, table);
			goto cleanup;
		}
	}
	if (load_units(&m, &units, &nu, &e->msg))
		goto dberr;
	for (i = 0; i < ni; i++)
		if (!strcmp(items[i].method, "compliance_rate")) {
			if (load_cells(&m, &e->msg))
				goto dberr;
			break;
		}
	for (j = 0; j < nu; j++) {
		for (i = 0; i < ni; i++) {
			struct line l = { 0, STRBUF_INIT, NULL };
			json_t *line;
			if (line_compute(&m, &items[i], &units[j], &l, &e->msg)) {
				strbuf_release(&l.basis);
				json_decref(l.records);
				goto dberr;
			}
			units[j].total += l.points;
			line = json_pack("{ss ss ss so so ss}", "item", items[i].code, "item_name",
					 items[i].name, "method", items[i].method, "points",
					 tenths_json(l.points), "max_points",
					 json_integer(items[i].points), "basis", l.basis.buf);
			if (l.records)
				json_object_set_new(line, "records", l.records);
			json_array_append_new(units[j].lines, line);
			strbuf_release(&l.basis);
		}
	}
	qsort(units, nu, sizeof(*units), unit_cmp);
	rows = json_array();
	for (j = 0; j < nu; j++) {
		int64_t rank = j + 1;
		if (j && units[j].total == units[j - 1].total)
			rank = json_integer_value(json_object_get(json_array_get(rows, j - 1), "rank"));
		json_array_append_new(rows, json_pack("{sI ss ss so sO}", "rank", (json_int_t)rank,
						      "unit", units[j].code, "unit_name",
						      units[j].name, "total",
						      tenths_json(units[j].total), "lines",
						      units[j].lines));
	}
	columns = json_array();
	for (i = 0; i < ni; i++)
		json_array_append_new(columns, json_pack("{ss ss ss sI}", "item", items[i].code,
							 "item_name", items[i].name, "method",
							 items[i].method, "points",
							 (json_int_t)items[i].points));
	*out = json_pack("{ss ss so so}", "month", month, "by", by, "columns", columns, "items",
			 rows);
	goto cleanup;
dberr:
	ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
cleanup:
	for (j = 0; j < nu; j++)
		json_decref(units[j].lines);
	free(units);
	free(items);
	free(m.cells);
	return ret;
}
