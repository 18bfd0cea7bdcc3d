/*
 * entities: the descriptors of every record type, for the list `entities[]`
 * (entity.h) and for code that names one directly.  Data only; each is
 * defined beside its hooks (entities.c: places, units, subjects, accounts;
 * events.c: the events and the work around them).
 */
#ifndef SANLING_ENTITIES_H
#define SANLING_ENTITIES_H

#include <stdint.h>

#include "model/entity.h"

extern const struct entity_desc region_desc, department_desc, sector_desc, subject_desc,
	user_desc;
extern const struct entity_desc petition_desc, activity_desc, letter_desc, village_record_desc,
	inspection_desc, hazard_desc, accident_desc, case_desc, dispute_desc, standard_desc,
	checklist_desc;

/*
 * The class of an accident (enum accident_class) by the national thresholds
 * of deaths, serious injuries and direct loss (in fen).  A static string.
 */
const char *accident_class(int64_t deaths, int64_t serious, int64_t loss_fen);

#endif
