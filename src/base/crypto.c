/*
 * crypto.c: libsodium glue for keys, personal-data encryption, blind
 * indexes, passwords and tokens (see crypto.h).  Holds no secret in a
 * static variable: the only static state is the once-flag of crypto_init().
 * Not a place for policy about which fields are encrypted (the model says).
 */
#include "base/crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "base/alloc.h"
#include "base/strbuf.h"
#include "base/validate.h"

#define PD_PREFIX "v1:"
#define PD_PREFIX_LEN 3
#define PD_NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define PD_TAG crypto_aead_xchacha20poly1305_ietf_ABYTES
#define B64_VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define BLIND_BYTES 16
#define PW_MAX_BYTES 1024
#define KEYFILE_MAX 4096

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_result = -1;

static void do_init(void)
{
	init_result = sodium_init() < 0 ? -1 : 0;
}

int crypto_init(void)
{
	if (pthread_once(&init_once, do_init))
		return -1;
	return init_result;
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

/* Wipe and free a strbuf that held secret bytes. */
static void release_secret(struct strbuf *sb)
{
	if (sb->alloc)
		sodium_memzero(sb->buf, sb->alloc);
	strbuf_release(sb);
}

void crypto_keys_release(struct crypto_keys *k)
{
	sodium_memzero(k, sizeof(*k));
}

/* fsync the directory holding `path`, so that a new link survives a crash. */
static void sync_parent_dir(const char *path)
{
	char *copy = xstrdup(path);
	int fd;

	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

/*
 * Write fresh random keys to `path` unless it exists.  A temporary file in
 * the same directory gets the content and is then link()ed into place, so
 * that a reader never sees a half-written key file and two processes
 * racing to create it end up agreeing on one.  Returns 0 (also when
 * somebody else created the file first) or -1 with `err`.
 */
static int create_key_file(const char *path, struct strbuf *err)
{
	struct strbuf tmp = STRBUF_INIT, hex = STRBUF_INIT;
	unsigned char raw[2 * CRYPTO_KEY_BYTES];
	int fd = -1, ret = -1;
	size_t off = 0;

	strbuf_addf(&tmp, "%s.tmp.XXXXXX", path);
	fd = mkostemp(tmp.buf, O_CLOEXEC);	/* mode 0600 */
	if (fd < 0) {
		add_err(err, "cannot create key file %s: %s", path,
			strerror(errno));
		goto cleanup;
	}
	randombytes_buf(raw, sizeof(raw));
	strbuf_addhex(&hex, raw, sizeof(raw));
	strbuf_addch(&hex, '\n');
	while (off < hex.len) {
		ssize_t n = write(fd, hex.buf + off, hex.len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			add_err(err, "cannot write key file %s: %s", tmp.buf,
				strerror(errno));
			goto cleanup;
		}
		off += (size_t)n;
	}
	if (fchmod(fd, 0600) || fsync(fd)) {
		add_err(err, "cannot write key file %s: %s", tmp.buf,
			strerror(errno));
		goto cleanup;
	}
	if (link(tmp.buf, path) && errno != EEXIST) {
		add_err(err, "cannot create key file %s: %s", path,
			strerror(errno));
		goto cleanup;
	}
	sync_parent_dir(path);
	ret = 0;
cleanup:
	if (fd >= 0) {
		close(fd);
		unlink(tmp.buf);
	}
	sodium_memzero(raw, sizeof(raw));
	release_secret(&hex);
	strbuf_release(&tmp);
	return ret;
}

int crypto_keys_load(struct crypto_keys *k, const char *path, int create,
		     struct strbuf *err)
{
	struct strbuf content = STRBUF_INIT;
	unsigned char raw[2 * CRYPTO_KEY_BYTES];
	struct stat st;
	size_t len, bin_len = 0;
	int fd = -1, ret = -1;

	crypto_keys_release(k);
	if (crypto_init()) {
		add_err(err, "cannot initialise libsodium");
		goto cleanup;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT && create) {
		if (create_key_file(path, err))
			goto cleanup;
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	}
	if (fd < 0) {
		add_err(err, "cannot open key file %s: %s", path,
			strerror(errno));
		goto cleanup;
	}
	if (fstat(fd, &st)) {
		add_err(err, "cannot stat key file %s: %s", path,
			strerror(errno));
		goto cleanup;
	}
	if (!S_ISREG(st.st_mode)) {
		add_err(err, "key file %s is not a regular file", path);
		goto cleanup;
	}
	if (st.st_mode & 077) {
		add_err(err, "key file %s is accessible by group or others "
			"(mode %04o); it must be private to its owner: "
			"chmod 600 %s", path, (unsigned)(st.st_mode & 07777),
			path);
		goto cleanup;
	}
	/* another user could put a key of theirs in its place; root may own it */
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		add_err(err, "key file %s belongs to another user (uid %u); "
			"it must be this program's user's (uid %u) or root's: "
			"chown %u %s", path, (unsigned)st.st_uid, (unsigned)geteuid(),
			(unsigned)geteuid(), path);
		goto cleanup;
	}
	if (st.st_size > KEYFILE_MAX || strbuf_read_fd(&content, fd)) {
		add_err(err, "cannot read key file %s: %s", path,
			st.st_size > KEYFILE_MAX ? "too large" :
			strerror(errno));
		goto cleanup;
	}
	len = content.len;
	while (len && (content.buf[len - 1] == '\n' ||
		       content.buf[len - 1] == '\r' ||
		       content.buf[len - 1] == ' ' ||
		       content.buf[len - 1] == '\t'))
		len--;
	if (len != CRYPTO_KEYFILE_HEX ||
	    sodium_hex2bin(raw, sizeof(raw), content.buf, len, NULL,
			   &bin_len, NULL) || bin_len != sizeof(raw)) {
		add_err(err, "key file %s is malformed: it must hold exactly "
			"%d hexadecimal characters", path, CRYPTO_KEYFILE_HEX);
		goto cleanup;
	}
	memcpy(k->aead, raw, CRYPTO_KEY_BYTES);
	memcpy(k->index, raw + CRYPTO_KEY_BYTES, CRYPTO_KEY_BYTES);
	k->loaded = 1;
	ret = 0;
cleanup:
	if (fd >= 0)
		close(fd);
	sodium_memzero(raw, sizeof(raw));
	release_secret(&content);
	return ret;
}

int pd_encrypt(const struct crypto_keys *k, const char *plain,
	       struct strbuf *out)
{
	size_t plen, blen, b64len;
	unsigned char *bin = NULL;
	unsigned long long clen = 0;
	int ret = -1;

	if (!plain || !k->loaded || crypto_init())
		goto cleanup;
	plen = strlen(plain);
	blen = PD_NONCE + plen + PD_TAG;
	bin = xmalloc(blen);
	randombytes_buf(bin, PD_NONCE);
	if (crypto_aead_xchacha20poly1305_ietf_encrypt(bin + PD_NONCE, &clen,
			(const unsigned char *)plain, plen, NULL, 0, NULL,
			bin, k->aead))
		goto cleanup;
	b64len = sodium_base64_ENCODED_LEN(blen, B64_VARIANT);
	strbuf_grow(out, PD_PREFIX_LEN + b64len);
	strbuf_addstr(out, PD_PREFIX);
	sodium_bin2base64(out->buf + out->len, b64len, bin, blen, B64_VARIANT);
	out->len += strlen(out->buf + out->len);
	ret = 0;
cleanup:
	free(bin);
	return ret;
}

int pd_decrypt(const struct crypto_keys *k, const char *enc,
	       struct strbuf *out, struct strbuf *err)
{
	size_t elen, bin_len = 0, plain_cap = 0;
	unsigned char *bin = NULL, *plain = NULL;
	unsigned long long plen = 0;
	int ret = -1;

	if (!k->loaded || crypto_init()) {
		add_err(err, "encryption keys not loaded");
		goto cleanup;
	}
	if (!enc || strncmp(enc, PD_PREFIX, PD_PREFIX_LEN)) {
		add_err(err, "not an encrypted value (no \"v1:\" prefix)");
		goto cleanup;
	}
	enc += PD_PREFIX_LEN;
	elen = strlen(enc);
	bin = xmalloc(elen + 1);
	if (sodium_base642bin(bin, elen + 1, enc, elen, NULL, &bin_len, NULL,
			      B64_VARIANT)) {
		add_err(err, "encrypted value is not valid base64url");
		goto cleanup;
	}
	if (bin_len < PD_NONCE + PD_TAG) {
		add_err(err, "encrypted value is too short");
		goto cleanup;
	}
	plain_cap = bin_len - PD_NONCE - PD_TAG + 1;
	plain = xmalloc(plain_cap);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &plen, NULL,
			bin + PD_NONCE, bin_len - PD_NONCE, NULL, 0, bin,
			k->aead)) {
		add_err(err, "decryption failed: wrong key or altered value");
		goto cleanup;
	}
	if (memchr(plain, '\0', (size_t)plen)) {
		add_err(err, "decrypted value contains a NUL byte");
		goto cleanup;
	}
	strbuf_add(out, plain, (size_t)plen);
	ret = 0;
cleanup:
	if (plain) {
		sodium_memzero(plain, plain_cap);
		free(plain);
	}
	free(bin);
	return ret;
}

void pd_blind_index(const struct crypto_keys *k, const char *normalised,
		    struct strbuf *out)
{
	unsigned char h[BLIND_BYTES];

	if (!normalised || !k->loaded || crypto_init())
		return;
	crypto_generichash(h, sizeof(h), (const unsigned char *)normalised,
			   strlen(normalised), k->index, CRYPTO_KEY_BYTES);
	strbuf_addhex(out, h, sizeof(h));
}

/* The argon2id costs in force: interactive, or minimal for test suites. */
static void kdf_limits(unsigned long long *ops, size_t *mem)
{
	const char *fast = getenv("SANLING_FAST_KDF");

	if (fast && !strcmp(fast, "1")) {
		*ops = crypto_pwhash_argon2id_OPSLIMIT_MIN;
		*mem = crypto_pwhash_argon2id_MEMLIMIT_MIN;
	} else {
		*ops = crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
		*mem = crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;
	}
}

int password_hash(const char *pw, struct strbuf *out)
{
	char hash[crypto_pwhash_argon2id_STRBYTES];
	unsigned long long ops;
	size_t mem;

	if (!pw || crypto_init())
		return -1;
	kdf_limits(&ops, &mem);
	if (crypto_pwhash_argon2id_str(hash, pw, strlen(pw), ops, mem))
		return -1;
	strbuf_addstr(out, hash);
	return 0;
}

/* Copy a stored hash into the fixed buffer libsodium reads; -1 if too long. */
static int copy_hash(char buf[crypto_pwhash_argon2id_STRBYTES],
		     const char *hash)
{
	size_t n;

	if (!hash)
		return -1;
	n = strnlen(hash, crypto_pwhash_argon2id_STRBYTES);
	if (n >= crypto_pwhash_argon2id_STRBYTES)
		return -1;
	memset(buf, 0, crypto_pwhash_argon2id_STRBYTES);
	memcpy(buf, hash, n);
	return 0;
}

int password_verify(const char *hash, const char *pw)
{
	char buf[crypto_pwhash_argon2id_STRBYTES];

	if (!pw || crypto_init() || copy_hash(buf, hash))
		return 0;
	return crypto_pwhash_argon2id_str_verify(buf, pw, strlen(pw)) == 0;
}

int password_needs_rehash(const char *hash)
{
	char buf[crypto_pwhash_argon2id_STRBYTES];
	unsigned long long ops;
	size_t mem;

	if (crypto_init() || copy_hash(buf, hash))
		return 1;
	kdf_limits(&ops, &mem);
	return crypto_pwhash_argon2id_str_needs_rehash(buf, ops, mem) != 0;
}

void random_token(struct strbuf *out, size_t nbytes)
{
	unsigned char chunk[64];

	if (crypto_init())
		abort();
	while (nbytes) {
		size_t n = nbytes < sizeof(chunk) ? nbytes : sizeof(chunk);

		randombytes_buf(chunk, n);
		strbuf_addhex(out, chunk, n);
		nbytes -= n;
	}
	sodium_memzero(chunk, sizeof(chunk));
}

int crypto_audit_key(const struct crypto_keys *k, unsigned char out[CRYPTO_KEY_BYTES])
{
	static const char ctx[crypto_kdf_CONTEXTBYTES] = { 'S', 'L', 'a', 'u', 'd', 'i', 't', '1' };

	memset(out, 0, CRYPTO_KEY_BYTES);
	if (!k || !k->loaded || crypto_init())
		return -1;
	return crypto_kdf_derive_from_key(out, CRYPTO_KEY_BYTES, 1, ctx, k->aead) ? -1 : 0;
}

/* The seed of `district`'s signing pair (crypto.h): 0, or -1 with `seed` zeroed. */
static int exchange_seed(const struct crypto_keys *k, const char *district,
			 unsigned char seed[crypto_sign_SEEDBYTES])
{
	static const char ctx[crypto_kdf_CONTEXTBYTES] = { 'S', 'L', 'e', 'x', 'c', 'h', 'g', '1' };
	unsigned char sub[CRYPTO_KEY_BYTES];
	int rc;

	memset(seed, 0, crypto_sign_SEEDBYTES);
	if (!k || !k->loaded || !district || crypto_init())
		return -1;
	if (crypto_kdf_derive_from_key(sub, sizeof(sub), 1, ctx, k->aead))
		return -1;
	rc = crypto_generichash(seed, crypto_sign_SEEDBYTES, (const unsigned char *)district,
				strlen(district), sub, sizeof(sub));
	sodium_memzero(sub, sizeof(sub));
	return rc ? -1 : 0;
}

/* The pair of `district` into pk and sk: 0, or -1 (sk zeroed). */
static int exchange_pair(const struct crypto_keys *k, const char *district,
			 unsigned char pk[crypto_sign_PUBLICKEYBYTES],
			 unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	int rc = -1;

	if (!exchange_seed(k, district, seed))
		rc = crypto_sign_seed_keypair(pk, sk, seed) ? -1 : 0;
	sodium_memzero(seed, sizeof(seed));
	if (rc)
		sodium_memzero(sk, crypto_sign_SECRETKEYBYTES);
	return rc;
}

int crypto_exchange_public(const struct crypto_keys *k, const char *district,
			   struct strbuf *out)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];

	if (exchange_pair(k, district, pk, sk))
		return -1;
	sodium_memzero(sk, sizeof(sk));
	strbuf_addhex(out, pk, sizeof(pk));
	return 0;
}

int crypto_exchange_sign(const struct crypto_keys *k, const char *district, const void *msg,
			 size_t len, struct strbuf *out)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	unsigned char sig[crypto_sign_BYTES];
	int rc;

	if (exchange_pair(k, district, pk, sk))
		return -1;
	rc = crypto_sign_detached(sig, NULL, msg, len, sk);
	sodium_memzero(sk, sizeof(sk));
	if (rc)
		return -1;
	strbuf_addhex(out, sig, sizeof(sig));
	return 0;
}

/* `n` bytes from exactly 2n hex characters `hex`: 0, or -1. */
static int hex_exact(const char *hex, unsigned char *bin, size_t n)
{
	size_t got = 0;
	const char *end;

	if (!hex || strlen(hex) != 2 * n)
		return -1;
	return sodium_hex2bin(bin, n, hex, 2 * n, NULL, &got, &end) || got != n || *end ? -1 : 0;
}

int crypto_sign_check(const char *public_hex, const void *msg, size_t len, const char *sig_hex)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];

	if (crypto_init() || hex_exact(public_hex, pk, sizeof(pk)) ||
	    hex_exact(sig_hex, sig, sizeof(sig)))
		return -1;
	return crypto_sign_verify_detached(sig, msg, len, pk) == 0;
}

void mac_hex(const unsigned char key[CRYPTO_KEY_BYTES], const void *data, size_t len,
	     struct strbuf *out)
{
	unsigned char h[crypto_auth_BYTES];

	crypto_init();
	crypto_auth(h, data, len, key);
	strbuf_addhex(out, h, sizeof(h));
}

/*
 * A table decoder: files (photos) are no secrets, and libsodium's decoder,
 * made to take constant time, was a sixth of a photo batch's cost.
 */
int base64_decode(const char *in, size_t len, struct strbuf *out)
{
	static signed char val[256];
	static int ready;
	const char *abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t start = out->len, i, pad = 0;
	unsigned acc = 0;
	int bits = 0, k;
	unsigned char *p;

	if (!ready) { /* idempotent: racing threads write the same values */
		memset(val, -1, sizeof(val));
		for (k = 0; k < 64; k++)
			val[(unsigned char)abc[k]] = (signed char)k;
		ready = 1;
	}
	strbuf_grow(out, len / 4 * 3 + 3);
	p = (unsigned char *)out->buf + out->len;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		/* four plain characters at a quantum's start: three bytes at once */
		if (!bits && i + 4 <= len) {
			int a = val[c], b = val[(unsigned char)in[i + 1]];
			int d = val[(unsigned char)in[i + 2]], e = val[(unsigned char)in[i + 3]];
			if ((a | b | d | e) >= 0) {
				unsigned q = (unsigned)a << 18 | (unsigned)b << 12 |
					     (unsigned)d << 6 | (unsigned)e;
				*p++ = (unsigned char)(q >> 16);
				*p++ = (unsigned char)(q >> 8);
				*p++ = (unsigned char)q;
				i += 3;
				continue;
			}
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad || val[c] < 0)
			goto bad; /* a character, or data after the padding */
		acc = (acc << 6) | (unsigned)val[c];
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			*p++ = (unsigned char)(acc >> bits);
		}
	}
	/* the last quantum: 2 characters (4 bits left, "=="), 3 (2 bits, "="), padding optional */
	if ((bits == 0 && pad) || (bits == 4 && pad && pad != 2) ||
	    (bits == 2 && pad && pad != 1) || bits == 6 || (acc & ((1u << bits) - 1)))
		goto bad;
	out->len = (size_t)((char *)p - out->buf);
	out->buf[out->len] = '\0';
	return 0;
bad:
	out->len = start;
	out->buf[start] = '\0';
	return -1;
}

void sha256_hex(const void *data, size_t len, struct strbuf *out)
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_init();
	crypto_hash_sha256(h, data, len);
	strbuf_addhex(out, h, sizeof(h));
}

int consttime_equal(const char *a, const char *b)
{
	size_t la, lb;

	if (!a || !b)
		return 0;
	la = strlen(a);
	lb = strlen(b);
	if (la != lb)
		return 0;
	crypto_init();
	return sodium_memcmp(a, b, la) == 0;
}

enum pw_class {
	PW_UPPER,
	PW_LOWER,
	PW_DIGIT,
	PW_OTHER,
	PW_NCLASSES
};

static const char *const pw_class_name[PW_NCLASSES] = {
	"大写字母", "小写字母", "数字", "符号"
};

/* Append the names of the classes whose `have` entry equals `want`. */
static void add_class_list(struct strbuf *sb, const int *have, int want)
{
	int i, first = 1;

	for (i = 0; i < PW_NCLASSES; i++) {
		if (!have[i] != !want)
			continue;
		if (!first)
			strbuf_addstr(sb, "、");
		strbuf_addstr(sb, pw_class_name[i]);
		first = 0;
	}
}

int password_policy_check(const char *pw, int min_len, int min_classes,
			  struct strbuf *err)
{
	int have[PW_NCLASSES] = { 0 };
	int nclasses = 0, i, short_pw, few_classes;
	size_t bytes, chars;

	if (min_len < 1)
		min_len = 1;
	if (min_classes > PW_NCLASSES)
		min_classes = PW_NCLASSES;
	bytes = pw ? strlen(pw) : 0;
	if (bytes > PW_MAX_BYTES) {
		add_err(err, "密码太长：不能超过 %d 个字节", PW_MAX_BYTES);
		return -1;
	}
	if (!utf8_valid(pw, bytes)) {
		add_err(err, "密码含有无效的字符（不是合法的 UTF-8 文本）");
		return -1;
	}
	for (i = 0; (size_t)i < bytes; i++) {
		unsigned char c = (unsigned char)pw[i];

		if (c >= 'A' && c <= 'Z')
			have[PW_UPPER] = 1;
		else if (c >= 'a' && c <= 'z')
			have[PW_LOWER] = 1;
		else if (c >= '0' && c <= '9')
			have[PW_DIGIT] = 1;
		else
			have[PW_OTHER] = 1;
	}
	for (i = 0; i < PW_NCLASSES; i++)
		nclasses += have[i];
	chars = utf8_length(pw);
	short_pw = chars < (size_t)min_len;
	few_classes = nclasses < min_classes;
	if (!short_pw && !few_classes)
		return 0;
	if (!err)
		return -1;

	strbuf_addf(err, "密码至少 %d 位", min_len);
	if (min_classes >= 2)
		strbuf_addf(err, "，且须包含大写字母、小写字母、数字、符号中的"
			    "至少 %d 类", min_classes);
	if (!bytes) {
		strbuf_addstr(err, "；当前密码为空");
		return -1;
	}
	strbuf_addstr(err, "；当前密码");
	if (short_pw)
		strbuf_addf(err, "只有 %zu 位", chars);
	if (few_classes) {
		if (short_pw)
			strbuf_addstr(err, "，");
		strbuf_addstr(err, "只包含");
		add_class_list(err, have, 1);
		strbuf_addf(err, "这 %d 类，还须加入", nclasses);
		add_class_list(err, have, 0);
		strbuf_addf(err, "中的 %d 类", min_classes - nclasses);
	}
	return -1;
}
