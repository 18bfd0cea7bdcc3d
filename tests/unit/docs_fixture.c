/*
 * docs_fixture.c: what the unit tests of the document writers share (see
 * docs_fixture.h): the temporary directory, commands and LibreOffice run
 * in it, and the XML parts of a zip archive read with libzip and libxml2.
 * No sample document (each test builds its own), only the townships' names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "base/strbuf.h"

#include "docs_fixture.h"

const char *const fixture_towns[FIXTURE_NTOWNS] = {
	"城关回族镇", "白楼镇", "朱集乡", "豆门乡", "冯塘乡", "刘振屯乡", "王店乡",
	"大连乡", "葛店乡", "黄集乡", "齐老乡", "郑集乡", "曹河乡", "四通镇",
	"临蔡镇", "安岭镇", "新站镇", "鲁台镇", "许湾乡", "东关街道",
};

static char g_dir[4096];

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

int fixture_setup(const char *name)
{
	const char *base = getenv("TMPDIR");

	snprintf(g_dir, sizeof(g_dir), "%s/test_%s-XXXXXX", base && *base ? base : "/tmp", name);
	if (!mkdtemp(g_dir)) {
		perror("mkdtemp");
		return -1;
	}
	return 0;
}

int fixture_teardown(void)
{
	return nftw(g_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS) ? -1 : 0;
}

char *fixture_path(const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/%s", g_dir, name);
	return strbuf_detach(&sb, NULL);
}

char *fixture_save(const char *name, const void *data, size_t len)
{
	char *path = fixture_path(name);
	FILE *fp = fopen(path, "wb");

	if (!fp)
		fail_msg("cannot write %s", path);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	return path;
}

char *fixture_write(doc_writer writer, const struct doc *d, const char *name,
		    const char *magic, size_t min_len)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	char *path;

	if (writer(d, &out, &err))
		fail_msg("writing %s: %s", name, err.buf);
	if (out.len <= min_len)
		fail_msg("%s: %zu bytes, expected more than %zu", name, out.len, min_len);
	if (out.len < strlen(magic) || memcmp(out.buf, magic, strlen(magic)))
		fail_msg("%s does not begin with \"%s\"", name, magic);
	path = fixture_save(name, out.buf, out.len);
	strbuf_release(&out);
	strbuf_release(&err);
	return path;
}

char *fixture_run(const char *fmt, ...)
{
	struct strbuf cmd = STRBUF_INIT, out = STRBUF_INIT;
	va_list ap;
	FILE *fp;
	char buf[4096];
	size_t n;
	int status;

	va_start(ap, fmt);
	strbuf_vaddf(&cmd, fmt, ap);
	va_end(ap);
	fp = popen(cmd.buf, "r");
	if (!fp)
		fail_msg("cannot run %s", cmd.buf);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(&out, buf, n);
	status = pclose(fp);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status))
		fail_msg("%s: exit status %d (is the tool installed?)\n%s", cmd.buf,
			 status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1, out.buf);
	strbuf_release(&cmd);
	return strbuf_detach(&out, NULL);
}

void fixture_soffice(const char *to, const char *files)
{
	free(fixture_run("cd '%s' || exit 1; command -v soffice >/dev/null "
			 "|| { echo 'soffice is not installed'; exit 1; }; "
			 "soffice -env:UserInstallation=file://%s/profile --headless "
			 "--convert-to '%s' --outdir . %s 2>&1",
			 g_dir, g_dir, to, files));
}

char *fixture_strip(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			strbuf_addch(&sb, *s);
	return strbuf_detach(&sb, NULL);
}

void fixture_expect_in(const char *text, const char *needle)
{
	if (!strstr(text, needle))
		fail_msg("\"%s\" not in the text:\n%s", needle, text);
}

zip_t *fixture_zip_open(const char *path)
{
	int ze = 0;
	zip_t *za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &ze);

	if (!za)
		fail_msg("%s: not a zip archive (libzip error %d)", path, ze);
	return za;
}

xmlDocPtr fixture_zip_xml(zip_t *za, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	zip_stat_t st;
	zip_file_t *zf;
	xmlDocPtr x;

	if (zip_stat(za, name, 0, &st))
		fail_msg("the archive has no %s", name);
	zf = zip_fopen(za, name, 0);
	assert_non_null(zf);
	strbuf_grow(&sb, (size_t)st.size);
	assert_int_equal(zip_fread(zf, sb.buf, st.size), (zip_int64_t)st.size);
	strbuf_setlen(&sb, (size_t)st.size);
	zip_fclose(zf);
	x = xmlReadMemory(sb.buf, (int)sb.len, name, NULL, XML_PARSE_NONET);
	if (!x)
		fail_msg("%s is not well-formed XML", name);
	strbuf_release(&sb);
	return x;
}

static const char *const namespaces[][2] = {
	{ "w", "http://schemas.openxmlformats.org/wordprocessingml/2006/main" },
	{ "s", "http://schemas.openxmlformats.org/spreadsheetml/2006/main" },
	{ "c", "http://schemas.openxmlformats.org/drawingml/2006/chart" },
	{ "a", "http://schemas.openxmlformats.org/drawingml/2006/main" },
	{ "ct", "http://schemas.openxmlformats.org/package/2006/content-types" },
	{ "pr", "http://schemas.openxmlformats.org/package/2006/relationships" },
	{ "rel", "http://schemas.openxmlformats.org/package/2006/relationships" },
	{ "dc", "http://purl.org/dc/elements/1.1/" },
};

void fixture_expect_xpath(xmlDocPtr x, const char *expr, const char *want)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(x);
	xmlXPathObjectPtr o;
	char *got;

	for (size_t i = 0; i < FIXTURE_NELEM(namespaces); i++)
		xmlXPathRegisterNs(ctx, BAD_CAST namespaces[i][0], BAD_CAST namespaces[i][1]);
	o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	if (!o)
		fail_msg("bad XPath %s", expr);
	got = (char *)xmlXPathCastToString(o);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	if (strcmp(got, want))
		fail_msg("%s: \"%s\", expected \"%s\"", expr, got, want);
	xmlFree(got);
}

void fixture_expect_parts(zip_t *za, const struct fixture_xpath *checks, size_t n)
{
	xmlDocPtr x = NULL;

	for (size_t i = 0; i < n; i++) {
		if (!i || strcmp(checks[i].part, checks[i - 1].part)) {
			xmlFreeDoc(x);
			x = fixture_zip_xml(za, checks[i].part);
		}
		fixture_expect_xpath(x, checks[i].expr, checks[i].want);
	}
	xmlFreeDoc(x);
}
