/*
 * grass_warnings.c: the grassroots' reasons of the early warnings (see
 * grass_warnings.h).  The grid-days are counted here, not in SQL: the
 * grids' staff terms and their complete patrol days of the month are read
 * once (two statements), each grid's days held as a bit set of the month's
 * days; a grid-day is missing when some staff member's term covers it and
 * the grid does not have both slots that day.
 */
#include "assess/grass_warnings.h"

#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/date.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "db/sqlp.h"
#include "model/entities.h"
#include "model/scope.h"

/* One grid of the month: its village, the days its staff were active and the days it complied. */
struct grid_days {
	char *grid, *village;
	uint32_t active, complete; /* bit d-1: day d of the month */
};

/* The bits of days from..to (YYYY-MM-DD, clipped to [first, asof]) of the month. */
static uint32_t day_bits(const char *from, const char *to, const char *first, const char *asof)
{
	int a, b, d;
	uint32_t bits = 0;

	if (strcmp(from, first) < 0)
		from = first;
	if (!to || strcmp(to, asof) > 0)
		to = asof;
	if (strcmp(from, to) > 0 || date_parse(from, NULL, NULL, &a) ||
	    date_parse(to, NULL, NULL, &b))
		return 0;
	for (d = a; d <= b; d++)
		bits |= 1u << (d - 1);
	return bits;
}

static struct grid_days *grid_of(struct grid_days **g, size_t *n, const char *code,
				 const char *village)
{
	size_t i;

	for (i = *n; i > 0; i--)
		if (!strcmp((*g)[i - 1].grid, code))
			return &(*g)[i - 1];
	*g = xrealloc(*g, (*n + 1) * sizeof(**g));
	(*g)[*n].grid = xstrdup(code);
	(*g)[*n].village = xstrdup(village ? village : "");
	(*g)[*n].active = (*g)[*n].complete = 0;
	return &(*g)[(*n)++];
}

/* Run `sql` (params `p`, released) row by row: `row(st, arg)` for each. */
static int each_row(struct db *db, const char *sql, struct sqlp *p,
		    void (*row)(struct db_stmt *st, void *arg), void *arg, struct model_error *e)
{
	struct db_stmt *st = NULL;
	int rc;

	if (db_prepare(db, sql, &st, &e->msg)) {
		sqlp_release(p);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	sqlp_bind(p, st, 1);
	while ((rc = db_step(st, &e->msg)) == DB_ROW)
		row(st, arg);
	db_finalize(st);
	sqlp_release(p);
	return rc < 0 ? model_fail(e, MODEL_EDB, NULL, "数据库错误") : 0;
}

struct days_ctx {
	struct grid_days *g;
	size_t n;
	const char *first, *asof;
};

static void staff_row(struct db_stmt *st, void *arg)
{
	struct days_ctx *c = arg;
	struct grid_days *g = grid_of(&c->g, &c->n, db_column_text(st, 0),
				      db_column_is_null(st, 1) ? NULL : db_column_text(st, 1));

	g->active |= day_bits(db_column_text(st, 2), db_column_is_null(st, 3) ? NULL :
			      db_column_text(st, 3), c->first, c->asof);
}

static void complete_row(struct db_stmt *st, void *arg)
{
	struct days_ctx *c = arg;
	size_t i;
	int d;

	if (date_parse(db_column_text(st, 1), NULL, NULL, &d))
		return;
	for (i = 0; i < c->n; i++)
		if (!strcmp(c->g[i].grid, db_column_text(st, 0)))
			c->g[i].complete |= 1u << (d - 1);
}

/* The grids under villages with staff in [first, asof], their active and complete days. */
static int month_grids(struct db *db, const struct actor *a, struct days_ctx *c,
		       struct model_error *e)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	int ret;

	strbuf_addstr(&sql, "SELECT g.code, g.parent, s.\"from\", s.\"to\" FROM regions g "
		      "JOIN grid_staff s ON s.grid = g.code WHERE g.level = 'grid' AND "
		      "g.active = 1 AND s.\"from\" <= ? AND (s.\"to\" IS NULL OR s.\"to\" >= ?)");
	sqlp_text(&p, c->asof);
	sqlp_text(&p, c->first);
	scope_where_columns(&grid_region_scope, a, "g", &sql, &p);
	strbuf_addstr(&sql, " ORDER BY g.code");
	ret = each_row(db, sql.buf, &p, staff_row, c, e);
	strbuf_reset(&sql);
	if (ret || !c->n)
		goto out;
	/* the complete days of those grids (of patrols placed in scope as the grids are) */
	strbuf_addstr(&sql, "SELECT t.grid, t.patrolled_on FROM patrols t JOIN regions g ON "
		      "g.code = t.grid WHERE t.patrolled_on >= ? AND t.patrolled_on <= ?");
	sqlp_text(&p, c->first);
	sqlp_text(&p, c->asof);
	scope_where_columns(&grid_region_scope, a, "g", &sql, &p);
	strbuf_addstr(&sql, " GROUP BY t.grid, t.patrolled_on HAVING COUNT(DISTINCT t.slot) = 2");
	ret = each_row(db, sql.buf, &p, complete_row, c, e);
out:
	strbuf_release(&sql);
	return ret;
}

static int popcount(uint32_t x)
{
	int n = 0;

	for (; x; x &= x - 1)
		n++;
	return n;
}

struct village_ctx {
	struct grass_village *v;
	size_t n;
	char **village; /* each subject's village region */
};

static void village_row(struct db_stmt *st, void *arg)
{
	struct village_ctx *c = arg;
	struct grass_village *v;

	c->v = xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
	c->village = xrealloc(c->village, (c->n + 1) * sizeof(*c->village));
	v = &c->v[c->n];
	v->subject = xstrdup(db_column_text(st, 0));
	v->name = xstrdup(db_column_text(st, 1));
	v->township = xstrdup(db_column_text(st, 2));
	v->kind = xstrdup(db_column_text(st, 3));
	c->village[c->n] = xstrdup(db_column_text(st, 4));
	v->no_police = db_column_int64(st, 5) == 0;
	v->grid_days = 0;
	c->n++;
}

int grass_villages(struct db *db, const struct actor *a, const char *month, const char *asof,
		   struct grass_village **out, size_t *n, struct model_error *e)
{
	struct village_ctx vc = { NULL, 0, NULL };
	struct days_ctx dc = { NULL, 0, NULL, asof };
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	int police = entity_can_read(&police_assignment_desc, a);
	char first[DATE_BUFSZ];
	size_t i, k;
	int ret;

	*out = NULL;
	*n = 0;
	memcpy(first, month, 7);
	memcpy(first + 7, "-01", 4);
	dc.first = first;
	/* a district that has not entered its village police at all is not warned of it */
	strbuf_addstr(&sql, "SELECT s.code, s.name, s.township, s.kind, s.village, "
		      "CASE WHEN EXISTS (SELECT 1 FROM police_assignments x WHERE "
		      "x.village = s.village AND "
		      "x.kind = 'auxiliary' AND x.\"from\" <= ? AND (x.\"to\" IS NULL OR "
		      "x.\"to\" >= ?)) OR NOT EXISTS (SELECT 1 FROM police_assignments y WHERE "
		      "y.district = s.district AND y.kind = 'auxiliary') THEN 1 ELSE 0 END "
		      "FROM subjects s WHERE s.kind IN ('village', 'community') AND "
		      "s.village IS NOT NULL AND s.active_from <= ? AND "
		      "(s.active_to IS NULL OR s.active_to >= ?)");
	sqlp_text(&p, asof);
	sqlp_text(&p, asof);
	sqlp_text(&p, month);
	sqlp_text(&p, month);
	if (scope_where(&subject_desc, a, "s", &sql, &p) < 0) {
		sqlp_release(&p);
		strbuf_release(&sql);
		return 0;
	}
	strbuf_addstr(&sql, " ORDER BY s.code");
	ret = each_row(db, sql.buf, &p, village_row, &vc, e);
	strbuf_release(&sql);
	if (!ret && vc.n && strcmp(asof, first) >= 0 && entity_can_read(&patrol_desc, a))
		ret = month_grids(db, a, &dc, e);
	for (i = 0; i < vc.n; i++) {
		for (k = 0; !ret && k < dc.n; k++)
			if (!strcmp(dc.g[k].village, vc.village[i]))
				vc.v[i].grid_days += popcount(dc.g[k].active & ~dc.g[k].complete);
		if (!police)
			vc.v[i].no_police = 0;
		free(vc.village[i]);
	}
	free(vc.village);
	for (k = 0; k < dc.n; k++) {
		free(dc.g[k].grid);
		free(dc.g[k].village);
	}
	free(dc.g);
	if (ret) {
		grass_villages_free(vc.v, vc.n);
		return ret;
	}
	*out = vc.v;
	*n = vc.n;
	return 0;
}

void grass_villages_free(struct grass_village *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].subject);
		free(v[i].name);
		free(v[i].township);
		free(v[i].kind);
	}
	free(v);
}

/* 1+5+N: five active informants of five industries */
#define NETWORK_MIN 5

static void network_row(struct db_stmt *st, void *arg)
{
	json_t *arr = arg;
	int64_t informants = db_column_int64(st, 4), industries = db_column_int64(st, 5);

	if (informants >= NETWORK_MIN && industries >= NETWORK_MIN)
		return;
	json_array_append_new(arr, json_pack("{ss ss so so sI sI}", "police_no",
		db_column_text(st, 0), "officer", db_column_text(st, 1), "township",
		db_column_is_null(st, 2) ? json_null() : json_string(db_column_text(st, 2)),
		"township_name", db_column_is_null(st, 3) ? json_null() :
		json_string(db_column_text(st, 3)), "informants", (json_int_t)informants,
		"industries", (json_int_t)industries));
}

#define INFORMANT_ACTIVE "i.officer = t.police_no AND i.\"from\" <= ? AND " \
			 "(i.\"to\" IS NULL OR i.\"to\" >= ?)"

int grass_networks_short(struct db *db, const struct actor *a, const char *asof, json_t **out,
			 struct model_error *e)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	json_t *arr;
	int ret = 0;

	*out = NULL;
	if (!entity_can_read(&police_assignment_desc, a)) {
		*out = json_null();
		return 0;
	}
	arr = json_array();
	strbuf_addstr(&sql, "SELECT t.police_no, MAX(t.officer), MAX(t.township), MAX(tw.name), "
		      "(SELECT COUNT(*) FROM informants i WHERE " INFORMANT_ACTIVE "), "
		      "(SELECT COUNT(DISTINCT i.industry) FROM informants i WHERE "
		      INFORMANT_ACTIVE ") "
		      "FROM police_assignments t LEFT JOIN regions tw ON tw.code = t.township "
		      "WHERE t.kind = 'officer' AND t.\"from\" <= ? AND (t.\"to\" IS NULL OR "
		      "t.\"to\" >= ?)");
	sqlp_text(&p, asof);
	sqlp_text(&p, asof);
	sqlp_text(&p, asof);
	sqlp_text(&p, asof);
	sqlp_text(&p, asof);
	sqlp_text(&p, asof);
	if (scope_where(&police_assignment_desc, a, "t", &sql, &p) >= 0) {
		strbuf_addstr(&sql, " GROUP BY t.police_no ORDER BY t.police_no");
		ret = each_row(db, sql.buf, &p, network_row, arr, e);
	}
	sqlp_release(&p);
	strbuf_release(&sql);
	if (ret)
		json_decref(arr);
	else
		*out = arr;
	return ret;
}
