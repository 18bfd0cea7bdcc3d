/*
 * tarzst: a backup archive, a POSIX tar (ustar) stream compressed with
 * Zstandard — what `tar --zstd -tf FILE` lists — written and read as a
 * stream, with the SHA-256 of each member's content computed on the way.
 * Only plain files, named by the caller; nothing is ever extracted to a
 * name found in the archive (the reader hands the member's name to the
 * caller, who decides where its bytes go).
 *
 * Not here: what the members are (backup.c).
 */
#ifndef SANLING_TARZST_H
#define SANLING_TARZST_H

#include <stdint.h>
#include <stdio.h>

struct strbuf;
struct tarzst;

/* Create `path` (truncated) for writing: NULL with `err` on failure. */
struct tarzst *tarzst_create(const char *path, struct strbuf *err);
/*
 * Add a member `name` with the `size` bytes read from `in` (a file) or,
 * when `in` is NULL, from `data`; its SHA-256 (hex, 65 bytes) into `sha`
 * if not NULL.  0, or -1 with `err`.
 */
int tarzst_add(struct tarzst *t, const char *name, FILE *in, const void *data, uint64_t size,
	       char *sha, struct strbuf *err);
/* End the archive, sync it to the disk and close: 0, or -1 with `err`. */
int tarzst_finish(struct tarzst *t, struct strbuf *err);

/* Open `path` for reading: NULL with `err`. */
struct tarzst *tarzst_open(const char *path, struct strbuf *err);
/*
 * The next member: 1 with its name (up to 100 bytes) and size, 0 at the
 * end of the archive, -1 with `err` (not a backup archive, damaged).
 */
int tarzst_next(struct tarzst *t, char *name, uint64_t *size, struct strbuf *err);
/*
 * The current member's content: to `out` (a file) or, when `out` is NULL,
 * into `mem` (at most `max` bytes, else an error); its SHA-256 into `sha`.
 * 0, or -1 with `err`.
 */
int tarzst_read(struct tarzst *t, FILE *out, struct strbuf *mem, uint64_t max, char *sha,
		struct strbuf *err);
/* Close either kind without finishing (a failed write leaves its file to the caller). */
void tarzst_close(struct tarzst *t);

#endif
