/*
 * pdf.c: a document (doc.h) as PDF, laid out by pango and drawn by cairo in
 * the register of a 公文 (GB/T 9704): A4, margins of 37/35/28/26 mm, the
 * body in 16 pt with 22 lines a page, the title in 22 pt bold, a page
 * number "— N —" under every page.  Paragraphs flow across pages line by
 * line; a table's rows are never split, its header row is repeated on each
 * page it continues on; a chart is a horizontal bar chart of percentages,
 * kept on one page.  cairo embeds subsets of the fonts, so the text can be
 * extracted.
 *
 * The fonts come from pango's font map of the calling thread (pango keeps
 * one per thread, so server threads never share one, and each keeps its
 * fonts loaded between documents).  Each family is Sanling's cut of its
 * Noto CJK face first (scripts/fonts.py: GB 2312's characters, a fraction
 * of the face, so cairo, which copies a face's whole CFF table to embed a
 * subset, reads and keeps far less), the whole face after it for a
 * character the cut lacks; the cuts are found beside the program, and
 * without them the whole faces draw everything.
 *
 * Built as a module of its own (doc.h: DOC_PDF_MODULE; pdf_load.c loads
 * it); what it uses of the program (strbuf, xcalloc, exe_relative,
 * doc_cell_at) the program exports to it (the Makefile's PDF_LINK).
 *
 * Not here: the document's content (report/), the other formats (docx.c,
 * xlsx_doc.c), hyphenation, a table of contents, images.
 */
#include "doc/doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>

#include "base/alloc.h"
#include "base/exepath.h"
#include "base/strbuf.h"

#define MM (72.0 / 25.4)
#define PAGE_W 595.28
#define PAGE_H 841.89
#define TOP (37 * MM)
#define BOTTOM (PAGE_H - 35 * MM)
#define LEFT (28 * MM)
#define RIGHT (PAGE_W - 26 * MM)
#define TEXT_W (RIGHT - LEFT)
#define BODY_PT 16.0
#define PITCH ((BOTTOM - TOP) / 22) /* 22 body lines a page */
#define INDENT (2 * BODY_PT)        /* two characters */
#define CELL_PT 12.0
#define CELL_PAD 4.0
#define SMALL_PT 10.5

struct style {
	const char *family;
	double pt;
	int bold;
};

/* the families: the cut of the face (scripts/fonts.py), then the whole face */
#define PDF_SERIF "Sanling Serif SC, " DOC_FONT_BODY
#define PDF_SANS "Sanling Sans SC, " DOC_FONT_HEADING1

static const struct style st_title = { PDF_SERIF, 22, 1 };
static const struct style st_subtitle = { PDF_SERIF, BODY_PT, 0 };
static const struct style st_heading1 = { PDF_SANS, BODY_PT, 0 };
static const struct style st_heading2 = { PDF_SERIF, BODY_PT, 1 };
static const struct style st_body = { PDF_SERIF, BODY_PT, 0 };
static const struct style st_note = { PDF_SERIF, SMALL_PT, 0 };
static const struct style st_caption = { PDF_SERIF, 14, 1 };
static const struct style st_pageno = { PDF_SERIF, 14, 0 };

static pthread_once_t fonts_once = PTHREAD_ONCE_INIT;

/* The cuts of the faces, as built (build/fonts) or installed (share/sanling/fonts), given to fontconfig. */
static void add_fonts(void)
{
	static const char *const rel[] = { "/fonts", "/../fonts", "/../share/sanling/fonts" };
	struct strbuf dir = STRBUF_INIT;

	if (exe_relative(rel, sizeof(rel) / sizeof(rel[0]), &dir))
		FcConfigAppFontAddDir(NULL, (const FcChar8 *)dir.buf);
	strbuf_release(&dir);
}

/* The writer's state: where the next line goes. */
struct pdf {
	cairo_t *cr;
	PangoContext *pc;
	double y; /* the top of the next line */
	int page; /* from 1 */
};

/* A layout of `text` in `st`, wrapped at `width` points (≤ 0: not wrapped). */
static PangoLayout *layout_new(struct pdf *p, const struct style *st, const char *text,
			       double width, PangoAlignment align)
{
	PangoLayout *l = pango_layout_new(p->pc);
	PangoFontDescription *fd = pango_font_description_new();

	pango_font_description_set_family_static(fd, st->family);
	pango_font_description_set_absolute_size(fd, st->pt * PANGO_SCALE);
	pango_font_description_set_weight(fd, st->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	if (width > 0)
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_alignment(l, align);
	pango_layout_set_text(l, text, -1);
	return l;
}

static double layout_w(PangoLayout *l)
{
	PangoRectangle r;

	pango_layout_get_extents(l, NULL, &r);
	return (double)r.width / PANGO_SCALE;
}

static double layout_h(PangoLayout *l)
{
	PangoRectangle r;

	pango_layout_get_extents(l, NULL, &r);
	return (double)r.height / PANGO_SCALE;
}

static void show_at(struct pdf *p, PangoLayout *l, double x, double y)
{
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
}

/* Draw `text` in `st` at (x, y), in a box `width` wide aligned by `align`. */
static void text_at(struct pdf *p, const struct style *st, const char *text, double x, double y,
		    double width, PangoAlignment align)
{
	PangoLayout *l = layout_new(p, st, text, width, align);

	show_at(p, l, x, y);
	g_object_unref(l);
}

static void page_end(struct pdf *p)
{
	char num[32];

	/* two spaces: one is too narrow for a text extractor to see a word's end */
	snprintf(num, sizeof(num), "—  %d  —", p->page);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	/* GB/T 9704: an odd page's number on the right, an even page's on the left, a character in */
	text_at(p, &st_pageno, num, LEFT + 14, BOTTOM + 7 * MM, TEXT_W - 28,
		p->page % 2 ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
	cairo_show_page(p->cr);
}

static void page_break(struct pdf *p)
{
	page_end(p);
	p->page++;
	p->y = TOP;
}

/* Break the page unless `h` points fit below p->y (or the page is fresh). */
static void need(struct pdf *p, double h)
{
	if (p->y + h > BOTTOM + 0.01 && p->y > TOP)
		page_break(p);
}

/*
 * Draw the lines of `l` from p->y, its left edge at `x`, each line `pitch`
 * high (0: its own height), breaking the page where a line does not fit.
 */
static void flow(struct pdf *p, PangoLayout *l, double x, double pitch)
{
	PangoLayoutIter *it = pango_layout_get_iter(l);

	do {
		PangoRectangle r;
		double h, asc, step;

		pango_layout_iter_get_line_extents(it, NULL, &r);
		h = (double)r.height / PANGO_SCALE;
		asc = (double)(pango_layout_iter_get_baseline(it) - r.y) / PANGO_SCALE;
		step = pitch > h ? pitch : h;
		need(p, step);
		cairo_move_to(p->cr, x + (double)r.x / PANGO_SCALE, p->y + (step - h) / 2 + asc);
		pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
		p->y += step;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
}

/* A block of text in `st`, flowed; `keep` lines of what follows kept with it. */
static void text_block(struct pdf *p, const struct style *st, const char *text,
		       PangoAlignment align, double indent, double pitch, int keep)
{
	PangoLayout *l = layout_new(p, st, text, TEXT_W, align);

	pango_layout_set_indent(l, (int)(indent * PANGO_SCALE));
	if (align == PANGO_ALIGN_LEFT && indent > 0)
		pango_layout_set_justify(l, TRUE);
	if (keep)
		need(p, (pango_layout_get_line_count(l) + keep) * pitch);
	flow(p, l, LEFT, pitch);
	g_object_unref(l);
}

/* ---- tables ---- */

static int cell_numeric(const struct doc_cell *c)
{
	return c->kind == DOC_CELL_INT || c->kind == DOC_CELL_PERCENT || c->kind == DOC_CELL_EMPTY;
}

/* The widest unbreakable piece of `l`'s text: its width when wrapped at words in no room. */
static double layout_min_w(PangoLayout *l)
{
	double w;

	pango_layout_set_wrap(l, PANGO_WRAP_WORD);
	pango_layout_set_width(l, 1);
	w = layout_w(l);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_width(l, -1);
	return w;
}

/* The table's width with no column wider than `cap` (nor narrower than its minimum). */
static double capped_sum(int nc, const double *want, const double *min, double cap)
{
	double sum = 0;

	for (int c = 0; c < nc; c++)
		sum += MAX(min[c], MIN(want[c], cap));
	return sum;
}

/*
 * The columns' widths within `avail`.  Each column wants its body's natural
 * width and room for its header on two lines (`want`), and would take its
 * header on one line (`full`).  If the wants fit, the room left goes first
 * to the headers, then to the text columns; if not, the widest columns are
 * narrowed to a common cap (never below `min`, their widest word).
 */
static void col_widths(int nc, const double *want, const double *full, const double *min,
		       const int *text, double avail, double *w)
{
	double swant = 0, sfull = 0, smin = 0, stext = 0, lo = 0, hi = avail;

	for (int c = 0; c < nc; c++) {
		swant += want[c];
		sfull += full[c];
		smin += min[c];
	}
	if (swant <= avail) {
		double k = sfull > swant ? MIN(1, (avail - swant) / (sfull - swant)) : 0;

		for (int c = 0; c < nc; c++) {
			w[c] = want[c] + k * (full[c] - want[c]);
			stext += text[c] ? w[c] : 0;
			avail -= w[c];
		}
		for (int c = 0; c < nc; c++)
			w[c] += stext > 0 ? (text[c] ? avail * w[c] / stext : 0) : avail / nc;
		return;
	}
	if (smin >= avail) {
		for (int c = 0; c < nc; c++)
			w[c] = min[c] * avail / smin;
		return;
	}
	for (int i = 0; i < 40; i++) {
		double mid = (lo + hi) / 2;

		if (capped_sum(nc, want, min, mid) > avail)
			hi = mid;
		else
			lo = mid;
	}
	for (int c = 0; c < nc; c++)
		w[c] = MAX(min[c], MIN(want[c], lo));
	w[0] += avail - capped_sum(nc, want, min, lo);
}

struct table_lay {
	int nc;
	size_t nrows;
	PangoLayout **cells; /* (nrows + 1) × nc, the header first */
	double *w;           /* nc */
	double *h;           /* nrows + 1 */
};

static PangoLayout *cell_at(struct table_lay *tl, size_t row, int col)
{
	return tl->cells[row * (size_t)tl->nc + (size_t)col];
}

/* Lay the table out: its cells' layouts, the columns' widths, the rows' heights. */
static void table_lay(struct pdf *p, const struct doc_table *t, struct table_lay *tl)
{
	static const struct style head = { PDF_SERIF, CELL_PT, 1 };
	static const struct style body = { PDF_SERIF, CELL_PT, 0 };
	int nc = t->ncols;
	size_t n = (t->nrows + 1) * (size_t)nc;
	double *want = xcalloc((size_t)nc * 3, sizeof(*want)), *full = want + nc, *min = full + nc;
	int *text = xcalloc((size_t)nc, sizeof(*text));

	tl->nc = nc;
	tl->nrows = t->nrows;
	tl->cells = xcalloc(n, sizeof(*tl->cells));
	tl->w = xcalloc((size_t)nc, sizeof(*tl->w));
	tl->h = xcalloc(t->nrows + 1, sizeof(*tl->h));
	for (size_t i = 0; i < n; i++) {
		size_t r = i / (size_t)nc;
		int c = (int)(i % (size_t)nc);
		const struct doc_cell *cell = r ? doc_cell_at(t, r - 1, c) : NULL;
		int bold = !r || (t->total_row && r == t->nrows);
		PangoAlignment a = !r ? PANGO_ALIGN_CENTER
				      : cell_numeric(cell) ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
		PangoLayout *l = layout_new(p, bold ? &head : &body, r ? cell->text : t->header[c],
					    0, a);
		double nat = layout_w(l) + 2 * CELL_PAD;

		tl->cells[i] = l;
		/* a word longer than half the table is broken */
		min[c] = MAX(min[c], MIN(layout_min_w(l), TEXT_W / 2) + 2 * CELL_PAD);
		full[c] = MAX(full[c], nat);
		want[c] = MAX(want[c], r ? nat : MIN(nat, nat / 2 + CELL_PT));
		if (r && cell->kind == DOC_CELL_TEXT)
			text[c] = 1;
	}
	for (int c = 0; c < nc; c++)
		want[c] = MAX(want[c], min[c]);
	col_widths(nc, want, full, min, text, TEXT_W, tl->w);
	for (size_t i = 0; i < n; i++) {
		size_t r = i / (size_t)nc;
		PangoLayout *l = tl->cells[i];

		pango_layout_set_width(l, (int)((tl->w[i % (size_t)nc] - 2 * CELL_PAD) * PANGO_SCALE));
		/* a row is never split: a cell longer than half a page ends in "…" */
		pango_layout_set_height(l, (int)((BOTTOM - TOP) / 2 * PANGO_SCALE));
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
		tl->h[r] = MAX(tl->h[r], layout_h(l) + 2 * CELL_PAD);
	}
	free(want);
	free(text);
}

static void table_lay_free(struct table_lay *tl)
{
	for (size_t i = 0; i < (tl->nrows + 1) * (size_t)tl->nc; i++)
		g_object_unref(tl->cells[i]);
	free(tl->cells);
	free(tl->w);
	free(tl->h);
}

/* Draw row `r` (0: the header) at p->y and move below it. */
static void row_draw(struct pdf *p, struct table_lay *tl, size_t r)
{
	cairo_t *cr = p->cr;
	double x = LEFT, h = tl->h[r];

	for (int c = 0; c < tl->nc; c++) {
		PangoLayout *l = cell_at(tl, r, c);

		cairo_rectangle(cr, x, p->y, tl->w[c], h);
		if (!r) {
			cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
			cairo_fill_preserve(cr);
		}
		cairo_set_source_rgb(cr, 0, 0, 0);
		cairo_set_line_width(cr, 0.5);
		cairo_stroke(cr);
		show_at(p, l, x + CELL_PAD, p->y + (h - layout_h(l)) / 2);
		x += tl->w[c];
	}
	p->y += h;
}

static void table_draw(struct pdf *p, const struct doc_table *t)
{
	struct table_lay tl;
	PangoLayout *cap;

	if (t->ncols <= 0)
		return;
	table_lay(p, t, &tl);
	cap = layout_new(p, &st_caption, t->caption, TEXT_W, PANGO_ALIGN_CENTER);
	/* the caption, the header and the first row together */
	need(p, (*t->caption ? layout_h(cap) + 4 : 0) + tl.h[0] + (t->nrows ? tl.h[1] : 0));
	if (*t->caption) {
		flow(p, cap, LEFT, 0);
		p->y += 4;
	}
	g_object_unref(cap);
	row_draw(p, &tl, 0);
	for (size_t r = 1; r <= t->nrows; r++) {
		if (p->y + tl.h[r] > BOTTOM + 0.01) {
			page_break(p);
			row_draw(p, &tl, 0);
		}
		row_draw(p, &tl, r);
	}
	table_lay_free(&tl);
}

/* ---- the chart ---- */

/* A percentage in tenths as text: 857 → "85.7%", 850 → "85%" when `trim`. */
static void percent(char *buf, size_t n, int64_t v, int trim)
{
	long long a = v < 0 ? -(long long)v : (long long)v;

	if (trim && a % 10 == 0)
		snprintf(buf, n, "%s%lld%%", v < 0 ? "-" : "", a / 10);
	else
		snprintf(buf, n, "%s%lld.%lld%%", v < 0 ? "-" : "", a / 10, a % 10);
}

struct chart_lay {
	double pitch, label_pt, label_w;
	double x0, x1; /* the axis: 0 % and 100 % */
};

static double chart_x(const struct chart_lay *cl, int64_t v)
{
	v = v < 0 ? 0 : v > 1000 ? 1000 : v;
	return cl->x0 + (cl->x1 - cl->x0) * (double)v / 1000;
}

static void chart_bars(struct pdf *p, const struct doc_chart *c, const struct chart_lay *cl,
		       double y0)
{
	const struct style label = { PDF_SERIF, cl->label_pt, 0 };
	cairo_t *cr = p->cr;

	for (size_t i = 0; i < c->n; i++) {
		double y = y0 + (double)i * cl->pitch, bh = cl->pitch * 0.6;
		PangoLayout *l = layout_new(p, &label, c->labels[i], cl->label_w, PANGO_ALIGN_RIGHT);

		pango_layout_set_height(l, -1);
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
		cairo_set_source_rgb(cr, 0, 0, 0);
		show_at(p, l, cl->x0 - 6 - cl->label_w, y + (cl->pitch - layout_h(l)) / 2);
		g_object_unref(l);
		if (c->target >= 0 && c->values[i] < c->target)
			cairo_set_source_rgb(cr, 0.87, 0.4, 0.2);
		else
			cairo_set_source_rgb(cr, 0.2, 0.42, 0.68);
		cairo_rectangle(cr, cl->x0, y + (cl->pitch - bh) / 2, chart_x(cl, c->values[i]) - cl->x0,
				bh);
		cairo_fill(cr);
	}
}

/* Each bar's value at its end, on white so that the target line does not cross it. */
static void chart_values(struct pdf *p, const struct doc_chart *c, const struct chart_lay *cl,
			 double y0)
{
	const struct style value = { PDF_SERIF, MIN(cl->label_pt, SMALL_PT), 0 };
	cairo_t *cr = p->cr;

	for (size_t i = 0; i < c->n; i++) {
		double x = chart_x(cl, c->values[i]) + 2, y = y0 + (double)i * cl->pitch, h;
		PangoLayout *l;
		char v[32];

		percent(v, sizeof(v), c->values[i], 0);
		l = layout_new(p, &value, v, 0, PANGO_ALIGN_LEFT);
		h = layout_h(l);
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_rectangle(cr, x, y + (cl->pitch - h) / 2 + h * 0.15, layout_w(l) + 2, h * 0.7);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		show_at(p, l, x + 1, y + (cl->pitch - h) / 2);
		g_object_unref(l);
	}
}

/* The grid, the axis with its ticks every 20 %, the axis's name. */
static void chart_axis(struct pdf *p, const struct doc_chart *c, const struct chart_lay *cl,
		       double y0, double y1)
{
	const struct style tick = { PDF_SERIF, SMALL_PT, 0 };
	cairo_t *cr = p->cr;

	cairo_set_line_width(cr, 0.5);
	for (int v = 0; v <= 1000; v += 200) {
		double x = chart_x(cl, v);
		char s[16];

		cairo_set_source_rgb(cr, v ? 0.82 : 0, v ? 0.82 : 0, v ? 0.82 : 0);
		cairo_move_to(cr, x, y0);
		cairo_line_to(cr, x, y1 + (v ? 0 : 3));
		cairo_stroke(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		cairo_move_to(cr, x, y1);
		cairo_line_to(cr, x, y1 + 3);
		cairo_stroke(cr);
		percent(s, sizeof(s), v, 1);
		text_at(p, &tick, s, x - 30, y1 + 4, 60, PANGO_ALIGN_CENTER);
	}
	cairo_move_to(cr, cl->x0, y1);
	cairo_line_to(cr, cl->x1, y1);
	cairo_stroke(cr);
	if (*c->value_label)
		text_at(p, &tick, c->value_label, cl->x0, y1 + 20, cl->x1 - cl->x0,
			PANGO_ALIGN_CENTER);
}

static void chart_target(struct pdf *p, const struct doc_chart *c, const struct chart_lay *cl,
			 double y0, double y1)
{
	const struct style st = { PDF_SERIF, SMALL_PT, 0 };
	static const double dash[] = { 4, 3 };
	cairo_t *cr = p->cr;
	double x = chart_x(cl, c->target);
	char s[48], v[32];

	if (c->target < 0)
		return;
	cairo_set_source_rgb(cr, 0.8, 0.1, 0.1);
	cairo_set_line_width(cr, 1);
	cairo_set_dash(cr, dash, 2, 0);
	cairo_move_to(cr, x, y0 - 2);
	cairo_line_to(cr, x, y1);
	cairo_stroke(cr);
	cairo_set_dash(cr, NULL, 0, 0);
	percent(v, sizeof(v), c->target, 1);
	snprintf(s, sizeof(s), "目标 %s", v);
	text_at(p, &st, s, MIN(x - 40, RIGHT - 80), y0 - 17, 80, PANGO_ALIGN_CENTER);
	cairo_set_source_rgb(cr, 0, 0, 0);
}

static void chart_draw(struct pdf *p, const struct doc_chart *c)
{
	const double head = 18, foot = 40; /* the target's label; the ticks and the axis's name */
	PangoLayout *cap = layout_new(p, &st_caption, c->caption, TEXT_W, PANGO_ALIGN_CENTER);
	double caph = *c->caption ? layout_h(cap) + 6 : 0;
	size_t n = c->n ? c->n : 1;
	struct chart_lay cl;
	double y0, y1;

	cl.pitch = MIN(24, (BOTTOM - TOP - caph - head - foot) / (double)n);
	cl.label_pt = cl.pitch >= 24 ? 12 : cl.pitch >= 20 ? SMALL_PT : cl.pitch * 0.5;
	cl.label_w = 0;
	for (size_t i = 0; i < c->n; i++) {
		const struct style st = { PDF_SERIF, cl.label_pt, 0 };
		PangoLayout *l = layout_new(p, &st, c->labels[i], 0, PANGO_ALIGN_LEFT);

		cl.label_w = MAX(cl.label_w, layout_w(l));
		g_object_unref(l);
	}
	cl.label_w = MIN(cl.label_w, TEXT_W * 0.3);
	cl.x0 = LEFT + cl.label_w + 8;
	cl.x1 = RIGHT - 42;
	need(p, caph + head + (double)n * cl.pitch + foot);
	if (*c->caption) {
		flow(p, cap, LEFT, 0);
		p->y += 6;
	}
	g_object_unref(cap);
	y0 = p->y + head;
	y1 = y0 + (double)n * cl.pitch;
	chart_axis(p, c, &cl, y0, y1);
	chart_bars(p, c, &cl, y0);
	chart_target(p, c, &cl, y0, y1);
	chart_values(p, c, &cl, y0);
	p->y = y1 + foot;
}

/* ---- the document ---- */

/* The space before block `kind` after block `prev` (-1: the title). */
static double gap(int prev, enum doc_block_kind kind)
{
	if (kind == DOC_SUBTITLE)
		return prev == DOC_SUBTITLE ? 0 : PITCH / 2;
	if (prev < 0 || prev == DOC_SUBTITLE || kind == DOC_SIGNATURE)
		return PITCH;
	if (kind == DOC_TABLE || kind == DOC_CHART || kind == DOC_NOTE || prev == DOC_TABLE ||
	    prev == DOC_CHART)
		return PITCH / 2;
	return 0;
}

static void block_draw(struct pdf *p, const struct doc_block *b)
{
	switch (b->kind) {
	case DOC_SUBTITLE:
		text_block(p, &st_subtitle, b->text, PANGO_ALIGN_CENTER, 0, PITCH, 0);
		break;
	case DOC_HEADING1:
		text_block(p, &st_heading1, b->text, PANGO_ALIGN_LEFT, INDENT, PITCH, 1);
		break;
	case DOC_HEADING2:
		text_block(p, &st_heading2, b->text, PANGO_ALIGN_LEFT, INDENT, PITCH, 1);
		break;
	case DOC_PARA:
		text_block(p, &st_body, b->text, PANGO_ALIGN_LEFT, INDENT, PITCH, 0);
		break;
	case DOC_TABLE:
		table_draw(p, b->table);
		break;
	case DOC_CHART:
		chart_draw(p, b->chart);
		break;
	case DOC_SIGNATURE:
		text_block(p, &st_body, b->text, PANGO_ALIGN_RIGHT, 0, PITCH, 0);
		break;
	case DOC_NOTE:
		cairo_set_source_rgb(p->cr, 0.4, 0.4, 0.4);
		text_block(p, &st_note, b->text, PANGO_ALIGN_LEFT, 0, 0, 0);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		break;
	}
}

static void doc_draw(struct pdf *p, const struct doc *d)
{
	int prev = -1;

	p->y = TOP;
	p->page = 1;
	if (*d->title)
		text_block(p, &st_title, d->title, PANGO_ALIGN_CENTER, 0, 0, 0);
	for (size_t i = 0; i < d->n; i++) {
		double g = gap(prev, d->blocks[i].kind);

		if (p->y > TOP)
			p->y += g;
		block_draw(p, &d->blocks[i]);
		prev = d->blocks[i].kind;
	}
	page_end(p);
}

static void set_meta(cairo_surface_t *s, cairo_pdf_metadata_t key, const char *v)
{
	if (v && *v)
		cairo_pdf_surface_set_metadata(s, key, v);
}

static cairo_status_t sink(void *closure, const unsigned char *data, unsigned int len)
{
	strbuf_add(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

int doc_pdf_module_write(const struct doc *d, struct strbuf *out, struct strbuf *err)
{
	size_t len0 = out->len;
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(sink, out, PAGE_W, PAGE_H);
	struct pdf p = { 0 };
	cairo_status_t st;

	set_meta(s, CAIRO_PDF_METADATA_TITLE, d->file_title && *d->file_title ? d->file_title
										 : d->title);
	set_meta(s, CAIRO_PDF_METADATA_AUTHOR, d->author);
	set_meta(s, CAIRO_PDF_METADATA_SUBJECT, d->description);
	set_meta(s, CAIRO_PDF_METADATA_KEYWORDS, d->description);
	set_meta(s, CAIRO_PDF_METADATA_CREATOR, "Sanling");
	p.cr = cairo_create(s);
	pthread_once(&fonts_once, add_fonts);
	p.pc = pango_font_map_create_context(pango_cairo_font_map_get_default());
	pango_cairo_update_context(p.cr, p.pc);
	doc_draw(&p, d);
	g_object_unref(p.pc);
	cairo_destroy(p.cr);
	cairo_surface_finish(s);
	st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (st != CAIRO_STATUS_SUCCESS) {
		strbuf_setlen(out, len0);
		if (err)
			strbuf_addf(err, "pdf: %s", cairo_status_to_string(st));
		return -1;
	}
	return 0;
}
