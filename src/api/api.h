/*
 * api: the HTTP API of Sanling over the HTTP core — routes, sessions and
 * CSRF, JSON bodies, and the handlers of /api/v1.  Everything below
 * /api/v1/{entity} is generic over the entity descriptors; the few special
 * endpoints (login, password, settings, audit) are here too.  Anything not
 * under /api/ is a file of the web build.
 *
 * Not here: what an entity is or how it is stored (model/), sockets and
 * HTTP framing (http/).
 */
#ifndef SANLING_API_H
#define SANLING_API_H

#include <stddef.h>
#include <stdint.h>

#include "base/crypto.h"

struct db_pool;
struct db_replicas;
struct group_commit;
struct http_cached;
struct http_server;
struct http_request;
struct http_response;
struct ratelimit;
struct strbuf;

/*
 * The end of the path of an upload (an entity's import: the route flagged
 * R_UPLOAD), which the HTTP server lets bring a larger body.
 */
#define API_UPLOAD_SUFFIX "/import"
/* The end of the path of an attachment's upload (api_attach.c): a file too. */
#define API_ATTACH_SUFFIX "/attachments"
/*
 * The phone's outbox (POST /sync, api_sync.c): a batch of up to 50 records
 * with their photos, each resized on the phone (~150 KB as base64): up to
 * API_SYNC_MAX_BODY bytes.
 */
#define API_SYNC_SUFFIX "/sync"
#define API_SYNC_MAX_BODY ((size_t)16 * 1024 * 1024)

struct app {
	struct db_pool *pool;
	struct crypto_keys keys;
	const char *static_root;      /* the web build, or NULL */
	size_t max_json;              /* largest JSON body */
	int tls;                      /* cookies get Secure */
	struct http_cached *health;   /* GET /api/v1/health, built once */
	struct http_cached *openapi;  /* GET /api/v1/openapi.json, built once */
	struct group_commit *writes;  /* every state-changing request goes through it */
	struct db_replicas *replicas; /* reads on PostgreSQL replicas (serve --db-read), or NULL */
	size_t import_max_rows;       /* the most rows of one import (0: any) */
	struct ratelimit *denials;    /* refusals audited per user and minute (api_denial.c) */
	int test_faults;              /* SANLING_TEST_FAULTS=1: honour X-Sanling-Fault (tests) */
	struct todo_hub *todos;       /* the long polls of GET /todos/wait (api_todos.c) */
	unsigned todo_wait_ms;        /* how long a wait is held (0: 25 s) */
	const char *data_dir;         /* the SQLite database's folder (NULL: PostgreSQL) */
	uint64_t min_free_bytes;      /* ready only with this much free there */
	struct http_server *server;   /* the API's server once it listens (its requests in flight) */
	int64_t started;              /* when (Unix time), for the metrics */
};

/* Build the cached responses; 0 or -1 with `err`. */
int api_init(struct app *app, struct strbuf *err);
void api_release(struct app *app);

/*
 * The scheduler's minute work (jobs_config.every_minute; `app` is the app):
 * the summaries of refusals that were over the limit and not audited one
 * by one.
 */
void api_denials_flush(void *app);
/* The same for every window, ended or not: at shutdown, after the last request. */
void api_denials_flush_all(struct app *app);

/* The request handler given to http_server_start(); `ctx` is the app. */
void api_handle(struct http_request *req, struct http_response *res, void *ctx);

/*
 * Metrics (api_metrics.c), when metrics_enable() was called before
 * api_init(): api_request_done() is the API server's request_done (`app`
 * the app: every request counted by its route and status, its latency);
 * api_metrics_serve() the handler of the metrics listener (`ctx` the app):
 * GET /metrics in Prometheus's text format, 404 for any other path.
 */
void api_request_done(void *app, unsigned tag, unsigned status, uint64_t usec);
void api_metrics_serve(struct http_request *req, struct http_response *res, void *ctx);

#endif
