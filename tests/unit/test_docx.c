/*
 * test_docx: unit tests of the DOCX writer (src/doc/docx.c).
 *
 * A sample document — a title, a subtitle, headings of both levels, a
 * paragraph of a real report's figures, text that needs escaping, a table
 * of twenty townships with numbers, percentages, empty cells and a total
 * row, a chart of it, a signature and a note — is written, then read
 * twice: its parts with libzip and libxml2 (the page, the table, the
 * chart's data, the metadata), and its text as LibreOffice shows it,
 * converted headless to plain text and to PDF (pdfinfo, pdftotext).  A
 * document of a title alone goes the same way.  LibreOffice and poppler's
 * tools are required: without them the test fails.
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

#include "docs_fixture.h"

#define ESCAPES "标记<b>与&amp;和\"引号\"不是XML"
#define TITLE "淮阳区文明单位创建工作月报"

static int setup(void **state)
{
	return fixture_setup("docx");
}

static int teardown(void **state)
{
	return fixture_teardown();
}

/* The township table: name, villages, of them up to standard, the share. */
static struct doc_table *sample_table(struct doc *d)
{
	static const char *const header[] = { "乡镇（街道）", "村（社区）数", "符合创建标准数",
					      "占比" };
	struct doc_table *t = doc_table(d, "表1  各乡镇（街道）创建情况", "创建情况", 4, header);
	int64_t all = 0, ok = 0;
	size_t r;

	for (size_t i = 0; i < FIXTURE_NTOWNS; i++) {
		/* the first town 35 of 41 = 85.4 %, …; the last has no villages */
		int64_t n = i + 1 < FIXTURE_NTOWNS ? 20 + (int64_t)(i * 7) % 23 : 0;
		int64_t k = n - (int64_t)(i % 5);

		if (k < 0)
			k = 0;
		r = doc_row(t);
		doc_cell_text(t, r, 0, fixture_towns[i]);
		doc_cell_int(t, r, 1, n);
		doc_cell_int(t, r, 2, k);
		doc_cell_percent(t, r, 3, n ? (k * 1000 + n / 2) / n : 0, n != 0);
		all += n;
		ok += k;
	}
	/* the row the report's sentence speaks of: 407 of 475 = 85.7 % */
	r = doc_row(t);
	doc_cell_text(t, r, 0, "示范片区");
	doc_cell_int(t, r, 1, 475);
	doc_cell_int(t, r, 2, 407);
	doc_cell_percent(t, r, 3, 857, 1);
	all += 475;
	ok += 407;
	r = doc_row(t);
	doc_cell_text(t, r, 0, "合计");
	doc_cell_int(t, r, 1, all);
	doc_cell_int(t, r, 2, ok);
	doc_cell_percent(t, r, 3, (ok * 1000 + all / 2) / all, 1);
	t->total_row = 1;
	return t;
}

static struct doc *sample_doc(void)
{
	struct doc *d = doc_new(TITLE);
	struct doc_table *t;

	doc_set_meta(d, "2026年8月创建工作月报", "淮阳区文明办", "审计链头 abc123 <生成>");
	doc_add(d, DOC_SUBTITLE, "第%d期\n淮阳区文明办  2026年9月1日", 8);
	doc_add(d, DOC_HEADING1, "一、总体情况");
	doc_add(d, DOC_PARA, "%s", FIXTURE_OPENING);
	doc_add(d, DOC_PARA, "%s", ESCAPES);
	doc_add(d, DOC_HEADING2, "（一）各乡镇（街道）情况");
	doc_add(d, DOC_PARA, "第一行\n第二行");
	t = sample_table(d);
	doc_chart(d, "图1  各乡镇（街道）达标率", "达标率（%）", 900, t, 0, 3);
	doc_add(d, DOC_HEADING1, "二、下一步工作");
	doc_add(d, DOC_PARA, "持续推进创建工作。");
	doc_add(d, DOC_SIGNATURE, "淮阳区文明办\n2026年9月1日");
	/* a control character XML cannot carry: left out */
	doc_add(d, DOC_NOTE, "本报告由系统根据审计数据生成。%c", 1);
	return d;
}

/* `d` written to `name` in the temporary directory, and opened. */
static zip_t *docx_archive(const struct doc *d, const char *name)
{
	char *path = fixture_write(doc_write_docx, d, name, "PK\3\4", 0);
	zip_t *za = fixture_zip_open(path);

	free(path);
	return za;
}

/* What the sample's parts must say, part by part. */
static const struct fixture_xpath sample_checks[] = {
	{ "word/document.xml", "count(//w:tbl)", "1" },
	{ "word/document.xml", "//w:sectPr/w:pgSz/@w:w", "11906" },
	{ "word/document.xml", "//w:sectPr/w:pgSz/@w:h", "16838" },
	{ "word/document.xml", "//w:sectPr/w:pgMar/@w:top", "2098" },
	{ "word/document.xml", "//w:sectPr/w:pgMar/@w:bottom", "1984" },
	{ "word/document.xml", "//w:sectPr/w:pgMar/@w:left", "1587" },
	{ "word/document.xml", "//w:sectPr/w:pgMar/@w:right", "1474" },
	{ "word/document.xml", "//w:p[1]/w:pPr/w:pStyle/@w:val", "Title" },
	{ "word/document.xml", "string(//w:p[1])", TITLE },
	{ "word/document.xml", "count(//w:p[w:pPr/w:pStyle/@w:val='Body'][.='" ESCAPES "'])",
	  "1" },
	{ "word/document.xml", "count(//w:p[.='第一行第二行']/w:r/w:br)", "1" },
	/* header + 20 towns + the 示范片区 row + 合计 */
	{ "word/document.xml", "count(//w:tbl/w:tr)", "23" },
	{ "word/document.xml", "count(//w:tbl/w:tr[w:trPr/w:tblHeader])", "1" },
	{ "word/document.xml", "count(//w:tbl/w:tr[w:trPr/w:cantSplit])", "23" },
	{ "word/document.xml", "count(//w:tbl/w:tblGrid/w:gridCol)", "4" },
	{ "word/document.xml", "sum(//w:tbl/w:tblGrid/w:gridCol/@w:w)", "8845" },
	{ "word/document.xml", "//w:tbl/w:tblPr/w:tblW/@w:w", "5000" },
	{ "word/document.xml", "//w:tbl/w:tr[1]/w:tc[1]//w:b/../../w:t", "乡镇（街道）" },
	{ "word/document.xml",
	  "//w:tr[.='示范片区47540785.7%']/w:tc[4]/w:p/w:pPr/w:jc/@w:val", "right" },
	{ "word/document.xml",
	  "//w:tr[.='示范片区47540785.7%']/w:tc[1]/w:p/w:pPr/w:jc/@w:val", "left" },
	{ "word/document.xml", "//w:tr[w:tc[1]='东关街道']/w:tc[4]", "—" },
	{ "word/document.xml", "count(//w:tr[last()]/w:tc[w:p/w:r/w:rPr/w:b])", "4" },
	{ "word/document.xml", "count(//w:tr[w:tc[1]='白楼镇']//w:b)", "0" },
	{ "word/document.xml", "count(//w:p[w:pPr/w:pStyle/@w:val='Signature'])", "2" },
	{ "word/document.xml", "string(//w:p[w:pPr/w:pStyle/@w:val='Note'])",
	  "本报告由系统根据审计数据生成。" },
	{ "word/document.xml", "name(//w:drawing/*/*/*[local-name()='graphicData']/*)",
	  "c:chart" },

	{ "word/charts/chart1.xml", "//c:barChart/c:barDir/@val", "bar" },
	{ "word/charts/chart1.xml", "//c:cat/c:strLit/c:ptCount/@val", "20" },
	{ "word/charts/chart1.xml", "//c:cat/c:strLit/c:pt[@idx='0']/c:v", "城关回族镇" },
	{ "word/charts/chart1.xml", "//c:val/c:numLit/c:pt[c:v='85.7']/@idx", "19" },
	{ "word/charts/chart1.xml", "string(/c:chartSpace/c:chart/c:title)",
	  "图1  各乡镇（街道）达标率" },

	{ "[Content_Types].xml",
	  "//ct:Override[@PartName='/word/charts/chart1.xml']/@ContentType",
	  "application/vnd.openxmlformats-officedocument.drawingml.chart+xml" },
	{ "word/_rels/document.xml.rels", "//pr:Relationship[@Id='rIdChart1']/@Target",
	  "charts/chart1.xml" },
	{ "word/styles.xml", "//w:style[@w:styleId='Title']/w:rPr/w:rFonts/@w:eastAsia",
	  DOC_FONT_TITLE },
	{ "word/styles.xml", "//w:style[@w:styleId='Title']/w:rPr/w:sz/@w:val", "44" },
	{ "word/styles.xml", "//w:style[@w:styleId='Heading1']/w:rPr/w:rFonts/@w:eastAsia",
	  DOC_FONT_HEADING1 },
	{ "word/styles.xml", "//w:style[@w:styleId='Body']/w:pPr/w:ind/@w:firstLineChars",
	  "200" },
	{ "docProps/core.xml", "//dc:title", "2026年8月创建工作月报" },
	{ "docProps/core.xml", "//dc:creator", "淮阳区文明办" },
	{ "docProps/core.xml", "//dc:description", "审计链头 abc123 <生成>" },
};

static void test_parts(void **state)
{
	static const char *const parts[] = {
		"[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels",
		"word/styles.xml", "word/settings.xml", "word/fontTable.xml",
		"word/footer1.xml", "docProps/app.xml",
	};
	struct doc *d = sample_doc();
	zip_t *za = docx_archive(d, "parts.docx");

	for (size_t i = 0; i < FIXTURE_NELEM(parts); i++)
		xmlFreeDoc(fixture_zip_xml(za, parts[i]));
	/* the first entry names the package's content types */
	assert_string_equal(zip_get_name(za, 0, 0), "[Content_Types].xml");
	fixture_expect_parts(za, sample_checks, FIXTURE_NELEM(sample_checks));
	zip_close(za);
	doc_free(d);
}

/* A title alone, and an empty table: still a document. */
static void test_empty(void **state)
{
	static const struct fixture_xpath alone[] = {
		{ "word/document.xml", "string(//w:body)", "只有标题" },
		{ "word/document.xml", "count(//w:tbl)", "0" },
	}, table[] = {
		{ "word/document.xml", "count(//w:tbl/w:tr)", "1" },
		{ "word/document.xml", "count(//w:tbl/w:tr/w:tc)", "2" },
	};
	static const char *const header[] = { "名称", "数量" };
	struct doc *d = doc_new("只有标题");
	zip_t *za = docx_archive(d, "alone.docx");

	fixture_expect_parts(za, alone, FIXTURE_NELEM(alone));
	assert_int_equal(zip_name_locate(za, "word/charts/chart1.xml", 0), -1);
	zip_close(za);

	doc_table(d, "空表", "空表", 2, header);
	za = docx_archive(d, "table.docx");
	fixture_expect_parts(za, table, FIXTURE_NELEM(table));
	zip_close(za);
	doc_free(d);
}

/* ---- through LibreOffice ---- */

/* The text of `name` in the temporary directory, written by LibreOffice. */
static char *read_text(const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = fixture_path(name);

	if (strbuf_read_file(&sb, path))
		fail_msg("LibreOffice did not write %s", path);
	free(path);
	return strbuf_detach(&sb, NULL);
}

/* pdfinfo's report `info`: A4 pages, between `min` and `max` of them. */
static void expect_pdfinfo(const char *info, int min, int max)
{
	double w = 0, h = 0;
	int pages;

	fixture_expect_in(info, "Pages:");
	pages = atoi(strstr(info, "Pages:") + 6);
	if (pages < min || pages > max)
		fail_msg("%d pages, expected %d to %d", pages, min, max);
	fixture_expect_in(info, "Page size:");
	assert_int_equal(sscanf(strstr(info, "Page size:") + 10, "%lf x %lf", &w, &h), 2);
	if (w < 594.5 || w > 596 || h < 841.5 || h > 842.5)
		fail_msg("the page is %g x %g pt, not A4", w, h);
	fixture_expect_in(info, "pts (A4)");
}

static void test_libreoffice(void **state)
{
	static const char *const in_text[] = {
		TITLE, FIXTURE_OPENING, ESCAPES, "示范片区", "85.7%", "东关街道", "淮阳区文明办",
	};
	/* the chart is drawn with its title; the footer numbers the pages */
	static const char *const in_pdf[] = {
		FIXTURE_OPENING, "示范片区47540785.7%", "图1各乡镇（街道）达标率", "—1—", "—2—",
	};
	struct doc *d = sample_doc(), *e = doc_new("只有标题");
	char *s, *raw, *pdf;

	free(fixture_write(doc_write_docx, d, "sample.docx", "PK\3\4", 0));
	free(fixture_write(doc_write_docx, e, "empty.docx", "PK\3\4", 0));
	fixture_soffice("txt:Text (encoded):UTF8", "sample.docx empty.docx");
	fixture_soffice("pdf", "sample.docx empty.docx");

	s = read_text("sample.txt");
	for (size_t i = 0; i < FIXTURE_NELEM(in_text); i++)
		fixture_expect_in(s, in_text[i]);
	free(s);
	s = read_text("empty.txt");
	fixture_expect_in(s, "只有标题");
	free(s);

	pdf = fixture_path("sample.pdf");
	s = fixture_run("pdfinfo '%s'", pdf);
	expect_pdfinfo(s, 2, 10);
	free(s);
	raw = fixture_run("pdftotext -layout '%s' -", pdf);
	s = fixture_strip(raw);
	for (size_t i = 0; i < FIXTURE_NELEM(in_pdf); i++)
		fixture_expect_in(s, in_pdf[i]);
	free(s);
	free(raw);
	free(pdf);

	pdf = fixture_path("empty.pdf");
	s = fixture_run("pdfinfo '%s' && pdftotext '%s' -", pdf, pdf);
	expect_pdfinfo(s, 1, 1);
	fixture_expect_in(s, "只有标题");
	free(s);
	free(pdf);
	doc_free(d);
	doc_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parts),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_libreoffice),
	};

	return cmocka_run_group_tests_name("docx", tests, setup, teardown);
}
