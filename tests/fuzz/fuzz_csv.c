/*
 * fuzz_csv: libFuzzer target for the CSV reader of src/io/table (csv.c):
 * the bytes are read as an uploaded CSV file.  Besides "no crash, no leak,
 * no undefined behaviour" it checks what table.h promises of every row:
 * cells are valid UTF-8 without NUL, within TABLE_CELL_MAX bytes and
 * TABLE_COLS_MAX columns, the last cell is not empty, row numbers go up.
 * Rows without a cell that the writer would neutralise (= + - @ TAB CR)
 * are written back with the CSV writer and must read back the same.
 * It is not a unit test (that is tests/unit/test_table.c).
 *
 * Build (clang only; from the top of the repository) and run ~30 s:
 *
 *   clang -std=c11 -D_GNU_SOURCE -g -O1 \
 *     -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *     -Isrc $(pkg-config --cflags libxml-2.0 libzip xlsxwriter) \
 *     tests/fuzz/fuzz_csv.c src/base/strbuf.c src/io/table.c src/io/csv.c \
 *     src/io/xlsx_read.c src/io/xlsx_write.c \
 *     $(pkg-config --libs libxml-2.0 libzip xlsxwriter) -lcsv -lm \
 *     -o build/fuzz_csv
 *   mkdir -p build/corpus-csv
 *   ./build/fuzz_csv -max_total_time=30 -max_len=200000 build/corpus-csv
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "io/table.h"
#include "io/table_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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

static int neutralised(const struct table_row *row)
{
	size_t i;

	for (i = 0; i < row->ncells; i++)
		if (row->cells[i][0] && strchr("=+-@\t\r", row->cells[i][0]))
			return 1;
	return 0;
}

/* Write the rows of `kept` (cells NUL-separated, rows by count) back. */
static void round_trip(struct strbuf *kept, size_t *counts, size_t nrows)
{
	struct table_writer *w = NULL;
	struct table_reader *r = NULL;
	struct strbuf out = STRBUF_INIT;
	struct table_row row;
	const char **cells = NULL;
	const char *p;
	size_t i, j;

	if (table_writer_open_mem(TABLE_CSV, NULL, &w, NULL) < 0)
		abort();
	p = kept->buf;
	for (i = 0; i < nrows; i++) {
		cells = realloc(cells, (counts[i] + 1) * sizeof(*cells));
		for (j = 0; j < counts[i]; j++) {
			cells[j] = p;
			p += strlen(p) + 1;
		}
		if (table_writer_row(w, cells, counts[i], NULL) < 0)
			abort();
	}
	if (table_writer_close_mem(w, &out, NULL) < 0)
		abort();
	if (table_reader_open_mem(out.buf, out.len, TABLE_CSV, &r, NULL) < 0)
		abort();
	p = kept->buf;
	for (i = 0; i < nrows; i++) {
		if (table_reader_next(r, &row, NULL) != 1 ||
		    row.ncells != counts[i])
			abort();
		for (j = 0; j < counts[i]; j++) {
			if (strcmp(row.cells[j], p))
				abort();
			p += strlen(p) + 1;
		}
	}
	if (table_reader_next(r, &row, NULL) != 0)
		abort();
	table_reader_free(r);
	free(cells);
	strbuf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct table_reader *r = NULL;
	struct strbuf err = STRBUF_INIT, kept = STRBUF_INIT;
	struct table_row row;
	size_t last = 0, nrows = 0, *counts = NULL;
	int ret;

	if (table_reader_open_mem((const char *)data, size, TABLE_CSV, &r,
				  &err) < 0)
		abort(); /* opening from memory cannot fail for CSV */
	while ((ret = table_reader_next(r, &row, &err)) == 1) {
		size_t i;

		check_row(&row);
		if (table_reader_rownum(r) <= last)
			abort();
		last = table_reader_rownum(r);
		if (neutralised(&row) || nrows >= 1000)
			continue;
		counts = realloc(counts, (nrows + 1) * sizeof(*counts));
		counts[nrows++] = row.ncells;
		for (i = 0; i < row.ncells; i++)
			strbuf_add(&kept, row.cells[i], strlen(row.cells[i]) + 1);
	}
	if (ret < 0 && (!err.len || strncmp(err.buf, "row ", 4)))
		abort(); /* every CSV error names its row */
	table_reader_free(r);
	if (ret == 0)
		round_trip(&kept, counts, nrows);
	free(counts);
	strbuf_release(&kept);
	strbuf_release(&err);
	return 0;
}
