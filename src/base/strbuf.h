/*
 * strbuf: the one growable string of Sanling, after git's strbuf.h.
 *
 * A strbuf always holds a NUL-terminated buffer (`buf`) of `len` bytes.
 * An initialised but empty strbuf points at a shared empty string, so it can
 * be printed without a check.  This file is not a general container library:
 * it knows bytes, not characters, and nothing of JSON or SQL escaping.
 *
 * Allocation failure is fatal here (abort) except in the functions that say
 * otherwise: a server that cannot grow a string has nothing sensible to do.
 */
#ifndef SANLING_STRBUF_H
#define SANLING_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT { 0, 0, strbuf_slopbuf }

/* Initialise `sb` with room for at least `hint` bytes (0 allocates nothing). */
void strbuf_init(struct strbuf *sb, size_t hint);

/* Free the buffer and reinitialise `sb` as empty. */
void strbuf_release(struct strbuf *sb);

/*
 * Hand the buffer to the caller, who must free() it, and reinitialise `sb`.
 * Always returns an allocated string (an empty one if `sb` was empty).
 * If `len` is not NULL it receives the length.
 */
char *strbuf_detach(struct strbuf *sb, size_t *len);

/* Make room for `extra` more bytes beyond `len`. */
void strbuf_grow(struct strbuf *sb, size_t extra);

/* Set the length to `len` (<= current length or alloc) and terminate. */
void strbuf_setlen(struct strbuf *sb, size_t len);
#define strbuf_reset(sb) strbuf_setlen((sb), 0)

void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addbuf(struct strbuf *sb, const struct strbuf *other);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);

/* Replace the contents with a formatted string. */
void strbuf_setf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Remove trailing and leading ASCII whitespace. */
void strbuf_trim(struct strbuf *sb);

/* Append `len` bytes as lowercase hex. */
void strbuf_addhex(struct strbuf *sb, const unsigned char *data, size_t len);

/*
 * Read the whole of file `path` into `sb` (appending).  Returns 0, or -1 with
 * errno set (the buffer is left as it was).
 */
int strbuf_read_file(struct strbuf *sb, const char *path);

/* Read all of file descriptor `fd` (appending).  Returns 0 or -1. */
int strbuf_read_fd(struct strbuf *sb, int fd);

#endif
