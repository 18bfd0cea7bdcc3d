/*
 * confirm: the monthly confirmation of the subjects' list (一月一动态,
 * issue 14).  Each month every supervising department (a department of the
 * district with the 行业主管 function) and every township confirms that its
 * subjects are current; the office watches who has and who has not.
 *
 * The counts of a unit for month M are read from the subjects' history
 * (subjects_history: every version with the month it takes effect), each
 * subject taken as it stood at the end of M (its version of greatest rev
 * whose month <= M) and placed in the unit that version names (its
 * `supervisor`, its `township`):
 *
 *   subjects  on the list at the end of M: active_from <= M and
 *             (active_to empty or active_to > M) — carried into M+1;
 *   added     came on the list in M: active_from = M;
 *   closed    left the list in M: active_to = M (on the list during M,
 *             not after it);
 *   changed   on the list during M, neither added nor closed in M, with at
 *             least one other edit made in M: an "update" version written
 *             in M that differs from the version before it in a field (a
 *             PATCH or an import row that changes nothing does not count).
 *
 * So subjects(M) = subjects(M-1) + added(M) - closed(M) for a unit whose
 * subjects did not move to or from another unit in M.
 */
#ifndef SANLING_CONFIRM_H
#define SANLING_CONFIRM_H

#include <jansson.h>

#include "model/errors.h"
#include "model/role.h"

struct db;

/*
 * GET /confirmations?month=M: {month, items: [{unit_kind, unit, unit_name,
 * confirmed, confirmed_by, confirmed_at, subjects, added, changed, closed,
 * at_confirmation}], total, unconfirmed}.  The office: every unit of its
 * district; a supervising department or a township: its own unit only;
 * others MODEL_EFORBIDDEN.  `month` NULL: the current month.
 */
int confirm_list(struct db *db, const struct actor *a, const char *month, json_t **out,
		 struct model_error *e);

/*
 * POST /confirmations/{month}: the actor's own unit confirms month M (not
 * a future one); audited.  MODEL_ECONFLICT when it has already confirmed M.
 * `out`: the unit's item as confirm_list() gives it.
 */
int confirm_unit(struct db *db, const struct actor *a, const char *month, json_t **out,
		 struct model_error *e);

/*
 * The subjects behind one count of one unit in month M: `change` is
 * "added", "changed", "closed" or "subjects"; `unit` (a department's code
 * or a township's region code; NULL: the actor's own unit) and `unit_kind`
 * ("department", "township"; NULL: found from the code) within the actor's
 * reach.  {month, unit_kind, unit, unit_name, change, items: [{code, name,
 * township, supervisor, active_from, active_to}], total}.
 */
int confirm_subjects(struct db *db, const struct actor *a, const char *month,
		     const char *unit, const char *unit_kind, const char *change,
		     json_t **out, struct model_error *e);

/*
 * Has the actor's unit yet to confirm `month` (NULL: the current month)?
 * 1 when the actor is a supervising department or a township that has not
 * confirmed it, 0 when it has or when the actor confirms nothing, negative
 * MODEL_EDB (with `e`, which may be NULL) on a database error.  For the
 * to-do list.
 */
int confirm_pending(struct db *db, const struct actor *a, const char *month,
		    struct model_error *e);

#endif
