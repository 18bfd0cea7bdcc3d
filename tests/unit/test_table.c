/*
 * test_table: unit tests of src/io/table (CSV and XLSX reading and writing).
 *
 * Every test writes real files into a fresh temporary directory (the one
 * of docs_fixture.h) and reads them back through the public interface: CSV
 * in UTF-8 with and without a BOM, GB18030 made by iconv, broken quoting and
 * encodings; XLSX made by libxlsxwriter (shared strings, dates, gaps) and by
 * hand with libzip (fallbacks, escapes, malformed XML, a zip bomb).  Not a
 * benchmark.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>
#include <zip.h>

#include "base/strbuf.h"
#include "io/table.h"

#include "docs_fixture.h"

static int setup(void **state)
{
	if (fixture_setup("table"))
		return -1;
	table_global_init();
	return 0;
}

static int teardown(void **state)
{
	return fixture_teardown();
}

static struct table_reader *open_ok(const char *path)
{
	struct table_reader *r = NULL;
	struct strbuf err = STRBUF_INIT;
	int ret = table_reader_open(path, &r, &err);

	if (ret)
		fail_msg("open %s: %s", path, err.buf);
	assert_non_null(r);
	strbuf_release(&err);
	return r;
}

/* Expect the next row to be number `rownum` with exactly the cells given. */
static void expect_row(struct table_reader *r, size_t rownum, size_t n, ...)
{
	struct table_row row;
	struct strbuf err = STRBUF_INIT;
	va_list ap;
	size_t i;
	int ret = table_reader_next(r, &row, &err);

	if (ret != 1)
		fail_msg("expected row %zu, got %d (%s)", rownum, ret, err.buf);
	assert_int_equal(table_reader_rownum(r), rownum);
	if (row.ncells != n)
		fail_msg("row %zu: %zu cells, expected %zu", rownum, row.ncells, n);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		assert_string_equal(row.cells[i], va_arg(ap, const char *));
	va_end(ap);
	strbuf_release(&err);
}

static void expect_end(struct table_reader *r)
{
	struct table_row row;
	struct strbuf err = STRBUF_INIT;
	int ret = table_reader_next(r, &row, &err);

	if (ret != 0)
		fail_msg("expected the end, got %d (%s)", ret, err.buf);
	/* and it stays ended */
	assert_int_equal(table_reader_next(r, &row, &err), 0);
	strbuf_release(&err);
}

/* Read until an error; return its message (caller frees) and check row. */
static char *expect_error(struct table_reader *r, size_t rownum)
{
	struct table_row row;
	struct strbuf err = STRBUF_INIT;
	int ret;

	while ((ret = table_reader_next(r, &row, &err)) == 1)
		;
	if (ret >= 0)
		fail_msg("expected an error, reached the end");
	assert_true(err.len > 0);
	if (rownum)
		assert_int_equal(table_reader_rownum(r), rownum);
	/* the error is sticky */
	{
		struct strbuf again = STRBUF_INIT;

		assert_true(table_reader_next(r, &row, &again) < 0);
		assert_string_equal(again.buf, err.buf);
		strbuf_release(&again);
	}
	return strbuf_detach(&err, NULL);
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("'%s' does not contain '%s'", hay, needle);
}

static char *read_csv_error(const char *name, const char *data, size_t len,
			    size_t rownum)
{
	char *path = fixture_save(name, data, len);
	struct table_reader *r = open_ok(path);
	char *msg = expect_error(r, rownum);

	table_reader_free(r);
	free(path);
	return msg;
}

/* ---- CSV reading ---- */

static void test_csv_plain_lf(void **state)
{
	const char data[] = "a,b,c\n1,2,3\n";
	char *path = fixture_save("plain.csv", data, sizeof(data) - 1);
	struct table_reader *r = open_ok(path);

	assert_int_equal(table_reader_rownum(r), 0);
	expect_row(r, 1, 3, "a", "b", "c");
	expect_row(r, 2, 3, "1", "2", "3");
	expect_end(r);
	table_reader_free(r);
	free(path);
}

static void test_csv_bom_crlf_chinese(void **state)
{
	const char data[] = "\xEF\xBB\xBF" "名字,年龄\r\n张三,30\r\n李四,\r\n";
	char *path = fixture_save("bom.CSV", data, sizeof(data) - 1);
	struct table_reader *r = open_ok(path);

	expect_row(r, 1, 2, "名字", "年龄");
	expect_row(r, 2, 2, "张三", "30");
	expect_row(r, 3, 1, "李四");
	expect_end(r);
	table_reader_free(r);
	free(path);
}

static void test_csv_quotes_and_newlines(void **state)
{
	const char data[] =
		"\"a,b\",\"he said \"\"hi\"\"\",\"line1\nline2\"\r\n"
		"x, y ,\" z \"\r\n"
		"\"multi\r\nline\",2\n"
		"last,row";
	char *path = fixture_save("quotes.csv", data, sizeof(data) - 1);
	struct table_reader *r = open_ok(path);

	expect_row(r, 1, 3, "a,b", "he said \"hi\"", "line1\nline2");
	/* unquoted spaces are dropped, quoted ones kept */
	expect_row(r, 2, 3, "x", "y", " z ");
	/* a record with a quoted newline is still one row */
	expect_row(r, 3, 2, "multi\r\nline", "2");
	expect_row(r, 4, 2, "last", "row");
	expect_end(r);
	table_reader_free(r);
	free(path);
}

static void test_csv_empty_rows_counted(void **state)
{
	const char data[] = "h1,h2\r\n\r\n,,\r\na,b,,\r\n\nlast\n\n\r\n\n";
	char *path = fixture_save("empty.csv", data, sizeof(data) - 1);
	struct table_reader *r = open_ok(path);

	expect_row(r, 1, 2, "h1", "h2");
	/* rows 2 (blank) and 3 (only commas) are skipped but counted */
	expect_row(r, 4, 2, "a", "b");
	expect_row(r, 6, 1, "last");
	expect_end(r);
	table_reader_free(r);
	free(path);
}

static void test_csv_empty_file(void **state)
{
	char *path = fixture_save("nothing.csv", "", 0);
	struct table_reader *r = open_ok(path);

	expect_end(r);
	table_reader_free(r);
	free(path);
}

static void test_csv_cells_in_middle(void **state)
{
	const char data[] = "a,,c\n,b\n";
	struct table_reader *r = NULL;
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(table_reader_open_mem(data, sizeof(data) - 1,
					       TABLE_CSV, &r, &err), 0);
	expect_row(r, 1, 3, "a", "", "c");
	expect_row(r, 2, 2, "", "b");
	expect_end(r);
	table_reader_free(r);
	strbuf_release(&err);
}

/* `utf8` converted to GB18030 with iconv (caller frees). */
static char *to_gb18030(const char *utf8, size_t *outlen)
{
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	size_t il = strlen(utf8), ol = il * 2 + 16;
	char *out = malloc(ol), *op = out;
	char *ip = (char *)utf8;

	assert_true(cd != (iconv_t)-1);
	assert_non_null(out);
	assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
	assert_int_equal(il, 0);
	iconv_close(cd);
	*outlen = (size_t)(op - out);
	return out;
}

static void test_csv_gb18030(void **state)
{
	const char *text = "姓名,地址\r\n李四,\"北京市,朝阳区\"\r\n王五,𠀀字\r\n";
	size_t len;
	char *gb = to_gb18030(text, &len);
	char *path;
	struct table_reader *r;
	size_t bad;

	/* really not UTF-8 */
	assert_true(len != strlen(text));
	assert_true(memcmp(gb, text, 4) != 0);
	(void)bad;
	path = fixture_save("gb.csv", gb, len);
	r = open_ok(path);
	expect_row(r, 1, 2, "姓名", "地址");
	expect_row(r, 2, 2, "李四", "北京市,朝阳区");
	expect_row(r, 3, 2, "王五", "𠀀字"); /* a four-byte GB18030 char */
	expect_end(r);
	table_reader_free(r);
	free(path);
	free(gb);
}

/*
 * A GB18030 file larger than several chunks whose first 70 KB are ASCII:
 * the decision waits for the first non-ASCII chunk, and characters cut by
 * chunk boundaries are carried over.
 */
static void test_csv_gb18030_large(void **state)
{
	struct strbuf text = STRBUF_INIT;
	struct table_reader *r;
	struct table_row row;
	struct strbuf err = STRBUF_INIT;
	size_t i, len, n = 0;
	char *gb, *path;
	int ret;

	strbuf_addstr(&text, "id,name\n");
	for (i = 0; i < 7000; i++)
		strbuf_addf(&text, "%zu,ascii\n", i);
	for (i = 0; i < 20000; i++)
		strbuf_addf(&text, "%zu,中文名字%zu\n", i, i);
	gb = to_gb18030(text.buf, &len);
	path = fixture_save("gb_large.csv", gb, len);
	r = open_ok(path);
	expect_row(r, 1, 2, "id", "name");
	while ((ret = table_reader_next(r, &row, &err)) == 1) {
		char want[64];

		n++;
		if (n <= 7000)
			continue;
		snprintf(want, sizeof(want), "中文名字%zu", n - 7001);
		assert_int_equal(row.ncells, 2);
		assert_string_equal(row.cells[1], want);
	}
	if (ret)
		fail_msg("%s", err.buf);
	assert_int_equal(n, 27000);
	assert_int_equal(table_reader_rownum(r), 27001);
	table_reader_free(r);
	free(path);
	free(gb);
	strbuf_release(&text);
	strbuf_release(&err);
}

static void test_csv_invalid_utf8(void **state)
{
	/* UTF-8 (with BOM), then a GBK-encoded cell in row 3 */
	const char data[] = "\xEF\xBB\xBF" "名字,年龄\r\n张三,30\r\n\xC4\xE3\xBA\xC3,31\r\n";
	char *msg = read_csv_error("bad.csv", data, sizeof(data) - 1, 3);

	assert_contains(msg, "row 3");
	assert_contains(msg, "column A");
	assert_contains(msg, "UTF-8");
	free(msg);

	/* no BOM, mostly UTF-8: still UTF-8, the stray byte is refused */
	{
		const char d2[] = "名字,年龄\n张三,30\n王五,\xFF\n赵六,40\n";

		msg = read_csv_error("bad2.csv", d2, sizeof(d2) - 1, 3);
		assert_contains(msg, "row 3, column B");
		free(msg);
	}
}

static void test_csv_nul_byte(void **state)
{
	const char data[] = "a,b\nc,d\x00" "e\n";
	char *msg = read_csv_error("nul.csv", data, sizeof(data) - 1, 2);

	assert_contains(msg, "row 2");
	assert_contains(msg, "NUL");
	free(msg);
}

static void test_csv_bad_quotes(void **state)
{
	const char d1[] = "a,b\n\"ok\",\"fine\"\nx,\"bad\"tail\n";
	const char d2[] = "a,b\nc,\"never closed\nmore\n";
	char *msg = read_csv_error("q1.csv", d1, sizeof(d1) - 1, 3);

	assert_contains(msg, "row 3");
	assert_contains(msg, "quote");
	free(msg);
	msg = read_csv_error("q2.csv", d2, sizeof(d2) - 1, 2);
	assert_contains(msg, "row 2");
	assert_contains(msg, "not closed");
	free(msg);
}

static void test_csv_limits(void **state)
{
	struct strbuf data = STRBUF_INIT;
	char *msg;
	size_t i;

	/* a cell of 200 000 bytes, without and with quotes */
	strbuf_addstr(&data, "h\nok\n");
	for (i = 0; i < 200000; i++)
		strbuf_addch(&data, 'x');
	strbuf_addstr(&data, "\n");
	msg = read_csv_error("long.csv", data.buf, data.len, 3);
	assert_contains(msg, "row 3");
	assert_contains(msg, "longer");
	free(msg);

	strbuf_reset(&data);
	strbuf_addstr(&data, "h\n\"");
	for (i = 0; i < 300000; i++)
		strbuf_addch(&data, 'y');
	msg = read_csv_error("open.csv", data.buf, data.len, 2);
	assert_contains(msg, "row 2");
	free(msg);

	/* 300 columns */
	strbuf_reset(&data);
	strbuf_addstr(&data, "h\n");
	for (i = 0; i < 300; i++)
		strbuf_addstr(&data, "v,");
	strbuf_addstr(&data, "\n");
	msg = read_csv_error("wide.csv", data.buf, data.len, 2);
	assert_contains(msg, "more than 256 columns");
	free(msg);

	/* 300 columns of which only the first 2 have values: fine */
	strbuf_reset(&data);
	strbuf_addstr(&data, "a,b");
	for (i = 0; i < 300; i++)
		strbuf_addch(&data, ',');
	strbuf_addstr(&data, "\n");
	{
		struct table_reader *r = NULL;

		assert_int_equal(table_reader_open_mem(data.buf, data.len,
						       TABLE_CSV, &r, NULL), 0);
		expect_row(r, 1, 2, "a", "b");
		expect_end(r);
		table_reader_free(r);
	}
	strbuf_release(&data);
}

static void test_csv_utf16_refused(void **state)
{
	const char data[] = "\xFF\xFE" "a\0,\0b\0";
	char *msg = read_csv_error("u16.csv", data, sizeof(data) - 1, 1);

	assert_contains(msg, "UTF-16");
	free(msg);
}

/* ---- CSV writing ---- */

static void test_csv_write_injection(void **state)
{
	char *path = fixture_path("out.csv");
	struct table_writer *w = NULL;
	struct strbuf err = STRBUF_INIT, got = STRBUF_INIT;
	const char *head[] = { "名称", "值" };
	const char *r1[] = { "=1+1", "-3", "-1.5", "+86", "@SUM(A1)" };
	const char *r2[] = { "-", "-1e5", "a,b", "say \"hi\"", " pad" };
	const char *r3[] = { "two\nlines", NULL, "", "+cmd|' /C calc'!A0", "普通" };
	const char *want =
		"\xEF\xBB\xBF" "名称,值\r\n"
		"'=1+1,-3,-1.5,+86,'@SUM(A1)\r\n"
		"'-,'-1e5,\"a,b\",\"say \"\"hi\"\"\",\" pad\"\r\n"
		"\"two\nlines\",,,'+cmd|' /C calc'!A0,普通\r\n";
	struct table_reader *r;

	assert_int_equal(table_writer_open(path, NULL, &w, &err), 0);
	assert_int_equal(table_writer_row(w, head, 2, &err), 0);
	assert_int_equal(table_writer_row(w, r1, 5, &err), 0);
	assert_int_equal(table_writer_row(w, r2, 5, &err), 0);
	assert_int_equal(table_writer_row(w, r3, 5, &err), 0);
	assert_int_equal(table_writer_close(w, &err), 0);
	assert_int_equal(strbuf_read_file(&got, path), 0);
	assert_string_equal(got.buf, want);

	/* and it reads back: the apostrophes are data now */
	r = open_ok(path);
	expect_row(r, 1, 2, "名称", "值");
	expect_row(r, 2, 5, "'=1+1", "-3", "-1.5", "+86", "'@SUM(A1)");
	expect_row(r, 3, 5, "'-", "'-1e5", "a,b", "say \"hi\"", " pad");
	expect_row(r, 4, 5, "two\nlines", "", "", "'+cmd|' /C calc'!A0", "普通");
	expect_end(r);
	table_reader_free(r);
	strbuf_release(&got);
	strbuf_release(&err);
	free(path);
}

static void test_csv_write_mem_and_invalid(void **state)
{
	struct table_writer *w = NULL;
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	const char *good[] = { "a", "b" };
	const char *bad[] = { "ok", "\xC4\xE3" };

	assert_int_equal(table_writer_open_mem(TABLE_CSV, NULL, &w, &err), 0);
	assert_int_equal(table_writer_row(w, good, 2, &err), 0);
	assert_true(table_writer_row(w, bad, 2, &err) < 0);
	assert_contains(err.buf, "row 2, column B");
	assert_int_equal(table_writer_close_mem(w, &out, &err), 0);
	assert_string_equal(out.buf, "\xEF\xBB\xBF" "a,b\r\n");
	strbuf_release(&err);
	strbuf_release(&out);
}

static void test_unknown_extension(void **state)
{
	struct table_reader *r = (struct table_reader *)1;
	struct table_writer *w = (struct table_writer *)1;
	struct strbuf err = STRBUF_INIT;
	char *path = fixture_save("data.txt", "a,b\n", 4);
	enum table_format fmt;

	assert_true(table_reader_open(path, &r, &err) < 0);
	assert_null(r);
	assert_contains(err.buf, "'.txt'");
	strbuf_reset(&err);
	assert_true(table_writer_open(path, NULL, &w, &err) < 0);
	assert_null(w);
	assert_contains(err.buf, "'.txt'");
	strbuf_reset(&err);
	assert_true(table_format_from_path("/x/noext", &fmt, &err) < 0);
	assert_contains(err.buf, "no file extension");
	strbuf_reset(&err);
	assert_true(table_format_from_path("old.XLS", &fmt, &err) < 0);
	assert_contains(err.buf, ".xls");
	assert_int_equal(table_format_from_path("a.b/Report.XLSX", &fmt, NULL), 0);
	assert_int_equal(fmt, TABLE_XLSX);
	assert_string_equal(table_format_ext(TABLE_CSV), "csv");
	strbuf_release(&err);
	free(path);
}

static void test_missing_file(void **state)
{
	struct table_reader *r = NULL;
	struct strbuf err = STRBUF_INIT;
	char *p1 = fixture_path("absent.csv"), *p2 = fixture_path("absent.xlsx");

	assert_true(table_reader_open(p1, &r, &err) < 0);
	assert_contains(err.buf, "absent.csv: cannot open");
	strbuf_reset(&err);
	assert_true(table_reader_open(p2, &r, &err) < 0);
	assert_contains(err.buf, "absent.xlsx: cannot open");
	strbuf_reset(&err);
	free(p1);
	p1 = fixture_path("dir.csv");
	assert_int_equal(mkdir(p1, 0700), 0);
	assert_true(table_reader_open(p1, &r, &err) < 0);
	assert_contains(err.buf, "dir.csv: not a regular file");
	strbuf_release(&err);
	free(p1);
	free(p2);
}

/* ---- XLSX ---- */

/* The text of `member` in the zip at `path` (caller frees). */
static char *zip_member(const char *path, const char *member)
{
	int code = 0;
	zip_t *za = zip_open(path, ZIP_RDONLY, &code);
	zip_file_t *zf;
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	zip_int64_t n;

	assert_non_null(za);
	zf = zip_fopen(za, member, 0);
	assert_non_null(zf);
	while ((n = zip_fread(zf, buf, sizeof(buf))) > 0)
		strbuf_add(&sb, buf, (size_t)n);
	zip_fclose(zf);
	zip_discard(za);
	return strbuf_detach(&sb, NULL);
}

static void test_xlsx_roundtrip(void **state)
{
	char *path = fixture_path("round.xlsx");
	struct table_writer *w = NULL;
	struct strbuf err = STRBUF_INIT;
	const char *head[] = { "姓名", "年龄", "备注", "金额", "身份证号" };
	const char *r1[] = { "张三", "30", "", "1.50", "110101199001011234" };
	const char *r2[] = { "李四", "007", "说明,含逗号\n换行", "-2", "=1+1" };
	const char *r3[] = { "王五", NULL, NULL, "123456789012345678",
			     "x_x0041_y\x01" };
	struct table_reader *r;
	char *xml;

	assert_int_equal(table_writer_open(path, "名单", &w, &err), 0);
	assert_int_equal(table_writer_set_numeric(w, 1, 1), 0);
	assert_int_equal(table_writer_set_numeric(w, 3, 1), 0);
	assert_int_equal(table_writer_set_numeric(w, 4, 0), 0);
	assert_true(table_writer_set_numeric(w, 256, 1) < 0);
	assert_int_equal(table_writer_row(w, head, 5, &err), 0);
	assert_int_equal(table_writer_row(w, r1, 5, &err), 0);
	assert_int_equal(table_writer_row(w, r2, 5, &err), 0);
	assert_int_equal(table_writer_row(w, r3, 5, &err), 0);
	if (table_writer_close(w, &err))
		fail_msg("%s", err.buf);

	r = open_ok(path);
	expect_row(r, 1, 5, "姓名", "年龄", "备注", "金额", "身份证号");
	expect_row(r, 2, 5, "张三", "30", "", "1.5", "110101199001011234");
	expect_row(r, 3, 5, "李四", "007", "说明,含逗号\n换行", "-2", "=1+1");
	/* a literal "_x0041_" is not taken for an escape */
	expect_row(r, 4, 5, "王五", "", "", "123456789012345678",
		   "x_x0041_y\x01");
	expect_end(r);
	table_reader_free(r);

	/* what Excel will see: numbers where hinted and canonical, a bold
	 * frozen header, column widths */
	xml = zip_member(path, "xl/worksheets/sheet1.xml");
	assert_contains(xml, "<c r=\"B2\"><v>30</v></c>");
	assert_contains(xml, "<c r=\"D2\"><v>1.5</v></c>");
	assert_contains(xml, "<c r=\"D3\"><v>-2</v></c>");
	assert_contains(xml, "<c r=\"B3\" t=\"inlineStr\"");  /* "007" */
	assert_contains(xml, "<c r=\"D4\" t=\"inlineStr\"");  /* 18 digits */
	assert_contains(xml, "<c r=\"E2\" t=\"inlineStr\"");  /* not hinted */
	assert_contains(xml, "<pane ySplit=\"1\"");
	assert_contains(xml, "<cols>");
	assert_contains(xml, "<col min=\"5\" max=\"5\" width=\"20.");
	free(xml);
	xml = zip_member(path, "xl/workbook.xml");
	assert_contains(xml, "name=\"名单\"");
	free(xml);
	xml = zip_member(path, "xl/styles.xml");
	assert_contains(xml, "<b/>");
	free(xml);
	strbuf_release(&err);
	free(path);
}

static void test_xlsx_write_mem(void **state)
{
	struct table_writer *w = NULL;
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	const char *head[] = { "a", "b" };
	const char *r1[] = { "中文", "2" };
	struct table_reader *r = NULL;

	assert_int_equal(table_writer_open_mem(TABLE_XLSX, NULL, &w, &err), 0);
	assert_int_equal(table_writer_row(w, head, 2, &err), 0);
	assert_int_equal(table_writer_row(w, r1, 2, &err), 0);
	if (table_writer_close_mem(w, &out, &err))
		fail_msg("%s", err.buf);
	assert_true(out.len > 100);
	assert_memory_equal(out.buf, "PK", 2);
	assert_int_equal(table_reader_open_mem(out.buf, out.len, TABLE_XLSX,
					       &r, &err), 0);
	expect_row(r, 1, 2, "a", "b");
	expect_row(r, 2, 2, "中文", "2");
	expect_end(r);
	table_reader_free(r);
	strbuf_release(&err);
	strbuf_release(&out);
}

static void test_xlsx_write_errors(void **state)
{
	struct table_writer *w = NULL;
	struct strbuf err = STRBUF_INIT, big = STRBUF_INIT;
	char *path = fixture_path("bad.xlsx");
	const char *cells[1];
	size_t i;
	struct stat st;

	assert_true(table_writer_open(path, "bad[name]", &w, &err) < 0);
	assert_contains(err.buf, "sheet name");
	assert_null(w);
	/* the file created to test the path is gone again */
	assert_true(stat(path, &st) < 0);
	strbuf_reset(&err);

	assert_int_equal(table_writer_open(path, NULL, &w, &err), 0);
	for (i = 0; i < 40000; i++)
		strbuf_addstr(&big, "x");
	cells[0] = big.buf;
	assert_true(table_writer_row(w, cells, 1, &err) < 0);
	assert_contains(err.buf, "row 1, column A");
	assert_contains(err.buf, "32767");
	table_writer_free(w);
	assert_true(stat(path, &st) < 0);
	strbuf_reset(&err);

	/* a directory that does not exist */
	assert_true(table_writer_open("/nonexistent-dir/x.xlsx", NULL, &w,
				      &err) < 0);
	assert_contains(err.buf, "cannot create");
	strbuf_release(&err);
	strbuf_release(&big);
	free(path);
}

/* A workbook made by libxlsxwriter directly: shared strings, a gap in a
 * row, a skipped row, dates and times, booleans, float noise. */
static void test_xlsx_libxlsxwriter_file(void **state)
{
	char *path = fixture_path("made.xlsx");
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "数据");
	lxw_worksheet *ws2 = workbook_add_worksheet(wb, "Other");
	lxw_format *fdate = workbook_add_format(wb);
	lxw_format *f14 = workbook_add_format(wb);
	lxw_format *fdt = workbook_add_format(wb);
	lxw_format *ftime = workbook_add_format(wb);
	lxw_format *fcn = workbook_add_format(wb);
	lxw_format *fmoney = workbook_add_format(wb);
	lxw_datetime d1 = { 2024, 3, 5, 0, 0, 0 };
	lxw_datetime d2 = { 2023, 12, 31, 0, 0, 0 };
	lxw_datetime d3 = { 2024, 3, 5, 14, 30, 0 };
	lxw_datetime d4 = { 1900, 1, 1, 14, 30, 15 };
	lxw_datetime d5 = { 1900, 2, 28, 0, 0, 0 };
	struct table_reader *r;

	format_set_num_format(fdate, "yyyy-mm-dd");
	format_set_num_format_index(f14, 14);
	format_set_num_format(fdt, "yyyy/m/d hh:mm");
	format_set_num_format(ftime, "hh:mm:ss");
	format_set_num_format(fcn, "yyyy\"年\"m\"月\"d\"日\"");
	format_set_num_format(fmoney, "#,##0.00_);[Red](#,##0.00)");

	worksheet_write_string(ws, 0, 0, "名称", NULL);
	/* B1 left empty */
	worksheet_write_string(ws, 0, 2, "第三列", NULL);
	/* row 2 has only formatting */
	worksheet_write_blank(ws, 1, 0, fdate);
	/* row 3 skipped entirely */
	worksheet_write_string(ws, 3, 1, "只在B", NULL);
	worksheet_write_datetime(ws, 4, 0, &d1, fdate);
	worksheet_write_datetime(ws, 4, 1, &d2, f14);
	worksheet_write_datetime(ws, 4, 2, &d3, fdt);
	worksheet_write_datetime(ws, 4, 3, &d4, ftime);
	worksheet_write_datetime(ws, 4, 4, &d1, fcn);
	worksheet_write_datetime(ws, 4, 5, &d5, fdate);
	worksheet_write_number(ws, 5, 0, 0.1 + 0.2, NULL);
	worksheet_write_number(ws, 5, 1, 1234.5, fmoney);
	worksheet_write_boolean(ws, 5, 2, 1, NULL);
	worksheet_write_number(ws, 5, 3, 45000, NULL);
	worksheet_write_string(ws, 5, 4, "tab\there \x01 ctl", NULL);
	worksheet_write_formula_num(ws, 5, 5, "=1+1", NULL, 2);
	worksheet_write_string(ws2, 0, 0, "not this sheet", NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

	r = open_ok(path);
	expect_row(r, 1, 3, "名称", "", "第三列");
	expect_row(r, 4, 2, "", "只在B");
	expect_row(r, 5, 6, "2024-03-05", "2023-12-31", "2024-03-05 14:30:00",
		   "14:30:15", "2024-03-05", "1900-02-28");
	expect_row(r, 6, 6, "0.3", "1234.5", "TRUE", "45000",
		   "tab\there \x01 ctl", "2");
	expect_end(r);
	table_reader_free(r);
	free(path);
}

/* A zip holding `n` parts, names[i] with texts[i]. */
static char *make_zip(const char *name, size_t n, const char *const *names,
		      const char *const *texts)
{
	char *path = fixture_path(name);
	int code = 0;
	zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &code);
	size_t i;

	assert_non_null(za);
	for (i = 0; i < n; i++) {
		zip_source_t *src = zip_source_buffer(za, texts[i],
						      strlen(texts[i]), 0);

		assert_non_null(src);
		assert_true(zip_file_add(za, names[i], src, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(za), 0);
	return path;
}

#define SHEET_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" \
	"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"

static void test_xlsx_handmade(void **state)
{
	/* no workbook.xml: the fallback sheet; no r attributes; rich text
	 * and phonetic runs; escapes; a prefixed namespace */
	const char *names[] = { "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml" };
	const char *texts[] = {
		SHEET_HEAD "<sheetData>"
		"<row><c t=\"s\"><v>0</v></c><c t=\"s\"><v>1</v></c>"
		"<c t=\"inlineStr\"><is><r><t>in</t></r><r><t xml:space=\"preserve\"> line</t></r></is></c></row>"
		"<row r=\"3\"><c r=\"B3\" t=\"str\"><f>A1</f><v>a_x000D_b</v></c>"
		"<c t=\"e\"><v>#N/A</v></c><c><v>1.23456789012345678E+25</v></c>"
		"<c t=\"b\"><v>0</v></c><c t=\"d\"><v>2024-02-29T00:00:00</v></c></row>"
		"<row r=\"4\"><c r=\"A4\" t=\"s\"><v>2</v></c></row>"
		"</sheetData></worksheet>",
		"<?xml version=\"1.0\"?><x:sst xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
		"<x:si><x:t>普通</x:t></x:si>"
		"<x:si><x:r><x:rPr><x:b/></x:rPr><x:t>粗</x:t></x:r><x:r><x:t>细</x:t></x:r>"
		"<x:rPh sb=\"0\" eb=\"1\"><x:t>ふりがな</x:t></x:rPh></x:si>"
		"<x:si><x:t>_x005F_x0041_ and _x0041_ and &lt;&amp;&gt;</x:t></x:si>"
		"</x:sst>",
	};
	char *path = make_zip("hand.xlsx", 2, names, texts);
	struct table_reader *r = open_ok(path);

	expect_row(r, 1, 3, "普通", "粗细", "in line");
	expect_row(r, 3, 6, "", "a\rb", "#N/A", "1.23456789012346E+25", "FALSE",
		   "2024-02-29");
	expect_row(r, 4, 1, "_x0041_ and A and <&>");
	expect_end(r);
	table_reader_free(r);
	free(path);
}

static void test_xlsx_workbook_rels_1904(void **state)
{
	/* the first sheet is found through the relationships, not by name;
	 * dates in the 1904 system; styles found through the rels too */
	const char *names[] = {
		"[Content_Types].xml",
		"xl/workbook.xml",
		"xl/_rels/workbook.xml.rels",
		"xl/worksheets/sheet1.xml",
		"xl/worksheets/data.xml",
		"xl/theme/st.xml",
	};
	const char *texts[] = {
		"<Types/>",
		"<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
		"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
		"<workbookPr date1904=\"1\"/><sheets>"
		"<sheet name=\"B\" sheetId=\"2\" r:id=\"rId7\"/>"
		"<sheet name=\"A\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
		"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		"<Relationship Id=\"rId1\" Type=\"http://x/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
		"<Relationship Id=\"rId7\" Type=\"http://x/worksheet\" Target=\"/xl/worksheets/data.xml\"/>"
		"<Relationship Id=\"rId9\" Type=\"http://x/styles\" Target=\"theme/st.xml\"/>"
		"</Relationships>",
		SHEET_HEAD "<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>wrong</t></is></c></row></sheetData></worksheet>",
		SHEET_HEAD "<sheetData><row r=\"2\"><c r=\"C2\" s=\"1\"><v>0</v></c>"
		"<c r=\"D2\" s=\"2\"><v>45000</v></c><c r=\"E2\" s=\"3\"><v>0.5</v></c></row></sheetData></worksheet>",
		"<styleSheet><numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"0.00E+00\"/></numFmts>"
		"<cellStyleXfs><xf numFmtId=\"14\"/></cellStyleXfs>"
		"<cellXfs count=\"4\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>"
		"<xf numFmtId=\"20\"/></cellXfs></styleSheet>",
	};
	char *path = make_zip("rels.xlsx", 6, names, texts);
	struct table_reader *r = open_ok(path);

	expect_row(r, 2, 5, "", "", "1904-01-01", "45000", "12:00:00");
	expect_end(r);
	table_reader_free(r);
	free(path);
}

static char *xlsx_error(const char *name, const char *sheet, int at_open)
{
	const char *names[] = { "xl/worksheets/sheet1.xml" };
	const char *texts[] = { sheet };
	char *path = make_zip(name, 1, names, texts);
	struct table_reader *r = NULL;
	struct strbuf err = STRBUF_INIT;
	char *msg;

	if (at_open) {
		assert_true(table_reader_open(path, &r, &err) < 0);
		assert_null(r);
		msg = strbuf_detach(&err, NULL);
	} else {
		r = open_ok(path);
		msg = expect_error(r, 0);
		table_reader_free(r);
	}
	free(path);
	strbuf_release(&err);
	return msg;
}

static void test_xlsx_malformed(void **state)
{
	char *msg;

	msg = xlsx_error("m1.xlsx", SHEET_HEAD "<sheetData><row r=\"1\"><c><v>1</v></c>"
			 "<row r=\"2\"><c><v>2</c></row></sheetData></worksheet>", 0);
	assert_contains(msg, "sheet1.xml is not well-formed XML (line 1)");
	free(msg);
	msg = xlsx_error("m2.xlsx", SHEET_HEAD "<sheetData><row r=\"1\"><c><v>1</v></c></row>"
			 "<row r=\"2\"><c><v>2</v></c></row></sheetData></wrong>", 0);
	assert_contains(msg, "well-formed");
	free(msg);
	msg = xlsx_error("m3.xlsx", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a "
			 "\"aaaa\">]><worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&a;</t></is></c></row>"
			 "</sheetData></worksheet>", 0);
	assert_contains(msg, "DOCTYPE");
	free(msg);
	msg = xlsx_error("m4.xlsx", SHEET_HEAD "<sheetData><row r=\"5\"><c r=\"C5\"><v>1</v></c>"
			 "<c r=\"B5\"><v>2</v></c></row></sheetData></worksheet>", 0);
	assert_contains(msg, "row 5: cell 'B5' is out of order");
	free(msg);
	msg = xlsx_error("m5.xlsx", SHEET_HEAD "<sheetData><row r=\"5\"/><row r=\"3\"/>"
			 "</sheetData></worksheet>", 0);
	assert_contains(msg, "out of order");
	free(msg);
	msg = xlsx_error("m6.xlsx", SHEET_HEAD "<sheetData><row r=\"2\"><c r=\"A2\" t=\"s\">"
			 "<v>9</v></c></row></sheetData></worksheet>", 0);
	assert_contains(msg, "row 2: cell A2 refers to a shared string");
	free(msg);
	msg = xlsx_error("m7.xlsx", SHEET_HEAD "<sheetData><row r=\"2\"><c r=\"IW2\" t=\"inlineStr\">"
			 "<is><t>x</t></is></c></row></sheetData></worksheet>", 0);
	assert_contains(msg, "beyond the limit of 256 columns");
	free(msg);
	{
		struct strbuf big = STRBUF_INIT;
		size_t i;

		strbuf_addstr(&big, SHEET_HEAD "<sheetData><row r=\"7\"><c r=\"B7\" "
			      "t=\"inlineStr\"><is><t>");
		for (i = 0; i < 140000; i++)
			strbuf_addch(&big, 'x');
		strbuf_addstr(&big, "</t></is></c></row></sheetData></worksheet>");
		msg = xlsx_error("m9.xlsx", big.buf, 0);
		assert_contains(msg, "row 7: cell B7 is longer than the limit");
		free(msg);
		strbuf_release(&big);
	}
	msg = xlsx_error("m8.xlsx", SHEET_HEAD "<sheetData><row r=\"1\"><c r=\"A1!\"><v>1</v></c>"
			 "</row></sheetData></worksheet>", 0);
	assert_contains(msg, "invalid cell reference");
	free(msg);
}

static void test_xlsx_not_a_workbook(void **state)
{
	struct table_reader *r = NULL;
	struct strbuf err = STRBUF_INIT, good = STRBUF_INIT;
	struct table_writer *w = NULL;
	const char *cells[] = { "一", "二", "三" };
	char *path;
	size_t i;

	/* plain text named .xlsx */
	path = fixture_save("text.xlsx", "a,b\n1,2\n", 8);
	assert_true(table_reader_open(path, &r, &err) < 0);
	assert_null(r);
	assert_contains(err.buf, "text.xlsx: not an XLSX workbook (not a zip archive)");
	free(path);
	strbuf_reset(&err);

	/* an OLE file (old .xls, or an encrypted .xlsx) */
	path = fixture_save("ole.xlsx", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", 12);
	assert_true(table_reader_open(path, &r, &err) < 0);
	assert_contains(err.buf, "password");
	free(path);
	strbuf_reset(&err);

	/* empty */
	assert_true(table_reader_open_mem("", 0, TABLE_XLSX, &r, &err) < 0);
	assert_contains(err.buf, "empty");
	strbuf_reset(&err);

	/* a zip without a workbook */
	{
		const char *names[] = { "hello.txt" };
		const char *texts[] = { "hi" };

		path = make_zip("other.xlsx", 1, names, texts);
		assert_true(table_reader_open(path, &r, &err) < 0);
		assert_contains(err.buf, "without a workbook");
		free(path);
		strbuf_reset(&err);
	}

	/* a good workbook, then damaged copies of it */
	assert_int_equal(table_writer_open_mem(TABLE_XLSX, NULL, &w, &err), 0);
	for (i = 0; i < 200; i++)
		assert_int_equal(table_writer_row(w, cells, 3, &err), 0);
	assert_int_equal(table_writer_close_mem(w, &good, &err), 0);

	/* truncated: no central directory */
	assert_true(table_reader_open_mem(good.buf, good.len / 2, TABLE_XLSX,
					  &r, &err) < 0);
	assert_contains(err.buf, "not");
	assert_contains(err.buf, "XLSX");
	strbuf_reset(&err);

	/* every 97th byte flipped somewhere in the middle: must fail cleanly,
	 * at open or while reading */
	{
		struct strbuf bad = STRBUF_INIT;
		struct table_row row;
		int ret;

		strbuf_addbuf(&bad, &good);
		for (i = 40; i < bad.len - 200; i += 97)
			bad.buf[i] ^= 0x5A;
		ret = table_reader_open_mem(bad.buf, bad.len, TABLE_XLSX, &r, &err);
		if (ret == 0) {
			while ((ret = table_reader_next(r, &row, &err)) == 1)
				;
			table_reader_free(r);
		}
		assert_true(ret < 0);
		assert_true(err.len > 0);
		strbuf_release(&bad);
	}
	strbuf_release(&good);
	strbuf_release(&err);
}

/*
 * A zip source producing `size` bytes: `head`, then `unit` over and over.
 * Made lazily, so a 512 MiB part costs no memory.
 */
struct bomb {
	const char *head, *unit;
	zip_uint64_t size, pos;
	size_t hl, ul;
};

static zip_int64_t bomb_cb(void *ud, void *data, zip_uint64_t len,
			   zip_source_cmd_t cmd)
{
	struct bomb *b = ud;

	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		b->pos = 0;
		return 0;
	case ZIP_SOURCE_READ: {
		zip_uint64_t i, n = b->size - b->pos;
		size_t hl = b->hl, ul = b->ul;
		char *out = data;

		if (n > len)
			n = len;
		for (i = 0; i < n;) {
			zip_uint64_t at = b->pos + i, k, run;

			if (at < hl) {
				out[i++] = b->head[at];
				continue;
			}
			k = (at - hl) % ul;
			run = ul - k < n - i ? ul - k : n - i;
			memcpy(out + i, b->unit + k, run);
			i += run;
		}
		b->pos += n;
		return (zip_int64_t)n;
	}
	case ZIP_SOURCE_CLOSE:
	case ZIP_SOURCE_FREE:
		return 0;
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st = data;

		zip_stat_init(st);
		st->valid = ZIP_STAT_SIZE;
		st->size = b->size;
		return sizeof(*st);
	}
	case ZIP_SOURCE_ERROR:
		return 2 * sizeof(int);
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN,
			ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
			ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
	default:
		return -1;
	}
}

static void put_le32(char *p, uint32_t v)
{
	p[0] = (char)(v & 0xFF);
	p[1] = (char)((v >> 8) & 0xFF);
	p[2] = (char)((v >> 16) & 0xFF);
	p[3] = (char)((v >> 24) & 0xFF);
}

/*
 * A styles part that inflates to just over the absolute cap (so over the
 * budget of any archive's size, here ~1 MB): elements with 8 MB of
 * blanks between them (libxml2 streams through them without growing a
 * node past its own 10 MB limit).  First with honest sizes in the zip
 * directory (refused at open from the directory), then with the sizes
 * patched to claim 1000 bytes (refused by counting while inflating).
 */
static void test_xlsx_zip_bomb(void **state)
{
	char *unit = malloc(8 * 1024 * 1024 + 5);
	char *path = fixture_path("bomb.xlsx");
	struct bomb b = { "<styleSheet>", NULL, TABLE_INFLATE_MAX + 4096, 0,
			  12, 8 * 1024 * 1024 + 4 };
	int code = 0;
	zip_t *za;
	zip_source_t *src;
	struct table_reader *r = NULL;
	struct strbuf err = STRBUF_INIT, zip = STRBUF_INIT;
	size_t i, patched = 0;

	assert_non_null(unit);
	memset(unit, ' ', 8 * 1024 * 1024);
	memcpy(unit + 8 * 1024 * 1024, "<a/>", 5);
	b.unit = unit;
	za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &code);
	assert_non_null(za);
	src = zip_source_function(za, bomb_cb, &b);
	assert_non_null(src);
	assert_true(zip_file_add(za, "xl/styles.xml", src, 0) >= 0);
	assert_int_equal(zip_close(za), 0);
	free(unit);

	assert_int_equal(table_reader_open(path, &r, &err), TABLE_ELIMIT);
	assert_contains(err.buf, "xl/styles.xml 解压后超过");
	assert_contains(err.buf, "疑为压缩炸弹");
	strbuf_reset(&err);

	assert_int_equal(strbuf_read_file(&zip, path), 0);
	assert_true(zip.len < 2 * 1024 * 1024); /* ~1000:1 */
	for (i = 0; i + 30 < zip.len; i++) {
		if (!memcmp(zip.buf + i, "PK\x03\x04", 4)) {
			put_le32(zip.buf + i + 22, 1000);
			patched++;
		} else if (!memcmp(zip.buf + i, "PK\x01\x02", 4)) {
			put_le32(zip.buf + i + 24, 1000);
			patched++;
		}
	}
	assert_int_equal(patched, 2);
	assert_int_equal(table_reader_open_mem(zip.buf, zip.len, TABLE_XLSX, &r,
					       &err), TABLE_ELIMIT);
	assert_contains(err.buf, "工作簿解压后超过");
	free(path);
	strbuf_release(&err);
	strbuf_release(&zip);
}

static void test_xlsx_too_many_entries(void **state)
{
	char *path = fixture_path("many.xlsx");
	int code = 0;
	zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &code);
	struct table_reader *r = NULL;
	struct strbuf err = STRBUF_INIT;
	size_t i;

	assert_non_null(za);
	for (i = 0; i <= TABLE_ZIP_ENTRIES_MAX; i++) {
		char name[32];
		zip_source_t *src = zip_source_buffer(za, "", 0, 0);

		snprintf(name, sizeof(name), "f%zu", i);
		assert_true(zip_file_add(za, name, src, 0) >= 0);
	}
	assert_int_equal(zip_close(za), 0);
	assert_true(table_reader_open(path, &r, &err) < 0);
	assert_contains(err.buf, "entries");
	free(path);
	strbuf_release(&err);
}


/* ---- budgets: small files that would expand a lot ---- */

/* `n` copies of `unit` between `head` and `tail` (malloc'd). */
static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, ul = strlen(unit);

	strbuf_addstr(&sb, head);
	strbuf_grow(&sb, ul * n + strlen(tail));
	for (i = 0; i < n; i++)
		strbuf_add(&sb, unit, ul);
	strbuf_addstr(&sb, tail);
	return strbuf_detach(&sb, NULL);
}

/* A workbook (deflated, as Excel writes them) read from memory to the end. */
static int read_all_mem(const char *sheet, const char *sst, struct strbuf *err,
			size_t *zip_len)
{
	const char *names[] = { "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml" };
	const char *texts[] = { sheet, sst ? sst : "" };
	char *path = make_zip("budget.xlsx", sst ? 2 : 1, names, texts);
	struct strbuf zip = STRBUF_INIT;
	struct table_reader *r = NULL;
	struct table_row row;
	int ret;

	assert_int_equal(strbuf_read_file(&zip, path), 0);
	*zip_len = zip.len;
	ret = table_reader_open_mem(zip.buf, zip.len, TABLE_XLSX, &r, err);
	if (ret == 0) {
		while ((ret = table_reader_next(r, &row, err)) == 1)
			;
		table_reader_free(r);
	}
	unlink(path);
	free(path);
	strbuf_release(&zip);
	return ret;
}

static void test_budget_of(void **state)
{
	const struct table_budget b = { 100, 10, 1000 };

	assert_int_equal(table_budget_of(&b, 0), 100);
	assert_int_equal(table_budget_of(&b, 50), 600);
	assert_int_equal(table_budget_of(&b, 90), 1000);
	assert_int_equal(table_budget_of(&b, 1000000), 1000);
	assert_int_equal(table_budget_of(&b, (size_t)-1), 1000); /* no overflow */
}

/*
 * The file: millions of tiny shared strings deflate to almost
 * nothing; the table would take far more memory than the file.  1 M of
 * them (17 MB of XML in a ~20 KB archive) are refused at open by count;
 * 2 M already by the size the zip directory gives the part.
 */
static void test_xlsx_budget_sst_count(void **state)
{
	struct strbuf err = STRBUF_INIT;
	char *sst = repeat("<sst>", "<si><t>a</t></si>", 1000000, "</sst>");
	size_t len;

	assert_int_equal(read_all_mem(SHEET_HEAD "<sheetData/></worksheet>", sst, &err, &len),
			 TABLE_ELIMIT);
	assert_true(len < 100 * 1024);
	assert_contains(err.buf, "共享字符串超过");
	assert_contains(err.buf, "拒绝读取");
	free(sst);
	strbuf_reset(&err);

	sst = repeat("<sst>", "<si><t>a</t></si>", 2000000, "</sst>");
	assert_int_equal(read_all_mem(SHEET_HEAD "<sheetData/></worksheet>", sst, &err, &len),
			 TABLE_ELIMIT);
	assert_contains(err.buf, "xl/sharedStrings.xml 解压后超过");
	free(sst);
	strbuf_release(&err);
}

/* Fewer, longer strings: refused by bytes. */
static void test_xlsx_budget_sst_bytes(void **state)
{
	struct strbuf err = STRBUF_INIT, unit = STRBUF_INIT;
	char *sst;
	size_t len, i;

	strbuf_addstr(&unit, "<si><t>");
	for (i = 0; i < 100000; i++)
		strbuf_addch(&unit, 'a' + (char)(i % 7));
	strbuf_addstr(&unit, "</t></si>");
	sst = repeat("<sst>", unit.buf, 150, "</sst>"); /* 15 MB */
	assert_int_equal(read_all_mem(SHEET_HEAD "<sheetData/></worksheet>", sst, &err, &len),
			 TABLE_ELIMIT);
	assert_contains(err.buf, "共享字符串共超过");
	free(sst);
	strbuf_release(&unit);
	strbuf_release(&err);
}

/* Millions of empty cells: refused while reading, by count. */
static void test_xlsx_budget_cells(void **state)
{
	struct strbuf err = STRBUF_INIT;
	char *row = repeat("<row>", "<c/>", 1000, "</row>");
	char *sheet = repeat(SHEET_HEAD "<sheetData>", row, 3000, "</sheetData></worksheet>");
	size_t len;

	assert_int_equal(read_all_mem(sheet, NULL, &err, &len), TABLE_ELIMIT);
	assert_contains(err.buf, "个单元格");
	assert_contains(err.buf, "拒绝读取");
	free(row);
	free(sheet);
	strbuf_release(&err);
}

/* One long shared string named by cell after cell: refused by output. */
static void test_xlsx_budget_output(void **state)
{
	struct strbuf err = STRBUF_INIT, sst = STRBUF_INIT;
	char *row = repeat("<row>", "<c t=\"s\"><v>0</v></c>", 200, "</row>");
	char *sheet = repeat(SHEET_HEAD "<sheetData>", row, 100, "</sheetData></worksheet>");
	size_t len, i;

	strbuf_addstr(&sst, "<sst><si><t>");
	for (i = 0; i < 100000; i++)
		strbuf_addch(&sst, 'a' + (char)(i % 7));
	strbuf_addstr(&sst, "</t></si></sst>");
	/* 2 GB of cell text from a file of a few hundred KB */
	assert_int_equal(read_all_mem(sheet, sst.buf, &err, &len), TABLE_ELIMIT);
	assert_contains(err.buf, "表格内容共超过");
	free(row);
	free(sheet);
	strbuf_release(&sst);
	strbuf_release(&err);
}

/* Rows and columns without r="" stop at Excel's limits too. */
static void test_xlsx_rows_cols_without_refs(void **state)
{
	struct strbuf err = STRBUF_INIT;
	char *row = repeat("<row>", "<c/>", 16385, "</row>");
	char *sheet = repeat(SHEET_HEAD "<sheetData>", row, 1, "</sheetData></worksheet>");
	size_t len;

	assert_int_equal(read_all_mem(sheet, NULL, &err, &len), -1);
	assert_contains(err.buf, "超过 16384 列");
	free(sheet);
	strbuf_reset(&err);
	sheet = repeat(SHEET_HEAD "<sheetData>", "<row/>", TABLE_XLSX_ROWS_MAX + 1,
		       "</sheetData></worksheet>");
	assert_int_equal(read_all_mem(sheet, NULL, &err, &len), -1);
	assert_contains(err.buf, "超过 1048576 行");
	free(row);
	free(sheet);
	strbuf_release(&err);
}

/* Real workbooks stay well within every budget: the project's own export. */
static void test_xlsx_budget_real_workbook(void **state)
{
	const char *cells[8] = { "信访编号", "登记日期", "主要诉求", "人数", "涉及主体",
				 "信访人姓名", "联系电话", "备注" };
	struct table_writer *w = NULL;
	struct table_reader *r = NULL;
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	struct table_row row;
	char no[32], day[16], text[128], phone[16];
	size_t i, rows = 0;
	int ret;

	assert_int_equal(table_writer_open_mem(TABLE_XLSX, NULL, &w, &err), 0);
	assert_int_equal(table_writer_row(w, cells, 8, &err), 0);
	for (i = 0; i < 20000; i++) {
		snprintf(no, sizeof(no), "XF%08zu", i);
		snprintf(day, sizeof(day), "2023-%02zu-%02zu", 1 + i % 12, 1 + i % 28);
		snprintf(text, sizeof(text), "诉求：第%zu号，同上", i % 50);
		snprintf(phone, sizeof(phone), "138%08zu", i * 7919 % 100000000);
		cells[0] = no;
		cells[1] = day;
		cells[2] = text;
		cells[3] = "1";
		cells[4] = "V1";
		cells[5] = "张三";
		cells[6] = phone;
		cells[7] = i % 3 ? "" : "无";
		assert_int_equal(table_writer_row(w, cells, 8, &err), 0);
	}
	assert_int_equal(table_writer_close_mem(w, &out, &err), 0);
	assert_int_equal(table_reader_open_mem(out.buf, out.len, TABLE_XLSX, &r, &err), 0);
	while ((ret = table_reader_next(r, &row, &err)) == 1)
		rows++;
	assert_int_equal(ret, 0);
	assert_int_equal(rows, 20001);
	assert_int_equal(table_reader_size(r), out.len);
	table_reader_free(r);
	strbuf_release(&out);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_plain_lf),
		cmocka_unit_test(test_csv_bom_crlf_chinese),
		cmocka_unit_test(test_csv_quotes_and_newlines),
		cmocka_unit_test(test_csv_empty_rows_counted),
		cmocka_unit_test(test_csv_empty_file),
		cmocka_unit_test(test_csv_cells_in_middle),
		cmocka_unit_test(test_csv_gb18030),
		cmocka_unit_test(test_csv_gb18030_large),
		cmocka_unit_test(test_csv_invalid_utf8),
		cmocka_unit_test(test_csv_nul_byte),
		cmocka_unit_test(test_csv_bad_quotes),
		cmocka_unit_test(test_csv_limits),
		cmocka_unit_test(test_csv_utf16_refused),
		cmocka_unit_test(test_csv_write_injection),
		cmocka_unit_test(test_csv_write_mem_and_invalid),
		cmocka_unit_test(test_unknown_extension),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_xlsx_roundtrip),
		cmocka_unit_test(test_xlsx_write_mem),
		cmocka_unit_test(test_xlsx_write_errors),
		cmocka_unit_test(test_xlsx_libxlsxwriter_file),
		cmocka_unit_test(test_xlsx_handmade),
		cmocka_unit_test(test_xlsx_workbook_rels_1904),
		cmocka_unit_test(test_xlsx_malformed),
		cmocka_unit_test(test_xlsx_not_a_workbook),
		cmocka_unit_test(test_xlsx_zip_bomb),
		cmocka_unit_test(test_xlsx_too_many_entries),
		cmocka_unit_test(test_budget_of),
		cmocka_unit_test(test_xlsx_budget_sst_count),
		cmocka_unit_test(test_xlsx_budget_sst_bytes),
		cmocka_unit_test(test_xlsx_budget_cells),
		cmocka_unit_test(test_xlsx_budget_output),
		cmocka_unit_test(test_xlsx_rows_cols_without_refs),
		cmocka_unit_test(test_xlsx_budget_real_workbook),
	};

	return cmocka_run_group_tests_name("table", tests, setup, teardown);
}
