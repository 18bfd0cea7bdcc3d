/*
 * grass_figures.c: the grassroots' figures of DOMAIN.md ("The work
 * figures"; see work_figures.h) through month M, within the caller's
 * scope: patrols and household visits dated Jan..M; the share of grid-days
 * (every active grid in scope, every day from January 1 to M's last day or
 * today, whichever is earlier) with patrols in both slots; the villages
 * (and communities) on the list at the end of M with an auxiliary officer,
 * and with a 联乡包村 cadre, assigned to their village on M's last day; the
 * subsidies of months Jan..M paid by M's last day; the officers in post on
 * that day whose 1+5+N network complies (five active informants of five
 * industries).  "Active on D": from <= D and (to empty or D <= to).  Shares
 * are exact (percent_tenths); a share of nothing is null.  A figure of a
 * list the caller may not read is null, and so is every grassroots figure
 * of one sector (the grassroots are places, not sectors).
 */
#include "assess/work_figures.h"
#include "assess/work_int.h"
#include "assess/assess_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/figure_keys.h"
#include "assess/figures.h"
#include "assess/figures_int.h"
#include "base/date.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "db/sqlp.h"
#include "model/entities.h"
#include "model/scope.h"

/* rows of `ed` (alias t) within the caller's scope and the filter's township */
static void grass_scope(const struct entity_desc *ed, const struct actor *a,
			const struct figures_filter *f, struct strbuf *sql, struct sqlp *p)
{
	scope_where(ed, a, "t", sql, p);
	if (f && f->township) {
		strbuf_addstr(sql, " AND t.township = ?");
		sqlp_text(p, f->township);
	}
}

/* One aggregate of `ed`'s rows: `select` FROM table t WHERE `where` (params `p`) and scope. */
static int grass_aggregate(struct db *db, const struct entity_desc *ed, const char *select,
			   const char *where, struct sqlp *p, const struct actor *a,
			   const struct figures_filter *f, int64_t *out, int n, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	int ret;

	strbuf_addf(&sql, "SELECT %s FROM %s t WHERE %s", select, ed->table, where);
	grass_scope(ed, a, f, &sql, p);
	ret = sqlp_aggregate(db, sql.buf, p, out, n, err);
	strbuf_release(&sql);
	sqlp_release(p);
	return ret;
}

/*
 * A sum of `column` of the cells the writes keep (patrol_cells) in the
 * months of from..end, in the caller's scope (no patrol is dated after
 * today): "days", the grid-days with patrols in both slots, or "patrols".
 * `inactive`: only those of the grids no longer active (regions.active = 0),
 * few, from the regions.
 */
static int patrol_cells_sum(struct db *db, const struct actor *a, const struct figures_filter *f,
			    const char *column, const char *from, const char *end, int inactive,
			    int64_t *n, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	char m0[8], m1[8];
	int ret;

	snprintf(m0, sizeof(m0), "%.7s", from);
	snprintf(m1, sizeof(m1), "%.7s", end);
	strbuf_addf(&sql, "SELECT COALESCE(SUM(t.%s), 0) FROM ", column);
	if (inactive)
		strbuf_addstr(&sql, "regions g CROSS JOIN patrol_cells t WHERE g.active <> 1 AND "
			      "t.grid = g.code AND ");
	else
		strbuf_addstr(&sql, "patrol_cells t WHERE ");
	strbuf_addstr(&sql, "t.month >= ? AND t.month <= ?");
	sqlp_text(&p, m0);
	sqlp_text(&p, m1);
	grass_scope(&patrol_desc, a, f, &sql, &p);
	ret = sqlp_aggregate(db, sql.buf, &p, n, 1, err);
	sqlp_release(&p);
	strbuf_release(&sql);
	return ret;
}

/* ---- the grid-days kept by the writes ---- */

/* A patrol's slot as a bit: am 1, pm 2. */
static int slot_bit(const char *slot)
{
	return !slot ? 0 : !strcmp(slot, "am") ? 1 : !strcmp(slot, "pm") ? 2 : 0;
}

/* Do patrol versions `a` and `b` fall on the same grid and day? */
static int same_grid_day(const struct record *a, const struct record *b)
{
	return a && b && !record_values_differ(record_get(a, "grid"), record_get(b, "grid")) &&
	       !record_values_differ(record_get(a, "patrolled_on"), record_get(b, "patrolled_on"));
}

/* The cell of patrol `v`: its grid-days moved by `days`, its patrols by `patrols`. */
static int cell_move(struct db *db, const struct record *v, int days, int patrols,
		     struct strbuf *err)
{
	const char *day = record_get(v, "patrolled_on"), *township = record_get(v, "township");
	char month[8], d[8], n[8];

	snprintf(month, sizeof(month), "%.7s", day);
	snprintf(d, sizeof(d), "%d", days);
	snprintf(n, sizeof(n), "%d", patrols);
	return db_exec_params(db, "INSERT INTO patrol_cells (district, township, grid, month, days, "
			      "patrols) VALUES (?, ?, ?, ?, CAST(? AS BIGINT), CAST(? AS BIGINT)) ON "
			      "CONFLICT (district, township, grid, month) DO UPDATE SET days = "
			      "patrol_cells.days + excluded.days, patrols = patrol_cells.patrols + "
			      "excluded.patrols", (const char *[]){ record_get(v, "district"),
			      township ? township : "", record_get(v, "grid"), month, d, n }, 6, err);
}

/* Has patrol `v` the grid and the day a cell is kept of? */
static int has_cell(const struct record *v)
{
	const char *day = v ? record_get(v, "patrolled_on") : NULL;

	return day && strlen(day) >= 7 && record_get(v, "grid") && record_get(v, "district");
}

/* Do patrol versions `a` and `b` count in the same cell? */
static int same_cell(const struct record *a, const struct record *b)
{
	static const char *const keys[] = { "district", "township", "grid" };
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (record_values_differ(record_get(a, keys[i]), record_get(b, keys[i])))
			return 0;
	return !strncmp(record_get(a, "patrolled_on"), record_get(b, "patrolled_on"), 7);
}

int grass_patrol_keep(struct db *db, const struct record *r, const struct record *old,
		      struct strbuf *err)
{
	const struct record *v[2] = { old, r };
	int k;

	/* the patrol itself: out of its old cell, into its new one */
	if (!(has_cell(old) && has_cell(r) && same_cell(old, r)) &&
	    ((has_cell(old) && cell_move(db, old, 0, -1, err)) ||
	     (has_cell(r) && cell_move(db, r, 0, 1, err))))
		return -1;
	for (k = 0; k < 2; k++) {
		const char *grid, *day;
		char id[24];
		int others = 0, before, after;
		struct db_stmt *st;
		int rc;

		if (!v[k] || (k == 1 && same_grid_day(old, r)) || !has_cell(v[k]))
			continue; /* none, or the grid-day of the old version, done */
		grid = record_get(v[k], "grid");
		day = record_get(v[k], "patrolled_on");
		/* the slots of the grid-day's other patrols, as they are */
		snprintf(id, sizeof(id), "%lld", (long long)r->id);
		if (db_prepare(db, "SELECT DISTINCT slot FROM patrols WHERE grid = ? AND "
			       "patrolled_on = ? AND id <> CAST(? AS BIGINT)", &st, err))
			return -1;
		db_bind_text(st, 1, grid);
		db_bind_text(st, 2, day);
		db_bind_text(st, 3, id);
		while ((rc = db_step(st, err)) == DB_ROW)
			others |= slot_bit(db_column_text(st, 0));
		db_finalize(st);
		if (rc < 0)
			return -1;
		before = others | (same_grid_day(old, v[k]) ? slot_bit(record_get(old, "slot")) : 0);
		after = others | (same_grid_day(r, v[k]) ? slot_bit(record_get(r, "slot")) : 0);
		if ((before == 3) != (after == 3) && cell_move(db, v[k], after == 3 ? 1 : -1, 0, err))
			return -1;
	}
	return 0;
}

int grass_patrol_cells_fill(struct db *db, const char *district, struct strbuf *err)
{
	const char *p[] = { district, district };

	return db_exec_params(db, "DELETE FROM patrol_cells WHERE district = ?", p, 1, err) ||
	       db_exec_params(db, "INSERT INTO patrol_cells (district, township, grid, month, days) "
			      "SELECT x.district, x.township, x.grid, SUBSTR(x.patrolled_on, 1, 7), "
			      "COUNT(*) FROM (SELECT district, COALESCE(township, '') AS township, grid, "
			      "patrolled_on FROM patrols WHERE district = ? GROUP BY district, "
			      "COALESCE(township, ''), grid, patrolled_on HAVING COUNT(DISTINCT slot) = 2) "
			      "x GROUP BY x.district, x.township, x.grid, SUBSTR(x.patrolled_on, 1, 7)",
			      p + 1, 1, err) ||
	       db_exec_params(db, "INSERT INTO patrol_cells (district, township, grid, month, days, "
			      "patrols) SELECT district, COALESCE(township, ''), grid, "
			      "SUBSTR(patrolled_on, 1, 7), 0, COUNT(*) FROM patrols WHERE district = ? "
			      "GROUP BY district, COALESCE(township, ''), grid, SUBSTR(patrolled_on, 1, 7) "
			      "ON CONFLICT (district, township, grid, month) DO UPDATE SET patrols = "
			      "excluded.patrols", p + 1, 1, err) ? -1 : 0;
}

/*
 * Grid-days with patrols in both slots from..end, of active grids, and
 * every active grid in scope.  The grid-days of every grid, less those of
 * the few grids closed since: no lookup of a grid for each patrol.
 */
static int patrol_days(struct db *db, const struct actor *a, const struct figures_filter *f,
		       const char *from, const char *end, int64_t *compliant, int64_t *grids,
		       struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	int64_t closed = 0;
	int ret;

	if (patrol_cells_sum(db, a, f, "days", from, end, 0, compliant, err) ||
	    patrol_cells_sum(db, a, f, "days", from, end, 1, &closed, err))
		return -1;
	*compliant -= closed;
	/* the grids: regions of level grid, placed as the patrols are (district, township, grid) */
	strbuf_addstr(&sql, "SELECT COUNT(*) FROM regions t WHERE t.level = 'grid' AND t.active = 1");
	if (a->district) {
		strbuf_addstr(&sql, " AND t.district = ?");
		sqlp_text(&p, a->district);
	} else if (a->role == ROLE_REGION) {
		/* an office above the districts: the grids of the districts under it */
		strbuf_addstr(&sql, " AND t.district IN (" SCOPE_REGION_DISTRICTS ")");
		sqlp_text(&p, a->region ? a->region : "");
		sqlp_text(&p, a->region ? a->region : "");
	}
	if (a->role == ROLE_TOWNSHIP || a->role == ROLE_GRID) {
		strbuf_addstr(&sql, " AND t.township = ?");
		sqlp_text(&p, a->township ? a->township : "");
	}
	if (a->role == ROLE_GRID && a->village) {
		/* a village auxiliary officer (驻村辅警): the grids of its village */
		strbuf_addstr(&sql, " AND t.parent = ?");
		sqlp_text(&p, a->village);
	} else if (a->role == ROLE_GRID) {
		strbuf_addstr(&sql, " AND t.code = ?");
		sqlp_text(&p, a->grid ? a->grid : "");
	}
	if (f && f->township) {
		strbuf_addstr(&sql, " AND t.township = ?");
		sqlp_text(&p, f->township);
	}
	ret = sqlp_aggregate(db, sql.buf, &p, grids, 1, err);
	sqlp_release(&p);
	strbuf_release(&sql);
	return ret;
}

/* One village's assignment of `table` (`cond` on alias x) active on the day (two parameters). */
#define ASSIGNED(table, cond) "COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM " table " x WHERE " \
	"x.village = t.village AND " cond " AND x.\"from\" <= ? AND (x.\"to\" IS NULL OR " \
	"x.\"to\" >= ?)) THEN 1 ELSE 0 END), 0)"

/*
 * Villages (+ communities) on the list in `month`, and of them those with an
 * auxiliary police officer, and those with a cadre, assigned to their
 * village on `day`: n[0..2], in one pass over the villages.
 */
static int villages_covered(struct db *db, const struct actor *a, const struct figures_filter *f,
			    const char *month, const char *day, int64_t n[3], struct strbuf *err)
{
	struct sqlp p = SQLP_INIT;
	int k;

	for (k = 0; k < 4; k++)
		sqlp_text(&p, day);
	sqlp_text(&p, month);
	sqlp_text(&p, month);
	return grass_aggregate(db, &subject_desc, "COUNT(*), " ASSIGNED("police_assignments",
			       "x.kind = 'auxiliary'") ", " ASSIGNED("cadre_assignments", "1 = 1"),
			       "t.kind IN ('village', 'community') AND t.active_from <= ? AND "
			       "(t.active_to IS NULL OR t.active_to >= ?)", &p, a, f, n, 3, err);
}

/* The first day of `through`'s year, its last day, and the last day counted (not after today). */
static void grass_days(const char *through, char from[16], char to[16], char end[16])
{
	int y = atoi(through), m = atoi(through + 5);

	snprintf(from, 16, "%04d-01-01", y % 10000);
	snprintf(to, 16, "%04d-%02d-%02d", y % 10000, m % 100, date_days_in_month(y, m) % 100);
	date_today(end);
	if (strcmp(to, end) < 0)
		snprintf(end, 16, "%s", to);
}

#define CAN(ed) (!sector && entity_can_read(&(ed), a))

int grass_tally(struct db *db, const struct actor *a, const char *through,
		const struct figures_filter *f, struct work_tally *t, struct strbuf *err)
{
	int64_t *v = t->v, net[2] = { 0, 0 };
	char from[16], to[16], end[16], first[16];
	int sector = f && f->supervisor;
	struct sqlp p = SQLP_INIT;

	grass_days(through, from, to, end);
	snprintf(first, sizeof(first), "%.7s", from);
	if (CAN(patrol_desc)) {
		if (patrol_cells_sum(db, a, f, "patrols", from, to, 0, &v[WT_PATROLS], err) ||
		    patrol_days(db, a, f, from, end, &v[WT_PATROL_DAYS], &v[WT_GRIDS], err))
			return -1;
	}
	if (CAN(household_visit_desc)) {
		sqlp_text(&p, from);
		sqlp_text(&p, to);
		if (grass_aggregate(db, &household_visit_desc, "COUNT(*)",
				    "t.visited_on >= ? AND t.visited_on <= ?", &p, a, f, &v[WT_VISITS],
				    1, err))
			return -1;
	}
	if (CAN(police_assignment_desc) &&
	    villages_covered(db, a, f, through, to, &v[WT_VILLAGES], err))
		return -1;
	if (CAN(police_subsidy_desc)) {
		sqlp_text(&p, first);
		sqlp_text(&p, through);
		sqlp_text(&p, to);
		if (grass_aggregate(db, &police_subsidy_desc, "COALESCE(SUM(t.amount), 0)",
				    "t.month >= ? AND t.month <= ? AND t.paid_on IS NOT NULL AND "
				    "t.paid_on <= ?", &p, a, f, &v[WT_SUBSIDY_PAID], 1, err))
			return -1;
	}
	if (CAN(police_assignment_desc)) {
		/* officers in post on D, and those whose informants on D are of five industries */
		sqlp_text(&p, to);
		sqlp_text(&p, to);
		sqlp_text(&p, to);
		sqlp_text(&p, to);
		if (grass_aggregate(db, &police_assignment_desc,
				    "COUNT(DISTINCT t.police_no), COUNT(DISTINCT CASE WHEN (SELECT "
				    "COUNT(DISTINCT i.industry) FROM informants i WHERE i.officer = "
				    "t.police_no AND i.\"from\" <= ? AND (i.\"to\" IS NULL OR "
				    "i.\"to\" >= ?)) >= 5 THEN t.police_no END)",
				    "t.kind = 'officer' AND t.\"from\" <= ? AND (t.\"to\" IS NULL OR "
				    "t.\"to\" >= ?)", &p, a, f, net, 2, err))
			return -1;
		v[WT_OFFICERS] = net[0];
		v[WT_OFFICERS_NETWORK] = net[1];
	}
	return 0;
}

void grass_tally_json(const struct actor *a, const char *through, const struct figures_filter *f,
		      const struct work_tally *t, json_t *out)
{
	const int64_t *v = t->v;
	char from[16], to[16], end[16];
	int sector = f && f->supervisor;
	int64_t days;

	grass_days(through, from, to, end);
	days = strcmp(end, from) < 0 ? 0 : date_days(end) - date_days(from) + 1;
#define SET(id, x) json_object_set_new(out, figure_keys[id].key, (x))
#define COUNT(ed, n) (CAN(ed) ? json_integer(n) : json_null())
#define RATE(ed, num, den) (CAN(ed) ? rate_json(num, den) : json_null())
	SET(FIG_PATROLS, COUNT(patrol_desc, v[WT_PATROLS]));
	SET(FIG_PATROL_COMPLIANCE_RATE, RATE(patrol_desc, v[WT_PATROL_DAYS], v[WT_GRIDS] * days));
	SET(FIG_HOUSEHOLD_VISITS, COUNT(household_visit_desc, v[WT_VISITS]));
	SET(FIG_VILLAGE_POLICE_RATE,
	    RATE(police_assignment_desc, v[WT_VILLAGES_POLICE], v[WT_VILLAGES]));
	SET(FIG_POLICE_SUBSIDY_PAID, CAN(police_subsidy_desc) ?
	    json_real((double)v[WT_SUBSIDY_PAID] / 100.0) : json_null());
	SET(FIG_INFORMANT_NETWORK_RATE,
	    RATE(police_assignment_desc, v[WT_OFFICERS_NETWORK], v[WT_OFFICERS]));
	SET(FIG_CADRE_VILLAGE_RATE,
	    RATE(police_assignment_desc, v[WT_VILLAGES_CADRE], v[WT_VILLAGES]));
}
