/*
 * grass_warnings: the grassroots' reasons of the early warnings (warnings.c;
 * DOMAIN.md "Grassroots"; issue 15) — on the village and community subjects
 * of the month, the grid-days without both patrols and the missing village
 * officer; and the officers whose 1+5+N network is short.  Within the
 * caller's scope; a reason drawn from a list the caller may not read is
 * left out (0, or a null section).
 */
#ifndef SANLING_GRASS_WARNINGS_H
#define SANLING_GRASS_WARNINGS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct db;
struct actor;
struct model_error;

/* A village (or community) subject on the list in the month, and its two reasons. */
struct grass_village {
	char *subject, *name, *township, *kind;
	/*
	 * grid-days of the month from its first day to `asof` without patrols
	 * in both slots, of the grids under the subject's village whose staff
	 * were active that day
	 */
	int64_t grid_days;
	/*
	 * no auxiliary officer assigned to its village active on `asof` (0 while
	 * its district has no auxiliary officer on record at all: the network
	 * not entered yet is no village's risk)
	 */
	int no_police;
};

/*
 * The village and community subjects of `month` in the actor's scope with
 * their reasons (`*out`, `*n`; freed with grass_villages_free()).  0, or
 * MODEL_EDB with `e` filled.
 */
int grass_villages(struct db *db, const struct actor *a, const char *month, const char *asof,
		   struct grass_village **out, size_t *n, struct model_error *e);
void grass_villages_free(struct grass_village *v, size_t n);

/*
 * The officers (kind officer) in post on `asof` in scope whose network that
 * day is short — fewer than five active informants, or of fewer than five
 * industries: [{police_no, officer, township, township_name, informants,
 * industries}] by police number; JSON null for a caller who may not read
 * the police network.
 */
int grass_networks_short(struct db *db, const struct actor *a, const char *asof, json_t **out,
			 struct model_error *e);

#endif
