/*
 * fuzz_json: libFuzzer target for JSON request bodies, along the path a
 * body of POST /api/v1/{entity} or PATCH /api/v1/{entity}/{id} takes:
 * the checks of read_json_object() (UTF-8, jansson with duplicate keys
 * refused, an object), the secret input taken out, then entity_create or
 * entity_update -- JSON types, field normalising and validation, the
 * entity's hook, references, scope, the store and its audit row -- on the
 * in-memory district of fixture.c, in a transaction rolled back after each
 * input.  Every field's normaliser (field_normalize) also gets the body as
 * one string.  Besides "no crash, no leak, no undefined behaviour" it
 * checks that a refusal has a message and a code, and that an accepted
 * write answers with an object.  It is not a unit test (test_model.c).
 *
 * Input: byte 0 chooses the entity, byte 1 the actor (low 3 bits) and the
 * operation (bit 3: update of record 1 + the top 4 bits), the rest is the
 * body.  Run: make fuzz && build-fuzz/fuzz_json tests/fuzz/corpus/json
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/strbuf.h"
#include "base/validate.h"
#include "fixture.h"
#include "model/entity_int.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_fixture_open();
	return 0;
}

/* Every field's normaliser on the whole body as one value. */
static void normalise_all(const struct entity_desc *ed, const char *s, size_t len)
{
	struct strbuf out = STRBUF_INIT, in = STRBUF_INIT;
	struct model_error e;
	size_t i;

	if (memchr(s, 0, len) || !utf8_valid(s, len))
		return;
	strbuf_add(&in, s, len);
	model_error_init(&e);
	for (i = 0; i < ed->nfields; i++) {
		strbuf_reset(&out);
		if (field_normalize(&ed->fields[i], in.buf, &out, &e) == 0)
			FUZZ_CHECK(utf8_valid(out.buf, out.len));
		else
			FUZZ_CHECK(e.msg.len > 0);
	}
	model_error_release(&e);
	strbuf_release(&out);
	strbuf_release(&in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct entity_desc *ed;
	const struct actor *a;
	struct model_ctx mc;
	struct model_error e;
	json_error_t jerr;
	json_t *in = NULL, *out = NULL, *sv;
	const char *body;
	char *secret = NULL;
	int64_t id = 0;
	int ret;

	if (size < 2 || size > 64 * 1024)
		return 0;
	ed = fuzz_entity(data[0]);
	a = fuzz_actor(data[1] & 7);
	if (data[1] & 8)
		id = 1 + (data[1] >> 4);
	body = (const char *)data + 2;
	size -= 2;
	normalise_all(ed, body, size);

	/* read_json_object() */
	if (!utf8_valid(body, size))
		return 0;
	in = json_loadb(body, size, JSON_REJECT_DUPLICATES, &jerr);
	if (!in || !json_is_object(in)) {
		json_decref(in);
		return 0;
	}
	/* take_secret() */
	if (ed->secret_input && (sv = json_object_get(in, ed->secret_input))) {
		if (!json_is_string(sv))
			goto cleanup;
		secret = strdup(json_string_value(sv));
		if (!secret)
			abort();
		json_object_del(in, ed->secret_input);
	}

	model_error_init(&e);
	mc = fuzz_ctx(a);
	fuzz_begin();
	if (id)
		ret = entity_update(&mc, ed, id, in, &out, &e);
	else
		ret = entity_create_secret(&mc, ed, in, secret, &out, &e);
	fuzz_rollback();
	if (ret == MODEL_EDB) { /* a 500: the model let something bad through */
		fprintf(stderr, "fuzz_json: %s: MODEL_EDB: %s\n", ed->name, e.msg.buf);
		abort();
	}
	if (ret) {
		FUZZ_CHECK(ret == e.code && e.msg.len > 0 && !out);
		FUZZ_CHECK(utf8_valid(e.msg.buf, e.msg.len));
		FUZZ_CHECK(model_status(ret) >= 400);
	} else {
		FUZZ_CHECK(json_is_object(out));
	}
	json_decref(out);
	model_error_release(&e);
cleanup:
	free(secret);
	json_decref(in);
	return 0;
}
