/*
 * entities: the descriptors of every record type, for the list `entities[]`
 * (entity.h) and for code that names one directly, and the derivations
 * of their hooks that a writer outside the write path needs too (the
 * benchmarks' bulk generator), so that both derive alike.  Each is defined
 * beside its hooks (entities.c: places, units, subjects, accounts;
 * events.c: the events and the work around them).
 */
#ifndef SANLING_ENTITIES_H
#define SANLING_ENTITIES_H

#include <stdint.h>

#include "base/date.h"

#include "model/entity.h"

extern const struct entity_desc region_desc, department_desc, sector_desc, subject_desc,
	user_desc;
extern const struct entity_desc petition_desc, activity_desc, letter_desc, village_record_desc,
	inspection_desc, hazard_desc, accident_desc, case_desc, dispute_desc, standard_desc,
	checklist_desc;
/* work.c: the office's work lists */
extern const struct entity_desc task_desc, check_desc, problem_desc, meeting_desc;
/* grassroots.c */
extern const struct entity_desc grid_staff_desc, patrol_desc, household_visit_desc,
	police_assignment_desc, police_subsidy_desc, police_equipment_desc, informant_desc,
	cadre_assignment_desc, cadre_visit_desc, campaign_desc;
/* duban.c: 督办 and the work calendar */
extern const struct entity_desc work_calendar_desc, supervision_desc, supervision_feedback_desc;
/* the assessment table and manual scores of the ranking (assessment.c) */
extern const struct entity_desc assessment_item_desc, assessment_score_desc;
extern const struct entity_desc decision_desc, task_update_desc;

/*
 * What a petition's hook derives from what was given: whether it is
 * collective (five or more persons), whether it is a repeat (it names a
 * previous petition), and the dates by which it must be accepted (15 days
 * after it was received) and answered (60).  `received_on` is YYYY-MM-DD.
 */
struct petition_derived {
	const char *collective, *repeat; /* "1" or "0" */
	char accept_due[DATE_BUFSZ], reply_due[DATE_BUFSZ];
};
void petition_derive(const char *received_on, int64_t persons, int has_previous,
		     struct petition_derived *out);

/* A hazard's state from its dates (NULL when not given): open, rectified or verified. */
const char *hazard_state(const char *rectified_on, const char *verified_on);

/*
 * The class of an accident (enum accident_class) by the national thresholds
 * of deaths, serious injuries and direct loss (in fen).  A static string.
 */
const char *accident_class(int64_t deaths, int64_t serious, int64_t loss_fen);

#endif
