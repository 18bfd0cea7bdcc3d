/*
 * raise: the problems raised automatically (raise.c) — from the subjects
 * that failed a published month, and (through the model's work_raise())
 * from the major hazards left past their deadline.
 */
#ifndef SANLING_RAISE_H
#define SANLING_RAISE_H

#include "model/errors.h"
#include "model/role.h"
#include "model/work.h"

/*
 * Raise, found on `today`, the problems not raised yet within the actor's
 * district (the system: every district): one per subject and published
 * month it failed, one per major hazard past its deadline and not
 * rectified.  One transaction, audited with the counts (`*counts`).
 * Never called by an import or a read: the office's action, the command
 * line and the scheduler's daily pass.
 */
int assess_raise_problems(struct db *db, const struct actor *a, const char *today,
			  struct raise_counts *counts, struct model_error *e);

/*
 * Why `subject` failed `month`, for the dimensions set in `fails`
 * (DIM__COUNT flags), appended to `out`: 零上访（信访XF2023-0012不符合创建标准）
 * … — the events that vetoed it (explain), or the lead department's reason
 * when it changed the result; the checklist when it failed that.
 */
int assess_failure_reasons(struct db *db, const struct actor *a, const char *month,
			   const char *subject, const int *fails, struct strbuf *out,
			   struct model_error *e);

#endif
