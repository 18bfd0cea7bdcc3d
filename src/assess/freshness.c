/*
 * freshness.c: what a write of a record means to the determination and the
 * figures, as a write observer of the model (model_observe()):
 *
 *  - before: a published month is locked, with its list and its events
 *    (list_locked, events_locked): a write that would change what the
 *    published determination counted is refused until the office reopens
 *    the month;
 *  - around the row's write: the determinations and the figure cells
 *    already computed follow it by difference, in the write's transaction
 *    (keep_storing, keep_stored): what the row counted is taken out of the
 *    cells before it changes and what it counts is added after, and the
 *    determination of the subjects and months it touches is computed again
 *    — only when it changed does the list's part of the cells move too.
 *    So a read after a write finds its months fresh and recomputes nothing.
 *
 * The write path calls these for every record it stores and knows nothing
 * of them.  Which fields count is the descriptors' (FF_COUNTED, ENT_ASSESS,
 * ENT_FIGURES, month_from/month_to); the district is the descriptor's scope
 * column.
 */
#include "assess/assess.h"
#include "assess/assess_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/cells.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "model/entities.h"
#include "model/entity.h"
#include "model/lookup_cache.h"

/* The district of record `r` (its descriptor's scope column), or NULL. */
static const char *district_of(const struct record *r)
{
	return r && r->ed->scope.district ? record_get(r, r->ed->scope.district) : NULL;
}

/* The published months of `district`, each followed by ',' (once per bulk operation). */
static int published_months(const struct model_ctx *mc, const char *district, struct strbuf *out,
			    struct model_error *e)
{
	struct strbuf key = STRBUF_INIT;
	struct db_stmt *st;
	const char *v;
	int rc;

	strbuf_addf(&key, "published\x1f%s", district);
	if (mc->cache && lookup_cache_value(mc->cache, key.buf, &v)) {
		strbuf_addstr(out, v ? v : "");
		strbuf_release(&key);
		return 0;
	}
	if (db_prepare(mc->db, "SELECT month FROM assess_months WHERE district = ? AND published = 1",
		       &st, &e->msg)) {
		strbuf_release(&key);
		return -1;
	}
	db_bind_text(st, 1, district);
	while ((rc = db_step(st, &e->msg)) == DB_ROW)
		strbuf_addf(out, "%s,", db_column_text(st, 0));
	db_finalize(st);
	if (rc >= 0 && mc->cache)
		lookup_cache_put_value(mc->cache, key.buf, out->buf);
	strbuf_release(&key);
	return rc < 0 ? -1 : 0;
}

/* Is record `r` (with months month_from..month_to) on the list of `district` in `month`? */
static int on_list(const struct record *r, const char *district, const char *month)
{
	const char *d, *from, *to;

	if (!r || !(d = district_of(r)) || strcmp(d, district))
		return 0;
	from = record_get(r, r->ed->month_from);
	to = record_get(r, r->ed->month_to);
	return from && strcmp(from, month) <= 0 && (!to || strcmp(month, to) <= 0);
}

/*
 * The districts a write of `r` (from `old`) touches — the old one, then the
 * new one when it differs; NULL for none — and the published months of each
 * (published_months()).  0, or MODEL_EDB in `e`.
 */
static int published_both(const struct model_ctx *mc, const struct record *r,
			  const struct record *old, const char *dist[2], struct strbuf months[2],
			  struct model_error *e)
{
	int k;

	dist[0] = district_of(old);
	dist[1] = district_of(r);
	if (dist[0] && dist[1] && !strcmp(dist[0], dist[1]))
		dist[1] = NULL;
	for (k = 0; k < 2; k++)
		if (dist[k] && published_months(mc, dist[k], &months[k], e))
			return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	return 0;
}

/*
 * A published month is locked: a write that changes who is on its list (a
 * subject joining, leaving or changing district in it) is refused until the
 * office reopens the month.
 */
static int list_locked(const struct model_ctx *mc, const struct record *r,
		       const struct record *old, struct model_error *e)
{
	struct strbuf months[2] = { STRBUF_INIT, STRBUF_INIT };
	const char *dist[2], *m;
	int k, ret;

	ret = published_both(mc, r, old, dist, months, e);
	for (k = 0; k < 2 && !ret; k++) {
		for (m = dist[k] ? months[k].buf : ""; *m && !ret; m += 8) {
			char month[8];
			snprintf(month, sizeof(month), "%.7s", m);
			if (on_list(old, dist[k], month) == on_list(r, dist[k], month))
				continue;
			ret = model_fail(e, MODEL_EINVAL,
					 old && !strcmp(record_get(old, r->ed->month_from),
							record_get(r, r->ed->month_from)) ?
					 r->ed->month_to : r->ed->month_from,
					 "%s 的认定已发布，该月的创建清单不能再变；须先由创建办撤销发布", month);
		}
	}
	strbuf_release(&months[0]);
	strbuf_release(&months[1]);
	return ret;
}

/* Is counted date `date` (of field `fd`) in one of `months` ("YYYY-MM," each)?  The refusal. */
static int date_locked(const struct entity_desc *ed, const struct field_desc *fd,
		       const char *date, const char *months, struct model_error *e)
{
	char month[9];

	if (!date || strlen(date) < 7)
		return 0;
	snprintf(month, sizeof(month), "%.7s,", date);
	if (!strstr(months, month))
		return 0;
	month[7] = '\0';
	return model_fail(e, MODEL_ECONFLICT, fd->key,
			  "%s 的认定已发布，该月的%s不能再登记或修改（%s）；"
			  "须先由创建办撤销发布（重新开启该月）", month, ed->label, fd->label);
}

/*
 * A published month is locked with its events: a write is refused when it
 * would change what the determination or the figures counted in it — a
 * record created with a counted date in it, a counted date moved into or
 * out of it, or another counted field changed while any counted date of the
 * record lies in it.  Fields nobody counts (a petition's handling, a
 * hazard's description) stay open, so the work on a record goes on.
 */
static int events_locked(const struct model_ctx *mc, const struct record *r,
			 const struct record *old, struct model_error *e)
{
	const struct entity_desc *ed = r->ed;
	struct strbuf months[2] = { STRBUF_INIT, STRBUF_INIT };
	const char *dist[2];
	int others = !old, k, ret;
	size_t i;

	/* a counted field other than a date changed: every counted date matters */
	for (i = 0; i < ed->nfields && !others; i++)
		others = (ed->fields[i].flags & FF_COUNTED) && ed->fields[i].type != FT_DATE &&
			 record_values_differ(r->val[i], old->val[i]);
	ret = published_both(mc, r, old, dist, months, e);
	for (k = 0; k < 2 && !ret; k++) {
		for (i = 0; dist[k] && months[k].len && i < ed->nfields && !ret; i++) {
			const struct field_desc *fd = &ed->fields[i];
			if (!(fd->flags & FF_COUNTED) || fd->type != FT_DATE)
				continue;
			if (!others && !record_values_differ(r->val[i], old->val[i]))
				continue;
			ret = date_locked(ed, fd, r->val[i], months[k].buf, e);
			if (!ret && old)
				ret = date_locked(ed, fd, old->val[i], months[k].buf, e);
		}
	}
	strbuf_release(&months[0]);
	strbuf_release(&months[1]);
	return ret;
}

/* The locks of a published month, before a record is written. */
static int published_locks(const struct model_ctx *mc, const struct record *r,
			   const struct record *old, struct model_error *e)
{
	const struct entity_desc *ed = r->ed;
	int ret = 0;

	if (ed->month_from && ed->month_to)
		ret = list_locked(mc, r, old, e);
	if (!ret && (ed->flags & (ENT_ASSESS | ENT_FIGURES)))
		ret = events_locked(mc, r, old, e);
	return ret;
}

/* ---- keeping the determinations and the cells ---- */

/*
 * The districts a write of `r` (from `old`) touches, in order of their
 * codes (the order every transaction takes their locks in); NULL for none.
 */
static void districts_of(const struct record *r, const struct record *old, const char *d[2])
{
	d[0] = district_of(old);
	d[1] = district_of(r);
	if (d[0] && d[1] && !strcmp(d[0], d[1]))
		d[1] = NULL;
	if (!d[0] || (d[1] && strcmp(d[1], d[0]) < 0)) {
		const char *t = d[0];
		d[0] = d[1];
		d[1] = t;
	}
}

int assess_lock_district(struct db *db, const char *district, struct strbuf *err)
{
	const char *p[] = { district, district };

	if (db_dialect(db) != DB_POSTGRES)
		return 0;
	return db_exec_params(db, "SELECT pg_advisory_xact_lock(73011, hashtext(CAST(? AS TEXT))), "
			      "pg_advisory_xact_lock(73012, hashtext(CAST(? AS TEXT)))", p, 2, err);
}

/* Is `ed` a list of events the cells count (not the subjects, standards or checklists)? */
static int counted_events(const struct entity_desc *ed)
{
	return (ed->flags & (ENT_ASSESS | ENT_FIGURES)) && ed != &subject_desc &&
	       ed != &standard_desc && ed != &checklist_desc;
}

/* Do `r` and `old` (subjects) differ in what the list and its determination read? */
static int list_differs(const struct record *r, const struct record *old, int *moves)
{
	static const char *const keys[] = { "district", "township", "kind", "active_from",
					    "active_to" };
	size_t i;
	int differs = 0;

	*moves = !old || record_values_differ(record_get(r, "supervisor"),
					      record_get(old, "supervisor"));
	for (i = 0; old && i < sizeof(keys) / sizeof(keys[0]); i++)
		differs |= record_values_differ(record_get(r, keys[i]), record_get(old, keys[i]));
	return !old || differs || *moves;
}

/* What the cells count of `rec` (`old`, or `r` once stored), times `sign`, in each district. */
static int cells_of_record(const struct model_ctx *mc, const struct record *rec,
			   const struct record *r, const struct record *old, int sign,
			   struct model_error *e)
{
	const struct entity_desc *ed = rec->ed;
	const char *d[2];
	int k, moves = 0;
	struct cells_touch t = { 0 };

	if (counted_events(ed)) {
		t.ed = ed;
		t.id = rec->id;
	} else if (ed == &subject_desc) {
		if (!list_differs(r, old, &moves))
			return 0;
		t.subject = record_get(rec, ed->key);
		t.events = moves;
		t.list = 1;
	} else {
		return 0; /* the standards and checklists change the cells through the determination */
	}
	districts_of(r, old, d);
	for (k = 0; k < 2 && d[k]; k++)
		if (cells_add(mc->db, d[k], &t, sign, &e->msg))
			return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	return 0;
}

#define KEPT_ANY "SELECT CASE WHEN EXISTS (" KEPT_MONTHS ") OR EXISTS (" KEPT_CELLS ") " \
	"THEN 1 ELSE 0 END"

/*
 * Does a write of `r` (from `old`) in a bulk operation find nothing kept in
 * its districts — no determination and no cells computed at their versions?
 * Then it has nothing to follow: a district loaded before anyone read it
 * (gen demo, a first import) is computed whole when first read, and its
 * import writes rows, not cells.  Asked once per district and operation; a
 * single write lets its own statements find out.  1, 0, or -1 (`e` set).
 */
static int keeps_nothing(const struct model_ctx *mc, const struct record *r,
			 const struct record *old, struct model_error *e)
{
	struct strbuf key = STRBUF_INIT;
	const char *d[2], *v;
	char *got = NULL;
	int k, none = mc->cache != NULL;

	districts_of(r, old, d);
	for (k = 0; k < 2 && d[k] && none; k++) {
		const char *p[] = { d[k], d[k] };
		strbuf_reset(&key);
		strbuf_addf(&key, "kept\x1f%s", d[k]);
		if (!lookup_cache_value(mc->cache, key.buf, &v)) {
			if (db_query_value(mc->db, KEPT_ANY, p, 2, &got, &e->msg)) {
				strbuf_release(&key);
				return model_fail(e, MODEL_EDB, NULL, "数据库错误");
			}
			lookup_cache_put_value(mc->cache, key.buf, got && atoi(got) ? "1" : "0");
			free(got);
			got = NULL;
			lookup_cache_value(mc->cache, key.buf, &v);
		}
		none = v && !strcmp(v, "0");
	}
	strbuf_release(&key);
	return none;
}

/* Before the row is written: the locks, and what it counted taken out of the cells. */
static int keep_storing(const struct model_ctx *mc, const struct record *r,
			const struct record *old, struct model_error *e)
{
	const char *d[2];
	int k, none;

	if (!(r->ed->flags & (ENT_ASSESS | ENT_FIGURES)))
		return 0;
	districts_of(r, old, d);
	for (k = 0; k < 2 && d[k]; k++)
		if (assess_lock_district(mc->db, d[k], &e->msg))
			return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	if (!old || (none = keeps_nothing(mc, r, old, e)) > 0)
		return 0;
	return none < 0 ? -1 : cells_of_record(mc, old, r, old, -1, e);
}

int assess_keep_subject(struct db *db, const char *district, const char *month,
			const char *subject, int force, struct strbuf *err)
{
	struct determination_was was;
	char year[5];
	struct cells_touch t = { .subject = subject, .list = 1, .year = year, .from = month,
				 .was = &was };
	int rc;

	snprintf(year, sizeof(year), "%.4s", month);
	rc = assess_subject_redetermine(db, district, month, subject, force, &was, err);
	return rc <= 0 ? rc : cells_add(db, district, &t, 1, err);
}

/* The month an event or a checklist `rec` counts in for the determination, or NULL. */
static const char *determined_month(const struct record *rec, char month[8])
{
	const char *v = NULL;
	int dim;

	if (rec->ed == &checklist_desc)
		v = record_get(rec, "month");
	for (dim = 0; dim < DIM__COUNT; dim++)
		if (!strcmp(rec->ed->table, dimension_events[dim][0]))
			v = record_get(rec, dimension_events[dim][2]);
	if (!v || strlen(v) < 7)
		return NULL;
	snprintf(month, 8, "%.7s", v);
	return month;
}

/* The determinations `rec` (an event or checklist, old or new) counts in, kept in place. */
static int redetermine_record(const struct model_ctx *mc, const struct record *rec,
			      const struct record *other, struct strbuf *err)
{
	const char *d = district_of(rec), *s = rec ? record_get(rec, "subject") : NULL;
	char m[8], om[8];

	if (!d || !s || !determined_month(rec, m))
		return 0;
	/* the other version counting in the same place was done already */
	if (other && district_of(other) && !strcmp(district_of(other), d) &&
	    record_get(other, "subject") && !strcmp(record_get(other, "subject"), s) &&
	    determined_month(other, om) && !strcmp(om, m))
		return 0;
	return assess_keep_subject(mc->db, d, m, s, 0, err);
}

/*
 * Could anything fail subject `code` of `district` — a determination of it
 * already, an event, an override, a standard that asks for the checklist?
 * A new subject with none of them complies every month: nothing to compute.
 */
static int may_fail(struct db *db, const char *district, const char *code, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	const char *p[10];
	/* PostgreSQL: the district's partitions alone (migration 028; what counts is of it) */
	const char *in = db_dialect(db) == DB_POSTGRES ? " AND district = ?" : "";
	char *v = NULL;
	int dim, rc, n = 0;

	strbuf_addf(&sql, "SELECT CASE WHEN EXISTS (SELECT 1 FROM determinations WHERE subject = ?%s) "
		    "OR EXISTS (SELECT 1 FROM overrides WHERE subject = ?) OR EXISTS (SELECT 1 "
		    "FROM standards WHERE district = ? AND checklist = 1)", in);
	p[n++] = code;
	if (*in)
		p[n++] = district;
	p[n++] = code;
	p[n++] = district;
	for (dim = 0; dim < DIM__COUNT; dim++) {
		strbuf_addf(&sql, " OR EXISTS (SELECT 1 FROM %s WHERE subject = ?%s)",
			    dimension_events[dim][0], in);
		p[n++] = code;
		if (*in)
			p[n++] = district;
	}
	strbuf_addstr(&sql, " THEN 1 ELSE 0 END");
	rc = db_query_value(db, sql.buf, p, n, &v, err);
	strbuf_release(&sql);
	rc = rc ? -1 : v && atoi(v);
	free(v);
	return rc;
}

/* Every kept month of `district` determined again for the subjects `sel` from `from` on. */
static int redetermine_months(struct db *db, const char *district, const char *from,
			      const struct subject_sel *sel, struct strbuf *err)
{
	struct month_list kept = { 0 };
	size_t i;
	int rc = assess_kept_months(db, district, from, &kept, err);

	for (i = 0; !rc && i < kept.n; i++)
		rc = assess_subjects_compute(db, district, kept.m[i], sel, err);
	month_list_release(&kept);
	return rc;
}

/* A subject stored: its determinations in every district it was or is in, where it may fail. */
static int redetermine_subject(const struct model_ctx *mc, const struct record *r,
			       const struct record *old, struct strbuf *err)
{
	struct subject_sel sel = { .code = record_get(r, r->ed->key) };
	const char *d[2];
	int k, rc = 0, moves;

	if (!list_differs(r, old, &moves))
		return 0;
	districts_of(r, old, d);
	for (k = 0; k < 2 && d[k] && !rc; k++) {
		rc = may_fail(mc->db, d[k], sel.code, err);
		if (rc > 0)
			rc = redetermine_months(mc->db, d[k], "", &sel, err);
	}
	return rc;
}

/*
 * A standard stored: the determination of the subjects of its kind (and of
 * its old kind) from the month it takes effect on, with their list rows.
 */
static int redetermine_standard(const struct model_ctx *mc, const struct record *r,
				const struct record *old, struct strbuf *err)
{
	const char *d = district_of(r), *kinds[2] = { record_get(r, "kind") };
	const char *from = record_get(r, "effective_from");
	int k, rc = 0;

	if (old) {
		kinds[1] = record_get(old, "kind");
		if (kinds[1] && kinds[0] && !strcmp(kinds[0], kinds[1]))
			kinds[1] = NULL;
		if (record_get(old, "effective_from") && (!from ||
		    strcmp(record_get(old, "effective_from"), from) < 0))
			from = record_get(old, "effective_from");
	}
	for (k = 0; d && k < 2 && !rc; k++) {
		struct subject_sel sel = { .kind = kinds[k] };
		struct cells_touch t = { .kind = kinds[k], .list = 1 };
		if (!kinds[k])
			continue;
		rc = cells_add(mc->db, d, &t, -1, err) ||
		     redetermine_months(mc->db, d, from ? from : "", &sel, err) ||
		     cells_add(mc->db, d, &t, 1, err) ? -1 : 0;
	}
	return rc;
}

/* Once the row is written: the determinations it changes, and what it counts now added to the cells. */
static int keep_stored(const struct model_ctx *mc, const struct record *r,
		       const struct record *old, struct model_error *e)
{
	const struct entity_desc *ed = r->ed;
	int rc = 0;

	if (ed == &patrol_desc)
		return grass_patrol_keep(mc->db, r, old, &e->msg) ?
		       model_fail(e, MODEL_EDB, NULL, "数据库错误") : 0;
	if (!(ed->flags & (ENT_ASSESS | ENT_FIGURES)))
		return 0;
	if ((rc = keeps_nothing(mc, r, old, e)))
		return rc < 0 ? -1 : 0;
	if (ed == &subject_desc)
		rc = redetermine_subject(mc, r, old, &e->msg);
	else if (ed == &standard_desc)
		rc = redetermine_standard(mc, r, old, &e->msg);
	else if (ed->flags & ENT_ASSESS)
		rc = (old && redetermine_record(mc, old, NULL, &e->msg)) ||
		     redetermine_record(mc, r, old, &e->msg) ? -1 : 0;
	if (rc)
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	return cells_of_record(mc, r, r, old, 1, e);
}

static const struct write_observer freshness = {
	.name = "assess", .check = published_locks, .storing = keep_storing,
	.stored = keep_stored,
};

void assess_observe_writes(void)
{
	model_observe(&freshness);
}
