/*
 * freshness.c: what a write of a record means to the determination and the
 * figures, as a write observer of the model (model_observe()):
 *
 *  - before: a published month is locked, with its list and its events
 *    (list_locked, events_locked): a write that would change what the
 *    published determination counted is refused until the office reopens
 *    the month;
 *  - after: the district's version is bumped (assess_versions for what the
 *    determination reads, figure_versions for what only the figures count),
 *    so that the months computed before are recomputed when next read.
 *
 * The write path calls these for every record it stores and knows nothing
 * of them.  Which fields count is the descriptors' (FF_COUNTED, ENT_ASSESS,
 * ENT_FIGURES, month_from/month_to); the district is the descriptor's scope
 * column.
 */
#include "assess/assess.h"
#include "assess/assess_int.h"

#include <stdio.h>
#include <string.h>

#include "base/strbuf.h"
#include "db/db.h"
#include "model/entity.h"
#include "model/lookup_cache.h"

/* The district of record `r` (its descriptor's scope column), or NULL. */
static const char *district_of(const struct record *r)
{
	return r && r->ed->scope.district ? record_get(r, r->ed->scope.district) : NULL;
}

/*
 * A write that can change the monthly determination of `district` bumps its
 * version (assess_versions), so that the months computed before are
 * recomputed when read; one that only the report figures count bumps
 * figure_versions.  In a bulk operation each district is bumped once.
 */
static int version_bump(const struct model_ctx *mc, const char *table, const char *district)
{
	const char *seen;

	if (!district || (mc->cache && lookup_cache_value(mc->cache, district, &seen)))
		return 0;
	if (assess_version_bump(mc->db, table, district, NULL))
		return -1;
	if (mc->cache)
		lookup_cache_put_value(mc->cache, district, "1");
	return 0;
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

/* The versions of the districts a stored record was and is in. */
static int bump_versions(const struct model_ctx *mc, const struct record *r,
			 const struct record *old, struct model_error *e)
{
	const struct entity_desc *ed = r->ed;
	const char *table, *now = district_of(r), *was = district_of(old);
	int ret;

	if (!(ed->flags & (ENT_ASSESS | ENT_FIGURES)))
		return 0;
	table = (ed->flags & ENT_ASSESS) ? "assess_versions" : "figure_versions";
	ret = version_bump(mc, table, now);
	if (!ret && was && strcmp(was, now ? now : ""))
		ret = version_bump(mc, table, was);
	return ret ? model_fail(e, MODEL_EDB, NULL, "数据库错误") : 0;
}

static const struct write_observer freshness = {
	.name = "assess", .check = published_locks, .stored = bump_versions,
};

void assess_observe_writes(void)
{
	model_observe(&freshness);
}
