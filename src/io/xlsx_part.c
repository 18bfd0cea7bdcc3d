/*
 * xlsx_part.c: one XML part of an XLSX archive read as a stream (see
 * xlsx_int.h): inflated by libzip as libxml2's streaming reader asks for
 * bytes, counted against the archive's inflation budget; libxml2's errors,
 * which it reports through process-wide handlers, caught per thread and per
 * part; and OOXML's _xHHHH_ text escapes decoded.
 */
#include "io/xlsx_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/strbuf.h"

static int part_read(void *ctx, char *buf, int len)
{
	struct xml_part *p = ctx;
	zip_int64_t n;

	if (len <= 0)
		return 0;
	n = zip_fread(p->zf, buf, (zip_uint64_t)len);
	if (n < 0) {
		if (!p->err.len)
			strbuf_addf(&p->err, "cannot inflate %s: %s", p->name,
				    zip_file_strerror(p->zf));
		return -1;
	}
	p->x->inflated += (size_t)n;
	if (p->x->inflated > p->x->max_inflate) {
		p->x->over = 1;
		if (!p->err.len)
			strbuf_addf(&p->err, "工作簿解压后超过 %zu MiB（对这样大小"
				    "的文件而言过大，疑为压缩炸弹），拒绝读取",
				    p->x->max_inflate >> 20);
		return -1;
	}
	return (int)n;
}

#if LIBXML_VERSION >= 21200
static void part_xml_error(void *ctx, const xmlError *e)
#else
static void part_xml_error(void *ctx, xmlErrorPtr e)
#endif
{
	struct xml_part *p = ctx;
	size_t len;

	if (!e || e->level < XML_ERR_ERROR || p->err.len)
		return;
	strbuf_addf(&p->err, "%s is not well-formed XML (line %d): %s",
		    p->name, e->line, e->message ? e->message : "error");
	len = p->err.len;
	while (len && (p->err.buf[len - 1] == '\n' || p->err.buf[len - 1] == ' '))
		len--;
	strbuf_setlen(&p->err, len);
}

/*
 * Some libxml2 messages (bad encodings, I/O) bypass a reader's own error
 * handler and go to the thread's handlers, which print to stderr.  While
 * this module is at work (opening, table_reader_next()), the thread's
 * handlers are ours and file the message with the part being parsed; they
 * are put back afterwards.  libxml2 keeps these handlers per thread.
 */
#if LIBXML_VERSION >= 21200
static void thread_xml_error(void *ctx, const xmlError *e)
#else
static void thread_xml_error(void *ctx, xmlErrorPtr e)
#endif
{
	struct xlsx_in *x = ctx;

	if (x->cur_part)
		part_xml_error(x->cur_part, e);
}

static void thread_generic_error(void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void thread_generic_error(void *ctx, const char *fmt, ...)
{
	struct xlsx_in *x = ctx;
	struct xml_part *p = x->cur_part;
	va_list ap;
	size_t len;

	if (!p || p->err.len)
		return;
	strbuf_addf(&p->err, "%s cannot be parsed: ", p->name);
	va_start(ap, fmt);
	strbuf_vaddf(&p->err, fmt, ap);
	va_end(ap);
	len = p->err.len;
	while (len && (p->err.buf[len - 1] == '\n' || p->err.buf[len - 1] == ' '))
		len--;
	strbuf_setlen(&p->err, len);
}

void xp_guard_on(struct err_guard *g, struct xlsx_in *x)
{
	g->gfn = xmlGenericError;
	g->gctx = xmlGenericErrorContext;
	g->sfn = xmlStructuredError;
	g->sctx = xmlStructuredErrorContext;
	xmlSetGenericErrorFunc(x, thread_generic_error);
	xmlSetStructuredErrorFunc(x, thread_xml_error);
}

void xp_guard_off(const struct err_guard *g)
{
	xmlSetGenericErrorFunc(g->gctx, g->gfn);
	xmlSetStructuredErrorFunc(g->sctx, g->sfn);
}

zip_int64_t xp_locate(zip_t *za, const char *name)
{
	zip_int64_t idx = zip_name_locate(za, name, 0);

	if (idx < 0)
		idx = zip_name_locate(za, name, ZIP_FL_NOCASE);
	return idx;
}

/*
 * Open part `name` for parsing.  Returns 1 if opened, 0 if the archive has
 * no such part, -1 on error.
 */
int xp_open(struct xlsx_in *x, struct xml_part *p, const char *name,
		     struct strbuf *err)
{
	zip_int64_t idx;
	zip_stat_t st;

	memset(p, 0, sizeof(*p));
	p->x = x;
	x->cur_part = p;
	strbuf_init(&p->err, 0);
	idx = xp_locate(x->za, name);
	if (idx < 0)
		return 0;
	p->name = xstrdup(name);
	zip_stat_init(&st);
	if (zip_stat_index(x->za, (zip_uint64_t)idx, 0, &st) == 0 &&
	    (st.valid & ZIP_STAT_SIZE) && st.size > x->max_inflate) {
		x->over = 1;
		strbuf_addf(err, "%s 解压后超过 %zu MiB（对这样大小的文件而言"
			    "过大，疑为压缩炸弹），拒绝读取", name,
			    x->max_inflate >> 20);
		return -1;
	}
	p->zf = zip_fopen_index(x->za, (zip_uint64_t)idx, 0);
	if (!p->zf) {
		strbuf_addf(err, "cannot read %s: %s", name, zip_strerror(x->za));
		return -1;
	}
	p->xr = xmlReaderForIO(part_read, NULL, p, name, NULL,
			       XML_PARSE_NONET | XML_PARSE_COMPACT);
	if (!p->xr) {
		strbuf_addf(err, "cannot parse %s", name);
		return -1;
	}
	xmlTextReaderSetStructuredErrorHandler(p->xr, part_xml_error, p);
	return 1;
}

void xp_close(struct xml_part *p)
{
	if (p->x && p->x->cur_part == p)
		p->x->cur_part = NULL;
	if (p->xr)
		xmlFreeTextReader(p->xr);
	if (p->zf)
		zip_fclose(p->zf);
	free(p->name);
	strbuf_release(&p->err);
	memset(p, 0, sizeof(*p));
}

/*
 * Advance to the next node: 1, 0 at the end of the part, -1 on error.
 * libxml2 parses ahead of the node it hands out, so an error it reports is
 * acted on only when the reader gives up (or at the end), after the nodes
 * before it.  Callers hold an err_guard around their loops.
 */
int xp_step(struct xml_part *p, struct strbuf *err)
{
	int ret = xmlTextReaderRead(p->xr);

	if (ret > 0 &&
	    xmlTextReaderNodeType(p->xr) == XML_READER_TYPE_DOCUMENT_TYPE) {
		strbuf_addf(err, "%s has a DOCTYPE, which a workbook never has; "
			    "refused", p->name);
		return -1;
	}
	if (ret > 0)
		return 1;
	if (p->err.len) {
		strbuf_addbuf(err, &p->err);
		return -1;
	}
	if (ret < 0) {
		strbuf_addf(err, "%s is not well-formed XML", p->name);
		return -1;
	}
	return 0;
}

int xp_is_elem(xmlTextReaderPtr xr, const char *local)
{
	const xmlChar *n = xmlTextReaderConstLocalName(xr);

	return n && !strcmp((const char *)n, local);
}

/* The value of attribute `local` in any namespace (malloc'd) or NULL. */
char *xp_attr(xmlTextReaderPtr xr, const char *local)
{
	xmlChar *v = xmlTextReaderGetAttribute(xr, BAD_CAST local);
	char *s;

	if (!v)
		return NULL;
	s = xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

int xp_is_text_node(int type)
{
	return type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
	       type == XML_READER_TYPE_WHITESPACE ||
	       type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
}

/* Parse a decimal index; -1 if `s` is not one. */
int xp_parse_index(const char *s, size_t *out)
{
	size_t v = 0;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (((size_t)-1) - 9) / 10)
			return -1;
		v = v * 10 + (size_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/* ---- text: OOXML escapes ---- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The code of an "_xHHHH_" escape at s[0..len), or -1. */
static long escape_at(const char *s, size_t len)
{
	long v = 0;
	int i;

	if (len < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_')
		return -1;
	for (i = 2; i < 6; i++) {
		int h = hexval((unsigned char)s[i]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static void add_utf8(struct strbuf *sb, unsigned long cp)
{
	if (cp < 0x80) {
		strbuf_addch(sb, (int)cp);
	} else if (cp < 0x800) {
		strbuf_addch(sb, (int)(0xC0 | (cp >> 6)));
		strbuf_addch(sb, (int)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		strbuf_addch(sb, (int)(0xE0 | (cp >> 12)));
		strbuf_addch(sb, (int)(0x80 | ((cp >> 6) & 0x3F)));
		strbuf_addch(sb, (int)(0x80 | (cp & 0x3F)));
	} else {
		strbuf_addch(sb, (int)(0xF0 | (cp >> 18)));
		strbuf_addch(sb, (int)(0x80 | ((cp >> 12) & 0x3F)));
		strbuf_addch(sb, (int)(0x80 | ((cp >> 6) & 0x3F)));
		strbuf_addch(sb, (int)(0x80 | (cp & 0x3F)));
	}
}

/*
 * Append `len` bytes of string text to `out`, decoding OOXML's _xHHHH_
 * escapes (Excel writes control characters that way, and a literal "_x" as
 * "_x005F_x").  _x0000_ is dropped; a lone surrogate is kept as written.
 */
void xp_decode_text(struct strbuf *out, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		long cp = s[i] == '_' ? escape_at(s + i, len - i) : -1;

		if (cp < 0) {
			const char *u = memchr(s + i + 1, '_', len - i - 1);
			size_t run = u ? (size_t)(u - (s + i)) : len - i;

			strbuf_add(out, s + i, run);
			i += run;
			continue;
		}
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			long lo = escape_at(s + i + 7, len - i - 7);

			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				add_utf8(out, 0x10000 + (((unsigned long)cp - 0xD800) << 10) +
						 ((unsigned long)lo - 0xDC00));
				i += 14;
				continue;
			}
		}
		if (cp >= 0xD800 && cp <= 0xDFFF) {
			strbuf_addch(out, s[i++]);
			continue;
		}
		if (cp)
			add_utf8(out, (unsigned long)cp);
		i += 7;
	}
}

