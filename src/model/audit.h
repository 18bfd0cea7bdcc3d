/*
 * audit: the keyed, chained audit log.
 *
 * Every write, login, failed login, export, reveal of personal data and
 * refused request is one row: UTC time, user, action, object, outcome,
 * source address and a short detail.  Each row's link is a MAC (HMAC-SHA-
 * 512-256) over the previous link and the row, under a key derived from the
 * key file (crypto_audit_key()), which the database does not hold; the
 * head (audit_head: last seq, its link, and the switch-over point) carries
 * a MAC too.  So an edited, inserted or deleted row, a chain recomputed
 * without the key, or a head moved back over deleted rows all fail
 * audit_verify().  What no check inside the database can see — the whole
 * database put back to an older copy — an anchor outside it catches: a
 * signed note of the head at some time (audit_anchor_take()) that a later
 * chain must still reach, unchanged (audit_verify_anchor()).
 *
 * Rows written before migration 011 keep their plain SHA-256 links; from
 * the switch-over point (audit_head.keyed_from) on every link is keyed, and
 * the first keyed row links to the last old one (see audit_migrate()).
 *
 * Callers append inside the transaction of the change they record.  Never
 * pass a password, token or unmasked personal value in any argument.  Not
 * here: which refusals are audited and how often (api_denial.c).
 */
#ifndef SANLING_AUDIT_H
#define SANLING_AUDIT_H

#include <stdint.h>

#include <jansson.h>

struct db;
struct strbuf;
struct actor;
struct crypto_keys;

/*
 * Take the audit key from `k` (derived, see crypto_audit_key()), or forget
 * it when `k` is NULL.  Process-wide: call it once at start-up, before any
 * thread appends or verifies.  Without it audit_append() and
 * audit_verify() fail.
 */
void audit_use_keys(const struct crypto_keys *k);

/*
 * db_migrate() with the audit log's step of migration 011: MAC the head,
 * and when the database already has rows (an old, unkeyed chain), verify
 * them as they are and append the keyed row "audit.keyed" (outcome "ok",
 * or "broken" with the first bad row in its detail: an old break stays
 * visible, it is not blessed) that links to them.  Needs audit_use_keys().
 * Returns 0 or negative with `err`.
 */
int audit_migrate(struct db *db, struct strbuf *err);
/* The same over the first migrations only (`files`, NULL-terminated): an older schema, for tests. */
struct embedded_file;
int audit_migrate_files(struct db *db, const struct embedded_file *files, struct strbuf *err);

/*
 * Append one row.  When the connection is inside a transaction the row
 * joins it; otherwise audit_append() runs its own.  `object`, `detail` may
 * be NULL ("").  Refuses (negative, with `err`) when the head's MAC does
 * not verify: appending would bless a head moved back over deleted rows.
 */
int audit_append(struct db *db, const struct actor *a, const char *action,
		 const char *object, const char *outcome, const char *detail,
		 struct strbuf *err);

/* The same with a username and source instead of an actor (failed logins). */
int audit_append_as(struct db *db, const char *username, const char *source,
		    const char *action, const char *object, const char *outcome,
		    const char *detail, struct strbuf *err);

/*
 * Walk the whole chain.  Returns 0 when intact (`*rows` = rows checked), 1
 * when broken with `*bad_seq` the first row that does not verify (a row
 * edited, deleted or inserted; for the head, the row after the last) and a
 * description in `err`, negative on a database error or without the key.
 */
int audit_verify(struct db *db, int64_t *rows, int64_t *bad_seq, struct strbuf *err);

/* Which rows audit_list() shows: NULL members are not filters. */
struct audit_query {
	const char *user;	/* the username, exactly */
	const char *action;	/* the action, exactly */
	const char *from, *to;	/* dates YYYY-MM-DD: from that day, before that day */
	int64_t page, page_size; /* from 1; 1 to 500 */
};

/*
 * One page of the log, newest first, as a JSON object {items: [{seq, at,
 * username, action, object, outcome, source, detail}], total, page,
 * page_size} into *out (the caller owns it).  The query's dates must be
 * valid and its page in range (the caller checks).  Returns 0, or
 * negative with `err` on a database error.
 */
int audit_list(struct db *db, const struct audit_query *q, json_t **out, struct strbuf *err);

/* The head of the chain at a time, with a MAC over it all. */
struct audit_anchor {
	int64_t seq;		/* the last row then */
	char hash[65];		/* its link (hex) */
	int64_t keyed_from;	/* the switch-over point then */
	char at[32];		/* when taken, UTC ISO 8601 */
	char mac[65];		/* MAC over the four above */
};

/*
 * Take an anchor of the current head (after checking the head's MAC).
 * Returns 0, or negative with `err` (a head that does not verify, no key).
 */
int audit_anchor_take(struct db *db, struct audit_anchor *a, struct strbuf *err);

/* Append the anchor as one line of JSON (with its newline) to `out`. */
void audit_anchor_json(const struct audit_anchor *a, struct strbuf *out);

/*
 * Write the anchor to `path` atomically (a temporary file renamed into
 * place, synced).  Returns 0 or -1 with `err`.
 */
int audit_anchor_write(const struct audit_anchor *a, const char *path, struct strbuf *err);

/*
 * Read an anchor written by audit_anchor_write().  Returns 0, -1 when the
 * file cannot be read or parsed, 1 when its MAC does not verify (edited,
 * forged, or another key); the reason in `err`.
 */
int audit_anchor_read(const char *path, struct audit_anchor *a, struct strbuf *err);

/*
 * audit_verify(), and besides (when `anchor` is not NULL) the chain must
 * still reach the anchor's row with the same link and switch-over point:
 * rows deleted after it (the head moved back) or rewritten up to it break
 * it.  Returns as audit_verify().
 */
int audit_verify_anchor(struct db *db, const struct audit_anchor *anchor, int64_t *rows,
			int64_t *bad_seq, struct strbuf *err);

#endif
