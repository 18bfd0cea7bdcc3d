/*
 * demo_int: what the parts of the demo district's generator share and
 * nobody else uses — demo_data.c (places, departments, subjects, accounts,
 * loading through the importer), demo_events.c (the calendar, the plan of
 * failures, petitions and petition work) and demo_safety.c (inspections,
 * hazards, accidents, cases, disputes); demo_work.c and demo_grass.c (the
 * office's year and the grassroots') are planned without the stream.
 */
/*
 * The demo was planned on one stream of draws (sample.h) in the order in
 * which GCC happened to evaluate the arguments of a call — the last
 * first.  C leaves that order unspecified (clang takes the first first),
 * so no call here makes two draws in its arguments: they are made in
 * statements of their own, in that same order, where a comment says "see
 * demo_int.h", and the demo is the same whatever the compiler.
 */
#ifndef SANLING_DEMO_INT_H
#define SANLING_DEMO_INT_H

#include <stdint.h>

#include "cli/sample.h"

struct crypto_keys;
struct db;
struct strbuf;

#define DISTRICT "411603000000"
#define NTOWNSHIPS 20
#define NVILLAGES 475
#define NCOMMUNITIES 35 /* of the 475: communities, in the towns' seats */
#define NENTERPRISES 1726
#define NLEFT 12 /* enterprises that left the list in 2022 */
#define NSUBJECTS (NVILLAGES + NENTERPRISES + NLEFT)


struct place {
	char name[64];
	char code[32];
	char grid[40];
	int township;
};

/*
 * A creation subject as the event generator needs it.  Months are counted
 * from January 2022 (0) to August 2023 (19); `to` is -1 while on the list.
 */
struct subj {
	char code[40];
	char name[96];
	const char *kind, *category, *supervisor;
	int village, township, from, to;
};

#define NMONTHS SAMPLE_MONTHS /* 2022-01 .. 2023-08 */

/* What the demo's calendar and subjects are, and its random stream. */
struct demo {
	struct db *db;
	const struct crypto_keys *keys;
	const struct place *villages;
	struct subj *subj;
	struct sample_calendar cal; /* 2023-08-31 (cal.last) is the demo's today */
	struct rng r;
	/* the petitions, kept for the request letters */
	struct pet *pets;
	int npets;
	int rows; /* events loaded */
};

/*
 * How much of each kind of work a year holds (2023: January to August):
 * visits and their persons, online, letter and phone petitions (those that
 * fail a subject included), petition-work activities, village days and
 * 调处室 records, inspections and the hazards they find, accidents that fail
 * no one (on the roads; at a subject without casualties), criminal cases
 * (`solved` of them with `coerced` persons, `prosecuted` of whom referred),
 * public-order cases without major impact, and disputes by how they ended
 * (`carried`: found at the year's end, settled in the next).
 */
struct year_plan {
	int year, first, n; /* calendar year, index of its January, months */
	int visits, visit_persons, online, letters, phones;
	int activities, village_days, mediation_rooms;
	int inspections, hazards;
	int road_accidents, minor_accidents;
	int criminal, solved, coerced, prosecuted, public_order;
	int disputes_success, disputes_failed, disputes_referred, disputes_open, disputes_carried;
};

/*
 * Why a subject fails a month: a petition that reached the county or
 * higher, a collective one (five or more persons) at township level or
 * higher, an accident with casualties, a criminal case, a public-order case
 * of major impact.
 */
enum why { W_PETITION, W_COLLECTIVE, W_ACCIDENT, W_CRIMINAL, W_MAJOR };

/* Subject `s` (index into demo.subj) fails month `m` by `why`. */
struct fail {
	int s, m;
	enum why why;
};

struct fails {
	struct fail *v;
	int n, cap;
};

static inline int min_int(int a, int b)
{
	return a < b ? a : b;
}

/* Is subject `s` on the list in month `m`? */
static inline int on_list(const struct subj *s, int m)
{
	return m >= s->from && (s->to < 0 || m <= s->to);
}

/* ---- demo_data.c ---- */

extern const char *const demo_township_names[NTOWNSHIPS];
extern const char *const demo_surnames[40];

/* Append `s` as a CSV cell, quoted when it must be, then "," or the end of the row. */
void demo_csv_cell(struct strbuf *csv, const char *s, int last);
/*
 * Import `csv` as records of `kind`, as the system acting for `district`
 * (NULL: for no district in particular).  0, or -1 with `err`.
 */
int demo_load_as(struct db *db, const struct crypto_keys *keys, const char *kind,
		 const struct strbuf *csv, const char *district, struct strbuf *err);
/* A mobile number. */
void demo_phone(struct rng *r, struct strbuf *out);

/* ---- demo_events.c ---- */

extern const struct year_plan demo_years[2];
extern const char *const demo_given_names[30];

/*
 * All the events of the district, planned month by month, loaded kind by
 * kind; `*rows` is set to how many.  0, or -1 with `err`.
 */
int demo_events(struct db *db, const struct crypto_keys *keys, const struct place *villages,
		struct subj *subj, int *rows, struct strbuf *err);
/* Load the events of `kind` as the district's system, counting them. */
int demo_load_events(struct demo *d, const char *kind, const struct strbuf *csv,
		     struct strbuf *err);
/* Split `total` over the months of `y` in proportion to the season (largest remainder). */
void demo_spread(int total, const struct year_plan *y, int *out);
/* Day `day` (from 2022-01-01; none when < 0) as a CSV cell. */
void demo_add_day(struct strbuf *csv, const struct demo *d, int day, int last);
int demo_month_of_day(const struct demo *d, int day);
/* A day of month `m`. */
int demo_day_in(struct demo *d, int m);
int demo_is_village(const struct subj *s);
int demo_any_village(struct demo *d);
/* An enterprise or institution on the list in month `m`. */
int demo_any_enterprise(struct demo *d, int m);
/* A village or community of township `t`. */
int demo_village_in(struct demo *d, int t);
int demo_any_of_category(struct demo *d, int m, const char *category);
/* Township `t`'s code as a CSV cell. */
void demo_township_code(int t, struct strbuf *csv);
/* A person's name. */
void demo_person(struct rng *r, struct strbuf *out);
/* One text cell, from a printf format. */
__attribute__((format(printf, 3, 4)))
void demo_cellf(struct strbuf *csv, int last, const char *fmt, ...);

/* ---- demo_safety.c ---- */

/* Each kind's records of both years, loaded: 0, or -1 with `err`. */
int demo_inspections(struct demo *d, struct strbuf *err);
int demo_accidents(struct demo *d, const struct fails *f, struct strbuf *err);
int demo_cases(struct demo *d, const struct fails *f, struct strbuf *err);
int demo_disputes(struct demo *d, struct strbuf *err);

/* ---- demo_work.c ---- */

/* The office's work of 2023 (meetings, checks, tasks, problems), loaded: 0, or -1 with `err`. */
int demo_work(struct db *db, const struct crypto_keys *keys, struct strbuf *err);

/* ---- demo_places.c ---- */

/*
 * The subjects' coordinates (lat, lon), from their codes alone: 0, or -1
 * with `err`.
 */
int demo_places(struct db *db, const struct place *villages, const struct subj *subj,
		struct strbuf *err);

/* ---- demo_grass.c ---- */

/*
 * The grassroots of 2023 (grids and staff, patrols, household visits, the
 * police network and its ledger, informants, cadres, campaigns), loaded:
 * 0, or -1 with `err`.
 */
int demo_grass(struct db *db, const struct crypto_keys *keys, const struct place *villages,
	       struct strbuf *err);

#endif
