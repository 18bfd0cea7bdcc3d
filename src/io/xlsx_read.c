/*
 * xlsx_read.c: the XLSX reader of the table layer (see table.h for what it
 * promises).  libzip opens the archive, from a file or from memory; libxml2's
 * streaming reader (xmlTextReader) parses each XML part while it is being
 * inflated, so a worksheet is never held in memory whole.  The parts read:
 * xl/workbook.xml and its relationships (which worksheet is first, the date
 * system), xl/styles.xml (which cell formats are dates), xl/sharedStrings.xml
 * (kept in memory: cells refer to it by index), and the worksheet itself.
 * Reading one part as a stream, with libxml2's errors caught, is
 * xlsx_part.c's.
 *
 * It is not a spreadsheet engine: formulas are not evaluated (their cached
 * values are read), merged cells are not spread, hidden rows are read like
 * any other, and only the first worksheet is looked at.
 *
 * What a workbook may cost is bounded by its size (the budgets of table.h):
 * bytes inflated, shared strings (number and bytes), cells, and the bytes
 * of the values handed out.  Going over one sets `over`, and the failure
 * is TABLE_ELIMIT instead of -1; the messages are for the person who
 * uploaded the file, so they are in Chinese.
 */
#include "io/table.h"
#include "io/table_int.h"
#include "io/xlsx_int.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libxml/xmlreader.h>
#include <zip.h>

#include "base/alloc.h"
#include "base/strbuf.h"

/* ---- the workbook and its relationships ---- */

/* The value of the first attribute named `local` that has a prefix. */
static char *prefixed_attr(xmlTextReaderPtr xr, const char *local)
{
	char *res = NULL;

	if (xmlTextReaderMoveToFirstAttribute(xr) != 1)
		return NULL;
	do {
		const xmlChar *n = xmlTextReaderConstLocalName(xr);
		const xmlChar *pfx = xmlTextReaderConstPrefix(xr);

		if (n && pfx && !strcmp((const char *)n, local) &&
		    strcmp((const char *)pfx, "xmlns")) {
			const xmlChar *v = xmlTextReaderConstValue(xr);

			res = xstrdup(v ? (const char *)v : "");
			break;
		}
	} while (xmlTextReaderMoveToNextAttribute(xr) == 1);
	xmlTextReaderMoveToElement(xr);
	return res;
}

static int truthy(const char *v)
{
	return v && (!strcmp(v, "1") || !strcasecmp(v, "true"));
}

/* Find the first sheet's relationship id and the date system. */
static int read_workbook(struct xlsx_in *x, char **rid, struct strbuf *err)
{
	struct xml_part p;
	int ret;

	*rid = NULL;
	ret = xp_open(x, &p, "xl/workbook.xml", err);
	if (ret <= 0)
		goto cleanup;
	while ((ret = xp_step(&p, err)) > 0) {
		if (xmlTextReaderNodeType(p.xr) != XML_READER_TYPE_ELEMENT)
			continue;
		if (xp_is_elem(p.xr, "workbookPr")) {
			char *v = xp_attr(p.xr, "date1904");

			x->date1904 = truthy(v);
			free(v);
		} else if (xp_is_elem(p.xr, "sheet")) {
			*rid = prefixed_attr(p.xr, "id");
			break;
		}
	}
	if (ret > 0)
		ret = 0;
cleanup:
	xp_close(&p);
	return ret < 0 ? -1 : 0;
}

static char *resolve_target(const char *target)
{
	struct strbuf sb = STRBUF_INIT;

	if (target[0] == '/') {
		strbuf_addstr(&sb, target + 1);
	} else {
		if (!strncmp(target, "./", 2))
			target += 2;
		strbuf_addstr(&sb, "xl/");
		strbuf_addstr(&sb, target);
	}
	return strbuf_detach(&sb, NULL);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/*
 * From xl/_rels/workbook.xml.rels, the parts of the sheet `rid`, the shared
 * strings and the styles (each malloc'd, NULL if not named there).
 */
static int read_rels(struct xlsx_in *x, const char *rid, char **sheet,
		     char **sst, char **styles, struct strbuf *err)
{
	struct xml_part p;
	int ret;

	ret = xp_open(x, &p, "xl/_rels/workbook.xml.rels", err);
	if (ret <= 0)
		goto cleanup;
	while ((ret = xp_step(&p, err)) > 0) {
		char *id, *type, *target, *mode;

		if (xmlTextReaderNodeType(p.xr) != XML_READER_TYPE_ELEMENT ||
		    !xp_is_elem(p.xr, "Relationship"))
			continue;
		id = xp_attr(p.xr, "Id");
		type = xp_attr(p.xr, "Type");
		target = xp_attr(p.xr, "Target");
		mode = xp_attr(p.xr, "TargetMode");
		if (target && *target && !(mode && !strcasecmp(mode, "External"))) {
			if (rid && id && !strcmp(id, rid) && !*sheet)
				*sheet = resolve_target(target);
			else if (type && ends_with(type, "/sharedStrings") && !*sst)
				*sst = resolve_target(target);
			else if (type && ends_with(type, "/styles") && !*styles)
				*styles = resolve_target(target);
		}
		free(id);
		free(type);
		free(target);
		free(mode);
	}
	if (ret > 0)
		ret = 0;
cleanup:
	xp_close(&p);
	return ret < 0 ? -1 : 0;
}

/* ---- styles ---- */

/* Built-in number formats that show dates or times (ECMA-376 18.8.30,
 * with the zh-CN locale's 27-36 and 50-58). */
static enum num_kind builtin_kind(size_t id)
{
	if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 ||
	    (id >= 50 && id <= 54) || id == 57 || id == 58)
		return KIND_DATE;
	if (id == 22)
		return KIND_DATETIME;
	if ((id >= 18 && id <= 21) || (id >= 32 && id <= 35) ||
	    (id >= 45 && id <= 47) || id == 55 || id == 56)
		return KIND_TIME;
	return KIND_NUMBER;
}

/*
 * What a custom format code shows a number as: look at the first section
 * only, skip quoted text, escaped and padding characters and bracketed
 * colours, conditions and locales; y or d means a date, h or s (or [h],
 * [m], [s]) a time, and m is a month unless h or s is there.
 */
static enum num_kind code_kind(const char *code)
{
	int y = 0, d = 0, m = 0, t = 0;
	const char *s;

	if (!strcasecmp(code, "General"))
		return KIND_NUMBER;
	for (s = code; *s && *s != ';'; s++) {
		switch (*s) {
		case '"':
			while (s[1] && s[1] != '"')
				s++;
			if (s[1])
				s++;
			break;
		case '\\':
		case '_':
		case '*':
			if (s[1])
				s++;
			break;
		case '[': {
			const char *end = strchr(s, ']');
			size_t n;

			if (!end)
				return KIND_NUMBER;
			n = (size_t)(end - s - 1);
			if (n && strspn(s + 1, "hHmMsS") == n)
				t = 1;
			s = end;
			break;
		}
		case 'y': case 'Y':
			y = 1;
			break;
		case 'd': case 'D':
			d = 1;
			break;
		case 'm': case 'M':
			m = 1;
			break;
		case 'h': case 'H': case 's': case 'S':
			t = 1;
			break;
		case 'a': case 'A':
			if (!strncasecmp(s, "AM/PM", 5)) {
				t = 1;
				s += 4;
			} else if (!strncasecmp(s, "A/P", 3)) {
				t = 1;
				s += 2;
			}
			break;
		default:
			break;
		}
	}
	if (y || d || (m && !t))
		return t ? KIND_DATETIME : KIND_DATE;
	return t ? KIND_TIME : KIND_NUMBER;
}

struct custom_fmt {
	size_t id;
	enum num_kind kind;
};

#define STYLES_MAX (1 << 20)

static int read_styles(struct xlsx_in *x, const char *name, struct strbuf *err)
{
	struct xml_part p;
	struct custom_fmt *fmts = NULL;
	size_t nfmts = 0, afmts = 0, axf = 0, i, j;
	size_t *xf_fmt = NULL;
	int in_xfs = 0, ret;

	ret = xp_open(x, &p, name, err);
	if (ret <= 0)
		goto cleanup;
	while ((ret = xp_step(&p, err)) > 0) {
		int type = xmlTextReaderNodeType(p.xr);

		if (type == XML_READER_TYPE_END_ELEMENT) {
			if (xp_is_elem(p.xr, "cellXfs"))
				in_xfs = 0;
			continue;
		}
		if (type != XML_READER_TYPE_ELEMENT)
			continue;
		if (xp_is_elem(p.xr, "numFmt") && nfmts < STYLES_MAX) {
			char *id = xp_attr(p.xr, "numFmtId");
			char *code = xp_attr(p.xr, "formatCode");
			size_t v;

			if (code && !xp_parse_index(id, &v)) {
				if (nfmts == afmts) {
					afmts = afmts ? afmts * 2 : 16;
					fmts = xrealloc(fmts, afmts * sizeof(*fmts));
				}
				fmts[nfmts].id = v;
				fmts[nfmts].kind = code_kind(code);
				nfmts++;
			}
			free(id);
			free(code);
		} else if (xp_is_elem(p.xr, "cellXfs")) {
			in_xfs = !xmlTextReaderIsEmptyElement(p.xr);
		} else if (in_xfs && xp_is_elem(p.xr, "xf") && x->nxf < STYLES_MAX) {
			char *id = xp_attr(p.xr, "numFmtId");
			size_t v = 0;

			if (xp_parse_index(id, &v) < 0)
				v = 0;
			free(id);
			if (x->nxf == axf) {
				axf = axf ? axf * 2 : 64;
				xf_fmt = xrealloc(xf_fmt, axf * sizeof(*xf_fmt));
			}
			xf_fmt[x->nxf++] = v;
		}
	}
	if (ret < 0)
		goto cleanup;
	ret = 0;
	if (x->nxf) {
		x->xf_kind = xcalloc(x->nxf, 1);
	}
	for (i = 0; i < x->nxf; i++) {
		enum num_kind k = builtin_kind(xf_fmt[i]);

		/* a custom definition of the same id wins */
		for (j = 0; j < nfmts; j++)
			if (fmts[j].id == xf_fmt[i])
				k = fmts[j].kind;
		x->xf_kind[i] = (unsigned char)k;
	}
cleanup:
	xp_close(&p);
	free(fmts);
	free(xf_fmt);
	return ret < 0 ? -1 : 0;
}

/* ---- shared strings ---- */

static int sst_push(struct xlsx_in *x, const struct strbuf *raw,
		    struct strbuf *err)
{
	if (x->sst_n >= x->max_sst_n) {
		x->over = 1;
		strbuf_addf(err, "共享字符串超过 %zu 个（对这样大小的文件而言"
			    "过多），拒绝读取", x->max_sst_n);
		return -1;
	}
	if (x->sst_n == x->sst_alloc) {
		x->sst_alloc = x->sst_alloc ? x->sst_alloc * 2 : 256;
		x->sst_off = xrealloc(x->sst_off, x->sst_alloc * sizeof(*x->sst_off));
	}
	x->sst_off[x->sst_n++] = x->sst.len;
	xp_decode_text(&x->sst, raw->buf, raw->len);
	strbuf_addch(&x->sst, '\0');
	if (x->sst.len > x->max_sst_bytes) {
		x->over = 1;
		strbuf_addf(err, "共享字符串共超过 %zu MiB（对这样大小的文件"
			    "而言过多），拒绝读取", x->max_sst_bytes >> 20);
		return -1;
	}
	return 0;
}

static int read_sst(struct xlsx_in *x, const char *name, struct strbuf *err)
{
	struct xml_part p;
	struct strbuf raw = STRBUF_INIT;
	int in_si = 0, in_t = 0, rph = 0, ret;

	ret = xp_open(x, &p, name, err);
	if (ret <= 0)
		goto cleanup;
	while ((ret = xp_step(&p, err)) > 0) {
		int type = xmlTextReaderNodeType(p.xr);

		if (type == XML_READER_TYPE_ELEMENT) {
			int empty = xmlTextReaderIsEmptyElement(p.xr);

			if (xp_is_elem(p.xr, "si")) {
				strbuf_reset(&raw);
				rph = in_t = 0;
				if (empty && sst_push(x, &raw, err) < 0) {
					ret = -1;
					goto cleanup;
				}
				in_si = !empty;
			} else if (in_si && xp_is_elem(p.xr, "rPh") && !empty) {
				rph++;
			} else if (in_si && xp_is_elem(p.xr, "t") && !empty) {
				in_t = 1;
			}
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (xp_is_elem(p.xr, "si") && in_si) {
				if (sst_push(x, &raw, err) < 0) {
					ret = -1;
					goto cleanup;
				}
				in_si = 0;
			} else if (xp_is_elem(p.xr, "rPh") && rph) {
				rph--;
			} else if (xp_is_elem(p.xr, "t")) {
				in_t = 0;
			}
		} else if (in_t && !rph && xp_is_text_node(type)) {
			const xmlChar *v = xmlTextReaderConstValue(p.xr);

			if (v)
				strbuf_addstr(&raw, (const char *)v);
			if (raw.len > TABLE_CELL_MAX) {
				strbuf_addf(err, "shared string %zu is longer than "
					    "the limit of %d bytes", x->sst_n + 1,
					    TABLE_CELL_MAX);
				ret = -1;
				goto cleanup;
			}
		}
	}
cleanup:
	xp_close(&p);
	strbuf_release(&raw);
	return ret < 0 ? -1 : 0;
}

/* ---- cell values ---- */

/* Parse a cell reference's column ("C7" -> 2); -1 if malformed. */
static int parse_ref_col(const char *ref, size_t *col)
{
	size_t v = 0, n = 0;

	while ((*ref >= 'A' && *ref <= 'Z') || (*ref >= 'a' && *ref <= 'z')) {
		int c = *ref >= 'a' ? *ref - 'a' : *ref - 'A';

		if (++n > 3)
			return -1;
		v = v * 26 + (size_t)c + 1;
		ref++;
	}
	if (!n || v > 16384)
		return -1;
	while (*ref >= '0' && *ref <= '9')
		ref++;
	if (*ref)
		return -1;
	*col = v - 1;
	return 0;
}

/* A serial day number in a date, time or date-time format, as text. */
static int serial_text(struct xlsx_in *x, const char *v, enum num_kind kind,
		       struct strbuf *out)
{
	char *end;
	double d;
	long long days, secs;
	struct tm tm;
	time_t t;

	errno = 0;
	d = strtod(v, &end);
	if (end == v || *end || errno || !isfinite(d) || d < 0 || d >= 2958466)
		return -1;
	days = (long long)floor(d);
	secs = llround((d - (double)days) * 86400.0);
	if (secs >= 86400) {
		days++;
		secs -= 86400;
	}
	if (kind == KIND_TIME) {
		strbuf_addf(out, "%02lld:%02lld:%02lld", secs / 3600,
			    secs / 60 % 60, secs % 60);
		return 0;
	}
	if (x->date1904) {
		days += 1462;
	} else if (days == 0 || days == 60) {
		/* dates Excel shows that never were */
		strbuf_addstr(out, days ? "1900-02-29" : "1900-01-00");
		goto time;
	} else if (days < 60) {
		days++; /* before Excel's imaginary 1900-02-29 */
	}
	/* serial 25569 is 1970-01-01 */
	t = (time_t)((days - 25569) * 86400);
	if (!gmtime_r(&t, &tm))
		return -1;
	strbuf_addf(out, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		    tm.tm_mday);
time:
	if (kind == KIND_DATETIME)
		strbuf_addf(out, " %02lld:%02lld:%02lld", secs / 3600,
			    secs / 60 % 60, secs % 60);
	return 0;
}

/* A number as stored, rounded to the 15 digits Excel shows if longer. */
static void number_text(const char *v, struct strbuf *out)
{
	const char *s = v;
	int digits = 0, leading = 1;
	char tmp[64];
	char *end, *e;
	double d;

	if (*s == '-' || *s == '+')
		s++;
	for (; *s && *s != 'e' && *s != 'E'; s++) {
		if (*s == '.')
			continue;
		if (*s < '0' || *s > '9') {
			strbuf_addstr(out, v); /* not a plain number: as is */
			return;
		}
		if (*s != '0')
			leading = 0;
		if (!leading)
			digits++;
	}
	if (digits <= 15) {
		strbuf_addstr(out, v);
		return;
	}
	errno = 0;
	d = strtod(v, &end);
	if (*end || errno || !isfinite(d)) {
		strbuf_addstr(out, v);
		return;
	}
	snprintf(tmp, sizeof(tmp), "%.15g", d);
	if ((e = strchr(tmp, 'e')) != NULL)
		*e = 'E';
	strbuf_addstr(out, tmp);
}

static void fail_row(struct xlsx_in *x, struct strbuf *err, const char *fmt,
		     ...) __attribute__((format(printf, 3, 4)));

static void fail_row(struct xlsx_in *x, struct strbuf *err, const char *fmt,
		     ...)
{
	va_list ap;

	strbuf_addf(err, "row %zu: ", x->cur_row);
	va_start(ap, fmt);
	strbuf_vaddf(err, fmt, ap);
	va_end(ap);
}

static void fail_cell(struct xlsx_in *x, struct strbuf *err, const char *fmt,
		      ...) __attribute__((format(printf, 3, 4)));

/* "row N: cell XN <what>" */
static void fail_cell(struct xlsx_in *x, struct strbuf *err, const char *fmt,
		      ...)
{
	va_list ap;

	strbuf_addf(err, "row %zu: cell ", x->cur_row);
	table_colname(err, x->col);
	strbuf_addf(err, "%zu ", x->cur_row);
	va_start(ap, fmt);
	strbuf_vaddf(err, fmt, ap);
	va_end(ap);
}

static int finish_cell(struct xlsx_in *x, struct strbuf *err)
{
	const char *t = x->ctype;
	struct strbuf *val = &x->val;

	strbuf_reset(val);
	if (!x->has_value) {
		/* formatted but empty */
	} else if (!strcmp(t, "s")) {
		size_t idx;

		if (!x->text.len)
			goto done;
		if (xp_parse_index(x->text.buf, &idx) < 0 || idx >= x->sst_n) {
			fail_cell(x, err, "refers to a shared string that does "
				  "not exist");
			return -1;
		}
		strbuf_addstr(val, x->sst.buf + x->sst_off[idx]);
	} else if (!strcmp(t, "inlineStr") || !strcmp(t, "str")) {
		xp_decode_text(val, x->text.buf, x->text.len);
	} else if (!strcmp(t, "b")) {
		if (!strcmp(x->text.buf, "1"))
			strbuf_addstr(val, "TRUE");
		else if (!strcmp(x->text.buf, "0"))
			strbuf_addstr(val, "FALSE");
		else
			strbuf_addbuf(val, &x->text);
	} else if (!strcmp(t, "d")) {
		/* ISO 8601, rare: "2024-03-05T00:00:00" */
		char *tp = strchr(x->text.buf, 'T');

		if (tp && (!strcmp(tp, "T00:00:00") || !strncmp(tp, "T00:00:00.", 10) ||
			   !strcmp(tp, "T00:00:00Z")))
			*tp = '\0';
		else if (tp)
			*tp = ' ';
		strbuf_addstr(val, x->text.buf);
	} else if (!strcmp(t, "e")) {
		strbuf_addbuf(val, &x->text);
	} else if (x->text.len) {
		enum num_kind k = x->cstyle < x->nxf ? x->xf_kind[x->cstyle]
						     : KIND_NUMBER;

		if (k == KIND_NUMBER || serial_text(x, x->text.buf, k, val) < 0) {
			strbuf_reset(val);
			number_text(x->text.buf, val);
		}
	}
done:
	x->output += val->len;
	if (x->output > x->max_output) {
		x->over = 1;
		fail_row(x, err, "表格内容共超过 %zu MiB（对这样大小的文件"
			  "而言过多），拒绝读取", x->max_output >> 20);
		return -1;
	}
	if (val->len > TABLE_CELL_MAX) {
		fail_cell(x, err, "is longer than the limit of %d bytes",
				  TABLE_CELL_MAX);
		return -1;
	}
	if (x->col >= TABLE_COLS_MAX) {
		if (val->len) {
			fail_cell(x, err, "is beyond the limit of %d columns",
				  TABLE_COLS_MAX);
			return -1;
		}
	} else if (val->len) {
		table_rowbuf_set(&x->row, x->col, val->buf, val->len);
	}
	return 0;
}

/* ---- the worksheet stream ---- */

/* An attribute wanted from a hot element, copied into a small buffer. */
struct attr_want {
	const char *name;
	char *buf;
	size_t size;
	int found;          /* 1 found, 0 absent, -1 too long for buf */
};

/*
 * Fetch the unprefixed attributes `want[0..n)` of the current element in
 * one pass, without allocating (rows and cells are the bulk of a sheet).
 */
static void get_attrs(xmlTextReaderPtr xr, struct attr_want *want, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		want[i].found = 0;
		want[i].buf[0] = '\0';
	}
	if (xmlTextReaderMoveToFirstAttribute(xr) != 1)
		return;
	do {
		const xmlChar *name = xmlTextReaderConstLocalName(xr);
		const xmlChar *v;
		size_t len;

		if (!name || xmlTextReaderConstPrefix(xr))
			continue;
		for (i = 0; i < n; i++)
			if (!want[i].found && !strcmp((const char *)name,
						      want[i].name))
				break;
		if (i == n)
			continue;
		v = xmlTextReaderConstValue(xr);
		len = v ? strlen((const char *)v) : 0;
		if (len >= want[i].size) {
			want[i].found = -1;
			continue;
		}
		memcpy(want[i].buf, v ? (const char *)v : "", len + 1);
		want[i].found = 1;
	} while (xmlTextReaderMoveToNextAttribute(xr) == 1);
	xmlTextReaderMoveToElement(xr);
}

static int start_row(struct xlsx_in *x, xmlTextReaderPtr xr,
		     struct strbuf *err)
{
	char r[24];
	struct attr_want want[] = { { "r", r, sizeof(r), 0 } };
	size_t n = x->cur_row + 1;

	get_attrs(xr, want, 1);
	if (!want[0].found && n > TABLE_XLSX_ROWS_MAX) {
		strbuf_addf(err, "工作表超过 %d 行（Excel 的上限），拒绝读取",
			    TABLE_XLSX_ROWS_MAX);
		return -1;
	}
	if (want[0].found && (want[0].found < 0 || xp_parse_index(r, &n) < 0 ||
			      n <= x->cur_row || n > TABLE_XLSX_ROWS_MAX)) {
		strbuf_addf(err, "row number '%.20s' after row %zu is invalid "
			    "or out of order", want[0].found < 0 ? "(long)" : r,
			    x->cur_row);
		return -1;
	}
	x->cur_row = n;
	x->next_col = 0;
	table_rowbuf_reset(&x->row);
	x->in_row = !xmlTextReaderIsEmptyElement(xr);
	return 0;
}

static int start_cell(struct xlsx_in *x, xmlTextReaderPtr xr,
		      struct strbuf *err)
{
	char r[24], t[sizeof(x->ctype)], s[24];
	struct attr_want want[] = {
		{ "r", r, sizeof(r), 0 },
		{ "t", t, sizeof(t), 0 },
		{ "s", s, sizeof(s), 0 },
	};
	size_t col = x->next_col;

	if (++x->ncells > x->max_cells) {
		x->over = 1;
		fail_row(x, err, "工作表超过 %zu 个单元格（对这样大小的文件"
			 "而言过多），拒绝读取", x->max_cells);
		return -1;
	}
	get_attrs(xr, want, 3);
	if (!want[0].found && col >= TABLE_XLSX_COLS_MAX) {
		fail_row(x, err, "超过 %d 列（Excel 的上限），拒绝读取",
			 TABLE_XLSX_COLS_MAX);
		return -1;
	}
	if (want[0].found && (want[0].found < 0 || parse_ref_col(r, &col) < 0)) {
		fail_row(x, err, "invalid cell reference '%.20s'",
			 want[0].found < 0 ? "(long)" : r);
		return -1;
	}
	if (col < x->next_col) {
		fail_row(x, err, "cell '%.20s' is out of order",
			 want[0].found ? r : "?");
		return -1;
	}
	x->col = col;
	x->next_col = col + 1;
	/* t fits: get_attrs() keeps only values shorter than the buffer */
	strcpy(x->ctype, want[1].found > 0 ? t : want[1].found ? "?" : "n");
	if (want[2].found <= 0 || xp_parse_index(s, &x->cstyle) < 0)
		x->cstyle = 0;
	x->has_value = 0;
	x->in_v = x->in_is = x->in_t = x->rph_depth = 0;
	strbuf_reset(&x->text);
	x->in_cell = !xmlTextReaderIsEmptyElement(xr);
	return 0;
}

static int next_row(struct table_reader *r, struct table_row *row,
		    struct strbuf *err)
{
	struct xlsx_in *x = r->impl;
	xmlTextReaderPtr xr = x->sheet.xr;
	int ret;

	for (;;) {
		int type, empty;

		/* no "row N" on XML errors: libxml2 reads ahead, so N
		 * would be a guess; its message has the line */
		ret = xp_step(&x->sheet, err);
		if (ret <= 0)
			break;
		type = xmlTextReaderNodeType(xr);
		if (type == XML_READER_TYPE_ELEMENT) {
			empty = xmlTextReaderIsEmptyElement(xr);
			if (xp_is_elem(xr, "sheetData")) {
				x->in_sheetdata = !empty;
			} else if (!x->in_sheetdata) {
				continue;
			} else if (xp_is_elem(xr, "row")) {
				if (x->in_row) {
					fail_row(x, err, "a row inside a row");
					ret = -1;
					break;
				}
				if (start_row(x, xr, err) < 0) {
					ret = -1;
					break;
				}
			} else if (!x->in_row) {
				continue;
			} else if (xp_is_elem(xr, "c")) {
				if (x->in_cell) {
					fail_row(x, err, "a cell inside a cell");
					ret = -1;
					break;
				}
				if (start_cell(x, xr, err) < 0) {
					ret = -1;
					break;
				}
			} else if (!x->in_cell || empty) {
				continue;
			} else if (xp_is_elem(xr, "v")) {
				x->in_v = 1;
				x->has_value = 1;
			} else if (xp_is_elem(xr, "is")) {
				x->in_is = 1;
				x->has_value = 1;
			} else if (xp_is_elem(xr, "rPh")) {
				x->rph_depth++;
			} else if (xp_is_elem(xr, "t") && x->in_is) {
				x->in_t = 1;
			}
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (xp_is_elem(xr, "sheetData")) {
				ret = 0;
				break;
			}
			if (!x->in_row)
				continue;
			if (xp_is_elem(xr, "row")) {
				x->in_row = 0;
				if (table_rowbuf_finish(&x->row, row)) {
					r->rownum = x->cur_row;
					return 1;
				}
			} else if (!x->in_cell) {
				continue;
			} else if (xp_is_elem(xr, "c")) {
				x->in_cell = 0;
				if (finish_cell(x, err) < 0) {
					ret = -1;
					break;
				}
			} else if (xp_is_elem(xr, "v")) {
				x->in_v = 0;
			} else if (xp_is_elem(xr, "is")) {
				x->in_is = 0;
			} else if (xp_is_elem(xr, "t")) {
				x->in_t = 0;
			} else if (xp_is_elem(xr, "rPh") && x->rph_depth) {
				x->rph_depth--;
			}
		} else if (xp_is_text_node(type) &&
			   (x->in_v || (x->in_t && !x->rph_depth))) {
			const xmlChar *v = xmlTextReaderConstValue(xr);

			if (v)
				strbuf_addstr(&x->text, (const char *)v);
			if (x->text.len > TABLE_CELL_MAX) {
				fail_cell(x, err, "is longer than the limit of "
					  "%d bytes", TABLE_CELL_MAX);
				ret = -1;
				break;
			}
		}
	}
	if (ret < 0)
		r->rownum = x->cur_row;
	return ret < 0 ? -1 : 0;
}

static int xlsx_next(struct table_reader *r, struct table_row *row,
		     struct strbuf *err)
{
	struct err_guard g;
	int ret;

	xp_guard_on(&g, r->impl);
	ret = next_row(r, row, err);
	xp_guard_off(&g);
	if (ret < 0 && ((struct xlsx_in *)r->impl)->over)
		ret = TABLE_ELIMIT;
	return ret;
}

static void xlsx_release(struct table_reader *r)
{
	struct xlsx_in *x = r->impl;

	if (!x)
		return;
	if (x->sheet_open)
		xp_close(&x->sheet);
	if (x->za)
		zip_discard(x->za);
	strbuf_release(&x->sst);
	free(x->sst_off);
	free(x->xf_kind);
	free(x->sheet_name);
	strbuf_release(&x->text);
	strbuf_release(&x->val);
	table_rowbuf_release(&x->row);
	free(x);
	r->impl = NULL;
}

/* ---- opening ---- */

/*
 * Read what the worksheet needs from the other parts, and choose the
 * worksheet (x->sheet_name).
 */
static int read_parts(struct xlsx_in *x, struct strbuf *err)
{
	char *rid = NULL, *sst = NULL, *styles = NULL;
	int ret = -1;

	if (read_workbook(x, &rid, err) < 0 ||
	    read_rels(x, rid, &x->sheet_name, &sst, &styles, err) < 0)
		goto cleanup;
	if (!x->sheet_name || xp_locate(x->za, x->sheet_name) < 0) {
		free(x->sheet_name);
		x->sheet_name = xstrdup("xl/worksheets/sheet1.xml");
	}
	if (read_styles(x, styles ? styles : "xl/styles.xml", err) < 0 ||
	    read_sst(x, sst ? sst : "xl/sharedStrings.xml", err) < 0)
		goto cleanup;
	ret = 0;
cleanup:
	free(rid);
	free(sst);
	free(styles);
	return ret;
}

static void set_budgets(struct xlsx_in *x, size_t len)
{
	static const struct table_budget inflate = TABLE_XLSX_BUDGET_INFLATE,
		sst_n = TABLE_XLSX_BUDGET_SST_COUNT,
		sst_bytes = TABLE_XLSX_BUDGET_SST_BYTES,
		cells = TABLE_XLSX_BUDGET_CELLS, output = TABLE_XLSX_BUDGET_OUTPUT;

	x->max_inflate = table_budget_of(&inflate, len);
	x->max_sst_n = table_budget_of(&sst_n, len);
	x->max_sst_bytes = table_budget_of(&sst_bytes, len);
	x->max_cells = table_budget_of(&cells, len);
	x->max_output = table_budget_of(&output, len);
}

static const char ole_magic[8] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

static const char not_zip_msg[] =
	"not an XLSX workbook (not a zip archive)";
static const char ole_msg[] =
	"not an XLSX workbook: this is an old .xls file or a password-"
	"protected workbook; save it as .xlsx without a password";

/* Open the archive; for a path, *len becomes the file's size. */
static int open_archive(struct xlsx_in *x, const char *path, const char *data,
			size_t *len, struct strbuf *err)
{
	zip_error_t ze;
	int code = 0;

	if (path) {
		struct stat st;
		char head[8];
		ssize_t n = 0;
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			strbuf_addf(err, "cannot open: %s", strerror(errno));
			return -1;
		}
		n = read(fd, head, sizeof(head));
		if (fstat(fd, &st) == 0)
			*len = (size_t)st.st_size;
		close(fd);
		if (n == (ssize_t)sizeof(head) && !memcmp(head, ole_magic, 8)) {
			strbuf_addstr(err, ole_msg);
			return -1;
		}
		if (n <= 0) {
			strbuf_addstr(err, "the file is empty");
			return -1;
		}
		x->za = zip_open(path, ZIP_RDONLY, &code);
		zip_error_init_with_code(&ze, code);
	} else {
		zip_source_t *src;

		if (!*len) {
			strbuf_addstr(err, "the file is empty");
			return -1;
		}
		if (*len >= 8 && !memcmp(data, ole_magic, 8)) {
			strbuf_addstr(err, ole_msg);
			return -1;
		}
		zip_error_init(&ze);
		src = zip_source_buffer_create(data, *len, 0, &ze);
		if (src) {
			x->za = zip_open_from_source(src, ZIP_RDONLY, &ze);
			if (!x->za)
				zip_source_free(src);
		}
		code = zip_error_code_zip(&ze);
	}
	if (!x->za) {
		if (code == ZIP_ER_NOZIP)
			strbuf_addstr(err, not_zip_msg);
		else
			strbuf_addf(err, "not a readable XLSX workbook (corrupt "
				    "zip archive: %s)", zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return -1;
	}
	zip_error_fini(&ze);
	return 0;
}

int table_xlsx_reader_open(struct table_reader *r, const char *path,
			   const char *data, size_t len, struct strbuf *err)
{
	struct xlsx_in *x = xcalloc(1, sizeof(*x));
	struct err_guard g;
	zip_int64_t n;
	int ret;

	if (!x)
		abort();
	strbuf_init(&x->sst, 0);
	strbuf_init(&x->text, 0);
	strbuf_init(&x->val, 0);
	table_rowbuf_init(&x->row);
	r->impl = x;
	r->next = xlsx_next;
	r->release = xlsx_release;

	if (open_archive(x, path, data, &len, err) < 0)
		return -1;
	set_budgets(x, len);
	n = zip_get_num_entries(x->za, 0);
	if (n <= 0) {
		strbuf_addstr(err, "not an XLSX workbook (an empty archive)");
		return -1;
	}
	if (n > TABLE_ZIP_ENTRIES_MAX) {
		strbuf_addf(err, "the archive has %lld entries, more than the "
			    "%d allowed", (long long)n, TABLE_ZIP_ENTRIES_MAX);
		return -1;
	}
	xp_guard_on(&g, x);
	ret = read_parts(x, err);
	if (ret == 0) {
		x->sheet_open = 1;
		ret = xp_open(x, &x->sheet, x->sheet_name, err);
		if (ret == 0) {
			strbuf_addstr(err, xp_locate(x->za, "[Content_Types].xml") < 0
					   ? "not an XLSX workbook (a zip archive "
					     "without a workbook)"
					   : "the workbook has no worksheet");
			ret = -1;
		}
	}
	xp_guard_off(&g);
	if (ret < 0 && x->over)
		return TABLE_ELIMIT;
	return ret < 0 ? -1 : 0;
}
