/*
 * patrol_day.c: a day's patrols of the grids (一日双巡, DOMAIN.md
 * "Grassroots"; see grass_desk.h) — every grid in the caller's scope with
 * grid staff active that day (from <= D and (to empty or D <= to)), with
 * who patrolled it in the morning and in the afternoon, and the counts of
 * the grids still missing a slot: what the township sees by noon and by
 * evening (the to-do in todos.c) and the page 今日巡查.
 */
#include "model/grass_desk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "db/db.h"
#include "db/sqlp.h"
#include "model/entities.h"
#include "model/scope.h"

void grass_local_now(char day[DATE_BUFSZ], int *minutes)
{
	const char *clock = getenv("SANLING_TEST_CLOCK");

	if (clock && strlen(clock) == 16 && clock[10] == 'T') {
		memcpy(day, clock, 10);
		day[10] = '\0';
		if (date_valid(day)) {
			*minutes = atoi(clock + 11) * 60 + atoi(clock + 14);
			return;
		}
	}
	date_now_china(day, minutes);
}

static json_t *text_or_null(struct db_stmt *st, int col)
{
	return db_column_is_null(st, col) ? json_null() : json_string(db_column_text(st, col));
}

/* The grids with staff on `day`, in scope, each an item without its patrols yet. */
static int day_grids(const struct model_ctx *mc, const char *day, json_t *items,
		     struct model_error *e)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct db_stmt *st = NULL;
	int rc;

	strbuf_addstr(&sql, "SELECT g.code, g.name, "
		      "CASE WHEN pv.level = 'village' THEN pv.code END, "
		      "CASE WHEN pv.level = 'village' THEN pv.name END, g.township, tw.name "
		      "FROM regions g LEFT JOIN regions pv ON pv.code = g.parent "
		      "LEFT JOIN regions tw ON tw.code = g.township "
		      "WHERE g.level = 'grid' AND g.active = 1 AND EXISTS (SELECT 1 "
		      "FROM grid_staff s WHERE s.grid = g.code AND s.\"from\" <= ? AND "
		      "(s.\"to\" IS NULL OR s.\"to\" >= ?))");
	sqlp_text(&p, day);
	sqlp_text(&p, day);
	scope_where_columns(&grid_region_scope, mc->actor, "g", &sql, &p);
	strbuf_addstr(&sql, " ORDER BY g.township, g.code");
	rc = db_prepare(mc->db, sql.buf, &st, &e->msg);
	strbuf_release(&sql);
	if (rc) {
		sqlp_release(&p);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	sqlp_bind(&p, st, 1);
	while ((rc = db_step(st, &e->msg)) == DB_ROW)
		json_array_append_new(items, json_pack("{ss so so so so so s[] s[]}",
			"grid", db_column_text(st, 0), "grid_name", text_or_null(st, 1),
			"village", text_or_null(st, 2), "village_name", text_or_null(st, 3),
			"township", text_or_null(st, 4), "township_name", text_or_null(st, 5),
			"am", "pm"));
	db_finalize(st);
	sqlp_release(&p);
	return rc < 0 ? model_fail(e, MODEL_EDB, NULL, "数据库错误") : 0;
}

/* The patrols of `day` in scope, each patroller added to its grid's slot. */
static int day_patrols(const struct model_ctx *mc, const char *day, json_t *items,
		       struct model_error *e)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct db_stmt *st = NULL;
	int rc = 0;

	strbuf_addstr(&sql, "SELECT t.grid, t.slot, t.patroller FROM patrols t "
		      "WHERE t.patrolled_on = ?");
	sqlp_text(&p, day);
	if (scope_where(&patrol_desc, mc->actor, "t", &sql, &p) < 0)
		goto done;
	strbuf_addstr(&sql, " ORDER BY t.grid, t.slot, t.patroller");
	if (db_prepare(mc->db, sql.buf, &st, &e->msg)) {
		rc = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto done;
	}
	sqlp_bind(&p, st, 1);
	while ((rc = db_step(st, &e->msg)) == DB_ROW) {
		const char *grid = db_column_text(st, 0), *slot = db_column_text(st, 1);
		size_t i;
		json_t *it;

		json_array_foreach(items, i, it) {
			json_t *list = json_object_get(it, slot);
			if (strcmp(json_string_value(json_object_get(it, "grid")), grid) || !list)
				continue;
			json_array_append_new(list, json_string(db_column_text(st, 2)));
			break;
		}
	}
	db_finalize(st);
	rc = rc < 0 ? model_fail(e, MODEL_EDB, NULL, "数据库错误") : 0;
done:
	strbuf_release(&sql);
	sqlp_release(&p);
	return rc;
}

int patrols_today(const struct model_ctx *mc, const char *day, json_t **out,
		  struct model_error *e)
{
	char today[DATE_BUFSZ];
	json_t *items, *it;
	int64_t am = 0, pm = 0;
	size_t i;
	int minutes, ret;

	if (!entity_can_read(&patrol_desc, mc->actor))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权查看网格巡查");
	grass_local_now(today, &minutes);
	if (day && !date_valid(day))
		return model_fail(e, MODEL_EINVAL, "date", "日期应为 YYYY-MM-DD 格式的有效日期");
	if (day && strcmp(day, today) > 0)
		return model_fail(e, MODEL_EINVAL, "date", "日期不能晚于今天（%s）", today);
	if (!day)
		day = today;
	items = json_array();
	if ((ret = day_grids(mc, day, items, e)) || (ret = day_patrols(mc, day, items, e))) {
		json_decref(items);
		return ret;
	}
	json_array_foreach(items, i, it) {
		int a = json_array_size(json_object_get(it, "am")) > 0;
		int p = json_array_size(json_object_get(it, "pm")) > 0;

		json_object_set_new(it, "am_done", json_boolean(a));
		json_object_set_new(it, "pm_done", json_boolean(p));
		am += !a;
		pm += !p;
	}
	*out = json_pack("{ss so sI sI sI}", "date", day, "items", items, "total",
			 (json_int_t)json_array_size(items), "missing_am", (json_int_t)am,
			 "missing_pm", (json_int_t)pm);
	return 0;
}

int patrols_missing(const struct model_ctx *mc, const char *day, int64_t *am, int64_t *pm,
		    struct model_error *e)
{
	json_t *out = NULL;
	int ret = patrols_today(mc, day, &out, e);

	*am = *pm = 0;
	if (ret)
		return ret;
	*am = json_integer_value(json_object_get(out, "missing_am"));
	*pm = json_integer_value(json_object_get(out, "missing_pm"));
	json_decref(out);
	return 0;
}
