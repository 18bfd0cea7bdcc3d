/*
 * report_int.h: what the documents' builders share (report.c), private to
 * src/report/.
 */
#ifndef SANLING_REPORT_INT_H
#define SANLING_REPORT_INT_H

#include <jansson.h>
#include <stdint.h>

#include "base/strbuf.h"

struct db;
struct actor;
struct doc;
struct doc_table;
struct model_error;
struct report_request;

/* One document being written: who for, of what, and the figures it reads. */
struct report_ctx {
	struct db *db;
	const struct actor *a;
	const char *month;       /* YYYY-MM (monthly, bulletin, minutes: the meeting's month) */
	int year, mon;
	char last_day[16];       /* the month's last day */
	struct strbuf unit;      /* who the document is of: the district, or the township in scope */
	struct strbuf district;  /* the district's name (a city's or province's: the region's) */
	json_t *fig;             /* the figures through the month (figures_compute) */
	json_t *prev;            /* through the month before, in the same year; NULL in January */
	int published;           /* the month is published (its results are final); a
				    region's: by every district under it */
	json_t *unpublished;     /* a region's: the names of its districts that have not
				    published the month (NULL for a district) */
	const char *level_word;  /* a region's: "市" or "省" (NULL for a district) */
};

/*
 * Who reads the documents: the district's office, leads, sectors and
 * townships; a city's or a province's office (role region) its bulletin.
 */
int report_may_read(const struct actor *a);

/* Set up `c` for month `month` (checked); reads the figures. */
int report_ctx_init(struct report_ctx *c, struct db *db, const struct actor *a,
		    const char *month, struct model_error *e);
void report_ctx_release(struct report_ctx *c);

/* The builders, one per kind: the document into `*out`. */
int report_monthly(struct report_ctx *c, struct doc **out, struct model_error *e);
int report_bulletin(struct report_ctx *c, struct doc **out, struct model_error *e);
/* A city's or a province's bulletin: its districts ranked (bulletin.c). */
int report_region_bulletin(struct report_ctx *c, struct doc **out, struct model_error *e);
int report_minutes(struct db *db, const struct actor *a, const char *meeting, struct doc **out,
		   struct model_error *e);
int report_notice(struct db *db, const struct actor *a, const char *item, struct doc **out,
		  struct model_error *e);

/* A figure as an integer (0 when null), and a percentage in tenths (*has 0 when null). */
int64_t report_int(json_t *fig, const char *key);
int64_t report_tenths(json_t *fig, const char *key, int *has);
/* "85.7%" of tenths into `out`; report_add_tenths() without the sign: "85.7". */
void report_add_percent(struct strbuf *out, int64_t tenths);
void report_add_tenths(struct strbuf *out, int64_t tenths);
/* A date YYYY-MM-DD as 2023年8月21日. */
void report_add_date(struct strbuf *out, const char *date);

/*
 * The records of list `entity` that `query` ("a=b&c=d"; {from} {to} {next}
 * {month} stand for the month's dates as in figure_keys.h) selects within
 * the actor's scope, up to 500, appended to `items`; nothing when the actor
 * may not read the list.
 */
int report_list(struct report_ctx *c, const char *entity, const char *query, json_t *items,
		struct model_error *e);
/* A record's text field ("" when absent). */
const char *report_str(json_t *o, const char *key);

/* The name of region or department `code` ("" when not found). */
void report_region_name(struct db *db, const char *code, struct strbuf *out);
void report_dept_name(struct db *db, const char *code, struct strbuf *out);

/*
 * The tables both the report and the bulletin carry: the subjects that
 * failed the month, with why (the determination's evidence), and the
 * tasks and problems overdue at the month's end (the records the work
 * figures count).  Each says in a paragraph when there are none.
 */
int report_failed_table(struct report_ctx *c, struct doc *d, struct model_error *e);
int report_overdue_tables(struct report_ctx *c, struct doc *d, struct model_error *e);

/* The opening sentence of the month's figures (the source's): 截至8月底，淮阳区创建主体… */
void report_opening(struct report_ctx *c, struct strbuf *s);

/* The closing of the office's documents: issuer and date; a note of how it was made. */
void report_sign(struct report_ctx *c, struct doc *d);

#endif
