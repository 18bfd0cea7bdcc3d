/*
 * grants: what a district lets the offices above it write (issue 19:
 * accounts of a city or a province are "read-only on the districts'
 * business data unless a district grants more").
 *
 * A grant (table region_grants, migration 032) is made by the office of a
 * district (role office, its own district) to the office of its city or of
 * its province (the district's parent, or the parent's parent): that
 * office's accounts (role region) may then create and change the records
 * of one list of the district — a list flagged ENT_GRANTABLE: tasks,
 * problems, supervision checks, 督办, campaigns; never one that holds
 * personal data, nor the subjects, the standards or what the determination
 * counts.  A revocation ends it; both are audit rows (grants.create,
 * grants.revoke) in the same transaction as the change.
 *
 * Why the office and not an administrator: the grant concerns the
 * district's business data, which the office keeps and which 三员分立 keeps
 * every administrator away from (the system administrator makes accounts,
 * the security administrator gives accounts their role and scope; neither
 * decides what another authority may do in the district's lists).
 *
 * What a grant lets through is scope.c's (scope_granted_actor(),
 * scope_check_write()), in every write path; this file keeps the table.
 */
#ifndef SANLING_GRANTS_H
#define SANLING_GRANTS_H

#include <jansson.h>
#include <stdint.h>

#include "model/errors.h"
#include "model/role.h"

struct db;

/*
 * The grants the actor sees, newest first: a district's office those of its
 * district (with `regions`, the city and province it may grant, and
 * `lists`, the lists it may grant, each {name, label}); a region account
 * those made to its city or province.  `active_only`: not the revoked.
 * {items: [grant], total[, regions, lists]}; a grant is {id, district,
 * district_name, region, region_name, list, list_label, granted_by,
 * granted_at, revoked_by, revoked_at, active}.  Anybody else: 403.
 */
int grants_list(struct db *db, const struct actor *a, int active_only, json_t **out,
		struct model_error *e);

/*
 * The office of a district grants the office of `region` (its city or its
 * province) list `list`: the new grant as `*out`.  Refused (nothing
 * written): another role (403); a region that is not the district's city
 * or province, a list that is none or may not be granted (422); a live
 * grant of the same (409).
 */
int grant_create(struct db *db, const struct actor *a, const char *region, const char *list,
		 json_t **out, struct model_error *e);

/*
 * The office of a district revokes its grant `id`: the grant, revoked, as
 * `*out`.  Another district's or none: 404; revoked already: 409.
 */
int grant_revoke(struct db *db, const struct actor *a, int64_t id, json_t **out,
		 struct model_error *e);

/*
 * The live grants held by a region account (grants as above), for /me and
 * the browser; an empty array for any other actor, NULL on a database error.
 */
json_t *grants_held(struct db *db, const struct actor *a);

#endif
