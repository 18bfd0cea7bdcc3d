/*
 * test_pdf: unit tests of the PDF writer (src/doc/pdf.c).
 *
 * Builds documents with doc.h's API, writes them into a fresh temporary
 * directory and reads them back through poppler's tools: pdftotext (the
 * text, page by page), pdfinfo (the page size, the count, the title),
 * pdffonts (the fonts embedded) and pdftoppm (page 1 drawn, not blank).
 * The tools must be installed: a missing one fails the test.  Not a
 * benchmark, nor a check of the layout's looks.  The directory and the
 * commands are docs_fixture.h's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>

#include "base/strbuf.h"
#include "doc/doc.h"

#include "docs_fixture.h"

static int setup(void **state)
{
	return fixture_setup("pdf");
}

static int teardown(void **state)
{
	return fixture_teardown();
}

/* Write `d` as PDF into the temporary directory as `name`; its path. */
static char *write_pdf(const struct doc *d, const char *name)
{
	return fixture_write(doc_write_pdf, d, name, "%PDF-", 1000);
}

/* `s` with each run of whitespace as one space. */
static char *squeeze(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	for (; *s; s++) {
		if (!isspace((unsigned char)*s))
			strbuf_addch(&sb, *s);
		else if (sb.len && sb.buf[sb.len - 1] != ' ')
			strbuf_addch(&sb, ' ');
	}
	return strbuf_detach(&sb, NULL);
}

/* pdftotext's text of `path` (with the options `opts`), whitespace removed. */
static char *flat_text(const char *path, const char *opts)
{
	char *raw = fixture_run("pdftotext %s '%s' -", opts, path);
	char *s = fixture_strip(raw);

	free(raw);
	return s;
}

/* The text of page `page` (from 1), whitespace removed. */
static char *page_text(const char *path, int page)
{
	char opts[64];

	snprintf(opts, sizeof(opts), "-layout -f %d -l %d", page, page);
	return flat_text(path, opts);
}

static int info_int(const char *info, const char *key)
{
	const char *p = strstr(info, key);

	if (!p)
		fail_msg("no %s in pdfinfo's output:\n%s", key, info);
	return atoi(p + strlen(key));
}

/* The township table: 20 rows, a long remark, empty shares, a total row. */
static struct doc_table *township_table(struct doc *d)
{
	static const char *const header[] = { "乡镇（街道）", "创建主体数", "达标数", "达标率",
					      "企事业单位数", "单位达标数", "单位达标率", "备注" };
	struct doc_table *t = doc_table(d, "表1　各乡镇（街道）文明创建情况", "各乡镇", 8, header);
	int64_t sum[6] = { 0 };

	for (size_t i = 0; i < FIXTURE_NTOWNS; i++) {
		size_t r = doc_row(t);
		int64_t n = 20 + (int64_t)i * 3, ok = n - (int64_t)(i % 7) * 2;
		int64_t u = i == 5 ? 0 : 60 + (int64_t)i * 5, uok = u ? u - (int64_t)(i % 3) : 0;

		doc_cell_text(t, r, 0, fixture_towns[i]);
		doc_cell_int(t, r, 1, n);
		doc_cell_int(t, r, 2, ok);
		doc_cell_percent(t, r, 3, ok * 1000 / n, 1);
		doc_cell_int(t, r, 4, u);
		doc_cell_int(t, r, 5, uok);
		doc_cell_percent(t, r, 6, u ? uok * 1000 / u : 0, u != 0);
		if (i == 3)
			doc_cell_text(t, r, 7, "该乡镇本月新增创建主体较多，其中部分村（社区）的材料尚在审核"
					       "之中，审核完成后将在下月的通报中一并更新，特此说明。");
		else if (i % 4 == 1)
			doc_cell_text(t, r, 7, "已整改");
		sum[0] += n, sum[1] += ok, sum[2] += u, sum[3] += uok;
	}
	{
		size_t r = doc_row(t);

		doc_cell_text(t, r, 0, "合计");
		doc_cell_int(t, r, 1, sum[0]);
		doc_cell_int(t, r, 2, sum[1]);
		doc_cell_percent(t, r, 3, sum[1] * 1000 / sum[0], 1);
		doc_cell_int(t, r, 4, sum[2]);
		doc_cell_int(t, r, 5, sum[3]);
		doc_cell_percent(t, r, 6, sum[3] * 1000 / sum[2], 1);
		t->total_row = 1;
	}
	return t;
}

static struct doc *sample(void)
{
	struct doc *d = doc_new("淮阳区2026年8月文明单位创建工作情况通报");
	struct doc_table *t;

	doc_set_meta(d, "淮阳区文明创建月报（2026年8月）", "淮阳区文明办",
		     "三零生成；审计链 0f3a9c");
	doc_add(d, DOC_SUBTITLE, "第%d期", 8);
	doc_add(d, DOC_SUBTITLE, "淮阳区精神文明建设委员会办公室　　2026年9月2日");
	doc_add(d, DOC_HEADING1, "一、总体情况");
	doc_add(d, DOC_PARA, "%s", FIXTURE_OPENING);
	for (int i = 0; i < 6; i++)
		doc_add(d, DOC_PARA,
			"第%d项：各乡镇（街道）按照区文明委的统一部署，对照创建标准逐项自查，"
			"对发现的问题建立台账、限期整改，做到问题不解决不销号、整改不到位不放过。"
			"区文明办采取明查与暗访相结合的方式，对整改情况进行了复核。",
			i + 1);
	doc_add(d, DOC_HEADING2, "（一）各乡镇（街道）情况");
	t = township_table(d);
	doc_chart(d, "图1　各乡镇（街道）创建主体达标率", "达标率（%）", 850, t, 0, 3);
	doc_add(d, DOC_HEADING1, "二、下步工作");
	doc_add(d, DOC_PARA, "未达到目标的乡镇（街道）要认真分析原因，于9月15日前报送整改方案。");
	doc_add(d, DOC_SIGNATURE, "淮阳区文明办\n2026年9月2日");
	doc_add(d, DOC_NOTE, "本通报由三零系统根据8月的填报数据生成。");
	return d;
}

/* The sample written as PDF into the temporary directory as `name`; its path. */
static char *sample_pdf(const char *name)
{
	struct doc *d = sample();
	char *path = write_pdf(d, name);

	doc_free(d);
	return path;
}

static void test_sample_text(void **state)
{
	static const char *const in_text[] = {
		"淮阳区2026年8月文明单位创建工作情况通报", "刘振屯乡", "85.7%", "目标85%",
		"淮阳区文明办",
	};
	char *path = sample_pdf("sample.pdf");
	char *raw = fixture_run("pdftotext -layout '%s' -", path);
	char *flat = fixture_strip(raw), *spaced = squeeze(raw);
	char *opening = fixture_strip(FIXTURE_OPENING);

	fixture_expect_in(flat, opening);
	for (size_t i = 0; i < FIXTURE_NELEM(in_text); i++)
		fixture_expect_in(flat, in_text[i]);
	fixture_expect_in(spaced, "— 1 —");
	fixture_expect_in(spaced, "— 2 —");
	free(raw);
	free(flat);
	free(spaced);
	free(opening);
	free(path);
}

/* The table crosses a page: the header is repeated, the total row comes after the break. */
static void test_sample_table_pages(void **state)
{
	char *path = sample_pdf("table.pdf");
	char *info = fixture_run("pdfinfo '%s'", path);
	int pages = info_int(info, "Pages:"), first = 0, total = 0;

	for (int pg = 1; pg <= pages; pg++) {
		char *s = page_text(path, pg);

		if (!first && strstr(s, fixture_towns[0]))
			first = pg;
		if (strstr(s, "合计"))
			total = pg;
		if (first && pg >= first && (!total || pg <= total))
			fixture_expect_in(s, "备注"); /* the header, repeated */
		free(s);
	}
	assert_true(first > 0);
	assert_true(total > first);
	free(info);
	free(path);
}

/*
 * pdffonts' faces of `path`, each embedded (else the test fails), counted:
 * Sanling's cuts (scripts/fonts.py) of the serif and of the sans face, and
 * the whole Noto CJK faces.
 */
struct faces {
	int serif, sans, whole;
};

static struct faces embedded_faces(const char *path)
{
	char *fonts = fixture_run("pdffonts '%s'", path);
	struct faces fc = { 0 };
	char *line, *save = NULL;

	for (line = strtok_r(fonts, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[16];
		int n = 0;

		for (char *tok = strtok(line, " "); tok && n < 16; tok = strtok(NULL, " "))
			f[n++] = tok;
		if (n < 6 || (!strstr(f[0], "CJK") && !strstr(f[0], "Sanling")))
			continue;
		/* name type… encoding emb sub uni object-id generation */
		if (strcmp(f[n - 5], "yes"))
			fail_msg("%s not embedded", f[0]);
		fc.serif += strstr(f[0], "SanlingSerifSC") != NULL;
		fc.sans += strstr(f[0], "SanlingSansSC") != NULL;
		fc.whole += strstr(f[0], "CJK") != NULL;
	}
	free(fonts);
	return fc;
}

static void test_sample_info_fonts(void **state)
{
	char *path = sample_pdf("info.pdf");
	char *info = fixture_run("pdfinfo '%s'", path);
	struct faces fc = embedded_faces(path);

	if (!strstr(info, "595.28 x 841.89 pts") && !strstr(info, "595 x 842 pts"))
		fail_msg("not A4:\n%s", info);
	assert_true(info_int(info, "Pages:") >= 2);
	fixture_expect_in(info, "淮阳区文明创建月报（2026年8月）");
	fixture_expect_in(info, "淮阳区文明办");
	assert_int_equal(fc.serif, 2); /* regular and bold */
	assert_int_equal(fc.sans, 1);  /* the 一、 headings */
	assert_int_equal(fc.whole, 0); /* every character is in the cuts */
	free(info);
	free(path);
}

/*
 * A character outside GB 2312 (堃, of a name) is drawn from the whole face
 * the cut lacks it in, and reads back.
 */
static void test_rare_character(void **state)
{
	struct doc *d = doc_new("生僻字");
	char *path, *flat;
	struct faces fc;

	doc_add(d, DOC_PARA, "经办人：张堃，联系人：李明。");
	path = write_pdf(d, "rare.pdf");
	flat = flat_text(path, "");
	fc = embedded_faces(path);
	fixture_expect_in(flat, "经办人：张堃，联系人：李明。");
	assert_true(fc.serif >= 1);
	assert_int_equal(fc.whole, 1);
	free(flat);
	free(path);
	doc_free(d);
}

/* Page 1 drawn at 40 dpi has ink on it. */
static void test_sample_renders(void **state)
{
	char *path = sample_pdf("render.pdf"), *prefix = fixture_path("page1");
	char *png = fixture_path("page1.png");
	char *out = fixture_run("pdftoppm -f 1 -l 1 -png -r 40 -singlefile '%s' '%s'", path, prefix);
	cairo_surface_t *img = cairo_image_surface_create_from_png(png);
	int w, h, stride, ink = 0;
	unsigned char *px;

	assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
	w = cairo_image_surface_get_width(img);
	h = cairo_image_surface_get_height(img);
	assert_in_range(w, 320, 340); /* 8.27 in at 40 dpi */
	assert_in_range(h, 460, 475);
	stride = cairo_image_surface_get_stride(img);
	px = cairo_image_surface_get_data(img);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			ink += (*(uint32_t *)(px + y * stride + x * 4) & 0xffffff) != 0xffffff;
	assert_true(ink > 2000);
	cairo_surface_destroy(img);
	free(out);
	free(png);
	free(prefix);
	free(path);
}

static void test_empty_document(void **state)
{
	struct doc *d = doc_new("只有标题的文档");
	char *path = write_pdf(d, "empty.pdf");
	char *info = fixture_run("pdfinfo '%s'", path), *flat = flat_text(path, "");

	assert_int_equal(info_int(info, "Pages:"), 1);
	fixture_expect_in(info, "只有标题的文档"); /* the title stands for the file's title */
	fixture_expect_in(flat, "只有标题的文档");
	fixture_expect_in(flat, "—1—");
	free(info);
	free(flat);
	free(path);
	doc_free(d);
}

/* A table of a header only, one of a cell longer than a page, a chart of no bars. */
static void test_edge_tables(void **state)
{
	static const char *const header[] = { "名称", "说明" };
	struct doc *d = doc_new("边界");
	struct doc_table *empty = doc_table(d, "空表", "空", 2, header);
	struct doc_table *t = doc_table(d, "长表", "长", 2, header);
	struct strbuf lng = STRBUF_INIT;
	size_t r;
	char *path, *flat, *info;

	for (int i = 0; i < 400; i++)
		strbuf_addstr(&lng, "很长的说明文字");
	r = doc_row(t);
	doc_cell_text(t, r, 0, "甲");
	doc_cell_text(t, r, 1, lng.buf);
	r = doc_row(t);
	doc_cell_text(t, r, 0, "乙单位");
	doc_cell_text(t, r, 1, "短");
	doc_chart(d, "无数据", "达标率（%）", -1, empty, 0, 1);
	path = write_pdf(d, "edge.pdf");
	flat = flat_text(path, "");
	info = fixture_run("pdfinfo '%s'", path);
	fixture_expect_in(flat, "空表");
	fixture_expect_in(flat, "乙单位");
	fixture_expect_in(flat, "很长的说明文字");
	fixture_expect_in(flat, "无数据");
	assert_null(strstr(flat, "目标")); /* no target line */
	assert_in_range(info_int(info, "Pages:"), 1, 4);
	strbuf_release(&lng);
	free(flat);
	free(info);
	free(path);
	doc_free(d);
}

struct job {
	const struct doc *d;
	struct strbuf out;
	int rc;
};

static void *write_job(void *arg)
{
	struct job *j = arg;
	struct strbuf err = STRBUF_INIT;

	j->rc = doc_write_pdf(j->d, &j->out, &err);
	strbuf_release(&err);
	return NULL;
}

/* Four threads write at once; each file is whole. */
static void test_threads(void **state)
{
	struct doc *d = sample();
	struct job jobs[4];
	pthread_t th[4];

	for (int i = 0; i < 4; i++) {
		jobs[i].d = d;
		strbuf_init(&jobs[i].out, 0);
		jobs[i].rc = -1;
		assert_int_equal(pthread_create(&th[i], NULL, write_job, &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	for (int i = 0; i < 4; i++) {
		char name[32], *path, *flat;

		assert_int_equal(jobs[i].rc, 0);
		snprintf(name, sizeof(name), "thread%d.pdf", i);
		path = fixture_save(name, jobs[i].out.buf, jobs[i].out.len);
		flat = flat_text(path, "");
		fixture_expect_in(flat, "刘振屯乡");
		fixture_expect_in(flat, "85.7%");
		free(flat);
		free(path);
		strbuf_release(&jobs[i].out);
	}
	doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_text),
		cmocka_unit_test(test_sample_table_pages),
		cmocka_unit_test(test_sample_info_fonts),
		cmocka_unit_test(test_rare_character),
		cmocka_unit_test(test_sample_renders),
		cmocka_unit_test(test_empty_document),
		cmocka_unit_test(test_edge_tables),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
