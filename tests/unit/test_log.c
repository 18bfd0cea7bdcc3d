/*
 * test_log: unit tests of src/base/log: the text line and the JSON line of
 * a message that carries a quote, a backslash, a newline, a control
 * character and Chinese; a request's line in both forms; the level filter;
 * lines held (log_hold) and then written or dropped.
 * The lines are read back from a real temporary file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/strbuf.h"

static FILE *fp;

/* What the logger wrote since the last call, without the time stamp. */
static char *written(void)
{
	static char buf[1024];
	char *p;
	size_t n;

	fflush(fp);
	rewind(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	rewind(fp);
	if (ftruncate(fileno(fp), 0))
		fail();
	/* the time: "2026-…Z" (24 characters) wherever it is */
	p = strstr(buf, "Z");
	assert_non_null(p);
	memmove(p - 23, p + 1, strlen(p + 1) + 1);
	return buf;
}

static int setup(void **state)
{
	fp = tmpfile();
	log_set_stream(fp);
	return fp ? 0 : -1;
}

static int teardown(void **state)
{
	log_set_stream(NULL);
	log_set_format(LOG_FORMAT_TEXT);
	fclose(fp);
	return 0;
}

static void test_text(void **state)
{
	log_set_format(LOG_FORMAT_TEXT);
	log_warn("备份 \"a\\b\"\nnext\x01");
	assert_string_equal(written(), " WARN  备份 \"a\\b\"\\x0anext\\x01\n");
	log_request("GET", "/api/v1/x\ty", 200, 12, 345);
	assert_string_equal(written(), " INFO  GET /api/v1/x\\x09y 200 12B 345us\n");
}

static void test_json(void **state)
{
	enum log_format f;

	assert_int_equal(log_format_parse("json", &f), 0);
	assert_int_equal(f, LOG_FORMAT_JSON);
	assert_int_equal(log_format_parse("xml", &f), -1);
	log_set_format(f);
	log_error("备份 \"a\\b\"\nnext\x01");
	assert_string_equal(written(), "{\"time\":\"\",\"level\":\"error\","
			    "\"msg\":\"备份 \\\"a\\\\b\\\"\\u000anext\\u0001\"}\n");
	log_request("POST", "/api/v1/\"q\"", 201, 0, 7);
	assert_string_equal(written(), "{\"time\":\"\",\"level\":\"info\",\"msg\":\"request\","
			    "\"method\":\"POST\",\"path\":\"/api/v1/\\\"q\\\"\",\"status\":201,"
			    "\"bytes\":0,\"usec\":7}\n");
}

static void test_level(void **state)
{
	log_set_level(LOG_LEVEL_WARN);
	log_info("not written");
	log_request("GET", "/", 200, 1, 1);
	fflush(fp);
	assert_int_equal(ftell(fp), 0);
	log_set_level(LOG_LEVEL_INFO);
}

static void test_hold(void **state)
{
	struct strbuf held = STRBUF_INIT;

	log_set_format(LOG_FORMAT_TEXT);
	log_hold(&held);
	log_error("first try");
	log_warn("second");
	log_hold(NULL);
	fflush(fp);
	assert_int_equal(ftell(fp), 0);	/* nothing written while held */
	log_info("after");
	assert_string_equal(written(), " INFO  after\n");
	log_held(&held);
	{
		/* the held lines as they were made, in order, time stamps and all */
		char buf[256], *first, *second;
		size_t n;

		fflush(fp);
		rewind(fp);
		n = fread(buf, 1, sizeof(buf) - 1, fp);
		buf[n] = '\0';
		assert_int_equal(n, held.len);
		assert_memory_equal(buf, held.buf, n);
		first = strstr(buf, "Z ERROR first try\n");
		second = strstr(buf, "Z WARN  second\n");
		assert_non_null(first);
		assert_non_null(second);
		assert_true(first < second);
		rewind(fp);
		if (ftruncate(fileno(fp), 0))
			fail();
	}
	strbuf_release(&held);
	/* dropped: never written */
	log_hold(&held);
	log_error("thrown away");
	log_hold(NULL);
	strbuf_release(&held);
	fflush(fp);
	assert_int_equal(ftell(fp), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_level),
		cmocka_unit_test(test_hold),
	};

	return cmocka_run_group_tests_name("log", tests, setup, teardown);
}
