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

#include <stdio.h>
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
 * Grid-days from..end of the patrols in scope with patrols in both slots
 * (a slot is `am` or `pm`).  Of every grid, grouped in the order of
 * patrols_place_day (district, township, grid, day, slot: migration 023)
 * so that the grouping reads that index alone, and only the caller's part
 * of it; a grid's township and district are its own, so the groups are the
 * grid-days.  Both slots: COUNT(DISTINCT) on SQLite, which counts the
 * index's ordered slots without a sort; the least am and the greatest pm
 * on PostgreSQL, where COUNT(DISTINCT) sorts every group.  `inactive`: only
 * those of the grids no longer active (regions.active = 0), from the
 * regions (few; CROSS JOIN keeps them first on SQLite) through
 * patrols_grid_date_slot.
 */
static int compliant_days(struct db *db, const struct actor *a, const struct figures_filter *f,
			  const char *from, const char *end, int inactive, int64_t *n,
			  struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	int ret;

	if (inactive)
		strbuf_addstr(&sql, "SELECT COUNT(*) FROM (SELECT t.grid FROM regions g "
			      "CROSS JOIN patrols t WHERE g.active <> 1 AND t.grid = g.code AND ");
	else
		strbuf_addstr(&sql, "SELECT COUNT(*) FROM (SELECT t.grid FROM patrols t WHERE ");
	strbuf_addstr(&sql, "t.patrolled_on >= ? AND t.patrolled_on <= ?");
	sqlp_text(&p, from);
	sqlp_text(&p, end);
	grass_scope(&patrol_desc, a, f, &sql, &p);
	strbuf_addstr(&sql, inactive ? " GROUP BY t.grid, t.patrolled_on" :
				       " GROUP BY t.district, t.township, t.grid, t.patrolled_on");
	strbuf_addstr(&sql, db_dialect(db) == DB_SQLITE ? " HAVING COUNT(DISTINCT t.slot) = 2) x" :
			    " HAVING MIN(t.slot) = 'am' AND MAX(t.slot) = 'pm') x");
	ret = sqlp_aggregate(db, sql.buf, &p, n, 1, err);
	sqlp_release(&p);
	strbuf_release(&sql);
	return ret;
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

	if (compliant_days(db, a, f, from, end, 0, compliant, err) ||
	    compliant_days(db, a, f, from, end, 1, &closed, err))
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

/* Villages (+ communities) on the list in `month`, and of them those with a row of
 * `table` (an assignment: `cond` on alias x) for their village active on `day`. */
static int villages_with(struct db *db, const struct actor *a, const struct figures_filter *f,
			 const char *table, const char *cond, const char *month, const char *day,
			 int64_t n[2], struct strbuf *err)
{
	struct strbuf select = STRBUF_INIT, where = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	int ret;

	strbuf_addf(&select, "COUNT(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM %s x "
		    "WHERE x.village = t.village AND %s AND x.\"from\" <= ? AND "
		    "(x.\"to\" IS NULL OR x.\"to\" >= ?)) THEN 1 ELSE 0 END), 0)", table, cond);
	sqlp_text(&p, day);
	sqlp_text(&p, day);
	strbuf_addstr(&where, "t.kind IN ('village', 'community') AND t.active_from <= ? AND "
		      "(t.active_to IS NULL OR t.active_to >= ?)");
	sqlp_text(&p, month);
	sqlp_text(&p, month);
	ret = grass_aggregate(db, &subject_desc, select.buf, where.buf, &p, a, f, n, 2, err);
	strbuf_release(&select);
	strbuf_release(&where);
	return ret;
}

int grass_figures_add(struct db *db, const struct actor *a, const char *through,
		      const struct figures_filter *f, json_t *out, struct strbuf *err)
{
	int64_t patrols = 0, visits = 0, compliant = 0, grids = 0, police[2] = { 0, 0 },
		cadres[2] = { 0, 0 }, paid = 0, net[2] = { 0, 0 }, days;
	char from[16], to[16], end[16], first[16];
	int y, m, sector = f && f->supervisor;
	struct sqlp p = SQLP_INIT;

	if (month_parse(through, &y, &m))
		return -1;
	snprintf(from, sizeof(from), "%04d-01-01", y % 10000);
	snprintf(first, sizeof(first), "%04d-01", y % 10000);
	snprintf(to, sizeof(to), "%04d-%02d-%02d", y % 10000, m % 100,
		 date_days_in_month(y, m) % 100);
	date_today(end);
	if (strcmp(to, end) < 0)
		snprintf(end, sizeof(end), "%s", to);
	days = strcmp(end, from) < 0 ? 0 : date_days(end) - date_days(from) + 1;
#define CAN(ed) (!sector && entity_can_read(&(ed), a))
	if (CAN(patrol_desc)) {
		sqlp_text(&p, from);
		sqlp_text(&p, to);
		if (grass_aggregate(db, &patrol_desc, "COUNT(*)",
				    "t.patrolled_on >= ? AND t.patrolled_on <= ?", &p, a, f, &patrols, 1,
				    err) ||
		    patrol_days(db, a, f, from, end, &compliant, &grids, err))
			return -1;
	}
	if (CAN(household_visit_desc)) {
		sqlp_text(&p, from);
		sqlp_text(&p, to);
		if (grass_aggregate(db, &household_visit_desc, "COUNT(*)",
				    "t.visited_on >= ? AND t.visited_on <= ?", &p, a, f, &visits, 1, err))
			return -1;
	}
	if (CAN(police_assignment_desc) &&
	    (villages_with(db, a, f, "police_assignments", "x.kind = 'auxiliary'", through, to,
			   police, err) ||
	     villages_with(db, a, f, "cadre_assignments", "1 = 1", through, to, cadres, err)))
		return -1;
	if (CAN(police_subsidy_desc)) {
		sqlp_text(&p, first);
		sqlp_text(&p, through);
		sqlp_text(&p, to);
		if (grass_aggregate(db, &police_subsidy_desc, "COALESCE(SUM(t.amount), 0)",
				    "t.month >= ? AND t.month <= ? AND t.paid_on IS NOT NULL AND "
				    "t.paid_on <= ?", &p, a, f, &paid, 1, err))
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
	}
#define SET(id, v) json_object_set_new(out, figure_keys[id].key, (v))
#define COUNT(ed, n) (CAN(ed) ? json_integer(n) : json_null())
#define RATE(ed, num, den) (CAN(ed) ? rate_json(num, den) : json_null())
	SET(FIG_PATROLS, COUNT(patrol_desc, patrols));
	SET(FIG_PATROL_COMPLIANCE_RATE, RATE(patrol_desc, compliant, grids * days));
	SET(FIG_HOUSEHOLD_VISITS, COUNT(household_visit_desc, visits));
	SET(FIG_VILLAGE_POLICE_RATE, RATE(police_assignment_desc, police[1], police[0]));
	SET(FIG_POLICE_SUBSIDY_PAID,
	    CAN(police_subsidy_desc) ? json_real((double)paid / 100.0) : json_null());
	SET(FIG_INFORMANT_NETWORK_RATE, RATE(police_assignment_desc, net[1], net[0]));
	SET(FIG_CADRE_VILLAGE_RATE, RATE(police_assignment_desc, cadres[1], cadres[0]));
	return 0;
}
