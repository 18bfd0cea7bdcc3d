/*
 * xlsx_doc.c: a document (doc.h) as an XLSX workbook, over libxlsxwriter.
 *
 * The workbook holds the document's tables, one worksheet each, named by
 * the table's `sheet` (or 表N when that is empty, invalid or taken): the
 * caption in row 1 (bold, merged over the columns), the header in row 2
 * (bold, grey, frozen), then the body with borders.  Integers and
 * percentages are numbers (a percentage in tenths becomes the fraction
 * num/1000 shown "0.0%"), so the sheet sums and sorts; an empty cell (a
 * share of an empty set, "—" in the other writers) is left blank, so that
 * a chart shows a gap and a sum or average skips it.  Each chart of the
 * document is a native bar chart in its table's worksheet, right of the
 * table, drawn from the table's cells (not from the chart's copy of them).
 * The title, the issuer and the description are the file's properties.  A
 * document with no table gets one sheet, 说明, of its title and texts.
 *
 * Not here: the headings and paragraphs around the tables (the DOCX and
 * the PDF carry them), a chart's target line, formulas.  libxlsxwriter
 * writes only to a path, so the workbook is made in a temporary file in
 * $TMPDIR (or /tmp) and read back, as io/xlsx_write.c does.
 */
#include "doc/doc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "base/alloc.h"
#include "base/strbuf.h"

#define WIDTH_MIN 8
#define WIDTH_MAX 60
#define NOTE_WIDTH 100
#define CHART_WIDTH 640  /* pixels */
#define CHART_HEAD 100   /* the title, the value axis and its name */
#define CHART_BAR 26     /* a bar and its gap */
#define CHART_HEIGHT_MIN 288
#define CHART_GAP 20     /* between two charts of one sheet */
#define DEFAULT_CHART_W 480  /* libxlsxwriter's default size */
#define DEFAULT_CHART_H 288

/* The cell formats: [bold (the total row)][kind]. */
struct formats {
	lxw_format *caption, *header, *note_title, *note;
	lxw_format *cell[2][DOC_CELL_EMPTY + 1];
};

struct sheet {
	lxw_worksheet *ws;
	const struct doc_table *t;
	char name[128];
	int chart_y; /* pixels below row 2 where the next chart goes */
};

struct book {
	lxw_workbook *wb;
	struct formats f;
	struct sheet *sheets;
	int nsheets;
	struct strbuf *err;
};

static int lxw_fail(struct book *b, const char *what, lxw_error e)
{
	if (b->err)
		strbuf_addf(b->err, "xlsx: %s: %s", what, lxw_strerror(e));
	return -1;
}

static int wide_cp(unsigned long cp)
{
	return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
	       (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	       (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	       (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

/* The width of a string in Excel's character units: CJK counts 2. */
static size_t text_width(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t w = 0;

	while (*s) {
		unsigned long cp = *s;
		int extra = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : cp >= 0xC0 ? 1 : 0;

		if (extra)
			cp &= 0x3F >> extra;
		s++;
		while (extra-- && (*s & 0xC0) == 0x80)
			cp = (cp << 6) | (*s++ & 0x3F);
		w += wide_cp(cp) ? 2 : 1;
	}
	return w;
}

static lxw_format *format_new(lxw_workbook *wb, int bold, int border)
{
	lxw_format *f = workbook_add_format(wb);

	if (bold)
		format_set_bold(f);
	if (border)
		format_set_border(f, LXW_BORDER_THIN);
	format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
	return f;
}

static void formats_init(lxw_workbook *wb, struct formats *f)
{
	f->caption = format_new(wb, 1, 0);
	format_set_font_size(f->caption, 14);
	format_set_align(f->caption, LXW_ALIGN_CENTER);
	f->header = format_new(wb, 1, 1);
	format_set_bg_color(f->header, 0xD9D9D9);
	format_set_align(f->header, LXW_ALIGN_CENTER);
	format_set_text_wrap(f->header);
	f->note_title = format_new(wb, 1, 0);
	format_set_font_size(f->note_title, 14);
	f->note = format_new(wb, 0, 0);
	format_set_text_wrap(f->note);
	for (int bold = 0; bold < 2; bold++) {
		for (int k = 0; k <= DOC_CELL_EMPTY; k++)
			f->cell[bold][k] = format_new(wb, bold, 1);
		format_set_num_format(f->cell[bold][DOC_CELL_PERCENT], "0.0%");
	}
}

/* Name sheet `s` (table `k`): its own name if valid and free, else 表N. */
static void sheet_name(struct book *b, struct sheet *s, int k)
{
	const char *want = s->t->sheet;

	if (want && *want && strlen(want) < sizeof(s->name) &&
	    workbook_validate_sheet_name(b->wb, want) == LXW_NO_ERROR) {
		strcpy(s->name, want);
		return;
	}
	for (int n = k + 1;; n++) {
		snprintf(s->name, sizeof(s->name), "表%d", n);
		if (workbook_validate_sheet_name(b->wb, s->name) == LXW_NO_ERROR)
			return;
	}
}

static int write_cell(struct book *b, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
		      const struct doc_cell *c, int bold)
{
	lxw_format *f = b->f.cell[bold][c->kind];
	lxw_error e;

	switch (c->kind) {
	case DOC_CELL_INT:
		e = worksheet_write_number(ws, row, col, (double)c->num, f);
		break;
	case DOC_CELL_PERCENT:
		e = worksheet_write_number(ws, row, col, (double)c->num / 1000.0, f);
		break;
	case DOC_CELL_EMPTY:
		e = worksheet_write_blank(ws, row, col, f);
		break;
	default:
		e = worksheet_write_string(ws, row, col, c->text, f);
		break;
	}
	return e == LXW_NO_ERROR ? 0 : lxw_fail(b, "a cell", e);
}

static int write_caption(struct book *b, struct sheet *s)
{
	const struct doc_table *t = s->t;
	lxw_error e;

	if (t->ncols > 1)
		e = worksheet_merge_range(s->ws, 0, 0, 0, (lxw_col_t)(t->ncols - 1), t->caption,
					  b->f.caption);
	else
		e = worksheet_write_string(s->ws, 0, 0, t->caption, b->f.caption);
	if (e != LXW_NO_ERROR)
		return lxw_fail(b, "the caption", e);
	worksheet_set_row(s->ws, 0, 24, NULL);
	return 0;
}

static int write_table(struct book *b, struct sheet *s)
{
	const struct doc_table *t = s->t;

	if (write_caption(b, s))
		return -1;
	for (int c = 0; c < t->ncols; c++) {
		size_t width = text_width(t->header[c]);
		lxw_error e = worksheet_write_string(s->ws, 1, (lxw_col_t)c, t->header[c],
						     b->f.header);

		if (e != LXW_NO_ERROR)
			return lxw_fail(b, "the header", e);
		for (size_t r = 0; r < t->nrows; r++) {
			const struct doc_cell *cell = doc_cell_at(t, r, c);
			int bold = t->total_row && r + 1 == t->nrows;

			if (write_cell(b, s->ws, (lxw_row_t)(r + 2), (lxw_col_t)c, cell, bold))
				return -1;
			if (text_width(cell->text) > width)
				width = text_width(cell->text);
		}
		width += 2;
		width = width < WIDTH_MIN ? WIDTH_MIN : width > WIDTH_MAX ? WIDTH_MAX : width;
		worksheet_set_column(s->ws, (lxw_col_t)c, (lxw_col_t)c, (double)width, NULL);
	}
	worksheet_freeze_panes(s->ws, 2, 0);
	/* printed: the table and its chart side by side, a page wide */
	worksheet_set_landscape(s->ws);
	worksheet_fit_to_pages(s->ws, 1, 0);
	return 0;
}

static int add_tables(struct book *b, const struct doc *d)
{
	for (size_t i = 0; i < d->n; i++) {
		struct sheet *s;

		if (d->blocks[i].kind != DOC_TABLE)
			continue;
		b->sheets = xrealloc(b->sheets, (size_t)(b->nsheets + 1) * sizeof(*b->sheets));
		s = &b->sheets[b->nsheets];
		memset(s, 0, sizeof(*s));
		s->t = d->blocks[i].table;
		sheet_name(b, s, b->nsheets);
		b->nsheets++;
		s->ws = workbook_add_worksheet(b->wb, s->name);
		if (!s->ws) {
			if (b->err)
				strbuf_addf(b->err, "xlsx: cannot add the sheet '%s'", s->name);
			return -1;
		}
		if (write_table(b, s))
			return -1;
	}
	return 0;
}

/* The chart's look: horizontal bars top to bottom in row order, 0–100 %. */
static void chart_style(lxw_chart *chart, lxw_chart_series *ser, const struct doc_chart *c)
{
	chart_title_set_name(chart, c->caption);
	chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
	chart_set_series_gap(chart, 50);
	/* a bar chart's y axis is the categories', its x axis the values' */
	chart_axis_set_reverse(chart->y_axis);
	chart_axis_set_crossing_max(chart->y_axis);
	chart_axis_set_interval_unit(chart->y_axis, 1); /* every name, however small */
	chart_axis_set_min(chart->x_axis, 0);
	chart_axis_set_max(chart->x_axis, 1);
	chart_axis_set_major_unit(chart->x_axis, 0.2);
	chart_axis_set_num_format(chart->x_axis, "0%");
	if (*c->value_label)
		chart_axis_set_name(chart->x_axis, c->value_label);
	chart_series_set_labels(ser);
	chart_series_set_labels_num_format(ser, "0.0%");
	chart_series_set_labels_position(ser, LXW_CHART_LABEL_POSITION_OUTSIDE_END);
}

static int add_chart(struct book *b, const struct doc_chart *c)
{
	struct sheet *s;
	const struct doc_table *t;
	size_t body;
	lxw_chart *chart;
	lxw_chart_series *ser;
	lxw_chart_options opt = { 0 };
	int height;
	lxw_error e;

	if (c->table < 0)
		return 0;
	if (c->table >= b->nsheets) {
		if (b->err)
			strbuf_addf(b->err, "xlsx: a chart draws table %d of %d", c->table,
				    b->nsheets);
		return -1;
	}
	s = &b->sheets[c->table];
	t = s->t;
	if (c->label_col < 0 || c->label_col >= t->ncols || c->value_col < 0 ||
	    c->value_col >= t->ncols) {
		if (b->err)
			strbuf_addf(b->err, "xlsx: a chart draws columns %d and %d of a table of %d",
				    c->label_col, c->value_col, t->ncols);
		return -1;
	}
	body = t->nrows - (t->total_row && t->nrows ? 1 : 0);
	if (!body)
		return 0;
	chart = workbook_add_chart(b->wb, LXW_CHART_BAR);
	ser = chart ? chart_add_series(chart, NULL, NULL) : NULL;
	if (!ser) {
		if (b->err)
			strbuf_addstr(b->err, "xlsx: cannot add a chart");
		return -1;
	}
	chart_series_set_categories(ser, s->name, 2, (lxw_col_t)c->label_col,
				    (lxw_row_t)(body + 1), (lxw_col_t)c->label_col);
	chart_series_set_values(ser, s->name, 2, (lxw_col_t)c->value_col,
				(lxw_row_t)(body + 1), (lxw_col_t)c->value_col);
	chart_style(chart, ser, c);
	height = CHART_HEAD + CHART_BAR * (int)(body < 60 ? body : 60);
	if (height < CHART_HEIGHT_MIN)
		height = CHART_HEIGHT_MIN;
	opt.x_offset = 10;
	opt.y_offset = s->chart_y;
	opt.x_scale = (double)CHART_WIDTH / DEFAULT_CHART_W;
	opt.y_scale = (double)height / DEFAULT_CHART_H;
	e = worksheet_insert_chart_opt(s->ws, 1, (lxw_col_t)t->ncols, chart, &opt);
	if (e != LXW_NO_ERROR)
		return lxw_fail(b, "cannot place a chart", e);
	s->chart_y += height + CHART_GAP;
	return 0;
}

/* A document with no table: its title and texts, a row each, on 说明. */
static int add_note_sheet(struct book *b, const struct doc *d)
{
	lxw_worksheet *ws = workbook_add_worksheet(b->wb, "说明");
	lxw_row_t row = 0;
	lxw_error e;

	if (!ws) {
		if (b->err)
			strbuf_addstr(b->err, "xlsx: cannot add the sheet 说明");
		return -1;
	}
	worksheet_set_column(ws, 0, 0, NOTE_WIDTH, NULL);
	e = worksheet_write_string(ws, row++, 0, d->title, b->f.note_title);
	if (e != LXW_NO_ERROR)
		return lxw_fail(b, "the title", e);
	for (size_t i = 0; i < d->n; i++) {
		const char *text = d->blocks[i].text;

		if (!text || !*text)
			continue;
		e = worksheet_write_string(ws, row++, 0, text, b->f.note);
		if (e != LXW_NO_ERROR)
			return lxw_fail(b, "a paragraph", e);
	}
	return 0;
}

static int build(struct book *b, const struct doc *d)
{
	lxw_doc_properties props = { 0 };
	lxw_error e;

	props.title = d->file_title && *d->file_title ? d->file_title : d->title;
	props.author = d->author;
	props.comments = d->description;
	e = workbook_set_properties(b->wb, &props);
	if (e != LXW_NO_ERROR)
		return lxw_fail(b, "the properties", e);
	formats_init(b->wb, &b->f);
	if (add_tables(b, d))
		return -1;
	if (!b->nsheets)
		return add_note_sheet(b, d);
	for (size_t i = 0; i < d->n; i++)
		if (d->blocks[i].kind == DOC_CHART && add_chart(b, d->blocks[i].chart))
			return -1;
	return 0;
}

int doc_write_xlsx(const struct doc *d, struct strbuf *out, struct strbuf *err)
{
	struct book b = { .err = err };
	struct strbuf path = STRBUF_INIT;
	lxw_workbook_options opts = { 0 };
	const char *tmpdir = getenv("TMPDIR");
	int fd, ret = -1;
	lxw_error e;

	if (!tmpdir || !*tmpdir)
		tmpdir = "/tmp";
	strbuf_addf(&path, "%s/sanling-doc-XXXXXX", tmpdir);
	fd = mkostemp(path.buf, O_CLOEXEC);
	if (fd < 0) {
		if (err)
			strbuf_addf(err, "xlsx: cannot create a temporary file in %s: %s", tmpdir,
				    strerror(errno));
		strbuf_release(&path);
		return -1;
	}
	opts.tmpdir = (char *)tmpdir;
	b.wb = workbook_new_opt(path.buf, &opts);
	if (!b.wb) {
		if (err)
			strbuf_addstr(err, "xlsx: cannot start a workbook");
		goto done;
	}
	if (build(&b, d)) {
		lxw_workbook_free(b.wb);
		goto done;
	}
	e = workbook_close(b.wb);
	if (e != LXW_NO_ERROR) {
		lxw_fail(&b, "cannot write the workbook", e);
		goto done;
	}
	if (lseek(fd, 0, SEEK_SET) < 0 || strbuf_read_fd(out, fd) < 0) {
		if (err)
			strbuf_addf(err, "xlsx: cannot read back the workbook: %s",
				    strerror(errno));
		goto done;
	}
	ret = 0;
done:
	close(fd);
	unlink(path.buf);
	strbuf_release(&path);
	free(b.sheets);
	return ret;
}
