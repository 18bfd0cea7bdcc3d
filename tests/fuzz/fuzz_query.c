/*
 * fuzz_query: libFuzzer target for the query strings of lists, GET
 * /api/v1/{entity}?...: the string is cut into parameters as
 * libmicrohttpd does (& between them, the first = between name and value,
 * %XX and + decoded, a name without = has no value) and handed to
 * entity_list() -- unknown parameters, filters, ranges, q, sort, page,
 * page_size, as_of, overdue, turned into list_where's SQL -- on the
 * in-memory district of fixture.c; with bit 3 of byte 1 the same
 * parameters drive entity_export() into a CSV in memory.  Besides "no
 * crash, no leak, no undefined behaviour" it checks that a refusal has a
 * message and is not a database error (which would be a 500: SQL built
 * wrong), and that a list answers {items, total, page, page_size}.  It is
 * not a unit test (test_model.c).
 *
 * Input: byte 0 chooses the entity, byte 1 the actor (low 3 bits) and the
 * export (bit 3); the rest is the query string (without '?').
 * Run: make fuzz && build-fuzz/fuzz_query tests/fuzz/corpus/query
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/strbuf.h"
#include "fixture.h"
#include "io/table.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PARAMS_MAX 64

struct query {
	size_t n;
	char *name[PARAMS_MAX];
	char *value[PARAMS_MAX]; /* NULL: no '=' */
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_fixture_open();
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode s[0..len) as libmicrohttpd does: + is a space, %XX a byte. */
static char *unescape(const char *s, size_t len)
{
	char *out = malloc(len + 1);
	size_t i, o = 0;

	if (!out)
		abort();
	for (i = 0; i < len; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%' && i + 2 < len &&
			   hexval((unsigned char)s[i + 1]) >= 0 &&
			   hexval((unsigned char)s[i + 2]) >= 0) {
			out[o++] = (char)(hexval((unsigned char)s[i + 1]) * 16 +
					  hexval((unsigned char)s[i + 2]));
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

static void parse(struct query *q, const char *s, size_t len)
{
	size_t i = 0;

	q->n = 0;
	while (i < len && q->n < PARAMS_MAX) {
		const char *amp = memchr(s + i, '&', len - i);
		size_t end = amp ? (size_t)(amp - s) : len;
		const char *eq = memchr(s + i, '=', end - i);

		if (end > i) {
			size_t nlen = eq ? (size_t)(eq - (s + i)) : end - i;

			q->name[q->n] = unescape(s + i, nlen);
			q->value[q->n] = eq ? unescape(eq + 1, (size_t)(s + end - eq - 1))
					    : NULL;
			q->n++;
		}
		i = end + 1;
	}
}

static void query_release(struct query *q)
{
	size_t i;

	for (i = 0; i < q->n; i++) {
		free(q->name[i]);
		free(q->value[i]);
	}
	q->n = 0;
}

/* http_query(): the first parameter of that name (decoded names compared). */
static const char *q_get(void *ctx, const char *name)
{
	struct query *q = ctx;
	size_t i;

	for (i = 0; i < q->n; i++)
		if (!strcmp(q->name[i], name))
			return q->value[i];
	return NULL;
}

static void q_each(void *ctx, void (*cb)(void *cbctx, const char *name), void *cbctx)
{
	struct query *q = ctx;
	size_t i;

	for (i = 0; i < q->n; i++)
		cb(cbctx, q->name[i]);
}

static void check_refusal(const struct entity_desc *ed, int ret, const struct model_error *e)
{
	if (ret == MODEL_EDB) {
		fprintf(stderr, "fuzz_query: %s: MODEL_EDB: %s\n", ed->name, e->msg.buf);
		abort();
	}
	FUZZ_CHECK(ret == e->code && e->msg.len > 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct entity_desc *ed;
	struct list_params p;
	struct model_ctx mc;
	struct model_error e;
	struct query q;
	json_t *out = NULL;
	int ret;

	if (size < 2 || size > 8192)
		return 0;
	ed = fuzz_entity(data[0]);
	mc = fuzz_ctx(fuzz_actor(data[1] & 7));
	parse(&q, (const char *)data + 2, size - 2);
	p.get = q_get;
	p.each = q_each;
	p.ctx = &q;
	model_error_init(&e);
	fuzz_begin();
	if (data[1] & 8) {
		struct table_writer *w = NULL;
		struct strbuf csv = STRBUF_INIT;
		size_t rows = 0;

		if (table_writer_open_mem(TABLE_CSV, NULL, &w, NULL))
			abort();
		ret = entity_export(&mc, ed, &p, w, &rows, &e);
		if (ret) {
			table_writer_free(w);
			check_refusal(ed, ret, &e);
		} else if (table_writer_close_mem(w, &csv, NULL)) {
			abort();
		}
		strbuf_release(&csv);
	} else {
		ret = entity_list(&mc, ed, &p, &out, &e);
		if (ret) {
			FUZZ_CHECK(!out);
			check_refusal(ed, ret, &e);
		} else {
			FUZZ_CHECK(json_is_array(json_object_get(out, "items")));
			FUZZ_CHECK(json_is_integer(json_object_get(out, "total")));
			FUZZ_CHECK(json_is_integer(json_object_get(out, "page")));
			FUZZ_CHECK(json_is_integer(json_object_get(out, "page_size")));
		}
	}
	fuzz_rollback();
	json_decref(out);
	model_error_release(&e);
	query_release(&q);
	return 0;
}
