/*
 * work: the office's actions on its work lists beyond the generic writes
 * (work_actions.c): 交办 (a meeting's agreed item made a task) and the
 * problems raised automatically.
 */
#ifndef SANLING_WORK_H
#define SANLING_WORK_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "model/entity.h"

/*
 * 交办: agreed item `id` (meeting_decisions) becomes a task — source
 * `meeting`, its meeting, the item (`decision`), a title cut from its text,
 * its owner, co-owners, township and due date, assigned today or on
 * `assigned_on` of `in` (which may also give `no` and `title`; NULL: none)
 * — and the task's number is written back on the item, in one transaction,
 * audited.  The task's number, when not given, is RW<year>-<nnnn>: the
 * year of its assignment and the next number of that year.  MODEL_ECONFLICT
 * (field task) when the item already has a task, MODEL_EINVAL naming
 * owner or due_on when it lacks one.  `*out`: the task as JSON.
 */
int work_assign(const struct model_ctx *mc, int64_t id, json_t *in, json_t **out,
		struct model_error *e);

/* A problem to raise: what raised it (the unique key) and what it says. */
struct raise_item {
	const char *raised_by;	 /* determination:YYYY-MM:SUBJECT */
	const char *subject;
	const char *description;
};

struct raise_counts {
	int determination, hazard; /* problems raised by each source */
};

/* Days from a raised problem's discovery to its rectification deadline. */
#define WORK_RAISE_DEADLINE_DAYS 30

/*
 * Raise the problems not raised yet, found on `today` (YYYY-MM-DD) with a
 * deadline WORK_RAISE_DEADLINE_DAYS later, within the actor's district
 * (the system: every district), in one transaction audited with the
 * counts: one of source `determination` for each of `items` (the subjects
 * that failed a published month: assess/raise.c finds them), and one of
 * source `hazard` for each major hazard past its deadline on `today` and
 * not rectified.  Each is raised once (problems.raised_by is unique): a
 * second pass raises nothing.
 */
int work_raise(const struct model_ctx *mc, const char *today, const struct raise_item *items,
	       size_t n, struct raise_counts *out, struct model_error *e);

#endif
