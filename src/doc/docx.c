/*
 * docx.c: a document (doc.h) as a Word file, in the layout of a 公文
 * (GB/T 9704: A4, margins 37/35/28/26 mm, 三号 body on 22 lines a page,
 * "— N —" page numbers).
 *
 * The parts that do not depend on the document are template files
 * (src/doc/templates/docx, compiled into doc_templates[]) copied as they
 * are: the styles, settings, fonts, footer and package relationships.  An
 * office may edit them, styles.xml above all; the paragraph styles this
 * file names (Title, Subtitle, Heading1, Heading2, Body, Signature, Note,
 * Caption, Figure, TableText) must stay.  Two of them get an entry per
 * chart added ([Content_Types].xml, word/_rels/document.xml.rels).  The
 * rest — word/document.xml, a native bar chart per DOC_CHART
 * (word/charts/chartN.xml, its data as literals: no embedded workbook)
 * and docProps/core.xml — is written with libxml2's text writer, which
 * does the escaping.  The archive is built in memory by libzip.
 *
 * Not here: the chart's target line (a horizontal bar chart has no
 * place for one without a second chart type), images, numbering.
 */
#include "doc/doc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include <zip.h>

#include "base/alloc.h"
#include "base/embed.h"
#include "base/strbuf.h"

#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_WP "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
#define NS_A "http://schemas.openxmlformats.org/drawingml/2006/main"
#define NS_C "http://schemas.openxmlformats.org/drawingml/2006/chart"
#define REL_CHART NS_R "/chart"
#define CT_CHART "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"

/* The page in twips (1/20 pt; 1 mm = 56.7): A4, GB/T 9704's margins. */
#define PAGE_W 11906
#define PAGE_H 16838
#define MARGIN_TOP 2098    /* 37 mm */
#define MARGIN_BOTTOM 1984 /* 35 mm */
#define MARGIN_LEFT 1587   /* 28 mm */
#define MARGIN_RIGHT 1474  /* 26 mm */
#define FOOTER_DIST 1247   /* 22 mm: the number's top 7 mm under the text */
#define TEXT_W (PAGE_W - MARGIN_LEFT - MARGIN_RIGHT)
#define TEXT_H (PAGE_H - MARGIN_TOP - MARGIN_BOTTOM)
#define EMU_PER_TWIP 635
/* The footers' relationships in the template word/_rels/document.xml.rels: odd and even pages. */
#define FOOTER_RID "rId4"
#define FOOTER_EVEN_RID "rId5"

/* ---- an XML part through libxml2's text writer ---- */

struct xw {
	xmlBufferPtr buf;
	xmlTextWriterPtr w;
	int failed; /* a writer call failed: the part is lost */
};

static void xw_check(struct xw *x, int rc)
{
	if (rc < 0)
		x->failed = 1;
}

static void xw_open(struct xw *x)
{
	x->buf = xmlBufferCreate();
	x->w = x->buf ? xmlNewTextWriterMemory(x->buf, 0) : NULL;
	x->failed = !x->w;
	if (x->w)
		xw_check(x, xmlTextWriterStartDocument(x->w, NULL, "UTF-8", "yes"));
}

static void start(struct xw *x, const char *el)
{
	if (!x->failed)
		xw_check(x, xmlTextWriterStartElement(x->w, BAD_CAST el));
}

static void end(struct xw *x)
{
	if (!x->failed)
		xw_check(x, xmlTextWriterEndElement(x->w));
}

static void attr(struct xw *x, const char *name, const char *value)
{
	if (!x->failed)
		xw_check(x, xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST value));
}

static void attrf(struct xw *x, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void attrf(struct xw *x, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!x->failed)
		xw_check(x, xmlTextWriterWriteVFormatAttribute(x->w, BAD_CAST name, fmt, ap));
	va_end(ap);
}

static void text(struct xw *x, const char *s)
{
	if (!x->failed)
		xw_check(x, xmlTextWriterWriteString(x->w, BAD_CAST s));
}

/* <el/>, or <el name="value"/> when name is not NULL. */
static void empty(struct xw *x, const char *el, const char *name, const char *value)
{
	start(x, el);
	if (name)
		attr(x, name, value);
	end(x);
}

/* <el val="N"/>: the shape of most of DrawingML's chart elements. */
static void val(struct xw *x, const char *el, long long n)
{
	start(x, el);
	attrf(x, "val", "%lld", n);
	end(x);
}

/* Finish the part: its bytes, malloc'ed, in *data; -1 if a call failed. */
static int xw_close(struct xw *x, char **data, size_t *len)
{
	int rc = -1;

	if (x->w && !x->failed && xmlTextWriterEndDocument(x->w) >= 0) {
		xmlFreeTextWriter(x->w);
		x->w = NULL;
		*len = (size_t)xmlBufferLength(x->buf);
		*data = xmalloc(*len + 1);
		memcpy(*data, xmlBufferContent(x->buf), *len);
		rc = 0;
	}
	if (x->w)
		xmlFreeTextWriter(x->w);
	if (x->buf)
		xmlBufferFree(x->buf);
	return rc;
}

/* ---- the archive ---- */

struct docx {
	zip_t *z;
	struct strbuf *err;
	int ncharts; /* charts in the document */
	int chart;   /* charts written so far */
};

/* Add part `name` (bytes `data`, malloc'ed if `owned`: libzip frees them). */
static int add_part(struct docx *x, const char *name, const char *data, size_t len, int owned)
{
	zip_source_t *s = zip_source_buffer(x->z, data, len, owned);

	if (!s) {
		if (owned)
			free((char *)data);
	} else if (zip_file_add(x->z, name, s, ZIP_FL_ENC_UTF_8) < 0) {
		zip_source_free(s);
	} else {
		return 0;
	}
	strbuf_addf(x->err, "docx: cannot add %s: %s", name, zip_strerror(x->z));
	return -1;
}

static int add_xw(struct docx *x, const char *name, struct xw *w)
{
	char *data;
	size_t len;

	if (xw_close(w, &data, &len) < 0) {
		strbuf_addf(x->err, "docx: cannot write %s (libxml2)", name);
		return -1;
	}
	return add_part(x, name, data, len, 1);
}

static const char *template_data(const char *name)
{
	for (const struct embedded_file *f = doc_templates; f->name; f++)
		if (!strncmp(f->name, "docx/", 5) && !strcmp(f->name + 5, name))
			return f->data;
	return NULL;
}

/* A new child of the template's root element with two or three attributes. */
static void listing_add(xmlNodePtr root, const char *el, const char *k1, const char *v1,
			const char *k2, const char *v2, const char *k3, const char *v3)
{
	xmlNodePtr n = xmlNewChild(root, root->ns, BAD_CAST el, NULL);

	xmlNewProp(n, BAD_CAST k1, BAD_CAST v1);
	xmlNewProp(n, BAD_CAST k2, BAD_CAST v2);
	if (k3)
		xmlNewProp(n, BAD_CAST k3, BAD_CAST v3);
}

/*
 * Template `name` with an entry per chart: its content type in
 * [Content_Types].xml, its relationship in document.xml.rels.
 */
static int add_listing(struct docx *x, const char *name)
{
	const char *tpl = template_data(name);
	int is_types = !strcmp(name, "[Content_Types].xml");
	xmlDocPtr doc;
	xmlNodePtr root;
	xmlChar *mem = NULL;
	int size = 0;
	char part[64], id[32], *data;

	if (!x->ncharts)
		return add_part(x, name, tpl, strlen(tpl), 0);
	doc = xmlReadMemory(tpl, (int)strlen(tpl), name, "UTF-8", XML_PARSE_NONET);
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!root) {
		xmlFreeDoc(doc);
		strbuf_addf(x->err, "docx: the template %s is not XML", name);
		return -1;
	}
	for (int k = 1; k <= x->ncharts; k++) {
		snprintf(id, sizeof(id), "rIdChart%d", k);
		if (is_types) {
			snprintf(part, sizeof(part), "/word/charts/chart%d.xml", k);
			listing_add(root, "Override", "PartName", part, "ContentType", CT_CHART,
				    NULL, NULL);
		} else {
			snprintf(part, sizeof(part), "charts/chart%d.xml", k);
			listing_add(root, "Relationship", "Id", id, "Type", REL_CHART, "Target",
				    part);
		}
	}
	xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
	xmlFreeDoc(doc);
	if (!mem) {
		strbuf_addf(x->err, "docx: cannot write %s (libxml2)", name);
		return -1;
	}
	data = xmalloc((size_t)size + 1);
	memcpy(data, mem, (size_t)size);
	xmlFree(mem);
	return add_part(x, name, data, (size_t)size, 1);
}

/* Every template file, [Content_Types].xml first. */
static int add_templates(struct docx *x)
{
	if (!template_data("[Content_Types].xml") ||
	    !template_data("word/_rels/document.xml.rels")) {
		strbuf_addstr(x->err, "docx: the templates are not compiled in");
		return -1;
	}
	if (add_listing(x, "[Content_Types].xml") < 0 ||
	    add_listing(x, "word/_rels/document.xml.rels") < 0)
		return -1;
	for (const struct embedded_file *f = doc_templates; f->name; f++) {
		const char *name = f->name + 5;

		if (strncmp(f->name, "docx/", 5) || !strcmp(name, "[Content_Types].xml") ||
		    !strcmp(name, "word/_rels/document.xml.rels"))
			continue;
		if (add_part(x, name, f->data, strlen(f->data), 0) < 0)
			return -1;
	}
	return 0;
}

/* ---- word/document.xml ---- */

/* A run of `len` bytes of `s`: '\n' a line break, '\t' a tab, other controls dropped. */
static void run(struct xw *w, const char *s, size_t len, int bold)
{
	size_t i = 0;

	start(w, "w:r");
	if (bold) {
		start(w, "w:rPr");
		empty(w, "w:b", NULL, NULL);
		empty(w, "w:bCs", NULL, NULL);
		end(w);
	}
	while (i < len) {
		size_t j = i;

		while (j < len && (unsigned char)s[j] >= 0x20)
			j++;
		if (j > i) {
			char *seg = xstrndup(s + i, j - i);

			start(w, "w:t");
			attr(w, "xml:space", "preserve");
			text(w, seg);
			end(w);
			free(seg);
		}
		if (j < len && s[j] == '\n')
			empty(w, "w:br", NULL, NULL);
		else if (j < len && s[j] == '\t')
			empty(w, "w:tab", NULL, NULL);
		i = j + 1;
	}
	end(w);
}

static void para_start(struct xw *w, const char *style, const char *jc)
{
	start(w, "w:p");
	start(w, "w:pPr");
	empty(w, "w:pStyle", "w:val", style);
	if (jc)
		empty(w, "w:jc", "w:val", jc);
	end(w);
}

static void para(struct xw *w, const char *style, const char *s, size_t len)
{
	para_start(w, style, NULL);
	if (len)
		run(w, s, len, 0);
	end(w);
}

/* One paragraph per line of `s`. */
static void para_lines(struct xw *w, const char *style, const char *s)
{
	const char *nl;

	while ((nl = strchr(s, '\n'))) {
		para(w, style, s, (size_t)(nl - s));
		s = nl + 1;
	}
	para(w, style, s, strlen(s));
}

/* How wide `s` is, in half-ems: two for a CJK (three- or four-byte) character. */
static int text_width(const char *s)
{
	int n = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x80 || (*p >= 0xc0 && *p < 0xe0))
			n++;
		else if (*p >= 0xe0)
			n += 2;
	}
	return n;
}

/*
 * The columns' widths (twips, summing to the text width): each column as
 * wide as its widest cell, or half its header (a header may wrap), at
 * least two characters.
 */
static void column_widths(const struct doc_table *t, int *width)
{
	long *need = xcalloc((size_t)t->ncols, sizeof(*need)), total = 0, given = 0;

	for (int c = 0; c < t->ncols; c++) {
		int w = (text_width(t->header[c]) + 1) / 2;

		for (size_t r = 0; r < t->nrows; r++) {
			int cw = text_width(doc_cell_at(t, r, c)->text);

			if (cw > w)
				w = cw;
		}
		need[c] = (w < 4 ? 4 : w) + 2;
		total += need[c];
	}
	for (int c = 0; c < t->ncols; c++) {
		width[c] = c + 1 < t->ncols ? (int)(TEXT_W * need[c] / total) : TEXT_W - (int)given;
		given += width[c];
	}
	free(need);
}

static void cell(struct xw *w, int width, const char *jc, int bold, const char *s)
{
	start(w, "w:tc");
	start(w, "w:tcPr");
	start(w, "w:tcW");
	attrf(w, "w:w", "%d", width);
	attr(w, "w:type", "dxa");
	end(w);
	empty(w, "w:vAlign", "w:val", "center");
	end(w);
	para_start(w, "TableText", jc);
	run(w, s, strlen(s), bold);
	end(w);
	end(w);
}

static void row_start(struct xw *w, int header)
{
	start(w, "w:tr");
	start(w, "w:trPr");
	empty(w, "w:cantSplit", NULL, NULL);
	if (header)
		empty(w, "w:tblHeader", NULL, NULL);
	end(w);
}

static void table_props(struct xw *w, const struct doc_table *t, const int *width)
{
	static const char *const sides[] = { "w:top", "w:left", "w:bottom", "w:right",
					     "w:insideH", "w:insideV" };

	start(w, "w:tblPr");
	start(w, "w:tblW");
	attr(w, "w:w", "5000");
	attr(w, "w:type", "pct");
	end(w);
	empty(w, "w:jc", "w:val", "center");
	start(w, "w:tblBorders");
	for (size_t i = 0; i < sizeof(sides) / sizeof(*sides); i++) {
		start(w, sides[i]);
		attr(w, "w:val", "single");
		attr(w, "w:sz", "4");
		attr(w, "w:space", "0");
		attr(w, "w:color", "000000");
		end(w);
	}
	end(w);
	empty(w, "w:tblLayout", "w:type", "fixed");
	end(w);
	start(w, "w:tblGrid");
	for (int c = 0; c < t->ncols; c++) {
		start(w, "w:gridCol");
		attrf(w, "w:w", "%d", width[c]);
		end(w);
	}
	end(w);
}

/* The caption, then the table: a repeated bold header row, numbers right. */
static void table(struct xw *w, const struct doc_table *t)
{
	int *width;

	para_start(w, "Caption", NULL);
	run(w, t->caption, strlen(t->caption), 0);
	end(w);
	if (t->ncols <= 0)
		return;
	width = xcalloc((size_t)t->ncols, sizeof(*width));
	column_widths(t, width);
	start(w, "w:tbl");
	table_props(w, t, width);
	row_start(w, 1);
	for (int c = 0; c < t->ncols; c++)
		cell(w, width[c], "center", 1, t->header[c]);
	end(w);
	for (size_t r = 0; r < t->nrows; r++) {
		int bold = t->total_row && r + 1 == t->nrows;

		row_start(w, 0);
		for (int c = 0; c < t->ncols; c++) {
			const struct doc_cell *v = doc_cell_at(t, r, c);

			cell(w, width[c], v->kind == DOC_CELL_TEXT ? "left" : "right", bold,
			     v->text);
		}
		end(w);
	}
	end(w);
	free(width);
}

/* A chart is drawn when it has a bar; one without is its caption alone. */
static int chart_drawn(const struct doc_block *b)
{
	return b->kind == DOC_CHART && b->chart->n > 0;
}

/* The chart's height (twips): its title and axis, and a line per bar. */
static int chart_height(const struct doc_chart *c)
{
	long h = 1500 + 330 * (long)c->n;

	return (int)(h > TEXT_H - 1200 ? TEXT_H - 1200 : h);
}

/* The inline drawing that shows chart number `k` (word/charts/chartK.xml). */
static void chart_inline(struct xw *w, const struct doc_chart *c, int k)
{
	para_start(w, "Figure", NULL);
	start(w, "w:r");
	start(w, "w:drawing");
	start(w, "wp:inline");
	attr(w, "distT", "0");
	attr(w, "distB", "0");
	attr(w, "distL", "0");
	attr(w, "distR", "0");
	start(w, "wp:extent");
	attrf(w, "cx", "%ld", (long)TEXT_W * EMU_PER_TWIP);
	attrf(w, "cy", "%ld", (long)chart_height(c) * EMU_PER_TWIP);
	end(w);
	start(w, "wp:effectExtent");
	attr(w, "l", "0");
	attr(w, "t", "0");
	attr(w, "r", "0");
	attr(w, "b", "0");
	end(w);
	start(w, "wp:docPr");
	attrf(w, "id", "%d", k);
	attrf(w, "name", "Chart %d", k);
	attr(w, "descr", c->caption);
	end(w);
	empty(w, "wp:cNvGraphicFramePr", NULL, NULL);
	start(w, "a:graphic");
	start(w, "a:graphicData");
	attr(w, "uri", NS_C);
	start(w, "c:chart");
	attrf(w, "r:id", "rIdChart%d", k);
	end(w);
	end(w);
	end(w);
	end(w);
	end(w);
	end(w);
	end(w);
}

static void section(struct xw *w)
{
	start(w, "w:sectPr");
	start(w, "w:footerReference");
	attr(w, "w:type", "default");
	attr(w, "r:id", FOOTER_RID);
	end(w);
	start(w, "w:footerReference");
	attr(w, "w:type", "even");
	attr(w, "r:id", FOOTER_EVEN_RID);
	end(w);
	start(w, "w:pgSz");
	attrf(w, "w:w", "%d", PAGE_W);
	attrf(w, "w:h", "%d", PAGE_H);
	end(w);
	start(w, "w:pgMar");
	attrf(w, "w:top", "%d", MARGIN_TOP);
	attrf(w, "w:right", "%d", MARGIN_RIGHT);
	attrf(w, "w:bottom", "%d", MARGIN_BOTTOM);
	attrf(w, "w:left", "%d", MARGIN_LEFT);
	attr(w, "w:header", "851");
	attrf(w, "w:footer", "%d", FOOTER_DIST);
	attr(w, "w:gutter", "0");
	end(w);
	empty(w, "w:docGrid", "w:linePitch", "579");
	end(w);
}

static void block(struct xw *w, struct docx *x, const struct doc_block *b)
{
	static const char *const style[] = {
		[DOC_SUBTITLE] = "Subtitle", [DOC_HEADING1] = "Heading1",
		[DOC_HEADING2] = "Heading2", [DOC_PARA] = "Body",
		[DOC_SIGNATURE] = "Signature", [DOC_NOTE] = "Note",
	};

	switch (b->kind) {
	case DOC_TABLE:
		table(w, b->table);
		break;
	case DOC_CHART:
		if (chart_drawn(b))
			chart_inline(w, b->chart, ++x->chart);
		else
			para(w, "Caption", b->chart->caption, strlen(b->chart->caption));
		break;
	case DOC_SIGNATURE:
		para_lines(w, style[b->kind], b->text);
		break;
	default:
		para(w, style[b->kind], b->text, strlen(b->text));
		break;
	}
}

static int add_document(struct docx *x, const struct doc *d)
{
	struct xw w;

	xw_open(&w);
	start(&w, "w:document");
	attr(&w, "xmlns:w", NS_W);
	attr(&w, "xmlns:r", NS_R);
	attr(&w, "xmlns:wp", NS_WP);
	attr(&w, "xmlns:a", NS_A);
	attr(&w, "xmlns:c", NS_C);
	start(&w, "w:body");
	para(&w, "Title", d->title, strlen(d->title));
	for (size_t i = 0; i < d->n; i++)
		block(&w, x, &d->blocks[i]);
	section(&w);
	return add_xw(x, "word/document.xml", &w);
}

/* ---- word/charts/chartN.xml ---- */

/* The font of a chart's text: the body's, `sz` in hundredths of a point. */
static void chart_font(struct xw *w, const char *el, int sz, int bold)
{
	start(w, el);
	attrf(w, "sz", "%d", sz);
	attr(w, "b", bold ? "1" : "0");
	empty(w, "a:latin", "typeface", DOC_FONT_BODY);
	empty(w, "a:ea", "typeface", DOC_FONT_BODY);
	end(w);
}

/* A text's body (of <c:rich> or <c:txPr>): with `s`, saying it. */
static void chart_text(struct xw *w, const char *s, int sz, int bold)
{
	empty(w, "a:bodyPr", NULL, NULL);
	empty(w, "a:lstStyle", NULL, NULL);
	start(w, "a:p");
	start(w, "a:pPr");
	chart_font(w, "a:defRPr", sz, bold);
	end(w);
	if (s) {
		start(w, "a:r");
		chart_font(w, "a:rPr", sz, bold);
		start(w, "a:t");
		text(w, s);
		end(w);
		end(w);
	}
	end(w);
}

static void chart_title(struct xw *w, const char *s, int sz)
{
	start(w, "c:title");
	start(w, "c:tx");
	start(w, "c:rich");
	chart_text(w, s, sz, 1);
	end(w);
	end(w);
	val(w, "c:overlay", 0);
	end(w);
}

static void chart_txpr(struct xw *w, int sz)
{
	start(w, "c:txPr");
	chart_text(w, NULL, sz, 0);
	end(w);
}

/* A point of a literal cache: <c:pt idx="i"><c:v>s</c:v></c:pt>. */
static void chart_point(struct xw *w, size_t i, const char *s)
{
	start(w, "c:pt");
	attrf(w, "idx", "%zu", i);
	start(w, "c:v");
	text(w, s);
	end(w);
	end(w);
}

/* The bars' names and values (percent, one decimal) as literal caches. */
static void chart_data(struct xw *w, const struct doc_chart *c)
{
	start(w, "c:cat");
	start(w, "c:strLit");
	val(w, "c:ptCount", (long long)c->n);
	for (size_t i = 0; i < c->n; i++)
		chart_point(w, i, c->labels[i]);
	end(w);
	end(w);
	start(w, "c:val");
	start(w, "c:numLit");
	start(w, "c:formatCode");
	text(w, "0.0");
	end(w);
	val(w, "c:ptCount", (long long)c->n);
	for (size_t i = 0; i < c->n; i++) {
		int64_t v = c->values[i], a = v < 0 ? -v : v;
		char num[32];

		snprintf(num, sizeof(num), "%s%lld.%lld", v < 0 ? "-" : "", (long long)(a / 10),
			 (long long)(a % 10));
		chart_point(w, i, num);
	}
	end(w);
	end(w);
}

/* The one series: blue bars, each labelled with its value. */
static void chart_series(struct xw *w, const struct doc_chart *c)
{
	start(w, "c:ser");
	val(w, "c:idx", 0);
	val(w, "c:order", 0);
	start(w, "c:tx");
	start(w, "c:v");
	text(w, c->value_label);
	end(w);
	end(w);
	start(w, "c:spPr");
	start(w, "a:solidFill");
	empty(w, "a:srgbClr", "val", "4472C4");
	end(w);
	end(w);
	val(w, "c:invertIfNegative", 0);
	start(w, "c:dLbls");
	start(w, "c:numFmt");
	attr(w, "formatCode", "0.0");
	attr(w, "sourceLinked", "0");
	end(w);
	chart_txpr(w, 900);
	empty(w, "c:dLblPos", "val", "outEnd");
	val(w, "c:showLegendKey", 0);
	val(w, "c:showVal", 1);
	val(w, "c:showCatName", 0);
	val(w, "c:showSerName", 0);
	val(w, "c:showPercent", 0);
	val(w, "c:showBubbleSize", 0);
	end(w);
	chart_data(w, c);
	end(w);
}

/* The names down the left, first at the top; the value axis below. */
static void chart_axes(struct xw *w, const struct doc_chart *c)
{
	start(w, "c:catAx");
	val(w, "c:axId", 1001);
	start(w, "c:scaling");
	empty(w, "c:orientation", "val", "maxMin");
	end(w);
	val(w, "c:delete", 0);
	empty(w, "c:axPos", "val", "l");
	empty(w, "c:majorTickMark", "val", "none");
	empty(w, "c:minorTickMark", "val", "none");
	empty(w, "c:tickLblPos", "val", "nextTo");
	chart_txpr(w, 900);
	val(w, "c:crossAx", 1002);
	empty(w, "c:crosses", "val", "autoZero");
	val(w, "c:auto", 1);
	empty(w, "c:lblAlgn", "val", "ctr");
	val(w, "c:lblOffset", 100);
	val(w, "c:tickLblSkip", 1);
	end(w);

	start(w, "c:valAx");
	val(w, "c:axId", 1002);
	start(w, "c:scaling");
	empty(w, "c:orientation", "val", "minMax");
	val(w, "c:max", 100);
	val(w, "c:min", 0);
	end(w);
	val(w, "c:delete", 0);
	empty(w, "c:axPos", "val", "b");
	empty(w, "c:majorGridlines", NULL, NULL);
	if (*c->value_label)
		chart_title(w, c->value_label, 1000);
	start(w, "c:numFmt");
	attr(w, "formatCode", "0");
	attr(w, "sourceLinked", "0");
	end(w);
	empty(w, "c:majorTickMark", "val", "out");
	empty(w, "c:minorTickMark", "val", "none");
	empty(w, "c:tickLblPos", "val", "nextTo");
	chart_txpr(w, 1000);
	val(w, "c:crossAx", 1001);
	empty(w, "c:crosses", "val", "max");
	empty(w, "c:crossBetween", "val", "between");
	val(w, "c:majorUnit", 20);
	end(w);
}

static int add_chart(struct docx *x, const struct doc_chart *c, int k)
{
	struct xw w;
	char name[64];

	xw_open(&w);
	start(&w, "c:chartSpace");
	attr(&w, "xmlns:c", NS_C);
	attr(&w, "xmlns:a", NS_A);
	attr(&w, "xmlns:r", NS_R);
	val(&w, "c:date1904", 0);
	empty(&w, "c:lang", "val", "zh-CN");
	val(&w, "c:roundedCorners", 0);
	start(&w, "c:chart");
	if (*c->caption)
		chart_title(&w, c->caption, 1400);
	val(&w, "c:autoTitleDeleted", !*c->caption);
	start(&w, "c:plotArea");
	empty(&w, "c:layout", NULL, NULL);
	start(&w, "c:barChart");
	empty(&w, "c:barDir", "val", "bar");
	empty(&w, "c:grouping", "val", "clustered");
	val(&w, "c:varyColors", 0);
	chart_series(&w, c);
	val(&w, "c:gapWidth", 60);
	val(&w, "c:axId", 1001);
	val(&w, "c:axId", 1002);
	end(&w);
	chart_axes(&w, c);
	end(&w);
	val(&w, "c:plotVisOnly", 1);
	empty(&w, "c:dispBlanksAs", "val", "gap");
	end(&w);
	start(&w, "c:spPr");
	start(&w, "a:ln");
	empty(&w, "a:noFill", NULL, NULL);
	end(&w);
	end(&w);
	chart_txpr(&w, 1000);
	snprintf(name, sizeof(name), "word/charts/chart%d.xml", k);
	return add_xw(x, name, &w);
}

static int add_charts(struct docx *x, const struct doc *d)
{
	int k = 0;

	for (size_t i = 0; i < d->n; i++)
		if (chart_drawn(&d->blocks[i]) && add_chart(x, d->blocks[i].chart, ++k) < 0)
			return -1;
	return 0;
}

/* ---- docProps/core.xml ---- */

static void core_el(struct xw *w, const char *el, const char *s)
{
	if (!s || !*s)
		return;
	start(w, el);
	text(w, s);
	end(w);
}

static int add_core(struct docx *x, const struct doc *d)
{
	struct xw w;
	char now[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	xw_open(&w);
	start(&w, "cp:coreProperties");
	attr(&w, "xmlns:cp",
	     "http://schemas.openxmlformats.org/package/2006/metadata/core-properties");
	attr(&w, "xmlns:dc", "http://purl.org/dc/elements/1.1/");
	attr(&w, "xmlns:dcterms", "http://purl.org/dc/terms/");
	attr(&w, "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
	core_el(&w, "dc:title", d->file_title && *d->file_title ? d->file_title : d->title);
	core_el(&w, "dc:creator", d->author);
	core_el(&w, "dc:description", d->description);
	core_el(&w, "dc:language", "zh-CN");
	start(&w, "dcterms:created");
	attr(&w, "xsi:type", "dcterms:W3CDTF");
	text(&w, now);
	end(&w);
	start(&w, "dcterms:modified");
	attr(&w, "xsi:type", "dcterms:W3CDTF");
	text(&w, now);
	end(&w);
	return add_xw(x, "docProps/core.xml", &w);
}

/* ---- the whole ---- */

/* The finished archive's bytes (the source kept after zip_close()) into `out`. */
static int archive_read(zip_source_t *src, struct strbuf *out, struct strbuf *err)
{
	zip_stat_t st;
	zip_int64_t n = -1;

	zip_stat_init(&st);
	if (zip_source_stat(src, &st) == 0 && (st.valid & ZIP_STAT_SIZE) &&
	    zip_source_open(src) == 0) {
		strbuf_grow(out, (size_t)st.size);
		n = zip_source_read(src, out->buf + out->len, st.size);
		zip_source_close(src);
	}
	if (n < 0 || (zip_uint64_t)n != st.size) {
		strbuf_addf(err, "docx: cannot read the archive back: %s",
			    zip_error_strerror(zip_source_error(src)));
		return -1;
	}
	strbuf_setlen(out, out->len + (size_t)n);
	return 0;
}

int doc_write_docx(const struct doc *d, struct strbuf *out, struct strbuf *err)
{
	struct docx x = { .err = err };
	zip_error_t ze;
	zip_source_t *src;
	int rc = -1;

	for (size_t i = 0; i < d->n; i++)
		x.ncharts += chart_drawn(&d->blocks[i]);
	zip_error_init(&ze);
	src = zip_source_buffer_create(NULL, 0, 0, &ze);
	if (!src || !(x.z = zip_open_from_source(src, ZIP_TRUNCATE, &ze))) {
		strbuf_addf(err, "docx: cannot open an archive in memory: %s",
			    zip_error_strerror(&ze));
		zip_source_free(src);
		zip_error_fini(&ze);
		return -1;
	}
	zip_source_keep(src);
	if (add_templates(&x) < 0 || add_document(&x, d) < 0 || add_charts(&x, d) < 0 ||
	    add_core(&x, d) < 0) {
		zip_discard(x.z);
	} else if (zip_close(x.z) < 0) {
		strbuf_addf(err, "docx: cannot finish the archive: %s", zip_strerror(x.z));
		zip_discard(x.z);
	} else {
		rc = archive_read(src, out, err);
	}
	zip_source_free(src);
	zip_error_fini(&ze);
	return rc;
}
