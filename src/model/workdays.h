/*
 * workdays: working-day arithmetic on the district's work calendar (工作日历,
 * the table work_calendar, descriptor `work_calendar` in duban.c).
 *
 * A working day is a Monday to Friday that is not a `holiday` row, or any
 * day that is a `workday` row (an official make-up working day, 调休上班).
 * The deadlines of supervised items (督办) count working days: the notice
 * date plus N working days is the Nth working day after it.
 *
 * Each call reads the calendar rows it needs (one query); dates are
 * YYYY-MM-DD.
 */
#ifndef SANLING_WORKDAYS_H
#define SANLING_WORKDAYS_H

#include "base/date.h"

struct db;

/*
 * The date `n` working days after `from` into `out`: the nth working day
 * after it (`from` itself when n is 0, whatever it is).  0, or -1 (`out`
 * empty) when `from` is not a date, n is negative or the calendar cannot
 * be read.
 */
int workdays_add(struct db *db, const char *from, int n, char out[DATE_BUFSZ]);

/*
 * The number of working days in (from, to]: after `from`, up to and
 * including `to` (0 when `to` is not after `from`).  -1 when a date is
 * invalid or the calendar cannot be read.
 */
int workdays_between(struct db *db, const char *from, const char *to);

/* Is `date` a working day by the calendar?  1, 0, or -1 as above. */
int workdays_is_working(struct db *db, const char *date);

#endif
