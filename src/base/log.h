/*
 * log: one-line diagnostics on standard error for operators:
 *
 *     2026-11-29T10:00:00.123Z WARN  backup: disk 91% full
 *
 * or, with log_set_format(LOG_FORMAT_JSON), one JSON object a line for
 * journald and log collectors:
 *
 *     {"time":"2026-11-29T10:00:00.123Z","level":"warn","msg":"backup: disk 91% full"}
 *
 * Each line is written with a single call on the stream, so lines from
 * different threads never interleave; control characters in the message
 * (a newline smuggled in through a request, say) are written as "\xNN" so a
 * line is always one entry.  This is not an audit trail (audit rows go to
 * the database with the change they record) and not a request log.
 *
 * Callers must not pass personal data (names, ID numbers, phone numbers,
 * addresses, passwords, tokens): log record ids, counts and error codes,
 * and mask anything else with mask.h first.  The logger cannot tell.
 */
#ifndef SANLING_LOG_H
#define SANLING_LOG_H

#include <stdio.h>

enum log_level {
	LOG_LEVEL_DEBUG = 0,
	LOG_LEVEL_INFO = 1,
	LOG_LEVEL_WARN = 2,
	LOG_LEVEL_ERROR = 3,
	LOG_LEVEL_NONE = 4	/* log_set_level(LOG_LEVEL_NONE) silences all */
};

/*
 * Write only messages at `level` or above (default LOG_LEVEL_INFO).  Safe to
 * call at any time from any thread.
 */
void log_set_level(enum log_level level);

enum log_format { LOG_FORMAT_TEXT, LOG_FORMAT_JSON };

/* Text lines (the default) or JSON lines; any time, from any thread. */
void log_set_format(enum log_format format);
/* "text" or "json" into `*format`: 0, or -1 if `s` is neither. */
int log_format_parse(const char *s, enum log_format *format);

/*
 * One request done, at level info: "GET /path 200 1234B 517us" in text,
 * {"time","level":"info","msg":"request","method","path","status","bytes",
 * "usec"} in JSON.  `path` is the path without its query (which may carry
 * a search for a person).
 */
void log_request(const char *method, const char *path, unsigned status,
		 unsigned long long bytes, unsigned long long usec);

/* The level in force. */
enum log_level log_get_level(void);

/*
 * Send log lines to `fp` instead of stderr (NULL restores stderr).  Meant
 * for start-up and tests; the stream must outlive its use here.
 */
void log_set_stream(FILE *fp);

/*
 * Parse "debug", "info", "warn" or "error" (as in a configuration file or
 * an environment variable) into `*level`.  Returns 0, or -1 if `s` is none
 * of these (`*level` untouched).
 */
int log_level_parse(const char *s, enum log_level *level);

/*
 * Keep this thread's lines in `sb` instead of writing them (NULL: write
 * them again), for work that may be thrown away and done again (a read on
 * a replica done again on the primary, whose first try's errors are not
 * the answer's): the caller then writes them with log_held(), or drops
 * them.  Lines kept are whole lines of the format in force.
 */
struct strbuf;
void log_hold(struct strbuf *sb);
void log_held(const struct strbuf *sb);

/* printf-style messages; the newline is added.  errno is preserved. */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
