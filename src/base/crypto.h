/*
 * crypto: the few cryptographic operations Sanling needs, on libsodium.
 *
 *  - personal data at rest: authenticated encryption (XChaCha20-Poly1305
 *    IETF) of single values, plus a keyed "blind index" (BLAKE2b) so that
 *    an encrypted ID number can still be looked up by equality;
 *  - passwords: argon2id hashes and a strength policy;
 *  - tokens and digests: random hex tokens, SHA-256, constant-time compare;
 *  - the audit chain's MAC: a subkey derived from the key file, and
 *    HMAC-SHA-512-256 under it;
 *  - the districts' signatures of what they report upward: Ed25519 pairs
 *    derived from the key file, one per district.
 *
 * The keys live in a key file outside the database, so that a copied
 * database (or backup) alone reveals no personal data.  This file is
 * deliberately not a general crypto library: no choice of algorithms, no
 * key rotation yet (the "v1:" prefix of ciphertexts leaves room for it), no
 * TLS.  Every function is thread-safe; libsodium is initialised once, on
 * first use, through crypto_init().
 */
#ifndef SANLING_CRYPTO_H
#define SANLING_CRYPTO_H

#include <stddef.h>

struct strbuf;

#define CRYPTO_KEY_BYTES 32
/* Hex characters in a key file: two keys of 32 bytes. */
#define CRYPTO_KEYFILE_HEX (4 * CRYPTO_KEY_BYTES)

/*
 * The keys for personal data: `aead` encrypts values, `index` keys the
 * blind index.  They are independent, so knowing index values tells nothing
 * about the encryption key.  Initialise with CRYPTO_KEYS_INIT or by
 * crypto_keys_load(); wipe with crypto_keys_release().
 */
struct crypto_keys {
	unsigned char aead[CRYPTO_KEY_BYTES];
	unsigned char index[CRYPTO_KEY_BYTES];
	int loaded;
};
#define CRYPTO_KEYS_INIT { { 0 }, { 0 }, 0 }

/*
 * Initialise libsodium (once per process, whichever thread comes first).
 * Returns 0, or -1 if libsodium cannot initialise (then nothing here
 * works).  Every function below calls it itself; calling it early, at
 * start-up, just makes a failure show early.
 */
int crypto_init(void);

/*
 * Load the keys from the key file at `path`: 128 hexadecimal characters
 * (the 32-byte AEAD key, then the 32-byte index key), optionally followed
 * by white space.  If the file does not exist and `create` is true, new
 * random keys are written there first, atomically (a temporary file linked
 * into place), with mode 0600; if `create` is false a missing file is an
 * error.  The file must be a regular file (symbolic links are not
 * followed) that neither group nor others may read or write, else it is
 * refused with a message that says how to fix it.
 *
 * Returns 0 with `k` filled, or -1 with the reason appended to `err` (may
 * be NULL) and `k` wiped.  Losing the key file means losing every
 * encrypted value: back it up apart from the database.
 */
int crypto_keys_load(struct crypto_keys *k, const char *path, int create,
		     struct strbuf *err);

/* Wipe the keys from memory (the struct can be loaded again). */
void crypto_keys_release(struct crypto_keys *k);

/*
 * Encrypt the C string `plain` and append "v1:" + base64url (no padding)
 * of nonce (24 random bytes) || ciphertext || tag to `out`.  Encrypting
 * the same value twice gives different strings; use pd_blind_index() to
 * find a value.  Returns 0, or -1 (nothing appended) if the keys are not
 * loaded or libsodium is unusable.
 */
int pd_encrypt(const struct crypto_keys *k, const char *plain,
	       struct strbuf *out);

/*
 * Decrypt a string made by pd_encrypt() and append the plaintext to `out`.
 * Returns 0, or -1 with a reason in `err` (may be NULL) and nothing
 * appended if `enc` is not "v1:" + valid base64url, is too short, or fails
 * authentication (wrong key, or the value was altered in any way).
 */
int pd_decrypt(const struct crypto_keys *k, const char *enc,
	       struct strbuf *out, struct strbuf *err);

/*
 * Append the blind index of `normalised` to `out`: 32 lowercase hex
 * characters, the 16-byte BLAKE2b hash of the value keyed with the index
 * key.  Equal inputs give equal indexes under the same key, so the column
 * can be searched for equality; the caller must normalise first (e.g.
 * idcard_normalise()), since "x" and "X" index differently.  If the keys
 * are not loaded nothing is appended.
 */
void pd_blind_index(const struct crypto_keys *k, const char *normalised,
		    struct strbuf *out);

/*
 * Hash the password `pw` with argon2id and append the self-describing
 * string ("$argon2id$v=19$m=...") to `out`.  The cost is libsodium's
 * "interactive" level (2 passes, 64 MiB), or its minimum (1 pass, 8 KiB)
 * when the environment variable SANLING_FAST_KDF is "1": that exists for
 * test suites only, and password_needs_rehash() reports such hashes once
 * the variable is unset, so they are upgraded at the next login.
 * Returns 0, or -1 if the hash could not be computed (out of memory).
 */
int password_hash(const char *pw, struct strbuf *out);

/*
 * 1 if `pw` matches the stored `hash` made by password_hash(), 0 if not or
 * if `hash` is malformed.  Takes as long as hashing.
 */
int password_verify(const char *hash, const char *pw);

/*
 * 1 if `hash` was made with other costs than password_hash() would use now
 * (or is malformed), so it should be replaced after a successful login;
 * 0 if it is current.
 */
int password_needs_rehash(const char *hash);

/*
 * Append `nbytes` bytes from the system's secure random generator, as
 * 2 * nbytes lowercase hex characters.  Aborts if libsodium cannot be
 * initialised: a server without randomness must not hand out tokens.
 */
void random_token(struct strbuf *out, size_t nbytes);

/*
 * Derive the key of the audit chain's MACs from the key file's keys:
 * crypto_kdf (BLAKE2b) of the first (AEAD) key, subkey 1, context
 * "SLaudit1".  The key file keeps its format, and the subkey tells nothing
 * about the key it comes from.  Returns 0, or -1 (`out` zeroed) when the
 * keys are not loaded.
 */
int crypto_audit_key(const struct crypto_keys *k, unsigned char out[CRYPTO_KEY_BYTES]);

/*
 * The Ed25519 key pair a district signs what it reports upward with
 * (`sanling exchange`): derived from the key file, so that no further
 * secret exists — crypto_kdf of the first key (subkey 1, context
 * "SLexchg1"), keyed BLAKE2b of the district's code under it as the seed,
 * crypto_sign_seed_keypair.  Each district of a deployment has its own
 * pair; the public key tells nothing of the key file.
 *
 * crypto_exchange_public() appends the public key (64 hex characters);
 * crypto_exchange_sign() the detached signature of the `len` bytes at
 * `msg` (128 hex characters).  Both return 0, or -1 (nothing appended)
 * when the keys are not loaded.
 */
#define CRYPTO_SIGN_PUBLIC_HEX 64
#define CRYPTO_SIGNATURE_HEX 128
int crypto_exchange_public(const struct crypto_keys *k, const char *district,
			   struct strbuf *out);
int crypto_exchange_sign(const struct crypto_keys *k, const char *district, const void *msg,
			 size_t len, struct strbuf *out);

/*
 * Does the signature `sig_hex` (128 hex characters) of the `len` bytes at
 * `msg` verify under the Ed25519 public key `public_hex` (64)?  1 yes, 0
 * no, -1 when either is not such hex text.
 */
int crypto_sign_check(const char *public_hex, const void *msg, size_t len, const char *sig_hex);

/*
 * Append HMAC-SHA-512-256 of the `len` bytes at `data` under the 32-byte
 * `key`, as 64 lowercase hex characters.
 */
void mac_hex(const unsigned char key[CRYPTO_KEY_BYTES], const void *data, size_t len,
	     struct strbuf *out);

/*
 * Decode the `len` bytes of standard base64 at `in` (RFC 4648; the padding
 * may be left out; blanks and line breaks ignored) and append the bytes to
 * `out`.  Returns 0, or -1 (nothing appended) when `in` is not such text.
 * Not in constant time: for files, not secrets.
 */
int base64_decode(const char *in, size_t len, struct strbuf *out);

/* Append the SHA-256 of the `len` bytes at `data` as 64 hex characters. */
void sha256_hex(const void *data, size_t len, struct strbuf *out);

/*
 * 1 if the strings `a` and `b` are equal, 0 if not (or either is NULL).
 * The time taken depends on the lengths only, not on where they differ:
 * use it to compare tokens and other secrets.
 */
int consttime_equal(const char *a, const char *b);

/*
 * Check a new password against the policy: at least `min_len` characters
 * (code points) and at least `min_classes` (0..4) of the four classes
 * lower-case letter, upper-case letter, digit, other (symbols, spaces and
 * non-ASCII characters).  Passwords over 1024 bytes or not valid UTF-8 are
 * refused too.  Returns 0 if acceptable; otherwise -1 with a sentence in
 * plain Chinese appended to `err` (may be NULL) that states the rule and
 * what this password lacks, e.g. "密码至少 8 位，且须包含大写字母、小写字母、
 * 数字、符号中的至少 3 类；当前密码缺少：大写字母、符号".  The password itself
 * is never put in the message.
 */
int password_policy_check(const char *pw, int min_len, int min_classes,
			  struct strbuf *err);

#endif
