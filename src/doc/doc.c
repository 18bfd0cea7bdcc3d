/*
 * doc.c: building a document (doc.h); the writers are docx.c, pdf.c and
 * xlsx_doc.c.
 */
#include "doc/doc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/strbuf.h"

struct doc *doc_new(const char *title)
{
	struct doc *d = xcalloc(1, sizeof(*d));

	d->title = xstrdup(title ? title : "");
	return d;
}

static void table_free(struct doc_table *t)
{
	if (!t)
		return;
	for (int c = 0; c < t->ncols; c++)
		free(t->header[c]);
	for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++)
		free(t->cells[i].text);
	free(t->header);
	free(t->cells);
	free(t->caption);
	free(t->sheet);
	free(t);
}

static void chart_free(struct doc_chart *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->labels[i]);
	free(c->labels);
	free(c->values);
	free(c->caption);
	free(c->value_label);
	free(c);
}

void doc_free(struct doc *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->blocks[i].text);
		table_free(d->blocks[i].table);
		chart_free(d->blocks[i].chart);
	}
	free(d->blocks);
	free(d->title);
	free(d->file_title);
	free(d->author);
	free(d->description);
	free(d);
}

/* `*slot` set to a copy of `v` (which may be the current value). */
static void set_copy(char **slot, const char *v)
{
	char *c = v ? xstrdup(v) : NULL;

	free(*slot);
	*slot = c;
}

void doc_set_meta(struct doc *d, const char *file_title, const char *author,
		  const char *description)
{
	set_copy(&d->file_title, file_title);
	set_copy(&d->author, author);
	set_copy(&d->description, description);
}

static struct doc_block *block_add(struct doc *d, enum doc_block_kind kind)
{
	struct doc_block *b;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->blocks = xrealloc(d->blocks, d->cap * sizeof(*d->blocks));
	}
	b = &d->blocks[d->n++];
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	return b;
}

void doc_add(struct doc *d, enum doc_block_kind kind, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	block_add(d, kind)->text = strbuf_detach(&sb, NULL);
}

struct doc_table *doc_table(struct doc *d, const char *caption, const char *sheet, int ncols,
			    const char *const *header)
{
	struct doc_table *t = xcalloc(1, sizeof(*t));

	t->caption = xstrdup(caption ? caption : "");
	t->sheet = xstrdup(sheet ? sheet : "");
	t->ncols = ncols;
	t->header = xcalloc((size_t)ncols, sizeof(*t->header));
	for (int c = 0; c < ncols; c++)
		t->header[c] = xstrdup(header[c] ? header[c] : "");
	block_add(d, DOC_TABLE)->table = t;
	return t;
}

size_t doc_row(struct doc_table *t)
{
	size_t base;

	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cells = xrealloc(t->cells, t->cap * (size_t)t->ncols * sizeof(*t->cells));
	}
	base = t->nrows * (size_t)t->ncols;
	for (int c = 0; c < t->ncols; c++) {
		t->cells[base + (size_t)c].kind = DOC_CELL_EMPTY;
		t->cells[base + (size_t)c].num = 0;
		t->cells[base + (size_t)c].text = xstrdup("");
	}
	return t->nrows++;
}

static struct doc_cell *cell(struct doc_table *t, size_t row, int col)
{
	return &t->cells[row * (size_t)t->ncols + (size_t)col];
}

const struct doc_cell *doc_cell_at(const struct doc_table *t, size_t row, int col)
{
	return &t->cells[row * (size_t)t->ncols + (size_t)col];
}

static void cell_set(struct doc_table *t, size_t row, int col, enum doc_cell_kind kind,
		     int64_t num, char *text)
{
	struct doc_cell *c = cell(t, row, col);

	free(c->text);
	c->kind = kind;
	c->num = num;
	c->text = text;
}

void doc_cell_text(struct doc_table *t, size_t row, int col, const char *text)
{
	cell_set(t, row, col, DOC_CELL_TEXT, 0, xstrdup(text ? text : ""));
}

void doc_cell_int(struct doc_table *t, size_t row, int col, int64_t v)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%lld", (long long)v);
	cell_set(t, row, col, DOC_CELL_INT, v, strbuf_detach(&sb, NULL));
}

void doc_cell_percent(struct doc_table *t, size_t row, int col, int64_t tenths, int has_value)
{
	struct strbuf sb = STRBUF_INIT;
	int64_t a = tenths < 0 ? -tenths : tenths;

	if (!has_value) {
		cell_set(t, row, col, DOC_CELL_EMPTY, 0, xstrdup("—"));
		return;
	}
	strbuf_addf(&sb, "%s%lld.%lld%%", tenths < 0 ? "-" : "", (long long)(a / 10),
		    (long long)(a % 10));
	cell_set(t, row, col, DOC_CELL_PERCENT, tenths, strbuf_detach(&sb, NULL));
}

struct doc_chart *doc_chart(struct doc *d, const char *caption, const char *value_label,
			    int64_t target, const struct doc_table *t, int label_col,
			    int value_col)
{
	struct doc_chart *c = xcalloc(1, sizeof(*c));

	c->caption = xstrdup(caption ? caption : "");
	c->value_label = xstrdup(value_label ? value_label : "");
	c->target = target;
	c->table = doc_table_index(d, t);
	c->label_col = label_col;
	c->value_col = value_col;
	for (size_t r = 0; r < t->nrows; r++) {
		const struct doc_cell *v = doc_cell_at(t, r, value_col);

		if (v->kind != DOC_CELL_PERCENT || (t->total_row && r + 1 == t->nrows))
			continue;
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 16;
			c->labels = xrealloc(c->labels, c->cap * sizeof(*c->labels));
			c->values = xrealloc(c->values, c->cap * sizeof(*c->values));
		}
		c->labels[c->n] = xstrdup(doc_cell_at(t, r, label_col)->text);
		c->values[c->n] = v->num;
		c->n++;
	}
	block_add(d, DOC_CHART)->chart = c;
	return c;
}

int doc_table_index(const struct doc *d, const struct doc_table *t)
{
	int k = 0;

	for (size_t i = 0; i < d->n; i++) {
		if (d->blocks[i].kind != DOC_TABLE)
			continue;
		if (d->blocks[i].table == t)
			return k;
		k++;
	}
	return -1;
}

doc_writer doc_writer_for(const char *format)
{
	if (!format)
		return NULL;
	if (!strcmp(format, "docx"))
		return doc_write_docx;
	if (!strcmp(format, "pdf"))
		return doc_write_pdf;
	if (!strcmp(format, "xlsx"))
		return doc_write_xlsx;
	return NULL;
}

const char *doc_content_type(const char *format)
{
	if (!format)
		return NULL;
	if (!strcmp(format, "docx"))
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
	if (!strcmp(format, "pdf"))
		return "application/pdf";
	if (!strcmp(format, "xlsx"))
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	return NULL;
}
