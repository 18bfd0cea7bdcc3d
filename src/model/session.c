/*
 * session.c: logins, sessions, login delays and passwords with their
 * history (see session.h).  Tokens are compared by their SHA-256 only;
 * passwords by argon2id.  Not the rules of what a good password is
 * (base/pwcheck.c), nor HTTP.
 */
#include "model/session.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/crypto.h"
#include "base/date.h"
#include "base/pwcheck.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "db/group_commit.h"
#include "model/audit.h"
#include "model/entity.h"
#include "model/settings.h"

static void cache_forget(const char *hash);

/*
 * The server's writer (session_use_writer): every write of this file is a
 * job of its group commit, so that a login waits its turn behind an import
 * or a batch like any other write, instead of taking the write lock on a
 * pooled connection of its own and meeting SQLite's busy timeout ("database
 * is locked") when the writer holds it longer.  NULL (the command line,
 * the unit tests): writes run on the connection given.
 */
static struct group_commit *writer;

void session_use_writer(struct group_commit *g)
{
	writer = g;
}

/*
 * Run `work` (a transaction: its own db_begin/db_commit) on the writer and
 * wait until it is durable, else on `db`.  Returns work's result, or
 * SESSION_WRITE_BUSY when the writer could not run it.
 */
#define SESSION_WRITE_BUSY (-100)
static int session_write(struct db *db, int (*work)(struct db *, void *), void *arg,
			 struct strbuf *err)
{
	struct group_job job = { .work = work, .arg = arg };

	if (!writer)
		return work(db, arg);
	if (group_commit_run(writer, &job, err))
		return SESSION_WRITE_BUSY;
	return job.rc;
}

static int64_t env_seconds(const char *name, int64_t def)
{
	const char *v = getenv(name);
	long long n;

	if (!v || !*v)
		return def;
	n = atoll(v);
	return n > 0 ? n : def;
}

int64_t session_idle_seconds(void)
{
	return env_seconds("SANLING_SESSION_IDLE", 1800);
}

int64_t session_max_seconds(void)
{
	return env_seconds("SANLING_SESSION_MAX", 43200);
}

void session_init(struct session *s)
{
	memset(s, 0, sizeof(*s));
}

void session_release(struct session *s)
{
	size_t i;

	for (i = 0; i < sizeof(s->owned) / sizeof(s->owned[0]); i++)
		free(s->owned[i]);
	memset(s, 0, sizeof(*s));
}

static const char *own(struct session *s, int slot, struct db_stmt *st, int col)
{
	if (db_column_is_null(st, col))
		return NULL;
	s->owned[slot] = xstrdup(db_column_text(st, col));
	return s->owned[slot];
}

static void hash_hex(const char *s, char out[65])
{
	struct strbuf h = STRBUF_INIT;

	sha256_hex(s, strlen(s), &h);
	snprintf(out, 65, "%s", h.buf);
	strbuf_release(&h);
}

/* A hash to verify against when the user does not exist, so that timing
 * does not tell existing names from others. */
static const char *dummy_hash(void)
{
	static char *dummy; /* computed once; only ever read afterwards */
	static int done;

	if (!__atomic_load_n(&done, __ATOMIC_ACQUIRE)) {
		struct strbuf h = STRBUF_INIT;
		if (!password_hash("not-a-password-Zz9!", &h)) {
			char *prev = NULL;
			char *mine = strbuf_detach(&h, NULL);
			if (!__atomic_compare_exchange_n(&dummy, &prev, mine, 0, __ATOMIC_ACQ_REL,
							 __ATOMIC_ACQUIRE))
				free(mine);
			__atomic_store_n(&done, 1, __ATOMIC_RELEASE);
		}
		strbuf_release(&h);
	}
	return __atomic_load_n(&dummy, __ATOMIC_ACQUIRE);
}

int session_count_active(struct db *db, int64_t *n, struct strbuf *err)
{
	int64_t now = time_now();
	struct db_stmt *st;
	int rc;

	if (db_prepare(db, "SELECT COUNT(*) FROM sessions WHERE last_seen >= ? AND created_at >= ?",
		       &st, err))
		return -1;
	db_bind_int64(st, 1, now - session_idle_seconds());
	db_bind_int64(st, 2, now - session_max_seconds());
	rc = db_step(st, err);
	if (rc == DB_ROW)
		*n = db_column_int64(st, 0);
	db_finalize(st);
	return rc == DB_ROW ? 0 : -1;
}

/* Run `sql` with integer parameters (there are `n` of them). */
static int exec_ints(struct db *db, const char *sql, int n, const int64_t *v, struct strbuf *err)
{
	struct db_stmt *st;
	int i, rc;

	if (db_prepare(db, sql, &st, err))
		return -1;
	for (i = 0; i < n; i++)
		db_bind_int64(st, i + 1, v[i]);
	rc = db_step(st, err);
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int64_t login_delay(int64_t failures, int64_t free_n, int64_t cap)
{
	int64_t d = 1, n;

	if (failures < free_n)
		return 0;
	for (n = failures - free_n; n > 0 && d < cap; n--)
		d *= 2;
	return d < cap ? d : cap;
}

/* The source a failure is counted against: the client address, an IPv6
 * address by its /64 (one host commonly holds a whole /64). */
static void source_key(const char *source, char out[INET6_ADDRSTRLEN + 4])
{
	struct in6_addr a;

	if (source && strchr(source, ':') && inet_pton(AF_INET6, source, &a) == 1) {
		memset(a.s6_addr + 8, 0, 8);
		inet_ntop(AF_INET6, &a, out, INET6_ADDRSTRLEN);
		strcat(out, "/64");
		return;
	}
	snprintf(out, INET6_ADDRSTRLEN + 4, "%s", source && *source && strcmp(source, "*") ?
		 source : "-");
}

/* The time (epoch ms: delays of a second need a finer clock than seconds)
 * before which `username` is not heard from source `key` (0: it is heard
 * now). */
static int throttle_read(struct db *db, const char *username, const char *key, int64_t now,
			 int64_t *retry_at, struct strbuf *err)
{
	struct db_stmt *st;
	int64_t ms = time_now_ms();
	int rc;

	*retry_at = 0;
	if (db_prepare(db, "SELECT MAX(retry_at) FROM login_throttle WHERE username = ? AND "
		       "source IN (?, '*') AND updated_at >= ?", &st, err))
		return -1;
	db_bind_text(st, 1, username);
	db_bind_text(st, 2, key);
	db_bind_int64(st, 3, now - LOGIN_FORGET_SECONDS);
	rc = db_step(st, err);
	if (rc == DB_ROW && !db_column_is_null(st, 0))
		*retry_at = db_column_int64(st, 0);
	db_finalize(st);
	if (*retry_at <= ms)
		*retry_at = 0;
	return rc < 0 ? -1 : 0;
}

/* users.failed_count and locked_until mirror the account's counters (for
 * the security administrator's list); a name that is no account has no row. */
static int throttle_mirror(struct db *db, const char *username, struct strbuf *err)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(db, "UPDATE users SET failed_count = COALESCE((SELECT failed_count FROM "
		       "login_throttle WHERE username = ? AND source = '*'), 0), locked_until = "
		       "COALESCE((SELECT MAX(retry_at) FROM login_throttle WHERE username = ?), 0) / 1000 "
		       "WHERE username = ?", &st, err))
		return -1;
	db_bind_text(st, 1, username);
	db_bind_text(st, 2, username);
	db_bind_text(st, 3, username);
	rc = db_step(st, err);
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* Count one failure of `username` from source `key` and from all sources
 * (in the caller's transaction); `retry_at` gets the end of the delay now in
 * force (epoch ms; 0: none). */
static int throttle_fail(struct db *db, const char *username, const char *key, int64_t now,
			 int64_t *retry_at, struct strbuf *err)
{
	static const struct { int all; int64_t free_n, cap; } level[] = {
		{ 0, LOGIN_SOURCE_FREE, LOGIN_SOURCE_CAP },
		{ 1, LOGIN_ACCOUNT_FREE, LOGIN_ACCOUNT_CAP },
	};
	struct db_stmt *st = NULL;
	size_t i;
	int ret = -1;

	*retry_at = 0;
	for (i = 0; i < sizeof(level) / sizeof(level[0]); i++) {
		const char *src = level[i].all ? "*" : key;
		int64_t n = 0, until;

		if (db_prepare(db, "INSERT INTO login_throttle (username, source, failed_count, "
			       "retry_at, updated_at) VALUES (?, ?, 1, 0, ?) ON CONFLICT (username, "
			       "source) DO UPDATE SET failed_count = CASE WHEN login_throttle.updated_at "
			       "< ? THEN 1 ELSE login_throttle.failed_count + 1 END, updated_at = "
			       "excluded.updated_at", &st, err))
			goto cleanup;
		db_bind_text(st, 1, username);
		db_bind_text(st, 2, src);
		db_bind_int64(st, 3, now);
		db_bind_int64(st, 4, now - LOGIN_FORGET_SECONDS);
		if (db_step(st, err) < 0)
			goto cleanup;
		db_finalize(st);
		if (db_prepare(db, "SELECT failed_count FROM login_throttle WHERE username = ? AND "
			       "source = ?", &st, err))
			goto cleanup;
		db_bind_text(st, 1, username);
		db_bind_text(st, 2, src);
		if (db_step(st, err) == DB_ROW)
			n = db_column_int64(st, 0);
		db_finalize(st);
		until = login_delay(n, level[i].free_n, level[i].cap);
		until = until ? time_now_ms() + until * 1000 : 0;
		if (db_prepare(db, "UPDATE login_throttle SET retry_at = ? WHERE username = ? AND "
			       "source = ?", &st, err))
			goto cleanup;
		db_bind_int64(st, 1, until);
		db_bind_text(st, 2, username);
		db_bind_text(st, 3, src);
		if (db_step(st, err) < 0)
			goto cleanup;
		db_finalize(st);
		st = NULL;
		if (until > *retry_at)
			*retry_at = until;
	}
	ret = throttle_mirror(db, username, err);
cleanup:
	if (st)
		db_finalize(st);
	return ret;
}

/* Forget the failures of `username` from source `key`, or from all (NULL). */
static int throttle_clear(struct db *db, const char *username, const char *key,
			  struct strbuf *err)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(db, key ? "DELETE FROM login_throttle WHERE username = ? AND source = ?" :
		       "DELETE FROM login_throttle WHERE username = ?", &st, err))
		return -1;
	db_bind_text(st, 1, username);
	if (key)
		db_bind_text(st, 2, key);
	rc = db_step(st, err);
	db_finalize(st);
	return rc < 0 || throttle_mirror(db, username, err) ? -1 : 0;
}

/* The writes of a login, run as one transaction on the writer (session_write). */
struct login_write {
	const char *username, *source, *key, *old_token;
	int64_t uid, now, retry_at;
	int found, active;
	const char *th, *ch;
	struct strbuf *err;
};

/* A login refused while its name is delayed from this source: audited alone. */
static int login_delayed_txn(struct db *db, void *arg)
{
	struct login_write *lw = arg;

	if (db_begin(db, lw->err))
		return -1;
	if (audit_append_as(db, lw->username, lw->source, "login", "users", "delayed", "", lw->err) ||
	    db_commit(db, lw->err)) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

/* A failed login: counted from this source and from all (the delays grow), audited. */
static int login_failed_txn(struct db *db, void *arg)
{
	struct login_write *lw = arg;

	if (db_begin(db, lw->err))
		return -1;
	if (throttle_fail(db, lw->username, lw->key, lw->now, &lw->retry_at, lw->err) ||
	    audit_append_as(db, lw->username, lw->source, "login", "users",
			    lw->retry_at ? "failed-delayed" : "failed",
			    !lw->found ? "unknown user" : !lw->active ? "account closed" : "bad password",
			    lw->err) ||
	    db_commit(db, lw->err)) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

/* A good login: the new session (the presented one dropped), this source's failures forgotten, sweeps. */
static int login_ok_txn(struct db *db, void *arg)
{
	struct login_write *lw = arg;
	struct db_stmt *st = NULL;

	if (db_begin(db, lw->err))
		return -1;
	if (lw->old_token && *lw->old_token) {
		char oh[65];
		hash_hex(lw->old_token, oh);
		cache_forget(oh);
		if (db_prepare(db, "DELETE FROM sessions WHERE token_hash = ?", &st, lw->err))
			goto fail;
		db_bind_text(st, 1, oh);
		if (db_step(st, lw->err) < 0)
			goto fail;
		db_finalize(st);
		st = NULL;
	}
	if (db_prepare(db, "INSERT INTO sessions (token_hash, csrf_hash, user_id, created_at, "
		       "last_seen, source) VALUES (?, ?, ?, ?, ?, ?)", &st, lw->err))
		goto fail;
	db_bind_text(st, 1, lw->th);
	db_bind_text(st, 2, lw->ch);
	db_bind_int64(st, 3, lw->uid);
	db_bind_int64(st, 4, lw->now);
	db_bind_int64(st, 5, lw->now);
	db_bind_text(st, 6, lw->source ? lw->source : "");
	if (db_step(st, lw->err) < 0)
		goto fail;
	db_finalize(st);
	st = NULL;
	if (throttle_clear(db, lw->username, lw->key, lw->err))
		goto fail;
	/* expired sessions of anyone, and forgotten failures, are swept at each login */
	{
		int64_t v[2] = { lw->now - session_idle_seconds(), lw->now - session_max_seconds() };
		int64_t stale = lw->now - LOGIN_FORGET_SECONDS;
		if (exec_ints(db, "DELETE FROM sessions WHERE last_seen < ? OR created_at < ?",
			      2, v, lw->err) < 0 ||
		    exec_ints(db, "DELETE FROM login_throttle WHERE updated_at < ?", 1, &stale,
			      lw->err) < 0)
			goto fail;
	}
	if (audit_append_as(db, lw->username, lw->source, "login", "users", "ok", "", lw->err))
		goto fail;
	if (db_commit(db, lw->err))
		goto fail;
	return 0;
fail:
	if (st)
		db_finalize(st);
	db_rollback(db);
	return -1;
}

enum login_result session_login(struct db *db, const char *username, const char *password,
				const char *source, const char *old_token,
				struct strbuf *token, struct strbuf *csrf,
				int *must_change, int64_t *retry_at, struct strbuf *err)
{
	struct db_stmt *st = NULL;
	char key[INET6_ADDRSTRLEN + 4];
	struct login_write lw = { .username = username, .source = source, .key = key,
				  .old_token = old_token, .now = time_now(), .err = err };
	int change = 0, ok, rc;
	char *hash = NULL;
	char th[65], ch[65];
	enum login_result res = LOGIN_ERROR;

	*must_change = 0;
	*retry_at = 0;
	source_key(source, key);
	/* a name that is no account is counted and delayed alike, in the same rows */
	if (throttle_read(db, username, key, lw.now, retry_at, err))
		return LOGIN_ERROR;
	if (*retry_at) {
		rc = session_write(db, login_delayed_txn, &lw, err);
		return rc == SESSION_WRITE_BUSY ? LOGIN_BUSY : LOGIN_DELAYED;
	}
	if (db_prepare(db, "SELECT id, pw_hash, must_change, active FROM users WHERE username = ?",
		       &st, err))
		return LOGIN_ERROR;
	db_bind_text(st, 1, username);
	rc = db_step(st, err);
	if (rc < 0)
		goto cleanup;
	if (rc == DB_ROW) {
		lw.found = 1;
		lw.uid = db_column_int64(st, 0);
		hash = xstrdup(db_column_text(st, 1));
		change = db_column_int64(st, 2) != 0; /* told only on success */
		lw.active = db_column_int64(st, 3) != 0;
	}
	db_finalize(st);
	st = NULL;

	/* the password hash is checked before the writer is asked for */
	ok = password_verify(lw.found ? hash : dummy_hash(), password) == 1;
	if (!lw.found || !ok || !lw.active) {
		rc = session_write(db, login_failed_txn, &lw, err);
		if (rc) {
			res = rc == SESSION_WRITE_BUSY ? LOGIN_BUSY : LOGIN_ERROR;
			goto cleanup;
		}
		*retry_at = lw.retry_at;
		res = lw.retry_at ? LOGIN_DELAYED : LOGIN_BAD;
		goto cleanup;
	}

	/* success: rotate (drop the presented session), forget this source's failures */
	random_token(token, 32);
	random_token(csrf, 16);
	hash_hex(token->buf, th);
	hash_hex(csrf->buf, ch);
	lw.th = th;
	lw.ch = ch;
	rc = session_write(db, login_ok_txn, &lw, err);
	if (rc) {
		strbuf_reset(token);
		strbuf_reset(csrf);
		res = rc == SESSION_WRITE_BUSY ? LOGIN_BUSY : LOGIN_ERROR;
		goto cleanup;
	}
	*must_change = change;
	res = LOGIN_OK;
cleanup:
	if (st)
		db_finalize(st);
	free(hash);
	return res;
}

/*
 * Sessions seen in this process in the last CACHE_SECONDS, so that most
 * requests cost no database read for their session.  A cached session is
 * used only while it needs no touch of its last-seen time (the database
 * keeps the idle clock) and has not expired; logout, login rotation,
 * password changes and changes to accounts forget entries at once; a
 * revocation made by another server process takes effect within
 * CACHE_SECONDS.
 */
#define CACHE_SLOTS 1024
#define CACHE_SECONDS 5
#define TOUCH_SECONDS 30

struct cache_slot {
	int used;
	int64_t checked_at;
	struct session s;
};

static struct cache_slot cache[CACHE_SLOTS];
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static size_t slot_of(const char *hash)
{
	size_t h = 0;
	int i;

	for (i = 0; i < 8 && hash[i]; i++)
		h = h * 16 + (size_t)(hash[i] <= '9' ? hash[i] - '0' : hash[i] - 'a' + 10);
	return h % CACHE_SLOTS;
}

static char *dup_or_null(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = xstrdup(s);
	return d;
}

/* A deep copy: `dst` owns its strings; the source address is not copied. */
static void session_copy(struct session *dst, const struct session *src)
{
	session_init(dst);
	dst->actor = src->actor;
	dst->created_at = src->created_at;
	dst->last_seen = src->last_seen;
	memcpy(dst->csrf_hash, src->csrf_hash, sizeof(dst->csrf_hash));
	memcpy(dst->token_hash, src->token_hash, sizeof(dst->token_hash));
	dst->actor.username = dst->owned[0] = dup_or_null(src->actor.username);
	dst->actor.dept = dst->owned[1] = dup_or_null(src->actor.dept);
	dst->actor.district = dst->owned[2] = dup_or_null(src->actor.district);
	dst->actor.township = dst->owned[3] = dup_or_null(src->actor.township);
	dst->actor.grid = dst->owned[4] = dup_or_null(src->actor.grid);
	dst->actor.subject = dst->owned[5] = dup_or_null(src->actor.subject);
	dst->actor.village = dst->owned[6] = dup_or_null(src->actor.village);
	dst->actor.region = dst->owned[7] = dup_or_null(src->actor.region);
	dst->actor.source = NULL;
}

static int cache_get(const char *hash, int64_t now, const char *source, struct session *out)
{
	struct cache_slot *c = &cache[slot_of(hash)];
	int64_t touch = session_idle_seconds() < TOUCH_SECONDS ? session_idle_seconds() : TOUCH_SECONDS;
	int hit = 0;

	pthread_mutex_lock(&cache_lock);
	if (c->used && !strcmp(c->s.token_hash, hash) && now - c->checked_at < CACHE_SECONDS &&
	    now - c->s.last_seen < touch && now - c->s.created_at <= session_max_seconds()) {
		session_copy(out, &c->s);
		out->actor.source = source;
		hit = 1;
	}
	pthread_mutex_unlock(&cache_lock);
	return hit;
}

static void cache_put(const struct session *s, int64_t now)
{
	struct cache_slot *c = &cache[slot_of(s->token_hash)];

	pthread_mutex_lock(&cache_lock);
	if (c->used)
		session_release(&c->s);
	session_copy(&c->s, s);
	c->checked_at = now;
	c->used = 1;
	pthread_mutex_unlock(&cache_lock);
}

/* Forget the session of token hash `hash`, or every one (NULL). */
static void cache_forget(const char *hash)
{
	size_t i;

	pthread_mutex_lock(&cache_lock);
	for (i = 0; i < CACHE_SLOTS; i++) {
		if (cache[i].used && (!hash || !strcmp(cache[i].s.token_hash, hash))) {
			session_release(&cache[i].s);
			cache[i].used = 0;
		}
	}
	pthread_mutex_unlock(&cache_lock);
}

void session_cache_forget_all(void)
{
	cache_forget(NULL);
}

/* A changed or closed account acts no more as before: its sessions read anew. */
static int forget_on_write(const struct model_ctx *mc, const struct record *r,
			   const struct record *old, struct model_error *e)
{
	(void)mc, (void)old, (void)e;
	if (r->ed->flags & ENT_ACCOUNTS)
		session_cache_forget_all();
	return 0;
}

static const struct write_observer session_observer = {
	.name = "sessions", .stored = forget_on_write,
};

void session_observe_writes(void)
{
	model_observe(&session_observer);
}

/* A session's last-seen time (`now`), or its end (`now` 0). */
struct touch {
	const char *token_hash;
	int64_t now;
	struct strbuf *err;
};

static int touch_txn(struct db *db, void *arg)
{
	struct touch *t = arg;
	struct db_stmt *st;
	int rc;

	if (db_begin(db, t->err))
		return -1;
	if (db_prepare(db, t->now ? "UPDATE sessions SET last_seen = ? WHERE token_hash = ?" :
		       "DELETE FROM sessions WHERE token_hash = ?", &st, t->err))
		goto fail;
	if (t->now)
		db_bind_int64(st, 1, t->now);
	db_bind_text(st, t->now ? 2 : 1, t->token_hash);
	rc = db_step(st, t->err);
	db_finalize(st);
	if (rc < 0 || db_commit(db, t->err))
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return -1;
}

enum session_state session_lookup(struct db *db, const char *token, const char *source,
				  struct session *out, struct strbuf *err)
{
	struct db_stmt *st = NULL;
	int64_t now = time_now();
	enum session_state res = SESSION_ERROR;
	char th[65];
	int rc;

	session_init(out);
	if (!token || strlen(token) != 64)
		return SESSION_NONE;
	hash_hex(token, th);
	if (cache_get(th, now, source, out))
		return SESSION_OK;
	if (db_prepare(db, "SELECT s.user_id, s.created_at, s.last_seen, s.csrf_hash, u.username, "
		       "u.role, u.department, u.district, u.township, u.grid, u.subject, "
		       "u.must_change, u.village, u.region FROM sessions s JOIN users u ON u.id = s.user_id "
		       "WHERE s.token_hash = ? AND u.active = 1", &st, err))
		return SESSION_ERROR;
	db_bind_text(st, 1, th);
	rc = db_step(st, err);
	if (rc < 0)
		goto cleanup;
	if (rc != DB_ROW) {
		res = SESSION_NONE;
		goto cleanup;
	}
	out->actor.user_id = db_column_int64(st, 0);
	out->created_at = db_column_int64(st, 1);
	out->last_seen = db_column_int64(st, 2);
	snprintf(out->csrf_hash, sizeof(out->csrf_hash), "%s", db_column_text(st, 3));
	snprintf(out->token_hash, sizeof(out->token_hash), "%s", th);
	out->actor.username = own(out, 0, st, 4);
	out->actor.role = role_parse(db_column_text(st, 5));
	out->actor.dept = own(out, 1, st, 6);
	out->actor.district = own(out, 2, st, 7);
	out->actor.township = own(out, 3, st, 8);
	out->actor.grid = own(out, 4, st, 9);
	out->actor.subject = own(out, 5, st, 10);
	out->actor.must_change = db_column_int64(st, 11) != 0;
	out->actor.village = own(out, 6, st, 12);
	out->actor.region = own(out, 7, st, 13);
	out->actor.source = source;
	db_finalize(st);
	st = NULL;
	if (now - out->last_seen > session_idle_seconds() ||
	    now - out->created_at > session_max_seconds()) {
		struct touch t = { th, 0, NULL };

		session_write(db, touch_txn, &t, NULL); /* swept at the next login otherwise */
		session_release(out);
		res = SESSION_EXPIRED;
		goto cleanup;
	}
	/* touch at most every 30 s: reads stay reads */
	if (now - out->last_seen >= 30) {
		struct touch t = { th, now, err };

		if (session_write(db, touch_txn, &t, err))
			goto cleanup;
		out->last_seen = now;
	}
	cache_put(out, now);
	res = SESSION_OK;
cleanup:
	if (st)
		db_finalize(st);
	if (res != SESSION_OK && res != SESSION_EXPIRED)
		session_release(out);
	return res;
}

int session_csrf_ok(const struct session *s, const char *csrf)
{
	char h[65];

	if (!csrf || !*csrf || strlen(csrf) > 128)
		return 0;
	hash_hex(csrf, h);
	return consttime_equal(h, s->csrf_hash);
}

struct logout {
	const struct session *s;
	struct strbuf *err;
};

static int logout_txn(struct db *db, void *arg)
{
	struct logout *l = arg;
	struct db_stmt *st = NULL;
	int ret = -1;

	if (db_begin(db, l->err))
		return -1;
	if (db_prepare(db, "DELETE FROM sessions WHERE token_hash = ?", &st, l->err))
		goto cleanup;
	db_bind_text(st, 1, l->s->token_hash);
	if (db_step(st, l->err) < 0)
		goto cleanup;
	if (audit_append(db, &l->s->actor, "logout", "users", "ok", "", l->err))
		goto cleanup;
	if (db_commit(db, l->err))
		goto cleanup;
	ret = 0;
cleanup:
	if (st)
		db_finalize(st);
	if (ret)
		db_rollback(db);
	return ret;
}

int session_logout(struct db *db, const struct session *s, struct strbuf *err)
{
	struct logout l = { s, err };

	if (session_write(db, logout_txn, &l, err))
		return -1;
	cache_forget(s->token_hash);
	return 0;
}

/* Store a new hash for `username`, keeping the one it replaces in the
 * history (the newest PASSWORD_HISTORY - 1 of them); revoke its sessions
 * but `keep`.  The hash is made before: argon2id is not work for the writer. */
static int store_password(struct db *db, const char *username, const struct strbuf *hash,
			  int must_change, const char *keep, struct strbuf *err)
{
	struct db_stmt *st = NULL;
	int64_t now = time_now();
	int ret = -1;

	if (db_prepare(db, "INSERT INTO password_history (user_id, pw_hash, replaced_at) "
		       "SELECT id, pw_hash, ? FROM users WHERE username = ?", &st, err))
		goto cleanup;
	db_bind_int64(st, 1, now);
	db_bind_text(st, 2, username);
	if (db_step(st, err) < 0)
		goto cleanup;
	db_finalize(st);
	if (db_prepare(db, "DELETE FROM password_history WHERE user_id = (SELECT id FROM users "
		       "WHERE username = ?) AND id NOT IN (SELECT h.id FROM password_history h "
		       "JOIN users u ON u.id = h.user_id WHERE u.username = ? ORDER BY h.id DESC "
		       "LIMIT ?)", &st, err))
		goto cleanup;
	db_bind_text(st, 1, username);
	db_bind_text(st, 2, username);
	db_bind_int64(st, 3, PASSWORD_HISTORY - 1);
	if (db_step(st, err) < 0)
		goto cleanup;
	db_finalize(st);
	if (db_prepare(db, "UPDATE users SET pw_hash = ?, must_change = ?, pw_changed_at = ?, "
		       "rev = rev + 1 WHERE username = ?", &st, err))
		goto cleanup;
	db_bind_text(st, 1, hash->buf);
	db_bind_int64(st, 2, must_change);
	db_bind_int64(st, 3, now);
	db_bind_text(st, 4, username);
	if (db_step(st, err) < 0)
		goto cleanup;
	db_finalize(st);
	st = NULL;
	cache_forget(NULL); /* rare: forget everybody's, again after the commit */
	if (db_prepare(db, "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE "
		       "username = ?) AND token_hash <> ?", &st, err))
		goto cleanup;
	db_bind_text(st, 1, username);
	db_bind_text(st, 2, keep ? keep : "");
	if (db_step(st, err) < 0)
		goto cleanup;
	ret = 0;
cleanup:
	if (st)
		db_finalize(st);
	return ret;
}

static int policy_ok(struct db *db, const char *username, const char *pw, struct strbuf *err)
{
	int min_len, min_classes;

	settings_password_policy(db, &min_len, &min_classes);
	return password_check(pw, username, min_len, min_classes, err) == 0;
}

/* Is `pw` the current password of `username` or one of the newest
 * PASSWORD_HISTORY - 1 before it?  1 yes, 0 no, -1 on errors. */
static int password_reused(struct db *db, const char *username, const char *pw,
			   struct strbuf *err)
{
	struct db_stmt *st;
	int rc, hit = 0;

	if (db_prepare(db, "SELECT pw_hash FROM users WHERE username = ? UNION ALL "
		       "SELECT pw_hash FROM (SELECT h.pw_hash, h.id FROM password_history h "
		       "JOIN users u ON u.id = h.user_id WHERE u.username = ? ORDER BY h.id DESC "
		       "LIMIT ?) recent", &st, err))
		return -1;
	db_bind_text(st, 1, username);
	db_bind_text(st, 2, username);
	db_bind_int64(st, 3, PASSWORD_HISTORY - 1);
	while ((rc = db_step(st, err)) == DB_ROW)
		if (!hit && password_verify(db_column_text(st, 0), pw) == 1)
			hit = 1;
	db_finalize(st);
	return rc < 0 ? -1 : hit;
}

/* A password change, on the writer: the new hash (made before) stored, the other
 * sessions revoked; or a wrong old password counted like a failed login.  Audited. */
struct password_change {
	const struct actor *a;
	const char *keep, *key;
	int64_t now, retry_at;
	int wrong_old;
	struct strbuf hash;
	struct strbuf *err;
};

static int password_txn(struct db *db, void *arg)
{
	struct password_change *pc = arg;

	if (db_begin(db, pc->err))
		return -1;
	if (pc->wrong_old ?
	    throttle_fail(db, pc->a->username, pc->key, pc->now, &pc->retry_at, pc->err) ||
	    audit_append(db, pc->a, "password.change", "users", "failed", "bad old password",
			 pc->err) :
	    store_password(db, pc->a->username, &pc->hash, 0, pc->keep, pc->err) ||
	    audit_append(db, pc->a, "password.change", "users", "ok", "", pc->err)) {
		db_rollback(db);
		return -1;
	}
	if (db_commit(db, pc->err)) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

int session_change_password(struct db *db, const struct actor *a, const char *old,
			    const char *new_pw, const char *keep_token_hash, int64_t *retry_at,
			    struct model_error *e)
{
	const char *params[] = { a->username };
	char key[INET6_ADDRSTRLEN + 4];
	struct password_change pc = { .a = a, .keep = keep_token_hash, .key = key,
				      .now = time_now(), .hash = STRBUF_INIT, .err = &e->msg };
	char *hash = NULL;
	int ret = MODEL_EDB, reused;

	*retry_at = 0;
	source_key(a->source, key);
	if (throttle_read(db, a->username, key, pc.now, retry_at, &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "%s", e->msg.buf);
	if (*retry_at)
		return model_fail(e, MODEL_ELIMIT, "old_password", "原密码输错次数过多，请稍后再试");
	if (db_query_value(db, "SELECT pw_hash FROM users WHERE username = ?", params, 1, &hash,
			   &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "%s", e->msg.buf);
	if (!hash || password_verify(hash, old) != 1) {
		/* a wrong old password is a guess like a failed login */
		pc.wrong_old = 1;
		if (session_write(db, password_txn, &pc, &e->msg)) {
			ret = model_fail(e, MODEL_EDB, NULL, "%s", e->msg.buf);
			goto cleanup;
		}
		*retry_at = pc.retry_at;
		ret = model_fail(e, *retry_at ? MODEL_ELIMIT : MODEL_EINVAL, "old_password",
				 "原密码不正确");
		goto cleanup;
	}
	if (!strcmp(old, new_pw)) {
		ret = model_fail(e, MODEL_EINVAL, "new_password", "新密码不能与原密码相同");
		goto cleanup;
	}
	if (!policy_ok(db, a->username, new_pw, &e->msg)) {
		ret = model_fail(e, MODEL_EINVAL, "new_password", "%s", e->msg.buf);
		goto cleanup;
	}
	reused = password_reused(db, a->username, new_pw, &e->msg);
	if (reused) {
		ret = reused < 0 ? model_fail(e, MODEL_EDB, NULL, "%s", e->msg.buf)
				 : model_fail(e, MODEL_EINVAL, "new_password",
					      "新密码不能与最近 %d 次用过的密码相同", PASSWORD_HISTORY);
		goto cleanup;
	}
	if (password_hash(new_pw, &pc.hash)) {
		ret = model_fail(e, MODEL_EDB, NULL, "password hashing failed");
		goto cleanup;
	}
	if (session_write(db, password_txn, &pc, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "%s", e->msg.buf);
		goto cleanup;
	}
	cache_forget(NULL);
	ret = 0;
cleanup:
	free(hash);
	strbuf_release(&pc.hash);
	return ret;
}

int user_set_password(struct db *db, const struct actor *a, const char *username,
		      const char *new_pw, struct model_error *e)
{
	const char *params[] = { username };
	char *exists = NULL;
	struct strbuf obj = STRBUF_INIT, hash = STRBUF_INIT;
	int ret = MODEL_EDB;

	if (db_query_value(db, "SELECT role FROM users WHERE username = ?", params, 1, &exists,
			   &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "%s", e->msg.buf);
	if (!exists)
		return model_fail(e, MODEL_ENOTFOUND, NULL, "用户不存在");
	if (a->role != ROLE_SYSTEM && (ROLE_BIT(role_parse(exists)) & ROLES_ADMIN)) {
		ret = model_fail(e, MODEL_EFORBIDDEN, NULL,
				 "管理员账号的密码只能在服务器命令行上重置（三员分立）");
		goto cleanup;
	}
	if (!policy_ok(db, username, new_pw, &e->msg)) {
		ret = model_fail(e, MODEL_EINVAL, "password", "%s", e->msg.buf);
		goto cleanup;
	}
	strbuf_addf(&obj, "users %s", username);
	if (password_hash(new_pw, &hash)) {
		ret = model_fail(e, MODEL_EDB, NULL, "password hashing failed");
		goto cleanup;
	}
	if (db_begin(db, &e->msg) || store_password(db, username, &hash, 1, NULL, &e->msg) ||
	    throttle_clear(db, username, NULL, &e->msg) ||
	    audit_append(db, a, "password.reset", obj.buf, "ok", "", &e->msg) ||
	    db_commit(db, &e->msg)) {
		db_rollback(db);
		ret = model_fail(e, MODEL_EDB, NULL, "%s", e->msg.buf);
		goto cleanup;
	}
	cache_forget(NULL);
	ret = 0;
cleanup:
	free(exists);
	strbuf_release(&obj);
	strbuf_release(&hash);
	return ret;
}

int user_unlock(struct db *db, const struct actor *a, const char *username,
		struct model_error *e)
{
	struct db_stmt *st = NULL;
	struct strbuf obj = STRBUF_INIT;
	int ret = MODEL_EDB;

	strbuf_addf(&obj, "users %s", username);
	if (db_begin(db, &e->msg)) {
		strbuf_release(&obj);
		return model_fail(e, MODEL_EDB, NULL, "%s", e->msg.buf);
	}
	if (db_prepare(db, "UPDATE users SET failed_count = 0, locked_until = 0 WHERE username = ?",
		       &st, &e->msg))
		goto cleanup;
	db_bind_text(st, 1, username);
	if (db_step(st, &e->msg) < 0)
		goto cleanup;
	if (db_changes(st) != 1) {
		ret = model_fail(e, MODEL_ENOTFOUND, NULL, "用户不存在");
		goto cleanup;
	}
	if (throttle_clear(db, username, NULL, &e->msg) ||
	    audit_append(db, a, "user.unlock", obj.buf, "ok", "", &e->msg) || db_commit(db, &e->msg))
		goto cleanup;
	ret = 0;
cleanup:
	if (st)
		db_finalize(st);
	if (ret == MODEL_EDB)
		model_fail(e, MODEL_EDB, NULL, "%s", e->msg.buf);
	if (ret)
		db_rollback(db);
	strbuf_release(&obj);
	return ret;
}

int user_by_id(struct db *db, const char *id, char **name, enum role *role,
	       struct model_error *e)
{
	struct db_stmt *st;
	char *end;
	int rc;

	*name = NULL;
	if (!*id || strtoll(id, &end, 10) <= 0 || *end)
		return model_fail(e, MODEL_ENOTFOUND, NULL, "用户不存在");
	if (db_prepare(db, "SELECT username, role FROM users WHERE id = ?", &st, &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "%s", e->msg.buf);
	db_bind_text(st, 1, id);
	rc = db_step(st, &e->msg);
	if (rc == DB_ROW) {
		*name = xstrdup(db_column_text(st, 0));
		*role = role_parse(db_column_text(st, 1));
	}
	db_finalize(st);
	if (rc < 0)
		return model_fail(e, MODEL_EDB, NULL, "%s", e->msg.buf);
	return *name ? 0 : model_fail(e, MODEL_ENOTFOUND, NULL, "用户不存在");
}
