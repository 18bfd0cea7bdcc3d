/*
 * demo_places.c: where the demo district's subjects are (lat, lon), for
 * the map of the townships (model/district_map.c).  淮阳区 is drawn as a
 * lobed disc of about 40 km across, centred on 33.73 N, 114.88 E; each
 * township owns the part of it nearest to its seat (its seats laid on a
 * jittered grid, the district's seat 城关 in the middle), so townships are
 * contiguous; a village lies at a point of its township's part and an
 * enterprise within 1.5 km of its village, in the same township.
 *
 * Every coordinate is a function of the place's own code (a hash of it),
 * never a draw from the demo's shared random stream: the district's events
 * and figures do not depend on where anything is.  Not a map of the real
 * 淮阳区: plausible, not surveyed.  Written with a plain UPDATE after the
 * subjects' import, as lat and lon are not import columns.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/alloc.h"
#include "base/strbuf.h"
#include "cli/demo_int.h"
#include "db/db.h"

#define LAT0 33.73
#define LON0 114.88
#define KM_PER_LAT 110.574
#define KM_PER_LON (111.320 * 0.83174) /* cos(33.73°) */
#define PI 3.14159265358979323846

struct pt {
	double x, y; /* km east and north of the centre */
};

/* A uniform number in [0, 1) from `s` and `salt` (FNV-1a, then splitmix64). */
static double hash01(const char *s, unsigned salt)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ salt;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	h += 0x9e3779b97f4a7c15ULL;
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return (double)(h >> 11) / 9007199254740992.0;
}

/* Inside the district: a disc of 20 km whose radius wavers by a tenth. */
static int in_district(struct pt p)
{
	double a = atan2(p.y, p.x);
	double r = 20.0 * (0.92 + 0.05 * sin(3 * a + 1) + 0.03 * cos(5 * a));

	return p.x * p.x + p.y * p.y < r * r;
}

/*
 * The townships' seats: a grid of 5 × 4 cells over the middle of the
 * district, the cells taken nearest the centre first (so the first
 * township, the district's seat, is in the middle), each seat jittered
 * within its cell by its code.
 */
static void seats(struct pt *seat)
{
	int order[NTOWNSHIPS], i, j;
	double d[NTOWNSHIPS];

	for (i = 0; i < NTOWNSHIPS; i++) {
		double x = (i % 5 - 2) * 6.8, y = (i / 5 - 1.5) * 7.4;
		d[i] = x * x + y * y + i * 1e-6;
		order[i] = i;
	}
	for (i = 1; i < NTOWNSHIPS; i++) /* insertion sort by distance */
		for (j = i; j > 0 && d[order[j]] < d[order[j - 1]]; j--) {
			int tmp = order[j];
			order[j] = order[j - 1];
			order[j - 1] = tmp;
		}
	for (i = 0; i < NTOWNSHIPS; i++) {
		char code[16];
		int c = order[i];
		snprintf(code, sizeof(code), "411603%03d000", 100 + i);
		seat[i].x = (c % 5 - 2) * 6.8 + (hash01(code, 1) - 0.5) * 2.4;
		seat[i].y = (c / 5 - 1.5) * 7.4 + (hash01(code, 2) - 0.5) * 2.4;
	}
}

static int nearest_seat(const struct pt *seat, struct pt p)
{
	int i, best = 0;
	double bd = 1e300;

	for (i = 0; i < NTOWNSHIPS; i++) {
		double dx = p.x - seat[i].x, dy = p.y - seat[i].y;
		if (dx * dx + dy * dy < bd) {
			bd = dx * dx + dy * dy;
			best = i;
		}
	}
	return best;
}

static int fits(const struct pt *seat, struct pt p, int township)
{
	return in_district(p) && nearest_seat(seat, p) == township;
}

/* A village: a point of its township's part, else (never seen) its seat. */
static struct pt village_point(const struct pt *seat, const struct place *v)
{
	unsigned k;

	for (k = 0; k < 20000; k++) {
		struct pt p = { (hash01(v->code, 2 * k + 10) - 0.5) * 42,
				(hash01(v->code, 2 * k + 11) - 0.5) * 42 };
		if (fits(seat, p, v->township))
			return p;
	}
	return seat[v->township];
}

/*
 * An enterprise: within 1.5 km of its village in its township, else a
 * step from the village towards the seat (inside the township's part,
 * which is convex).
 */
static struct pt subject_point(const struct pt *seat, const struct subj *s, struct pt village)
{
	struct pt p;
	unsigned k;

	for (k = 0; k < 200; k++) {
		double a = 2 * PI * hash01(s->code, 2 * k + 10);
		double r = 1.5 * sqrt(hash01(s->code, 2 * k + 11));
		p.x = village.x + r * cos(a);
		p.y = village.y + r * sin(a);
		if (fits(seat, p, s->township))
			return p;
	}
	p.x = village.x + 0.05 * (seat[s->township].x - village.x);
	p.y = village.y + 0.05 * (seat[s->township].y - village.y);
	return p;
}

static int set_point(struct db_stmt *st, const char *code, struct pt p, struct strbuf *err)
{
	int rc;

	db_reset(st);
	/* to the millionth of a degree (a tenth of a metre), as a survey gives it */
	db_bind_double(st, 1, round((LAT0 + p.y / KM_PER_LAT) * 1e6) / 1e6);
	db_bind_double(st, 2, round((LON0 + p.x / KM_PER_LON) * 1e6) / 1e6);
	db_bind_text(st, 3, code);
	rc = db_step(st, err);
	return rc < 0 ? -1 : 0;
}

int demo_places(struct db *db, const struct place *villages, const struct subj *subj,
		struct strbuf *err)
{
	struct pt seat[NTOWNSHIPS], *vp = xcalloc(NVILLAGES, sizeof(*vp));
	struct db_stmt *st = NULL;
	int i, ret = -1;

	seats(seat);
	for (i = 0; i < NVILLAGES; i++)
		vp[i] = village_point(seat, &villages[i]);
	if (db_begin(db, err))
		goto cleanup;
	if (db_prepare(db, "UPDATE subjects SET lat = ?, lon = ? WHERE code = ?", &st, err))
		goto rollback;
	for (i = 0; i < NSUBJECTS; i++) {
		const struct subj *s = &subj[i];
		struct pt p = i < NVILLAGES ? vp[i] : subject_point(seat, s, vp[s->village]);
		if (set_point(st, s->code, p, err))
			goto rollback;
	}
	db_finalize(st);
	st = NULL;
	if (db_commit(db, err))
		goto rollback;
	ret = 0;
	goto cleanup;
rollback:
	if (st)
		db_finalize(st);
	db_rollback(db);
cleanup:
	free(vp);
	return ret;
}
