/*
 * api_todos.c: GET /todos (the caller's to-dos, model/todos.c) and GET
 * /todos/wait (the long poll that tells a browser when to fetch them
 * again), with the hub that answers the waiting ones.
 *
 * A wait whose `since` is not the district's version now is answered at
 * once.  Otherwise its handler leaves an answer {changed: false} in the
 * response and marks the call (c->wait); once the request is done with its
 * pooled connection and session, api_handle() parks it with the hub
 * (todo_hub_park()): the connection is suspended (http_request_park()), so
 * no thread and no database connection waits for it, only ~40 KiB of
 * connection and request memory.
 *
 * The hub's one thread, while anyone waits, reads the version of every
 * district that has waiters every HUB_POLL_MS (one query per district:
 * todo_versions is bumped in each write's transaction, so what it reads is
 * committed) and resumes every waiter whose district's version moved
 * ({changed: true, version}) or whose time is up ({changed: false}).  A
 * waiter is compared only with a reading begun after it arrived, so an
 * older reading never answers it.  Reading the database rather than being
 * told by the writers means a write of any thread or process (the command
 * line, a job) is seen, and only once committed.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api_int.h"
#include "base/alloc.h"
#include "base/log.h"
#include "db/db.h"
#include "model/todos.h"

#define HUB_POLL_MS 100
#define DEFAULT_WAIT_MS 25000

struct todo_waiter {
	struct todo_waiter *next, **pprev; /* in hub->head while linked */
	struct http_request *req;
	const char *district;	/* request memory; NULL: none */
	int64_t since;
	uint64_t gen;		/* the hub's reading count when it arrived */
	int64_t deadline_ms;	/* monotonic */
	struct todo_hub *hub;
};

struct todo_hub {
	struct db_pool *pool;
	unsigned wait_ms;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int quit;
	uint64_t gen;		/* readings begun */
	struct todo_waiter *head;
	size_t waiters;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- GET /todos ---- */

void api_todos(struct call *c)
{
	struct model_error e;
	json_t *out = NULL;

	model_error_init(&e);
	if (todos_list(&c->mc, &out, &e)) {
		if (e.code == MODEL_EDB)
			log_error("todos: %s", e.msg.buf);
		reply_model_error(c, &e);
	} else {
		reply_json(c, 200, out);
	}
	model_error_release(&e);
}

/* ---- GET /todos/wait ---- */

static void reply_wait(struct http_response *res, int changed, int64_t version)
{
	strbuf_reset(&res->body);
	strbuf_addf(&res->body, "{\"changed\":%s,\"version\":%lld}", changed ? "true" : "false",
		    (long long)version);
	res->status = 200;
	res->content_type = "application/json";
}

struct wait_answer {
	int changed;
	int64_t version;
};

static void fill_wait(struct http_response *res, void *cls)
{
	const struct wait_answer *a = cls;

	reply_wait(res, a->changed, a->version);
}

void api_todos_wait(struct call *c)
{
	const char *s = http_query(c->req, "since");
	struct strbuf err = STRBUF_INIT;
	struct todo_waiter *w;
	int64_t version, since = 0;
	char *end = NULL;

	if (s) {
		since = strtoll(s, &end, 10);
		if (!*s || *end || since < 0) {
			reply_problem(c, 400, "since：应为 GET /todos 或上次等待给出的 version（非负整数）",
				      "since");
			return;
		}
	}
	if (todos_version(c->db, c->sess.actor.district, &version, &err)) {
		log_error("todos version: %s", err.buf);
		strbuf_release(&err);
		reply_problem(c, 500, "服务器内部错误", NULL);
		return;
	}
	strbuf_release(&err);
	/* the server stops, or a wait without `since`: answered as they are */
	reply_wait(c->res, !s || since != version, version);
	if (!s || since != version || !c->app->todos)
		return;
	w = http_request_alloc(c->req, sizeof(*w));
	w->req = c->req;
	w->district = http_request_strdup(c->req, c->sess.actor.district);
	w->since = since;
	w->hub = c->app->todos;
	c->wait = w; /* parked by api_handle() once the call is done: todo_hub_park() */
}

/* ---- the hub ---- */

static void unlink_waiter(struct todo_waiter *w)
{
	struct todo_hub *hub = w->hub;

	*w->pprev = w->next;
	if (w->next)
		w->next->pprev = w->pprev;
	w->next = NULL;
	w->pprev = NULL;
	hub->waiters--;
}

/* The request of `w` ends (deferred): the hub forgets it if it still holds it. */
static void forget(void *p)
{
	struct todo_waiter *w = p;
	struct todo_hub *hub = w->hub;

	pthread_mutex_lock(&hub->lock);
	if (w->pprev)
		unlink_waiter(w);
	pthread_mutex_unlock(&hub->lock);
}

void todo_hub_park(struct todo_waiter *w)
{
	struct todo_hub *hub = w->hub;

	/* before it can be resumed: its end may come at once after */
	http_request_defer(w->req, forget, w);
	pthread_mutex_lock(&hub->lock);
	if (hub->quit || http_request_park(w->req)) {
		pthread_mutex_unlock(&hub->lock);
		return; /* answered now with {changed: false} */
	}
	w->gen = hub->gen;
	w->deadline_ms = now_ms() + hub->wait_ms;
	w->pprev = &hub->head;
	w->next = hub->head;
	if (hub->head)
		hub->head->pprev = &w->next;
	hub->head = w;
	hub->waiters++;
	pthread_cond_signal(&hub->cond);
	pthread_mutex_unlock(&hub->lock);
}

/* A district's reading: its code (NULL: none) and version. */
struct reading {
	char *district;
	int64_t version;
	int ok;
};

static struct reading *find_reading(struct reading *r, size_t n, const char *district)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!r[i].district ? !district : district && !strcmp(r[i].district, district))
			return &r[i];
	return NULL;
}

/* The districts the waiters are in (hub->lock held): a reading each, to fill. */
static struct reading *districts(struct todo_hub *hub, size_t *n)
{
	struct reading *r = NULL;
	struct todo_waiter *w;
	size_t alloc = 0;

	*n = 0;
	for (w = hub->head; w; w = w->next) {
		if (find_reading(r, *n, w->district))
			continue;
		if (*n == alloc) {
			alloc = alloc ? 2 * alloc : 8;
			r = xrealloc(r, alloc * sizeof(*r));
		}
		r[*n].district = w->district ? xstrdup(w->district) : NULL;
		r[*n].version = 0;
		r[*n].ok = 0;
		(*n)++;
	}
	return r;
}

/* Answer the waiters that a reading (begun as reading `gen`) or the clock settles. */
static void settle(struct todo_hub *hub, struct reading *r, size_t n, uint64_t gen)
{
	struct todo_waiter *w, *next;
	int64_t now = now_ms();

	for (w = hub->head; w; w = next) {
		struct reading *d = w->gen < gen ? find_reading(r, n, w->district) : NULL;
		struct wait_answer a = { 0, w->since };

		next = w->next;
		if (d && d->ok && d->version != w->since) {
			a.changed = 1;
			a.version = d->version;
		} else if (now < w->deadline_ms) {
			continue;
		}
		unlink_waiter(w);
		/* w stays valid: its end (forget()) waits for hub->lock */
		http_request_resume(w->req, fill_wait, &a);
	}
}

static void *hub_thread(void *arg)
{
	struct todo_hub *hub = arg;

	pthread_mutex_lock(&hub->lock);
	while (!hub->quit) {
		struct reading *r;
		struct timespec until;
		struct db *db;
		size_t n, i;
		uint64_t gen;

		if (!hub->head) {
			pthread_cond_wait(&hub->cond, &hub->lock);
			continue;
		}
		gen = ++hub->gen;
		r = districts(hub, &n);
		pthread_mutex_unlock(&hub->lock);
		db = db_pool_get(hub->pool);
		for (i = 0; i < n; i++) {
			struct strbuf err = STRBUF_INIT;

			r[i].ok = !todos_version(db, r[i].district, &r[i].version, &err);
			if (!r[i].ok)
				log_error("todos hub: %s", err.buf);
			strbuf_release(&err);
		}
		db_pool_put(hub->pool, db);
		pthread_mutex_lock(&hub->lock);
		settle(hub, r, n, gen);
		for (i = 0; i < n; i++)
			free(r[i].district);
		free(r);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += HUB_POLL_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		if (!hub->quit)
			pthread_cond_timedwait(&hub->cond, &hub->lock, &until);
	}
	pthread_mutex_unlock(&hub->lock);
	return NULL;
}

struct todo_hub *todo_hub_start(struct db_pool *pool, unsigned wait_ms, struct strbuf *err)
{
	struct todo_hub *hub = xcalloc(1, sizeof(*hub));
	int rc;

	hub->pool = pool;
	hub->wait_ms = wait_ms ? wait_ms : DEFAULT_WAIT_MS;
	pthread_mutex_init(&hub->lock, NULL);
	pthread_cond_init(&hub->cond, NULL);
	rc = pthread_create(&hub->thread, NULL, hub_thread, hub);
	if (rc) {
		strbuf_addf(err, "cannot start the to-do hub: %s", strerror(rc));
		pthread_mutex_destroy(&hub->lock);
		pthread_cond_destroy(&hub->cond);
		free(hub);
		return NULL;
	}
	return hub;
}

void todo_hub_stop(struct todo_hub *hub)
{
	if (!hub)
		return;
	pthread_mutex_lock(&hub->lock);
	hub->quit = 1;
	pthread_cond_signal(&hub->cond);
	pthread_mutex_unlock(&hub->lock);
	pthread_join(hub->thread, NULL);
	/* the server stopped first: every parked request was answered and forgotten */
	pthread_mutex_destroy(&hub->lock);
	pthread_cond_destroy(&hub->cond);
	free(hub);
}
