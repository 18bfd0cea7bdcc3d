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

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <zip.h>

#include "base/strbuf.h"
#include "doc/doc.h"

#define SENTENCE "截至8月底，淮阳区创建主体2201个，其中，村（社区）475个，符合创建标准的" \
	"407个，占比85.7%；企事业单位1726个，符合创建标准的1693个，占比98.1%。"
#define ESCAPES "标记<b>与&amp;和\"引号\"不是XML"
#define TITLE "淮阳区文明单位创建工作月报"

static char tmpdir[4096];

static int setup(void **state)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/test_docx-XXXXXX", base && *base ? base : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	struct strbuf cmd = STRBUF_INIT;
	int rc;

	strbuf_addf(&cmd, "rm -rf '%s'", tmpdir);
	rc = system(cmd.buf);
	strbuf_release(&cmd);
	return rc ? -1 : 0;
}

static const char *const towns[] = {
	"城关回族镇", "白楼镇", "朱集乡", "豆门乡", "冯塘乡", "刘振屯乡", "王店乡",
	"大连乡", "葛店乡", "黄集乡", "齐老乡", "郑集乡", "曹河乡", "四通镇",
	"临蔡镇", "安岭镇", "新站镇", "鲁台镇", "许湾乡", "东关街道",
};
#define NTOWNS (sizeof(towns) / sizeof(*towns))

/* The township table: name, villages, of them up to standard, the share. */
static struct doc_table *sample_table(struct doc *d)
{
	static const char *const header[] = { "乡镇（街道）", "村（社区）数", "符合创建标准数",
					      "占比" };
	struct doc_table *t = doc_table(d, "表1  各乡镇（街道）创建情况", "创建情况", 4, header);
	int64_t all = 0, ok = 0;
	size_t r;

	for (size_t i = 0; i < NTOWNS; i++) {
		/* the first town 35 of 41 = 85.4 %, …; the last has no villages */
		int64_t n = i + 1 < NTOWNS ? 20 + (int64_t)(i * 7) % 23 : 0;
		int64_t k = n - (int64_t)(i % 5);

		if (k < 0)
			k = 0;
		r = doc_row(t);
		doc_cell_text(t, r, 0, towns[i]);
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
	doc_add(d, DOC_PARA, "%s", SENTENCE);
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

static void write_docx(const struct doc *d, struct strbuf *out)
{
	struct strbuf err = STRBUF_INIT;

	if (doc_write_docx(d, out, &err))
		fail_msg("doc_write_docx: %s", err.buf);
	assert_true(out->len > 0);
	strbuf_release(&err);
}

/* Part `name` of the archive `za`, whole, into `sb`. */
static void read_part(zip_t *za, const char *name, struct strbuf *sb)
{
	zip_stat_t st;
	zip_file_t *zf;

	if (zip_stat(za, name, 0, &st))
		fail_msg("the archive has no %s", name);
	zf = zip_fopen(za, name, 0);
	assert_non_null(zf);
	strbuf_grow(sb, (size_t)st.size);
	assert_int_equal(zip_fread(zf, sb->buf, st.size), (zip_int64_t)st.size);
	strbuf_setlen(sb, (size_t)st.size);
	zip_fclose(zf);
}

static xmlDocPtr parse_part(zip_t *za, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	xmlDocPtr doc;

	read_part(za, name, &sb);
	doc = xmlReadMemory(sb.buf, (int)sb.len, name, NULL, XML_PARSE_NONET);
	if (!doc)
		fail_msg("%s is not well-formed XML", name);
	strbuf_release(&sb);
	return doc;
}

/* The string value of XPath `expr` in `doc` (w:, c:, a: and r: bound). */
static char *xpath(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o;
	char *s;

	xmlXPathRegisterNs(ctx, BAD_CAST "w",
			   BAD_CAST "http://schemas.openxmlformats.org/wordprocessingml/2006/main");
	xmlXPathRegisterNs(ctx, BAD_CAST "c",
			   BAD_CAST "http://schemas.openxmlformats.org/drawingml/2006/chart");
	xmlXPathRegisterNs(ctx, BAD_CAST "a",
			   BAD_CAST "http://schemas.openxmlformats.org/drawingml/2006/main");
	xmlXPathRegisterNs(ctx, BAD_CAST "ct",
			   BAD_CAST "http://schemas.openxmlformats.org/package/2006/content-types");
	xmlXPathRegisterNs(ctx, BAD_CAST "pr",
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

static void expect_xpath(xmlDocPtr doc, const char *expr, const char *want)
{
	char *got = xpath(doc, expr);

	if (strcmp(got, want))
		fail_msg("%s: \"%s\", expected \"%s\"", expr, got, want);
	xmlFree(got);
}

static zip_t *open_archive(const struct strbuf *data)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;

	zip_error_init(&ze);
	src = zip_source_buffer_create(data->buf, data->len, 0, &ze);
	assert_non_null(src);
	za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (!za)
		fail_msg("not a zip archive: %s", zip_error_strerror(&ze));
	zip_error_fini(&ze);
	return za;
}

static void test_parts(void **state)
{
	static const char *const parts[] = {
		"[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels",
		"word/styles.xml", "word/settings.xml", "word/fontTable.xml",
		"word/footer1.xml", "docProps/app.xml",
	};
	struct doc *d = sample_doc();
	struct strbuf out = STRBUF_INIT;
	zip_t *za;
	xmlDocPtr doc;

	write_docx(d, &out);
	za = open_archive(&out);
	for (size_t i = 0; i < sizeof(parts) / sizeof(*parts); i++)
		xmlFreeDoc(parse_part(za, parts[i]));
	/* the first entry names the package's content types */
	assert_string_equal(zip_get_name(za, 0, 0), "[Content_Types].xml");

	doc = parse_part(za, "word/document.xml");
	expect_xpath(doc, "count(//w:tbl)", "1");
	expect_xpath(doc, "//w:sectPr/w:pgSz/@w:w", "11906");
	expect_xpath(doc, "//w:sectPr/w:pgSz/@w:h", "16838");
	expect_xpath(doc, "//w:sectPr/w:pgMar/@w:top", "2098");
	expect_xpath(doc, "//w:sectPr/w:pgMar/@w:bottom", "1984");
	expect_xpath(doc, "//w:sectPr/w:pgMar/@w:left", "1587");
	expect_xpath(doc, "//w:sectPr/w:pgMar/@w:right", "1474");
	expect_xpath(doc, "//w:p[1]/w:pPr/w:pStyle/@w:val", "Title");
	expect_xpath(doc, "string(//w:p[1])", TITLE);
	expect_xpath(doc, "count(//w:p[w:pPr/w:pStyle/@w:val='Body'][.='" ESCAPES "'])", "1");
	expect_xpath(doc, "count(//w:p[.='第一行第二行']/w:r/w:br)", "1");
	/* header + 20 towns + the 示范片区 row + 合计 */
	expect_xpath(doc, "count(//w:tbl/w:tr)", "23");
	expect_xpath(doc, "count(//w:tbl/w:tr[w:trPr/w:tblHeader])", "1");
	expect_xpath(doc, "count(//w:tbl/w:tr[w:trPr/w:cantSplit])", "23");
	expect_xpath(doc, "count(//w:tbl/w:tblGrid/w:gridCol)", "4");
	expect_xpath(doc, "sum(//w:tbl/w:tblGrid/w:gridCol/@w:w)", "8845");
	expect_xpath(doc, "//w:tbl/w:tblPr/w:tblW/@w:w", "5000");
	expect_xpath(doc, "//w:tbl/w:tr[1]/w:tc[1]//w:b/../../w:t", "乡镇（街道）");
	expect_xpath(doc, "//w:tr[.='示范片区47540785.7%']/w:tc[4]/w:p/w:pPr/w:jc/@w:val",
		     "right");
	expect_xpath(doc, "//w:tr[.='示范片区47540785.7%']/w:tc[1]/w:p/w:pPr/w:jc/@w:val",
		     "left");
	expect_xpath(doc, "//w:tr[w:tc[1]='东关街道']/w:tc[4]", "—");
	expect_xpath(doc, "count(//w:tr[last()]/w:tc[w:p/w:r/w:rPr/w:b])", "4");
	expect_xpath(doc, "count(//w:tr[w:tc[1]='白楼镇']//w:b)", "0");
	expect_xpath(doc, "count(//w:p[w:pPr/w:pStyle/@w:val='Signature'])", "2");
	expect_xpath(doc, "string(//w:p[w:pPr/w:pStyle/@w:val='Note'])",
		     "本报告由系统根据审计数据生成。");
	expect_xpath(doc, "name(//w:drawing/*/*/*[local-name()='graphicData']/*)", "c:chart");
	xmlFreeDoc(doc);

	doc = parse_part(za, "word/charts/chart1.xml");
	expect_xpath(doc, "//c:barChart/c:barDir/@val", "bar");
	expect_xpath(doc, "//c:cat/c:strLit/c:ptCount/@val", "20");
	expect_xpath(doc, "//c:cat/c:strLit/c:pt[@idx='0']/c:v", "城关回族镇");
	expect_xpath(doc, "//c:val/c:numLit/c:pt[c:v='85.7']/@idx", "19");
	expect_xpath(doc, "string(/c:chartSpace/c:chart/c:title)", "图1  各乡镇（街道）达标率");
	xmlFreeDoc(doc);

	doc = parse_part(za, "[Content_Types].xml");
	expect_xpath(doc, "//ct:Override[@PartName='/word/charts/chart1.xml']/@ContentType",
		     "application/vnd.openxmlformats-officedocument.drawingml.chart+xml");
	xmlFreeDoc(doc);
	doc = parse_part(za, "word/_rels/document.xml.rels");
	expect_xpath(doc, "//pr:Relationship[@Id='rIdChart1']/@Target", "charts/chart1.xml");
	xmlFreeDoc(doc);
	doc = parse_part(za, "word/styles.xml");
	expect_xpath(doc, "//w:style[@w:styleId='Title']/w:rPr/w:rFonts/@w:eastAsia",
		     DOC_FONT_TITLE);
	expect_xpath(doc, "//w:style[@w:styleId='Title']/w:rPr/w:sz/@w:val", "44");
	expect_xpath(doc, "//w:style[@w:styleId='Heading1']/w:rPr/w:rFonts/@w:eastAsia",
		     DOC_FONT_HEADING1);
	expect_xpath(doc, "//w:style[@w:styleId='Body']/w:pPr/w:ind/@w:firstLineChars", "200");
	xmlFreeDoc(doc);
	doc = parse_part(za, "docProps/core.xml");
	expect_xpath(doc, "//dc:title", "2026年8月创建工作月报");
	expect_xpath(doc, "//dc:creator", "淮阳区文明办");
	expect_xpath(doc, "//dc:description", "审计链头 abc123 <生成>");
	xmlFreeDoc(doc);

	zip_close(za);
	strbuf_release(&out);
	doc_free(d);
}

/* A title alone, and an empty table: still a document. */
static void test_empty(void **state)
{
	struct doc *d = doc_new("只有标题");
	struct strbuf out = STRBUF_INIT;
	static const char *const header[] = { "名称", "数量" };
	zip_t *za;
	xmlDocPtr doc;

	write_docx(d, &out);
	za = open_archive(&out);
	doc = parse_part(za, "word/document.xml");
	expect_xpath(doc, "string(//w:body)", "只有标题");
	expect_xpath(doc, "count(//w:tbl)", "0");
	assert_int_equal(zip_name_locate(za, "word/charts/chart1.xml", 0), -1);
	xmlFreeDoc(doc);
	zip_close(za);
	strbuf_release(&out);

	doc_table(d, "空表", "空表", 2, header);
	write_docx(d, &out);
	za = open_archive(&out);
	doc = parse_part(za, "word/document.xml");
	expect_xpath(doc, "count(//w:tbl/w:tr)", "1");
	expect_xpath(doc, "count(//w:tbl/w:tr/w:tc)", "2");
	xmlFreeDoc(doc);
	zip_close(za);
	strbuf_release(&out);
	doc_free(d);
}

/* ---- through LibreOffice ---- */

static char *tpath(const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/%s", tmpdir, name);
	return strbuf_detach(&sb, NULL);
}

static void save_docx(const struct doc *d, const char *name)
{
	struct strbuf out = STRBUF_INIT;
	char *path = tpath(name);
	FILE *fp = fopen(path, "wb");

	write_docx(d, &out);
	assert_non_null(fp);
	assert_int_equal(fwrite(out.buf, 1, out.len, fp), out.len);
	assert_int_equal(fclose(fp), 0);
	strbuf_release(&out);
	free(path);
}

/* Run `cmd` (a shell command) and return its standard output. */
static void run(const char *cmd, struct strbuf *out)
{
	FILE *fp = popen(cmd, "r");
	char buf[4096];
	size_t n;

	assert_non_null(fp);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(out, buf, n);
	if (pclose(fp))
		fail_msg("failed: %s\n%s", cmd, out->buf);
}

/* `s` without whitespace: pdftotext breaks a paragraph into lines. */
static void squeeze(struct strbuf *s)
{
	size_t j = 0;

	for (size_t i = 0; i < s->len; i++)
		if (!strchr(" \t\r\n\f", s->buf[i]))
			s->buf[j++] = s->buf[i];
	strbuf_setlen(s, j);
}

static void expect_contains(const struct strbuf *s, const char *what, const char *where)
{
	if (!strstr(s->buf, what))
		fail_msg("%s lacks \"%s\":\n%s", where, what, s->buf);
}

static void read_text(const char *name, struct strbuf *sb)
{
	char *path = tpath(name);

	if (strbuf_read_file(sb, path))
		fail_msg("LibreOffice did not write %s", path);
	free(path);
}

/* pdfinfo's report `sb`: A4 pages, between `min` and `max` of them. */
static void expect_pdfinfo(const struct strbuf *sb, int min, int max)
{
	double w = 0, h = 0;
	int pages;

	expect_contains(sb, "Pages:", "pdfinfo");
	pages = atoi(strstr(sb->buf, "Pages:") + 6);
	if (pages < min || pages > max)
		fail_msg("%d pages, expected %d to %d", pages, min, max);
	expect_contains(sb, "Page size:", "pdfinfo");
	assert_int_equal(sscanf(strstr(sb->buf, "Page size:") + 10, "%lf x %lf", &w, &h), 2);
	if (w < 594.5 || w > 596 || h < 841.5 || h > 842.5)
		fail_msg("the page is %g x %g pt, not A4", w, h);
	expect_contains(sb, "pts (A4)", "pdfinfo");
}

static void test_libreoffice(void **state)
{
	struct doc *d = sample_doc(), *e = doc_new("只有标题");
	struct strbuf cmd = STRBUF_INIT, sb = STRBUF_INIT;

	save_docx(d, "sample.docx");
	save_docx(e, "empty.docx");
	strbuf_addstr(&cmd, "for p in soffice pdfinfo pdftotext; do command -v $p >/dev/null || "
		    "{ echo \"$p is not installed\"; exit 1; }; done");
	run(cmd.buf, &sb);
	strbuf_reset(&cmd);
	strbuf_addf(&cmd,
		    "cd '%s' && for f in 'txt:Text (encoded):UTF8' pdf; do "
		    "soffice -env:UserInstallation=file://%s/profile --headless "
		    "--convert-to \"$f\" --outdir . sample.docx empty.docx >/dev/null 2>&1 "
		    "|| exit 1; done",
		    tmpdir, tmpdir);
	run(cmd.buf, &sb);

	strbuf_reset(&sb);
	read_text("sample.txt", &sb);
	expect_contains(&sb, TITLE, "sample.txt");
	expect_contains(&sb, SENTENCE, "sample.txt");
	expect_contains(&sb, ESCAPES, "sample.txt");
	expect_contains(&sb, "示范片区", "sample.txt");
	expect_contains(&sb, "85.7%", "sample.txt");
	expect_contains(&sb, "东关街道", "sample.txt");
	expect_contains(&sb, "淮阳区文明办", "sample.txt");
	strbuf_reset(&sb);
	read_text("empty.txt", &sb);
	expect_contains(&sb, "只有标题", "empty.txt");

	strbuf_reset(&sb);
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "pdfinfo '%s/sample.pdf'", tmpdir);
	run(cmd.buf, &sb);
	expect_pdfinfo(&sb, 2, 10);

	strbuf_reset(&sb);
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "pdftotext -layout '%s/sample.pdf' -", tmpdir);
	run(cmd.buf, &sb);
	squeeze(&sb);
	expect_contains(&sb, SENTENCE, "sample.pdf");
	expect_contains(&sb, "示范片区47540785.7%", "sample.pdf");
	/* the chart is drawn with its title; the footer numbers the pages */
	expect_contains(&sb, "图1各乡镇（街道）达标率", "sample.pdf");
	expect_contains(&sb, "—1—", "sample.pdf");
	expect_contains(&sb, "—2—", "sample.pdf");

	strbuf_reset(&sb);
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "pdfinfo '%s/empty.pdf' && pdftotext '%s/empty.pdf' -", tmpdir, tmpdir);
	run(cmd.buf, &sb);
	expect_pdfinfo(&sb, 1, 1);
	expect_contains(&sb, "只有标题", "empty.pdf");

	strbuf_release(&sb);
	strbuf_release(&cmd);
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
