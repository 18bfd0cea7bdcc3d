/*
 * fuzz_xlsx: libFuzzer target for the XLSX reader of src/io/table
 * (xlsx_read.c).  Input that starts with "PK" is read as an uploaded file
 * as it is (the zip layer); anything else is cut at NUL bytes into up to
 * five XML parts -- the worksheet, shared strings, styles, workbook and
 * workbook relationships, in that order -- which are stored into a zip in
 * memory first, so that the fuzzer spends its time on the XML handling
 * rather than on zip checksums.  Besides "no crash, no leak, no undefined
 * behaviour" it checks the promises of table.h for every row (valid UTF-8,
 * limits, last cell not empty, row numbers going up).  It is not a unit
 * test (that is tests/unit/test_table.c).
 *
 * Build (clang only; from the top of the repository) and run ~30 s:
 *
 *   clang -std=c11 -D_GNU_SOURCE -g -O1 \
 *     -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *     -Isrc $(pkg-config --cflags libxml-2.0 libzip xlsxwriter) \
 *     tests/fuzz/fuzz_xlsx.c src/base/strbuf.c src/io/table.c src/io/csv.c \
 *     src/io/xlsx_read.c src/io/xlsx_write.c \
 *     $(pkg-config --libs libxml-2.0 libzip xlsxwriter) -lcsv -lm \
 *     -o build/fuzz_xlsx
 *   mkdir -p build/corpus-xlsx
 *   ./build/fuzz_xlsx -max_total_time=30 build/corpus-xlsx
 *
 * A useful seed is the parts of a real workbook joined by NUL bytes:
 *   for p in xl/worksheets/sheet1.xml xl/sharedStrings.xml xl/styles.xml \
 *            xl/workbook.xml xl/_rels/workbook.xml.rels; do
 *     unzip -p some.xlsx $p; printf '\0'; done > build/corpus-xlsx/seed
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "base/strbuf.h"
#include "io/table.h"
#include "io/table_int.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const part_names[] = {
	"xl/worksheets/sheet1.xml",
	"xl/sharedStrings.xml",
	"xl/styles.xml",
	"xl/workbook.xml",
	"xl/_rels/workbook.xml.rels",
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	table_global_init();
	return 0;
}

/* Store the NUL-separated parts of data[0..size) in a zip in memory. */
static int build_zip(const char *data, size_t size, struct strbuf *out)
{
	zip_error_t ze;
	zip_source_t *buf;
	zip_t *za;
	zip_stat_t st;
	size_t i, off = 0;
	int ret = -1;

	zip_error_init(&ze);
	buf = zip_source_buffer_create(NULL, 0, 0, &ze);
	if (!buf)
		goto cleanup;
	zip_source_keep(buf);
	za = zip_open_from_source(buf, ZIP_TRUNCATE, &ze);
	if (!za) {
		zip_source_free(buf);
		buf = NULL;
		goto cleanup;
	}
	for (i = 0; i < 5 && off <= size; i++) {
		const char *end = memchr(data + off, '\0', size - off);
		size_t len = end ? (size_t)(end - (data + off)) : size - off;
		zip_source_t *src = zip_source_buffer(za, data + off, len, 0);
		zip_int64_t idx;

		if (!src)
			break;
		idx = zip_file_add(za, part_names[i], src, 0);
		if (idx < 0) {
			zip_source_free(src);
			break;
		}
		zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
		off += len + 1;
		if (!end)
			break;
	}
	if (zip_close(za) < 0) {
		zip_discard(za);
		goto cleanup;
	}
	if (zip_source_stat(buf, &st) < 0 || zip_source_open(buf) < 0)
		goto cleanup;
	strbuf_grow(out, (size_t)st.size);
	if (zip_source_read(buf, out->buf, st.size) != (zip_int64_t)st.size) {
		zip_source_close(buf);
		goto cleanup;
	}
	strbuf_setlen(out, (size_t)st.size);
	zip_source_close(buf);
	ret = 0;
cleanup:
	if (buf)
		zip_source_free(buf);
	zip_error_fini(&ze);
	return ret;
}

static void check_row(const struct table_row *row)
{
	size_t i, bad;
	const char *why;

	if (row->ncells == 0 || row->ncells > TABLE_COLS_MAX)
		abort();
	if (!row->cells[row->ncells - 1][0])
		abort();
	for (i = 0; i < row->ncells; i++) {
		size_t len = strlen(row->cells[i]);

		if (len > TABLE_CELL_MAX ||
		    table_utf8_check(row->cells[i], len, 0, &bad, &why) < 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct table_reader *r = NULL;
	struct strbuf err = STRBUF_INIT, zip = STRBUF_INIT;
	struct table_row row;
	const char *bytes = (const char *)data;
	size_t len = size, last = 0;
	int ret;

	if (size < 2 || memcmp(data, "PK", 2)) {
		if (build_zip(bytes, size, &zip) < 0)
			goto cleanup;
		bytes = zip.buf;
		len = zip.len;
	}
	if (table_reader_open_mem(bytes, len, TABLE_XLSX, &r, &err) < 0) {
		if (!err.len)
			abort();
		goto cleanup;
	}
	while ((ret = table_reader_next(r, &row, &err)) == 1) {
		check_row(&row);
		if (table_reader_rownum(r) <= last ||
		    table_reader_rownum(r) > TABLE_XLSX_ROWS_MAX)
			abort();
		last = table_reader_rownum(r);
	}
	if (ret < 0 && !err.len)
		abort();
cleanup:
	table_reader_free(r);
	strbuf_release(&zip);
	strbuf_release(&err);
	return 0;
}
