/*
 * enums: the enumerations of DOMAIN.md, codes and Chinese labels.  The codes
 * are the API's and the templates' values; the labels are shown in the
 * browser and accepted on import.  These tables are the shipped items; the
 * office's dictionary (dict.h) lays its labels, order, disabled items and
 * added items over them, and the two lookups here read through it.
 */
#ifndef SANLING_ENUMS_H
#define SANLING_ENUMS_H

struct enum_item {
	const char *code;
	const char *label;
	int fixed;		/* an item of an open enumeration the code names */
};

struct enum_desc {
	const char *name;             /* "subject_kind" */
	const char *label;            /* 字典名称: "主体类型" */
	int open;                     /* the office may add items and disable unfixed ones */
	const struct enum_item *items; /* ends with { NULL, NULL } */
};

/*
 * Enumeration code for `s` given as a code or a label (the current one, or
 * the shipped one a renamed item had); NULL if neither.  A disabled item is
 * still found: old records keep it (dict_check_enabled() refuses new uses).
 */
const char *enum_lookup(const struct enum_desc *en, const char *s);
/* The current label of `code` (`code` itself when unknown). */
const char *enum_label(const struct enum_desc *en, const char *code);

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
extern const struct enum_desc enum_task_source;
extern const struct enum_desc enum_task_status;
extern const struct enum_desc enum_check_kind;
extern const struct enum_desc enum_problem_source;
extern const struct enum_desc enum_problem_level;
extern const struct enum_desc enum_problem_status;
extern const struct enum_desc enum_grid_staff_role;
extern const struct enum_desc enum_patrol_slot;
extern const struct enum_desc enum_visit_kind;
extern const struct enum_desc enum_police_kind;
extern const struct enum_desc enum_informant_industry;
/* 督办 and the work calendar (duban.c) */
extern const struct enum_desc enum_supervision_item_kind;
extern const struct enum_desc enum_supervision_level;
extern const struct enum_desc enum_supervision_status;
extern const struct enum_desc enum_supervision_card;
extern const struct enum_desc enum_feedback_review;
extern const struct enum_desc enum_calendar_kind;
extern const struct enum_desc enum_assessment_applies;
extern const struct enum_desc enum_assessment_method;
extern const struct enum_desc enum_assessment_unit;

/* Every enumeration, NULL-terminated (for /api/v1/meta). */
extern const struct enum_desc *const all_enums[];

#endif
