/*
 * xlsx_int: what the XLSX reader's two halves share: xlsx_part.c (an XML
 * part of the archive read as a stream, libxml2's errors caught, OOXML's
 * text escapes) and xlsx_read.c (the workbook, its styles, shared strings
 * and first worksheet as rows).  Private to src/io/xlsx_*.c.
 */
#ifndef SANLING_XLSX_INT_H
#define SANLING_XLSX_INT_H

#include <stddef.h>

#include <libxml/xmlreader.h>
#include <zip.h>

#include "base/strbuf.h"
#include "io/table_int.h"

/* What a number in a cell of some format means. */
enum num_kind {
	KIND_NUMBER = 0,
	KIND_DATE,
	KIND_DATETIME,
	KIND_TIME,
};

struct xlsx_in;

/* One XML part of the archive being parsed. */
struct xml_part {
	struct xlsx_in *x;
	char *name;
	zip_file_t *zf;
	xmlTextReaderPtr xr;
	struct strbuf err;  /* the first problem met while reading/parsing */
};

struct xlsx_in {
	zip_t *za;
	size_t inflated;    /* bytes inflated so far, all parts together */

	/* the budgets for this archive's size, and what is spent of them */
	size_t max_inflate, max_sst_n, max_sst_bytes, max_cells, max_output;
	size_t ncells, output;
	int over;           /* a budget was exceeded: TABLE_ELIMIT */

	/* shared strings, back to back, each NUL-terminated */
	struct strbuf sst;
	size_t *sst_off;
	size_t sst_n, sst_alloc;

	/* styles: the kind of each cell format (xf), by index */
	unsigned char *xf_kind;
	size_t nxf;
	int date1904;

	struct xml_part *cur_part; /* the part being parsed, for errors */
	char *sheet_name;          /* the worksheet's part name */

	/* the worksheet */
	struct xml_part sheet;
	int sheet_open;
	int in_sheetdata, in_row, in_cell, in_v, in_is, in_t;
	int rph_depth;
	size_t cur_row;     /* number of the row being read (1-based) */
	size_t next_col;    /* the column after the last cell placed */
	size_t col;         /* the current cell's column */
	char ctype[12];     /* the current cell's t="" */
	size_t cstyle;      /* the current cell's s="" */
	int has_value;
	struct strbuf text; /* the current cell's raw text */
	struct strbuf val;  /* the current cell's value as returned */
	struct table_rowbuf row;
};

/* The thread's libxml2 error handlers as they were (xp_guard_on()/_off()). */
struct err_guard {
	xmlGenericErrorFunc gfn;
	void *gctx;
	xmlStructuredErrorFunc sfn;
	void *sctx;
};

/*
 * Catch libxml2's thread-wide error handlers for archive `x` while a loop
 * reads its parts (messages go to the part being parsed); put back after.
 */
void xp_guard_on(struct err_guard *g, struct xlsx_in *x);
void xp_guard_off(const struct err_guard *g);

/* The index of entry `name` in the archive, or -1. */
zip_int64_t xp_locate(zip_t *za, const char *name);
/*
 * Open part `name` for parsing.  Returns 1 if opened, 0 if the archive has
 * no such part, -1 on error.
 */
int xp_open(struct xlsx_in *x, struct xml_part *p, const char *name, struct strbuf *err);
void xp_close(struct xml_part *p);
/*
 * Advance to the next node: 1, 0 at the end of the part, -1 on error.
 * libxml2 parses ahead of the node it hands out, so an error it reports is
 * acted on only when the reader gives up (or at the end), after the nodes
 * before it.  Callers hold an err_guard around their loops.
 */
int xp_step(struct xml_part *p, struct strbuf *err);

/* Is the reader on element `local` (any namespace)? */
int xp_is_elem(xmlTextReaderPtr xr, const char *local);
/* The value of attribute `local` in any namespace (malloc'd) or NULL. */
char *xp_attr(xmlTextReaderPtr xr, const char *local);
/* Does a node of this type carry text (text, CDATA, significant white space)? */
int xp_is_text_node(int type);
/* Parse a decimal index; -1 if `s` is not one. */
int xp_parse_index(const char *s, size_t *out);
/*
 * Append `len` bytes of string text to `out`, decoding OOXML's _xHHHH_
 * escapes (Excel writes control characters that way, and a literal "_x" as
 * "_x005F_x").  _x0000_ is dropped; a lone surrogate is kept as written.
 */
void xp_decode_text(struct strbuf *out, const char *s, size_t len);

#endif
