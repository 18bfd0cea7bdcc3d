/*
 * work_cache.c: the work and grassroots counts (work_int.h) of an office
 * above the districts — a city's, a province's, the system's for the
 * country — as the sum of its districts' own.
 *
 * Counted live over every district of a province, they were most of the
 * time of its figures (the villages' police and cadre rates ask, per
 * village on the list, for an assignment), and a country's would take
 * seconds.  So each district's counts, as its own office counts them, are
 * kept in work_cache by month counted through (and the last month counted,
 * which today may cut short), at the district's *work version*
 * (work_versions); every write of a list they count (work_observe_writes)
 * moves its district's version on, in the write's transaction, and a read
 * counts again only the districts whose version moved — a write is one
 * statement more, a read after writes in k districts counts k districts.
 *
 * The version is read before the lists: a write that lands between the two
 * is then counted under the older version, and counted again next time;
 * never the other way round (old counts under the new version).
 *
 * A district's own office, and everyone below it, count live: a district's
 * lists are few and indexed by district, and its filters (township,
 * department) are not kept.  The district's office view is the one a city
 * sums: tests/api/work_cache.test.mjs holds the sum to the offices' own.
 */
#include "assess/work_figures.h"
#include "assess/work_int.h"
#include "assess/assess_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/figures.h"
#include "base/alloc.h"
#include "base/date.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "db/sqlp.h"
#include "model/entities.h"
#include "model/entity.h"
#include "model/lookup_cache.h"
#include "model/scope.h"

int work_cache_applies(const struct actor *a, const struct figures_filter *f)
{
	return (a->role == ROLE_REGION || a->role == ROLE_SYSTEM) && !a->district &&
	       (!f || (!f->township && !f->supervisor));
}

/* The last month counted through `through`: `through`, or today's month if earlier. */
static void counted_upto(const char *through, char upto[8])
{
	char today[16];

	date_today(today);
	snprintf(upto, 8, "%.7s", strncmp(today, through, 7) < 0 ? today : through);
}

/* Counts `s` ("n,n,…", as stored) added to `t`; 0, or -1 when `s` is not that. */
static int tally_add_text(struct work_tally *t, const char *s)
{
	int64_t v[WT__COUNT];
	char *end;
	int i;

	for (i = 0; i < WT__COUNT; i++) {
		v[i] = strtoll(s, &end, 10);
		if (end == s || *end != (i == WT__COUNT - 1 ? '\0' : ','))
			return -1;
		s = end + 1;
	}
	for (i = 0; i < WT__COUNT; i++)
		t->v[i] += v[i];
	return 0;
}

struct stale_district {
	char *code;
	char version[24];
};

/*
 * The districts counted — `district`, or those of a's scope — with the counts
 * kept of each, and whether it is external (exchange): an external
 * district's counts are its packages' (version -1, work_cache_put_external()),
 * never counted here, where its lists are not; a month it has not reported
 * counts nothing of it.
 */
static void districts_sql(const struct actor *a, const char *district, const char *through,
			  const char *upto, struct strbuf *sql, struct sqlp *p)
{
	strbuf_addstr(sql, "SELECT r.code, COALESCE(v.version, 0), c.tally, CASE WHEN x.district "
		      "IS NULL THEN 0 ELSE 1 END FROM regions r LEFT JOIN work_versions v ON "
		      "v.district = r.code LEFT JOIN exchange_districts x ON x.district = r.code "
		      "LEFT JOIN work_cache c ON c.district = r.code AND c.through = ? AND c.upto = ? "
		      "AND c.version = CASE WHEN x.district IS NULL THEN COALESCE(v.version, 0) "
		      "ELSE -1 END WHERE r.level = 'district'");
	sqlp_text(p, through);
	sqlp_text(p, upto);
	if (district) {
		strbuf_addstr(sql, " AND r.code = ?");
		sqlp_text(p, district);
	} else if (a->role == ROLE_REGION) {
		strbuf_addstr(sql, " AND r.code IN (" SCOPE_REGION_DISTRICTS ")");
		sqlp_text(p, a->region ? a->region : "");
		sqlp_text(p, a->region ? a->region : "");
	} /* the system: every district */
}

/* Keep counts `t` of `district` through `through` (up to `upto`) at `version`. */
static int cache_put(struct db *db, const char *district, const char *through, const char *upto,
		     const char *version, const struct work_tally *t, struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;
	int i, rc;

	for (i = 0; i < WT__COUNT; i++)
		strbuf_addf(&text, "%s%" PRId64, i ? "," : "", t->v[i]);
	rc = db_exec_params(db, "INSERT INTO work_cache (district, through, upto, version, tally) "
			    "VALUES (?, ?, ?, CAST(? AS BIGINT), ?) ON CONFLICT (district, through, "
			    "upto) DO UPDATE SET version = excluded.version, tally = excluded.tally",
			    (const char *[]){ district, through, upto, version, text.buf }, 5, err);
	strbuf_release(&text);
	return rc ? -1 : 0;
}

/* District `s` counted as its office counts it, kept, and added to `t`. */
static int count_district(struct db *db, const struct actor *a, const struct stale_district *s,
			  const char *through, const char *upto, struct work_tally *t,
			  struct strbuf *err)
{
	struct work_tally one = { { 0 } };
	struct actor office = *a;
	int i;

	office.role = ROLE_OFFICE;
	office.district = s->code;
	office.region = NULL;
	if (work_tally_live(db, &office, through, NULL, &one, err))
		return -1;
	for (i = 0; i < WT__COUNT; i++)
		t->v[i] += one.v[i];
	return cache_put(db, s->code, through, upto, s->version, &one, err);
}

json_t *work_tally_array(const struct work_tally *t)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < WT__COUNT; i++)
		json_array_append_new(a, json_integer(t->v[i]));
	return a;
}

int work_tally_from_array(const json_t *a, struct work_tally *t)
{
	int i;

	if (!json_is_array(a) || json_array_size(a) != WT__COUNT)
		return -1;
	for (i = 0; i < WT__COUNT; i++) {
		const json_t *v = json_array_get(a, i);
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return -1;
		t->v[i] = json_integer_value(v);
	}
	return 0;
}

int work_cache_put_external(struct db *db, const char *district, const char *month,
			    const struct work_tally *t, struct strbuf *err)
{
	return cache_put(db, district, month, month, "-1", t, err);
}

int work_cache_tally(struct db *db, const struct actor *a, const char *district,
		     const char *through, struct work_tally *t, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct stale_district *stale = NULL;
	size_t n = 0, alloc = 0, i;
	struct db_stmt *st;
	char upto[8];
	int rc, in_tx = 0;

	counted_upto(through, upto);
	districts_sql(a, district, through, upto, &sql, &p);
	if (db_prepare(db, sql.buf, &st, err)) {
		sqlp_release(&p);
		strbuf_release(&sql);
		return -1;
	}
	sqlp_bind(&p, st, 1);
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *kept = db_column_text(st, 2);
		if (kept && !tally_add_text(t, kept))
			continue;
		if (db_column_int64(st, 3))
			continue; /* external, and not reported through that month */
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			stale = xrealloc(stale, alloc * sizeof(*stale));
		}
		stale[n].code = xstrdup(db_column_text(st, 0));
		snprintf(stale[n].version, sizeof(stale[n].version), "%s", db_column_text(st, 1));
		n++;
	}
	db_finalize(st);
	rc = rc < 0 ? -1 : 0;
	/* the districts whose lists changed since: counted again, in one transaction */
	if (!rc && n && !(rc = db_begin(db, err) ? -1 : 0))
		in_tx = 1;
	for (i = 0; !rc && i < n; i++)
		rc = count_district(db, a, &stale[i], through, upto, t, err);
	if (in_tx && (rc || db_commit(db, err))) {
		db_rollback(db);
		rc = -1;
	}
	for (i = 0; i < n; i++)
		free(stale[i].code);
	free(stale);
	sqlp_release(&p);
	strbuf_release(&sql);
	return rc;
}

/* ---- the counts a district reports upward (exchange) ---- */

int work_counts_export(struct db *db, const char *district, const char *month, json_t **out,
		       struct strbuf *err)
{
	struct actor a;
	char m[8], next[8];

	actor_office_of(&a, district);
	*out = json_object();
	for (snprintf(m, sizeof(m), "%.4s-01", month); strcmp(m, month) <= 0;
	     snprintf(m, sizeof(m), "%s", next)) {
		struct work_tally t = { { 0 } };
		if (work_tally_live(db, &a, m, NULL, &t, err) || month_add(m, 1, next)) {
			json_decref(*out);
			*out = NULL;
			return -1;
		}
		json_object_set_new(*out, m, work_tally_array(&t));
	}
	return 0;
}

int work_counts_check(const json_t *work, const char *district, const char *month,
		      const json_t *figures, struct strbuf *why)
{
	struct work_tally t = { { 0 } };
	struct actor a;
	const char *m, *key;
	json_t *v, *mine;
	char jan[8];

	if (!json_is_object(work)) {
		strbuf_addstr(why, "work：应为对象");
		return -1;
	}
	snprintf(jan, sizeof(jan), "%.4s-01", month);
	json_object_foreach((json_t *)work, m, v) {
		struct work_tally one;
		if (!month_valid(m) || strcmp(m, jan) < 0 || strcmp(m, month) > 0 ||
		    work_tally_from_array(v, &one)) {
			strbuf_addf(why, "work.%s：应为 %s..%s 的月份，各 %d 个非负整数", m, jan, month,
				    WT__COUNT);
			return -1;
		}
	}
	/* the work figures of the month must follow from its counts, as the cells' do */
	if (work_tally_from_array(json_object_get(work, month), &t)) {
		strbuf_addf(why, "work.%s：缺少该月的数", month);
		return -1;
	}
	actor_office_of(&a, district);
	mine = json_object();
	work_tally_json(&a, month, NULL, &t, mine);
	json_object_foreach(mine, key, v) {
		if (!figure_values_equal(v, json_object_get(figures, key))) {
			char *want = json_dumps(v, JSON_ENCODE_ANY), *got = json_dumps(
				json_object_get(figures, key), JSON_ENCODE_ANY);
			strbuf_addf(why, "figures.%s does not follow from the work counts (%s, not %s)",
				    key, want ? want : "?", got ? got : "?");
			free(want);
			free(got);
			json_decref(mine);
			return -1;
		}
	}
	json_decref(mine);
	return 0;
}

int work_counts_import(struct db *db, const char *district, const json_t *work,
		       struct strbuf *err)
{
	const char *m;
	json_t *v;

	json_object_foreach((json_t *)work, m, v) {
		struct work_tally t;
		if (work_tally_from_array(v, &t) || work_cache_put_external(db, district, m, &t, err))
			return -1;
	}
	return 0;
}

/* ---- the work version, moved by the writes ---- */

/* Is `ed` a list the work or grassroots figures count (work_figures.c, grass_figures.c)? */
static int counted_by_work(const struct entity_desc *ed)
{
	static const struct entity_desc *const lists[] = {
		&task_desc, &problem_desc, &check_desc, &meeting_desc, &patrol_desc,
		&household_visit_desc, &police_assignment_desc, &cadre_assignment_desc,
		&police_subsidy_desc, &informant_desc, &subject_desc, &region_desc,
	};
	size_t i;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		if (ed == lists[i])
			return 1;
	return 0;
}

/* Move the work version of the district of `r` on (once per bulk operation). */
static int bump_district_of(const struct model_ctx *mc, const struct record *r,
			    struct model_error *e)
{
	struct strbuf key = STRBUF_INIT;
	const char *d = r && r->ed->scope.district ? record_get(r, r->ed->scope.district) : NULL;
	const char *v;
	int rc = 0;

	if (!d)
		return 0;
	strbuf_addf(&key, "work\x1f%s", d);
	if (!mc->cache || !lookup_cache_value(mc->cache, key.buf, &v)) {
		rc = assess_version_bump(mc->db, "work_versions", d, &e->msg);
		if (!rc && mc->cache)
			lookup_cache_put_value(mc->cache, key.buf, "1");
	}
	strbuf_release(&key);
	return rc ? model_fail(e, MODEL_EDB, NULL, "数据库错误") : 0;
}

static int work_stored(const struct model_ctx *mc, const struct record *r,
		       const struct record *old, struct model_error *e)
{
	if (!counted_by_work(r->ed))
		return 0;
	return bump_district_of(mc, r, e) ||
	       (old && record_values_differ(record_get(r, r->ed->scope.district),
					    record_get(old, r->ed->scope.district)) &&
		bump_district_of(mc, old, e)) ? -1 : 0;
}

static const struct write_observer work_versions = {
	.name = "work", .stored = work_stored,
};

void work_observe_writes(void)
{
	model_observe(&work_versions);
}
