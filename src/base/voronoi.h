/*
 * voronoi: areas drawn from points — the part of the plane nearest to each
 * group of points (the union of the Voronoi cells of the group's points),
 * inside the convex hull of all the points widened by a margin.  The map
 * of a district's townships (model/district_map.c) draws each township as
 * the area nearest to its subjects.  Plane geometry only: no coordinates
 * of the earth, no database, no JSON.
 */
#ifndef SANLING_VORONOI_H
#define SANLING_VORONOI_H

#include <stddef.h>

struct vsite {
	double x, y;
	int group; /* 0 .. ngroups - 1 */
};

/*
 * A closed ring of one group's area: `n` vertices (the first not repeated
 * at the end), counter-clockwise for an outer boundary, clockwise for a
 * hole (another group's area inside this one).
 */
struct vring {
	int group;
	int hole;
	double *xy; /* x0, y0, x1, y1 … */
	size_t n;
};

/*
 * The rings of every group's area, into `*rings` (`*nrings` of them; free
 * with vrings_free()).  Sites at the same place count once, in the group of
 * the first of them.  Ends within `margin` / 1e6 of each other are one
 * vertex; a chain of edges that does not close is not drawn.
 */
void voronoi_areas(const struct vsite *s, size_t n, double margin, struct vring **rings,
		   size_t *nrings);
void vrings_free(struct vring *rings, size_t n);

/* Is (x, y) inside ring `r` (even-odd)? */
int vring_contains(const struct vring *r, double x, double y);

#endif
