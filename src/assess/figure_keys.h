/*
 * figure_keys: the one table of the figures' keys.  Each figure that
 * `GET /api/v1/figures` and `sanling figures` return is one row here: its
 * key (a public contract, DOMAIN.md), its Chinese label, its unit, what it
 * counts in words and as a query of the list API (the records it counts),
 * so that the command line's printout, the OpenAPI schema of the figures,
 * the browser (`GET /api/v1/meta`, member "figures") and the computation
 * (figures.c, by enum figure_id) all read the same row.  A new figure is
 * one enum value and one row, plus its computation.
 *
 * Not here: computing the figures (figures.h, cells.h).
 */
#ifndef SANLING_FIGURE_KEYS_H
#define SANLING_FIGURE_KEYS_H

#include <jansson.h>
#include <stddef.h>

/* The figures, in the order of the report (and of the JSON object). */
enum figure_id {
	FIG_SUBJECTS_TOTAL,
	FIG_VILLAGES_TOTAL,
	FIG_VILLAGES_COMPLIANT,
	FIG_VILLAGES_RATE,
	FIG_ENTERPRISES_TOTAL,
	FIG_ENTERPRISES_COMPLIANT,
	FIG_ENTERPRISES_RATE,
	FIG_VILLAGES_ZERO_CASE_MONTHLY_RATE,
	FIG_ENTERPRISES_ZERO_CASE_MONTHLY_RATE,
	FIG_VISIT_BATCHES,
	FIG_VISIT_PERSONS,
	FIG_ONLINE_PETITIONS,
	FIG_PETITION_ACTIVITIES,
	FIG_INSPECTIONS,
	FIG_HAZARDS_FOUND,
	FIG_HAZARDS_RECTIFIED,
	FIG_COERCED_PERSONS,
	FIG_PROSECUTED_PERSONS,
	FIG_DISPUTES_MEDIATED,
	FIG_MEDIATION_SUCCESS_RATE,
	/* the work figures (work_figures.h): the office's work lists */
	FIG_TASKS_ASSIGNED,
	FIG_TASKS_DONE,
	FIG_TASKS_OVERDUE,
	FIG_PROBLEMS_FOUND,
	FIG_PROBLEMS_RECTIFIED,
	FIG_PROBLEMS_OVERDUE,
	FIG_SUPERVISION_CHECKS,
	FIG_COORDINATION_MEETINGS,
	/* the grassroots' (grass_figures.c) */
	FIG_PATROLS,
	FIG_PATROL_COMPLIANCE_RATE,
	FIG_HOUSEHOLD_VISITS,
	FIG_VILLAGE_POLICE_RATE,
	FIG_POLICE_SUBSIDY_PAID,
	FIG_INFORMANT_NETWORK_RATE,
	FIG_CADRE_VILLAGE_RATE,
	FIG__COUNT
};

enum figure_unit {
	FU_COUNT,   /* a whole number: records counted, or persons summed */
	FU_PERCENT, /* a percentage with one decimal, null for a share of an empty set */
	FU_YUAN,    /* an amount in yuan, two decimals */
};

/*
 * The records a figure counts, as queries of the list API
 * (`GET /api/v1/{entity}?{params}`, within the caller's scope as the figure
 * is): the figure is the number of records of all its queries together
 * (their totals added: the queries never share a record), or, with `sum`,
 * the sum of that field over them.  In params, {from} stands for January 1
 * of the month's year, {to} for the month's last day, {next} for the day
 * after it and {month} for the month (YYYY-MM); {january} for January of
 * the month's year (YYYY-MM), for lists of months.
 */
struct figure_query {
	const char *entity;    /* the list (its URL name); NULL: no list returns the records */
	const char *params;    /* "a=b&c=d", with {from} {to} {next} {month} {january} */
	const char *sum;       /* NULL: the records are counted; else the field summed */
};

struct figure_key {
	const char *key;       /* as in the JSON of the figures */
	const char *label;     /* the Chinese name, as the report reads */
	enum figure_unit unit;
	const char *measure;   /* the Chinese measure word of a count (个, 批, 人次 …), else NULL */
	const char *counts;    /* what it counts, in Chinese */
	struct figure_query list; /* for a share, the records of its numerator */
	const char *share_of;  /* a share: the key of the figure it is a share of */
	/*
	 * A figure of the monthly determination (subjects that complied, or
	 * had no failing case): the subject kind whose determination shows
	 * it (village, enterprise); no list query returns those subjects.
	 */
	const char *determination;
	/*
	 * The subjects a figure of the list or of the determination counts, as
	 * a query of GET /months/{month}/results ("span=year&group=village&
	 * fail=0"): its total is the figure (a share: its denominator, with the
	 * numerator in the answer's counts); NULL: none.
	 */
	const char *results;
};

extern const struct figure_key figure_keys[FIG__COUNT];

/* The row of `key`, or NULL. */
const struct figure_key *figure_key_find(const char *key);

/* "count", "percent" or "yuan". */
const char *figure_unit_code(enum figure_unit u);

/*
 * The table as JSON, for /api/v1/meta: an array of {key, label, unit,
 * measure, counts, list: {entity, queries: [{param: value}], sum} | null,
 * share_of, determination, results: {param: value} | null}, in the table's
 * order.  Caller owns it.
 */
json_t *figure_keys_json(void);

/*
 * The name the command line prints for a figure: its label with the
 * measure word in brackets (unless the label ends with it: 接待来访人次),
 * or " %" after a percentage.  Writes at most
 * `size` bytes into `buf` and returns it.
 */
const char *figure_key_title(const struct figure_key *fk, char *buf, size_t size);

#endif
