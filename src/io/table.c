/*
 * table.c: the format-neutral half of the table layer (see table.h): format
 * by extension, the reader and writer lifecycles with their sticky errors,
 * row validation on the way out, and the small helpers both formats use
 * (row assembly, UTF-8 checking, column names, display widths).
 *
 * It parses nothing itself: csv.c, xlsx_read.c and xlsx_write.c do.
 */
#include "io/table.h"
#include "base/alloc.h"
#include "io/table_int.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "base/strbuf.h"

void table_global_init(void)
{
	xmlInitParser();
}

static void add_err(struct strbuf *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_err(struct strbuf *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	strbuf_vaddf(err, fmt, ap);
	va_end(ap);
}

int table_format_from_path(const char *path, enum table_format *fmt,
			   struct strbuf *err)
{
	const char *base = strrchr(path, '/');
	const char *dot;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	if (!dot || dot == base) {
		add_err(err, "'%s' has no file extension: expected .csv or .xlsx",
			base);
		return -1;
	}
	if (!strcasecmp(dot, ".csv")) {
		*fmt = TABLE_CSV;
		return 0;
	}
	if (!strcasecmp(dot, ".xlsx")) {
		*fmt = TABLE_XLSX;
		return 0;
	}
	if (!strcasecmp(dot, ".xls"))
		add_err(err, "unsupported file type '%s': old Excel .xls files "
			"cannot be read; save the file as .xlsx or .csv", dot);
	else
		add_err(err, "unsupported file type '%s': expected .csv or .xlsx",
			dot);
	return -1;
}

const char *table_format_ext(enum table_format fmt)
{
	return fmt == TABLE_XLSX ? "xlsx" : "csv";
}

const char *table_format_mime(enum table_format fmt)
{
	if (fmt == TABLE_XLSX)
		return "application/vnd.openxmlformats-officedocument."
		       "spreadsheetml.sheet";
	return "text/csv; charset=utf-8";
}

/* ---- reading ---- */

static struct table_reader *reader_new(void)
{
	struct table_reader *r = xcalloc(1, sizeof(*r));

	strbuf_init(&r->error, 0);
	return r;
}

int table_reader_open(const char *path, struct table_reader **out,
		      struct strbuf *err)
{
	struct table_reader *r = NULL;
	struct strbuf why = STRBUF_INIT;
	enum table_format fmt;
	struct stat st;
	int fd = -1;
	int ret = -1;

	*out = NULL;
	if (table_format_from_path(path, &fmt, &why) < 0)
		goto cleanup;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		strbuf_addstr(&why, "not a regular file");
		goto cleanup;
	}
	r = reader_new();
	if (fmt == TABLE_CSV) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			strbuf_addf(&why, "cannot open: %s", strerror(errno));
			goto cleanup;
		}
		ret = table_csv_reader_open(r, fd, NULL, 0, &why);
		fd = -1; /* the reader owns it now, even on failure */
	} else {
		table_global_init();
		ret = table_xlsx_reader_open(r, path, NULL, 0, &why);
	}
	if (stat(path, &st) == 0)
		r->size = (size_t)st.st_size;
	if (ret < 0)
		goto cleanup;
	*out = r;
	r = NULL;
	ret = 0;
cleanup:
	if (ret < 0)
		add_err(err, "%s: %s", path, why.buf);
	if (fd >= 0)
		close(fd);
	if (r) {
		if (r->release)
			r->release(r);
		strbuf_release(&r->error);
		free(r);
	}
	strbuf_release(&why);
	return ret;
}

int table_reader_open_mem(const char *data, size_t len, enum table_format fmt,
			  struct table_reader **out, struct strbuf *err)
{
	struct table_reader *r;
	int ret;

	*out = NULL;
	if (fmt != TABLE_CSV && fmt != TABLE_XLSX) {
		add_err(err, "unknown table format %d", (int)fmt);
		return -1;
	}
	r = reader_new();
	r->size = len;
	if (fmt == TABLE_CSV) {
		ret = table_csv_reader_open(r, -1, data, len, err);
	} else {
		table_global_init();
		ret = table_xlsx_reader_open(r, NULL, data, len, err);
	}
	if (ret < 0) {
		if (r->release)
			r->release(r);
		strbuf_release(&r->error);
		free(r);
		return ret == TABLE_ELIMIT ? TABLE_ELIMIT : -1;
	}
	*out = r;
	return 0;
}

int table_reader_next(struct table_reader *r, struct table_row *row,
		      struct strbuf *err)
{
	int ret;

	row->ncells = 0;
	row->cells = NULL;
	if (r->state > 0)
		return 0;
	if (r->state == 0) {
		ret = r->next(r, row, &r->error);
		if (ret > 0)
			return 1;
		if (ret == 0) {
			r->state = 1;
			return 0;
		}
		r->state = ret == TABLE_ELIMIT ? TABLE_ELIMIT : -1;
		if (!r->error.len)
			strbuf_addstr(&r->error, "read error");
		row->ncells = 0;
		row->cells = NULL;
	}
	if (err)
		strbuf_addbuf(err, &r->error);
	return r->state;
}

size_t table_reader_size(const struct table_reader *r)
{
	return r->size;
}

size_t table_budget_of(const struct table_budget *b, size_t len)
{
	size_t v = b->base;

	if (len > (b->max - v) / (b->per_byte ? b->per_byte : 1))
		return b->max;
	v += b->per_byte * len;
	return v < b->max ? v : b->max;
}

size_t table_reader_rownum(const struct table_reader *r)
{
	return r->rownum;
}

void table_reader_free(struct table_reader *r)
{
	if (!r)
		return;
	if (r->release)
		r->release(r);
	strbuf_release(&r->error);
	free(r);
}

/* ---- writing ---- */

static struct table_writer *writer_new(enum table_format fmt, int to_mem)
{
	struct table_writer *w = xcalloc(1, sizeof(*w));

	w->fmt = fmt;
	w->to_mem = to_mem;
	return w;
}

static void writer_drop(struct table_writer *w)
{
	if (w->release)
		w->release(w);
	free(w);
}

static int writer_open(enum table_format fmt, const char *path,
		       const char *sheet_name, struct table_writer **out,
		       struct strbuf *err)
{
	struct table_writer *w = writer_new(fmt, path == NULL);
	int ret;

	if (fmt == TABLE_CSV)
		ret = table_csv_writer_open(w, path, err);
	else
		ret = table_xlsx_writer_open(w, path, sheet_name, err);
	if (ret < 0) {
		writer_drop(w);
		*out = NULL;
		return -1;
	}
	*out = w;
	return 0;
}

int table_writer_open(const char *path, const char *sheet_name,
		      struct table_writer **out, struct strbuf *err)
{
	enum table_format fmt;

	*out = NULL;
	if (table_format_from_path(path, &fmt, err) < 0)
		return -1;
	return writer_open(fmt, path, sheet_name, out, err);
}

int table_writer_open_mem(enum table_format fmt, const char *sheet_name,
			  struct table_writer **out, struct strbuf *err)
{
	*out = NULL;
	if (fmt != TABLE_CSV && fmt != TABLE_XLSX) {
		add_err(err, "unknown table format %d", (int)fmt);
		return -1;
	}
	return writer_open(fmt, NULL, sheet_name, out, err);
}

int table_writer_set_numeric(struct table_writer *w, size_t col, int on)
{
	if (col >= TABLE_COLS_MAX)
		return -1;
	w->numeric[col] = on ? 1 : 0;
	return 0;
}

int table_writer_row(struct table_writer *w, const char *const *cells,
		     size_t n, struct strbuf *err)
{
	size_t i, bad;
	const char *why;

	if (n > TABLE_COLS_MAX) {
		add_err(err, "row %zu: %zu columns, more than the %d allowed",
			w->nrows + 1, n, TABLE_COLS_MAX);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (!cells[i])
			continue;
		if (table_utf8_check(cells[i], strlen(cells[i]), 0, &bad,
				     &why) < 0) {
			if (err) {
				strbuf_addf(err, "row %zu, column ", w->nrows + 1);
				table_colname(err, i);
				strbuf_addf(err, ": %s at byte %zu", why, bad + 1);
			}
			return -1;
		}
	}
	if (w->row(w, cells, n, err) < 0)
		return -1;
	w->nrows++;
	return 0;
}

int table_writer_close(struct table_writer *w, struct strbuf *err)
{
	int ret;

	if (w->to_mem) {
		add_err(err, "table_writer_close() on a memory writer");
		writer_drop(w);
		return -1;
	}
	ret = w->finish(w, NULL, err);
	writer_drop(w);
	return ret < 0 ? -1 : 0;
}

int table_writer_close_mem(struct table_writer *w, struct strbuf *out,
			   struct strbuf *err)
{
	int ret;

	if (!w->to_mem) {
		add_err(err, "table_writer_close_mem() on a file writer");
		writer_drop(w);
		return -1;
	}
	ret = w->finish(w, out, err);
	writer_drop(w);
	return ret < 0 ? -1 : 0;
}

void table_writer_free(struct table_writer *w)
{
	if (w)
		writer_drop(w);
}

/* ---- helpers ---- */

void table_rowbuf_init(struct table_rowbuf *rb)
{
	memset(rb, 0, sizeof(*rb));
	strbuf_init(&rb->data, 0);
}

void table_rowbuf_release(struct table_rowbuf *rb)
{
	strbuf_release(&rb->data);
	free(rb->off);
	free(rb->ptrs);
	table_rowbuf_init(rb);
}

void table_rowbuf_reset(struct table_rowbuf *rb)
{
	strbuf_reset(&rb->data);
	rb->ncells = 0;
	rb->last_nonempty = 0;
}

static void rowbuf_push(struct table_rowbuf *rb, const char *s, size_t len)
{
	if (rb->ncells == rb->alloc) {
		rb->alloc = rb->alloc ? rb->alloc * 2 : 16;
		rb->off = xrealloc(rb->off, rb->alloc * sizeof(*rb->off));
	}
	rb->off[rb->ncells++] = rb->data.len;
	strbuf_add(&rb->data, s, len);
	strbuf_addch(&rb->data, '\0');
	if (len)
		rb->last_nonempty = rb->ncells;
}

void table_rowbuf_set(struct table_rowbuf *rb, size_t col, const char *s,
		      size_t len)
{
	while (rb->ncells < col)
		rowbuf_push(rb, "", 0);
	rowbuf_push(rb, s, len);
}

int table_rowbuf_finish(struct table_rowbuf *rb, struct table_row *row)
{
	size_t i, n = rb->last_nonempty;

	if (n > rb->ptrs_alloc) {
		rb->ptrs_alloc = n < 16 ? 16 : n;
		free(rb->ptrs);
		rb->ptrs = xmalloc(rb->ptrs_alloc * sizeof(*rb->ptrs));
	}
	for (i = 0; i < n; i++)
		rb->ptrs[i] = rb->data.buf + rb->off[i];
	row->ncells = n;
	row->cells = rb->ptrs;
	return n > 0;
}

int table_utf8_seq(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char lo = 0x80, hi = 0xBF, c = s[0];
	size_t need, k;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F; /* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return -1;
	}
	for (k = 1; k <= need; k++) {
		if (k >= len)
			return 0;
		if (k == 1 ? (s[k] < lo || s[k] > hi)
			   : (s[k] < 0x80 || s[k] > 0xBF))
			return -1;
	}
	return (int)need + 1;
}

int table_utf8_check(const char *s, size_t len, int allow_cut, size_t *bad,
		     const char **why)
{
	size_t i = 0;

	while (i < len) {
		int n;

		if (!s[i]) {
			*bad = i;
			*why = "a NUL byte";
			return -1;
		}
		n = table_utf8_seq(s + i, len - i);
		if (n > 0) {
			i += (size_t)n;
			continue;
		}
		if (n == 0 && allow_cut)
			return 0;
		*bad = i;
		*why = "invalid UTF-8";
		return -1;
	}
	return 0;
}

void table_colname(struct strbuf *sb, size_t col)
{
	char tmp[16];
	size_t n = 0, v = col + 1;

	while (v && n < sizeof(tmp)) {
		tmp[n++] = (char)('A' + (v - 1) % 26);
		v = (v - 1) / 26;
	}
	while (n)
		strbuf_addch(sb, tmp[--n]);
}

static int wide_cp(unsigned long cp)
{
	return (cp >= 0x1100 && cp <= 0x115F) ||
	       (cp >= 0x2E80 && cp <= 0xA4CF) ||
	       (cp >= 0xAC00 && cp <= 0xD7A3) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) ||
	       (cp >= 0xFE30 && cp <= 0xFE4F) ||
	       (cp >= 0xFF00 && cp <= 0xFF60) ||
	       (cp >= 0xFFE0 && cp <= 0xFFE6) ||
	       (cp >= 0x20000 && cp <= 0x3FFFD);
}

size_t table_display_width(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t line = 0, best = 0;

	while (*s) {
		unsigned long cp;
		int extra;

		if (*s == '\n') {
			if (line > best)
				best = line;
			line = 0;
			s++;
			continue;
		}
		if (*s < 0x80) {
			line++;
			s++;
			continue;
		}
		if (*s >= 0xF0) {
			cp = *s & 0x07;
			extra = 3;
		} else if (*s >= 0xE0) {
			cp = *s & 0x0F;
			extra = 2;
		} else {
			cp = *s & 0x1F;
			extra = 1;
		}
		s++;
		while (extra-- && (*s & 0xC0) == 0x80)
			cp = (cp << 6) | (*s++ & 0x3F);
		line += wide_cp(cp) ? 2 : 1;
	}
	return line > best ? line : best;
}
