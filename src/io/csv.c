/*
 * csv.c: the CSV half of the table layer (see table.h for the rules it
 * keeps): a streaming reader over libcsv with encoding detection (UTF-8 or
 * GB18030, converted with iconv chunk by chunk), and a writer that Excel
 * opens correctly and that neutralises formula injection.
 *
 * It is not a dialect guesser: the delimiter is always a comma and the quote
 * always '"'.  Semicolon- or tab-separated files are not recognised.
 *
 * Reading is push-to-pull: libcsv calls back per field and per record while
 * it parses a 64 KiB chunk; complete non-empty records are queued (as
 * NUL-separated cells behind a small header) and handed out one per
 * table_reader_next().  The queue holds at most one chunk's worth of rows,
 * and libcsv's own buffer at most one cell, which is capped, so memory stays
 * bounded whatever the file size.
 */
#include "io/table.h"
#include "io/table_int.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>

#include "base/alloc.h"
#include "base/strbuf.h"

#define CSV_CHUNK (64 * 1024)

enum csv_encoding {
	ENC_UNKNOWN,  /* nothing but ASCII seen yet */
	ENC_UTF8,
	ENC_GB18030,
};

struct csv_in {
	struct csv_parser parser;
	int parser_ready;

	/* the input: a file descriptor or a buffer in memory */
	int fd;
	const char *mem;
	size_t memlen, mempos;
	char *chunk;

	/* decoding */
	int started;           /* the BOM check is done */
	enum csv_encoding enc;
	iconv_t cd;
	struct strbuf raw;     /* input not yet parsed: while undecided, a
				  cut tail; with GB18030, a cut character
				  carried over + this chunk */
	struct strbuf conv;    /* GB18030: this chunk as UTF-8 */
	int conv_started;      /* some converted output was produced */
	int at_eof;

	/* the record libcsv is delivering */
	struct table_rowbuf cur;
	size_t nfields;
	size_t records;        /* records (physical rows) ended so far */
	int last_term;

	/* finished rows waiting to be handed out */
	struct strbuf queue;
	size_t qpos;
	const char **ptrs;
	size_t ptrs_alloc;

	/* the first error, reported after the rows that came before it */
	int failed;
	size_t err_row;
	struct strbuf err;
};

struct csv_queued {
	size_t rownum;
	size_t ncells;
};

static void fail(struct csv_in *in, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Record the first error, as "row N: ..." for the record being read. */
static void fail(struct csv_in *in, const char *fmt, ...)
{
	va_list ap;

	if (in->failed)
		return;
	in->failed = 1;
	in->err_row = in->records + 1;
	strbuf_addf(&in->err, "row %zu: ", in->err_row);
	va_start(ap, fmt);
	strbuf_vaddf(&in->err, fmt, ap);
	va_end(ap);
}

static void fail_cell(struct csv_in *in, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* As fail(), as "row N, column X: ...". */
static void fail_cell(struct csv_in *in, size_t col, const char *fmt, ...)
{
	va_list ap;

	if (in->failed)
		return;
	in->failed = 1;
	in->err_row = in->records + 1;
	strbuf_addf(&in->err, "row %zu, column ", in->err_row);
	table_colname(&in->err, col);
	strbuf_addstr(&in->err, ": ");
	va_start(ap, fmt);
	strbuf_vaddf(&in->err, fmt, ap);
	va_end(ap);
}

static void on_field(void *s, size_t len, void *data)
{
	struct csv_in *in = data;
	size_t col = in->nfields++;
	size_t bad;
	const char *why;

	if (in->failed)
		return;
	if (len > TABLE_CELL_MAX) {
		fail_cell(in, col, "the cell is longer than the limit of %d "
			  "bytes", TABLE_CELL_MAX);
		return;
	}
	if (len && table_utf8_check(s, len, 0, &bad, &why) < 0) {
		if (!strcmp(why, "a NUL byte"))
			fail_cell(in, col, "the cell contains a NUL byte "
				  "(is this a binary file?)");
		else
			fail_cell(in, col, "invalid UTF-8 (the file mixes "
				  "encodings; save it again as \"CSV UTF-8\")");
		return;
	}
	if (col >= TABLE_COLS_MAX) {
		if (len)
			fail(in, "more than %d columns", TABLE_COLS_MAX);
		return;
	}
	table_rowbuf_set(&in->cur, col, len ? s : "", len);
}

static void enqueue(struct csv_in *in)
{
	struct csv_queued q;
	size_t end;

	q.rownum = in->records;
	q.ncells = in->cur.last_nonempty;
	end = q.ncells < in->cur.ncells ? in->cur.off[q.ncells]
					: in->cur.data.len;
	strbuf_add(&in->queue, &q, sizeof(q));
	strbuf_add(&in->queue, in->cur.data.buf, end);
}

static void on_record(int c, void *data)
{
	struct csv_in *in = data;

	/* With CSV_REPALL_NL the LF of a CRLF ends an empty record: skip it. */
	if (c == '\n' && in->last_term == '\r' && in->nfields == 0) {
		in->last_term = 0;
		return;
	}
	in->last_term = c;
	if (!in->failed) {
		in->records++;
		if (in->cur.last_nonempty)
			enqueue(in);
	}
	table_rowbuf_reset(&in->cur);
	in->nfields = 0;
}

static void parse(struct csv_in *in, const char *buf, size_t len)
{
	size_t done;

	if (in->failed || !len)
		return;
	done = csv_parse(&in->parser, buf, len, on_field, on_record, in);
	if (done < len && !in->failed) {
		int e = csv_error(&in->parser);

		if (e == CSV_EPARSE)
			fail(in, "malformed quotes (a quote inside an unquoted "
			     "cell, or text after a closing quote); put such a "
			     "cell in double quotes and double each quote in it");
		else
			fail(in, "CSV parser: %s", csv_strerror(e));
	}
	if (!in->failed && in->parser.entry_pos > TABLE_CELL_MAX)
		fail(in, "a cell is longer than the limit of %d bytes (is a "
		     "quote left open?)", TABLE_CELL_MAX);
}

/*
 * Guess the encoding of s[0..len), which holds a byte >= 0x80: UTF-8 if
 * it has more valid multi-byte sequences than bytes that start none, else
 * GB18030 (whose two-byte characters often look like a UTF-8 sequence by
 * chance, but not mostly).  A file that is mostly UTF-8 with a few stray
 * bytes is thus taken as UTF-8 and refused at the row of the stray bytes,
 * instead of being converted into nonsense.  ENC_UNKNOWN if the only
 * non-ASCII bytes are a sequence cut by the end of the chunk.
 */
static enum csv_encoding guess(const char *s, size_t len, int last)
{
	size_t i = 0, valid = 0, invalid = 0;

	while (i < len) {
		int n = table_utf8_seq(s + i, len - i);

		if (n == 0 && !last) {
			if (!valid && !invalid)
				return ENC_UNKNOWN;
			break;
		}
		if (n <= 0) {
			invalid++;
			i++;
			continue;
		}
		if (n > 1)
			valid++;
		i += (size_t)n;
	}
	return valid > invalid ? ENC_UTF8 : ENC_GB18030;
}

/* Convert what is in in->raw plus `buf` from GB18030, and parse it. */
static void decode_gb18030(struct csv_in *in, const char *buf, size_t len,
			   int last)
{
	char *ip, *op;
	size_t il, ol, start;
	int bad = 0;

	if (len)
		strbuf_add(&in->raw, buf, len);
	strbuf_reset(&in->conv);
	ip = in->raw.buf;
	il = in->raw.len;
	while (il) {
		size_t rc;

		strbuf_grow(&in->conv, il * 2 + 16);
		op = in->conv.buf + in->conv.len;
		ol = in->conv.alloc - in->conv.len - 1;
		rc = iconv(in->cd, &ip, &il, &op, &ol);
		strbuf_setlen(&in->conv, (size_t)(op - in->conv.buf));
		if (rc != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		if (errno == EINVAL && !last && il < 4)
			break; /* a character cut by the chunk: carry it */
		bad = 1;
		break;
	}
	/* keep the unconverted tail for the next chunk */
	memmove(in->raw.buf, ip, il);
	strbuf_setlen(&in->raw, bad ? 0 : il);

	start = 0;
	if (!in->conv_started && in->conv.len) {
		in->conv_started = 1;
		if (in->conv.len >= 3 && !memcmp(in->conv.buf, "\xEF\xBB\xBF", 3))
			start = 3; /* GB18030's own BOM, 84 31 95 33 */
	}
	parse(in, in->conv.buf + start, in->conv.len - start);
	if (bad)
		fail(in, "the file is neither UTF-8 nor GB18030 text; save it "
		     "again as \"CSV UTF-8\"");
}

/* Decode and parse one chunk; `last` says no more input follows. */
static void process(struct csv_in *in, const char *buf, size_t len, int last)
{
	if (!in->started) {
		in->started = 1;
		if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
			buf += 3;
			len -= 3;
			in->enc = ENC_UTF8;
		} else if (len >= 2 && (!memcmp(buf, "\xFF\xFE", 2) ||
					!memcmp(buf, "\xFE\xFF", 2))) {
			fail(in, "the file is UTF-16 text (Excel's \"Unicode "
			     "text\"); save it as \"CSV UTF-8\" instead");
			return;
		}
	}
	if (in->enc == ENC_UNKNOWN) {
		size_t i;

		/* Until decided, input collects in in->raw (a cut tail, at most). */
		if (len)
			strbuf_add(&in->raw, buf, len);
		for (i = 0; i < in->raw.len; i++)
			if ((unsigned char)in->raw.buf[i] >= 0x80)
				break;
		if (i < in->raw.len)
			in->enc = guess(in->raw.buf + i, in->raw.len - i, last);
		if (in->enc == ENC_UNKNOWN) {
			/* ASCII so far: parse it, keep a cut tail for later */
			parse(in, in->raw.buf, i);
			memmove(in->raw.buf, in->raw.buf + i, in->raw.len - i);
			strbuf_setlen(&in->raw, in->raw.len - i);
		} else if (in->enc == ENC_GB18030) {
			in->cd = iconv_open("UTF-8", "GB18030");
			if (in->cd == (iconv_t)-1) {
				fail(in, "cannot convert from GB18030: %s",
				     strerror(errno));
				return;
			}
		} else {
			parse(in, in->raw.buf, in->raw.len);
			strbuf_reset(&in->raw);
		}
		buf = NULL;
		len = 0;
	}
	if (in->enc == ENC_GB18030)
		decode_gb18030(in, buf, len, last);
	else if (in->enc == ENC_UTF8)
		parse(in, buf, len);

	if (last && !in->failed) {
		if (csv_fini(&in->parser, on_field, on_record, in) != 0)
			fail(in, "a quoted cell is not closed before the end of "
			     "the file");
	}
	if (last)
		in->at_eof = 1;
}

static void read_more(struct csv_in *in)
{
	if (in->fd < 0) {
		size_t take = in->memlen - in->mempos;

		if (take > CSV_CHUNK)
			take = CSV_CHUNK;
		process(in, take ? in->mem + in->mempos : NULL, take,
			in->mempos + take == in->memlen);
		in->mempos += take;
		return;
	}
	{
		size_t got = 0;

		while (got < CSV_CHUNK) {
			ssize_t n = read(in->fd, in->chunk + got, CSV_CHUNK - got);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				fail(in, "read error: %s", strerror(errno));
				in->at_eof = 1;
				return;
			}
			if (n == 0)
				break;
			got += (size_t)n;
		}
		process(in, in->chunk, got, got == 0);
	}
}

static void pop(struct csv_in *in, struct table_row *row, size_t *rownum)
{
	struct csv_queued q;
	const char *p;
	size_t i;

	memcpy(&q, in->queue.buf + in->qpos, sizeof(q));
	in->qpos += sizeof(q);
	if (q.ncells > in->ptrs_alloc) {
		free(in->ptrs);
		in->ptrs_alloc = q.ncells < 16 ? 16 : q.ncells;
		in->ptrs = xmalloc(in->ptrs_alloc * sizeof(*in->ptrs));
	}
	p = in->queue.buf + in->qpos;
	for (i = 0; i < q.ncells; i++) {
		in->ptrs[i] = p;
		p += strlen(p) + 1;
	}
	in->qpos = (size_t)(p - in->queue.buf);
	row->ncells = q.ncells;
	row->cells = in->ptrs;
	*rownum = q.rownum;
}

static int csv_next(struct table_reader *r, struct table_row *row,
		    struct strbuf *err)
{
	struct csv_in *in = r->impl;

	for (;;) {
		if (in->qpos < in->queue.len) {
			pop(in, row, &r->rownum);
			return 1;
		}
		if (in->failed) {
			r->rownum = in->err_row;
			strbuf_addbuf(err, &in->err);
			return -1;
		}
		if (in->at_eof)
			return 0;
		strbuf_reset(&in->queue);
		in->qpos = 0;
		read_more(in);
	}
}

static void csv_release(struct table_reader *r)
{
	struct csv_in *in = r->impl;

	if (!in)
		return;
	if (in->parser_ready)
		csv_free(&in->parser);
	if (in->fd >= 0)
		close(in->fd);
	free(in->chunk);
	if (in->cd != (iconv_t)-1)
		iconv_close(in->cd);
	strbuf_release(&in->raw);
	strbuf_release(&in->conv);
	table_rowbuf_release(&in->cur);
	strbuf_release(&in->queue);
	free(in->ptrs);
	strbuf_release(&in->err);
	free(in);
	r->impl = NULL;
}

int table_csv_reader_open(struct table_reader *r, int fd, const char *data,
			  size_t len, struct strbuf *err)
{
	struct csv_in *in = xcalloc(1, sizeof(*in));

	in->fd = fd;
	in->mem = data;
	in->memlen = len;
	in->cd = (iconv_t)-1;
	strbuf_init(&in->raw, 0);
	strbuf_init(&in->conv, 0);
	strbuf_init(&in->queue, 0);
	strbuf_init(&in->err, 0);
	table_rowbuf_init(&in->cur);
	r->impl = in;
	r->next = csv_next;
	r->release = csv_release;
	if (fd >= 0) {
		in->chunk = xmalloc(CSV_CHUNK);
	}
	if (csv_init(&in->parser, CSV_STRICT | CSV_STRICT_FINI |
			     CSV_REPALL_NL) != 0) {
		if (err)
			strbuf_addstr(err, "cannot initialise the CSV parser");
		return -1;
	}
	in->parser_ready = 1;
	csv_set_blk_size(&in->parser, 4096);
	return 0;
}

/* ---- writing ---- */

struct csv_out {
	FILE *fp;          /* NULL when building in memory */
	char *path;
	struct strbuf buf;
	int finished;
};

/* An optional sign, digits, optionally '.' and digits: nothing else. */
static int plain_number(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (*s < '0' || *s > '9')
		return 0;
	while (*s >= '0' && *s <= '9')
		s++;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

static int needs_apostrophe(const char *s)
{
	if (!*s || !strchr("=+-@\t\r", *s))
		return 0;
	return !plain_number(s);
}

static int needs_quotes(const char *s)
{
	size_t len = strlen(s);

	if (!len)
		return 0;
	if (strpbrk(s, ",\"\r\n"))
		return 1;
	return s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' ||
	       s[len - 1] == '\t';
}

static void put_cell(struct strbuf *sb, const char *s)
{
	int quote = needs_quotes(s);

	if (quote)
		strbuf_addch(sb, '"');
	if (needs_apostrophe(s))
		strbuf_addch(sb, '\'');
	for (; *s; s++) {
		if (*s == '"')
			strbuf_addch(sb, '"');
		strbuf_addch(sb, *s);
	}
	if (quote)
		strbuf_addch(sb, '"');
}

static int flush_out(struct csv_out *o, struct strbuf *err)
{
	if (!o->fp || !o->buf.len)
		return 0;
	if (fwrite(o->buf.buf, 1, o->buf.len, o->fp) != o->buf.len) {
		if (err)
			strbuf_addf(err, "%s: write error: %s", o->path,
				    strerror(errno));
		return -1;
	}
	strbuf_reset(&o->buf);
	return 0;
}

static int csv_row(struct table_writer *w, const char *const *cells, size_t n,
		   struct strbuf *err)
{
	struct csv_out *o = w->impl;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addch(&o->buf, ',');
		put_cell(&o->buf, cells[i] ? cells[i] : "");
	}
	strbuf_addstr(&o->buf, "\r\n");
	if (o->buf.len >= CSV_CHUNK)
		return flush_out(o, err);
	return 0;
}

static int csv_finish(struct table_writer *w, struct strbuf *out,
		      struct strbuf *err)
{
	struct csv_out *o = w->impl;
	int ret = -1;

	if (!o->fp) {
		strbuf_addbuf(out, &o->buf);
		strbuf_reset(&o->buf);
		o->finished = 1;
		return 0;
	}
	if (flush_out(o, err) < 0)
		goto cleanup;
	if (fflush(o->fp) != 0 || fsync(fileno(o->fp)) != 0) {
		if (err)
			strbuf_addf(err, "%s: write error: %s", o->path,
				    strerror(errno));
		goto cleanup;
	}
	ret = 0;
cleanup:
	if (fclose(o->fp) != 0 && ret == 0) {
		if (err)
			strbuf_addf(err, "%s: write error: %s", o->path,
				    strerror(errno));
		ret = -1;
	}
	o->fp = NULL;
	o->finished = ret == 0;
	return ret;
}

static void csv_out_release(struct table_writer *w)
{
	struct csv_out *o = w->impl;

	if (!o)
		return;
	if (o->fp)
		fclose(o->fp);
	if (!o->finished && o->path)
		unlink(o->path);
	free(o->path);
	strbuf_release(&o->buf);
	free(o);
	w->impl = NULL;
}

int table_csv_writer_open(struct table_writer *w, const char *path,
			  struct strbuf *err)
{
	struct csv_out *o = xcalloc(1, sizeof(*o));

	strbuf_init(&o->buf, 0);
	w->impl = o;
	w->row = csv_row;
	w->finish = csv_finish;
	w->release = csv_out_release;
	if (path) {
		o->fp = fopen(path, "wbe");
		if (!o->fp) {
			if (err)
				strbuf_addf(err, "%s: cannot create: %s", path,
					    strerror(errno));
			return -1;
		}
		o->path = xstrdup(path);
	}
	strbuf_addstr(&o->buf, "\xEF\xBB\xBF");
	return 0;
}
