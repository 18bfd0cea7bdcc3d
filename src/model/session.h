/*
 * session: logging in and out, sessions, password changes and lockout.
 *
 * A session is a random token (256 bits) that the browser holds in an
 * HttpOnly cookie; the database keeps only its SHA-256, with a CSRF token's
 * hash, the user and the times.  Sessions end after 30 minutes idle or 12
 * hours in all (SANLING_SESSION_IDLE / SANLING_SESSION_MAX seconds override
 * both, for tests and for deployments that want other values).  Five failed
 * logins lock an account for 30 minutes.  Every login, failed login, logout
 * and password change is audited; no password or token is ever written
 * anywhere but as a hash.  HTTP (cookies, headers) is the caller's business.
 */
#ifndef SANLING_SESSION_H
#define SANLING_SESSION_H

#include <stdint.h>

#include "model/role.h"

struct db;
struct strbuf;
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
	LOGIN_LOCKED = 2,   /* too many failures; `locked_until` says until when */
	LOGIN_ERROR = -1,   /* database error */
	LOGIN_BUSY = -2,    /* the writer could not take the login's write: try again */
};

#define LOGIN_MAX_FAILURES 5
#define LOGIN_LOCK_SECONDS 1800

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
 * `must_change` receives whether the password must be changed first,
 * `locked_until` the epoch the lock ends for LOGIN_LOCKED.
 */
enum login_result session_login(struct db *db, const char *username, const char *password,
				const char *source, const char *old_token,
				struct strbuf *token, struct strbuf *csrf,
				int *must_change, int64_t *locked_until, struct strbuf *err);

enum session_state { SESSION_OK = 0, SESSION_NONE = 1, SESSION_EXPIRED = 2, SESSION_ERROR = -1 };

/* Load the session of `token` (touching its last-seen time). */
enum session_state session_lookup(struct db *db, const char *token, const char *source,
				  struct session *out, struct strbuf *err);

/* Does `csrf` (the request header) belong to session `s`? */
int session_csrf_ok(const struct session *s, const char *csrf);

/* Revoke the session of `token` (audited as logout). */
int session_logout(struct db *db, const struct session *s, struct strbuf *err);

/*
 * Change the actor's own password: `old` must match; `new` must pass the
 * policy and differ from `old`.  Clears must_change.  Other sessions of the
 * user are revoked.  Returns 0, 1 when refused (reason in `err`, for the
 * user), negative on database errors.
 */
int session_change_password(struct db *db, const struct actor *a, const char *old,
			    const char *new_pw, const char *keep_token_hash, struct strbuf *err);

/*
 * An administrator sets user `user_id`'s password (which must then be
 * changed at next login) or unlocks the account.  Audited.
 */
int user_set_password(struct db *db, const struct actor *a, const char *username,
		      const char *new_pw, struct strbuf *err);
int user_unlock(struct db *db, const struct actor *a, const char *username, struct strbuf *err);

/*
 * Forget every session cached in this process (they are cached for at most
 * 5 s), so that the next request of each is checked against the database:
 * for writes that change accounts.
 */
void session_cache_forget_all(void);

/* Idle and absolute session lifetimes in seconds in force. */
int64_t session_idle_seconds(void);
int64_t session_max_seconds(void);

#endif
