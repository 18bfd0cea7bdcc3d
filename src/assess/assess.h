/*
 * assess: the monthly determination (认定) of the creation standard.
 *
 * For a month M, every subject on the list in M gets a result per
 * dimension — petition (零上访), accident (零事故), case (零案件) — by the
 * rules of the standard version in force in M for its kind, computed
 * set-wise in SQL into `determinations`.  A month is recomputed whenever it
 * is read after a write that could change it (assess_versions), until it is
 * published; lead departments confirm their dimension or override one
 * subject's result with a reason; the office publishes (locks) and may
 * reopen.  Every such act is audited.
 *
 * Not here: the report figures (figures.h), early warnings (warnings.h),
 * HTTP (api/api_assess.c).
 */
#ifndef SANLING_ASSESS_H
#define SANLING_ASSESS_H

#include <jansson.h>
#include <stdint.h>

struct db;
struct strbuf;
struct actor;
struct model_error;

/* The veto rules in force for one kind in one month. */
struct assess_rules {
	char code[40];           /* the standard's version code, or "default" */
	char effective_from[8];
	int petition_rank;       /* a petition reaching this level fails (county = 3) */
	int collective_persons;  /* a collective petition has at least this many persons */
	int collective_rank;     /* ... and fails from this level (township = 2) */
	int accident_casualties; /* deaths + injuries that fail */
	int accident_production_only;
	int case_criminal;
	int case_public_order_major;
	double target;           /* percent, or < 0 when none */
	int checklist;           /* the eight-heading checklist counts */
	int checklist_pass;      /* ... and its mean score must reach this */
};

/* Rank of a petition level code: village 1 … national 6; 0 if unknown. */
int petition_level_rank(const char *level);

/* The rules for `kind` in `month` of `district` (defaults of DOMAIN.md when no version). */
int assess_rules_for(struct db *db, const char *district, const char *kind, const char *month,
		     struct assess_rules *out, struct strbuf *err);

/*
 * Make sure the determinations of months `from`..`to` (YYYY-MM) of
 * `district` reflect the current data: months never computed, or computed
 * before the district's last relevant write, are recomputed, except
 * published ones.  Returns 0 or -1 with `err`.
 */
int assess_refresh(struct db *db, const char *district, const char *from, const char *to,
		   struct strbuf *err);

/*
 * The version counter `table` (assess_versions, figure_versions) of
 * `district`: 0 when never bumped, -1 on error.
 */
int64_t assess_counter(struct db *db, const char *table, const char *district,
		       struct strbuf *err);

/*
 * Mark the determinations of `district` stale: its counter moves on, so
 * that every month not published is computed again at its next read (and
 * a district never marked gets its counter).  For writers outside the
 * entity write path, whose observer (freshness.c) bumps it: an override, a bulk load.  In
 * the caller's transaction.  0, or -1 with `err`.
 */
int assess_mark_stale(struct db *db, const char *district, struct strbuf *err);

/*
 * Begin a transaction that writes what is computed of `district`; on
 * PostgreSQL it also takes the advisory lock `lock` (one per kind of
 * computation) of the district, so that one connection computes it at a
 * time.  0, or -1 with `err` and no transaction.
 */
int assess_begin_district(struct db *db, int lock, const char *district, struct strbuf *err);

/* The dimensions and the lead role that certifies each. */
enum assess_dimension { DIM_PETITION, DIM_ACCIDENT, DIM_CASE, DIM__COUNT };
const char *assess_dimension_code(enum assess_dimension d);
int assess_dimension_parse(const char *s); /* -1 when unknown */

/*
 * Certification and publication, by the actor (errors: model_error with a
 * status for the API).  `month` YYYY-MM of the actor's district.
 *   certify:  a lead department confirms its own dimension of the month;
 *   override: a lead department sets one subject's result of its dimension
 *             ("pass" or "fail") with a written reason (≥ 4 characters);
 *   publish:  the office locks the month — every dimension confirmed;
 *   reopen:   the office unlocks it, with a reason.
 * Each is audited in the same transaction.
 */
int assess_certify(struct db *db, const struct actor *a, const char *month, const char *dimension,
		   struct model_error *e);
int assess_override(struct db *db, const struct actor *a, const char *month, const char *subject,
		    const char *dimension, const char *result, const char *reason,
		    struct model_error *e);
int assess_publish(struct db *db, const struct actor *a, const char *month, struct model_error *e);
int assess_reopen(struct db *db, const struct actor *a, const char *month, const char *reason,
		  struct model_error *e);

/*
 * What else happens when a month is published (the documents' archive,
 * report/report.h): `fn` is called with the publishing actor after the
 * publication has committed, outside its transaction; what it fails to do
 * does not undo the publication.  One part; at start-up.
 */
typedef void (*assess_publish_fn)(struct db *db, const struct actor *a, const char *month);
void assess_on_publish(assess_publish_fn fn);

/*
 * The months of the actor's district that have a determination, newest
 * first (at most 36): { "items": [{month, published, certified: {petition,
 * accident, case}, awaiting_me}], "latest_event_month" } — awaiting_me when
 * the actor is the lead of a dimension not yet confirmed in an unpublished
 * month, or the office and the month is ready to publish;
 * latest_event_month the last month with events of the three kinds or
 * inspections (null when none): where the district's report stands.
 */
int assess_months_json(struct db *db, const struct actor *a, json_t **out, struct model_error *e);

/* The state of a month: computed, certified dimensions, overrides, published. */
int assess_month_json(struct db *db, const struct actor *a, const char *month, json_t **out,
		      struct model_error *e);

/*
 * The month's results within the actor's scope: one row per subject with
 * provisional and final results per dimension and overall, and whether
 * each is certified; filters township, kind, fail (1/0), page/page_size.
 * assess_results_query() with only those filters.
 */
int assess_results_json(struct db *db, const struct actor *a, const char *month,
			const char *township, const char *kind, const char *fail, int page,
			int page_size, json_t **out, struct model_error *e);

/* Which subjects a list of results holds, and over which months (NULL: any). */
struct results_filter {
	const char *span;       /* "month" (default): the month's results; "year": year to date */
	const char *township;   /* the subjects' township */
	const char *supervisor; /* their supervising department (the sectors of the ranking) */
	const char *kind;       /* a subject kind: village, community, enterprise, institution */
	const char *group;      /* as the figures group kinds: village (村（社区）), enterprise (企事业单位) */
	const char *dimension;  /* petition, accident, case: failing that dimension (the month's, or any month's) */
	const char *fail;       /* "1": failing only, "0": complying only */
};

/*
 * The results of `month` within the actor's scope: the subjects on the
 * list at the end of the month, filtered by `f`, one page, with `counts`
 * {subjects, compliant, failing} over the filters but `fail`.  Span
 * "month": each subject's results of the month (assess_results_json()).
 * Span "year" (DOMAIN.md, 年度累计): whether the subject complied every
 * month from January through `month` — the subjects the figures'
 * villages_compliant/enterprises_compliant count, the failing ones their
 * total less those — and the months it failed, each with its dimensions
 * and the reason (assess_failure_reasons(): the events, or the lead's
 * override).  Failing subjects first.
 */
int assess_results_query(struct db *db, const struct actor *a, const char *month,
			 const struct results_filter *f, int page, int page_size, json_t **out,
			 struct model_error *e);

/*
 * Explain: for subject `subject` and `month`, the result, the rule version,
 * every event of the three kinds in that month with whether it counted, and
 * any override — within the actor's scope.
 */
int assess_explain(struct db *db, const struct actor *a, const char *subject, const char *month,
		   json_t **out, struct model_error *e);

/*
 * Subject `subject`'s months of `year` (YYYY) so far, within the actor's
 * scope: {subject, name, year, months: [{month, on_list, complies, fails:
 * {petition, accident, case}}], year_to_date: {months, complied, failed}}
 * (months on the list; one not on it neither complies nor fails).  The
 * same determinations as GET /months/{month}/results.
 */
int assess_subject_months(struct db *db, const struct actor *a, const char *subject,
			  const char *year, json_t **out, struct model_error *e);

/*
 * The districts `a` covers — every one for the system, its own for a
 * district's user, those under it for a city's or a province's office —
 * into *districts, and how many of them published `month` into *published;
 * with `unpublished` not NULL, the names of the others appended to it, in
 * their codes' order.
 */
int assess_month_publication(struct db *db, const struct actor *a, const char *month,
			     int64_t *districts, int64_t *published, json_t *unpublished,
			     struct strbuf *err);

/*
 * The months `from`..`to` of the actor's district(s) that are not published
 * (their figures use provisional results), comma-separated into `out`: a
 * city's or a province's, those some district under it has not published.
 */
int assess_provisional_months(struct db *db, const struct actor *a, const char *from,
			      const char *to, struct strbuf *out, struct strbuf *err);

/*
 * The districts the actor's figures cover — its own, or all for the system
 * — or of those, the ones whose determinations (DISTRICTS_STALE), or also
 * whose figure cells (DISTRICTS_STALE_CELLS), of months from..to are not
 * fresh: one query however many districts.  NULL-terminated; NULL with
 * `err` on error.
 */
enum assess_which { DISTRICTS_ALL, DISTRICTS_STALE, DISTRICTS_STALE_CELLS };
char **assess_districts(struct db *db, const struct actor *a, enum assess_which which,
			const char *from, const char *to, struct strbuf *err);
void assess_districts_free(char **d);

/* assess_refresh of months from..to of every district the actor covers. */
int assess_refresh_all(struct db *db, const struct actor *a, const char *from, const char *to,
		       struct strbuf *err);

/*
 * External districts: those that run a deployment of their own and report
 * to this one (a city's, a province's) by signed packages (`sanling
 * exchange`, migration 029).  Their data is not here, so their
 * determinations and figure cells are never computed here —
 * assess_districts() leaves them out of what is stale, assess_refresh()
 * and cells_refresh() do nothing for them — and the writes keep nothing of
 * them (their months are at version -1).  assess_is_external(): 1, 0, or
 * -1 with `err`.
 *
 * assess_external_store(): what a package of `month` (its `publication`,
 * published at `published_at`, seconds) says, in the caller's
 * transaction: months January..`month` published but those listed in the
 * array `provisional`, `month` itself with its publication, and the
 * package's cells (cells_import(), checked by cells_parse() first) —
 * which the figures of whoever covers the district then sum in.  0 or -1.
 */
int assess_is_external(struct db *db, const char *district, struct strbuf *err);
int assess_external_store(struct db *db, const char *district, const char *month,
			  int64_t publication, int64_t published_at, const json_t *provisional,
			  const json_t *cells, struct strbuf *err);

/*
 * Register the determination's write observer (freshness.c): a published
 * month's locks checked before every write, and the district's versions
 * bumped after.  Every program that writes records calls it at start-up.
 */
void assess_observe_writes(void);

#endif
