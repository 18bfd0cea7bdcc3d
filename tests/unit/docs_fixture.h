/*
 * docs_fixture.h: what the unit tests of the document writers (test_docx,
 * test_pdf, test_xlsx_doc) share -- a temporary directory for the files they
 * write, a shell command's output, LibreOffice run headless on a private
 * profile, the XML parts of a zip archive (DOCX, XLSX) and XPath over them
 * -- and what their sample documents have in common: the report's opening
 * sentence and the district's twenty townships.  test_table uses the
 * temporary directory too.  Each sample document stays in its own test:
 * they differ on purpose (columns, figures, rows; test_xlsx_doc's district
 * is another).
 *
 * Linked into every build/tests/test_* (Makefile); not a test of its own.
 * A failure here fails the running test (cmocka), with what went wrong.
 */
#ifndef SANLING_TEST_DOCS_FIXTURE_H
#define SANLING_TEST_DOCS_FIXTURE_H

#include <stddef.h>

#include <libxml/tree.h>
#include <zip.h>

#include "doc/doc.h"

struct strbuf;

/* The opening sentence of the report the samples are modelled on. */
#define FIXTURE_OPENING "截至8月底，淮阳区创建主体2201个，其中，村（社区）475个，" \
	"符合创建标准的407个，占比85.7%；企事业单位1726个，符合创建标准的1693个，占比98.1%。"

/*
 * The twenty townships of the samples' district (淮阳区), in the order of
 * their rows; FIXTURE_NTOWNS of them.  The last is the 街道.
 */
#define FIXTURE_NTOWNS 20
extern const char *const fixture_towns[FIXTURE_NTOWNS];

/*
 * Make the directory $TMPDIR/test_NAME-XXXXXX (/tmp without TMPDIR): a
 * group's setup.  0, or -1 with a message on stderr.
 */
int fixture_setup(const char *name);

/* Remove the directory and all in it: a group's teardown.  0, or -1. */
int fixture_teardown(void);

/* The path of `name` in the directory (a fresh string; the caller frees). */
char *fixture_path(const char *name);

/* Write `len` bytes of `data` to the file `name` in the directory; its path. */
char *fixture_save(const char *name, const void *data, size_t len);

/*
 * Write `d` with `writer` to the file `name` in the directory; its path.
 * The output must begin with `magic` and be longer than `min_len` bytes.
 */
char *fixture_write(doc_writer writer, const struct doc *d, const char *name,
		    const char *magic, size_t min_len);

/*
 * Run the shell command made of `fmt` (printf-style); its standard output
 * (the caller frees).  The command must end with status 0: a missing tool
 * (status 127) fails the test, as any other failure does.
 */
char *fixture_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Convert `files` (names in the directory, separated by spaces) with
 * LibreOffice headless to the format `to` (an argument of --convert-to),
 * in ONE run with a private profile in the directory; the outputs land in
 * the directory.  Without soffice the test fails.
 */
void fixture_soffice(const char *to, const char *files);

/* `s` without any whitespace (pdftotext breaks and pads lines); the caller frees. */
char *fixture_strip(const char *s);

/* Fail unless `needle` is in `text`, showing the text. */
void fixture_expect_in(const char *text, const char *needle);

/* The zip archive at `path`, opened read-only and checked; the caller closes it. */
zip_t *fixture_zip_open(const char *path);

/* The part `name` of `za`, parsed; it must be there and be well-formed XML. */
xmlDocPtr fixture_zip_xml(zip_t *za, const char *name);

/*
 * Fail unless the string value of the XPath `expr` over `x` is `want`.  The
 * prefixes bound: w (WordprocessingML), s (SpreadsheetML), c (charts),
 * a (DrawingML), ct (content types), pr and rel (relationships), dc.
 */
void fixture_expect_xpath(xmlDocPtr x, const char *expr, const char *want);

/* One check of fixture_expect_parts(): XPath `expr` over `part` gives `want`. */
struct fixture_xpath {
	const char *part, *expr, *want;
};

/* Each of `n` checks in turn, each part parsed once for its run of checks. */
void fixture_expect_parts(zip_t *za, const struct fixture_xpath *checks, size_t n);

#define FIXTURE_NELEM(a) (sizeof(a) / sizeof((a)[0]))

#endif
