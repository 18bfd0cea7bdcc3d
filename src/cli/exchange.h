/*
 * exchange: upward reporting (逐级上报) between deployments (`sanling
 * exchange`).  A district that runs its own deployment exports a published
 * month as a package signed with its Ed25519 key (derived from its key
 * file: crypto_exchange_sign()); the city's (or province's) deployment,
 * which registered the district and its public key, checks the signature
 * and stores the month, so that its figures include the district.  The
 * package and every check are described in docs/architecture.md ("Upward
 * reporting").
 *
 * Every function returns 0, or -1 with a message for the operator in
 * `err` (in Chinese when it is a refusal of the package or the request).
 */
#ifndef SANLING_EXCHANGE_H
#define SANLING_EXCHANGE_H

#include <stddef.h>

struct db;
struct crypto_keys;
struct strbuf;

#define EXCHANGE_FORMAT "sanling-exchange/1"

/*
 * The district the command means: `given` (a district of this deployment,
 * not an external one), or the only such district there is; into `out`.
 */
int exchange_district(struct db *db, const char *given, struct strbuf *out, struct strbuf *err);

/* The public key of `district` (64 hex characters) into `out`. */
int exchange_key(const struct crypto_keys *k, const char *district, struct strbuf *out,
		 struct strbuf *err);

/*
 * The package of `district`'s published `month` into `out` (the file's
 * bytes), audited ("exchange.export": its payload's SHA-256).  Refused: a
 * month not published, an external district.
 */
int exchange_export(struct db *db, const struct crypto_keys *k, const char *district,
		    const char *month, struct strbuf *out, struct strbuf *err);

/*
 * Register `district` (a new region of level district, named `name`,
 * under `parent` when not NULL) as external, with `public_key` (64 hex
 * characters); for a district registered already, replace its key (its
 * key file was lost: `name` and `parent` are not looked at).  Audited
 * ("exchange.trust", refusals too).
 */
int exchange_trust(struct db *db, const char *district, const char *public_key, const char *name,
		   const char *parent, struct strbuf *err);

/*
 * Check and store the package `data` (`len` bytes); what was stored into
 * `done` (one line).  Refused, with nothing stored: a malformed file, an
 * unknown district, a signature that does not verify under its registered
 * key, a month not published, a package already imported or older than
 * the one stored (a replay).  Audited ("exchange.import"), refusals too.
 */
int exchange_import(struct db *db, const char *data, size_t len, struct strbuf *done,
		    struct strbuf *err);

/*
 * The registered districts and their packages, one line each:
 * "district\tCODE\tNAME\tPUBLIC_KEY" and
 * "package\tCODE\tMONTH\tPUBLICATION\tPUBLISHED_AT\tSHA256\tcurrent|replaced".
 */
int exchange_list(struct db *db, struct strbuf *out, struct strbuf *err);

#endif
