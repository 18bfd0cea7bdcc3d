/*
 * test_pwcheck: unit tests of src/base/pwcheck.c: the embedded lists are
 * there, common passwords and words dressed with digits, symbols and
 * look-alikes are refused, so is a password containing the user's name,
 * and passwords made up for the occasion (the tests' and the demo's own)
 * pass.  No password ever appears in a message.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "base/pwcheck.h"
#include "base/strbuf.h"
#include "model/session.h"

static void refused(const char *pw, const char *user, const char *reason)
{
	struct strbuf err = STRBUF_INIT;

	if (password_check(pw, user, 8, 3, &err) == 0)
		fail_msg("accepted: %s (user %s)", pw, user ? user : "-");
	if (!strstr(err.buf, reason))
		fail_msg("%s: message \"%s\" lacks \"%s\"", pw, err.buf, reason);
	assert_null(strstr(err.buf, pw));
	strbuf_release(&err);
}

static void accepted(const char *pw, const char *user)
{
	struct strbuf err = STRBUF_INIT;

	if (password_check(pw, user, 8, 3, &err))
		fail_msg("refused: %s (user %s): %s", pw, user ? user : "-", err.buf);
	strbuf_release(&err);
}

static void test_lists(void **state)
{
	(void)state;
	/* john-data's password.lst, cracklib-small, the project's own */
	assert_true(password_listed("123456"));
	assert_true(password_listed("password1"));
	assert_true(password_listed("sunshine"));
	assert_true(password_listed("grid"));
	assert_true(password_listed("woaini1314"));
	assert_true(password_listed("sanling"));
	/* comments are not entries; case is folded */
	assert_false(password_listed("#!comment:"));
	assert_false(password_listed("init-pass-9"));
	assert_false(password_listed(""));
}

static void test_common(void **state)
{
	(void)state;
	refused("Password1", NULL, "太常见");
	refused("Password1!", NULL, "太常见");
	refused("P@ssw0rd!", NULL, "太常见");
	refused("#Sunshine2024", NULL, "太常见");
	refused("Pass-Word-1", NULL, "太常见");
	refused("Admin@123", NULL, "太常见");
	refused("@dmin1234", NULL, "太常见");
	refused("Aa123456", NULL, "太常见");
	refused("Aa123456!", NULL, "太常见");
	refused("Qwerty123!", NULL, "太常见");
	refused("Sanling@2023", NULL, "太常见");
	refused("Woaini1314!", NULL, "太常见");
	refused("grid@Grid123", NULL, "太常见"); /* a word twice */
	/* the policy still speaks first */
	refused("short", NULL, "至少 8 位");
}

static void test_username(void **state)
{
	(void)state;
	refused("grid@Grid123", "grid", "用户名");
	refused("X9-office-Q", "office", "用户名");
	refused("Wang.Li-2024", "wang.li", "用户名");
	refused("Tr!cky-Pu2", "trick", "用户名"); /* a look-alike symbol inside */
	/* names too short to look for are not */
	accepted("Lo-Tide-Mx7", "lo");
}

static void test_accepted(void **state)
{
	(void)state;
	accepted("Init-Pass-9", "office");
	accepted("Changed-Pass-7", "petition");
	accepted("Reset#Pass3", "t1");
	accepted("Another#Pass2", "t1");
	accepted("Demo-Pass-2023", "office");
	accepted("Correct-Horse-Battery-9", NULL);
	accepted("x7#Kd!q2Lm", NULL);
	accepted("红旗渠Hq-1960", NULL);
}

static void test_delays(void **state)
{
	(void)state;
	assert_int_equal(login_delay(0, 5, 900), 0);
	assert_int_equal(login_delay(4, 5, 900), 0);
	assert_int_equal(login_delay(5, 5, 900), 1);
	assert_int_equal(login_delay(6, 5, 900), 2);
	assert_int_equal(login_delay(7, 5, 900), 4);
	assert_int_equal(login_delay(14, 5, 900), 512);
	assert_int_equal(login_delay(15, 5, 900), 900);
	assert_int_equal(login_delay(1000000, 5, 900), 900);
	assert_int_equal(login_delay(50, 50, 300), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_common),
		cmocka_unit_test(test_username),
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_delays),
	};

	return cmocka_run_group_tests_name("pwcheck", tests, NULL, NULL);
}
