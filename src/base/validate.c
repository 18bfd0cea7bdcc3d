/*
 * validate.c: credit codes, ID numbers, phone numbers, region codes and
 * UTF-8 (see validate.h).  Pure functions over bytes, no allocation except
 * in the *_normalise() helpers, no locale (no <ctype.h> classification, whose
 * answer depends on the process locale).  Not a place for messages: callers
 * say in their own words what was wrong.
 */
#include "base/validate.h"

#include <string.h>

#include "base/date.h"
#include "base/strbuf.h"

#define SECS_PER_DAY 86400

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

/* Value of a credit-code character (0..30), or -1 if not in the charset. */
static int credit_char_value(char c)
{
	static const char charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	const char *p;

	if (!c)
		return -1;
	p = strchr(charset, c);
	return p ? (int)(p - charset) : -1;
}

int credit_code_valid(const char *s)
{
	static const int weight[17] = {
		1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
	};
	int i, sum = 0, check, v;

	if (!s || strlen(s) != 18)
		return 0;
	if (!all_digits(s + 2, 6))
		return 0;
	for (i = 0; i < 17; i++) {
		v = credit_char_value(s[i]);
		if (v < 0)
			return 0;
		sum += v * weight[i];
	}
	check = 31 - sum % 31;
	if (check == 31)
		check = 0;
	return credit_char_value(s[17]) == check;
}

int idcard_valid(const char *s)
{
	static const int weight[17] = {
		7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2
	};
	static const char check_chars[] = "10X98765432";
	char birth[DATE_BUFSZ];
	int64_t born, today, now;
	int i, sum = 0;

	if (!s || strlen(s) != 18 || !all_digits(s, 17) || s[0] == '0')
		return 0;
	for (i = 0; i < 17; i++)
		sum += (s[i] - '0') * weight[i];
	if (s[17] != check_chars[sum % 11])
		return 0;

	memcpy(birth, s + 6, 4);
	birth[4] = '-';
	memcpy(birth + 5, s + 10, 2);
	birth[7] = '-';
	memcpy(birth + 8, s + 12, 2);
	birth[10] = '\0';
	born = date_days(birth);
	if (born == DATE_DAYS_INVALID || born < date_days("1800-01-01"))
		return 0;
	now = time_now();
	today = now / SECS_PER_DAY - (now % SECS_PER_DAY < 0);
	return born <= today + 1;
}

/* Match 0\d{2,3}-?\d{7,8}(-\d{1,6})? with the area code `alen` digits. */
static int landline_split(const char *s, size_t n, size_t alen)
{
	size_t i = 1 + alen, start;

	if (n < i || !all_digits(s + 1, alen))
		return 0;
	if (i < n && s[i] == '-')
		i++;
	start = i;
	while (i < n && is_digit(s[i]))
		i++;
	if (i - start < 7 || i - start > 8)
		return 0;
	if (i == n)
		return 1;
	if (s[i] != '-')
		return 0;
	i++;
	if (n - i < 1 || n - i > 6)
		return 0;
	return all_digits(s + i, n - i);
}

int phone_valid(const char *s)
{
	size_t n;

	if (!s)
		return 0;
	n = strlen(s);
	if (s[0] == '1')
		return n == 11 && s[1] >= '3' && s[1] <= '9' &&
		       all_digits(s, 11);
	if (s[0] != '0')
		return 0;
	/*
	 * Without the '-' the split between area code and local number is
	 * ambiguous ("0101234567" is 010+1234567 or 0101+234567); the number
	 * is valid if either reading is.
	 */
	return landline_split(s, n, 2) || landline_split(s, n, 3);
}

int region_code_valid(const char *s)
{
	size_t n;

	if (!s)
		return 0;
	n = strlen(s);
	return n >= 1 && n <= 12 && all_digits(s, n);
}

size_t utf8_seq_len(const char *s, size_t avail)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xBF;
	size_t need, i;

	if (!avail || !u[0])
		return 0;
	if (u[0] < 0x80)
		return 1;
	if (u[0] < 0xC2)		/* continuation byte or overlong C0/C1 */
		return 0;
	if (u[0] < 0xE0) {
		need = 2;
	} else if (u[0] < 0xF0) {
		need = 3;
		if (u[0] == 0xE0)
			lo = 0xA0;	/* overlong below U+0800 */
		else if (u[0] == 0xED)
			hi = 0x9F;	/* surrogates U+D800..U+DFFF */
	} else if (u[0] < 0xF5) {
		need = 4;
		if (u[0] == 0xF0)
			lo = 0x90;	/* overlong below U+10000 */
		else if (u[0] == 0xF4)
			hi = 0x8F;	/* above U+10FFFF */
	} else {
		return 0;
	}
	if (avail < need)
		return 0;
	if (u[1] < lo || u[1] > hi)
		return 0;
	for (i = 2; i < need; i++)
		if (u[i] < 0x80 || u[i] > 0xBF)
			return 0;
	return need;
}

int utf8_valid(const char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		n = utf8_seq_len(s + i, len - i);
		if (!n)
			return 0;
		i += n;
	}
	return 1;
}

size_t utf8_length(const char *s)
{
	size_t len, i = 0, count = 0, n;

	if (!s)
		return 0;
	len = strlen(s);
	while (i < len) {
		n = utf8_seq_len(s + i, len - i);
		i += n ? n : 1;
		count++;
	}
	return count;
}

/* The code point of the valid sequence of `n` bytes at `s`. */
static unsigned long code_point(const unsigned char *s, size_t n)
{
	switch (n) {
	case 1: return s[0];
	case 2: return ((s[0] & 0x1Ful) << 6) | (s[1] & 0x3F);
	case 3: return ((s[0] & 0x0Ful) << 12) | ((s[1] & 0x3Ful) << 6) | (s[2] & 0x3F);
	default:
		return ((s[0] & 0x07ul) << 18) | ((s[1] & 0x3Ful) << 12) | ((s[2] & 0x3Ful) << 6) |
		       (s[3] & 0x3F);
	}
}

static int is_blank_cp(unsigned long c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xA0 || (c >= 0x2000 && c <= 0x200B) ||
	       c == 0x3000;
}

size_t utf8_visible_length(const char *s)
{
	size_t len, i = 0, count = 0, n;

	if (!s)
		return 0;
	len = strlen(s);
	while (i < len) {
		n = utf8_seq_len(s + i, len - i);
		if (!n) {
			i++;
			count++;
			continue;
		}
		if (!is_blank_cp(code_point((const unsigned char *)s + i, n)))
			count++;
		i += n;
	}
	return count;
}

static int is_unwanted_control(unsigned long c)
{
	if (c < 0x20)
		return c != '\t' && c != '\n' && c != '\r';
	return c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == 0x061C || c == 0x200E ||
	       c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

int text_controls_ok(const char *s)
{
	size_t len, i = 0, n;

	if (!s)
		return 0;
	len = strlen(s);
	while (i < len) {
		n = utf8_seq_len(s + i, len - i);
		if (!n || is_unwanted_control(code_point((const unsigned char *)s + i, n)))
			return 0;
		i += n;
	}
	return 1;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\v' || c == '\f';
}

/* Append `in` less surrounding ASCII white space; return where it starts. */
static size_t add_trimmed(struct strbuf *out, const char *in)
{
	size_t start = out->len, end, b = 0;

	if (!in)
		return start;
	end = strlen(in);
	while (b < end && is_space(in[b]))
		b++;
	while (end > b && is_space(in[end - 1]))
		end--;
	strbuf_add(out, in + b, end - b);
	return start;
}

void idcard_normalise(const char *in, struct strbuf *out)
{
	size_t start = add_trimmed(out, in);

	if (out->len > start && out->buf[out->len - 1] == 'x')
		out->buf[out->len - 1] = 'X';
}

void credit_code_normalise(const char *in, struct strbuf *out)
{
	size_t i = add_trimmed(out, in);

	for (; i < out->len; i++)
		if (out->buf[i] >= 'a' && out->buf[i] <= 'z')
			out->buf[i] = (char)(out->buf[i] - 'a' + 'A');
}

int utf8_prefix(const char *s, size_t max_chars)
{
	size_t bytes = 0, n = 0, len = strlen(s);

	while (bytes < len && n < max_chars) {
		size_t k = utf8_seq_len(s + bytes, len - bytes);
		bytes += k ? k : 1;
		n++;
	}
	return (int)bytes;
}
