/*
 * test_alloc.c: allocations that never fail, the trouble they leave when
 * the C library had nothing to give (made to happen with the test fault),
 * and the commit that a thread in trouble may not make (base/alloc.c and
 * db_commit()).  SQLite in memory; no server.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "base/alloc.h"
#include "base/strbuf.h"
#include "db/db.h"

static void test_fault_counts_and_troubles(void **state)
{
	char *a, *b, *c;

	alloc_trouble_clear();
	alloc_fault_arm(3);
	a = xmalloc(10);
	b = xstrdup("两个字");
	assert_false(alloc_trouble());
	c = xcalloc(4, 8); /* the third: fails on purpose, then succeeds from the retry */
	assert_true(alloc_trouble());
	assert_non_null(c);
	assert_int_equal(((long *)c)[3], 0);
	assert_string_equal(b, "两个字");
	assert_int_equal(alloc_fault_arm(0), 3);
	alloc_trouble_clear();
	assert_false(alloc_trouble());
	free(a);
	free(b);
	free(c);
}

static void test_unreached_fault(void **state)
{
	char *p;

	alloc_trouble_clear();
	alloc_fault_arm(1000);
	p = xrealloc(NULL, 5);
	p = xrealloc(p, 50);
	assert_int_equal(alloc_fault_arm(0), 2);
	assert_false(alloc_trouble());
	free(p);
}

/* jansson allocates through us: a fault in a JSON value is a trouble, not a NULL */
static void test_json_through_alloc(void **state)
{
	json_t *o;

	alloc_trouble_clear();
	alloc_fault_arm(1);
	o = json_pack("{ss}", "key", "value");
	assert_non_null(o);
	assert_true(alloc_trouble());
	assert_string_equal(json_string_value(json_object_get(o, "key")), "value");
	json_decref(o);
	alloc_fault_arm(0);
	alloc_trouble_clear();
}

/* strbuf grows through us */
static void test_strbuf_through_alloc(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	alloc_trouble_clear();
	alloc_fault_arm(1);
	strbuf_addstr(&sb, "增长");
	assert_true(alloc_trouble());
	assert_string_equal(sb.buf, "增长");
	strbuf_release(&sb);
	alloc_fault_arm(0);
	alloc_trouble_clear();
}

/* a thread in trouble commits nothing; one that committed first is told so */
static void test_commit_refused_in_trouble(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct db *db = db_open(":memory:", &err);
	char *v = NULL;

	assert_non_null(db);
	assert_int_equal(db_exec(db, "CREATE TABLE t (x INTEGER)", &err), 0);
	alloc_trouble_clear();
	assert_int_equal(db_begin(db, &err), 0);
	assert_int_equal(db_exec(db, "INSERT INTO t VALUES (1)", &err), 0);
	assert_int_equal(db_commit(db, &err), 0);
	assert_true(alloc_committed());
	alloc_trouble_clear();
	assert_false(alloc_committed());

	assert_int_equal(db_begin(db, &err), 0);
	assert_int_equal(db_exec(db, "INSERT INTO t VALUES (2)", &err), 0);
	alloc_fault_arm(1);
	free(xmalloc(1));
	alloc_fault_arm(0);
	assert_true(alloc_trouble());
	assert_int_not_equal(db_commit(db, &err), 0);
	assert_non_null(strstr(err.buf, "out of memory"));
	assert_false(alloc_committed());
	db_rollback(db);
	alloc_trouble_clear();
	assert_int_equal(db_query_value(db, "SELECT COUNT(*) FROM t", NULL, 0, &v, &err), 0);
	assert_string_equal(v, "1");
	free(v);
	db_close(db);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fault_counts_and_troubles),
		cmocka_unit_test(test_unreached_fault),
		cmocka_unit_test(test_json_through_alloc),
		cmocka_unit_test(test_strbuf_through_alloc),
		cmocka_unit_test(test_commit_refused_in_trouble),
	};

	alloc_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
