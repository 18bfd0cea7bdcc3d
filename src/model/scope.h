/*
 * scope: who reaches which rows (scope.c).  Every list, count and figure
 * restricts its rows with scope_where(); every write checks its record with
 * scope_check_record().  Which roles may read or write an entity at all is
 * entity_can_read()/_write() (entity.h).
 */
#ifndef SANLING_SCOPE_H
#define SANLING_SCOPE_H

#include "model/entity.h"

struct db;
struct sqlp;

/*
 * Append " AND <predicate>" limiting rows of `ed` (table alias `t`) to what
 * the actor's role reaches.  Returns 0, or -1 when the actor reaches none of
 * them (the caller answers 404/empty, or 403 for a role that may not read).
 */
int scope_where(const struct entity_desc *ed, const struct actor *a, const char *t,
		struct strbuf *sql, struct sqlp *p);

/*
 * scope_where() for a statement run on `db` (NULL: any): in a table
 * partitioned by district there (entity_partitioned()), the actor's district
 * is named too, whatever column its role reaches rows by, so that only its
 * partition is read.
 */
int scope_where_db(struct db *db, const struct entity_desc *ed, const struct actor *a,
		   const char *t, struct strbuf *sql, struct sqlp *p);

/*
 * The same for rows that are not an entity's (pre-aggregated figure cells),
 * placed by the scope columns `s` (its `subject` must be NULL).
 */
int scope_where_columns(const struct entity_scope *s, const struct actor *a, const char *t,
			struct strbuf *sql, struct sqlp *p);

/*
 * The scope columns of the regions of level grid as places of the grassroots'
 * records: a grid worker reaches its grid, a village auxiliary officer the
 * grids under its village, a township its own (for scope_where_columns()).
 */
extern const struct entity_scope grid_region_scope;

/*
 * Is record `r` inside the actor's scope (by its scope columns)?  With
 * `for_ref`, `r` is named by a write: a township may then only name
 * reference data of its own township where the data has a township column.
 */
int scope_check_record(struct db *db, const struct actor *a, const struct record *r,
		       int for_ref);

/*
 * The districts under a city or a province (both parameters: its code):
 * those whose parent it is, or whose parent's parent (a city's province).
 * SQL selecting one column, `code`.
 */
#define SCOPE_REGION_DISTRICTS "SELECT d.code FROM regions d LEFT JOIN regions c ON c.code = " \
	"d.parent WHERE d.level = 'district' AND (d.parent = ? OR c.parent = ?)"

#endif
