/*
 * fuzz_import: libFuzzer target for uploads, POST /api/v1/{entity}/import.
 * An upload is the raw request body (the file itself, no multipart: see
 * handle_import in src/api/api_entity.c), read as CSV or XLSX by the table
 * layer and imported by entity_import() -- header mapping, every cell
 * through the field's parser and validator, references, the store, the
 * audit row -- into the in-memory district of fixture.c, in a transaction
 * rolled back after each input.  fuzz_csv and fuzz_xlsx look at the file
 * formats alone; this one at what the importer makes of their rows.
 * Besides "no crash, no leak, no undefined behaviour" it checks the
 * import report's arithmetic, that a refused import keeps nothing, and
 * that no input makes a database error (a 500).  It is not a unit test
 * (test_model.c, test_table.c).
 *
 * Input: byte 0 chooses the entity, byte 1 the actor (low 3 bits),
 * keep_good (bit 3) and XLSX (bit 4) or CSV; the rest is the file.
 * Run: make fuzz && build-fuzz/fuzz_import tests/fuzz/corpus/import
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

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_fixture_open();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct entity_desc *ed;
	struct table_reader *rd = NULL;
	struct import_report rep;
	struct model_ctx mc;
	struct model_error e;
	struct strbuf err = STRBUF_INIT;
	int keep_good, ret;

	if (size < 3 || size > 256 * 1024)
		return 0;
	ed = fuzz_entity(data[0]);
	mc = fuzz_ctx(fuzz_actor(data[1] & 7));
	keep_good = (data[1] & 8) != 0;
	if (table_reader_open_mem((const char *)data + 2, size - 2,
				  data[1] & 16 ? TABLE_XLSX : TABLE_CSV, &rd, &err)) {
		FUZZ_CHECK(err.len > 0 && !rd);
		strbuf_release(&err);
		return 0;
	}
	model_error_init(&e);
	import_report_init(&rep);
	fuzz_begin();
	ret = entity_import(&mc, ed, rd, keep_good, &rep, &e);
	fuzz_rollback();
	if (ret == MODEL_EDB) {
		fprintf(stderr, "fuzz_import: %s: MODEL_EDB: %s\n", ed->name, e.msg.buf);
		abort();
	}
	FUZZ_CHECK(json_is_array(rep.errors));
	FUZZ_CHECK(rep.created + rep.updated + rep.failed <= rep.rows + 1);
	if (ret) {
		FUZZ_CHECK(ret == e.code && e.msg.len > 0);
		if (!keep_good)
			FUZZ_CHECK(rep.created == 0 && rep.updated == 0);
	} else {
		FUZZ_CHECK(keep_good || rep.failed == 0);
		FUZZ_CHECK(rep.created + rep.updated + rep.failed == rep.rows ||
			   (rep.failed && json_array_size(rep.errors)));
	}
	table_reader_free(rd);
	import_report_release(&rep);
	model_error_release(&e);
	strbuf_release(&err);
	return 0;
}
