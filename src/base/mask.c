/*
 * mask.c: masking of personal data for display (see mask.h).  Works on code
 * points with utf8_seq_len(), so it never splits a character and never
 * copies an invalid byte.  Not a validator and not an access-control check.
 */
#include "base/mask.h"

#include <string.h>

#include "base/strbuf.h"
#include "base/validate.h"

/*
 * Count the units of `s` (a valid code point, or one stray byte).  Sets
 * *valid to whether every unit was a valid code point.
 */
static size_t count_units(const char *s, size_t len, int *valid)
{
	size_t i = 0, n = 0, step;

	*valid = 1;
	while (i < len) {
		step = utf8_seq_len(s + i, len - i);
		if (!step) {
			*valid = 0;
			step = 1;
		}
		i += step;
		n++;
	}
	return n;
}

/*
 * Append `s` with its first `front` and last `back` units kept and every
 * other unit replaced by '*'.  Invalid UTF-8 keeps nothing.
 */
static void mask_keep(struct strbuf *out, const char *s, size_t len,
		      size_t front, size_t back)
{
	size_t n, i = 0, u = 0, step;
	int valid;

	n = count_units(s, len, &valid);
	if (!valid || front + back > n)
		front = back = 0;
	while (i < len) {
		step = utf8_seq_len(s + i, len - i);
		if (!step)
			step = 1;
		if (u < front || u >= n - back)
			strbuf_add(out, s + i, step);
		else
			strbuf_addch(out, '*');
		i += step;
		u++;
	}
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Keep at most a quarter at each end: min(3, n/4) first, min(4, n/4) last. */
static void mask_quarter(struct strbuf *out, const char *s, size_t len)
{
	int valid;
	size_t n = count_units(s, len, &valid);

	mask_keep(out, s, len, min_size(3, n / 4), min_size(4, n / 4));
}

void mask_name(struct strbuf *out, const char *in)
{
	size_t len = in ? strlen(in) : 0;
	int valid;

	if (!len)
		return;
	if (count_units(in, len, &valid) <= 1)
		mask_keep(out, in, len, 0, 0);
	else
		mask_keep(out, in, len, 1, 0);
}

void mask_idcard(struct strbuf *out, const char *in)
{
	size_t len = in ? strlen(in) : 0, n;
	int valid;

	if (!len)
		return;
	/* the front is the place of registration and the birth date: never shown */
	n = count_units(in, len, &valid);
	mask_keep(out, in, len, 0, min_size(4, n / 4));
}

void mask_generic(struct strbuf *out, const char *in)
{
	size_t len = in ? strlen(in) : 0, n;
	int valid;

	if (!len)
		return;
	n = count_units(in, len, &valid);
	if (n >= 3)
		mask_keep(out, in, len, 1, 1);
	else if (n == 2)
		mask_keep(out, in, len, 1, 0);
	else
		mask_keep(out, in, len, 0, 0);
}

/*
 * A valid landline: area code, '-'s kept, last 2 local digits, extension
 * starred.  The area code ends at the first '-' if the number has one
 * there; otherwise 010 and 02x have three digits and all others four.
 */
static void mask_landline(struct strbuf *out, const char *s, size_t len)
{
	size_t area, i, local_end;

	if (s[3] == '-')
		area = 3;
	else if (s[4] == '-')
		area = 4;
	else
		area = (s[1] == '1' || s[1] == '2') ? 3 : 4;

	strbuf_add(out, s, area);
	i = area;
	if (s[i] == '-')
		strbuf_addch(out, s[i++]);
	local_end = i;
	while (local_end < len && s[local_end] != '-')
		local_end++;
	for (; i < local_end; i++)
		strbuf_addch(out, i + 2 >= local_end ? s[i] : '*');
	if (i < len) {
		strbuf_addch(out, '-');
		for (i++; i < len; i++)
			strbuf_addch(out, '*');
	}
}

void mask_phone(struct strbuf *out, const char *in)
{
	size_t len = in ? strlen(in) : 0;

	if (!len)
		return;
	if (!phone_valid(in))
		mask_quarter(out, in, len);
	else if (in[0] == '1')
		mask_keep(out, in, len, 3, 4);
	else
		mask_landline(out, in, len);
}
