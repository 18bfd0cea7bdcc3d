/*
 * workdays.c: working-day arithmetic on the work calendar (see workdays.h).
 * The calendar rows after a date are read in day order and walked beside
 * the days themselves, so that a day's kind is its row's, else its
 * weekday's.
 */
#include "model/workdays.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/strbuf.h"
#include "db/db.h"

/* the rows of the calendar from one day on, in order */
struct cal {
	int64_t *day; /* date_days() */
	char *holiday; /* 1: holiday, 0: workday */
	size_t n, alloc, at;
};

static int cal_load(struct db *db, const char *from, const char *to, struct cal *c)
{
	struct strbuf err = STRBUF_INIT;
	struct db_stmt *st;
	int rc;

	memset(c, 0, sizeof(*c));
	if (db_prepare(db, to ? "SELECT day, kind FROM work_calendar WHERE day > ? AND day <= ? "
				"ORDER BY day"
			      : "SELECT day, kind FROM work_calendar WHERE day > ? ORDER BY day",
		       &st, &err)) {
		strbuf_release(&err);
		return -1;
	}
	db_bind_text(st, 1, from);
	if (to)
		db_bind_text(st, 2, to);
	while ((rc = db_step(st, &err)) == DB_ROW) {
		int64_t d = date_days(db_column_text(st, 0));
		if (d == DATE_DAYS_INVALID)
			continue;
		if (c->n == c->alloc) {
			c->alloc = c->alloc ? 2 * c->alloc : 64;
			c->day = xrealloc(c->day, c->alloc * sizeof(*c->day));
			c->holiday = xrealloc(c->holiday, c->alloc);
		}
		c->day[c->n] = d;
		c->holiday[c->n++] = !strcmp(db_column_text(st, 1), "holiday");
	}
	db_finalize(st);
	strbuf_release(&err);
	if (rc < 0) {
		free(c->day);
		free(c->holiday);
		return -1;
	}
	return 0;
}

static void cal_release(struct cal *c)
{
	free(c->day);
	free(c->holiday);
}

/* Is day `d` (date_days) a working day?  Days are asked in increasing order. */
static int cal_working(struct cal *c, int64_t d)
{
	/* 1970-01-01 was a Thursday: (d + 3) mod 7 is 0 on Mondays */
	int64_t wd = ((d + 3) % 7 + 7) % 7;

	while (c->at < c->n && c->day[c->at] < d)
		c->at++;
	if (c->at < c->n && c->day[c->at] == d)
		return !c->holiday[c->at];
	return wd < 5;
}

int workdays_add(struct db *db, const char *from, int n, char out[DATE_BUFSZ])
{
	int64_t d = date_days(from);
	struct cal c;
	int ret;

	out[0] = '\0';
	if (d == DATE_DAYS_INVALID || n < 0 || cal_load(db, from, NULL, &c))
		return -1;
	while (n > 0) {
		d++;
		if (cal_working(&c, d))
			n--;
	}
	ret = date_from_days(d, out);
	cal_release(&c);
	return ret;
}

int workdays_between(struct db *db, const char *from, const char *to)
{
	int64_t a = date_days(from), b = date_days(to), d;
	struct cal c;
	int count = 0;

	if (a == DATE_DAYS_INVALID || b == DATE_DAYS_INVALID)
		return -1;
	if (b <= a)
		return 0;
	if (cal_load(db, from, to, &c))
		return -1;
	for (d = a + 1; d <= b; d++)
		count += cal_working(&c, d);
	cal_release(&c);
	return count;
}

int workdays_is_working(struct db *db, const char *date)
{
	char before[DATE_BUFSZ];

	if (!date_valid(date) || date_add_days(date, -1, before))
		return -1;
	return workdays_between(db, before, date);
}
