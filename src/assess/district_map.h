/*
 * district_map: the map of a district's townships for the wall screen and
 * a subject's page, drawn with no base map (no tile server is reachable
 * from a government intranet): each township's outline is the part of the
 * district nearest to its subjects (base/voronoi.h: the union of the Voronoi
 * cells of its subjects' points, inside the convex hull of all the
 * district's points widened by 1 km), with its year-to-date rates, and the
 * subjects' points.  Subjects without coordinates are counted, not drawn;
 * a township none of whose subjects has coordinates has no outline.
 *
 * Not here: the rates themselves (figures.h's breakdown by township, which
 * this passes on unchanged), nor any map tiles or projection for display.
 */
#ifndef SANLING_DISTRICT_MAP_H
#define SANLING_DISTRICT_MAP_H

#include <jansson.h>

struct db;
struct actor;
struct model_error;

/*
 * The map through `month` (YYYY-MM), within the actor's scope:
 * { "month", "targets", "map": a GeoJSON FeatureCollection, one Feature per
 * township of the scope (properties: code, name, the breakdown's subject
 * counts and rates; geometry: a MultiPolygon of [lon, lat], or null),
 * "subjects": [{code, name, kind, township, lat, lon}], "unplaced": the
 * subjects of the scope without coordinates }.  Caller owns `*out`.
 *
 * The outlines depend on the district's points only, and are kept until a
 * subject of the district moves (or is added or removed).
 */
int district_map(struct db *db, const struct actor *a, const char *month, json_t **out,
		 struct model_error *e);

#endif
