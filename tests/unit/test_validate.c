/*
 * test_validate: unit tests of src/base/validate.c.  The valid credit codes
 * and ID numbers are published examples whose check characters were
 * verified once by hand; the "valid checksum, bad date" numbers were made
 * the same way.  Each refusal has its own case.  Not a test of the
 * normalisation policy of any entity.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "base/strbuf.h"
#include "base/validate.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_credit_code_accepts(void **state)
{
	assert_true(credit_code_valid("91350100M000100Y43"));
	assert_true(credit_code_valid("91110000600037341L"));
	assert_true(credit_code_valid("9144030071526726XG"));
	/* check value 31 -> '0', and a 'Y' authority with letter check */
	assert_true(credit_code_valid("9135010000000000AG"));
	assert_true(credit_code_valid("Y1350100M000100Y4D"));
	assert_true(credit_code_valid("11350100M00010004C"));
}

static void test_credit_code_refuses(void **state)
{
	static const char *const bad[] = {
		"91350100M000100Y44",	/* wrong check character */
		"91350100M000100Y4",	/* 17 characters */
		"91350100M000100Y430",	/* 19 characters */
		"91110000600037341l",	/* lower case */
		"91350100M000100I43",	/* I not in the charset */
		"91350100M0O0100Y43",	/* O */
		"91350100M000100Z43",	/* Z */
		"91350100M000100S43",	/* S */
		"91350100M000100V43",	/* V */
		"91A50100M000100Y42",	/* valid checksum, letter in region */
		" 91350100M000100Y43",
		"91350100M000100Y43 ",
		"91350100-000100Y43",
		"",
	};
	size_t i;

	for (i = 0; i < N(bad); i++)
		if (credit_code_valid(bad[i]))
			fail_msg("accepted \"%s\"", bad[i]);
	assert_false(credit_code_valid(NULL));
}

static void test_idcard_accepts(void **state)
{
	assert_true(idcard_valid("11010519491231002X"));
	assert_true(idcard_valid("110101199003074477"));
	assert_true(idcard_valid("440524188001010014"));	/* born 1880 */
	assert_true(idcard_valid("320102200002291235"));	/* 2000-02-29 */
}

static void test_idcard_refuses(void **state)
{
	static const char *const bad[] = {
		"110105194912310021",	/* wrong check digit */
		"110101199003074478",
		"11010519491231002x",	/* lower-case x: normalise first */
		"11010519491231002",	/* 17 */
		"11010519491231002X1",	/* 19 */
		"110105491231002",	/* old 15-digit form */
		"1101051949123100XX",	/* X not last */
		"11010519491231O02X",	/* letter O */
		"11010519491231 02X",
		"110101190002290011",	/* 1900-02-29, checksum right */
		"110101202302290019",	/* 2023-02-29 */
		"110101199013010012",	/* month 13 */
		"11010119900100001X",	/* day 00 */
		"110101179912310010",	/* 1799, before 1800 */
		"110101299901010019",	/* 2999, in the future */
		"010105194912310026",	/* leading zero region */
		"",
	};
	size_t i;

	for (i = 0; i < N(bad); i++)
		if (idcard_valid(bad[i]))
			fail_msg("accepted \"%s\"", bad[i]);
	assert_false(idcard_valid(NULL));
}

static void test_normalise(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	idcard_normalise("  11010519491231002x\n", &sb);
	assert_string_equal(sb.buf, "11010519491231002X");
	assert_true(idcard_valid(sb.buf));
	strbuf_reset(&sb);
	idcard_normalise("110101199003074477", &sb);
	assert_string_equal(sb.buf, "110101199003074477");
	strbuf_reset(&sb);
	idcard_normalise(" x ", &sb);
	assert_string_equal(sb.buf, "X");
	strbuf_reset(&sb);
	idcard_normalise("   ", &sb);
	assert_string_equal(sb.buf, "");
	idcard_normalise(NULL, &sb);
	assert_int_equal(sb.len, 0);

	/* appends, and folds only what it appended */
	strbuf_addstr(&sb, "pre:");
	credit_code_normalise("\t91110000600037341l ", &sb);
	assert_string_equal(sb.buf, "pre:91110000600037341L");
	assert_true(credit_code_valid(sb.buf + 4));
	strbuf_reset(&sb);
	credit_code_normalise("91350100m000100y43", &sb);
	assert_string_equal(sb.buf, "91350100M000100Y43");
	strbuf_release(&sb);
}

static void test_phone(void **state)
{
	static const char *const ok[] = {
		"13812345678", "19912345678", "15000000000",
		"010-12345678", "01012345678", "0755-1234567",
		"07551234567", "0571-87654321", "057187654321",
		"010-12345678-123", "01012345678-1", "0755-1234567-123456",
		"0101234567",		/* 010 + 7 digits */
	};
	static const char *const bad[] = {
		"12812345678",		/* 12x is not a mobile prefix */
		"11812345678",
		"1381234567",		/* 10 digits */
		"138123456789",		/* 12 digits */
		"+8613812345678", "86-13812345678", "138 1234 5678",
		"1381234567a",
		"010-123456",		/* local 6 digits */
		"010-123456789",	/* local 9 digits */
		"0755-123456789",
		"0-12345678",		/* area too short */
		"07555-1234567",	/* area 4 digits after 0 */
		"010--12345678",
		"010-12345678-",	/* empty extension */
		"010-12345678-1234567",	/* extension 7 digits */
		"010-12345678-12a",
		"1010-12345678",
		"(010)12345678",
		"", "0", "1",
	};
	size_t i;

	for (i = 0; i < N(ok); i++)
		if (!phone_valid(ok[i]))
			fail_msg("refused \"%s\"", ok[i]);
	for (i = 0; i < N(bad); i++)
		if (phone_valid(bad[i]))
			fail_msg("accepted \"%s\"", bad[i]);
	assert_false(phone_valid(NULL));
}

static void test_region_code(void **state)
{
	assert_true(region_code_valid("3"));
	assert_true(region_code_valid("35"));
	assert_true(region_code_valid("350100"));
	assert_true(region_code_valid("350102001"));
	assert_true(region_code_valid("350102001001"));	/* 12 digits */
	assert_false(region_code_valid("3501020010011"));	/* 13 */
	assert_false(region_code_valid(""));
	assert_false(region_code_valid("35010a"));
	assert_false(region_code_valid(" 350100"));
	assert_false(region_code_valid("-35"));
	assert_false(region_code_valid(NULL));
}

static void test_utf8_valid(void **state)
{
	static const struct {
		const char *s;
		size_t len;
		int ok;
	} cases[] = {
		{ "", 0, 1 },
		{ "abc", 3, 1 },
		{ "张三", 6, 1 },
		{ "\xc2\x80", 2, 1 },			/* U+0080 */
		{ "\xdf\xbf", 2, 1 },			/* U+07FF */
		{ "\xe0\xa0\x80", 3, 1 },		/* U+0800 */
		{ "\xed\x9f\xbf", 3, 1 },		/* U+D7FF */
		{ "\xee\x80\x80", 3, 1 },		/* U+E000 */
		{ "\xef\xbf\xbf", 3, 1 },		/* U+FFFF */
		{ "\xf0\x90\x80\x80", 4, 1 },		/* U+10000 */
		{ "\xf4\x8f\xbf\xbf", 4, 1 },		/* U+10FFFF */
		{ "\xf0\x9f\x98\x80", 4, 1 },		/* emoji */
		{ "a\0b", 3, 0 },			/* embedded NUL */
		{ "\0", 1, 0 },
		{ "\x80", 1, 0 },			/* lone continuation */
		{ "\xbf", 1, 0 },
		{ "\xc0\x80", 2, 0 },			/* overlong NUL */
		{ "\xc1\xbf", 2, 0 },			/* overlong */
		{ "\xe0\x9f\xbf", 3, 0 },		/* overlong 3-byte */
		{ "\xf0\x8f\xbf\xbf", 4, 0 },		/* overlong 4-byte */
		{ "\xed\xa0\x80", 3, 0 },		/* U+D800 surrogate */
		{ "\xed\xbf\xbf", 3, 0 },		/* U+DFFF */
		{ "\xf4\x90\x80\x80", 4, 0 },		/* U+110000 */
		{ "\xf5\x80\x80\x80", 4, 0 },
		{ "\xff", 1, 0 },
		{ "\xfe", 1, 0 },
		{ "\xe5\xbc", 2, 0 },			/* truncated 张 */
		{ "\xe5\xbc\xa0", 2, 0 },		/* len cuts it */
		{ "\xe5\x41\xa0", 3, 0 },		/* bad continuation */
		{ "\xc3\xa9\xc3", 3, 0 },		/* truncated at end */
		{ "\xf0\x9f\x98", 3, 0 },
	};
	size_t i;

	for (i = 0; i < N(cases); i++)
		if (utf8_valid(cases[i].s, cases[i].len) != cases[i].ok)
			fail_msg("case %zu: expected %d", i, cases[i].ok);
	assert_true(utf8_valid(NULL, 0));
}

/* A reason of blanks or dots is not four characters of reason. */
static void test_visible_length(void **state)
{
	assert_int_equal(utf8_visible_length(NULL), 0);
	assert_int_equal(utf8_visible_length("  "), 0);
	assert_int_equal(utf8_visible_length("\t\t"), 0);
	assert_int_equal(utf8_visible_length("\xe3\x80\x80\xe3\x80\x80"), 0); /* 　　 */
	assert_int_equal(utf8_visible_length(".."), 2);
	assert_int_equal(utf8_visible_length(" a b "), 2);
	assert_int_equal(utf8_visible_length("核查 信访"), 4);
	assert_int_equal(utf8_visible_length("\xc2\xa0x\xe2\x80\x8b"), 1); /* NBSP, ZWSP */
}

static void test_text_controls(void **state)
{
	assert_true(text_controls_ok(""));
	assert_true(text_controls_ok("张三\t第一行\r\n第二行"));
	assert_false(text_controls_ok(NULL));
	assert_false(text_controls_ok("a\x01b"));
	assert_false(text_controls_ok("a\x1b[31m"));
	assert_false(text_controls_ok("a\x7f"));
	assert_false(text_controls_ok("a\xc2\x85"));             /* NEL, C1 */
	assert_false(text_controls_ok("abc\xe2\x80\xaegpj.exe")); /* U+202E */
	assert_false(text_controls_ok("\xe2\x81\xa6x"));          /* U+2066 */
	assert_false(text_controls_ok("\xe2\x80\x8f"));           /* U+200F */
	assert_true(text_controls_ok("\xe2\x80\x94"));            /* an em dash is text */
}

static void test_utf8_seq_len(void **state)
{
	assert_int_equal(utf8_seq_len("a", 1), 1);
	assert_int_equal(utf8_seq_len("\xc3\xa9", 2), 2);
	assert_int_equal(utf8_seq_len("张", 3), 3);
	assert_int_equal(utf8_seq_len("\xf0\x9f\x98\x80", 4), 4);
	assert_int_equal(utf8_seq_len("\xf0\x9f\x98\x80", 3), 0);
	assert_int_equal(utf8_seq_len("a", 0), 0);
	assert_int_equal(utf8_seq_len("", 1), 0);
	assert_int_equal(utf8_seq_len("\x80", 1), 0);
}

static void test_utf8_length(void **state)
{
	assert_int_equal(utf8_length(""), 0);
	assert_int_equal(utf8_length(NULL), 0);
	assert_int_equal(utf8_length("abc"), 3);
	assert_int_equal(utf8_length("张三"), 2);
	assert_int_equal(utf8_length("欧阳娜娜"), 4);
	assert_int_equal(utf8_length("a\xf0\x9f\x98\x80z"), 3);
	/* invalid bytes count one each */
	assert_int_equal(utf8_length("\xff\xfe"), 2);
	assert_int_equal(utf8_length("\xe5\xbc"), 2);
	assert_int_equal(utf8_length("a\xe5\xbc\xa0\x80"), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_credit_code_accepts),
		cmocka_unit_test(test_credit_code_refuses),
		cmocka_unit_test(test_idcard_accepts),
		cmocka_unit_test(test_idcard_refuses),
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_region_code),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_utf8_seq_len),
		cmocka_unit_test(test_visible_length),
		cmocka_unit_test(test_text_controls),
		cmocka_unit_test(test_utf8_length),
	};

	return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
