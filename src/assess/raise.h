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

#endif
