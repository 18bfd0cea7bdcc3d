/*
 * test_warnings: unit tests of early warning (src/assess/warnings.c,
 * warnings_compute): on a small district built through the model, the
 * subjects at risk in a month are the ones the test's own tables give,
 * each with its reasons and counts; they are ranked by score, highest
 * first, ties by subject code; `limit` cuts the list (also inside a tie)
 * while `total` counts them all; the caller's scope and the list of the
 * month (who is on it) bound them; what is overdue is judged as it stood
 * on the month's last day.
 *
 * The expected counts, scores and order are computed here from the tables
 * below, with the weights warnings.c gives each risk (its policy, written
 * again here), and sorted by the test's own comparison.  Every test runs
 * on a fresh SQLite file and, when SANLING_TEST_PG holds a postgresql://
 * URL, on a PostgreSQL schema of its own as well.  Not a test of the HTTP
 * endpoint.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "assess/assess.h"
#include "assess/warnings.h"
#include "base/crypto.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "model/audit.h"
#include "model/entity.h"
#include "model/role.h"

#include "engines.h"

/* ---- the fixture: one fresh, migrated database per test (engines.h) ---- */

static struct db *g_db;            /* the database of the running test */

#define exec_ok(sql) engines_exec(g_db, (sql))

#define create_ok(ent, in) engines_create(g_db, (ent), (in))

/* ---- the district, as tables the expectations are computed from ---- */

#define MONTH "2025-06"
#define PREV "2025-05"
#define ASOF "2025-06-30" /* the month's last day: overdue is judged on it */

/*
 * 330101 with townships T1 330101001 and T2 330101002; 330102 with
 * 330102001.  W7 joins the list in July and W8 left it in May: neither is
 * on June's list.  W6's petitions fall (no risk).
 */
static const struct wsubj {
	const char *code, *township, *district, *from, *to;
} subjects[] = {
	{ "W1", "330101001", "330101", "2025-01", NULL },
	{ "W2", "330101002", "330101", "2025-01", NULL },
	{ "W3", "330101001", "330101", "2025-01", NULL },
	{ "W4", "330101002", "330101", "2025-01", NULL },
	{ "W5", "330101001", "330101", "2025-01", NULL },
	{ "W6", "330101001", "330101", "2025-01", NULL },
	{ "W7", "330101002", "330101", "2025-07", NULL },
	{ "W8", "330101001", "330101", "2025-01", "2025-05" },
	{ "W9", "330101001", "330101", "2025-01", NULL },
	{ "W10", "330101002", "330101", "2025-01", NULL },
	{ "W11", "330101001", "330101", "2025-01", NULL },
	{ "W12", "330101002", "330101", "2025-06", "2025-06" },
	{ "B1", "330102001", "330102", "2025-01", NULL },
};
#define NSUBJ (sizeof(subjects) / sizeof(subjects[0]))

static const struct wpet {
	const char *no, *subject, *date, *level, *previous;
	int persons;
} petitions[] = {
	/* W1: one collective petition at township level */
	{ "P01", "W1", "2025-06-05", "township", NULL, 6 },
	/* W2: one in May, two repeats of it in June */
	{ "P02", "W2", "2025-05-10", "village", NULL, 1 },
	{ "P03", "W2", "2025-06-04", "village", "P02", 1 },
	{ "P04", "W2", "2025-06-06", "village", "P02", 1 },
	/* W3: four in June, none in May */
	{ "P05", "W3", "2025-06-01", "village", NULL, 1 },
	{ "P06", "W3", "2025-06-02", "village", NULL, 1 },
	{ "P07", "W3", "2025-06-03", "county", NULL, 4 },
	{ "P08", "W3", "2025-06-30", "village", NULL, 1 },
	/* W6: three in May, two in June — falling */
	{ "P09", "W6", "2025-05-01", "village", NULL, 1 },
	{ "P10", "W6", "2025-05-02", "village", NULL, 1 },
	{ "P11", "W6", "2025-05-03", "village", NULL, 1 },
	{ "P12", "W6", "2025-06-01", "village", NULL, 1 },
	{ "P13", "W6", "2025-06-02", "village", NULL, 1 },
	/* W8 (off the list) and B1 (another district): collective */
	{ "P14", "W8", "2025-06-03", "township", NULL, 9 },
	{ "P15", "B1", "2025-06-03", "township", NULL, 5 },
	/* W11: two collective, one a repeat, and a collective one not yet at township */
	{ "P16", "W11", "2025-06-07", "township", NULL, 5 },
	{ "P17", "W11", "2025-06-08", "township", "P16", 12 },
	{ "P18", "W11", "2025-06-09", "village", NULL, 20 },
	/* W12: collective at a level above the township (already failing: not a warning) */
	{ "P19", "W12", "2025-06-10", "city", NULL, 7 },
	/* July: not June's */
	{ "P20", "W1", "2025-07-01", "township", NULL, 8 },
};
#define NPET (sizeof(petitions) / sizeof(petitions[0]))

static const struct wdis {
	const char *no, *subject, *found, *deadline, *closed;
} disputes[] = {
	{ "D01", "W5", "2025-05-20", "2025-06-10", "2025-07-05" }, /* closed after the month: overdue */
	{ "D02", "W5", "2025-05-20", "2025-06-10", "2025-06-20" }, /* closed late, but in June: no */
	{ "D03", "W5", "2025-05-20", NULL, NULL },                 /* no deadline: no */
	{ "D04", "W5", "2025-06-01", "2025-06-30", NULL },         /* due on the last day: not yet */
	{ "D05", "W9", "2025-04-01", "2025-04-30", NULL },         /* open since April: overdue */
	{ "D06", "W10", "2025-06-02", "2025-06-29", NULL },        /* the day before: overdue */
	{ "D07", "W7", "2025-04-01", "2025-04-30", NULL },         /* W7 not on the list yet */
	{ "D08", "W9", "2025-07-01", "2025-07-02", NULL },         /* found after the month */
};
#define NDIS (sizeof(disputes) / sizeof(disputes[0]))

static const struct whaz {
	const char *no, *subject, *level, *found, *deadline, *rectified;
} hazards[] = {
	{ "H01", "W4", "major", "2025-05-01", "2025-06-01", "2025-07-10" }, /* rectified after: overdue */
	{ "H02", "W4", "general", "2025-05-01", "2025-06-01", NULL },       /* not major */
	{ "H03", "W4", "major", "2025-05-01", "2025-06-01", "2025-06-20" }, /* rectified in June */
	{ "H04", "W4", "major", "2025-06-01", "2025-06-30", NULL },         /* due on the last day */
	{ "H05", "W4", "major", "2025-07-02", "2025-07-03", NULL },         /* found after the month */
	{ "H06", "W9", "major", "2025-03-01", "2025-03-31", NULL },
	{ "H07", "W10", "major", "2025-06-01", "2025-06-15", NULL },
	{ "H08", "W11", "major", "2025-06-01", "2025-06-02", NULL },
	{ "H09", "W7", "major", "2025-03-01", "2025-03-31", NULL },         /* W7 not on the list yet */
	{ "H10", "B1", "major", "2025-03-01", "2025-03-31", NULL },
};
#define NHAZ (sizeof(hazards) / sizeof(hazards[0]))

static void load_district(void)
{
	static const char *const regions[][4] = {
		{ "330101", "上城区", "district", NULL },
		{ "330101001", "清波街道", "township", "330101" },
		{ "330101002", "湖滨街道", "township", "330101" },
		{ "330102", "西湖区", "district", NULL },
		{ "330102001", "北山街道", "township", "330102" },
	};
	size_t i;

	for (i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
		json_t *r = json_pack("{ss ss ss}", "code", regions[i][0], "name", regions[i][1],
				      "level", regions[i][2]);
		if (regions[i][3])
			json_object_set_new(r, "parent", json_string(regions[i][3]));
		create_ok("regions", r);
	}
	for (i = 0; i < NSUBJ; i++) {
		const struct wsubj *s = &subjects[i];
		char name[32];
		json_t *o;

		snprintf(name, sizeof(name), "主体%s", s->code);
		o = json_pack("{ss ss ss ss ss ss}", "code", s->code, "name", name, "kind",
			      "village", "category", "village", "township", s->township,
			      "active_from", s->from);
		if (s->to)
			json_object_set_new(o, "active_to", json_string(s->to));
		create_ok("subjects", o);
	}
	for (i = 0; i < NPET; i++) {
		const struct wpet *p = &petitions[i];
		json_t *o = json_pack("{ss ss ss si ss ss ss}", "no", p->no, "received_on", p->date,
				      "channel", "visit", "persons", p->persons, "level", p->level,
				      "category", "other", "subject", p->subject);
		if (p->previous)
			json_object_set_new(o, "previous", json_string(p->previous));
		create_ok("petitions", o);
	}
	for (i = 0; i < NDIS; i++) {
		const struct wdis *d = &disputes[i];
		json_t *o = json_pack("{ss ss ss ss ss}", "no", d->no, "found_on", d->found, "source",
				      "grid", "category", "other", "subject", d->subject);
		if (d->deadline)
			json_object_set_new(o, "deadline", json_string(d->deadline));
		create_ok("disputes", o);
		if (d->closed) {
			/* closed by its workflow, on the day of the table */
			char sql[256];
			snprintf(sql, sizeof(sql), "UPDATE disputes SET status = 'success', closed_on = "
				 "'%s' WHERE no = '%s'", d->closed, d->no);
			exec_ok(sql);
		}
	}
	for (i = 0; i < NHAZ; i++) {
		const struct whaz *h = &hazards[i];
		json_t *o = json_pack("{ss ss ss ss ss ss}", "no", h->no, "subject", h->subject,
				      "level", h->level, "domain", "other", "found_on", h->found,
				      "deadline", h->deadline);
		if (h->rectified)
			json_object_set_new(o, "rectified_on", json_string(h->rectified));
		create_ok("hazards", o);
	}
}

/* ---- the expectation ---- */

/* The risks in warnings.h's order, with the weights warnings.c gives them (its policy). */
enum { R_COLLECTIVE, R_REPEAT, R_RISING, R_DISPUTE, R_HAZARD, NRISKS };
static const char *const risk_codes[NRISKS] = { "collective_township", "repeat_petition",
						"rising_petitions", "overdue_dispute",
						"overdue_major_hazard" };
static const int weights[NRISKS] = { 4, 3, 2, 3, 5 };

struct expect {
	const struct wsubj *s;
	int64_t count[NRISKS];
	int64_t score;
};

static int in_month(const char *date, const char *month)
{
	return !strncmp(date, month, 7);
}

/* Overdue on day `asof`: found by then, due before it, not closed by then. */
static int overdue(const char *found, const char *deadline, const char *closed, const char *asof)
{
	return strcmp(found, asof) <= 0 && deadline && strcmp(deadline, asof) < 0 &&
	       (!closed || strcmp(closed, asof) > 0);
}

/* Which subjects an actor's scope reaches: NULL district = all. */
struct reach {
	const char *district, *township;
};

static int cmp_expect(const void *a, const void *b)
{
	const struct expect *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1; /* highest first */
	return strcmp(x->s->code, y->s->code);
}

/* The warnings of MONTH the tables give within `r`, ranked; their number. */
static size_t expected(struct reach r, struct expect *out)
{
	size_t i, j, n = 0;
	int k;

	for (i = 0; i < NSUBJ; i++) {
		const struct wsubj *s = &subjects[i];
		struct expect e;
		int64_t cur = 0, prev = 0;

		if (strcmp(s->from, MONTH) > 0 || (s->to && strcmp(s->to, MONTH) < 0))
			continue;
		if ((r.district && strcmp(r.district, s->district)) ||
		    (r.township && strcmp(r.township, s->township)))
			continue;
		memset(&e, 0, sizeof(e));
		e.s = s;
		for (j = 0; j < NPET; j++) {
			const struct wpet *p = &petitions[j];
			if (strcmp(p->subject, s->code))
				continue;
			if (in_month(p->date, PREV))
				prev++;
			if (!in_month(p->date, MONTH))
				continue;
			cur++;
			e.count[R_COLLECTIVE] += p->persons >= 5 && !strcmp(p->level, "township");
			e.count[R_REPEAT] += p->previous != NULL;
		}
		/* rising: at least two this month, more than the month before */
		e.count[R_RISING] = cur >= 2 && cur > prev ? cur - prev : 0;
		for (j = 0; j < NDIS; j++)
			e.count[R_DISPUTE] += !strcmp(disputes[j].subject, s->code) &&
					      overdue(disputes[j].found, disputes[j].deadline,
						      disputes[j].closed, ASOF);
		for (j = 0; j < NHAZ; j++)
			e.count[R_HAZARD] += !strcmp(hazards[j].subject, s->code) &&
					     !strcmp(hazards[j].level, "major") &&
					     overdue(hazards[j].found, hazards[j].deadline,
						     hazards[j].rectified, ASOF);
		for (k = 0; k < NRISKS; k++)
			e.score += e.count[k] * weights[k];
		if (e.score)
			out[n++] = e;
	}
	qsort(out, n, sizeof(*out), cmp_expect);
	return n;
}

/* ---- running it ---- */

static struct actor mk_actor(enum role role, const char *district, const char *township)
{
	struct actor a;

	memset(&a, 0, sizeof(a));
	a.user_id = 1000 + (int64_t)role;
	a.username = role_code(role);
	a.role = role;
	a.district = district;
	a.township = township;
	a.source = "10.1.2.3";
	return a;
}

static json_t *warnings_ok(const struct actor *a, const char *month, int limit)
{
	struct model_error e;
	json_t *out = NULL;

	model_error_init(&e);
	if (warnings_compute(g_db, a, month, limit, &out, &e))
		fail_msg("warnings_compute: %d %s", e.code, e.msg.buf);
	model_error_release(&e);
	assert_non_null(out);
	return out;
}

/* The answer for `a` with `limit` is the first `limit` of the expected ranking, in order. */
static void expect_warnings(const struct actor *a, struct reach r, int limit)
{
	struct expect want[NSUBJ];
	size_t n = expected(r, want), shown = (size_t)limit < n ? (size_t)limit : n, i, j;
	json_t *out = warnings_ok(a, MONTH, limit), *items = json_object_get(out, "items");
	int k;

	assert_string_equal(json_string_value(json_object_get(out, "month")), MONTH);
	assert_string_equal(json_string_value(json_object_get(out, "as_of")), ASOF);
	assert_int_equal(json_integer_value(json_object_get(out, "total")), n);
	if (json_array_size(items) != shown) {
		char *t = json_dumps(items, JSON_COMPACT);
		fail_msg("limit %d: %zu items, expected %zu: %s", limit, json_array_size(items),
			 shown, t);
	}
	for (i = 0; i < shown; i++) {
		json_t *it = json_array_get(items, i), *reasons = json_object_get(it, "reasons");
		const char *code = json_string_value(json_object_get(it, "subject"));

		if (!code || strcmp(code, want[i].s->code))
			fail_msg("limit %d: item %zu is %s, expected %s (score %" PRId64 ")", limit, i,
				 code ? code : "(none)", want[i].s->code, want[i].score);
		assert_int_equal(json_integer_value(json_object_get(it, "score")), want[i].score);
		assert_string_equal(json_string_value(json_object_get(it, "township")),
				    want[i].s->township);
		/* the reasons: each risk counted, in the order of the risks, with its count */
		for (j = 0, k = 0; k < NRISKS; k++) {
			json_t *rs;
			if (!want[i].count[k])
				continue;
			rs = json_array_get(reasons, j++);
			if (!rs || strcmp(json_string_value(json_object_get(rs, "code")), risk_codes[k]))
				fail_msg("%s: reason %zu is not %s", code, j - 1, risk_codes[k]);
			assert_int_equal(json_integer_value(json_object_get(rs, "count")),
					 want[i].count[k]);
			assert_true(json_string_length(json_object_get(rs, "label")) > 0);
		}
		assert_int_equal(json_array_size(reasons), j);
	}
	json_decref(out);
}

/* ---- the tests ---- */

static int setup_district(void **state)
{
	g_db = engines_open();
	load_district();
	return 0;
}

static int teardown_db(void **state)
{
	if (g_db)
		db_close(g_db);
	g_db = NULL;
	return 0;
}

/*
 * The whole ranking of the district's office, then cut by limits: at 0, at
 * 1, inside the largest group of equal scores and past the end.
 */
static void test_ranking_and_limit(void **state)
{
	struct actor office = mk_actor(ROLE_OFFICE, "330101", NULL);
	struct reach r = { "330101", NULL };
	struct expect want[NSUBJ];
	size_t n = expected(r, want), i, best = 0, run = 1, cut = 0;

	/* the tables make a ranking worth testing: several warnings, a tie of three or more */
	assert_true(n >= 6);
	for (i = 1; i < n; i++) {
		run = want[i].score == want[i - 1].score ? run + 1 : 1;
		if (run > best) {
			best = run;
			cut = i; /* a limit of `cut` ends inside this run */
		}
	}
	assert_true(best >= 3);
	/* … whose codes do not sort as numbers do (W10 before W2) */
	assert_true(strcmp("W10", "W2") < 0);

	expect_warnings(&office, r, 1000);
	expect_warnings(&office, r, (int)n);
	expect_warnings(&office, r, (int)n - 1);
	expect_warnings(&office, r, (int)cut);
	expect_warnings(&office, r, (int)cut - 1);
	expect_warnings(&office, r, 1);
	expect_warnings(&office, r, 0);
}

/* The scope bounds the warnings: all districts for the system, one township for its own. */
static void test_scope(void **state)
{
	struct actor sys, t1 = mk_actor(ROLE_TOWNSHIP, "330101", "330101001");
	struct actor t2 = mk_actor(ROLE_TOWNSHIP, "330101", "330101002");
	struct actor b = mk_actor(ROLE_OFFICE, "330102", NULL);

	actor_system(&sys);
	expect_warnings(&sys, (struct reach){ NULL, NULL }, 1000);
	expect_warnings(&t1, (struct reach){ "330101", "330101001" }, 1000);
	expect_warnings(&t2, (struct reach){ "330101", "330101002" }, 2);
	expect_warnings(&b, (struct reach){ "330102", NULL }, 1000);
}

/* A month that is not YYYY-MM, and a role that may not read subjects, are refused. */
static void test_refusals(void **state)
{
	struct actor office = mk_actor(ROLE_OFFICE, "330101", NULL);
	struct actor none = mk_actor(ROLE_NONE, NULL, NULL);
	static const char *const bad[] = { "2025-13", "2025-6", "", "2025-06-01", "June" };
	struct model_error e;
	json_t *out = NULL;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		model_error_init(&e);
		assert_int_equal(warnings_compute(g_db, &office, bad[i], 10, &out, &e), MODEL_EINVAL);
		assert_null(out);
		model_error_release(&e);
	}
	model_error_init(&e);
	assert_int_equal(warnings_compute(g_db, &none, MONTH, 10, &out, &e), MODEL_EFORBIDDEN);
	assert_null(out);
	model_error_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ranking_and_limit, setup_district, teardown_db),
		cmocka_unit_test_setup_teardown(test_scope, setup_district, teardown_db),
		cmocka_unit_test_setup_teardown(test_refusals, setup_district, teardown_db),
	};
	int failed;

	if (engines_init("warnings"))
		return 1;
	/* as the server does: a write bumps its district's version, a published month is locked */
	assess_observe_writes();
	failed = ENGINES_RUN(tests);
	engines_end();
	return failed ? 1 : 0;
}
