/*
 * table: read and write lists of rows as CSV or XLSX files.
 *
 * This is the tabular file layer under import and export.  A row is a list
 * of cells and a cell is a UTF-8 string; that is all it knows.  It does not
 * know what a column means, which row is the header, or how a cell becomes a
 * field: the entity machinery above maps columns to fields.  It is not a
 * spreadsheet library either: no formulas are evaluated, only the first
 * worksheet of a workbook is read, and everything is written as text except
 * the columns the caller marks numeric.
 *
 * Reading
 * -------
 * Rows come one at a time, in file order, without loading the file: CSV is
 * parsed in 64 KiB chunks and an XLSX worksheet is inflated and parsed as a
 * stream (only the shared-string table is held in memory whole).
 *
 * Row numbers are the physical rows a user sees when the file is opened in
 * Excel, 1-based (the header is usually row 1).  A CSV record that holds a
 * quoted newline is still one row.  Rows whose cells are all empty (blank
 * lines, rows Excel skips, rows with formatting only) are not returned, but
 * they are counted, so the numbers of the rows after them stay right.
 * Trailing empty cells are dropped: `ncells` is one past the last non-empty
 * cell of the row, and a caller must treat a missing cell as "".
 *
 * CSV input (RFC 4180, parsed by libcsv in strict mode):
 *  - fields separated by commas, records by CRLF, LF or CR;
 *  - quoted fields may hold commas, newlines and doubled quotes; a quote in
 *    an unquoted field, text after a closing quote, or a quote left open at
 *    the end of the file is an error naming the row;
 *  - spaces and tabs around an unquoted field are dropped (libcsv's rule);
 *    inside quotes they are kept;
 *  - encoding: UTF-8, with or without a BOM (the BOM is stripped).  If the
 *    bytes are not UTF-8 the file is taken as GB18030 (which includes GBK
 *    and GB2312, what Chinese Excel writes for "CSV") and converted.  The
 *    choice is made once, on the first 64 KiB chunk that holds a byte
 *    >= 0x80 (an all-ASCII start is the same in both and decides nothing):
 *    a BOM means UTF-8; otherwise UTF-8 if the chunk has more valid UTF-8
 *    multi-byte sequences than bytes that start none, else GB18030.  Bytes
 *    later on that do not fit the choice are an error naming the row, so a
 *    file mixing UTF-8 and GBK is refused, not half-converted.  UTF-16
 *    (Excel's "Unicode text") is refused with a hint.
 *  - a NUL byte, invalid UTF-8, a cell over TABLE_CELL_MAX bytes or a
 *    non-empty cell beyond column TABLE_COLS_MAX is an error naming the row.
 *
 * XLSX input (libzip + libxml2's streaming reader):
 *  - the first worksheet in workbook order (xl/workbook.xml and its
 *    relationships; xl/worksheets/sheet1.xml if those are missing);
 *  - shared strings, inline strings and formula strings are read as text
 *    (rich-text runs concatenated, phonetic runs left out, OOXML's _xHHHH_
 *    escapes decoded); formulas are not evaluated: the value Excel cached
 *    with the formula is read;
 *  - booleans read as "TRUE"/"FALSE"; error cells as their text ("#N/A");
 *  - numbers read as stored ("5", "3.25", "1E+20"), except that a number
 *    stored with more than 15 significant digits is rounded to 15, as Excel
 *    shows it (0.1+0.2 is stored as 0.30000000000000004 and reads "0.3").
 *    This assumes the C library's numeric locale is "C" (the default);
 *  - a number whose cell style is a date format reads as "YYYY-MM-DD",
 *    with a time part in the format as "YYYY-MM-DD HH:MM:SS", and in a
 *    time-only format as "HH:MM:SS".  Date formats are the built-in 14-17,
 *    22 (with time), 27-31, 36, 50-54, 57, 58 (the zh-CN ones) and custom
 *    formats with y, d or m outside quotes and brackets; time formats the
 *    built-in 18-21, 32-35, 45-47, 55, 56 and custom formats with h or s.
 *    Both the 1900 and the 1904 date systems are honoured (Excel's serial
 *    60 reads "1900-02-29", as Excel shows it);
 *  - cell references (r="C7") place cells, so skipped empty cells become ""
 *    in the right column; a cell or row out of order is an error;
 *  - guards: at most TABLE_ZIP_ENTRIES_MAX entries in the archive; XML
 *    with a DOCTYPE is refused (no entities); malformed XML is an error,
 *    never a crash.  Old .xls files and password-protected workbooks (both
 *    OLE containers) are refused with a hint.
 *  - budgets: a small archive must not cost much CPU or memory however it
 *    was made (a "zip bomb", or millions of tiny shared strings that
 *    deflate to nothing).  What a workbook may expand to is bounded by its
 *    own size in bytes (`len`, the upload) and by a fixed cap, whichever is
 *    smaller (see TABLE_XLSX_BUDGET below):
 *      - bytes inflated, all parts together (counted as they are inflated,
 *        never trusted from the archive's directory; a part whose directory
 *        entry already says more is refused at once);
 *      - shared strings: their number and their bytes (the table is the one
 *        thing held in memory whole);
 *      - cells (<c> elements) of the worksheet, and the bytes of the values
 *        handed out in rows (a cell may name a long shared string over and
 *        over);
 *    and rows at most TABLE_XLSX_ROWS_MAX, columns at most 16384 (XFD), with
 *    or without r="" attributes.  Going over a budget is an error that
 *    says which and returns TABLE_ELIMIT, at open or from
 *    table_reader_next(): the caller should refuse the whole file (the API
 *    answers 413), not import the rows before it.
 *
 * Writing
 * -------
 * CSV output is UTF-8 with a BOM (so Excel opens Chinese text correctly),
 * CRLF line ends, and quotes only where needed (a comma, quote, CR or LF in
 * the cell, or leading or trailing space or tab, which a reader would strip).
 * Formula injection is neutralised: a cell that starts with = + - @ TAB or CR
 * gets a leading apostrophe ('), which makes Excel and WPS show it as text,
 * unless the whole cell is a plain number: an optional sign, digits, and an
 * optional fraction ("-3", "+86", "-1.5" are left alone; "-1e5", "=1+1",
 * "@SUM(A1)" and "-" are not).  The apostrophe is part of the data: a CSV
 * written here and read back keeps it.
 *
 * XLSX output (libxlsxwriter, constant-memory mode, so rows stream to a
 * temporary file): one worksheet, the first row bold and frozen as a header,
 * column widths from the longest cell (CJK characters count double) within
 * 8..60, every cell a string except in columns marked numeric.  Strings in
 * an XLSX cell are never formulas, so no neutralisation is needed there; a
 * literal "_xHHHH_" in a cell is escaped so that Excel does not decode it.
 *
 * Errors
 * ------
 * Every function that can fail returns 0 (or the documented positive value)
 * on success and a negative number on failure, appending a message for a
 * person to `err` when it is not NULL.  Messages about a row start with
 * "row N: " or "row N, column X: " (CSV) or "row N: cell XN " (XLSX); an
 * XLSX whose XML is malformed gets the part and line instead, as libxml2
 * parses ahead and the row would be a guess (table_reader_rownum() then
 * gives the last row read).  Messages from table_reader_open() start with
 * the path.  Allocation failure aborts (see strbuf.h).
 *
 * Threads: readers and writers are independent objects and may be used from
 * different threads at once; one object must not be shared between threads.
 * Call table_global_init() once from the main thread before other threads
 * start (libxml2 wants its parser initialised up front).
 */
#ifndef SANLING_IO_TABLE_H
#define SANLING_IO_TABLE_H

#include <stddef.h>

struct strbuf;

enum table_format {
	TABLE_CSV = 1,
	TABLE_XLSX = 2,
};

/* Limits; exceeding one is an error naming the row. */
#define TABLE_CELL_MAX (128 * 1024)   /* bytes of UTF-8 in one cell: fits
					 Excel's 32767 characters */
#define TABLE_COLS_MAX 256            /* columns that may hold a value */
#define TABLE_ZIP_ENTRIES_MAX 10000   /* entries in an XLSX archive */
#define TABLE_INFLATE_MAX ((size_t)512 * 1024 * 1024) /* bytes inflated from
							 one XLSX, all parts */
#define TABLE_XLSX_ROWS_MAX 1048576   /* Excel's last row */
#define TABLE_XLSX_COLS_MAX 16384     /* Excel's last column, XFD */

/*
 * The budgets of an XLSX of `len` bytes: each is base + per_byte * len,
 * but never more than max.  Real workbooks inflate about 10:1 and spend a
 * few bytes of archive on each cell and each distinct string, so the
 * per-byte factors leave ample room for them (tests/unit/test_table.c
 * reads the project's own exports, which hit none of them).
 */
struct table_budget {
	size_t base, per_byte, max;
};
#define TABLE_XLSX_BUDGET_INFLATE { (size_t)16 << 20, 100, TABLE_INFLATE_MAX }
#define TABLE_XLSX_BUDGET_SST_COUNT { 65536, 1, (size_t)4 << 20 }
#define TABLE_XLSX_BUDGET_SST_BYTES { (size_t)4 << 20, 32, (size_t)128 << 20 }
#define TABLE_XLSX_BUDGET_CELLS { (size_t)1 << 20, 16, (size_t)64 << 20 }
#define TABLE_XLSX_BUDGET_OUTPUT { (size_t)16 << 20, 64, (size_t)1 << 30 }

/* What a budget allows for a file of `len` bytes. */
size_t table_budget_of(const struct table_budget *b, size_t len);

/*
 * The return value of table_reader_open*() and table_reader_next() when a
 * file goes over one of the budgets above: refuse it whole (HTTP 413).
 * Every other failure is -1.
 */
#define TABLE_ELIMIT (-2)

/*
 * Initialise the libraries this module uses (libxml2's parser).  Call once
 * from the main thread before starting threads; calling it again is harmless.
 * The reader also calls it, which is enough for single-threaded programs.
 */
void table_global_init(void);

/*
 * Choose the format from the extension of `path` (".csv" or ".xlsx", any
 * case).  Returns 0 and sets *fmt, or -1 with an error naming the extension
 * (or saying there is none).  Only the name is looked at.
 */
int table_format_from_path(const char *path, enum table_format *fmt,
			   struct strbuf *err);

/* "csv" or "xlsx": the extension without a dot.  A static string. */
const char *table_format_ext(enum table_format fmt);

/*
 * The MIME type to send with a file of this format ("text/csv;
 * charset=utf-8" or the OOXML spreadsheet type).  A static string.
 */
const char *table_format_mime(enum table_format fmt);

/* ---- reading ---- */

struct table_reader;

/*
 * One row as returned by table_reader_next().  `cells[0..ncells-1]` are
 * NUL-terminated UTF-8 strings (never NULL, possibly ""), owned by the reader
 * and valid until the next call on it.
 */
struct table_row {
	size_t ncells;
	const char **cells;
};

/*
 * Open the file at `path` for reading, the format chosen by its extension
 * (see table_format_from_path).  On success returns 0 and sets *out, which
 * the caller frees with table_reader_free().  On failure returns negative,
 * sets *out to NULL and says why in `err` (the file cannot be opened, the
 * extension is unknown, an XLSX is not a zip archive or has no worksheet...);
 * TABLE_ELIMIT when an XLSX goes over a budget already at open.
 */
int table_reader_open(const char *path, struct table_reader **out,
		      struct strbuf *err);

/*
 * As table_reader_open() but from `len` bytes at `data` (an uploaded file's
 * body), in the format given.  The bytes are not copied: they must stay
 * valid and unchanged until table_reader_free().
 */
int table_reader_open_mem(const char *data, size_t len, enum table_format fmt,
			  struct table_reader **out, struct strbuf *err);

/*
 * Read the next non-empty row into *row.  Returns 1 for a row, 0 at the end
 * of the table, negative on error ("row N: why" in `err`; TABLE_ELIMIT for a
 * budget).  After an error or the end, further calls return the same result
 * without reading.
 */
int table_reader_next(struct table_reader *r, struct table_row *row,
		      struct strbuf *err);

/*
 * The row number (1-based, as Excel shows it) of the row last returned by
 * table_reader_next(), or of the row where it failed; 0 before the first.
 */
size_t table_reader_rownum(const struct table_reader *r);

/*
 * The size in bytes of what the reader reads: the length given to
 * table_reader_open_mem(), or the file's size.  For sizing what an import
 * may spend on it.
 */
size_t table_reader_size(const struct table_reader *r);

/* Close the file and free everything; NULL is allowed. */
void table_reader_free(struct table_reader *r);

/* ---- writing ---- */

struct table_writer;

/*
 * Create (or truncate) the file at `path`, format chosen by its extension.
 * `sheet_name` names the worksheet of an XLSX (NULL means "Sheet1"; at most
 * 31 characters and none of []:*?/\ -- else an error) and is ignored for
 * CSV.  On success returns 0 and sets *out; the caller ends with
 * table_writer_close() (to keep the file) or table_writer_free() (to drop
 * it).  The first row written is the header.
 */
int table_writer_open(const char *path, const char *sheet_name,
		      struct table_writer **out, struct strbuf *err);

/*
 * As table_writer_open() but the file is built in memory (for an HTTP
 * response) and handed over by table_writer_close_mem().  An XLSX is built
 * in a temporary file in $TMPDIR (or /tmp) that never outlives the writer.
 */
int table_writer_open_mem(enum table_format fmt, const char *sheet_name,
			  struct table_writer **out, struct strbuf *err);

/*
 * Mark column `col` (0-based) numeric (`on` non-zero) or text.  In an XLSX,
 * a cell of a numeric column after the header row is written as a number
 * when it is a canonical decimal: an optional '-', then "0" or digits not
 * starting with 0, then optionally '.' and digits, at most 15 significant
 * digits in all (so Excel sums work and no digit is lost; "1.50" is written
 * as the number 1.5).  Anything else, e.g. "007", "1e3" or an 18-digit ID
 * number, is still written as text.  No effect on CSV.  Returns 0, or -1 if
 * `col` >= TABLE_COLS_MAX.
 */
int table_writer_set_numeric(struct table_writer *w, size_t col, int on);

/*
 * Append one row of `n` cells.  A NULL cell is written as empty.  Cells must
 * be valid UTF-8 (else an error naming the row and column, and nothing of
 * the row is written); `n` may be at most TABLE_COLS_MAX, an XLSX holds at
 * most TABLE_XLSX_ROWS_MAX rows and 32767 characters a cell.  After an error
 * the writer should be dropped with table_writer_free().
 */
int table_writer_row(struct table_writer *w, const char *const *cells,
		     size_t n, struct strbuf *err);

/*
 * Finish the file written to a path: flush, close and free `w` (always,
 * even on error).  Returns 0, or negative if the file could not be
 * completed (disk full...), in which case the partial file is removed.
 * A writer opened with table_writer_open_mem() is an error here (it is
 * freed).
 */
int table_writer_close(struct table_writer *w, struct strbuf *err);

/*
 * Finish a writer opened with table_writer_open_mem(): the whole file is
 * appended to `out`, and `w` is freed (always, even on error).  Returns 0
 * or negative.
 */
int table_writer_close_mem(struct table_writer *w, struct strbuf *out,
			   struct strbuf *err);

/*
 * Drop a writer without finishing it: frees everything and removes the
 * partial file (or temporary file).  NULL is allowed.
 */
void table_writer_free(struct table_writer *w);

#endif
