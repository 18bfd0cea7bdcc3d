/*
 * test_openapi: unit tests of src/api/openapi.c: the document is OpenAPI
 * 3.1.0, every entity of entities[] has its endpoints and schemas as its
 * descriptor says (required fields, enumerations, lengths, personal data,
 * history, retire), every $ref points at something, operation ids are
 * unique.  With OPENAPI_OUT set, the document is written to that file so
 * that tests/api/openapi_validate.mjs can check it against the OpenAPI
 * schema.  Not a test of the handlers: whether the server answers as the
 * document says is for tests/api/.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "api/openapi.h"
#include "base/strbuf.h"
#include "model/entity.h"
#include "model/enums.h"

static json_t *doc;

static int setup(void **state)
{
	doc = openapi_document();
	return doc ? 0 : -1;
}

static int teardown(void **state)
{
	json_decref(doc);
	doc = NULL;
	return 0;
}

/* doc.paths[path][method], or NULL. */
static json_t *op_of(const char *path, const char *method)
{
	return json_object_get(json_object_get(json_object_get(doc, "paths"), path), method);
}

static json_t *entity_op(const struct entity_desc *ed, const char *suffix, const char *method)
{
	struct strbuf p = STRBUF_INIT;
	json_t *op;

	strbuf_addf(&p, "/%s%s", ed->name, suffix);
	op = op_of(p.buf, method);
	strbuf_release(&p);
	return op;
}

static json_t *schema_of(const char *name, const char *suffix)
{
	struct strbuf n = STRBUF_INIT;
	json_t *s;

	strbuf_addf(&n, "%s%s", name, suffix);
	s = json_object_get(json_object_get(json_object_get(doc, "components"), "schemas"), n.buf);
	strbuf_release(&n);
	return s;
}

static int array_has(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), s))
			return 1;
	return 0;
}

/* Does operation `op` have query parameter `name` (inline or by $ref)? */
static int has_param(json_t *op, const char *name)
{
	json_t *params = json_object_get(op, "parameters"), *p;
	json_t *comp = json_object_get(json_object_get(doc, "components"), "parameters");
	size_t i;

	json_array_foreach(params, i, p) {
		json_t *r = json_object_get(p, "$ref");
		if (r) {
			const char *slash = strrchr(json_string_value(r), '/');
			p = json_object_get(comp, slash + 1);
		}
		if (p && json_is_string(json_object_get(p, "name")) &&
		    !strcmp(json_string_value(json_object_get(p, "name")), name))
			return 1;
	}
	return 0;
}

static void test_top_level(void **state)
{
	char *s;

	assert_true(json_is_object(doc));
	assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
	assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "info"), "title")),
			    "Sanling 三零创建管理系统 API");
	assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "info"),
							      "version")), "1");
	assert_non_null(json_object_get(json_object_get(json_object_get(doc, "components"),
							"securitySchemes"), "session"));
	assert_non_null(json_object_get(json_object_get(json_object_get(doc, "components"),
							"securitySchemes"), "csrf"));
	s = json_dumps(doc, JSON_INDENT(1));
	assert_non_null(s);
	assert_true(strlen(s) > 1000);
	free(s);
	/* the document is built afresh each time: no shared state */
	{
		json_t *again = openapi_document();
		assert_true(json_equal(doc, again));
		json_decref(again);
	}
}

static void test_fixed_paths(void **state)
{
	static const char *const ops[][2] = {
		{ "/health", "get" }, { "/login", "post" }, { "/logout", "post" },
		{ "/me", "get" }, { "/password", "post" }, { "/meta", "get" },
		{ "/openapi.json", "get" }, { "/users/{id}/password", "post" },
		{ "/users/{id}/unlock", "post" }, { "/settings", "get" }, { "/settings", "put" },
		{ "/audit", "get" }, { "/audit/verify", "get" },
	};
	json_t *sec;
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!op_of(ops[i][0], ops[i][1]))
			fail_msg("no %s %s", ops[i][1], ops[i][0]);
	/* health needs no session, logout needs the CSRF header */
	sec = json_object_get(op_of("/health", "get"), "security");
	assert_true(json_is_array(sec) && json_array_size(sec) == 0);
	sec = json_object_get(op_of("/logout", "post"), "security");
	assert_non_null(json_object_get(json_array_get(sec, 0), "csrf"));
	assert_non_null(json_object_get(json_array_get(sec, 0), "session"));
	assert_non_null(json_object_get(json_object_get(op_of("/login", "post"), "responses"), "429"));
	assert_non_null(json_object_get(json_object_get(op_of("/password", "post"), "responses"), "429"));
	assert_non_null(json_object_get(json_object_get(op_of("/subjects/{id}", "patch"), "responses"),
					"428"));
	assert_true(has_param(op_of("/audit", "get"), "from"));
	assert_true(has_param(op_of("/audit", "get"), "page_size"));
}

static void test_entity_paths(void **state)
{
	size_t i, j;

	for (i = 0; entities[i]; i++) {
		const struct entity_desc *ed = entities[i];
		int personal = 0;
		json_t *list = entity_op(ed, "", "get"), *op;

		assert_non_null(list);
		assert_non_null(entity_op(ed, "", "post"));
		assert_non_null(entity_op(ed, "/{id}", "get"));
		assert_non_null(entity_op(ed, "/{id}", "patch"));
		assert_non_null(entity_op(ed, "/{id}/history", "get"));
		assert_non_null(entity_op(ed, "/export", "get"));
		assert_non_null(entity_op(ed, "/template", "get"));
		assert_non_null(entity_op(ed, "/import", "post"));
		if (ed->flags & ENT_RETIRE)
			assert_non_null(entity_op(ed, "/{id}/retire", "post"));
		else
			assert_null(entity_op(ed, "/{id}/retire", "post"));
		for (j = 0; j < ed->nfields; j++)
			personal |= (ed->fields[j].flags & FF_PERSONAL) != 0;
		if (personal)
			assert_non_null(entity_op(ed, "/{id}/reveal", "post"));
		else
			assert_null(entity_op(ed, "/{id}/reveal", "post"));

		/* list and export take every filter; as_of only with history */
		for (j = 0; j < ed->nfields; j++) {
			const struct field_desc *fd = &ed->fields[j];
			if (fd->flags & FF_FILTER) {
				if (!has_param(list, fd->key))
					fail_msg("%s: no filter %s", ed->name, fd->key);
				assert_true(has_param(entity_op(ed, "/export", "get"), fd->key));
			}
			if (fd->flags & FF_RANGE) {
				struct strbuf n = STRBUF_INIT;

				strbuf_addf(&n, "%s_from", fd->key);
				assert_true(has_param(list, n.buf));
				strbuf_reset(&n);
				strbuf_addf(&n, "%s_to", fd->key);
				assert_true(has_param(list, n.buf));
				strbuf_release(&n);
			}
		}
		assert_int_equal(has_param(list, "as_of"), (ed->flags & ENT_HISTORY) != 0);
		assert_true(has_param(list, "page"));
		assert_false(has_param(entity_op(ed, "/export", "get"), "page"));
		assert_true(has_param(entity_op(ed, "/export", "get"), "format"));
		assert_true(has_param(entity_op(ed, "/import", "post"), "keep_good"));

		/* writes demand the CSRF header, reads inherit the session */
		op = entity_op(ed, "/{id}", "patch");
		assert_non_null(json_object_get(json_array_get(json_object_get(op, "security"), 0),
						"csrf"));
		assert_null(json_object_get(list, "security"));
		assert_non_null(json_object_get(json_object_get(entity_op(ed, "", "post"),
								"responses"), "201"));
	}
}

/* The create schema's required list is exactly the FF_REQUIRED fields (+ the secret). */
static void test_required(void **state)
{
	size_t i, j, n;

	for (i = 0; entities[i]; i++) {
		const struct entity_desc *ed = entities[i];
		json_t *create = schema_of(ed->name, "_create");
		json_t *update = schema_of(ed->name, "_update");
		json_t *req = json_object_get(create, "required");

		assert_non_null(create);
		assert_non_null(update);
		assert_true(json_is_false(json_object_get(create, "additionalProperties")));
		/* an update names only rev for sure (428 without it) */
		assert_int_equal(json_array_size(json_object_get(update, "required")), 1);
		assert_string_equal(json_string_value(json_array_get(json_object_get(update, "required"),
								     0)), "rev");
		assert_non_null(json_object_get(json_object_get(update, "properties"), "rev"));
		n = 0;
		for (j = 0; j < ed->nfields; j++) {
			const struct field_desc *fd = &ed->fields[j];
			json_t *cp = json_object_get(json_object_get(create, "properties"), fd->key);

			if (fd->flags & FF_REQUIRED) {
				if (!array_has(req, fd->key))
					fail_msg("%s: %s not required", ed->name, fd->key);
				n++;
			} else {
				assert_false(array_has(req, fd->key));
			}
			/* derived and hidden fields are never input */
			if (fd->flags & (FF_DERIVED | FF_HIDDEN))
				assert_null(cp);
			else
				assert_non_null(cp);
		}
		if (ed->secret_input) {
			assert_true(array_has(req, ed->secret_input));
			n++;
		}
		assert_int_equal(json_array_size(req), n);
	}
}

static void test_users_password(void **state)
{
	json_t *create = schema_of("users", "_create");
	json_t *out = schema_of("users", "");

	assert_non_null(create);
	assert_true(array_has(json_object_get(create, "required"), "password"));
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		json_object_get(create, "properties"), "password"), "type")), "string");
	/* the password hash shows nowhere, nor does the password */
	assert_null(json_object_get(json_object_get(out, "properties"), "pw_hash"));
	assert_null(json_object_get(json_object_get(out, "properties"), "password"));
	assert_null(json_object_get(json_object_get(create, "properties"), "pw_hash"));
	assert_null(json_object_get(json_object_get(schema_of("users", "_update"), "properties"),
				    "password"));
}

static void test_subjects_schema(void **state)
{
	static const char *const kinds[] = { "village", "community", "enterprise", "institution" };
	json_t *props = json_object_get(schema_of("subjects", ""), "properties");
	json_t *kind = json_object_get(props, "kind"), *codes, *cc, *phone, *type;
	size_t i;

	assert_non_null(props);
	cc = json_object_get(props, "credit_code");
	assert_int_equal(json_integer_value(json_object_get(cc, "maxLength")), 18);
	assert_string_equal(json_string_value(json_object_get(cc, "title")), "统一社会信用代码");
	/* not required: may be null */
	type = json_object_get(cc, "type");
	assert_true(json_is_array(type) && array_has(type, "string") && array_has(type, "null"));

	codes = json_object_get(kind, "enum");
	assert_int_equal(json_array_size(codes), 4);
	for (i = 0; i < 4; i++)
		assert_true(array_has(codes, kinds[i]));
	assert_string_equal(json_string_value(json_object_get(kind, "type")), "string");
	assert_string_equal(json_string_value(json_object_get(json_object_get(kind, "x-enum-labels"),
							      "enterprise")), "企业");

	/* personal data: masked on output, no format constraints there */
	phone = json_object_get(props, "contact_phone");
	assert_non_null(strstr(json_string_value(json_object_get(phone, "description")), "掩码显示"));
	assert_null(json_object_get(phone, "maxLength"));
	assert_true(json_is_true(json_object_get(phone, "x-personal")));

	/* derived fields are read-only on output */
	assert_true(json_is_true(json_object_get(json_object_get(props, "district"), "readOnly")));
	/* months have their pattern; reals their range */
	assert_non_null(json_object_get(json_object_get(props, "active_from"), "pattern"));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(props, "lat"), "maximum")),
			 90);
	assert_string_equal(json_string_value(json_array_get(json_object_get(
		json_object_get(props, "lat"), "type"), 0)), "number");
	/* history entries and the reveal request exist for subjects */
	assert_non_null(schema_of("subjects", "_version"));
	assert_non_null(schema_of("subjects", "_reveal"));
	assert_true(array_has(json_object_get(json_object_get(json_object_get(
		schema_of("subjects", "_reveal"), "properties"), "field"), "enum"), "contact_phone"));
}

static size_t enum_count(const struct enum_desc *en)
{
	size_t n = 0;

	while (en->items[n].code)
		n++;
	return n;
}

/* Every output schema lists id, rev and every visible field, with its label as title. */
static void test_record_schemas(void **state)
{
	size_t i, j;

	for (i = 0; entities[i]; i++) {
		const struct entity_desc *ed = entities[i];
		json_t *s = schema_of(ed->name, "");
		json_t *props = json_object_get(s, "properties");

		assert_non_null(json_object_get(props, "id"));
		assert_non_null(json_object_get(props, "rev"));
		for (j = 0; j < ed->nfields; j++) {
			const struct field_desc *fd = &ed->fields[j];
			json_t *p = json_object_get(props, fd->key);

			if (fd->flags & FF_HIDDEN) {
				assert_null(p);
				continue;
			}
			assert_non_null(p);
			assert_string_equal(json_string_value(json_object_get(p, "title")), fd->label);
			/* an enumeration: its codes, and null when it may be empty */
			if (fd->type == FT_ENUM)
				assert_int_equal(json_array_size(json_object_get(p, "enum")),
						 enum_count(fd->enumeration) +
						 !(fd->flags & (FF_REQUIRED | FF_KEY)));
		}
	}
}

/* Walk the document: every "$ref" resolves, every operationId is unique. */
static void walk(json_t *j, json_t *ids)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			walk(v, ids);
		return;
	}
	if (!json_is_object(j))
		return;
	json_object_foreach(j, key, v) {
		if (!strcmp(key, "$ref") && json_is_string(v)) {
			const char *r = json_string_value(v);
			char *copy, *tok, *save = NULL;
			json_t *at = doc;

			assert_memory_equal(r, "#/", 2);
			copy = strdup(r + 2);
			assert_non_null(copy);
			for (tok = strtok_r(copy, "/", &save); tok && at;
			     tok = strtok_r(NULL, "/", &save))
				at = json_object_get(at, tok);
			if (!at)
				fail_msg("dangling $ref %s", r);
			free(copy);
		} else if (!strcmp(key, "operationId") && json_is_string(v)) {
			if (json_object_get(ids, json_string_value(v)))
				fail_msg("operationId %s twice", json_string_value(v));
			json_object_set_new(ids, json_string_value(v), json_true());
		} else {
			walk(v, ids);
		}
	}
}

static void test_refs_and_ids(void **state)
{
	json_t *ids = json_object();

	walk(doc, ids);
	assert_true(json_object_size(ids) > 10);
	json_decref(ids);
}

static void test_write_out(void **state)
{
	const char *path = getenv("OPENAPI_OUT");

	if (!path || !*path)
		skip();
	assert_int_equal(json_dump_file(doc, path, JSON_INDENT(2) | JSON_SORT_KEYS), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_top_level),
		cmocka_unit_test(test_fixed_paths),
		cmocka_unit_test(test_entity_paths),
		cmocka_unit_test(test_required),
		cmocka_unit_test(test_users_password),
		cmocka_unit_test(test_subjects_schema),
		cmocka_unit_test(test_record_schemas),
		cmocka_unit_test(test_refs_and_ids),
		cmocka_unit_test(test_write_out),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
