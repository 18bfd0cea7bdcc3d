/*
 * enums: the enumerations of DOMAIN.md, codes and Chinese labels.  The codes
 * are the API's and the templates' values; the labels are shown in the
 * browser and accepted on import.  Data only.
 */
#ifndef SANLING_ENUMS_H
#define SANLING_ENUMS_H

#include "model/entity.h"

extern const struct enum_desc enum_region_level;
extern const struct enum_desc enum_dept_role;
extern const struct enum_desc enum_user_role;
extern const struct enum_desc enum_subject_kind;
extern const struct enum_desc enum_subject_category;
extern const struct enum_desc enum_petition_channel;
extern const struct enum_desc enum_petition_level;
extern const struct enum_desc enum_petition_category;
extern const struct enum_desc enum_petition_status;
extern const struct enum_desc enum_petition_work_kind;
extern const struct enum_desc enum_safety_domain;
extern const struct enum_desc enum_hazard_level;
extern const struct enum_desc enum_case_kind;
extern const struct enum_desc enum_case_category;
extern const struct enum_desc enum_case_status;
extern const struct enum_desc enum_dispute_source;
extern const struct enum_desc enum_dispute_category;
extern const struct enum_desc enum_mediation_kind;
extern const struct enum_desc enum_dispute_status;
extern const struct enum_desc enum_risk_level;
extern const struct enum_desc enum_satisfaction;
extern const struct enum_desc enum_village_record_kind;
extern const struct enum_desc enum_accident_class;
extern const struct enum_desc enum_hazard_state;

/* Every enumeration, NULL-terminated (for /api/v1/meta). */
extern const struct enum_desc *const all_enums[];

#endif
