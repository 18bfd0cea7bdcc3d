/*
 * tarzst.c: the backup archive (tarzst.h): ustar headers written and
 * checked by hand, the stream through libzstd (level 1, two worker threads:
 * a backup goes near the speed of a copy), SHA-256 through OpenSSL's
 * libcrypto (it uses the CPU's SHA instructions: some 1.5 GB/s where
 * libsodium's portable code hashes 0.2 GB/s, which made the hash the
 * slowest part of a backup and of a restore).
 */
#include "ops/tarzst.h"

#include <errno.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "base/alloc.h"
#include "base/strbuf.h"

#define BLOCK 512

struct tarzst {
	FILE *fp;
	const char *path;
	ZSTD_CCtx *cctx;
	ZSTD_DCtx *dctx;
	char *buf;		/* compressed bytes: out (write) or in (read) */
	size_t cap;
	ZSTD_inBuffer in;	/* reading: what of buf is left to decompress */
	int eof;		/* reading: the file is all read */
	uint64_t left;		/* reading: the current member's bytes not yet read */
	uint64_t pad;		/* and its padding to a block */
};

static int io_error(struct tarzst *t, const char *what, struct strbuf *err)
{
	strbuf_addf(err, "%s: %s: %s", t->path, what, strerror(errno ? errno : EIO));
	return -1;
}

/* ---- writing ---- */

struct tarzst *tarzst_create(const char *path, struct strbuf *err)
{
	struct tarzst *t = xcalloc(1, sizeof(*t));

	t->path = path;
	t->fp = fopen(path, "wbx");
	if (!t->fp) {
		strbuf_addf(err, "%s: %s", path, strerror(errno));
		free(t);
		return NULL;
	}
	t->cctx = ZSTD_createCCtx();
	ZSTD_CCtx_setParameter(t->cctx, ZSTD_c_compressionLevel, 1);
	ZSTD_CCtx_setParameter(t->cctx, ZSTD_c_nbWorkers, 2);
	ZSTD_CCtx_setParameter(t->cctx, ZSTD_c_checksumFlag, 1);
	t->cap = ZSTD_CStreamOutSize();
	t->buf = xmalloc(t->cap);
	return t;
}

/* Compress `len` bytes (`mode`: continue, or end the frame). */
static int zwrite(struct tarzst *t, const void *data, size_t len, ZSTD_EndDirective mode,
		  struct strbuf *err)
{
	ZSTD_inBuffer in = { data, len, 0 };
	size_t rest;

	do {
		ZSTD_outBuffer out = { t->buf, t->cap, 0 };

		rest = ZSTD_compressStream2(t->cctx, &out, &in, mode);
		if (ZSTD_isError(rest)) {
			strbuf_addf(err, "%s: compressing: %s", t->path, ZSTD_getErrorName(rest));
			return -1;
		}
		if (out.pos && fwrite(t->buf, 1, out.pos, t->fp) != out.pos)
			return io_error(t, "writing", err);
	} while (mode == ZSTD_e_end ? rest != 0 : in.pos < in.size);
	return 0;
}

static void octal(char *field, size_t width, uint64_t v)
{
	snprintf(field, width, "%0*llo", (int)width - 1, (unsigned long long)v);
}

/* A ustar header of a plain file; sizes of 8 GiB and more in base 256. */
static void header(char *h, const char *name, uint64_t size)
{
	unsigned sum = 0;
	int i;

	memset(h, 0, BLOCK);
	snprintf(h, 100, "%s", name);
	octal(h + 100, 8, 0640);
	octal(h + 108, 8, 0);
	octal(h + 116, 8, 0);
	if (size < 077777777777ULL) {
		octal(h + 124, 12, size);
	} else {
		h[124] = (char)0x80;
		for (i = 11; i > 3; i--, size >>= 8)
			h[124 + i] = (char)(size & 0xff);
	}
	octal(h + 136, 12, (uint64_t)time(NULL));
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memcpy(h + 265, "sanling", 8);
	memcpy(h + 297, "sanling", 8);
	memset(h + 148, ' ', 8);
	for (i = 0; i < BLOCK; i++)
		sum += (unsigned char)h[i];
	snprintf(h + 148, 8, "%06o", sum);
}

/* SHA-256 (libcrypto's EVP: allocation failure aborts, as memory does everywhere here) */
static EVP_MD_CTX *sha_begin(void)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	if (!c || !EVP_DigestInit_ex(c, EVP_sha256(), NULL))
		abort();
	return c;
}

static void sha_update(EVP_MD_CTX *c, const void *p, size_t n)
{
	if (!EVP_DigestUpdate(c, p, n))
		abort();
}

/* The digest as 64 hex digits into `out`; `c` freed. */
static void sha_end(EVP_MD_CTX *c, char *out)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned len = 0;

	if (!EVP_DigestFinal_ex(c, d, &len) || len != 32)
		abort();
	EVP_MD_CTX_free(c);
	if (out)
		sodium_bin2hex(out, 65, d, len);
}

int tarzst_add(struct tarzst *t, const char *name, FILE *in, const void *data, uint64_t size,
	       char *sha, struct strbuf *err)
{
	static const char zeros[BLOCK];
	char h[BLOCK], chunk[1 << 16];
	uint64_t done = 0;
	EVP_MD_CTX *st;

	header(h, name, size);
	if (zwrite(t, h, BLOCK, ZSTD_e_continue, err))
		return -1;
	st = sha_begin();
	while (done < size) {
		size_t n = size - done < sizeof(chunk) ? (size_t)(size - done) : sizeof(chunk);
		const void *p = chunk;

		if (in) {
			if (fread(chunk, 1, n, in) != n) {
				strbuf_addf(err, "%s: reading %s: %s", t->path, name,
					    ferror(in) ? strerror(errno) : "shorter than said");
				sha_end(st, NULL);
				return -1;
			}
		} else {
			p = (const char *)data + done;
		}
		sha_update(st, p, n);
		if (zwrite(t, p, n, ZSTD_e_continue, err)) {
			sha_end(st, NULL);
			return -1;
		}
		done += n;
	}
	sha_end(st, sha);
	return size % BLOCK ? zwrite(t, zeros, BLOCK - size % BLOCK, ZSTD_e_continue, err) : 0;
}

int tarzst_finish(struct tarzst *t, struct strbuf *err)
{
	static const char end[2 * BLOCK];
	int rc = zwrite(t, end, sizeof(end), ZSTD_e_end, err);

	if (!rc && (fflush(t->fp) || fsync(fileno(t->fp))))
		rc = io_error(t, "writing", err);
	if (fclose(t->fp) && !rc)
		rc = io_error(t, "closing", err);
	t->fp = NULL;
	tarzst_close(t);
	return rc;
}

/* ---- reading ---- */

struct tarzst *tarzst_open(const char *path, struct strbuf *err)
{
	struct tarzst *t = xcalloc(1, sizeof(*t));

	t->path = path;
	t->fp = fopen(path, "rb");
	if (!t->fp) {
		strbuf_addf(err, "%s: %s", path, strerror(errno));
		free(t);
		return NULL;
	}
	t->dctx = ZSTD_createDCtx();
	t->cap = ZSTD_DStreamInSize();
	t->buf = xmalloc(t->cap);
	t->in.src = t->buf;
	return t;
}

/* Exactly `len` bytes of the decompressed stream into `dst`: 0, or -1 with `err`. */
static int zread(struct tarzst *t, void *dst, size_t len, struct strbuf *err)
{
	ZSTD_outBuffer out = { dst, len, 0 };

	while (out.pos < out.size) {
		size_t r;

		if (t->in.pos == t->in.size) {
			if (t->eof) {
				strbuf_addf(err, "%s: not a whole backup (it ends too soon)", t->path);
				return -1;
			}
			t->in.size = fread(t->buf, 1, t->cap, t->fp);
			t->in.pos = 0;
			if (t->in.size < t->cap) {
				if (ferror(t->fp))
					return io_error(t, "reading", err);
				t->eof = 1;
			}
		}
		r = ZSTD_decompressStream(t->dctx, &out, &t->in);
		if (ZSTD_isError(r)) {
			strbuf_addf(err, "%s: not a sanling backup, or damaged (%s)", t->path,
				    ZSTD_getErrorName(r));
			return -1;
		}
	}
	return 0;
}

static uint64_t parse_size(const unsigned char *f)
{
	uint64_t v = 0;
	int i;

	if (f[0] & 0x80) {
		for (i = 4; i < 12; i++)
			v = (v << 8) | f[i];
		return v;
	}
	for (i = 0; i < 12 && f[i] >= '0' && f[i] <= '7'; i++)
		v = v * 8 + (uint64_t)(f[i] - '0');
	return v;
}

static int header_ok(const unsigned char *h)
{
	unsigned sum = 0, want = 0;
	int i;

	for (i = 0; i < BLOCK; i++)
		sum += i >= 148 && i < 156 ? ' ' : h[i];
	for (i = 148; i < 156 && h[i] >= '0' && h[i] <= '7'; i++)
		want = want * 8 + (unsigned)(h[i] - '0');
	return sum == want && !memcmp(h + 257, "ustar", 5) && (h[156] == '0' || h[156] == '\0');
}

/* Skip what is left of the current member. */
static int skip(struct tarzst *t, struct strbuf *err)
{
	char chunk[1 << 14];

	t->left += t->pad;
	t->pad = 0;
	while (t->left) {
		size_t n = t->left < sizeof(chunk) ? (size_t)t->left : sizeof(chunk);

		if (zread(t, chunk, n, err))
			return -1;
		t->left -= n;
	}
	return 0;
}

int tarzst_next(struct tarzst *t, char *name, uint64_t *size, struct strbuf *err)
{
	static const unsigned char zeros[BLOCK];
	unsigned char h[BLOCK];

	if (skip(t, err) || zread(t, h, BLOCK, err))
		return -1;
	if (!memcmp(h, zeros, BLOCK))
		return 0;
	if (!header_ok(h)) {
		strbuf_addf(err, "%s: not a sanling backup (no archive inside)", t->path);
		return -1;
	}
	memcpy(name, h, 100);
	name[100] = '\0';
	*size = t->left = parse_size(h + 124);
	t->pad = t->left % BLOCK ? BLOCK - t->left % BLOCK : 0;
	return 1;
}

int tarzst_read(struct tarzst *t, FILE *out, struct strbuf *mem, uint64_t max, char *sha,
		struct strbuf *err)
{
	char chunk[1 << 16];
	EVP_MD_CTX *st;

	if (!out && t->left > max) {
		strbuf_addf(err, "%s: not a sanling backup (a member too large)", t->path);
		return -1;
	}
	st = sha_begin();
	while (t->left) {
		size_t n = t->left < sizeof(chunk) ? (size_t)t->left : sizeof(chunk);

		if (zread(t, chunk, n, err)) {
			sha_end(st, NULL);
			return -1;
		}
		sha_update(st, chunk, n);
		if (out && fwrite(chunk, 1, n, out) != n) {
			strbuf_addf(err, "writing: %s", strerror(errno));
			sha_end(st, NULL);
			return -1;
		}
		if (!out)
			strbuf_add(mem, chunk, n);
		t->left -= n;
	}
	sha_end(st, sha);
	return 0;
}

void tarzst_close(struct tarzst *t)
{
	if (!t)
		return;
	if (t->fp)
		fclose(t->fp);
	ZSTD_freeCCtx(t->cctx);
	ZSTD_freeDCtx(t->dctx);
	free(t->buf);
	free(t);
}
