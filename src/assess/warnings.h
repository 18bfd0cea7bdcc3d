/*
 * warnings: early warning (预警) — before a month closes, the subjects at
 * risk of failing it, ranked by a score, each with its reasons: repeated
 * petitions, petitions rising on the month before, collective petitions
 * already at township level, disputes past their deadline, major hazards
 * past their deadline.  Within the caller's scope.  Not a determination:
 * nothing here decides a result.  What is overdue is judged as it stood on
 * the month's last day (today, for the month under way): found by then, past
 * its deadline, and not closed (rectified) by then.  On village and
 * community subjects, the grassroots' reasons: grid-days of the month so far
 * without both patrols (grid_missing_patrols) and no auxiliary officer on
 * the day (no_village_police); and, beside the subjects, the officers whose
 * 1+5+N network is short (informant_networks_short).
 */
#ifndef SANLING_WARNINGS_H
#define SANLING_WARNINGS_H

#include <jansson.h>

struct db;
struct actor;
struct model_error;

/*
 * The warnings of `month` (YYYY-MM; NULL = the current month), at most
 * `limit` (negative: all), highest score first: { "month", "as_of" (the day overdue is
 * judged on), "items": [{subject, name,
 * township, kind, score, reasons: [{code, label, count}]}], "total",
 * "informant_networks_short": [{police_no, officer, township, township_name,
 * informants, industries}] or null }.
 */
int warnings_compute(struct db *db, const struct actor *a, const char *month, int limit,
		     json_t **out, struct model_error *e);

#endif
