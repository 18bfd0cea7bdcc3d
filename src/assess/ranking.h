/*
 * ranking: the monthly ranking of townships and sectors (考评, 红黑榜) on
 * the district's assessment table (model/assessment.h): each unit's lines,
 * one per active item that applies to it, computed from the records of
 * the month (through the month, where the figures are: DOMAIN.md) or
 * entered by hand, each with the counts that gave its points and the list
 * query of the records it counts; the units ranked by total.  Points are
 * kept in tenths, as integers, from the counts to the JSON.
 *
 * Not here: the assessment table's descriptors (model/assessment.c), HTTP
 * (api/api_ranking.c).
 */
#ifndef SANLING_RANKING_H
#define SANLING_RANKING_H

#include <jansson.h>
#include <stdint.h>

struct db;
struct actor;
struct model_error;

/*
 * The ranking of month `month` (YYYY-MM, not in the future) of the actor's
 * district `by` "township" or "sector":
 * { month, by, columns: [{item, item_name, method, points}], items: [{rank,
 * unit, unit_name, total, lines: [{item, item_name, method, points,
 * max_points, basis, records?: {entity, query}}]}] }.  The office and the
 * district's business units (leads, supervisors, townships) may read it;
 * others MODEL_EFORBIDDEN.  An active item whose kind reads a table that
 * is not there refuses (MODEL_ECONFLICT, naming the item).
 */
int ranking_compute(struct db *db, const struct actor *a, const char *month, const char *by,
		    json_t **out, struct model_error *e);

/*
 * The points, in tenths, of a rate num/den on an item of `points` whole
 * points: full points at or above `target` percent (target > 0), below it
 * in proportion to the target; without a target (target <= 0) points ×
 * rate.  Rounded half up; an empty set (den = 0) scores full points.
 */
int64_t ranking_rate_points(int64_t points, int64_t target, int64_t num, int64_t den);

#endif
