/*
 * api_denial.c: the audit of refused requests.  Every 403, and every 404 of
 * an endpoint of personal data or of the administrators (users, settings,
 * audit, a reveal, a record of an entity with personal fields), is one
 * audit row "denied" — at most DENIAL_PER_KEY rows a minute per user (or,
 * before login, per source address) and DENIAL_GLOBAL a minute in all.
 * Refusals over the limit are only counted, and one row "denied.dropped"
 * per user and minute says how many were not recorded one by one: at the
 * user's next refusal after that minute, or at the scheduler's next minute
 * (api_denials_flush()), or at shutdown (api_denials_flush_all()).
 *
 * Called once per request, after it has been answered and its own
 * transaction (if any) is over, so the row is written even though the
 * refused request's work was rolled back; the limit is checked before
 * anything is written, so a flood of refusals never waits for the writer.
 * Not here: who may do what (the model and the handlers decide; this only
 * looks at the answer).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "base/date.h"
#include "base/log.h"
#include "base/ratelimit.h"
#include "base/validate.h"
#include "db/db.h"
#include "db/group_commit.h"
#include "model/audit.h"

#define DENIAL_PER_KEY 10	/* rows per user (or address) a minute */
#define DENIAL_GLOBAL 120	/* rows of all users a minute */
#define DENIAL_KEYS 256		/* users and addresses tracked at once */

struct denial_row {
	const char *username, *source, *action, *object, *outcome, *detail;
};

static int write_row(struct db *db, void *arg)
{
	const struct denial_row *r = arg;
	struct strbuf err = STRBUF_INIT;
	int rc = audit_append_as(db, r->username, r->source, r->action, r->object, r->outcome,
				 r->detail, &err);

	if (rc)
		log_error("audit of a refusal: %s", err.buf);
	strbuf_release(&err);
	return rc;
}

/* On the writer, durable with its batch; on `db` when there is no writer. */
static void store(struct app *app, struct db *db, struct denial_row *r)
{
	struct strbuf err = STRBUF_INIT;

	if (app->writes) {
		struct group_job job = { write_row, r, 0, 0 };

		if (group_commit_run(app->writes, &job, &err))
			log_error("audit of a refusal: %s", err.buf);
	} else if (db) {
		write_row(db, r);
	}
	strbuf_release(&err);
}

static void store_dropped(struct app *app, struct db *db, const struct ratelimit_dropped *d)
{
	char since[TIME_ISO_BUFSZ], until[TIME_ISO_BUFSZ];
	struct strbuf detail = STRBUF_INIT;
	const char *key = d->key, *user = "-", *source = "";
	struct denial_row r;

	/* keys are "u:NAME" or "a:ADDRESS" (or "*", all the others) */
	if (!strncmp(key, "u:", 2))
		user = key + 2;
	else if (!strncmp(key, "a:", 2))
		source = key + 2;
	time_iso_utc(d->since, since);
	time_iso_utc(d->until, until);
	strbuf_addf(&detail, "%lld refusals not recorded one by one from %s to %s%s",
		    (long long)d->count, since, until, strcmp(key, "*") ? "" : " (other users)");
	r = (struct denial_row){ user, source, "denied.dropped", "api", "dropped", detail.buf };
	store(app, db, &r);
	strbuf_release(&detail);
}

/* Is a 404 of this path (below /api/v1/) one of personal data or of the administrators? */
static int sensitive_404(const char **seg, int nseg)
{
	const struct entity_desc *ed;
	size_t i;

	if (nseg < 1)
		return 0;
	if (!strcmp(seg[0], "users") || !strcmp(seg[0], "settings") || !strcmp(seg[0], "audit"))
		return 1;
	if (nseg >= 3 && !strcmp(seg[2], "reveal"))
		return 1;
	ed = entity_find(seg[0]);
	if (!ed || nseg < 2)
		return 0;
	for (i = 0; i < ed->nfields; i++)
		if (ed->fields[i].flags & FF_PERSONAL)
			return 1;
	return 0;
}

/* Printable ASCII of the path (an audit row is text), at most 200 bytes. */
static void add_path(struct strbuf *sb, const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len && i < 200; i++)
		strbuf_addch(sb, p[i] > 0x20 && p[i] < 0x7f ? p[i] : '?');
}

void api_denial_audit(struct call *c, const char **seg, int nseg)
{
	struct ratelimit_dropped d;
	struct strbuf key = STRBUF_INIT, object = STRBUF_INIT, detail = STRBUF_INIT;
	const char *user = c->authed && c->sess.actor.username ? c->sess.actor.username : "-";
	const char *source = c->req->client_ip ? c->req->client_ip : "";
	unsigned status = c->res->status;
	char outcome[8];
	struct denial_row r;
	int record;

	if (!c->app->denials || !c->refused)
		return;
	if (status != 403 && !(status == 404 && nseg >= 3 && !strcmp(seg[1], "v1") &&
			       sensitive_404(seg + 2, nseg - 2)))
		return;
	if (c->authed && c->sess.actor.username)
		strbuf_addf(&key, "u:%s", user);
	else
		strbuf_addf(&key, "a:%s", source);
	record = ratelimit_hit(c->app->denials, key.buf, time_now(), &d);
	if (d.count)
		store_dropped(c->app, c->db, &d);
	if (!record)
		goto cleanup;
	strbuf_addf(&object, "%s ", c->req->method);
	add_path(&object, c->req->path, c->req->path_len);
	strbuf_add(&detail, c->refused, (size_t)utf8_prefix(c->refused, 100));
	snprintf(outcome, sizeof(outcome), "%u", status);
	r = (struct denial_row){ user, source, "denied", object.buf, outcome, detail.buf };
	store(c->app, c->db, &r);
cleanup:
	strbuf_release(&key);
	strbuf_release(&object);
	strbuf_release(&detail);
}

static void flush_one(void *arg, const struct ratelimit_dropped *d)
{
	struct app *app = arg;
	struct db *db = app->writes ? NULL : db_pool_get(app->pool);

	store_dropped(app, db, d);
	if (db) {
		db_rollback(db);
		db_pool_put(app->pool, db);
	}
}

void api_denials_flush(void *arg)
{
	struct app *app = arg;

	if (app->denials)
		ratelimit_sweep(app->denials, time_now(), flush_one, app);
}

void api_denials_flush_all(struct app *app)
{
	if (app->denials)
		ratelimit_sweep(app->denials, INT64_MAX / 2, flush_one, app);
}

struct ratelimit *api_denials_new(void)
{
	/* SANLING_DENIAL_WINDOW: a shorter minute, for test suites only */
	const char *w = getenv("SANLING_DENIAL_WINDOW");
	int window = w ? atoi(w) : 60;

	return ratelimit_new(DENIAL_PER_KEY, DENIAL_GLOBAL, window > 0 && window <= 3600 ? window : 60,
			     DENIAL_KEYS);
}
