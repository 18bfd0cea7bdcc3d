/*
 * test_routes: unit tests of the route table (src/api/routes.c): its rows
 * agree with themselves (no path and method twice, flags that fit the
 * method, every documented row has what the document needs, uploads end
 * with the suffix the HTTP server knows), and route_find() picks the row a
 * request means — the literal over the parameter, the row of the method
 * over the fallback — with the parameters taken.  Not a test of what the
 * handlers answer (tests/api/, matrix.test.mjs above all).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "api/api.h"
#include "api/routes.h"
#include "model/entity.h"

static void test_rows_agree(void **state)
{
	const struct route *r, *q;
	size_t sfx = strlen(API_UPLOAD_SUFFIX);

	for (r = api_routes; r->method; r++) {
		int write = route_is_write(r->method);

		assert_non_null(r->path);
		assert_non_null(r->handle);
		for (q = r + 1; q->method; q++)
			if (!strcmp(r->method, q->method) && !strcmp(r->path, q->path))
				fail_msg("%s %s twice", r->method, r->path);
		/* the writer and bodies are for writes, a GET has none */
		if (!strcmp(r->method, "GET"))
			assert_int_equal(r->flags & (R_WRITER | R_ALONE | R_JSON | R_UPLOAD), 0);
		if (r->flags & (R_WRITER | R_ALONE))
			assert_true(write);
		assert_false((r->flags & R_WRITER) && (r->flags & R_ALONE));
		/* an upload is a path the HTTP server gives the larger body */
		if (r->flags & R_UPLOAD)
			assert_true(strlen(r->path) > sfx &&
				    !strcmp(r->path + strlen(r->path) - sfx, API_UPLOAD_SUFFIX));
		if (!strcmp(r->method, "*")) {
			assert_null(r->op); /* fallbacks are not documented */
			continue;
		}
		/* documented: an id, a summary, a tag unless the entity gives it */
		assert_non_null(r->op);
		assert_non_null(r->summary);
		assert_true(r->tag || route_per_entity(r));
		assert_true(r->status || r->doc);
		assert_false(strstr(r->path, "*"));
	}
}

/* Only logging out, the current user and changing one's password before the initial password is changed. */
static void test_before_change(void **state)
{
	const struct route *r;
	int n = 0;

	for (r = api_routes; r->method; r++) {
		if (!(r->flags & R_BEFORE_CHANGE))
			continue;
		n++;
		assert_true(!strcmp(r->path, "/logout") || !strcmp(r->path, "/me") ||
			    !strcmp(r->path, "/password"));
	}
	assert_int_equal(n, 3);
}

static const struct route *find(const char *method, const char *path, struct route_args *a)
{
	static char buf[256]; /* the segments stay valid until the next call */
	char *seg[8], *p;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = strtok(buf, "/"); p && n < 8; p = strtok(NULL, "/"))
		seg[n++] = p;
	return route_find((const char **)seg, n, method, a);
}

/* Which row answers: its method and path, or "-" for none. */
static void expect(const char *method, const char *path, const char *row_method,
		   const char *row_path)
{
	struct route_args a;
	const struct route *r = find(method, path, &a);

	if (!row_method) {
		if (r)
			fail_msg("%s %s: %s %s, expected none", method, path, r->method, r->path);
		return;
	}
	if (!r)
		fail_msg("%s %s: none, expected %s %s", method, path, row_method, row_path);
	if (strcmp(r->method, row_method) || strcmp(r->path, row_path))
		fail_msg("%s %s: %s %s, expected %s %s", method, path, r->method, r->path,
			 row_method, row_path);
}

static void test_find(void **state)
{
	expect("GET", "/me", "GET", "/me");
	expect("POST", "/me", NULL, NULL);
	expect("GET", "/login", "*", "/login");
	expect("POST", "/login", "POST", "/login");
	expect("GET", "/nonexistent", NULL, NULL);
	expect("GET", "/", NULL, NULL);
	expect("DELETE", "/settings", "*", "/settings");
	expect("GET", "/audit", "GET", "/audit");
	expect("POST", "/audit", "*", "/audit/**");
	expect("GET", "/audit/a/b/c", "*", "/audit/**");
	expect("GET", "/audit/verify", "GET", "/audit/verify");
	/* a literal over {entity}, and the method's row before a fallback */
	expect("POST", "/users/5/password", "POST", "/users/{id}/password");
	expect("GET", "/users/5/password", "*", "/{entity}/{id}/*");
	expect("GET", "/users/5", "GET", "/{entity}/{id}");
	/* a literal over {id}, even when only a fallback has the literal */
	expect("GET", "/subjects/export", "GET", "/{entity}/export");
	expect("PATCH", "/subjects/export", "*", "/{entity}/export");
	expect("GET", "/subjects/import", "*", "/{entity}/import");
	expect("POST", "/subjects/import", "POST", "/{entity}/import");
	expect("DELETE", "/subjects/7", "*", "/{entity}/{id}");
	expect("GET", "/subjects/7/history", "GET", "/{entity}/{id}/history");
	expect("POST", "/subjects/7/history", "*", "/{entity}/{id}/*");
	expect("GET", "/subjects/7/8/9", NULL, NULL);
	expect("GET", "/nosuchentity", NULL, NULL);
	expect("POST", "/figures", NULL, NULL);
	expect("POST", "/months/2023-05/publish", "POST", "/months/{month}/publish");
	expect("GET", "/months/2023-05/publish", NULL, NULL);
}

static void test_args(void **state)
{
	struct route_args a;

	assert_non_null(find("PATCH", "/subjects/12", &a));
	assert_ptr_equal(a.ed, entity_find("subjects"));
	assert_string_equal(a.id, "12");
	assert_null(a.month);
	assert_non_null(find("GET", "/months/2023-05/results", &a));
	assert_null(a.ed);
	assert_string_equal(a.month, "2023-05");
	assert_non_null(find("POST", "/users/abc/unlock", &a));
	assert_null(a.ed);
	assert_string_equal(a.id, "abc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_agree),
		cmocka_unit_test(test_before_change),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
