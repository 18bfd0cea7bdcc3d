/*
 * date: calendar days ("YYYY-MM-DD"), months ("YYYY-MM") and UTC timestamps
 * as Sanling stores and compares them.
 *
 * Dates and months are plain strings in ISO form so that they sort and
 * compare with strcmp() and go into SQL as text.  Everything here is in the
 * proleptic Gregorian calendar, years 0001 to 9999, and in UTC: this file
 * deliberately knows no time zones, no locales and no "Asia/Shanghai"; a
 * caller that needs local (UTC+8) wall-clock days adds the offset to the
 * epoch itself.  Nothing here allocates; nothing keeps state, so every
 * function is safe to call from any thread.
 *
 * Output buffers are fixed-size character arrays; the sizes below include
 * the terminating NUL.  On error a function that fills a buffer leaves an
 * empty string in it, so a forgotten check never prints garbage.
 */
#ifndef SANLING_DATE_H
#define SANLING_DATE_H

#include <stdint.h>

#define DATE_BUFSZ 11      /* "2026-11-29" + NUL */
#define MONTH_BUFSZ 8      /* "2026-11" + NUL */
#define TIME_ISO_BUFSZ 21  /* "2026-11-29T10:00:00Z" + NUL */

/* What date_days() returns for a string that is not a valid date. */
#define DATE_DAYS_INVALID INT64_MIN

/* 1 if `y` is a Gregorian leap year, else 0. */
int date_is_leap(int y);

/* Number of days in month `m` (1..12) of year `y`; 0 if `m` is out of range. */
int date_days_in_month(int y, int m);

/*
 * 1 if `s` is exactly "YYYY-MM-DD" (ten characters, ASCII digits, no sign,
 * no surrounding space) naming a real day between 0001-01-01 and
 * 9999-12-31: 2024-02-29 is valid, 2024-02-30 and 1900-02-29 are not.
 * 0 otherwise, including for NULL.
 */
int date_valid(const char *s);

/* 1 if `s` is exactly "YYYY-MM" with year 0001..9999 and month 01..12. */
int month_valid(const char *s);

/*
 * Split a valid date into its parts.  Returns 0 and fills `y`, `m`, `d`;
 * returns -1 and leaves them untouched if date_valid(s) is false.  Any of
 * the out pointers may be NULL.
 */
int date_parse(const char *s, int *y, int *m, int *d);

/*
 * Split a valid month into its parts.  Returns 0 or, for a string that is
 * not month_valid(), -1 with the out pointers untouched.
 */
int month_parse(const char *s, int *y, int *m);

/*
 * A date as people and spreadsheets write it, into "YYYY-MM-DD": 2023-08-21,
 * 2023/8/21, 2023.8.21 (one separator throughout), 2023年8月21日, 20230821,
 * and Excel's serial day numbers of the 1900 system (45159, also "45159.5":
 * the day of a date and time; five digits, 1927 to 2173); any of them may
 * be followed by " H:MM" or " H:MM:SS" (an .xlsx date-time cell), the time
 * dropped.  Returns 0, or -1 (out empty)
 * for anything else or a day that never was (2023/2/30).  No surrounding
 * space: callers trim.
 */
int date_from_text(const char *s, char out[DATE_BUFSZ]);

/*
 * A month likewise, into "YYYY-MM": 2023-08, 2023/8, 2023.8, 2023年8月,
 * 202308, or any spelling of a day of it date_from_text() reads (an Excel
 * cell formatted as a month holds a day).  0, or -1 (out empty).
 */
int month_from_text(const char *s, char out[MONTH_BUFSZ]);

/* Current time in seconds since the epoch (1970-01-01T00:00:00Z). */
int64_t time_now(void);

/* The same in milliseconds (delays of a second need it). */
int64_t time_now_ms(void);

/*
 * Today's date in China (UTC+8, whatever the server's time zone) into `out`
 * ("2026-11-29"): the day every rule means — a date not in the future, a
 * deadline passed, the current month — is the district's, and a patrol
 * recorded at 07:00 in Beijing is today's there, not yesterday's in UTC.
 */
void date_today(char out[DATE_BUFSZ]);

/* The same and, when `minutes` is not NULL, the minutes since China's midnight. */
void date_now_china(char day[DATE_BUFSZ], int *minutes);

/* The day in China of time `t` (seconds since the epoch). */
void date_of_time_china(int64_t t, char out[DATE_BUFSZ]);

/* The last second of valid date `date` in China, in seconds since the epoch. */
int64_t date_end_china(const char *date);

/* The current month in China into `out` ("2026-11"). */
void month_now(char out[MONTH_BUFSZ]);

/* Is `month` (YYYY-MM) after the current month (UTC)? */
int month_is_future(const char *month);

/*
 * The month a valid date falls in: "2026-11-29" gives "2026-11".
 * Returns 0, or -1 with `out` empty if `date` is not date_valid().
 */
int month_of_date(const char *date, char out[MONTH_BUFSZ]);

/*
 * The month `delta` months after (or, if negative, before) `month`:
 * ("2026-11", 2) gives "2027-01", ("2026-01", -1) gives "2025-12".
 * Returns 0, or -1 with `out` empty if `month` is invalid or the result
 * falls outside years 0001..9999.
 */
int month_add(const char *month, int delta, char out[MONTH_BUFSZ]);

/*
 * Days from 1970-01-01 to `date` (negative before it), so that deadlines
 * and overdue checks are plain subtraction.  Returns DATE_DAYS_INVALID if
 * `date` is not date_valid().
 */
int64_t date_days(const char *date);

/*
 * The inverse of date_days(): write the date `days` days after 1970-01-01.
 * Returns 0, or -1 with `out` empty if that is outside 0001..9999.
 */
int date_from_days(int64_t days, char out[DATE_BUFSZ]);

/*
 * The date `days` days after (or before, if negative) `date`.  Returns 0,
 * or -1 with `out` empty if `date` is invalid or the result is outside
 * 0001..9999.
 */
int date_add_days(const char *date, int days, char out[DATE_BUFSZ]);

/*
 * Format `epoch` (seconds since the epoch) as UTC "2026-11-29T10:00:00Z".
 * Returns 0, or -1 with `out` empty if the moment is outside 0001..9999.
 */
int time_iso_utc(int64_t epoch, char out[TIME_ISO_BUFSZ]);

#endif
