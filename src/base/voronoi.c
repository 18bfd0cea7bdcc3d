/*
 * voronoi.c: the areas of groups of points (see voronoi.h).
 *
 * Each site's cell is the clip polygon cut by the bisector of the site and
 * each neighbour near enough to matter (a neighbour further than twice the
 * cell's reach cannot cut it), every edge of a cell remembering which
 * neighbour's bisector, or the clip polygon, made it.  A group's area is
 * then the edges of its sites' cells that do not face a site of the same
 * group, chained end to end into rings.  Quadratic at worst, about n·√n
 * for points spread over a district: a few milliseconds for 2,000.
 */
#include "base/voronoi.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"

#define HULL_EDGE (-1)

/* A convex polygon; lab[k] says what made the edge from vertex k to k + 1. */
struct poly {
	double *x, *y;
	int *lab;
	size_t n, alloc;
};

static void poly_push(struct poly *p, double x, double y, int lab)
{
	if (p->n && p->x[p->n - 1] == x && p->y[p->n - 1] == y) {
		p->lab[p->n - 1] = lab; /* the same vertex: the later edge leaves it */
		return;
	}
	if (p->n == p->alloc) {
		p->alloc = p->alloc ? 2 * p->alloc : 16;
		p->x = xrealloc(p->x, p->alloc * sizeof(*p->x));
		p->y = xrealloc(p->y, p->alloc * sizeof(*p->y));
		p->lab = xrealloc(p->lab, p->alloc * sizeof(*p->lab));
	}
	p->x[p->n] = x;
	p->y[p->n] = y;
	p->lab[p->n++] = lab;
}

static void poly_free(struct poly *p)
{
	free(p->x);
	free(p->y);
	free(p->lab);
}

/* Keep the part of `c` nearer (px, py) than (qx, qy); `tmp` is scratch. */
static void clip(struct poly *c, struct poly *tmp, double px, double py, double qx, double qy,
		 int lab)
{
	double dx = qx - px, dy = qy - py, mx = (px + qx) / 2, my = (py + qy) / 2;
	struct poly swap;
	size_t k;

	tmp->n = 0;
	for (k = 0; k < c->n; k++) {
		size_t b = (k + 1) % c->n;
		double da = (c->x[k] - mx) * dx + (c->y[k] - my) * dy;
		double db = (c->x[b] - mx) * dx + (c->y[b] - my) * dy;
		if (da <= 0)
			poly_push(tmp, c->x[k], c->y[k], c->lab[k]);
		if ((da <= 0) != (db <= 0)) {
			double t = da / (da - db);
			poly_push(tmp, c->x[k] + t * (c->x[b] - c->x[k]),
				  c->y[k] + t * (c->y[b] - c->y[k]), da <= 0 ? lab : c->lab[k]);
		}
	}
	if (tmp->n > 1 && tmp->x[0] == tmp->x[tmp->n - 1] && tmp->y[0] == tmp->y[tmp->n - 1])
		tmp->n--;
	swap = *c;
	*c = *tmp;
	*tmp = swap;
}

/* The square of the cell's reach from (px, py). */
static double reach2(const struct poly *c, double px, double py)
{
	double r = 0;
	size_t k;

	for (k = 0; k < c->n; k++) {
		double d = (c->x[k] - px) * (c->x[k] - px) + (c->y[k] - py) * (c->y[k] - py);
		if (d > r)
			r = d;
	}
	return r;
}

/* A point to sort by x, then y, then its index `i`. */
struct key {
	double x, y;
	size_t i;
};

static int by_xy(const void *a, const void *b)
{
	const struct key *p = a, *q = b;

	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	if (p->y != q->y)
		return p->y < q->y ? -1 : 1;
	return p->i < q->i ? -1 : p->i > q->i;
}

/* The indices of the `n` points `p` sorted by x, then y. */
static size_t *sorted(const struct vsite *p, size_t n)
{
	struct key *k = xcalloc(n ? n : 1, sizeof(*k));
	size_t *idx = xcalloc(n ? n : 1, sizeof(*idx)), i;

	for (i = 0; i < n; i++) {
		k[i].x = p[i].x;
		k[i].y = p[i].y;
		k[i].i = i;
	}
	qsort(k, n, sizeof(*k), by_xy);
	for (i = 0; i < n; i++)
		idx[i] = k[i].i;
	free(k);
	return idx;
}

static double cross(double ox, double oy, double ax, double ay, double bx, double by)
{
	return (ax - ox) * (by - oy) - (ay - oy) * (bx - ox);
}

/*
 * The convex hull (counter-clockwise) of the sites, each widened to an
 * octagon of radius `margin`: Andrew's monotone chain.
 */
static void hull(const struct vsite *s, size_t n, double margin, struct poly *out)
{
	size_t m = 8 * n, i, k = 0, lo, *idx, *h = xcalloc(2 * m + 1, sizeof(size_t));
	struct vsite *pt = xcalloc(m, sizeof(*pt));

	for (i = 0; i < m; i++) {
		double a = (i % 8) * (M_PI / 4) + M_PI / 8;
		pt[i].x = s[i / 8].x + margin * cos(a);
		pt[i].y = s[i / 8].y + margin * sin(a);
	}
	idx = sorted(pt, m);
	for (i = 0; i < m; i++) {
		while (k >= 2 && cross(pt[h[k - 2]].x, pt[h[k - 2]].y, pt[h[k - 1]].x, pt[h[k - 1]].y,
				       pt[idx[i]].x, pt[idx[i]].y) <= 0)
			k--;
		h[k++] = idx[i];
	}
	for (lo = k + 1, i = m - 1; i-- > 0;) {
		while (k >= lo && cross(pt[h[k - 2]].x, pt[h[k - 2]].y, pt[h[k - 1]].x, pt[h[k - 1]].y,
					pt[idx[i]].x, pt[idx[i]].y) <= 0)
			k--;
		h[k++] = idx[i];
	}
	for (i = 0; i + 1 < k; i++)
		poly_push(out, pt[h[i]].x, pt[h[i]].y, HULL_EDGE);
	free(pt);
	free(idx);
	free(h);
}

/* The directed boundary edges of one group's area. */
struct edges {
	double *v; /* ax, ay, bx, by per edge */
	size_t n, alloc;
};

static void edge_push(struct edges *e, double ax, double ay, double bx, double by)
{
	if (e->n == e->alloc) {
		e->alloc = e->alloc ? 2 * e->alloc : 64;
		e->v = xrealloc(e->v, e->alloc * 4 * sizeof(double));
	}
	e->v[4 * e->n] = ax;
	e->v[4 * e->n + 1] = ay;
	e->v[4 * e->n + 2] = bx;
	e->v[4 * e->n + 3] = by;
	e->n++;
}

static double ring_area2(const double *xy, size_t n)
{
	double a = 0;
	size_t k;

	for (k = 0; k < n; k++) {
		size_t b = (k + 1) % n;
		a += xy[2 * k] * xy[2 * b + 1] - xy[2 * b] * xy[2 * k + 1];
	}
	return a;
}

static void ring_add(struct vring **rings, size_t *nrings, int group, double *xy, size_t n)
{
	struct vring *r;

	*rings = xrealloc(*rings, (*nrings + 1) * sizeof(**rings));
	r = &(*rings)[(*nrings)++];
	r->group = group;
	r->xy = xy;
	r->n = n;
	r->hole = ring_area2(xy, n) < 0;
}

/*
 * Chain the edges of group `g` end to end (ends within `eps` meet) into
 * rings; a chain that does not close is dropped.
 */
static void chain(struct edges *e, int g, double eps, struct vring **rings, size_t *nrings)
{
	char *used = xcalloc(e->n ? e->n : 1, 1);
	size_t i, j;

	for (i = 0; i < e->n; i++) {
		double *xy = NULL, sx, sy, cx, cy;
		size_t n = 0, alloc = 0, cur = i;
		if (used[i])
			continue;
		sx = e->v[4 * i];
		sy = e->v[4 * i + 1];
		for (;;) {
			used[cur] = 1;
			if (n == alloc) {
				alloc = alloc ? 2 * alloc : 32;
				xy = xrealloc(xy, alloc * 2 * sizeof(double));
			}
			xy[2 * n] = e->v[4 * cur];
			xy[2 * n + 1] = e->v[4 * cur + 1];
			n++;
			cx = e->v[4 * cur + 2];
			cy = e->v[4 * cur + 3];
			if (fabs(cx - sx) < eps && fabs(cy - sy) < eps)
				break;
			for (j = 0; j < e->n; j++)
				if (!used[j] && fabs(e->v[4 * j] - cx) < eps &&
				    fabs(e->v[4 * j + 1] - cy) < eps)
					break;
			if (j == e->n) {
				n = 0; /* open: not a ring */
				break;
			}
			cur = j;
		}
		if (n >= 3)
			ring_add(rings, nrings, g, xy, n);
		else
			free(xy);
	}
	free(used);
}

/* The cell of site `i` (sorted position `pos` in `idx`), cut by its neighbours. */
static void cell(const struct vsite *s, const size_t *idx, size_t n, const char *dup, size_t pos,
		 const struct poly *clip_poly, struct poly *c, struct poly *tmp)
{
	const struct vsite *p = &s[idx[pos]];
	size_t left = pos, right = pos + 1;
	double r2;
	size_t k;

	c->n = 0;
	for (k = 0; k < clip_poly->n; k++)
		poly_push(c, clip_poly->x[k], clip_poly->y[k], HULL_EDGE);
	r2 = reach2(c, p->x, p->y);
	while (left > 0 || right < n) {
		int side;
		for (side = 0; side < 2; side++) {
			size_t j;
			const struct vsite *q;
			double d2;
			if (side == 0 && left == 0)
				continue;
			if (side == 1 && right >= n)
				continue;
			j = side == 0 ? --left : right++;
			q = &s[idx[j]];
			if ((q->x - p->x) * (q->x - p->x) >= 4 * r2) {
				if (side == 0)
					left = 0;
				else
					right = n;
				continue;
			}
			d2 = (q->x - p->x) * (q->x - p->x) + (q->y - p->y) * (q->y - p->y);
			if (dup[idx[j]] || d2 >= 4 * r2)
				continue;
			clip(c, tmp, p->x, p->y, q->x, q->y, (int)idx[j]);
			r2 = reach2(c, p->x, p->y);
		}
	}
}

/* Is site i at the same place as the site sorted before it? */
static char *duplicates(const struct vsite *s, const size_t *idx, size_t n)
{
	char *dup = xcalloc(n ? n : 1, 1);
	size_t k;

	for (k = 1; k < n; k++)
		if (s[idx[k]].x == s[idx[k - 1]].x && s[idx[k]].y == s[idx[k - 1]].y)
			dup[idx[k]] = 1;
	return dup;
}

void voronoi_areas(const struct vsite *s, size_t n, double margin, struct vring **rings,
		   size_t *nrings)
{
	struct poly clip_poly = { 0 }, c = { 0 }, tmp = { 0 };
	size_t *idx, k, e;
	struct edges *by_group;
	int ngroups = 0;
	char *dup;

	*rings = NULL;
	*nrings = 0;
	if (!n)
		return;
	for (k = 0; k < n; k++)
		if (s[k].group >= ngroups)
			ngroups = s[k].group + 1;
	idx = sorted(s, n);
	dup = duplicates(s, idx, n);
	hull(s, n, margin, &clip_poly);
	by_group = xcalloc(ngroups, sizeof(*by_group));
	for (k = 0; k < n; k++) {
		const struct vsite *p = &s[idx[k]];
		if (dup[idx[k]])
			continue;
		cell(s, idx, n, dup, k, &clip_poly, &c, &tmp);
		for (e = 0; e < c.n; e++) {
			size_t b = (e + 1) % c.n;
			if (c.lab[e] != HULL_EDGE && s[c.lab[e]].group == p->group)
				continue; /* inside the group's area */
			if (fabs(c.x[b] - c.x[e]) < margin / 1e6 && fabs(c.y[b] - c.y[e]) < margin / 1e6)
				continue; /* a vertex twice */
			edge_push(&by_group[p->group], c.x[e], c.y[e], c.x[b], c.y[b]);
		}
	}
	for (k = 0; k < (size_t)ngroups; k++) {
		chain(&by_group[k], (int)k, margin / 1e6, rings, nrings);
		free(by_group[k].v);
	}
	free(by_group);
	free(dup);
	free(idx);
	poly_free(&clip_poly);
	poly_free(&c);
	poly_free(&tmp);
}

void vrings_free(struct vring *rings, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		free(rings[k].xy);
	free(rings);
}

int vring_contains(const struct vring *r, double x, double y)
{
	size_t k, j;
	int in = 0;

	for (k = 0, j = r->n - 1; k < r->n; j = k++) {
		double xk = r->xy[2 * k], yk = r->xy[2 * k + 1];
		double xj = r->xy[2 * j], yj = r->xy[2 * j + 1];
		if ((yk > y) != (yj > y) && x < (xj - xk) * (y - yk) / (yj - yk) + xk)
			in = !in;
	}
	return in;
}
