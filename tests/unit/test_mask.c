/*
 * test_mask: unit tests of src/base/mask.c: each rule on typical input,
 * the short and odd inputs where a careless masker leaks, and invalid
 * UTF-8, whose bytes must never reach the output.  Not a test of who may
 * see unmasked data.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "base/mask.h"
#include "base/strbuf.h"
#include "base/validate.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct mask_case {
	const char *in;
	const char *out;
};

static void check_cases(mask_fn fn, const struct mask_case *c, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		strbuf_reset(&sb);
		fn(&sb, c[i].in);
		if (strcmp(sb.buf, c[i].out))
			fail_msg("\"%s\" masked as \"%s\", expected \"%s\"",
				 c[i].in ? c[i].in : "(null)", sb.buf,
				 c[i].out);
		assert_true(utf8_valid(sb.buf, sb.len));
	}
	strbuf_release(&sb);
}

static void test_mask_name(void **state)
{
	static const struct mask_case c[] = {
		{ "张三", "张*" },
		{ "欧阳娜娜", "欧***" },
		{ "李", "*" },
		{ "王小明", "王**" },
		{ "Li Lei", "L*****" },
		{ "A", "*" },
		{ "", "" },
		{ NULL, "" },
		{ "\xf0\x9f\x98\x80\xe5\xbc\xa0", "\xf0\x9f\x98\x80*" },
		/* invalid UTF-8: nothing of it shows */
		{ "\xe5\xbc", "**" },
		{ "张\xff三", "***" },
		{ "\xff", "*" },
	};

	check_cases(mask_name, c, N(c));
}

static void test_mask_idcard(void **state)
{
	static const struct mask_case c[] = {
		{ "11010519491231002X", "**************002X" },
		{ "110101199003074477", "**************4477" },
		{ "110105491231002", "************002" },	/* 15 */
		{ "1234567", "******7" },			/* n/4 = 1 */
		{ "12345678", "******78" },			/* n/4 = 2 */
		{ "1234", "***4" },
		{ "123", "***" },
		{ "1", "*" },
		{ "", "" },
		{ NULL, "" },
		{ "1101051949123100201234", "******************1234" },
		{ "身份证号码", "****码" },
		{ "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", "********" },
		{ "1101\x80" "0519491231002X", "*******************" },
	};

	check_cases(mask_idcard, c, N(c));
}

static void test_mask_phone(void **state)
{
	static const struct mask_case c[] = {
		{ "13812341234", "138****1234" },
		{ "19900001111", "199****1111" },
		{ "010-12345678", "010-******78" },
		{ "01012345678", "010******78" },
		{ "0755-1234567", "0755-*****67" },
		{ "07551234567", "0755*****67" },
		{ "02112345678", "021******78" },
		{ "0211-2345678", "0211-*****78" },	/* '-' decides */
		{ "010-12345678-123", "010-******78-***" },
		{ "0755-1234567-8", "0755-*****67-*" },
		/* not valid phones: at most a quarter each end */
		{ "12345678901", "12*******01" },
		{ "555-1234", "55****34" },
		{ "123", "***" },
		{ "12", "**" },
		{ "+8613812345678", "+86********678" },
		{ "", "" },
		{ NULL, "" },
		{ "138\xff" "12345678", "************" },
	};

	check_cases(mask_phone, c, N(c));
}

static void test_mask_generic(void **state)
{
	static const struct mask_case c[] = {
		{ "abcde", "a***e" },
		{ "abc", "a*c" },
		{ "ab", "a*" },
		{ "a", "*" },
		{ "", "" },
		{ NULL, "" },
		{ "福建省福州市鼓楼区", "福*******区" },
		{ "张\xff", "**" },
		{ "a\xc0\x80z", "****" },
	};

	check_cases(mask_generic, c, N(c));
}

/* Appending: the output goes after what the buffer already holds. */
static void test_mask_appends(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "姓名：");
	mask_name(&sb, "张三");
	strbuf_addstr(&sb, "，电话：");
	mask_phone(&sb, "13812341234");
	assert_string_equal(sb.buf, "姓名：张*，电话：138****1234");
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask_name),
		cmocka_unit_test(test_mask_idcard),
		cmocka_unit_test(test_mask_phone),
		cmocka_unit_test(test_mask_generic),
		cmocka_unit_test(test_mask_appends),
	};

	return cmocka_run_group_tests_name("mask", tests, NULL, NULL);
}
