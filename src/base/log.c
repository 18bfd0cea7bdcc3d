/*
 * log.c: leveled one-line messages to stderr with a UTC timestamp (see
 * log.h).  The level and stream are atomics, so no lock is needed; each
 * line is built in a local strbuf and written with one fwrite(), which
 * stdio performs under the stream's lock.  Not a log router: no files, no
 * rotation, no syslog (run under systemd and journald does all that).
 */
#include "base/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "base/strbuf.h"

static atomic_int min_level = LOG_LEVEL_INFO;
static atomic_int format = LOG_FORMAT_TEXT;
static _Atomic(FILE *) log_stream;

static const char *const level_name[] = {
	"DEBUG", "INFO ", "WARN ", "ERROR"
};

void log_set_level(enum log_level level)
{
	atomic_store(&min_level, (int)level);
}

enum log_level log_get_level(void)
{
	return (enum log_level)atomic_load(&min_level);
}

void log_set_stream(FILE *fp)
{
	atomic_store(&log_stream, fp);
}

int log_level_parse(const char *s, enum log_level *level)
{
	static const char *const names[] = { "debug", "info", "warn", "error" };
	int i;

	if (!s)
		return -1;
	for (i = 0; i < 4; i++) {
		if (!strcmp(s, names[i])) {
			*level = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

/* Append "2026-11-29T10:00:00.123Z" for the current time. */
static void add_timestamp(struct strbuf *sb)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strbuf_addf(sb, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, (int)(ts.tv_nsec / 1000000));
}

void log_set_format(enum log_format f)
{
	atomic_store(&format, f);
}

int log_format_parse(const char *s, enum log_format *f)
{
	if (!strcmp(s, "text"))
		*f = LOG_FORMAT_TEXT;
	else if (!strcmp(s, "json"))
		*f = LOG_FORMAT_JSON;
	else
		return -1;
	return 0;
}

/* `s` with control characters as \xNN (text: a line stays one entry). */
static void add_text(struct strbuf *line, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			strbuf_addf(line, "\\x%02x", c);
		else
			strbuf_addch(line, c);
	}
}

/* `s` as a JSON string, quotes included (bytes ≥ 0x80 pass: UTF-8). */
static void add_json(struct strbuf *line, const char *s, size_t n)
{
	size_t i;

	strbuf_addch(line, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			strbuf_addf(line, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			strbuf_addf(line, "\\u%04x", c);
		else
			strbuf_addch(line, c);
	}
	strbuf_addch(line, '"');
}

/* The line's beginning: its time and level, and "msg" in JSON. */
static void line_start(struct strbuf *line, enum log_level level, const char *msg, size_t n)
{
	static const char *const json_level[] = { "debug", "info", "warn", "error" };

	if (atomic_load(&format) == LOG_FORMAT_JSON) {
		strbuf_addstr(line, "{\"time\":\"");
		add_timestamp(line);
		strbuf_addf(line, "\",\"level\":\"%s\",\"msg\":", json_level[level]);
		add_json(line, msg, n);
	} else {
		add_timestamp(line);
		strbuf_addch(line, ' ');
		strbuf_addstr(line, level_name[level]);
		strbuf_addch(line, ' ');
		add_text(line, msg, n);
	}
}

/* log_hold(): where this thread's lines go meanwhile */
static _Thread_local struct strbuf *held;

void log_hold(struct strbuf *sb)
{
	held = sb;
}

static void write_out(const char *s, size_t n)
{
	FILE *fp = atomic_load(&log_stream);

	if (!fp)
		fp = stderr;
	fwrite(s, 1, n, fp);
	fflush(fp);
}

void log_held(const struct strbuf *sb)
{
	if (sb->len)
		write_out(sb->buf, sb->len);
}

static void line_write(struct strbuf *line)
{
	strbuf_addstr(line, atomic_load(&format) == LOG_FORMAT_JSON ? "}\n" : "\n");
	if (held) {
		strbuf_add(held, line->buf, line->len);
		return;
	}
	write_out(line->buf, line->len);
}

static void log_write(enum log_level level, const char *fmt, va_list ap)
{
	struct strbuf msg = STRBUF_INIT, line = STRBUF_INIT;
	int saved = errno;

	if ((int)level < atomic_load(&min_level))
		return;
	strbuf_vaddf(&msg, fmt, ap);
	line_start(&line, level, msg.buf, msg.len);
	line_write(&line);
	strbuf_release(&msg);
	strbuf_release(&line);
	errno = saved;
}

void log_request(const char *method, const char *path, unsigned status,
		 unsigned long long bytes, unsigned long long usec)
{
	struct strbuf line = STRBUF_INIT;
	int saved = errno;

	if (LOG_LEVEL_INFO < atomic_load(&min_level))
		return;
	if (atomic_load(&format) == LOG_FORMAT_JSON) {
		line_start(&line, LOG_LEVEL_INFO, "request", 7);
		strbuf_addstr(&line, ",\"method\":");
		add_json(&line, method, strlen(method));
		strbuf_addstr(&line, ",\"path\":");
		add_json(&line, path, strlen(path));
		strbuf_addf(&line, ",\"status\":%u,\"bytes\":%llu,\"usec\":%llu", status, bytes, usec);
	} else {
		line_start(&line, LOG_LEVEL_INFO, method, strlen(method));
		strbuf_addch(&line, ' ');
		add_text(&line, path, strlen(path));
		strbuf_addf(&line, " %u %lluB %lluus", status, bytes, usec);
	}
	line_write(&line);
	strbuf_release(&line);
	errno = saved;
}

#define DEFINE_LOG_FN(name, level)			\
void name(const char *fmt, ...)				\
{							\
	va_list ap;					\
							\
	va_start(ap, fmt);				\
	log_write(level, fmt, ap);			\
	va_end(ap);					\
}

DEFINE_LOG_FN(log_debug, LOG_LEVEL_DEBUG)
DEFINE_LOG_FN(log_info, LOG_LEVEL_INFO)
DEFINE_LOG_FN(log_warn, LOG_LEVEL_WARN)
DEFINE_LOG_FN(log_error, LOG_LEVEL_ERROR)
