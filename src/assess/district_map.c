/*
 * district_map.c: the map of a district's townships (see district_map.h).
 *
 * The points are projected onto a plane in kilometres about their mean
 * (equirectangular: good to a few metres over a district), the areas drawn
 * there and projected back.  The outlines of each district are cached with
 * a hash of the points they were drawn from: every call reads the points
 * (a few thousand rows), and draws again only when the hash differs.
 */
#include "assess/district_map.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "assess/figures.h"
#include "base/alloc.h"
#include "base/date.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "db/sqlp.h"
#include "base/voronoi.h"
#include "model/entities.h"
#include "model/errors.h"
#include "model/role.h"
#include "model/scope.h"

#define KM_PER_LAT 110.574
#define KM_PER_LON_EQUATOR 111.320
#define MARGIN_KM 1.0

/* The district's points, projected, with their townships. */
struct points {
	struct vsite *site;
	size_t n, alloc;
	char **township; /* the distinct townships; site[i].group indexes this */
	size_t ntownships;
	double lat0, lon0, kx; /* kx: km per degree of longitude at lat0 */
	uint64_t hash;
};

struct cached {
	char *district;
	uint64_t hash;
	json_t *outlines; /* township code -> geometry */
	struct cached *next;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cached *cache;

static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

static int township_index(struct points *pt, const char *code)
{
	size_t i;

	for (i = 0; i < pt->ntownships; i++)
		if (!strcmp(pt->township[i], code))
			return (int)i;
	pt->township = xrealloc(pt->township, (pt->ntownships + 1) * sizeof(*pt->township));
	pt->township[pt->ntownships] = xstrdup(code);
	return (int)pt->ntownships++;
}

static void points_release(struct points *pt)
{
	size_t i;

	for (i = 0; i < pt->ntownships; i++)
		free(pt->township[i]);
	free(pt->township);
	free(pt->site);
}

/* Read the district's placed subjects into `pt` (lat, lon in x, y for now). */
static int read_points(struct db *db, const char *district, struct points *pt, struct strbuf *err)
{
	struct db_stmt *st = NULL;
	int rc;

	pt->hash = 0xcbf29ce484222325ULL;
	if (db_prepare(db, "SELECT township, lat, lon FROM subjects WHERE district = ? AND "
			   "lat IS NOT NULL AND lon IS NOT NULL ORDER BY code", &st, err))
		return -1;
	db_bind_text(st, 1, district);
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *t = db_column_text(st, 0);
		struct vsite s = { db_column_double(st, 2), db_column_double(st, 1), 0 };
		s.group = township_index(pt, t);
		if (pt->n == pt->alloc) {
			pt->alloc = pt->alloc ? 2 * pt->alloc : 1024;
			pt->site = xrealloc(pt->site, pt->alloc * sizeof(*pt->site));
		}
		pt->site[pt->n++] = s;
		pt->hash = fnv(pt->hash, t, strlen(t) + 1);
		pt->hash = fnv(pt->hash, &s.x, sizeof(s.x));
		pt->hash = fnv(pt->hash, &s.y, sizeof(s.y));
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* Project the points (lon, lat) to km about their mean. */
static void project(struct points *pt)
{
	double sx = 0, sy = 0;
	size_t i;

	for (i = 0; i < pt->n; i++) {
		sx += pt->site[i].x;
		sy += pt->site[i].y;
	}
	pt->lon0 = pt->n ? sx / pt->n : 0;
	pt->lat0 = pt->n ? sy / pt->n : 0;
	pt->kx = KM_PER_LON_EQUATOR * cos(pt->lat0 * M_PI / 180);
	for (i = 0; i < pt->n; i++) {
		pt->site[i].x = (pt->site[i].x - pt->lon0) * pt->kx;
		pt->site[i].y = (pt->site[i].y - pt->lat0) * KM_PER_LAT;
	}
}

static json_t *degrees(double v)
{
	return json_real(round(v * 1e6) / 1e6);
}

/* A ring as GeoJSON positions [lon, lat], closed (the first repeated last). */
static json_t *ring_json(const struct points *pt, const struct vring *r)
{
	json_t *a = json_array();
	size_t k;

	for (k = 0; k <= r->n; k++) {
		size_t i = k % r->n;
		json_array_append_new(a, json_pack("[oo]", degrees(pt->lon0 + r->xy[2 * i] / pt->kx),
						   degrees(pt->lat0 + r->xy[2 * i + 1] / KM_PER_LAT)));
	}
	return a;
}

/*
 * The MultiPolygon of group `g`: each outer ring with the holes inside it
 * (a hole belongs to the outer ring that holds its first vertex).
 */
static json_t *group_geometry(const struct points *pt, const struct vring *r, size_t n, int g)
{
	json_t *polys = json_array();
	size_t i, j;

	for (i = 0; i < n; i++) {
		json_t *poly;
		if (r[i].group != g || r[i].hole)
			continue;
		poly = json_array();
		json_array_append_new(poly, ring_json(pt, &r[i]));
		for (j = 0; j < n; j++)
			if (r[j].group == g && r[j].hole &&
			    vring_contains(&r[i], r[j].xy[0], r[j].xy[1]))
				json_array_append_new(poly, ring_json(pt, &r[j]));
		json_array_append_new(polys, poly);
	}
	if (!json_array_size(polys)) {
		json_decref(polys);
		return json_null();
	}
	return json_pack("{ss so}", "type", "MultiPolygon", "coordinates", polys);
}

static json_t *draw_outlines(struct points *pt)
{
	json_t *out = json_object();
	struct vring *rings;
	size_t nrings, g;

	project(pt);
	voronoi_areas(pt->site, pt->n, MARGIN_KM, &rings, &nrings);
	for (g = 0; g < pt->ntownships; g++)
		json_object_set_new(out, pt->township[g], group_geometry(pt, rings, nrings, (int)g));
	vrings_free(rings, nrings);
	return out;
}

/* A copy of the cached outlines of `district` drawn from points `hash`, or NULL. */
static json_t *cache_get(const char *district, uint64_t hash)
{
	json_t *copy = NULL;
	struct cached *c;

	pthread_mutex_lock(&cache_lock);
	for (c = cache; c; c = c->next)
		if (!strcmp(c->district, district) && c->hash == hash)
			copy = json_deep_copy(c->outlines);
	pthread_mutex_unlock(&cache_lock);
	return copy;
}

static void cache_put(const char *district, uint64_t hash, const json_t *outlines)
{
	struct cached *c;

	pthread_mutex_lock(&cache_lock);
	for (c = cache; c && strcmp(c->district, district); c = c->next)
		;
	if (!c) {
		c = xcalloc(1, sizeof(*c));
		c->district = xstrdup(district);
		c->next = cache;
		cache = c;
	}
	json_decref(c->outlines);
	c->outlines = json_deep_copy(outlines);
	c->hash = hash;
	pthread_mutex_unlock(&cache_lock);
}

/* The outlines of the district's townships: township code -> geometry. */
static int outlines(struct db *db, const char *district, json_t **out, struct strbuf *err)
{
	struct points pt = { 0 };

	if (read_points(db, district, &pt, err)) {
		points_release(&pt);
		return -1;
	}
	*out = cache_get(district, pt.hash);
	if (!*out) {
		*out = draw_outlines(&pt);
		cache_put(district, pt.hash, *out);
	}
	points_release(&pt);
	return 0;
}

/* The subjects of the scope with coordinates, and how many have none. */
static int scope_points(struct db *db, const struct actor *a, json_t **points, int64_t *unplaced,
			struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlp p = SQLP_INIT;
	struct db_stmt *st = NULL;
	int rc = 0;

	*points = json_array();
	*unplaced = 0;
	strbuf_addstr(&sql, "SELECT s.code, s.name, s.kind, s.township, s.lat, s.lon FROM subjects s "
			    "WHERE s.lat IS NOT NULL AND s.lon IS NOT NULL");
	if (scope_where(&subject_desc, a, "s", &sql, &p))
		goto done; /* the scope reaches no subject */
	strbuf_addstr(&sql, " ORDER BY s.code");
	if (db_prepare(db, sql.buf, &st, err)) {
		rc = -1;
		goto done;
	}
	sqlp_bind(&p, st, 1);
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(*points, json_pack("{ss ss ss ss so so}",
			"code", db_column_text(st, 0), "name", db_column_text(st, 1),
			"kind", db_column_text(st, 2), "township", db_column_text(st, 3),
			"lat", degrees(db_column_double(st, 4)), "lon", degrees(db_column_double(st, 5))));
	db_finalize(st);
	if (rc < 0)
		goto done;
	strbuf_reset(&sql);
	sqlp_release(&p);
	strbuf_addstr(&sql, "SELECT COUNT(*) FROM subjects s WHERE (s.lat IS NULL OR s.lon IS NULL)");
	scope_where(&subject_desc, a, "s", &sql, &p);
	rc = sqlp_aggregate(db, sql.buf, &p, unplaced, 1, err);
done:
	sqlp_release(&p);
	strbuf_release(&sql);
	return rc < 0 ? -1 : 0;
}

/* The properties of a township's feature: its code, name and the breakdown's counts and rates. */
static json_t *properties(json_t *row)
{
	static const char *const keys[] = {
		"subjects_total", "villages_total", "villages_compliant", "villages_rate",
		"enterprises_total", "enterprises_compliant", "enterprises_rate", NULL,
	};
	json_t *fig = json_object_get(row, "figures"), *p;
	size_t i;

	p = json_pack("{sO sO}", "code", json_object_get(row, "key"), "name",
		      json_object_get(row, "label"));
	for (i = 0; keys[i]; i++) {
		json_t *v = json_object_get(fig, keys[i]);
		json_object_set(p, keys[i], v ? v : json_null());
	}
	return p;
}

int district_map(struct db *db, const struct actor *a, const char *month, json_t **out,
		 struct model_error *e)
{
	json_t *bd = NULL, *geoms = NULL, *features, *points = NULL, *row;
	char now[MONTH_BUFSZ];
	int64_t unplaced = 0;
	size_t i;
	int ret;

	if (!month || !month_valid(month))
		return model_fail(e, MODEL_EINVAL, "month", "month：月份格式应为 YYYY-MM");
	month_now(now);
	if (strcmp(month, now) > 0)
		return model_fail(e, MODEL_EINVAL, "month", "month：不能是尚未到来的月份");
	if ((ret = figures_breakdown_opt(db, a, month, "township", FIGURES_NO_WORK, &bd, e)))
		return ret;
	if (a->district ? outlines(db, a->district, &geoms, &e->msg) : !(geoms = json_object()))
		goto dberr;
	if (scope_points(db, a, &points, &unplaced, &e->msg))
		goto dberr;
	features = json_array();
	json_array_foreach(json_object_get(bd, "rows"), i, row) {
		json_t *g = json_object_get(geoms, json_string_value(json_object_get(row, "key")));
		json_array_append_new(features, json_pack("{ss so sO}", "type", "Feature",
			"properties", properties(row), "geometry", g ? g : json_null()));
	}
	*out = json_pack("{ss sO s{ss so} so sI}", "month", month, "targets",
			 json_object_get(bd, "targets"), "map", "type", "FeatureCollection",
			 "features", features, "subjects", points, "unplaced", (json_int_t)unplaced);
	points = NULL;
	ret = 0;
	goto cleanup;
dberr:
	ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
cleanup:
	json_decref(bd);
	json_decref(geoms);
	json_decref(points);
	return ret;
}
