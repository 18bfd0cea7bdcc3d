/*
 * audit: the hash-chained audit log.
 *
 * Every write, login, failed login, export and reveal of personal data is
 * one row: UTC time, user, action, object, outcome, source address and a
 * short detail.  Each row's hash covers the previous row's hash, so an edited
 * or deleted row breaks the chain and audit_verify() finds it.  Callers
 * append inside the transaction of the change they record.  Never pass a
 * password, token or unmasked personal value in any argument.
 */
#ifndef SANLING_AUDIT_H
#define SANLING_AUDIT_H

#include <stdint.h>

struct db;
struct strbuf;
struct actor;

/*
 * Append one row.  When the connection is inside a transaction the row
 * joins it; otherwise audit_append() runs its own.  `object`, `detail` may
 * be NULL ("").  Returns 0 or negative with the reason in `err`.
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
 * edited, deleted or inserted) and a description in `err`, negative on a
 * database error.
 */
int audit_verify(struct db *db, int64_t *rows, int64_t *bad_seq, struct strbuf *err);

#endif
