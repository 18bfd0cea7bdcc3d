/*
 * test_xlsx_doc: unit tests of the XLSX writer of documents
 * (src/doc/xlsx_doc.c).
 *
 * A sample document — twenty townships with counts and percentages, an
 * empty share, a total row, a chart of the percentages, a second and a
 * third table — is written and then read three ways: unzipped, its XML
 * parsed with libxml2 (the chart's series point at the right sheet and
 * rows, the sheets' names, the properties); read back with the project's
 * own XLSX reader (io/table.h: the cells' values); and converted to PDF by
 * LibreOffice, whose text must show the table and the chart's labels.  A
 * document with no table writes its texts on a sheet 说明.  LibreOffice
 * and pdftotext are required: the test fails without them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "doc/doc.h"
#include "io/table.h"

#include "docs_fixture.h"

static const char *const towns[20] = {
	"城关镇", "东关街道", "西关街道", "南湖乡", "北山镇", "青石镇", "白水乡",
	"红旗镇", "柳林乡", "河口镇", "石桥镇", "新华乡", "和平镇", "太平乡",
	"永安镇", "长乐乡", "金沙镇", "银杏乡", "梨园镇", "桃源乡",
};
#define EMPTY_TOWN 5 /* 青石镇: no households, so no share */

static int setup(void **state)
{
	if (fixture_setup("xlsx_doc"))
		return -1;
	table_global_init();
	return 0;
}

static int teardown(void **state)
{
	return fixture_teardown();
}

/* The sample: a paragraph, the townships' table and its chart, two more. */
static struct doc *sample(void)
{
	static const char *const head[] = { "乡镇（街道）", "户数", "达标户数", "达标率" };
	static const char *const head2[] = { "问题", "件数" };
	struct doc *d = doc_new("2026年11月各乡镇达标情况通报");
	struct doc_table *t, *t2, *t3;
	size_t r;

	doc_set_meta(d, "第8期 达标情况通报", "某区办公室", "由11月的审计记录生成");
	doc_add(d, DOC_PARA, "本月各乡镇（街道）达标情况如下。");
	t = doc_table(d, "表1 各乡镇达标情况", "达标情况", 4, head);
	for (int i = 0; i < 20; i++) {
		r = doc_row(t);
		doc_cell_text(t, r, 0, towns[i]);
		doc_cell_int(t, r, 1, i == EMPTY_TOWN ? 0 : 100 + i);
		doc_cell_int(t, r, 2, i == EMPTY_TOWN ? 0 : 80 + i);
		doc_cell_percent(t, r, 3, i == 0 ? 857 : 500 + 20 * i, i != EMPTY_TOWN);
	}
	r = doc_row(t);
	doc_cell_text(t, r, 0, "合计");
	doc_cell_int(t, r, 1, 2085);
	doc_cell_int(t, r, 2, 1705);
	doc_cell_percent(t, r, 3, 818, 1);
	t->total_row = 1;
	doc_chart(d, "各乡镇达标率图", "达标率（%）", 800, t, 0, 3);
	t2 = doc_table(d, "表2 问题", "", 2, head2);
	r = doc_row(t2);
	doc_cell_text(t2, r, 0, "未按期整改");
	doc_cell_int(t2, r, 1, 7);
	t3 = doc_table(d, "表3 重名", "达标情况", 2, head2);
	r = doc_row(t3);
	doc_cell_text(t3, r, 0, "重复");
	doc_cell_int(t3, r, 1, 1);
	return d;
}

static char *write_doc(const struct doc *d, const char *name)
{
	return fixture_write(doc_write_xlsx, d, name, "PK\3\4", 4);
}

static void expect_row(struct table_reader *r, size_t rownum, size_t n, ...)
{
	struct table_row row;
	struct strbuf err = STRBUF_INIT;
	va_list ap;
	int ret;

	do {
		ret = table_reader_next(r, &row, &err);
		if (ret != 1)
			fail_msg("expected row %zu, got %d (%s)", rownum, ret, err.buf);
	} while (table_reader_rownum(r) < rownum);
	assert_int_equal(table_reader_rownum(r), rownum);
	if (row.ncells != n)
		fail_msg("row %zu: %zu cells, expected %zu", rownum, row.ncells, n);
	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(row.cells[i], va_arg(ap, const char *));
	va_end(ap);
	strbuf_release(&err);
}

static const struct fixture_xpath sample_checks[] = {
	/* the chart: horizontal bars of the townships, the total left out */
	{ "xl/charts/chart1.xml", "count(//c:barChart)", "1" },
	{ "xl/charts/chart1.xml", "string(//c:barChart/c:barDir/@val)", "bar" },
	{ "xl/charts/chart1.xml", "count(//c:ser)", "1" },
	{ "xl/charts/chart1.xml", "string(//c:ser/c:cat//c:f)", "'达标情况'!$A$3:$A$22" },
	{ "xl/charts/chart1.xml", "string(//c:ser/c:val//c:f)", "'达标情况'!$D$3:$D$22" },
	{ "xl/charts/chart1.xml", "string(//c:chart/c:title//*[local-name()='t'])",
	  "各乡镇达标率图" },
	{ "xl/charts/chart1.xml", "string(//c:valAx/c:scaling/c:max/@val)", "1" },
	{ "xl/charts/chart1.xml", "string(//c:valAx/c:scaling/c:min/@val)", "0" },
	{ "xl/charts/chart1.xml", "string(//c:valAx/c:numFmt/@formatCode)", "0%" },
	{ "xl/charts/chart1.xml", "string(//c:valAx/c:title//*[local-name()='t'])",
	  "达标率（%）" },
	{ "xl/charts/chart1.xml", "string(//c:ser/c:dLbls/c:showVal/@val)", "1" },
	{ "xl/charts/chart1.xml", "count(//c:legend)", "0" },
	/* it sits in the townships' sheet */
	{ "xl/worksheets/_rels/sheet1.xml.rels", "string(//rel:Relationship/@Target)",
	  "../drawings/drawing1.xml" },
	{ "xl/drawings/_rels/drawing1.xml.rels", "string(//rel:Relationship/@Target)",
	  "../charts/chart1.xml" },
	/* the sheets: the given name, then 表N for an empty and a taken one */
	{ "xl/workbook.xml", "count(//s:sheet)", "3" },
	{ "xl/workbook.xml", "string(//s:sheet[1]/@name)", "达标情况" },
	{ "xl/workbook.xml", "string(//s:sheet[2]/@name)", "表2" },
	{ "xl/workbook.xml", "string(//s:sheet[3]/@name)", "表3" },
	/* the caption merged over the four columns, frozen below the header */
	{ "xl/worksheets/sheet1.xml", "string(//s:mergeCell/@ref)", "A1:D1" },
	{ "xl/worksheets/sheet1.xml", "string(//s:pane/@ySplit)", "2" },
	{ "xl/worksheets/sheet1.xml", "count(//s:c[@r='D8'])", "1" },
	{ "xl/worksheets/sheet1.xml", "count(//s:c[@r='D8']/s:v)", "0" },
	{ "docProps/core.xml", "string(//dc:title)", "第8期 达标情况通报" },
	{ "docProps/core.xml", "string(//dc:creator)", "某区办公室" },
	{ "docProps/core.xml", "string(//dc:description)", "由11月的审计记录生成" },
};

/* The parts of `path` checked against `checks` (n of them). */
static void expect_parts(const char *path, const struct fixture_xpath *checks, size_t n)
{
	zip_t *za = fixture_zip_open(path);

	fixture_expect_parts(za, checks, n);
	zip_close(za);
}

/* `path` read with the project's own reader (io/table.h); the caller frees it. */
static struct table_reader *open_reader(const char *path)
{
	struct table_reader *r = NULL;
	struct strbuf err = STRBUF_INIT;

	if (table_reader_open(path, &r, &err))
		fail_msg("open: %s", err.buf);
	strbuf_release(&err);
	return r;
}

static void test_parts(void **state)
{
	struct doc *d = sample();
	char *path = write_doc(d, "parts.xlsx");

	expect_parts(path, sample_checks, FIXTURE_NELEM(sample_checks));
	doc_free(d);
	free(path);
}

static void test_cells(void **state)
{
	struct doc *d = sample();
	char *path = write_doc(d, "cells.xlsx");
	struct table_reader *r = open_reader(path);

	expect_row(r, 1, 1, "表1 各乡镇达标情况");
	expect_row(r, 2, 4, "乡镇（街道）", "户数", "达标户数", "达标率");
	expect_row(r, 3, 4, "城关镇", "100", "80", "0.857");
	expect_row(r, 4, 4, "东关街道", "101", "81", "0.52");
	/* the empty share is a blank cell: the row ends before it */
	expect_row(r, 8, 3, "青石镇", "0", "0");
	expect_row(r, 23, 4, "合计", "2085", "1705", "0.818");
	table_reader_free(r);
	doc_free(d);
	free(path);
}

static void test_no_tables(void **state)
{
	static const struct fixture_xpath checks[] = {
		{ "xl/workbook.xml", "count(//s:sheet)", "1" },
		{ "xl/workbook.xml", "string(//s:sheet/@name)", "说明" },
		{ "docProps/core.xml", "string(//dc:title)", "关于本月工作的说明" },
	};
	struct doc *d = doc_new("关于本月工作的说明");
	struct table_reader *r;
	char *path;

	doc_add(d, DOC_PARA, "本月无表格。");
	doc_add(d, DOC_PARA, "第二段。");
	path = write_doc(d, "note.xlsx");
	expect_parts(path, checks, FIXTURE_NELEM(checks));
	r = open_reader(path);
	expect_row(r, 1, 1, "关于本月工作的说明");
	expect_row(r, 2, 1, "本月无表格。");
	expect_row(r, 3, 1, "第二段。");
	table_reader_free(r);
	doc_free(d);
	free(path);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* pdftotext's text of `name` in the temporary directory (the caller frees). */
static char *pdf_text(const char *name)
{
	char *path = fixture_path(name);
	char *text = fixture_run("pdftotext -enc UTF-8 '%s' -", path);

	free(path);
	return text;
}

/* LibreOffice opens both workbooks and prints them, chart and all. */
static void test_libreoffice(void **state)
{
	static const char *const in_table[] = {
		"表1 各乡镇达标情况", "城关镇", "东关街道", "未按期整改", "各乡镇达标率图",
	};
	struct doc *d = sample(), *note = doc_new("关于本月工作的说明");
	char *ta, *tb;

	doc_add(note, DOC_PARA, "本月无表格。");
	free(write_doc(d, "lo.xlsx"));
	free(write_doc(note, "lonote.xlsx"));
	fixture_soffice("pdf", "lo.xlsx lonote.xlsx");
	ta = pdf_text("lo.pdf");
	tb = pdf_text("lonote.pdf");
	/* the table, and the chart's title */
	for (size_t i = 0; i < FIXTURE_NELEM(in_table); i++)
		fixture_expect_in(ta, in_table[i]);
	/* the chart: every name on its axis (none skipped for want of
	 * room), and 85.7% twice, the cell and the bar's label */
	for (int i = 0; i < 20; i++)
		if (count(ta, towns[i]) < 2)
			fail_msg("%s %zu times in:\n%s", towns[i], count(ta, towns[i]), ta);
	if (count(ta, "85.7%") < 2)
		fail_msg("85.7%% %zu times in:\n%s", count(ta, "85.7%"), ta);
	/* the total's share is in the table, not in the chart */
	assert_int_equal(count(ta, "81.8%"), 1);
	fixture_expect_in(tb, "关于本月工作的说明");
	fixture_expect_in(tb, "本月无表格。");
	free(ta);
	free(tb);
	doc_free(d);
	doc_free(note);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parts),
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_no_tables),
		cmocka_unit_test(test_libreoffice),
	};

	return cmocka_run_group_tests_name("xlsx_doc", tests, setup, teardown);
}
