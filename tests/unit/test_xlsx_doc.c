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

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <zip.h>

#include "base/strbuf.h"
#include "doc/doc.h"
#include "io/table.h"

static char tmpdir[4096];

static const char *const towns[20] = {
	"城关镇", "东关街道", "西关街道", "南湖乡", "北山镇", "青石镇", "白水乡",
	"红旗镇", "柳林乡", "河口镇", "石桥镇", "新华乡", "和平镇", "太平乡",
	"永安镇", "长乐乡", "金沙镇", "银杏乡", "梨园镇", "桃源乡",
};
#define EMPTY_TOWN 5 /* 青石镇: no households, so no share */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int setup(void **state)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/test_xlsx_doc-XXXXXX",
		 base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	table_global_init();
	return 0;
}

static int teardown(void **state)
{
	return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static char *tpath(const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/%s", tmpdir, name);
	return strbuf_detach(&sb, NULL);
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

static char *write_doc(struct doc *d, const char *name)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	char *path = tpath(name);
	FILE *fp;

	if (doc_write_xlsx(d, &out, &err))
		fail_msg("doc_write_xlsx: %s", err.buf);
	assert_true(out.len > 4 && !memcmp(out.buf, "PK\3\4", 4));
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(out.buf, 1, out.len, fp), out.len);
	assert_int_equal(fclose(fp), 0);
	strbuf_release(&out);
	strbuf_release(&err);
	return path;
}

/* One part of the archive, parsed; fails if it is missing. */
static xmlDocPtr zip_xml(const char *path, const char *part)
{
	struct strbuf sb = STRBUF_INIT;
	zip_t *z = zip_open(path, ZIP_RDONLY, NULL);
	zip_file_t *f;
	char buf[8192];
	zip_int64_t n;
	xmlDocPtr x;

	assert_non_null(z);
	f = zip_fopen(z, part, 0);
	if (!f)
		fail_msg("%s: no part %s", path, part);
	while ((n = zip_fread(f, buf, sizeof(buf))) > 0)
		strbuf_add(&sb, buf, (size_t)n);
	assert_true(n == 0);
	zip_fclose(f);
	zip_close(z);
	x = xmlReadMemory(sb.buf, (int)sb.len, part, NULL, XML_PARSE_NONET);
	assert_non_null(x);
	strbuf_release(&sb);
	return x;
}

/* The string value of an XPath expression over `x` (caller frees). */
static char *xpath(xmlDocPtr x, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(x);
	xmlXPathObjectPtr o;
	char *s;

	xmlXPathRegisterNs(ctx, BAD_CAST "c",
			   BAD_CAST "http://schemas.openxmlformats.org/drawingml/2006/chart");
	xmlXPathRegisterNs(ctx, BAD_CAST "s",
			   BAD_CAST "http://schemas.openxmlformats.org/spreadsheetml/2006/main");
	xmlXPathRegisterNs(ctx, BAD_CAST "rel",
			   BAD_CAST "http://schemas.openxmlformats.org/package/2006/relationships");
	xmlXPathRegisterNs(ctx, BAD_CAST "dc", BAD_CAST "http://purl.org/dc/elements/1.1/");
	o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	if (!o)
		fail_msg("bad XPath %s", expr);
	s = (char *)xmlXPathCastToString(o);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return s;
}

static void expect_xpath(xmlDocPtr x, const char *expr, const char *want)
{
	char *got = xpath(x, expr);

	if (strcmp(got, want))
		fail_msg("%s: got '%s', expected '%s'", expr, got, want);
	xmlFree(got);
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

static void test_parts(void **state)
{
	struct doc *d = sample();
	char *path = write_doc(d, "parts.xlsx");
	xmlDocPtr x;

	/* the chart: horizontal bars of the townships, the total left out */
	x = zip_xml(path, "xl/charts/chart1.xml");
	expect_xpath(x, "count(//c:barChart)", "1");
	expect_xpath(x, "string(//c:barChart/c:barDir/@val)", "bar");
	expect_xpath(x, "count(//c:ser)", "1");
	expect_xpath(x, "string(//c:ser/c:cat//c:f)", "'达标情况'!$A$3:$A$22");
	expect_xpath(x, "string(//c:ser/c:val//c:f)", "'达标情况'!$D$3:$D$22");
	expect_xpath(x, "string(//c:chart/c:title//*[local-name()='t'])", "各乡镇达标率图");
	expect_xpath(x, "string(//c:valAx/c:scaling/c:max/@val)", "1");
	expect_xpath(x, "string(//c:valAx/c:scaling/c:min/@val)", "0");
	expect_xpath(x, "string(//c:valAx/c:numFmt/@formatCode)", "0%");
	expect_xpath(x, "string(//c:valAx/c:title//*[local-name()='t'])", "达标率（%）");
	expect_xpath(x, "string(//c:ser/c:dLbls/c:showVal/@val)", "1");
	expect_xpath(x, "count(//c:legend)", "0");
	xmlFreeDoc(x);

	/* it sits in the townships' sheet */
	x = zip_xml(path, "xl/worksheets/_rels/sheet1.xml.rels");
	expect_xpath(x, "string(//rel:Relationship/@Target)", "../drawings/drawing1.xml");
	xmlFreeDoc(x);
	x = zip_xml(path, "xl/drawings/_rels/drawing1.xml.rels");
	expect_xpath(x, "string(//rel:Relationship/@Target)", "../charts/chart1.xml");
	xmlFreeDoc(x);

	/* the sheets: the given name, then 表N for an empty and a taken one */
	x = zip_xml(path, "xl/workbook.xml");
	expect_xpath(x, "count(//s:sheet)", "3");
	expect_xpath(x, "string(//s:sheet[1]/@name)", "达标情况");
	expect_xpath(x, "string(//s:sheet[2]/@name)", "表2");
	expect_xpath(x, "string(//s:sheet[3]/@name)", "表3");
	xmlFreeDoc(x);

	/* the caption merged over the four columns, frozen below the header */
	x = zip_xml(path, "xl/worksheets/sheet1.xml");
	expect_xpath(x, "string(//s:mergeCell/@ref)", "A1:D1");
	expect_xpath(x, "string(//s:pane/@ySplit)", "2");
	expect_xpath(x, "count(//s:c[@r='D8'])", "1");
	expect_xpath(x, "count(//s:c[@r='D8']/s:v)", "0");
	xmlFreeDoc(x);

	x = zip_xml(path, "docProps/core.xml");
	expect_xpath(x, "string(//dc:title)", "第8期 达标情况通报");
	expect_xpath(x, "string(//dc:creator)", "某区办公室");
	expect_xpath(x, "string(//dc:description)", "由11月的审计记录生成");
	xmlFreeDoc(x);

	doc_free(d);
	free(path);
}

static void test_cells(void **state)
{
	struct doc *d = sample();
	char *path = write_doc(d, "cells.xlsx");
	struct table_reader *r = NULL;
	struct strbuf err = STRBUF_INIT;

	if (table_reader_open(path, &r, &err))
		fail_msg("open: %s", err.buf);
	expect_row(r, 1, 1, "表1 各乡镇达标情况");
	expect_row(r, 2, 4, "乡镇（街道）", "户数", "达标户数", "达标率");
	expect_row(r, 3, 4, "城关镇", "100", "80", "0.857");
	expect_row(r, 4, 4, "东关街道", "101", "81", "0.52");
	/* the empty share is a blank cell: the row ends before it */
	expect_row(r, 8, 3, "青石镇", "0", "0");
	expect_row(r, 23, 4, "合计", "2085", "1705", "0.818");
	table_reader_free(r);
	strbuf_release(&err);
	doc_free(d);
	free(path);
}

static void test_no_tables(void **state)
{
	struct doc *d = doc_new("关于本月工作的说明");
	char *path;
	xmlDocPtr x;
	struct table_reader *r = NULL;
	struct strbuf err = STRBUF_INIT;

	doc_add(d, DOC_PARA, "本月无表格。");
	doc_add(d, DOC_PARA, "第二段。");
	path = write_doc(d, "note.xlsx");
	x = zip_xml(path, "xl/workbook.xml");
	expect_xpath(x, "count(//s:sheet)", "1");
	expect_xpath(x, "string(//s:sheet/@name)", "说明");
	xmlFreeDoc(x);
	x = zip_xml(path, "docProps/core.xml");
	expect_xpath(x, "string(//dc:title)", "关于本月工作的说明");
	xmlFreeDoc(x);
	if (table_reader_open(path, &r, &err))
		fail_msg("open: %s", err.buf);
	expect_row(r, 1, 1, "关于本月工作的说明");
	expect_row(r, 2, 1, "本月无表格。");
	expect_row(r, 3, 1, "第二段。");
	table_reader_free(r);
	strbuf_release(&err);
	doc_free(d);
	free(path);
}

/* Run argv, its output to a log; fail unless it exits 0, showing the log. */
static void run(char *const argv[])
{
	char *log = tpath("run.log");
	struct strbuf out = STRBUF_INIT;
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (!pid) {
		if (!freopen(log, "w", stdout) || dup2(fileno(stdout), 2) < 0)
			_exit(126);
		execvp(argv[0], argv);
		printf("cannot run %s\n", argv[0]);
		fflush(stdout);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		strbuf_read_file(&out, log);
		fail_msg("%s failed (status %d): %s", argv[0],
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1, out.buf);
	}
	free(log);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static char *pdf_text(const char *pdf)
{
	struct strbuf txt = STRBUF_INIT, sb = STRBUF_INIT;
	char *argv[] = { "pdftotext", "-enc", "UTF-8", NULL, NULL, NULL };

	strbuf_addf(&txt, "%s.txt", pdf);
	argv[3] = (char *)pdf;
	argv[4] = txt.buf;
	run(argv);
	if (strbuf_read_file(&sb, txt.buf))
		fail_msg("no text from %s", pdf);
	strbuf_release(&txt);
	return strbuf_detach(&sb, NULL);
}

/* LibreOffice opens both workbooks and prints them, chart and all. */
static void test_libreoffice(void **state)
{
	struct doc *d = sample(), *note = doc_new("关于本月工作的说明");
	char *a, *b, *profile = tpath("profile"), *outdir = tpath("pdf");
	char *pa = tpath("pdf/lo.pdf"), *pb = tpath("pdf/lonote.pdf");
	struct strbuf env = STRBUF_INIT;
	char *ta, *tb;

	doc_add(note, DOC_PARA, "本月无表格。");
	a = write_doc(d, "lo.xlsx");
	b = write_doc(note, "lonote.xlsx");
	strbuf_addf(&env, "-env:UserInstallation=file://%s", profile);
	{
		char *argv[] = { "soffice", env.buf, "--headless", "--convert-to", "pdf",
				 "--outdir", outdir, a, b, NULL };

		run(argv);
	}
	ta = pdf_text(pa);
	tb = pdf_text(pb);
	/* the table */
	assert_non_null(strstr(ta, "表1 各乡镇达标情况"));
	assert_non_null(strstr(ta, "城关镇"));
	assert_non_null(strstr(ta, "东关街道"));
	assert_non_null(strstr(ta, "未按期整改"));
	/* the chart: its title, every name on its axis (none skipped for
	 * want of room), and 85.7% twice, the cell and the bar's label */
	assert_non_null(strstr(ta, "各乡镇达标率图"));
	for (int i = 0; i < 20; i++)
		if (count(ta, towns[i]) < 2)
			fail_msg("%s %zu times in:\n%s", towns[i], count(ta, towns[i]), ta);
	if (count(ta, "85.7%") < 2)
		fail_msg("85.7%% %zu times in:\n%s", count(ta, "85.7%"), ta);
	/* the total's share is in the table, not in the chart */
	assert_int_equal(count(ta, "81.8%"), 1);
	assert_non_null(strstr(tb, "关于本月工作的说明"));
	assert_non_null(strstr(tb, "本月无表格。"));
	free(ta);
	free(tb);
	strbuf_release(&env);
	free(a);
	free(b);
	free(pa);
	free(pb);
	free(profile);
	free(outdir);
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
