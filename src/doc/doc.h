/*
 * doc: a document as the month's documents need it, and its three
 * writers.  A document is a title and a sequence of blocks — a line under
 * the title (第N期, the issuer and date), headings of two levels (一、 and
 * （一）), paragraphs, tables of typed cells, a bar chart of percentages, a
 * signature block, a small note — in the register of a 公文 (GB/T 9704).
 * The same document is written as DOCX (docx.c: libzip and libxml2's text
 * writer, from the template files of src/doc/templates/docx, compiled in),
 * as PDF (pdf.c: cairo and pango, the fonts embedded, the chart drawn; a
 * module loaded when first used, below) and
 * as XLSX (xlsx_doc.c: libxlsxwriter, a sheet per table and a native chart).
 *
 * Knows nothing of the domain: what a document says is built by report/.
 * Every string is UTF-8 and copied in; numbers are integers (a percentage
 * in tenths: 857 = 85.7 %), never floating point, up to the writers.
 */
#ifndef SANLING_DOC_H
#define SANLING_DOC_H

#include <stddef.h>
#include <stdint.h>

struct strbuf;

/*
 * The fonts, named once: the free CJK faces Debian's fonts-noto-cjk gives,
 * in the places GB/T 9704 puts 方正小标宋 (the title), 黑体 (一、 headings),
 * 楷体 (（一） headings) and 仿宋 (the body).  The DOCX's styles.xml names
 * the same families (an office may put its own there).
 */
#define DOC_FONT_TITLE "Noto Serif CJK SC"   /* bold */
#define DOC_FONT_HEADING1 "Noto Sans CJK SC" /* 黑体-like */
#define DOC_FONT_HEADING2 "Noto Serif CJK SC" /* bold */
#define DOC_FONT_BODY "Noto Serif CJK SC"

enum doc_block_kind {
	DOC_SUBTITLE,  /* under the title, centred: 第8期, an issuer and a date */
	DOC_HEADING1,  /* 一、… */
	DOC_HEADING2,  /* （一）… */
	DOC_PARA,      /* a body paragraph, first line indented two characters */
	DOC_TABLE,     /* a table (doc_table) */
	DOC_CHART,     /* a bar chart (doc_chart) */
	DOC_SIGNATURE, /* right-aligned lines: the issuer, the date */
	DOC_NOTE,      /* small print at the end (how the document was made) */
};

enum doc_cell_kind {
	DOC_CELL_TEXT,
	DOC_CELL_INT,     /* num */
	DOC_CELL_PERCENT, /* num in tenths of a percent: 857 → 85.7% */
	DOC_CELL_EMPTY,   /* no value (a share of an empty set): "—" */
};

struct doc_cell {
	enum doc_cell_kind kind;
	int64_t num;
	char *text; /* the cell as shown, for every kind */
};

struct doc_table {
	char *caption; /* above the table; in XLSX the sheet's title row */
	char *sheet;   /* the XLSX sheet's name (≤ 31 characters) */
	int ncols;
	char **header;        /* ncols */
	size_t nrows, cap;    /* body rows, without the header */
	struct doc_cell *cells; /* nrows × ncols */
	int total_row;        /* the last row is a 合计 row (drawn bold) */
};

struct doc_chart {
	char *caption;      /* the chart's title */
	char *value_label;  /* the axis: 达标率（%） */
	int64_t target;     /* a target line in tenths, or < 0 for none */
	size_t n, cap;
	char **labels;
	int64_t *values;    /* tenths of a percent, 0..1000 */
	int table;          /* index among the document's tables whose data it draws (XLSX) or -1 */
	int label_col, value_col; /* the columns of that table */
};

struct doc_block {
	enum doc_block_kind kind;
	char *text;              /* SUBTITLE, HEADING*, PARA, SIGNATURE (lines split at '\n'), NOTE */
	struct doc_table *table; /* DOC_TABLE */
	struct doc_chart *chart; /* DOC_CHART */
};

struct doc {
	char *title;       /* the document's title, centred, title font */
	char *file_title;  /* metadata: the document's name for the file's properties */
	char *author;      /* metadata: the issuer */
	char *description; /* metadata: how it was made (e.g. the audit head) */
	struct doc_block *blocks;
	size_t n, cap;
};

struct doc *doc_new(const char *title);
void doc_free(struct doc *d);
void doc_set_meta(struct doc *d, const char *file_title, const char *author,
		  const char *description);

/* Add a block of text (printf-style). */
void doc_add(struct doc *d, enum doc_block_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Add a table of `ncols` columns with the given header; fill it with
 * doc_row() and the doc_cell_*() setters of the row's cells.
 */
struct doc_table *doc_table(struct doc *d, const char *caption, const char *sheet, int ncols,
			    const char *const *header);
/* Append a row of empty cells; returns its index. */
size_t doc_row(struct doc_table *t);
void doc_cell_text(struct doc_table *t, size_t row, int col, const char *text);
void doc_cell_int(struct doc_table *t, size_t row, int col, int64_t v);
/* A percentage in tenths; without a value (`has_value` 0: a share of an empty set) the cell is empty ("—"). */
void doc_cell_percent(struct doc_table *t, size_t row, int col, int64_t tenths, int has_value);
const struct doc_cell *doc_cell_at(const struct doc_table *t, size_t row, int col);

/*
 * Add a bar chart of percentages drawn from table `t`'s columns
 * `label_col` (the bars' names) and `value_col` (DOC_CELL_PERCENT; empty
 * cells are left out), with a target line (tenths; < 0 for none).
 */
struct doc_chart *doc_chart(struct doc *d, const char *caption, const char *value_label,
			    int64_t target, const struct doc_table *t, int label_col,
			    int value_col);

/* Table `t`'s index among the document's tables (its XLSX sheet), -1 when not in it. */
int doc_table_index(const struct doc *d, const struct doc_table *t);

/*
 * The writers: the whole file into `out` (binary; out->len bytes).
 * 0, or -1 with a message in `err` (an operator's: a library failed).
 */
int doc_write_docx(const struct doc *d, struct strbuf *out, struct strbuf *err);
int doc_write_pdf(const struct doc *d, struct strbuf *out, struct strbuf *err);
int doc_write_xlsx(const struct doc *d, struct strbuf *out, struct strbuf *err);

/*
 * The PDF writer (pdf.c) is a module of its own, DOC_PDF_MODULE beside the
 * program as built (build/) or in PREFIX/lib/sanling/ as installed: pango,
 * cairo, fontconfig and the thirty-odd libraries under them are loaded by
 * the first PDF a process writes (pdf_load.c: doc_write_pdf()), not at
 * every start of every command.  Its one entry point, called by
 * doc_write_pdf(); without the module doc_write_pdf() fails with a message
 * that names it.
 */
#define DOC_PDF_MODULE "sanling-pdf.so"
int doc_pdf_module_write(const struct doc *d, struct strbuf *out, struct strbuf *err);

/* The writers by name: "docx", "pdf", "xlsx"; NULL for another. */
typedef int (*doc_writer)(const struct doc *d, struct strbuf *out, struct strbuf *err);
doc_writer doc_writer_for(const char *format);
/* The media type of a format ("application/pdf", …), NULL for another. */
const char *doc_content_type(const char *format);

#endif
