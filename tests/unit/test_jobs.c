/*
 * test_jobs: unit tests of the month close (src/jobs/jobs.c,
 * jobs_month_close): on a small district built through the model, closing
 * a month writes that month's provisional determination for every
 * district — a row for each subject on the list that an event of the month
 * or the checklist failed, by the standard in force then for its kind —
 * and nothing else; closing it again writes nothing; a write of the month
 * makes the next close compute it again; a published month is left alone;
 * a month that is not YYYY-MM writes nothing.
 *
 * The expected rows are computed here from the test's own tables of
 * subjects, standards, checklists and events by DOMAIN.md's rules (written
 * in C below), never by the SQL under test.  Every test runs on a fresh
 * SQLite file and, when SANLING_TEST_PG holds a postgresql:// URL, on a
 * PostgreSQL schema of its own as well.  Not a test of the scheduler
 * thread (when it closes a month) nor of certification (test_model.c and
 * the API tests).
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
#include "base/crypto.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "jobs/jobs.h"
#include "model/audit.h"
#include "model/entity.h"
#include "model/role.h"

#include "engines.h"

/* ---- the fixture: one fresh, migrated database per test (engines.h) ---- */

static struct db *g_db;            /* the database of the running test */

#define exec_ok(sql) engines_exec(g_db, (sql))

/* The rows of `sql` as text, "a|b|c\n" each, in the order the query gives. */
static char *rows_text(const char *sql)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct db_stmt *st = NULL;
	int rc, c;

	if (db_prepare(g_db, sql, &st, &err))
		fail_msg("%s: %s", sql, err.buf);
	while ((rc = db_step(st, &err)) == DB_ROW) {
		for (c = 0; c < db_column_count(st); c++) {
			strbuf_addstr(&out, c ? "|" : "");
			strbuf_addstr(&out, db_column_is_null(st, c) ? "\\N" : db_column_text(st, c));
		}
		strbuf_addch(&out, '\n');
	}
	if (rc < 0)
		fail_msg("%s: %s", sql, err.buf);
	db_finalize(st);
	strbuf_release(&err);
	return strbuf_detach(&out, NULL);
}

static int64_t qcount(const char *sql)
{
	char *t = rows_text(sql);
	int64_t n = strtoll(t, NULL, 10);

	free(t);
	return n;
}

#define create_ok(ent, in) engines_create(g_db, (ent), (in))

/* ---- the district, as tables the expectations are computed from ---- */

/*
 * 330101 (上城区) with townships 330101001 and 330101002; 330102 (西湖区)
 * with 330102001.  E2 joins the list in July, I1 leaves it in May and I2
 * in June (still on it then).
 */
static const struct subj {
	const char *code, *kind, *category, *township, *district, *from, *to;
} subjects[] = {
	{ "V1", "village", "village", "330101001", "330101", "2025-01", NULL },
	{ "V2", "village", "village", "330101002", "330101", "2025-01", NULL },
	{ "C1", "community", "community", "330101001", "330101", "2025-01", NULL },
	{ "C2", "community", "community", "330101002", "330101", "2025-03", NULL },
	{ "C3", "community", "community", "330101001", "330101", "2025-01", NULL },
	{ "E1", "enterprise", "factory", "330101001", "330101", "2025-01", NULL },
	{ "E2", "enterprise", "factory", "330101002", "330101", "2025-07", NULL },
	{ "I1", "institution", "school", "330101002", "330101", "2025-01", "2025-05" },
	{ "I2", "institution", "school", "330101001", "330101", "2025-01", "2025-06" },
	{ "B1", "village", "village", "330102001", "330102", "2025-01", NULL },
};
#define NSUBJ (sizeof(subjects) / sizeof(subjects[0]))

/* The veto rules: levels as ranks, village 1 … national 6 (DOMAIN.md's order). */
static const char *const levels[] = { "village", "township", "county", "city", "province",
				      "national" };

static int rank(const char *level)
{
	int i;

	for (i = 0; i < 6; i++)
		if (!strcmp(level, levels[i]))
			return i + 1;
	fail_msg("unknown level %s", level);
	return 0;
}

static const struct std {
	const char *code, *district, *kind, *from;
	const char *petition_level, *collective_level;
	int collective_persons, casualties, production_only, criminal, public_order_major;
	int checklist, pass;
} standards[] = {
	/* enterprises from June: only production accidents fail them */
	{ "STD-E-06", "330101", "enterprise", "2025-06", "county", "township", 5, 1, 1, 1, 1, 0, 0 },
	/* … not yet in force in June */
	{ "STD-E-08", "330101", "enterprise", "2025-08", "county", "township", 5, 1, 0, 1, 1, 0, 0 },
	/* communities from June: the checklist counts, pass mark 60 */
	{ "STD-C-06", "330101", "community", "2025-06", "county", "township", 5, 1, 0, 1, 1, 1, 60 },
	/* villages from July: only the city level fails them */
	{ "STD-V-07", "330101", "village", "2025-07", "city", "township", 5, 1, 0, 1, 1, 0, 0 },
	/* institutions since January: three persons make a collective petition */
	{ "STD-I-01", "330101", "institution", "2025-01", "county", "township", 3, 1, 0, 1, 1, 0, 0 },
};
#define NSTD (sizeof(standards) / sizeof(standards[0]))

/* The checklists: the sum of the eight headings (spread over them below). */
static const struct chk {
	const char *subject, *month;
	int sum;
} checklists[] = {
	{ "C1", "2025-06", 476 }, /* mean 59.5: rounds to 60, passes */
	{ "C3", "2025-06", 475 }, /* mean 59.375: 59, fails */
	/* C2 has none in June: fails */
};
#define NCHK (sizeof(checklists) / sizeof(checklists[0]))

enum ev_type { PETITION, ACCIDENT, CASE };

struct event {
	enum ev_type type;
	const char *no, *date, *subject;
	const char *level;        /* petition */
	int persons;              /* petition */
	int deaths, injuries;     /* accident */
	int production;           /* accident */
	const char *case_kind;    /* case */
	int major;                /* case */
};

#define PET(n, d, s, lv, np) { PETITION, n, d, s, .level = lv, .persons = np }
#define ACC(n, d, s, de, in, pr) { ACCIDENT, n, d, s, .deaths = de, .injuries = in, .production = pr }
#define CAS(n, d, s, k, mj) { CASE, n, d, s, .case_kind = k, .major = mj }

static const struct event events[] = {
	/* June */
	PET("P1", "2025-06-10", "V1", "county", 1),
	PET("P2", "2025-06-11", "V2", "township", 5),
	PET("P3", "2025-06-12", "C1", "township", 4),
	PET("P4", "2025-06-13", "C1", "village", 10),
	PET("P5", "2025-06-14", "I2", "township", 3),
	PET("P6", "2025-06-30", "E1", "city", 1),
	ACC("A1", "2025-06-15", "E1", 0, 1, 0),
	ACC("A2", "2025-06-16", "V1", 0, 0, 0),
	ACC("A3", "2025-06-17", "C3", 1, 0, 0),
	ACC("A4", "2025-06-18", "E1", 0, 2, 1),
	CAS("K1", "2025-06-19", "C1", "public_order", 0),
	CAS("K2", "2025-06-20", "E1", "criminal", 0),
	CAS("K3", "2025-06-21", "V2", "public_order", 1),
	CAS("K4", "2025-06-22", "B1", "criminal", 0),
	/* subjects not on the list in June: E2 joins in July, I1 left in May */
	CAS("K5", "2025-06-01", "E2", "criminal", 0),
	CAS("K6", "2025-06-02", "I1", "criminal", 0),
	/* May and July */
	CAS("K7", "2025-05-31", "V1", "criminal", 0),
	PET("P7", "2025-05-15", "C1", "national", 1),
	PET("P8", "2025-07-01", "V1", "county", 1),
	CAS("K8", "2025-07-03", "C1", "criminal", 0),
	ACC("A5", "2025-07-04", "E2", 0, 1, 1),
};
#define NEV (sizeof(events) / sizeof(events[0]))

static void create_event(const struct event *ev)
{
	switch (ev->type) {
	case PETITION:
		create_ok("petitions", json_pack("{ss ss ss si ss ss ss}", "no", ev->no, "received_on",
						 ev->date, "channel", "visit", "persons", ev->persons,
						 "level", ev->level, "category", "other", "subject",
						 ev->subject));
		break;
	case ACCIDENT:
		create_ok("accidents", json_pack("{ss ss ss ss si si sb}", "no", ev->no, "occurred_on",
						 ev->date, "subject", ev->subject, "domain", "other",
						 "deaths", ev->deaths, "injuries", ev->injuries,
						 "production", ev->production));
		break;
	case CASE:
		create_ok("cases", json_pack("{ss ss ss ss ss sb}", "no", ev->no, "kind", ev->case_kind,
					     "category", "other", "occurred_on", ev->date, "subject",
					     ev->subject, "major_impact", ev->major));
		break;
	}
}

static void load_district(void)
{
	static const char *const regions[][4] = {
		{ "330101", "上城区", "district", NULL },
		{ "330101001", "清波街道", "township", "330101" },
		{ "330101002", "湖滨街道", "township", "330101" },
		{ "330102", "西湖区", "district", NULL },
		{ "330102001", "北山街道", "township", "330102" },
	};
	static const char *const headings[] = { "leadership", "prevention", "disputes", "key_groups",
						"hazards", "rule_of_law", "services", "satisfaction" };
	size_t i;
	int h;

	for (i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
		json_t *r = json_pack("{ss ss ss}", "code", regions[i][0], "name", regions[i][1],
				      "level", regions[i][2]);
		if (regions[i][3])
			json_object_set_new(r, "parent", json_string(regions[i][3]));
		create_ok("regions", r);
	}
	for (i = 0; i < NSUBJ; i++) {
		const struct subj *s = &subjects[i];
		json_t *o = json_pack("{ss ss ss ss ss ss}", "code", s->code, "name", s->code, "kind",
				      s->kind, "category", s->category, "township", s->township,
				      "active_from", s->from);
		if (s->to)
			json_object_set_new(o, "active_to", json_string(s->to));
		create_ok("subjects", o);
	}
	for (i = 0; i < NSTD; i++) {
		const struct std *d = &standards[i];
		json_t *o = json_pack("{ss ss ss ss ss si ss si sb sb sb sb}", "code", d->code,
				      "district", d->district, "kind", d->kind, "effective_from",
				      d->from, "petition_level", d->petition_level,
				      "collective_persons", d->collective_persons, "collective_level",
				      d->collective_level, "accident_casualties", d->casualties,
				      "accident_production_only", d->production_only, "case_criminal",
				      d->criminal, "case_public_order_major", d->public_order_major,
				      "checklist", d->checklist);
		if (d->checklist)
			json_object_set_new(o, "checklist_pass", json_integer(d->pass));
		create_ok("standards", o);
	}
	for (i = 0; i < NCHK; i++) {
		json_t *o = json_pack("{ss ss}", "subject", checklists[i].subject, "month",
				      checklists[i].month);
		/* the sum spread over the eight headings, the first ones taking the remainder */
		for (h = 0; h < 8; h++)
			json_object_set_new(o, headings[h], json_integer(checklists[i].sum / 8 +
									 (h < checklists[i].sum % 8)));
		create_ok("checklists", o);
	}
	for (i = 0; i < NEV; i++)
		create_event(&events[i]);
}

/* ---- the expectation: DOMAIN.md's rules over the tables above ---- */

struct rules {
	int petition_rank, collective_persons, collective_rank, casualties, production_only;
	int criminal, public_order_major, checklist, pass;
};

/* The standard of `kind` in force in `month` in `district`: the latest begun, else DOMAIN.md's. */
static struct rules rules_in_force(const char *district, const char *kind, const char *month)
{
	struct rules r = { rank("county"), 5, rank("township"), 1, 0, 1, 1, 0, 0 };
	const struct std *best = NULL;
	size_t i;

	for (i = 0; i < NSTD; i++) {
		const struct std *d = &standards[i];
		if (strcmp(d->district, district) || strcmp(d->kind, kind) || strcmp(d->from, month) > 0)
			continue;
		if (!best || strcmp(d->from, best->from) > 0)
			best = d;
	}
	if (best) {
		r.petition_rank = rank(best->petition_level);
		r.collective_persons = best->collective_persons;
		r.collective_rank = rank(best->collective_level);
		r.casualties = best->casualties;
		r.production_only = best->production_only;
		r.criminal = best->criminal;
		r.public_order_major = best->public_order_major;
		r.checklist = best->checklist;
		r.pass = best->pass;
	}
	return r;
}

static int on_list(const struct subj *s, const char *month)
{
	return strcmp(s->from, month) <= 0 && (!s->to || strcmp(s->to, month) >= 0);
}

/* The checklist score: the mean of the eight headings, rounded half up; -1 when none. */
static int checklist_score(const char *subject, const char *month)
{
	size_t i;

	for (i = 0; i < NCHK; i++)
		if (!strcmp(checklists[i].subject, subject) && !strcmp(checklists[i].month, month)) {
			int q = checklists[i].sum / 8, r = checklists[i].sum % 8;
			return q + (2 * r >= 8);
		}
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The determination rows of `month` the rules give, with `extra` events
 * besides the table's: "district|subject|pf|af|cf|kf|pf|af|cf|1", sorted.
 */
static char *expected_rows(const char *month, const struct event *extra, size_t nextra)
{
	struct strbuf out = STRBUF_INIT;
	char *lines[NSUBJ];
	size_t i, j, n = 0;

	for (i = 0; i < NSUBJ; i++) {
		const struct subj *s = &subjects[i];
		struct rules r;
		int pf = 0, af = 0, cf = 0, kf = 0;
		char line[128];

		if (!on_list(s, month))
			continue;
		r = rules_in_force(s->district, s->kind, month);
		for (j = 0; j < NEV + nextra; j++) {
			const struct event *ev = j < NEV ? &events[j] : &extra[j - NEV];
			if (strcmp(ev->subject, s->code) || strncmp(ev->date, month, 7))
				continue;
			if (ev->type == PETITION)
				pf |= rank(ev->level) >= r.petition_rank ||
				      (ev->persons >= r.collective_persons &&
				       rank(ev->level) >= r.collective_rank);
			else if (ev->type == ACCIDENT)
				af |= ev->deaths + ev->injuries >= r.casualties &&
				      (!r.production_only || ev->production);
			else
				cf |= (r.criminal && !strcmp(ev->case_kind, "criminal")) ||
				      (r.public_order_major && !strcmp(ev->case_kind, "public_order") &&
				       ev->major);
		}
		if (r.checklist)
			kf = checklist_score(s->code, month) < r.pass;
		if (!(pf | af | cf | kf))
			continue;
		snprintf(line, sizeof(line), "%s|%s|%d|%d|%d|%d|%d|%d|%d|1\n", s->district, s->code,
			 pf, af, cf, kf, pf, af, cf);
		lines[n++] = strdup(line);
	}
	qsort(lines, n, sizeof(lines[0]), cmp_str);
	for (i = 0; i < n; i++) {
		strbuf_addstr(&out, lines[i]);
		free(lines[i]);
	}
	return strbuf_detach(&out, NULL);
}

/* The stored rows of `month`, in the same form, sorted the same way (not by the engine's collation). */
static char *stored_rows(const char *month)
{
	struct strbuf sql = STRBUF_INIT, out = STRBUF_INIT;
	char *text, *lines[256], *p, *nl;
	size_t n = 0, i;

	strbuf_addf(&sql, "SELECT district, subject, petition_fail, accident_fail, case_fail, "
			  "checklist_fail, petition_final, accident_final, case_final, fail FROM "
			  "determinations WHERE month = '%s'", month);
	text = rows_text(sql.buf);
	for (p = text; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		assert_true(n < 256);
		lines[n++] = p;
		*nl = 0;
	}
	qsort(lines, n, sizeof(lines[0]), cmp_str);
	for (i = 0; i < n; i++)
		strbuf_addf(&out, "%s\n", lines[i]);
	free(text);
	strbuf_release(&sql);
	return strbuf_detach(&out, NULL);
}

static void expect_month(const char *month, const struct event *extra, size_t nextra)
{
	char *want = expected_rows(month, extra, nextra), *got = stored_rows(month);

	if (strcmp(want, got))
		fail_msg("the determination of %s:\n--- expected\n%s--- stored\n%s", month, want, got);
	free(want);
	free(got);
}

/* What the month close may write: the determinations and the months' state. */
static char *assess_state(void)
{
	struct strbuf out = STRBUF_INIT;
	char *a = rows_text("SELECT * FROM determinations ORDER BY month, district, subject");
	char *b = rows_text("SELECT * FROM assess_months ORDER BY district, month");

	strbuf_addf(&out, "## determinations\n%s## assess_months\n%s", a, b);
	free(a);
	free(b);
	return strbuf_detach(&out, NULL);
}

static void close_ok(const char *month)
{
	struct strbuf err = STRBUF_INIT;

	if (jobs_month_close(g_db, month, &err))
		fail_msg("jobs_month_close %s: %s", month, err.buf);
	strbuf_release(&err);
}

/* Each district has month `month` computed at its current version, unpublished. */
static void expect_months_row(const char *month)
{
	static const char *const districts[] = { "330101", "330102" };
	char sql[512];
	size_t i;

	for (i = 0; i < 2; i++) {
		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM assess_months m WHERE m.district = "
			 "'%s' AND m.month = '%s' AND m.published = 0 AND m.computed_version = "
			 "COALESCE((SELECT v.version FROM assess_versions v WHERE v.district = "
			 "m.district), 0)", districts[i], month);
		if (qcount(sql) != 1)
			fail_msg("%s of %s is not recorded as computed at the district's version",
				 month, districts[i]);
	}
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
 * Closing June writes June's determination of both districts, as the
 * rules give it, and touches no other month; closing it again writes
 * nothing at all.
 */
static void test_close_month(void **state)
{
	char *before, *after;

	assert_int_equal(qcount("SELECT COUNT(*) FROM determinations"), 0);
	assert_int_equal(qcount("SELECT COUNT(*) FROM assess_months"), 0);
	/* the tables of the test fail someone in June, in both districts */
	before = expected_rows("2025-06", NULL, 0);
	assert_non_null(strstr(before, "330101|"));
	assert_non_null(strstr(before, "330102|"));
	free(before);

	close_ok("2025-06");
	expect_month("2025-06", NULL, 0);
	expect_months_row("2025-06");
	/* no other month */
	assert_int_equal(qcount("SELECT COUNT(*) FROM determinations WHERE month <> '2025-06'"), 0);
	assert_int_equal(qcount("SELECT COUNT(*) FROM assess_months WHERE month <> '2025-06'"), 0);
	assert_int_equal(qcount("SELECT COUNT(*) FROM assess_months"), 2);

	/* again: fresh, so nothing is written, not even the time computed (set apart to see it) */
	exec_ok("UPDATE assess_months SET computed_at = 0");
	before = assess_state();
	close_ok("2025-06");
	after = assess_state();
	assert_string_equal(before, after);
	free(before);
	free(after);

	/* May, closed after, is May's alone and leaves June as it was */
	before = stored_rows("2025-06");
	close_ok("2025-05");
	expect_month("2025-05", NULL, 0);
	expect_months_row("2025-05");
	after = stored_rows("2025-06");
	assert_string_equal(before, after);
	free(before);
	free(after);
	assert_int_equal(qcount("SELECT COUNT(*) FROM determinations WHERE month NOT IN "
				"('2025-05', '2025-06')"), 0);
	/* and July by the standards in force in July */
	close_ok("2025-07");
	expect_month("2025-07", NULL, 0);
}

/*
 * A write of the month after it was closed keeps the month's determination
 * itself (issue 19: the writes keep what was computed), so the next close
 * computes nothing — in no district; a published month is not computed
 * again, even when its district's version moved.
 */
static void test_close_after_write_and_publish(void **state)
{
	static const struct event more[] = {
		CAS("K9", "2025-06-25", "C1", "criminal", 0),
		ACC("A9", "2025-06-26", "V1", 1, 0, 0),
	};
	char *months_before, *months_after, *before, *after;
	size_t i;

	close_ok("2025-06");
	expect_month("2025-06", NULL, 0);
	exec_ok("UPDATE assess_months SET computed_at = 0");
	months_before = rows_text("SELECT * FROM assess_months ORDER BY district, month");
	for (i = 0; i < sizeof(more) / sizeof(more[0]); i++)
		create_event(&more[i]);
	/* the writes kept the month: the close finds nothing to compute */
	expect_month("2025-06", more, sizeof(more) / sizeof(more[0]));
	close_ok("2025-06");
	expect_month("2025-06", more, sizeof(more) / sizeof(more[0]));
	expect_months_row("2025-06");
	months_after = rows_text("SELECT * FROM assess_months ORDER BY district, month");
	assert_string_equal(months_before, months_after);
	free(months_before);
	free(months_after);

	/* published: a later change of the district's data leaves the month as it was */
	exec_ok("UPDATE assess_months SET published = 1 WHERE district = '330101' AND month = "
		"'2025-06'");
	exec_ok("UPDATE assess_versions SET version = version + 1 WHERE district = '330101'");
	exec_ok("DELETE FROM determinations WHERE district = '330101' AND month = '2025-06' AND "
		"subject = 'E1'");
	exec_ok("UPDATE assess_months SET computed_at = 0");
	before = assess_state();
	close_ok("2025-06");
	after = assess_state();
	assert_string_equal(before, after);
	free(before);
	free(after);
}

/* A month that is not YYYY-MM (or none) writes nothing. */
static void test_close_bad_month(void **state)
{
	static const char *const bad[] = { "2025-13", "2025-00", "2025-6", "25-06", "", "2025-06-01",
					   "abcd-ef", "2025/06", " 2025-06", NULL };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct strbuf err = STRBUF_INIT;
		char *before = assess_state(), *after;
		int rc = jobs_month_close(g_db, bad[i], &err);

		after = assess_state();
		if (strcmp(before, after))
			fail_msg("closing \"%s\" wrote:\n%s", bad[i] ? bad[i] : "(null)", after);
		/* refused, or nothing to do: never a success that wrote something */
		assert_true(rc == 0 || rc == -1);
		free(before);
		free(after);
		strbuf_release(&err);
	}
	assert_int_equal(qcount("SELECT COUNT(*) FROM assess_months"), 0);
	assert_int_equal(qcount("SELECT COUNT(*) FROM determinations"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_close_month, setup_district, teardown_db),
		cmocka_unit_test_setup_teardown(test_close_after_write_and_publish, setup_district,
						teardown_db),
		cmocka_unit_test_setup_teardown(test_close_bad_month, setup_district, teardown_db),
	};
	int failed;

	if (engines_init("jobs"))
		return 1;
	/* as the server does: a write keeps the months computed, a published month is locked */
	assess_observe_writes();
	failed = ENGINES_RUN(tests);
	engines_end();
	return failed ? 1 : 0;
}
