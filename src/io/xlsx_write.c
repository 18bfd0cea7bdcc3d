/*
 * xlsx_write.c: the XLSX writer of the table layer, over libxlsxwriter (see
 * table.h for what the file looks like).  Constant-memory mode streams rows
 * to a temporary file, so exporting a long list costs no more memory than
 * a short one.  A memory writer builds the workbook in a temporary file of
 * its own (libxlsxwriter can only write to a path) and reads it back.
 *
 * It is not a report writer: no formulas, merged cells, charts or styles
 * beyond a bold, frozen header.  The reports have their own module.
 */
#include "io/table.h"
#include "io/table_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "base/alloc.h"
#include "base/strbuf.h"

#define WIDTH_MIN 8
#define WIDTH_MAX 60
#define XLSX_CHARS_MAX 32767

struct xlsx_out {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold;
	char *path;          /* the file written, or the temporary file */
	char *tmpdir;
	int tmpfd;           /* memory writers: the temporary file, open */
	int finished;
	struct strbuf esc;   /* a cell with "_xHHHH_" escaped */
	size_t ncols;
	size_t width[TABLE_COLS_MAX];
};

/*
 * A canonical decimal with at most 15 significant digits: '-'?, then "0" or
 * [1-9][0-9]*, then ('.' [0-9]+)?; negative zero is not.
 */
static int canonical_number(const char *s)
{
	const char *p = s;
	int sig = 0, nonzero = 0, neg = 0;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (*p == '0') {
		p++;
		if (*p >= '0' && *p <= '9')
			return 0;
	} else if (*p >= '1' && *p <= '9') {
		while (*p >= '0' && *p <= '9') {
			nonzero = 1;
			sig++;
			p++;
		}
	} else {
		return 0;
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return 0;
		while (*p >= '0' && *p <= '9') {
			if (*p != '0')
				nonzero = 1;
			if (nonzero)
				sig++;
			p++;
		}
	}
	if (*p || sig > 15)
		return 0;
	return !(neg && !nonzero);
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/*
 * Excel reads "_xHHHH_" in a string as an escaped character, and a literal
 * one must be written "_x005F_xHHHH_"; libxlsxwriter does not do that, so
 * it is done here.  Returns 1 and fills `out` if `s` needed it, else 0.
 */
static int escape_literal_x(const char *s, struct strbuf *out)
{
	const char *p = s, *hit;
	int any = 0;

	strbuf_reset(out);
	while ((hit = strstr(p, "_x")) != NULL) {
		if (is_hex(hit[2]) && is_hex(hit[3]) && is_hex(hit[4]) &&
		    is_hex(hit[5]) && hit[6] == '_') {
			strbuf_add(out, p, (size_t)(hit - p));
			strbuf_addstr(out, "_x005F");
			any = 1;
			p = hit;
			strbuf_add(out, p, 2);
			p += 2;
		} else {
			strbuf_add(out, p, (size_t)(hit + 2 - p));
			p = hit + 2;
		}
	}
	strbuf_addstr(out, p);
	return any;
}

static int xlsx_row(struct table_writer *w, const char *const *cells,
		    size_t n, struct strbuf *err)
{
	struct xlsx_out *o = w->impl;
	lxw_row_t rownum = (lxw_row_t)w->nrows;
	size_t i;

	if (w->nrows >= TABLE_XLSX_ROWS_MAX) {
		if (err)
			strbuf_addf(err, "row %zu: an XLSX sheet holds at most "
				    "%d rows", w->nrows + 1, TABLE_XLSX_ROWS_MAX);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (cells[i] && utf8_chars(cells[i]) > XLSX_CHARS_MAX) {
			if (err) {
				strbuf_addf(err, "row %zu, column ", w->nrows + 1);
				table_colname(err, i);
				strbuf_addf(err, ": longer than the %d characters "
					    "an Excel cell holds", XLSX_CHARS_MAX);
			}
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		const char *c = cells[i];
		lxw_error e;
		size_t wd;

		if (!c || !*c)
			continue;
		if (rownum > 0 && w->numeric[i] && canonical_number(c))
			e = worksheet_write_number(o->ws, rownum, (lxw_col_t)i,
						   strtod(c, NULL), NULL);
		else
			e = worksheet_write_string(o->ws, rownum, (lxw_col_t)i,
						   escape_literal_x(c, &o->esc)
						   ? o->esc.buf : c,
						   rownum ? NULL : o->bold);
		if (e != LXW_NO_ERROR) {
			if (err) {
				strbuf_addf(err, "row %zu, column ", w->nrows + 1);
				table_colname(err, i);
				strbuf_addf(err, ": %s", lxw_strerror(e));
			}
			return -1;
		}
		wd = table_display_width(c);
		if (wd > o->width[i])
			o->width[i] = wd;
		if (i + 1 > o->ncols)
			o->ncols = i + 1;
	}
	return 0;
}

static int xlsx_finish(struct table_writer *w, struct strbuf *out,
		       struct strbuf *err)
{
	struct xlsx_out *o = w->impl;
	lxw_error e;
	size_t i;

	for (i = 0; i < o->ncols; i++) {
		double width = (double)o->width[i] + 2;

		if (width < WIDTH_MIN)
			width = WIDTH_MIN;
		if (width > WIDTH_MAX)
			width = WIDTH_MAX;
		worksheet_set_column(o->ws, (lxw_col_t)i, (lxw_col_t)i, width,
				     NULL);
	}
	e = workbook_close(o->wb);
	o->wb = NULL;
	if (e != LXW_NO_ERROR) {
		if (err)
			strbuf_addf(err, "%s: cannot write the workbook: %s",
				    out ? "export" : o->path, lxw_strerror(e));
		return -1;
	}
	if (out) {
		if (lseek(o->tmpfd, 0, SEEK_SET) < 0 ||
		    strbuf_read_fd(out, o->tmpfd) < 0) {
			if (err)
				strbuf_addf(err, "cannot read back the workbook: %s",
					    strerror(errno));
			return -1;
		}
	}
	o->finished = 1;
	return 0;
}

static void xlsx_out_release(struct table_writer *w)
{
	struct xlsx_out *o = w->impl;

	if (!o)
		return;
	if (o->wb)
		lxw_workbook_free(o->wb);
	if (o->tmpfd >= 0)
		close(o->tmpfd);
	if (o->path && (w->to_mem || !o->finished))
		unlink(o->path);
	free(o->path);
	free(o->tmpdir);
	strbuf_release(&o->esc);
	free(o);
	w->impl = NULL;
}

int table_xlsx_writer_open(struct table_writer *w, const char *path,
			   const char *sheet_name, struct strbuf *err)
{
	struct xlsx_out *o = xcalloc(1, sizeof(*o));
	lxw_workbook_options opts;
	const char *tmpdir = getenv("TMPDIR");
	lxw_error e;

	if (!o)
		abort();
	o->tmpfd = -1;
	strbuf_init(&o->esc, 0);
	w->impl = o;
	w->row = xlsx_row;
	w->finish = xlsx_finish;
	w->release = xlsx_out_release;
	if (!tmpdir || !*tmpdir)
		tmpdir = "/tmp";
	o->tmpdir = xstrdup(tmpdir);
	if (!sheet_name)
		sheet_name = "Sheet1";

	if (path) {
		/* create it now, so that a bad path fails here, not at close */
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

		if (fd < 0) {
			if (err)
				strbuf_addf(err, "%s: cannot create: %s", path,
					    strerror(errno));
			return -1;
		}
		close(fd);
		o->path = xstrdup(path);
	} else {
		struct strbuf tmpl = STRBUF_INIT;

		strbuf_addf(&tmpl, "%s/sanling-export-XXXXXX", tmpdir);
		o->tmpfd = mkostemp(tmpl.buf, O_CLOEXEC);
		if (o->tmpfd < 0) {
			if (err)
				strbuf_addf(err, "cannot create a temporary file "
					    "in %s: %s", tmpdir, strerror(errno));
			strbuf_release(&tmpl);
			return -1;
		}
		o->path = strbuf_detach(&tmpl, NULL);
	}

	memset(&opts, 0, sizeof(opts));
	opts.constant_memory = LXW_TRUE;
	opts.tmpdir = o->tmpdir;
	o->wb = workbook_new_opt(o->path, &opts);
	if (!o->wb) {
		if (err)
			strbuf_addstr(err, "cannot start a workbook");
		return -1;
	}
	e = workbook_validate_sheet_name(o->wb, sheet_name);
	if (e != LXW_NO_ERROR) {
		if (err)
			strbuf_addf(err, "invalid sheet name '%s': %s", sheet_name,
				    lxw_strerror(e));
		return -1;
	}
	o->ws = workbook_add_worksheet(o->wb, sheet_name);
	o->bold = workbook_add_format(o->wb);
	if (!o->ws || !o->bold) {
		if (err)
			strbuf_addstr(err, "cannot start a worksheet");
		return -1;
	}
	format_set_bold(o->bold);
	worksheet_freeze_panes(o->ws, 1, 0);
	return 0;
}
