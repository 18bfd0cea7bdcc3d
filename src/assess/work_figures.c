/*
 * work_figures.c: the work figures (see work_figures.h), one set-wise
 * query per list.  Dates decide, not statuses: a task is done by D when
 * its done_on <= D, a problem rectified by D when its rectified_on <= D;
 * an item is overdue at the end of M when its due date (deadline) is on or
 * before M's last day and it was not done (rectified) on or before that
 * day.  Cancelled tasks count in none of the task figures.  The rows are
 * limited by scope_where() on the lists' own descriptors (a department:
 * the tasks it owns or co-owns, the problems assigned to it; a township:
 * those in it; checks and meetings: the district's), and by the filter as
 * the scope of a township or department of that code would be.
 */
#include "assess/work_figures.h"
#include "assess/work_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/figure_keys.h"
#include "assess/figures.h"
#include "base/date.h"
#include "base/strbuf.h"
#include "db/sqlp.h"
#include "model/entities.h"
#include "model/scope.h"

/*
 * Append the scope of `a` over `ed` (alias t) and, for a list placed by
 * township and owner (`filtered`), the filter's township and department.
 */
static void work_scope(const struct entity_desc *ed, const struct actor *a,
		       const struct figures_filter *f, int filtered, struct strbuf *sql,
		       struct sqlp *p)
{
	struct actor by;

	scope_where(ed, a, "t", sql, p);
	if (!filtered || !f)
		return;
	if (f->township) {
		memset(&by, 0, sizeof(by));
		by.role = ROLE_TOWNSHIP;
		by.district = a->district;
		by.township = f->township;
		scope_where(ed, &by, "t", sql, p);
	}
	if (f->supervisor) {
		memset(&by, 0, sizeof(by));
		by.role = ROLE_SUPERVISOR;
		by.district = a->district;
		by.dept = f->supervisor;
		scope_where(ed, &by, "t", sql, p);
	}
}

/*
 * Items of `ed` dated (`date`) from..to, how many of them finished
 * (`finished` <= to) and how many overdue (`due` <= to, not finished by
 * to), into n[0..2]; `extra`: a further condition on the rows, or NULL.
 */
static int work_items(struct db *db, const struct entity_desc *ed, const char *date,
		      const char *finished, const char *due, const char *extra,
		      const struct actor *a, const struct figures_filter *f, const char *from,
		      const char *to, int64_t n[3], struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	int ret;

	strbuf_addf(&sql,
		    "SELECT COUNT(*), "
		    "COALESCE(SUM(CASE WHEN t.%s <= ? THEN 1 ELSE 0 END), 0), "
		    "COALESCE(SUM(CASE WHEN t.%s <= ? AND (t.%s IS NULL OR t.%s > ?) "
		    "THEN 1 ELSE 0 END), 0) FROM %s t WHERE t.%s >= ? AND t.%s <= ?",
		    finished, due, finished, finished, ed->table, date, date);
	sqlp_text(&p, to);
	sqlp_text(&p, to);
	sqlp_text(&p, to);
	sqlp_text(&p, from);
	sqlp_text(&p, to);
	if (extra)
		strbuf_addf(&sql, " AND %s", extra);
	work_scope(ed, a, f, 1, &sql, &p);
	ret = sqlp_aggregate(db, sql.buf, &p, n, 3, err);
	sqlp_release(&p);
	strbuf_release(&sql);
	return ret;
}

/* Records of district-wide list `ed` dated (`date`) from..to, into *n. */
static int work_dated(struct db *db, const struct entity_desc *ed, const char *date,
		      const struct actor *a, const char *from, const char *to, int64_t *n,
		      struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	int ret;

	strbuf_addf(&sql, "SELECT COUNT(*) FROM %s t WHERE t.%s >= ? AND t.%s <= ?", ed->table,
		    date, date);
	sqlp_text(&p, from);
	sqlp_text(&p, to);
	work_scope(ed, a, NULL, 0, &sql, &p);
	ret = sqlp_aggregate(db, sql.buf, &p, n, 1, err);
	sqlp_release(&p);
	strbuf_release(&sql);
	return ret;
}

int work_tally_live(struct db *db, const struct actor *a, const char *through,
		    const struct figures_filter *f, struct work_tally *t, struct strbuf *err)
{
	int64_t *v = t->v;
	char from[16], to[16]; /* YYYY-MM-DD, with room the compiler can see */
	int y = atoi(through), m = atoi(through + 5);

	snprintf(from, sizeof(from), "%04d-01-01", y % 10000);
	snprintf(to, sizeof(to), "%04d-%02d-%02d", y % 10000, m % 100,
		 date_days_in_month(y, m) % 100);
	if (work_items(db, &task_desc, "assigned_on", "done_on", "due_on",
		       "t.status <> 'cancelled'", a, f, from, to, &v[WT_TASKS], err) ||
	    work_items(db, &problem_desc, "found_on", "rectified_on", "deadline", NULL, a, f, from,
		       to, &v[WT_PROBLEMS], err) ||
	    work_dated(db, &check_desc, "checked_on", a, from, to, &v[WT_CHECKS], err) ||
	    work_dated(db, &meeting_desc, "held_on", a, from, to, &v[WT_MEETINGS], err))
		return -1;
	return grass_tally(db, a, through, f, t, err);
}

void work_tally_json(const struct actor *a, const char *through, const struct figures_filter *f,
		     const struct work_tally *t, json_t *out)
{
	static const struct {
		enum figure_id id;
		enum work_count n;
	} counts[] = {
		{ FIG_TASKS_ASSIGNED, WT_TASKS }, { FIG_TASKS_DONE, WT_TASKS_DONE },
		{ FIG_TASKS_OVERDUE, WT_TASKS_OVERDUE }, { FIG_PROBLEMS_FOUND, WT_PROBLEMS },
		{ FIG_PROBLEMS_RECTIFIED, WT_PROBLEMS_RECTIFIED },
		{ FIG_PROBLEMS_OVERDUE, WT_PROBLEMS_OVERDUE },
		{ FIG_SUPERVISION_CHECKS, WT_CHECKS }, { FIG_COORDINATION_MEETINGS, WT_MEETINGS },
	};
	size_t i;

	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		json_object_set_new(out, figure_keys[counts[i].id].key,
				    json_integer(t->v[counts[i].n]));
	grass_tally_json(a, through, f, t, out);
}

int work_figures_add(struct db *db, const struct actor *a, const char *through,
		     const struct figures_filter *f, json_t *out, struct strbuf *err)
{
	struct work_tally t = { { 0 } };
	int y, m;

	if (month_parse(through, &y, &m))
		return -1;
	if (work_cache_applies(a, f) ? work_cache_tally(db, a, NULL, through, &t, err) :
	    work_tally_live(db, a, through, f, &t, err))
		return -1;
	work_tally_json(a, through, f, &t, out);
	return 0;
}
