/*
 * test_crypto: unit tests of src/base/crypto.c: the key file and its
 * refusals, encryption round trips and tampering, the blind index and
 * SHA-256 against values computed independently (Python hashlib; the
 * fixed ciphertext below was checked with an independent XChaCha20-
 * Poly1305 implementation), passwords and the password policy messages.
 * Runs with SANLING_FAST_KDF=1 except where it tests the real cost.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "base/crypto.h"
#include "base/strbuf.h"

/* Keys 00 01 .. 1f (AEAD) and 20 21 .. 3f (index). */
#define FIXED_HEX \
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f" \
	"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"

struct fixture {
	char dir[64];
	struct strbuf path;
	struct strbuf err;
	struct crypto_keys keys;
};

static void write_file(const char *path, const char *content, mode_t mode)
{
	size_t len = strlen(content);
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/sanling-test-crypto-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	strbuf_init(&f->path, 0);
	strbuf_addf(&f->path, "%s/keys", f->dir);
	strbuf_init(&f->err, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	struct strbuf cmd = STRBUF_INIT;

	strbuf_addf(&cmd, "rm -rf '%s'", f->dir);
	if (system(cmd.buf))
		return -1;
	strbuf_release(&cmd);
	strbuf_release(&f->path);
	strbuf_release(&f->err);
	crypto_keys_release(&f->keys);
	free(f);
	return 0;
}

/* Load FIXED_HEX keys into f->keys. */
static void load_fixed(struct fixture *f)
{
	write_file(f->path.buf, FIXED_HEX "\n", 0600);
	assert_int_equal(crypto_keys_load(&f->keys, f->path.buf, 0, &f->err),
			 0);
}

static void test_init(void **state)
{
	assert_int_equal(crypto_init(), 0);
	assert_int_equal(crypto_init(), 0);
}

static void test_keyfile_create(void **state)
{
	struct fixture *f = *state;
	struct crypto_keys again = CRYPTO_KEYS_INIT;
	struct strbuf content = STRBUF_INIT;
	struct stat st;
	size_t i;

	assert_int_equal(crypto_keys_load(&f->keys, f->path.buf, 1, &f->err),
			 0);
	assert_int_equal(f->err.len, 0);
	assert_true(f->keys.loaded);
	assert_int_equal(stat(f->path.buf, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(strbuf_read_file(&content, f->path.buf), 0);
	assert_int_equal(content.len, CRYPTO_KEYFILE_HEX + 1);
	for (i = 0; i < CRYPTO_KEYFILE_HEX; i++)
		assert_non_null(strchr("0123456789abcdef", content.buf[i]));
	/* the two keys are not the same bytes */
	assert_memory_not_equal(f->keys.aead, f->keys.index, CRYPTO_KEY_BYTES);

	/* loading again (create or not) gives the same keys */
	assert_int_equal(crypto_keys_load(&again, f->path.buf, 1, NULL), 0);
	assert_memory_equal(&again, &f->keys, sizeof(again));
	assert_int_equal(crypto_keys_load(&again, f->path.buf, 0, NULL), 0);
	assert_memory_equal(&again, &f->keys, sizeof(again));

	crypto_keys_release(&again);
	assert_false(again.loaded);
	strbuf_release(&content);
}

static void test_keyfile_fixed(void **state)
{
	struct fixture *f = *state;
	unsigned char expect[CRYPTO_KEY_BYTES];
	int i;

	load_fixed(f);
	for (i = 0; i < CRYPTO_KEY_BYTES; i++)
		expect[i] = (unsigned char)i;
	assert_memory_equal(f->keys.aead, expect, CRYPTO_KEY_BYTES);
	for (i = 0; i < CRYPTO_KEY_BYTES; i++)
		expect[i] = (unsigned char)(i + 32);
	assert_memory_equal(f->keys.index, expect, CRYPTO_KEY_BYTES);

	/* CRLF and no trailing newline are fine too; upper-case hex too */
	write_file(f->path.buf, FIXED_HEX "\r\n", 0400);
	assert_int_equal(crypto_keys_load(&f->keys, f->path.buf, 0, NULL), 0);
	write_file(f->path.buf, FIXED_HEX, 0600);
	assert_int_equal(crypto_keys_load(&f->keys, f->path.buf, 0, NULL), 0);
	write_file(f->path.buf,
		   "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"
		   "202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F",
		   0600);
	assert_int_equal(crypto_keys_load(&f->keys, f->path.buf, 0, NULL), 0);
	assert_int_equal(f->keys.index[31], 0x3f);
}

static void expect_refusal(struct fixture *f, const char *needle)
{
	strbuf_reset(&f->err);
	assert_int_equal(crypto_keys_load(&f->keys, f->path.buf, 0, &f->err),
			 -1);
	assert_false(f->keys.loaded);
	if (!strstr(f->err.buf, needle))
		fail_msg("error \"%s\" lacks \"%s\"", f->err.buf, needle);
}

static void test_keyfile_refusals(void **state)
{
	struct fixture *f = *state;
	struct strbuf target = STRBUF_INIT;

	/* missing, without create */
	expect_refusal(f, "cannot open key file");
	assert_int_equal(access(f->path.buf, F_OK), -1);

	/* readable or writable by group or others */
	write_file(f->path.buf, FIXED_HEX "\n", 0644);
	expect_refusal(f, "chmod 600");
	write_file(f->path.buf, FIXED_HEX "\n", 0640);
	expect_refusal(f, "mode 0640");
	write_file(f->path.buf, FIXED_HEX "\n", 0602);
	expect_refusal(f, "group or others");
	/* create does not "repair" an existing file */
	strbuf_reset(&f->err);
	assert_int_equal(crypto_keys_load(&f->keys, f->path.buf, 1, &f->err),
			 -1);

	/* another user's (root may give it away; else this part cannot be made) */
	if (geteuid() == 0) {
		write_file(f->path.buf, FIXED_HEX "\n", 0600);
		assert_int_equal(chown(f->path.buf, 54321, (gid_t)-1), 0);
		expect_refusal(f, "belongs to another user (uid 54321)");
		assert_int_equal(chown(f->path.buf, 0, (gid_t)-1), 0);
	}

	/* malformed content */
	write_file(f->path.buf, "", 0600);
	expect_refusal(f, "malformed");
	write_file(f->path.buf, FIXED_HEX "00", 0600);
	expect_refusal(f, "malformed");
	write_file(f->path.buf, &FIXED_HEX[1], 0600);
	expect_refusal(f, "malformed");
	write_file(f->path.buf,
		   "g00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
		   "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f",
		   0600);
	expect_refusal(f, "malformed");
	write_file(f->path.buf, " " FIXED_HEX, 0600);
	expect_refusal(f, "malformed");

	/* a symbolic link is not followed */
	strbuf_addf(&target, "%s/real", f->dir);
	write_file(target.buf, FIXED_HEX "\n", 0600);
	unlink(f->path.buf);
	assert_int_equal(symlink(target.buf, f->path.buf), 0);
	expect_refusal(f, "cannot open key file");

	/* a directory */
	unlink(f->path.buf);
	assert_int_equal(mkdir(f->path.buf, 0700), 0);
	expect_refusal(f, "not a regular file");
	rmdir(f->path.buf);

	/* create in a directory that does not exist */
	strbuf_reset(&f->err);
	strbuf_reset(&target);
	strbuf_addf(&target, "%s/nope/keys", f->dir);
	assert_int_equal(crypto_keys_load(&f->keys, target.buf, 1, &f->err),
			 -1);
	assert_non_null(strstr(f->err.buf, "cannot create key file"));
	strbuf_release(&target);
}

static void test_encrypt_roundtrip(void **state)
{
	struct fixture *f = *state;
	static const char *const values[] = {
		"", "张三", "11010519491231002X", "福建省福州市鼓楼区某某路 1 号",
	};
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, plain = STRBUF_INIT;
	size_t i, j;

	load_fixed(f);
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		size_t bin = 24 + strlen(values[i]) + 16;

		strbuf_reset(&a);
		strbuf_reset(&b);
		assert_int_equal(pd_encrypt(&f->keys, values[i], &a), 0);
		assert_int_equal(pd_encrypt(&f->keys, values[i], &b), 0);
		assert_string_not_equal(a.buf, b.buf);	/* fresh nonce */
		assert_memory_equal(a.buf, "v1:", 3);
		assert_int_equal(a.len, 3 + (bin * 4 + 2) / 3);
		for (j = 3; j < a.len; j++)
			assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					       "abcdefghijklmnopqrstuvwxyz"
					       "0123456789-_", a.buf[j]));
		strbuf_reset(&plain);
		assert_int_equal(pd_decrypt(&f->keys, a.buf, &plain, NULL), 0);
		assert_string_equal(plain.buf, values[i]);
	}

	/* pd_encrypt appends */
	strbuf_setf(&a, "x=");
	assert_int_equal(pd_encrypt(&f->keys, "v", &a), 0);
	assert_memory_equal(a.buf, "x=v1:", 5);

	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&plain);
}

/* A value encrypted once must decrypt forever: the v1 format is fixed. */
static void test_decrypt_known_vector(void **state)
{
	struct fixture *f = *state;
	struct strbuf plain = STRBUF_INIT;

	load_fixed(f);
	assert_int_equal(pd_decrypt(&f->keys,
		"v1:Swqt_zpMapPkacGbZ7NVRQJNoFHQKbsdnikk3g7xt_dbn6hwC0RFoBcLyo6rd7PeVCLEiTM",
		&plain, NULL), 0);
	assert_string_equal(plain.buf, "张三 110105");
	strbuf_release(&plain);
}

static void test_decrypt_refusals(void **state)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	struct fixture *f = *state;
	struct crypto_keys other = CRYPTO_KEYS_INIT;
	struct strbuf enc = STRBUF_INIT, plain = STRBUF_INIT, t = STRBUF_INIT;
	size_t i;

	load_fixed(f);
	assert_int_equal(pd_encrypt(&f->keys, "张三", &enc), 0);

	/* every single changed character is detected */
	for (i = 3; i < enc.len; i++) {
		const char *p = strchr(b64, enc.buf[i]);

		strbuf_reset(&t);
		strbuf_addbuf(&t, &enc);
		t.buf[i] = b64[(p - b64 + 1) % 64];
		strbuf_setf(&plain, "untouched");
		if (!pd_decrypt(&f->keys, t.buf, &plain, NULL))
			fail_msg("tampered position %zu accepted", i);
		assert_string_equal(plain.buf, "untouched");
	}
	/* truncated, extended, padded */
	strbuf_reset(&t);
	strbuf_add(&t, enc.buf, enc.len - 1);
	assert_int_equal(pd_decrypt(&f->keys, t.buf, &plain, NULL), -1);
	strbuf_reset(&t);
	strbuf_addf(&t, "%sA", enc.buf);
	assert_int_equal(pd_decrypt(&f->keys, t.buf, &plain, NULL), -1);
	strbuf_reset(&t);
	strbuf_addf(&t, "%s=", enc.buf);
	assert_int_equal(pd_decrypt(&f->keys, t.buf, &plain, NULL), -1);

	/* wrong key */
	assert_int_equal(crypto_keys_load(&other, f->path.buf, 0, NULL), 0);
	other.aead[0] ^= 1;
	strbuf_reset(&f->err);
	assert_int_equal(pd_decrypt(&other, enc.buf, &plain, &f->err), -1);
	assert_non_null(strstr(f->err.buf, "decryption failed"));

	/* not our format */
	strbuf_reset(&f->err);
	assert_int_equal(pd_decrypt(&f->keys, enc.buf + 3, &plain, &f->err),
			 -1);
	assert_non_null(strstr(f->err.buf, "prefix"));
	strbuf_reset(&t);
	strbuf_addf(&t, "v2:%s", enc.buf + 3);
	assert_int_equal(pd_decrypt(&f->keys, t.buf, &plain, NULL), -1);
	strbuf_reset(&f->err);
	assert_int_equal(pd_decrypt(&f->keys, "v1:", &plain, &f->err), -1);
	assert_non_null(strstr(f->err.buf, "too short"));
	strbuf_reset(&f->err);
	assert_int_equal(pd_decrypt(&f->keys, "v1:ab+/cd", &plain, &f->err), -1);
	assert_non_null(strstr(f->err.buf, "base64"));
	assert_int_equal(pd_decrypt(&f->keys, NULL, &plain, NULL), -1);
	assert_int_equal(pd_decrypt(&f->keys, "张三", &plain, NULL), -1);

	/* keys not loaded */
	crypto_keys_release(&other);
	assert_int_equal(pd_decrypt(&other, enc.buf, &plain, NULL), -1);
	strbuf_reset(&t);
	assert_int_equal(pd_encrypt(&other, "x", &t), -1);
	assert_int_equal(t.len, 0);
	pd_blind_index(&other, "x", &t);
	assert_int_equal(t.len, 0);

	strbuf_release(&enc);
	strbuf_release(&plain);
	strbuf_release(&t);
}

static void test_blind_index(void **state)
{
	struct fixture *f = *state;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	struct crypto_keys other = CRYPTO_KEYS_INIT;

	load_fixed(f);
	/* keyed BLAKE2b-128 reference values from Python's hashlib */
	pd_blind_index(&f->keys, "11010519491231002X", &a);
	assert_string_equal(a.buf, "bd00a1d2163361bf138dca04ef6a0501");
	strbuf_reset(&a);
	pd_blind_index(&f->keys, "", &a);
	assert_string_equal(a.buf, "7d5b88c2f03a61b0b72fb00926447121");

	strbuf_reset(&a);
	pd_blind_index(&f->keys, "11010519491231002x", &a);
	assert_string_not_equal(a.buf, "bd00a1d2163361bf138dca04ef6a0501");

	/* independent of the AEAD key, dependent on the index key */
	assert_int_equal(crypto_keys_load(&other, f->path.buf, 0, NULL), 0);
	other.aead[0] ^= 1;
	strbuf_reset(&a);
	pd_blind_index(&other, "11010519491231002X", &a);
	assert_string_equal(a.buf, "bd00a1d2163361bf138dca04ef6a0501");
	other.index[0] ^= 1;
	pd_blind_index(&other, "11010519491231002X", &b);
	assert_int_equal(b.len, 32);
	assert_string_not_equal(b.buf, "bd00a1d2163361bf138dca04ef6a0501");

	crypto_keys_release(&other);
	strbuf_release(&a);
	strbuf_release(&b);
}

/*
 * The districts' signing pairs: the public key and a signature against
 * values computed independently (Python: hashlib's BLAKE2b with salt and
 * personalisation for crypto_kdf, keyed BLAKE2b of the code for the seed,
 * the cryptography package's Ed25519); a signature verifies under its own
 * district's key only, and not over other bytes; malformed hex is -1.
 */
static void test_exchange_signing(void **state)
{
	struct fixture *f = *state;
	struct strbuf pk = STRBUF_INIT, sig = STRBUF_INIT, other = STRBUF_INIT;
	struct crypto_keys none = CRYPTO_KEYS_INIT;
	static const char pk_411603[] =
		"e992eeafa3d575c9ab634f157adba0b6d17a020811792be277fb3c7bb9345683";
	static const char pk_other[] =
		"5c88e89b586166fea9e74c115c41c8060b93b141cba290fee2d61523fa2c604a";

	load_fixed(f);
	assert_int_equal(crypto_exchange_public(&f->keys, "411603", &pk), 0);
	assert_string_equal(pk.buf, pk_411603);
	assert_int_equal(crypto_exchange_public(&f->keys, "410000000000", &other), 0);
	assert_string_equal(other.buf, pk_other);
	assert_int_equal(crypto_exchange_sign(&f->keys, "411603", "payload", 7, &sig), 0);
	assert_int_equal(sig.len, CRYPTO_SIGNATURE_HEX);
	assert_string_equal(sig.buf, "6223183166bf02775b479876689f0d4ebbf2e87b3c59e56168419587176cee65"
				     "f3005193fb1a8af986ab1a7ace306ad1f60c7b66ef2b4d3e02e54b7931815405");
	assert_int_equal(crypto_sign_check(pk.buf, "payload", 7, sig.buf), 1);
	assert_int_equal(crypto_sign_check(pk.buf, "payloaD", 7, sig.buf), 0);
	assert_int_equal(crypto_sign_check(pk.buf, "payload", 6, sig.buf), 0);
	assert_int_equal(crypto_sign_check(other.buf, "payload", 7, sig.buf), 0);
	sig.buf[0] = sig.buf[0] == '6' ? '7' : '6';
	assert_int_equal(crypto_sign_check(pk.buf, "payload", 7, sig.buf), 0);
	assert_int_equal(crypto_sign_check(pk.buf, "payload", 7, "00"), -1);
	assert_int_equal(crypto_sign_check("zz", "payload", 7, sig.buf), -1);
	pk.buf[0] = 'g';
	assert_int_equal(crypto_sign_check(pk.buf, "payload", 7, sig.buf), -1);
	/* no keys, no pair */
	strbuf_reset(&other);
	assert_int_equal(crypto_exchange_public(&none, "411603", &other), -1);
	assert_int_equal(crypto_exchange_sign(&none, "411603", "x", 1, &other), -1);
	assert_int_equal(other.len, 0);
	strbuf_release(&pk);
	strbuf_release(&sig);
	strbuf_release(&other);
}

static void test_sha256_and_tokens(void **state)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	size_t i;

	sha256_hex("abc", 3, &a);
	assert_string_equal(a.buf, "ba7816bf8f01cfea414140de5dae2223"
				   "b00361a396177a9cb410ff61f20015ad");
	strbuf_reset(&a);
	sha256_hex("", 0, &a);
	assert_string_equal(a.buf, "e3b0c44298fc1c149afbf4c8996fb924"
				   "27ae41e4649b934ca495991b7852b855");

	strbuf_reset(&a);
	random_token(&a, 16);
	random_token(&b, 16);
	assert_int_equal(a.len, 32);
	assert_int_equal(b.len, 32);
	assert_string_not_equal(a.buf, b.buf);
	for (i = 0; i < a.len; i++)
		assert_non_null(strchr("0123456789abcdef", a.buf[i]));
	strbuf_reset(&a);
	random_token(&a, 0);
	assert_int_equal(a.len, 0);
	random_token(&a, 100);			/* more than one chunk */
	assert_int_equal(a.len, 200);
	assert_null(strstr(a.buf, "0000000000000000000000000000000000000000"));

	strbuf_release(&a);
	strbuf_release(&b);
}

/* base64_decode: RFC 4648's vectors, optional padding, blanks, refusals, a round trip */
static void test_base64_decode(void **state)
{
	static const char *const vec[][2] = {
		{ "", "" }, { "Zg==", "f" }, { "Zm8=", "fo" }, { "Zm9v", "foo" },
		{ "Zm9vYg==", "foob" }, { "Zm9vYmE=", "fooba" }, { "Zm9vYmFy", "foobar" },
		{ "Zm9vYg", "foob" }, { "Zm9v\r\nYmFy", "foobar" }, { " Zg = = ", "f" },
	};
	static const char *const bad[] = { "Z", "Zg=", "Zm9vY", "Zm9v=", "Zg==Zg==", "Zh==",
					   "Zm9*", "Zg===", "Zm-v", "Zm_v", "Zm9v=Zm9v" };
	struct strbuf out = STRBUF_INIT, enc = STRBUF_INIT;
	unsigned char bytes[1000];
	size_t i;

	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		strbuf_reset(&out);
		assert_int_equal(base64_decode(vec[i][0], strlen(vec[i][0]), &out), 0);
		assert_int_equal(out.len, strlen(vec[i][1]));
		assert_memory_equal(out.buf, vec[i][1], out.len);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strbuf_reset(&out);
		strbuf_addstr(&out, "kept");
		assert_int_equal(base64_decode(bad[i], strlen(bad[i]), &out), -1);
		assert_string_equal(out.buf, "kept"); /* nothing appended */
	}
	/* every byte value, every length mod 3, against libsodium's encoder */
	for (i = 0; i < sizeof(bytes); i++)
		bytes[i] = (unsigned char)(i * 7 + 3);
	for (i = 997; i <= 1000; i++) {
		size_t n = sodium_base64_ENCODED_LEN(i, sodium_base64_VARIANT_ORIGINAL);

		strbuf_reset(&enc);
		strbuf_grow(&enc, n);
		sodium_bin2base64(enc.buf, n, bytes, i, sodium_base64_VARIANT_ORIGINAL);
		strbuf_reset(&out);
		assert_int_equal(base64_decode(enc.buf, strlen(enc.buf), &out), 0);
		assert_int_equal(out.len, i);
		assert_memory_equal(out.buf, bytes, i);
	}
	strbuf_release(&out);
	strbuf_release(&enc);
}

static void test_consttime_equal(void **state)
{
	assert_true(consttime_equal("abc", "abc"));
	assert_true(consttime_equal("", ""));
	assert_false(consttime_equal("abc", "abd"));
	assert_false(consttime_equal("abc", "bbc"));
	assert_false(consttime_equal("abc", "abcd"));
	assert_false(consttime_equal("abcd", "abc"));
	assert_false(consttime_equal("", "a"));
	assert_false(consttime_equal(NULL, "a"));
	assert_false(consttime_equal("a", NULL));
	assert_false(consttime_equal(NULL, NULL));
}

static void test_password_fast(void **state)
{
	struct strbuf h = STRBUF_INIT, h2 = STRBUF_INIT, bad = STRBUF_INIT;

	assert_int_equal(password_hash("Zhang-san 2026!", &h), 0);
	assert_memory_equal(h.buf, "$argon2id$", 10);
	assert_non_null(strstr(h.buf, "m=8,t=1"));
	assert_true(password_verify(h.buf, "Zhang-san 2026!"));
	assert_false(password_verify(h.buf, "Zhang-san 2026"));
	assert_false(password_verify(h.buf, "zhang-san 2026!"));
	assert_false(password_verify(h.buf, ""));
	assert_false(password_verify(h.buf, NULL));
	assert_false(password_needs_rehash(h.buf));

	/* same password, different salt */
	assert_int_equal(password_hash("Zhang-san 2026!", &h2), 0);
	assert_string_not_equal(h.buf, h2.buf);

	/* malformed or altered hashes never verify */
	assert_false(password_verify("", "x"));
	assert_false(password_verify(NULL, "x"));
	assert_false(password_verify("$argon2id$v=19$m=8,t=1,p=1$", "x"));
	strbuf_addbuf(&bad, &h);
	bad.buf[bad.len - 2] = bad.buf[bad.len - 2] == 'A' ? 'B' : 'A';
	assert_false(password_verify(bad.buf, "Zhang-san 2026!"));
	strbuf_reset(&bad);
	strbuf_addbuf(&bad, &h);
	while (bad.len < 400)
		strbuf_addch(&bad, 'A');
	assert_false(password_verify(bad.buf, "Zhang-san 2026!"));
	assert_true(password_needs_rehash(bad.buf));
	assert_true(password_needs_rehash(NULL));

	/* unicode passwords */
	strbuf_reset(&h);
	assert_int_equal(password_hash("三零创建 2026", &h), 0);
	assert_true(password_verify(h.buf, "三零创建 2026"));
	assert_false(password_verify(h.buf, "三零创建 2025"));
	assert_int_equal(password_hash(NULL, &h2), -1);

	strbuf_release(&h);
	strbuf_release(&h2);
	strbuf_release(&bad);
}

/* The real (interactive) cost, and that fast hashes then need a rehash. */
static void test_password_interactive(void **state)
{
	struct strbuf fast = STRBUF_INIT, slow = STRBUF_INIT;

	assert_int_equal(password_hash("pw-Fast-1", &fast), 0);
	unsetenv("SANLING_FAST_KDF");
	assert_true(password_needs_rehash(fast.buf));
	assert_int_equal(password_hash("pw-Slow-1", &slow), 0);
	assert_non_null(strstr(slow.buf, "m=65536,t=2"));
	assert_true(password_verify(slow.buf, "pw-Slow-1"));
	assert_false(password_verify(slow.buf, "pw-Slow-2"));
	assert_false(password_needs_rehash(slow.buf));
	/* verification does not depend on the current setting */
	assert_true(password_verify(fast.buf, "pw-Fast-1"));
	setenv("SANLING_FAST_KDF", "1", 1);
	assert_true(password_needs_rehash(slow.buf));

	strbuf_release(&fast);
	strbuf_release(&slow);
}

static void check_policy(const char *pw, int min_len, int min_classes,
			 const char *expect)
{
	struct strbuf err = STRBUF_INIT;
	int ret = password_policy_check(pw, min_len, min_classes, &err);

	if (!expect) {
		if (ret)
			fail_msg("refused \"%s\": %s", pw, err.buf);
		assert_int_equal(err.len, 0);
	} else {
		assert_int_equal(ret, -1);
		assert_string_equal(err.buf, expect);
		if (pw && *pw)
			assert_null(strstr(err.buf, pw));
		assert_int_equal(password_policy_check(pw, min_len,
						       min_classes, NULL), -1);
	}
	strbuf_release(&err);
}

static void test_password_policy(void **state)
{
	struct strbuf big = STRBUF_INIT;

	check_policy("Abcdef1!", 8, 3, NULL);
	check_policy("Abcdefg1", 8, 3, NULL);
	check_policy("abcdef1!", 8, 3, NULL);
	check_policy("abcdefgh", 8, 1, NULL);
	check_policy("密码密码密码1a", 8, 3, NULL);	/* 8 code points */
	check_policy("x", 0, 0, NULL);

	check_policy("abcdefgh", 8, 3,
		     "密码至少 8 位，且须包含大写字母、小写字母、数字、符号"
		     "中的至少 3 类；当前密码只包含小写字母这 1 类，还须加入"
		     "大写字母、数字、符号中的 2 类");
	check_policy("Ab1!", 8, 3,
		     "密码至少 8 位，且须包含大写字母、小写字母、数字、符号"
		     "中的至少 3 类；当前密码只有 4 位");
	check_policy("ab12", 8, 3,
		     "密码至少 8 位，且须包含大写字母、小写字母、数字、符号"
		     "中的至少 3 类；当前密码只有 4 位，只包含小写字母、数字"
		     "这 2 类，还须加入大写字母、符号中的 1 类");
	check_policy("密码密码密码1", 8, 1, "密码至少 8 位；当前密码只有 7 位");
	check_policy("ABCDEFGH1", 8, 4,
		     "密码至少 8 位，且须包含大写字母、小写字母、数字、符号"
		     "中的至少 4 类；当前密码只包含大写字母、数字这 2 类，"
		     "还须加入小写字母、符号中的 2 类");
	check_policy("", 8, 3,
		     "密码至少 8 位，且须包含大写字母、小写字母、数字、符号"
		     "中的至少 3 类；当前密码为空");
	check_policy(NULL, 8, 1, "密码至少 8 位；当前密码为空");
	check_policy("", 0, 0, "密码至少 1 位；当前密码为空");
	check_policy("abc\xff" "DEF12", 8, 3,
		     "密码含有无效的字符（不是合法的 UTF-8 文本）");

	while (big.len < 1024)
		strbuf_addstr(&big, "aB3!");
	check_policy(big.buf, 8, 3, NULL);
	strbuf_addch(&big, 'x');
	check_policy(big.buf, 8, 3, "密码太长：不能超过 1024 个字节");
	strbuf_release(&big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test_setup_teardown(test_keyfile_create, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_keyfile_fixed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_keyfile_refusals, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_encrypt_roundtrip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_decrypt_known_vector,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_decrypt_refusals, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_blind_index, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_exchange_signing, setup,
						teardown),
		cmocka_unit_test(test_sha256_and_tokens),
		cmocka_unit_test(test_consttime_equal),
		cmocka_unit_test(test_base64_decode),
		cmocka_unit_test(test_password_fast),
		cmocka_unit_test(test_password_interactive),
		cmocka_unit_test(test_password_policy),
	};

	setenv("SANLING_FAST_KDF", "1", 1);
	umask(022);
	return cmocka_run_group_tests_name("crypto", tests, NULL, NULL);
}
