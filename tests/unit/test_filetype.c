/*
 * test_filetype: the kind of a file decided by its bytes (io/filetype.c):
 * the magic numbers of JPEG, PNG and PDF, and for a ZIP the main part its
 * [Content_Types].xml declares (DOCX, XLSX); anything else, and a broken
 * ZIP, is no kind.  The ZIPs are written here with libzip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <zip.h>

#include "base/strbuf.h"
#include "io/filetype.h"

#define CT_HEAD "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
#define DOCX_CT CT_HEAD "<Override PartName=\"/word/document.xml\" ContentType=\"application/" \
	"vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>"
#define XLSX_CT CT_HEAD "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/" \
	"vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/></Types>"
#define DOCM_CT CT_HEAD "<Override PartName=\"/word/document.xml\" ContentType=\"application/" \
	"vnd.ms-word.document.macroEnabled.main+xml\"/></Types>"

/* A ZIP of one entry `name` holding `text`, into `out`. */
static void make_zip(const char *name, const char *text, struct strbuf *out)
{
	char path[] = "/tmp/sanling-ft-XXXXXX";
	int fd = mkstemp(path), err;
	zip_t *za;
	zip_source_t *src;

	assert_true(fd >= 0);
	close(fd);
	za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	assert_non_null(za);
	src = zip_source_buffer(za, text, strlen(text), 0);
	assert_non_null(src);
	assert_true(zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8) >= 0);
	assert_int_equal(zip_close(za), 0);
	strbuf_reset(out);
	assert_int_equal(strbuf_read_file(out, path), 0);
	unlink(path);
}

static const char *mime(const void *p, size_t n)
{
	const struct filetype *ft = filetype_sniff(p, n);
	return ft ? ft->mime : "none";
}

static void test_magic(void **state)
{
	static const unsigned char jpeg[] = { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F' };
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13 };

	(void)state;
	assert_string_equal(mime(jpeg, sizeof(jpeg)), "image/jpeg");
	assert_string_equal(filetype_sniff(jpeg, sizeof(jpeg))->ext, "jpg");
	assert_string_equal(mime(png, sizeof(png)), "image/png");
	assert_string_equal(mime("%PDF-1.4\n", 9), "application/pdf");
	/* too short, or close but not the signature */
	assert_string_equal(mime(png, 7), "none");
	assert_string_equal(mime("%PDF", 4), "none");
	assert_string_equal(mime("\xFF\xD8", 2), "none");
	assert_string_equal(mime("MZ\x90\0\3\0\0\0", 8), "none");
	assert_string_equal(mime("GIF89a", 6), "none");
	assert_string_equal(mime("", 0), "none");
	assert_string_equal(mime("<svg xmlns=\"http://www.w3.org/2000/svg\"/>", 41), "none");
}

static void test_office(void **state)
{
	struct strbuf z = STRBUF_INIT;

	(void)state;
	make_zip("[Content_Types].xml", DOCX_CT, &z);
	assert_string_equal(mime(z.buf, z.len),
			    "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
	assert_string_equal(filetype_sniff(z.buf, z.len)->ext, "docx");
	make_zip("[Content_Types].xml", XLSX_CT, &z);
	assert_string_equal(mime(z.buf, z.len),
			    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	/* a macro-enabled document, a ZIP without the part, a broken ZIP: none */
	make_zip("[Content_Types].xml", DOCM_CT, &z);
	assert_string_equal(mime(z.buf, z.len), "none");
	make_zip("word/document.xml", DOCX_CT, &z);
	assert_string_equal(mime(z.buf, z.len), "none");
	make_zip("[Content_Types].xml", XLSX_CT, &z);
	assert_string_equal(mime(z.buf, z.len / 2), "none");
	assert_string_equal(mime("PK\3\4garbage", 11), "none");
	strbuf_release(&z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_magic),
		cmocka_unit_test(test_office),
	};
	return cmocka_run_group_tests_name("filetype", tests, NULL, NULL);
}
