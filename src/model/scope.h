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
 * May the actor write record `r` — a version before or after a write?  For
 * the district's roles, scope_check_record(); for an office above the
 * districts (role region), only where the record's district granted it the
 * list and has not revoked the grant.  Every write path that does not go
 * through entity_validate() (a retirement, a file attached) asks this.
 */
int scope_check_write(struct db *db, const struct actor *a, const struct record *r);

/*
 * An office above the districts writes a list only in a district that
 * granted it that list, and there as the district's office: every rule of
 * the office holds (its guards and workflow, the references it may name,
 * its scope, which keeps the record in that district).  Into `as`, that
 * actor for a write of `ed` in `district` by region office `a` (same user
 * and source, role office, district `district`), when `district` lies under
 * `a`'s city or province and holds a live grant of `ed` to it: 0; else
 * MODEL_EFORBIDDEN (MODEL_EINVAL for no district) with the message in `e`.
 * The grant is read in the caller's transaction.  `as` points into
 * `district` and `a`.
 */
int scope_granted_actor(struct db *db, const struct actor *a, const struct entity_desc *ed,
			const char *district, struct actor *as, struct model_error *e);

/*
 * The role whose rules a write of `ed` by `a` follows: for a list a district
 * may grant the offices above it, a region account's is the office's (for
 * the browser's description of the workflow); else its own.
 */
enum role scope_write_role(const struct entity_desc *ed, const struct actor *a);

/*
 * May a region account write list `ed` at all (in some district, under a
 * grant)?  0, or MODEL_EFORBIDDEN saying which lists may be granted.
 */
int scope_region_writable(const struct entity_desc *ed, const struct actor *a,
			  struct model_error *e);

/* The labels of the lists a district may grant, joined by 、 (for messages). */
void scope_grantable_labels(struct strbuf *out);

/*
 * The districts under a city or a province (both parameters: its code):
 * those whose parent it is, or whose parent's parent (a city's province).
 * SQL selecting one column, `code`.  Two branches, each found by the index
 * of parents: one condition over both tables (d.parent = ? OR c.parent = ?)
 * read every district of the country and left PostgreSQL's planner unable
 * to see how few there are.
 */
#define SCOPE_REGION_DISTRICTS "SELECT d.code FROM regions d WHERE d.level = 'district' " \
	"AND d.parent = ? UNION ALL SELECT d.code FROM regions d JOIN regions c ON c.code = " \
	"d.parent WHERE d.level = 'district' AND c.parent = ?"

#endif
