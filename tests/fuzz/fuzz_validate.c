/*
 * fuzz_validate: libFuzzer target for the text checks of src/base: every
 * validator (validate.h, date.h), every masker (mask.h), the normalisers,
 * the password policy and checks (pwcheck.h) and pd_decrypt() (the one
 * parser in crypto.h).
 * Besides "no crash, no leak, no undefined behaviour" it checks the
 * promises the headers make: a masker's output is valid UTF-8, has one
 * unit per input unit, and keeps no more of the input than its rule
 * allows; an accepted date round-trips through date_days().  It is not a
 * unit test (those are tests/unit/test_{date,validate,mask,crypto}.c).
 *
 * Build (clang only; from the top of the repository) and run ~30 s:
 *
 *   clang -std=c11 -D_GNU_SOURCE -g -O1 \
 *     -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *     -Isrc $(pkg-config --cflags libsodium) \
 *     tests/fuzz/fuzz_validate.c src/base/strbuf.c src/base/validate.c \
 *     src/base/mask.c src/base/date.c src/base/crypto.c src/base/pwcheck.c \
 *     build/gen/wordlists.c \
 *     $(pkg-config --libs libsodium) -lpthread -o build/fuzz_validate
 *   mkdir -p build/corpus-validate
 *   ./build/fuzz_validate -max_total_time=30 build/corpus-validate
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypto.h"
#include "base/date.h"
#include "base/mask.h"
#include "base/pwcheck.h"
#include "base/strbuf.h"
#include "base/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

/* Length in bytes of the unit at s: a valid sequence or one stray byte. */
static size_t unit_len(const char *s, size_t avail)
{
	size_t n = utf8_seq_len(s, avail);

	return n ? n : 1;
}

/*
 * Check a masker's output against its input: same number of units, each
 * output unit either '*' or the input unit at that place, at most
 * `max_kept` kept, and nothing kept at all from invalid UTF-8.
 */
static void check_mask(const char *in, const struct strbuf *out,
		       size_t max_kept)
{
	size_t ilen = strlen(in), i = 0, o = 0, kept = 0;
	int in_valid = utf8_valid(in, ilen);

	CHECK(utf8_valid(out->buf, out->len));
	while (i < ilen) {
		size_t a = unit_len(in + i, ilen - i);
		size_t b;

		CHECK(o < out->len);
		b = unit_len(out->buf + o, out->len - o);
		if (!(b == 1 && out->buf[o] == '*')) {
			CHECK(a == b && !memcmp(in + i, out->buf + o, a));
			kept++;
		}
		i += a;
		o += b;
	}
	CHECK(o == out->len);
	if (!in_valid)
		CHECK(kept == 0);
	CHECK(kept <= max_kept);
}

static size_t quarter_limit(const char *s)
{
	size_t n = utf8_length(s), q = n / 4;

	return (q < 3 ? q : 3) + (q < 4 ? q : 4);
}

static void fuzz_masks(const char *s)
{
	struct strbuf out = STRBUF_INIT;

	mask_name(&out, s);
	check_mask(s, &out, 1);
	strbuf_reset(&out);
	mask_generic(&out, s);
	check_mask(s, &out, 2);
	strbuf_reset(&out);
	mask_idcard(&out, s);
	check_mask(s, &out, quarter_limit(s));
	strbuf_reset(&out);
	mask_phone(&out, s);
	/* mobile 3+4; landline area(<=4) + 2 '-' + last 2 */
	check_mask(s, &out, phone_valid(s) ? 8 : quarter_limit(s));
	strbuf_release(&out);
}

static void fuzz_dates(const char *s, int delta)
{
	char d[DATE_BUFSZ], m[MONTH_BUFSZ], t[TIME_ISO_BUFSZ];
	int64_t days;
	int y, mo, dd;

	days = date_days(s);
	if (date_valid(s)) {
		CHECK(days != DATE_DAYS_INVALID);
		CHECK(date_parse(s, &y, &mo, &dd) == 0);
		CHECK(date_from_days(days, d) == 0 && !strcmp(d, s));
		CHECK(month_of_date(s, m) == 0 && month_valid(m));
		if (date_add_days(s, delta, d) == 0)
			CHECK(date_days(d) == days + delta);
		else
			CHECK(d[0] == '\0');
		CHECK(time_iso_utc(days * 86400 + delta, t) == 0 ||
		      t[0] == '\0');
	} else {
		CHECK(days == DATE_DAYS_INVALID);
		CHECK(date_add_days(s, delta, d) == -1 && d[0] == '\0');
	}
	if (month_valid(s)) {
		CHECK(month_add(s, 0, m) == 0 && !strcmp(m, s));
		if (month_add(s, delta, m) == 0)
			CHECK(month_valid(m));
	} else {
		CHECK(month_add(s, delta, m) == -1);
	}
}

static void fuzz_validators(const char *s)
{
	struct strbuf n = STRBUF_INIT;
	size_t len = strlen(s);

	if (credit_code_valid(s))
		CHECK(len == 18);
	if (idcard_valid(s))
		CHECK(len == 18);
	if (phone_valid(s))
		CHECK(len >= 10 && len <= 20); /* 0 + 3 + - + 8 + - + 6 */
	if (region_code_valid(s))
		CHECK(len >= 1 && len <= 12);
	idcard_normalise(s, &n);
	CHECK(n.len <= len);
	idcard_valid(n.buf);
	strbuf_reset(&n);
	credit_code_normalise(s, &n);
	CHECK(n.len <= len);
	credit_code_valid(n.buf);
	strbuf_reset(&n);
	if (password_policy_check(s, 8, 3, &n))
		CHECK(n.len > 0 && utf8_valid(n.buf, n.len));
	else
		CHECK(n.len == 0);
	strbuf_reset(&n);
	/* the lists and rules: a message without the password in it */
	if (password_check(s, len > 4 ? s + len - 4 : "user", 8, 3, &n))
		CHECK(n.len > 0 && utf8_valid(n.buf, n.len));
	else
		CHECK(n.len == 0);
	strbuf_release(&n);
}

static void fuzz_decrypt(const char *s)
{
	struct crypto_keys k = CRYPTO_KEYS_INIT;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;

	k.loaded = 1;	/* all-zero keys are fine for parsing */
	if (pd_decrypt(&k, s, &out, &err))
		CHECK(out.len == 0 && err.len > 0);
	strbuf_release(&out);
	strbuf_release(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	size_t i, count = 0;
	int delta = 0;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	/* raw bytes, embedded NULs and all */
	if (utf8_valid((const char *)data, size)) {
		CHECK(!memchr(data, 0, size));
		for (i = 0; i < size; i++)
			count += (data[i] & 0xC0) != 0x80;
		CHECK(utf8_length(s) == count);
	}
	if (size >= 4)
		memcpy(&delta, data + size - 4, 4);

	fuzz_validators(s);
	fuzz_dates(s, delta % 1000000);
	fuzz_masks(s);
	fuzz_decrypt(s);
	free(s);
	return 0;
}
