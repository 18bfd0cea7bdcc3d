/*
 * table_int: what the CSV and XLSX halves of the table layer share with
 * table.c and with each other.  Private to src/io/table*.c, csv.c and
 * xlsx_*.c; callers use table.h only.  Not an extension point: the two
 * formats are listed here by name.
 */
#ifndef SANLING_IO_TABLE_INT_H
#define SANLING_IO_TABLE_INT_H

#include <stddef.h>

#include "base/strbuf.h"
#include "io/table.h"

/*
 * The common part of a reader.  A format's open function fills `next` and
 * `release` and its own state in `impl`.  table.c keeps the sticky end or
 * error so that formats need not.
 */
struct table_reader {
	/* 1 with a row, 0 at the end, negative with a message in err. */
	int (*next)(struct table_reader *r, struct table_row *row,
		    struct strbuf *err);
	/* Free `impl` and whatever it holds (not `r`). */
	void (*release)(struct table_reader *r);
	void *impl;
	size_t rownum;      /* set by `next`, see table_reader_rownum() */
	int state;          /* 0 reading, 1 ended, negative: failed with that */
	size_t size;        /* see table_reader_size() */
	struct strbuf error; /* the failure, repeated to later calls */
};

/*
 * The common part of a writer.  `finish` completes the file; when `out` is
 * not NULL (a memory writer) the finished bytes are appended to it.
 * `release` frees `impl` and, unless `finish` succeeded, removes what was
 * written.  table.c validates rows (UTF-8, column count) and counts them
 * before `row` sees them.
 */
struct table_writer {
	int (*row)(struct table_writer *w, const char *const *cells, size_t n,
		   struct strbuf *err);
	int (*finish)(struct table_writer *w, struct strbuf *out,
		      struct strbuf *err);
	void (*release)(struct table_writer *w);
	void *impl;
	enum table_format fmt;
	int to_mem;
	size_t nrows;       /* rows written before the current one */
	unsigned char numeric[TABLE_COLS_MAX];
};

/*
 * A row being assembled: cells by column, gaps filled with "", trailing
 * empties dropped by rowbuf_finish().
 */
struct table_rowbuf {
	struct strbuf data;   /* cells, each NUL-terminated */
	size_t *off;          /* offset of each cell in data */
	size_t ncells;        /* cells placed so far (incl. gaps) */
	size_t last_nonempty; /* one past the last non-empty cell */
	size_t alloc;
	const char **ptrs;    /* handed out by rowbuf_finish() */
	size_t ptrs_alloc;
};

void table_rowbuf_init(struct table_rowbuf *rb);
void table_rowbuf_release(struct table_rowbuf *rb);
void table_rowbuf_reset(struct table_rowbuf *rb);
/* Put `len` bytes at column `col` (>= ncells), filling the gap with "". */
void table_rowbuf_set(struct table_rowbuf *rb, size_t col, const char *s,
		      size_t len);
/* Point `row` at the cells; returns 0 if every cell is empty, else 1. */
int table_rowbuf_finish(struct table_rowbuf *rb, struct table_row *row);

/*
 * The length (1-4) of the valid UTF-8 sequence at s[0..len), len >= 1;
 * 0 if it is the valid start of a sequence cut short by `len`; -1 if
 * s[0] starts no valid sequence (an overlong form, a surrogate, a stray
 * continuation byte...).
 */
int table_utf8_seq(const char *s, size_t len);

/*
 * Check that `len` bytes at `s` are UTF-8 without NUL: returns 0, or -1 and
 * sets *bad to the offset of the first offending byte and *why to a static
 * description ("a NUL byte", "invalid UTF-8").  With `allow_cut` a sequence
 * cut short by the end of the buffer is accepted.
 */
int table_utf8_check(const char *s, size_t len, int allow_cut, size_t *bad,
		     const char **why);

/* "A", "B", ... "Z", "AA" ... for 0-based column `col`, appended to sb. */
void table_colname(struct strbuf *sb, size_t col);

/* The width of `s` in Excel column units (CJK and other wide chars: 2). */
size_t table_display_width(const char *s);

/* The formats' entry points, called by table.c. */
int table_csv_reader_open(struct table_reader *r, int fd, const char *data,
			  size_t len, struct strbuf *err);
int table_xlsx_reader_open(struct table_reader *r, const char *path,
			   const char *data, size_t len, struct strbuf *err);
int table_csv_writer_open(struct table_writer *w, const char *path,
			  struct strbuf *err);
int table_xlsx_writer_open(struct table_writer *w, const char *path,
			   const char *sheet_name, struct strbuf *err);

#endif
