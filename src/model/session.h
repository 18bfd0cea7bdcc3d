/*
 * session: logging in and out, sessions, password changes and lockout.
 *
 * A session is a random token (256 bits) that the browser holds in an
 * HttpOnly cookie; the database keeps only its SHA-256, with a CSRF token's
 * hash, the user and the times.  Sessions end after 30 minutes idle or 12
 * hours in all (SANLING_SESSION_IDLE / SANLING_SESSION_MAX seconds override
 * both, for tests and for deployments that want other values).
 *
 * Guessing is slowed, not stopped by a lock that a stranger could put on
 * anyone: failed logins (and wrong old passwords on a change) are counted
 * per name and source address (an IPv6 address by its /64), and per name
 * from all sources.  Past LOGIN_SOURCE_FREE failures from one source, each
 * further failure makes that source wait 1 s, 2 s, 4 s ... up to
 * LOGIN_SOURCE_CAP before it is heard again; past LOGIN_ACCOUNT_FREE
 * failures from all sources together, every source waits likewise (up to
 * LOGIN_ACCOUNT_CAP), which slows a guesser spread over many addresses.
 * Counts are forgotten after LOGIN_FORGET_SECONDS without a failure; a
 * successful login clears its own source's count; the security
 * administrator clears them all (user_unlock).  A name that is no account is
 * counted in the same way, so no answer tells which names are accounts.
 *
 * New passwords must pass password_check() (base/pwcheck.h: the policy,
 * common passwords, the user's name) and, on a change of one's own, differ
 * from the account's last PASSWORD_HISTORY passwords.  Every login, failed
 * login, logout and password change is audited; no password or token is
 * ever written anywhere but as a hash.  HTTP (cookies, headers) is the
 * caller's business.
 */
#ifndef SANLING_SESSION_H
#define SANLING_SESSION_H

#include <stdint.h>

#include "model/role.h"

struct db;
struct strbuf;
struct model_error;
struct group_commit;

/*
 * The server's writer: from now on every write of a login, logout, session
 * touch or password change is a job of its group commit (run in turn with
 * every other write, answered once durable) instead of a transaction on
 * the caller's connection.  Called once, before serving; NULL undoes it.
 */
void session_use_writer(struct group_commit *g);

enum login_result {
	LOGIN_OK = 0,
	LOGIN_BAD = 1,      /* unknown user or wrong password (not told apart) */
	LOGIN_DELAYED = 2,  /* too many failures: not heard before `retry_at` (ms) */
	LOGIN_ERROR = -1,   /* database error */
	LOGIN_BUSY = -2,    /* the writer could not take the login's write: try again */
};

#define LOGIN_SOURCE_FREE 5       /* failures from one source before delays */
#define LOGIN_SOURCE_CAP 900      /* the longest delay of one source (s) */
#define LOGIN_ACCOUNT_FREE 50     /* failures from all sources before delays */
#define LOGIN_ACCOUNT_CAP 300     /* the longest delay of all sources (s) */
#define LOGIN_FORGET_SECONDS 86400 /* counts idle this long start again */
#define PASSWORD_HISTORY 5        /* a new password is none of the last five */

/* The delay (s) after `failures` failures when `free_n` are free: 0, then
 * 1, 2, 4 ... up to `cap`. */
int64_t login_delay(int64_t failures, int64_t free_n, int64_t cap);

/* A session as loaded for one request; strings owned by it. */
struct session {
	struct actor actor;
	int64_t created_at, last_seen;
	char csrf_hash[65];
	char token_hash[65];
	char *owned[8];
};

void session_init(struct session *s);
void session_release(struct session *s);

/*
 * Check `username`/`password`; on success create a session and return
 * its token and CSRF token (hex, appended to `token`, `csrf`).  The old
 * session `old_token` (may be NULL) is revoked: tokens rotate at login.
 * `must_change` receives whether the password must be changed first.
 * A failure is LOGIN_BAD, or LOGIN_DELAYED when it leaves its source (or
 * all) a delay to wait; an attempt during a delay is LOGIN_DELAYED without
 * looking at the password.  `retry_at` receives the time the delay ends, in
 * milliseconds since the epoch.
 */
enum login_result session_login(struct db *db, const char *username, const char *password,
				const char *source, const char *old_token,
				struct strbuf *token, struct strbuf *csrf,
				int *must_change, int64_t *retry_at, struct strbuf *err);

enum session_state { SESSION_OK = 0, SESSION_NONE = 1, SESSION_EXPIRED = 2, SESSION_ERROR = -1 };

/* Load the session of `token` (touching its last-seen time). */
enum session_state session_lookup(struct db *db, const char *token, const char *source,
				  struct session *out, struct strbuf *err);

/* Does `csrf` (the request header) belong to session `s`? */
int session_csrf_ok(const struct session *s, const char *csrf);

/* Revoke the session of `token` (audited as logout). */
int session_logout(struct db *db, const struct session *s, struct strbuf *err);

/*
 * Change the actor's own password: `old` must match; `new` must pass
 * password_check() and be none of the account's last PASSWORD_HISTORY
 * passwords.  Clears must_change.  Other sessions of the user are revoked.
 * A wrong `old` counts as a failed login from the actor's source.  Returns
 * 0; MODEL_EINVAL when refused (the field, old_password or new_password,
 * and the reason for the user in `e`); MODEL_ELIMIT when the source must
 * wait first (a delay, as for logins: `retry_at` says until when, in ms);
 * MODEL_EDB on database errors.
 */
int session_change_password(struct db *db, const struct actor *a, const char *old,
			    const char *new_pw, const char *keep_token_hash, int64_t *retry_at,
			    struct model_error *e);

/*
 * An administrator sets user `username`'s password (which must then be
 * changed at next login; it must pass password_check() but is not compared
 * with the account's history, which would tell the administrator whether a
 * guess was once the user's password), clearing the account's login delays;
 * or clears them alone (unlock).  Audited.  0, MODEL_ENOTFOUND (no such
 * user), MODEL_EFORBIDDEN (an administrator's account, but from the command
 * line), MODEL_EINVAL (the password), MODEL_EDB.
 */
int user_set_password(struct db *db, const struct actor *a, const char *username,
		      const char *new_pw, struct model_error *e);
int user_unlock(struct db *db, const struct actor *a, const char *username,
		struct model_error *e);

/*
 * The username and role of the account whose id is `id` (decimal text, as
 * in a URL).  Returns 0 with *name (the caller frees it) and *role,
 * MODEL_ENOTFOUND when there is no such account (or `id` is no id),
 * MODEL_EDB.
 */
int user_by_id(struct db *db, const char *id, char **name, enum role *role,
	       struct model_error *e);

/*
 * Forget every session cached in this process (they are cached for at most
 * 5 s), so that the next request of each is checked against the database:
 * for writes that change accounts.
 */
void session_cache_forget_all(void);
/*
 * Register the sessions' write observer: a write of an account (ENT_ACCOUNTS)
 * forgets the cached sessions.  Every program that writes records calls it
 * at start-up.
 */
void session_observe_writes(void);

/*
 * The sessions not ended (by the database's times: the last request within
 * the idle time, begun within the longest time) in `*n`: 0, or -1 with
 * `err`.  For the metrics; a session's last-seen time is written at most
 * every 30 s, so one within 30 s of its idle end may be left out.
 */
int session_count_active(struct db *db, int64_t *n, struct strbuf *err);

/* Idle and absolute session lifetimes in seconds in force. */
int64_t session_idle_seconds(void);
int64_t session_max_seconds(void);

#endif
