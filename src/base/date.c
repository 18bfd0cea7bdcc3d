/*
 * date.c: ISO dates, months and UTC timestamps (see date.h).
 *
 * The calendar arithmetic counts days from 0001-01-01 with the Gregorian
 * leap rule and converts back by estimating the year and correcting it; it
 * does not use mktime()/timegm() (local time zone, time_t range) nor any
 * table beyond the month lengths.  Not a time-zone or formatting library.
 */
#include "base/date.h"

#include <stddef.h>
#include <string.h>
#include <time.h>

#define MIN_YEAR 1
#define MAX_YEAR 9999
#define SECS_PER_DAY 86400

static const int month_len[12] = {
	31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
};

int date_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int y, int m)
{
	if (m < 1 || m > 12)
		return 0;
	if (m == 2 && date_is_leap(y))
		return 29;
	return month_len[m - 1];
}

/* Days from 0001-01-01 to y-01-01, for y >= 1. */
static int64_t days_before_year(int64_t y)
{
	int64_t p = y - 1;

	return p * 365 + p / 4 - p / 100 + p / 400;
}

/* Days from 1 January of `y` to the 1st of month `m`. */
static int days_before_month(int y, int m)
{
	int i, n = 0;

	for (i = 1; i < m; i++)
		n += date_days_in_month(y, i);
	return n;
}

/* Parse exactly `n` ASCII digits; -1 if any is not a digit. */
static int parse_digits(const char *s, int n)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Write `v` as exactly `width` decimal digits (v must fit). */
static void put_digits(char *out, int v, int width)
{
	int i;

	for (i = width - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

static void format_date(char *out, int y, int m, int d)
{
	put_digits(out, y, 4);
	out[4] = '-';
	put_digits(out + 5, m, 2);
	out[7] = '-';
	put_digits(out + 8, d, 2);
	out[10] = '\0';
}

static void format_month(char *out, int y, int m)
{
	put_digits(out, y, 4);
	out[4] = '-';
	put_digits(out + 5, m, 2);
	out[7] = '\0';
}

int month_parse(const char *s, int *y, int *m)
{
	int yy, mm;

	if (!s || strlen(s) != 7 || s[4] != '-')
		return -1;
	yy = parse_digits(s, 4);
	mm = parse_digits(s + 5, 2);
	if (yy < MIN_YEAR || mm < 1 || mm > 12)
		return -1;
	if (y)
		*y = yy;
	if (m)
		*m = mm;
	return 0;
}

int date_parse(const char *s, int *y, int *m, int *d)
{
	int yy, mm, dd;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	yy = parse_digits(s, 4);
	mm = parse_digits(s + 5, 2);
	dd = parse_digits(s + 8, 2);
	if (yy < MIN_YEAR || mm < 1 || mm > 12 || dd < 1 ||
	    dd > date_days_in_month(yy, mm))
		return -1;
	if (y)
		*y = yy;
	if (m)
		*m = mm;
	if (d)
		*d = dd;
	return 0;
}

int date_valid(const char *s)
{
	return date_parse(s, NULL, NULL, NULL) == 0;
}

int month_valid(const char *s)
{
	return month_parse(s, NULL, NULL) == 0;
}

/*
 * Read 1 to `max` ASCII digits at *s into *v, moving *s past them;
 * -1 when there is none or more than `max`.
 */
static int take_digits(const char **s, int max, int *v)
{
	int n = 0;

	*v = 0;
	while (**s >= '0' && **s <= '9') {
		if (++n > max)
			return -1;
		*v = *v * 10 + (**s - '0');
		(*s)++;
	}
	return n ? 0 : -1;
}

/* Take `lit` at *s (moving past it): 0, or -1 when *s does not start with it. */
static int take_literal(const char **s, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(*s, lit, n))
		return -1;
	*s += n;
	return 0;
}

/*
 * "Y<sep>M[<sep>D]" with sep one of - / . (the same twice), or "Y年M月[D日]"
 * (日 may be left off): the parts into y, m, d (d 0 when `day` is 0, which
 * reads a month).  0, or -1 when `s` is not that shape.
 */
static int split_spelled(const char *s, int day, int *y, int *m, int *d)
{
	int cjk = 0;
	char sep = 0;

	*d = 0;
	if (take_digits(&s, 4, y) || *y < MIN_YEAR)
		return -1;
	if (*s == '-' || *s == '/' || *s == '.')
		sep = *s++;
	else if (!take_literal(&s, "年"))
		cjk = 1;
	else
		return -1;
	if (take_digits(&s, 2, m))
		return -1;
	if (cjk && take_literal(&s, "月"))
		return -1;
	if (!day)
		return *s ? -1 : 0;
	if (!cjk && *s++ != sep)
		return -1;
	if (take_digits(&s, 2, d))
		return -1;
	if (cjk)
		take_literal(&s, "日");
	return *s ? -1 : 0;
}

/* All of `s` ASCII digits, `n` of them? */
static int all_digits(const char *s, size_t n)
{
	return strlen(s) == n && strspn(s, "0123456789") == n;
}

/*
 * An Excel serial day number (with any fraction: the time of day) to days
 * since 1970.  Five digits only (1927-05-18 to 2173-10-14): a shorter number
 * is more likely a year or a slip than a day.
 */
static int excel_serial(const char *s, int64_t *days)
{
	size_t n = strspn(s, "0123456789");
	int64_t v = 0;
	size_t i;

	if (n != 5 || (s[n] && (s[n] != '.' || strspn(s + n + 1, "0123456789") !=
						     strlen(s + n + 1))))
		return -1;
	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	*days = v - 25569; /* serial 25569 is 1970-01-01 */
	return 0;
}

/* "H:MM" or "H:MM:SS" (hours 0 to 23): the time of a date-time cell. */
static int time_of_day(const char *s)
{
	int h, mi, sec = 0;

	if (take_digits(&s, 2, &h) || h > 23 || *s++ != ':' || take_digits(&s, 2, &mi) || mi > 59)
		return -1;
	if (*s == ':') {
		s++;
		if (take_digits(&s, 2, &sec) || sec > 59)
			return -1;
	}
	return *s ? -1 : 0;
}

int date_from_text(const char *s, char out[DATE_BUFSZ])
{
	const char *space = s ? strchr(s, ' ') : NULL;
	int y, m, d;
	int64_t days;

	out[0] = '\0';
	if (!s)
		return -1;
	if (space) { /* a date and time (an .xlsx date-time cell): the day */
		char day[32];

		if ((size_t)(space - s) >= sizeof(day) || time_of_day(space + 1))
			return -1;
		memcpy(day, s, (size_t)(space - s));
		day[space - s] = '\0';
		return date_from_text(day, out);
	}
	if (all_digits(s, 8)) {
		y = parse_digits(s, 4);
		m = parse_digits(s + 4, 2);
		d = parse_digits(s + 6, 2);
	} else if (split_spelled(s, 1, &y, &m, &d)) {
		if (excel_serial(s, &days))
			return -1;
		return date_from_days(days, out);
	}
	if (y < MIN_YEAR || m < 1 || m > 12 || d < 1 || d > date_days_in_month(y, m))
		return -1;
	format_date(out, y, m, d);
	return 0;
}

int month_from_text(const char *s, char out[MONTH_BUFSZ])
{
	char day[DATE_BUFSZ];
	int y, m, d;

	out[0] = '\0';
	if (!s)
		return -1;
	if (all_digits(s, 6)) {
		y = parse_digits(s, 4);
		m = parse_digits(s + 4, 2);
	} else if (split_spelled(s, 0, &y, &m, &d)) {
		if (date_from_text(s, day))
			return -1;
		return month_of_date(day, out);
	}
	if (y < MIN_YEAR || m < 1 || m > 12)
		return -1;
	format_month(out, y, m);
	return 0;
}

int64_t time_now(void)
{
	return (int64_t)time(NULL);
}

int64_t time_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t date_days(const char *date)
{
	int y, m, d;

	if (date_parse(date, &y, &m, &d))
		return DATE_DAYS_INVALID;
	return days_before_year(y) + days_before_month(y, m) + (d - 1) -
	       days_before_year(1970);
}

/* Split days since 1970-01-01 into y/m/d; -1 outside 0001..9999. */
static int civil_from_days(int64_t days, int *y, int *m, int *d)
{
	int64_t n, rem, yy;
	int mm;

	if (days < -days_before_year(1970) ||
	    days >= days_before_year(MAX_YEAR + 1) - days_before_year(1970))
		return -1;
	n = days + days_before_year(1970);	/* days since 0001-01-01 */
	yy = n * 400 / 146097 + 1;		/* 146097 days per 400 years */
	while (yy < MAX_YEAR && days_before_year(yy + 1) <= n)
		yy++;
	while (yy > MIN_YEAR && days_before_year(yy) > n)
		yy--;
	rem = n - days_before_year(yy);
	for (mm = 1; mm < 12; mm++) {
		int len = date_days_in_month((int)yy, mm);

		if (rem < len)
			break;
		rem -= len;
	}
	*y = (int)yy;
	*m = mm;
	*d = (int)rem + 1;
	return 0;
}

int date_from_days(int64_t days, char out[DATE_BUFSZ])
{
	int y, m, d;

	if (civil_from_days(days, &y, &m, &d)) {
		out[0] = '\0';
		return -1;
	}
	format_date(out, y, m, d);
	return 0;
}

int date_add_days(const char *date, int days, char out[DATE_BUFSZ])
{
	int64_t base = date_days(date);

	if (base == DATE_DAYS_INVALID) {
		out[0] = '\0';
		return -1;
	}
	return date_from_days(base + days, out);
}

int time_iso_utc(int64_t epoch, char out[TIME_ISO_BUFSZ])
{
	int64_t days = epoch / SECS_PER_DAY;
	int64_t secs = epoch % SECS_PER_DAY;
	int y, m, d;

	if (secs < 0) {
		secs += SECS_PER_DAY;
		days--;
	}
	if (civil_from_days(days, &y, &m, &d)) {
		out[0] = '\0';
		return -1;
	}
	format_date(out, y, m, d);
	out[10] = 'T';
	put_digits(out + 11, (int)(secs / 3600), 2);
	out[13] = ':';
	put_digits(out + 14, (int)(secs / 60 % 60), 2);
	out[16] = ':';
	put_digits(out + 17, (int)(secs % 60), 2);
	out[19] = 'Z';
	out[20] = '\0';
	return 0;
}

/* China's civil time: UTC+8 the year round (no daylight saving) */
#define CHINA_OFFSET_SECONDS (8 * 3600)

void date_of_time_china(int64_t t, char out[DATE_BUFSZ])
{
	int64_t local = t + CHINA_OFFSET_SECONDS;

	date_from_days(local / SECS_PER_DAY - (local % SECS_PER_DAY < 0), out);
}

int64_t date_end_china(const char *date)
{
	return (date_days(date) + 1) * SECS_PER_DAY - CHINA_OFFSET_SECONDS - 1;
}

void date_now_china(char day[DATE_BUFSZ], int *minutes)
{
	int64_t now = time_now(), local = now + CHINA_OFFSET_SECONDS;

	date_of_time_china(now, day);
	if (minutes)
		*minutes = (int)((local % SECS_PER_DAY + SECS_PER_DAY) % SECS_PER_DAY / 60);
}

void date_today(char out[DATE_BUFSZ])
{
	date_now_china(out, NULL);
}

void month_now(char out[MONTH_BUFSZ])
{
	char today[DATE_BUFSZ];

	date_today(today);
	month_of_date(today, out);
}

int month_is_future(const char *month)
{
	char now[MONTH_BUFSZ];

	month_now(now);
	return strcmp(month, now) > 0;
}

int month_of_date(const char *date, char out[MONTH_BUFSZ])
{
	int y, m;

	if (date_parse(date, &y, &m, NULL)) {
		out[0] = '\0';
		return -1;
	}
	format_month(out, y, m);
	return 0;
}

int month_add(const char *month, int delta, char out[MONTH_BUFSZ])
{
	int y, m;
	int64_t idx;

	if (month_parse(month, &y, &m))
		goto fail;
	idx = (int64_t)y * 12 + (m - 1) + delta;
	if (idx < (int64_t)MIN_YEAR * 12 || idx > (int64_t)MAX_YEAR * 12 + 11)
		goto fail;
	format_month(out, (int)(idx / 12), (int)(idx % 12) + 1);
	return 0;
fail:
	out[0] = '\0';
	return -1;
}
