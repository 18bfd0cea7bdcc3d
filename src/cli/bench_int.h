/*
 * bench_int: what the parts of the benchmarks' generator share and nobody
 * else uses — bench_data.c (a district's places, departments and subjects,
 * the loading of rows, the districts one by one) and bench_events.c (the
 * plan of failures and every kind of event, planned then loaded).
 */
#ifndef SANLING_BENCH_INT_H
#define SANLING_BENCH_INT_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "base/date.h"
#include "cli/bench_data.h"
#include "cli/sample.h"
#include "model/role.h"
#include "model/stored.h"

struct db;
struct db_bulk;
struct strbuf;

#define NTOWN 20
#define NVILL 475
#define NCOMM 35  /* of the villages: communities, in the towns' seats */
#define NENT 1726
#define NLEFT 12  /* enterprises that left the list in 2022 */
#define NSUBJ (NVILL + NENT + NLEFT)
#define NMONTHS SAMPLE_MONTHS /* 2022-01 .. 2023-08 */
#define NDAYS 700  /* day strings: the 608 days and room for due dates after them */
#define DEMO_COUNTY 1603
#define NF(a) (sizeof(a) / sizeof((a)[0]))


/* a district's departments (bench_data.c), and those that events name by index */
#define NDEPT 14
enum { D_OFFICE, D_PETITION, D_SAFETY, D_POLICE };

/* enterprises and institutions per category: 1,726 in all (the demo's spread) */
enum cat {
	C_SCHOOL, C_KINDERGARTEN, C_HOSPITAL, C_MARKET, C_SCENIC, C_ENTERTAINMENT, C_CAFE,
	C_MALL, C_STATION, C_PHARMACY, C_RESTAURANT, C_FACTORY, C_MINE, C_RESEARCH, C_OTHER,
	C__COUNT
};

enum table {
	T_REGIONS, T_DEPARTMENTS, T_SECTOR_MAP, T_SUBJECTS, T_HISTORY, T_PETITIONS, T_ACTIVITIES,
	T_LETTERS, T_VILLAGE_RECORDS, T_INSPECTIONS, T_HAZARDS, T_ACCIDENTS, T_CASES, T_DISPUTES,
	T_STALE, T_PATROLS, T__COUNT
};

#define ROW_BUFSZ 4096

struct row {
	const char *v[STORED_MAX_COLUMNS];
	char buf[ROW_BUFSZ];
	size_t used;
	int overflow;
	const char *unknown; /* a column set that the table does not have */
};

struct village {
	char code[40], grid[48], name[64];
	int township;
};

struct subj {
	char code[48], name[128];
	const char *kind, *category;
	int cat;     /* enum cat, or -1 for villages and communities */
	int village; /* where it stands */
	int township;
	int from, to; /* months on the list (0 = 2022-01); to = -1 while on it */
	int dept;     /* departments[] index of its supervisor, or -1: its township's */
};

enum why { W_PETITION, W_COLLECTIVE, W_ACCIDENT, W_CRIMINAL, W_MAJOR };

struct fail {
	int s, m;
	enum why why;
};

struct pet {
	int day, ord, s, township, persons, prev, seq, year;
	int channel, level, category;
};

struct insp {
	int day, ord, s, domain, hazard, seq;
};

struct acc {
	int day, ord, s, township, domain, deaths, injuries, serious, production;
	int64_t loss_fen;
};

struct kase {
	int day, ord, s, township, criminal, major, category, coerced, prosecuted;
};

struct gen {
	struct db *db;
	FILE *out;
	uint64_t seed;
	const struct bench_options *opt;
	char epoch[24]; /* created_at and updated_at of every row */
	struct actor sys;

	/* the calendar */
	struct sample_calendar cal;
	char day[NDAYS][DATE_BUFSZ];
	char month[NMONTHS][MONTH_BUFSZ];
	int64_t season_sum;

	/* the district being generated */
	int county;
	char code[40];   /* 41cccc000000 */
	char prefix[16]; /* 41cccc */
	char name[32];
	char town_name[NTOWN][32];
	char dept_code[NDEPT][24];
	char town[NTOWN][40]; /* township codes */
	char town_dept[NTOWN][24];
	int factor; /* per mille */
	struct rng r;
	struct village vill[NVILL];
	struct subj subj[NSUBJ];
	SAMPLE_VEC(struct fail) fails;
	SAMPLE_VEC(struct pet) pets;
	SAMPLE_VEC(struct insp) insps;
	SAMPLE_VEC(struct acc) accs;
	SAMPLE_VEC(struct kase) kases;

	/* loading */
	struct stored_columns cols[T__COUNT]; /* of the bulk loads */
	struct row row;
	struct db_bulk *bulk;
	enum table table;
	int col_next;
	int64_t rows[T__COUNT];
	int64_t district_rows;
	double secs[T__COUNT];
	struct timespec t_table;
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

static inline const char *supervisor_code(const struct gen *g, const struct subj *s)
{
	return s->dept >= 0 ? g->dept_code[s->dept] : g->town_dept[s->township];
}

static inline const char *town_code(struct gen *g, int t)
{
	return g->town[t];
}

/* ---- bench_data.c ---- */

extern const char *const bench_surnames[40];
extern const char *const bench_given[20];

/* A formatted value kept in the row's buffer until the row is sent. */
__attribute__((format(printf, 2, 3)))
const char *bench_rowf(struct row *r, const char *fmt, ...);
static inline const char *rowint(struct row *r, int64_t v)
{
	return bench_rowf(r, "%" PRId64, v);
}

/* A day of month `m` (days from 2022-01-01; months from 2022-01). */
int bench_day_in(struct gen *g, int m);
int bench_year_of_day(const struct gen *g, int day);
/*
 * How many of a kind of event fall in month `m`, of `annual` a year in an
 * average district: its share of the season times the district's factor,
 * with the fractions carried from month to month in `*carry`.
 */
int bench_monthly(struct gen *g, int m, int annual, int64_t *carry);
int bench_any_village(struct gen *g);
/* An enterprise or institution on the list in month `m`. */
int bench_any_enterprise(struct gen *g, int m);
/* A village or community of township `t`. */
int bench_village_in(struct gen *g, int t);
/* An enterprise on the list in month `m` whose category is in `pool` (ends with -1). */
int bench_enterprise_of(struct gen *g, int m, const int *pool);

/*
 * Loading a table: begin, then set a row's values with SET() and send it
 * with bench_load_row(), as often as there are rows, then end (always,
 * even after a failure).  0, or -1 with `err`.
 */
int bench_load_begin(struct gen *g, enum table t, struct strbuf *err);
int bench_load_row(struct gen *g, struct strbuf *err);
int bench_load_end(struct gen *g, struct strbuf *err);
/* The index of column `key` of the table being loaded. */
int bench_col(struct gen *g, const char *key);
#define SET(g, key, val) ((g)->row.v[bench_col((g), (key))] = (val))

/* ---- bench_events.c ---- */

/* Plan the district's failures and events (after its places and subjects). */
void bench_plan_fails(struct gen *g);
void bench_plan_petitions(struct gen *g);
void bench_plan_inspections(struct gen *g);
void bench_plan_accidents(struct gen *g);
void bench_plan_cases(struct gen *g);
/* Load what was planned, each kind into its table(s): 0, or -1 with `err`. */
int bench_load_petitions(struct gen *g, struct strbuf *err);
int bench_load_activities(struct gen *g, struct strbuf *err);
int bench_load_inspections(struct gen *g, struct strbuf *err);
int bench_load_accidents(struct gen *g, struct strbuf *err);
int bench_load_cases(struct gen *g, struct strbuf *err);
int bench_load_disputes(struct gen *g, struct strbuf *err);

/* ---- bench_patrols.c ---- */

/* The code of grid `k` of the district (0 .. opt->grids - 1; < NVILL: the villages' own). */
const char *bench_grid_code(struct gen *g, int k, char *buf, size_t size);
/* The district's grids beyond its villages' own (opt->grids - NVILL), as regions. */
int bench_load_grids(struct gen *g, struct strbuf *err);
/*
 * A year of patrols of every grid of the district (opt->patrol_year), into
 * the patrols table or, with opt->patrol_csv, as rows of the patrols
 * template into that file.  0, or -1 with `err`.
 */
int bench_load_patrols(struct gen *g, struct strbuf *err);

#endif
