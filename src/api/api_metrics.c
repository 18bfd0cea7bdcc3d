/*
 * api_metrics.c: what the API counts for Prometheus (base/metrics.h), and
 * GET /metrics, served on the listener of `serve --metrics-listen`.
 *
 * A request is counted by its route: the route table's pattern with its
 * {entity} bound to the descriptor's name ("/api/v1/subjects/{id}"), and
 * its method as the table has it ("*" for a fallback row, which answers
 * the methods a path does not serve); never by its raw path or query,
 * which may carry ids, names or a phone number searched for.  Requests no
 * route answered (an unknown path, a body refused before it was read) are
 * route "none", the web application's files route "web".  Each route has
 * a latency histogram; each route and status a counter.  The series are
 * fixed at start (routes × entities × a list of statuses), so counting is
 * an index and an atomic add (api_request_done, on every request's path).
 *
 * The listener (a second http_server of its own, no session, no TLS) is
 * for the scraper on the machine or the management network: bind it to
 * loopback or such an address.  It answers GET /metrics and nothing else.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/api_int.h"
#include "api/routes.h"
#include "base/alloc.h"
#include "base/log.h"
#include "base/metrics.h"
#include "db/db.h"
#include "http/server.h"
#include "model/entity.h"
#include "model/session.h"
#include "version.h"

/* the statuses counted one by one; any other by its class ("4xx") */
static const unsigned codes[] = {
	200, 201, 204, 206, 301, 302, 304, 400, 401, 403, 404, 405, 406, 408, 409, 410, 411, 412,
	413, 414, 415, 416, 422, 428, 429, 431, 500, 501, 502, 503, 504,
};
#define NLISTED (sizeof(codes) / sizeof(codes[0]))
/* then 1xx .. 5xx, then "aborted" (never answered) */
#define CODE_ABORTED (NLISTED + 5)
#define NCODES (NLISTED + 6)

enum { SLOT_NONE, SLOT_WEB, SLOT_ROUTES };

/* The route slots: one per route row, one per entity for an {entity} row. */
static size_t nslots;
static size_t *row_base;	/* by route row: its first slot */
static char **slot_route;	/* by slot: the route label */
static const char **slot_method;
static size_t nentities;
static size_t health_slot;
static unsigned char code_index[600];

/* milliseconds... in microseconds: 0.5 ms to 30 s (a long poll waits 25 s) */
static const uint64_t latency_bounds[] = { 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000,
					   250000, 500000, 1000000, 2500000, 5000000, 10000000,
					   30000000 };

static void request_labels(size_t i, struct strbuf *out)
{
	size_t code = i % NCODES;

	metrics_label(out, "route", slot_route[i / NCODES]);
	metrics_label(out, "method", slot_method[i / NCODES]);
	if (code < NLISTED) {
		char s[8];

		snprintf(s, sizeof(s), "%u", codes[code]);
		metrics_label(out, "code", s);
	} else if (code == CODE_ABORTED) {
		metrics_label(out, "code", "aborted");
	} else {
		char s[4] = { (char)('1' + code - NLISTED), 'x', 'x', '\0' };

		metrics_label(out, "code", s);
	}
}

static void route_labels(size_t i, struct strbuf *out)
{
	metrics_label(out, "route", slot_route[i]);
	metrics_label(out, "method", slot_method[i]);
}

static const char *const outcomes[] = { "created", "updated", "failed" };

static void import_labels(size_t i, struct strbuf *out)
{
	metrics_label(out, "entity", entities[i / 3]->name);
	metrics_label(out, "outcome", outcomes[i % 3]);
}

static void login_labels(size_t i, struct strbuf *out)
{
	metrics_label(out, "reason", i ? "delayed" : "bad_credentials");
}

static struct metrics_family requests = {
	.name = "sanling_http_requests_total",
	.help = "Requests answered, by route (the route table's pattern), method and status.",
	.type = METRICS_COUNTER, .labels = request_labels, .flags = METRICS_SPARSE,
};
static struct metrics_family latency = {
	.name = "sanling_http_request_duration_seconds",
	.help = "Time from a request's first line to its answer being queued, by route and method.",
	.type = METRICS_HISTOGRAM, .labels = route_labels, .flags = METRICS_SPARSE,
	.bounds = latency_bounds, .nbounds = sizeof(latency_bounds) / sizeof(latency_bounds[0]),
	.unit = 1e-6,
};
static struct metrics_family logins_failed = {
	.name = "sanling_login_failures_total",
	.help = "Failed logins: a wrong name or password, or an attempt while its source must wait "
		"(delayed).",
	.type = METRICS_COUNTER, .nseries = 2, .labels = login_labels,
};
static struct metrics_family import_rows = {
	.name = "sanling_import_rows_total",
	.help = "Rows of the imports over the API, by list and outcome (failed: refused rows, "
		"and the rows of an import refused whole).",
	.type = METRICS_COUNTER, .labels = import_labels, .flags = METRICS_SPARSE,
};

static size_t entity_index(const struct entity_desc *ed)
{
	size_t i;

	for (i = 0; i < nentities; i++)
		if (entities[i] == ed)
			return i;
	return 0;
}

unsigned api_route_tag(const struct route *r, const struct entity_desc *ed)
{
	size_t slot;

	if (!row_base)
		return SLOT_NONE;
	slot = row_base[r - api_routes];
	if (route_per_entity(r) && ed)
		slot += entity_index(ed);
	return (unsigned)slot;
}

unsigned api_static_tag(void)
{
	return SLOT_WEB;
}

unsigned api_health_tag(void)
{
	return (unsigned)health_slot;
}

void api_request_done(void *app, unsigned tag, unsigned status, uint64_t usec)
{
	size_t code = status < sizeof(code_index) ? code_index[status] : NCODES;

	if (tag >= nslots)
		tag = SLOT_NONE;
	if (code >= NCODES)
		code = status >= 100 && status < 600 ? NLISTED + status / 100 - 1 : CODE_ABORTED;
	metrics_count(&requests, tag * NCODES + code, 1);
	metrics_observe(&latency, tag, usec);
}

void api_metrics_login_failed(int delayed)
{
	metrics_count(&logins_failed, delayed ? 1 : 0, 1);
}

void api_metrics_imported(const struct entity_desc *ed, size_t created, size_t updated,
			  size_t failed)
{
	size_t i = entity_index(ed) * 3;

	metrics_count(&import_rows, i, created);
	metrics_count(&import_rows, i + 1, updated);
	metrics_count(&import_rows, i + 2, failed);
}

/* "/api/v1" + the row's pattern, its {entity} as `ed`'s name. */
static char *route_label(const struct route *r, const struct entity_desc *ed)
{
	struct strbuf sb = STRBUF_INIT;
	const char *e = ed ? strstr(r->path, "{entity}") : NULL;

	strbuf_addstr(&sb, "/api/v1");
	if (e) {
		strbuf_add(&sb, r->path, (size_t)(e - r->path));
		strbuf_addstr(&sb, ed->name);
		strbuf_addstr(&sb, e + 8);
	} else {
		strbuf_addstr(&sb, r->path);
	}
	return strbuf_detach(&sb, NULL);
}

/* The slots of the route table, and their labels. */
static void make_slots(void)
{
	size_t nrows = 0, i, k, s;

	for (nentities = 0; entities[nentities]; nentities++)
		;
	for (; api_routes[nrows].method; nrows++)
		;
	row_base = xcalloc(nrows, sizeof(*row_base));
	nslots = SLOT_ROUTES;
	for (i = 0; i < nrows; i++) {
		row_base[i] = nslots;
		nslots += route_per_entity(&api_routes[i]) ? nentities : 1;
	}
	slot_route = xcalloc(nslots, sizeof(*slot_route));
	slot_method = xcalloc(nslots, sizeof(*slot_method));
	slot_route[SLOT_NONE] = xstrdup("none");
	slot_route[SLOT_WEB] = xstrdup("web");
	slot_method[SLOT_NONE] = slot_method[SLOT_WEB] = "*";
	for (i = 0; i < nrows; i++) {
		const struct route *r = &api_routes[i];
		int per = route_per_entity(r);

		for (k = 0, s = row_base[i]; k < (per ? nentities : 1); k++, s++) {
			slot_route[s] = route_label(r, per ? entities[k] : NULL);
			slot_method[s] = r->method;
		}
		if (!strcmp(r->path, "/health") && !strcmp(r->method, "GET"))
			health_slot = row_base[i];
	}
	memset(code_index, NCODES, sizeof(code_index));
	for (i = 0; i < NLISTED; i++)
		code_index[codes[i]] = (unsigned char)i;
}

/* At each scrape: the program, the server's requests in flight, the pool, the sessions. */
static void collect(struct strbuf *out, void *arg)
{
	struct app *app = arg;
	struct strbuf labels = STRBUF_INIT, err = STRBUF_INIT;
	struct db_pool_stats ps;
	int64_t n = 0;
	struct db *db;

	metrics_head(out, "sanling_build_info", "The program's version and its database schema.",
		     "gauge");
	metrics_label(&labels, "version", SANLING_VERSION);
	metrics_label(&labels, "schema", db_schema_version(NULL));
	metrics_sample(out, "sanling_build_info", labels.buf, 1);
	metrics_head(out, "sanling_start_time_seconds", "When the server started (Unix time).",
		     "gauge");
	metrics_sample(out, "sanling_start_time_seconds", NULL, (double)app->started);
	if (app->server) {
		metrics_head(out, "sanling_http_requests_in_flight",
			     "Requests begun and not yet ended (long polls included).", "gauge");
		metrics_sample(out, "sanling_http_requests_in_flight", NULL,
			       http_server_inflight(app->server));
	}
	db_pool_stats(app->pool, &ps);
	metrics_head(out, "sanling_db_pool_connections",
		     "Connections of the database pool (the request threads' and the scheduler's; "
		     "the writer's is apart), by state.", "gauge");
	strbuf_reset(&labels);
	metrics_label(&labels, "state", "in_use");
	metrics_sample(out, "sanling_db_pool_connections", labels.buf, ps.open - ps.idle);
	strbuf_reset(&labels);
	metrics_label(&labels, "state", "idle");
	metrics_sample(out, "sanling_db_pool_connections", labels.buf, ps.idle);
	metrics_head(out, "sanling_db_pool_max_connections",
		     "The most connections the pool opens.", "gauge");
	metrics_sample(out, "sanling_db_pool_max_connections", NULL, ps.max);
	metrics_head(out, "sanling_db_pool_waits_total",
		     "Times a thread found no connection free and had to wait for one.", "counter");
	metrics_sample(out, "sanling_db_pool_waits_total", NULL, (double)ps.waits);
	db = db_pool_get(app->pool);
	if (session_count_active(db, &n, &err)) {
		log_error("metrics: sessions: %s", err.buf);
	} else {
		metrics_head(out, "sanling_sessions_active",
			     "Sessions not ended (by their idle and longest times).", "gauge");
		metrics_sample(out, "sanling_sessions_active", NULL, (double)n);
	}
	db_rollback(db);
	db_pool_put(app->pool, db);
	strbuf_release(&labels);
	strbuf_release(&err);
}

void api_metrics_init(struct app *app)
{
	if (!metrics_enabled() || row_base)
		return;
	app->started = (int64_t)time(NULL);
	make_slots();
	requests.nseries = nslots * NCODES;
	latency.nseries = nslots;
	import_rows.nseries = nentities * 3;
	metrics_register(&requests);
	metrics_register(&latency);
	metrics_register(&logins_failed);
	metrics_register(&import_rows);
	metrics_collector_add(collect, app);
}

void api_metrics_release(struct app *app)
{
	size_t i;

	if (!row_base)
		return;
	metrics_collector_remove(collect, app);
	for (i = 0; i < nslots; i++)
		free(slot_route[i]);
	free(slot_route);
	free(slot_method);
	free(row_base);
	row_base = NULL;
	slot_route = NULL;
	slot_method = NULL;
	nslots = 0;
}

void api_metrics_serve(struct http_request *req, struct http_response *res, void *ctx)
{
	if (req->path_len != 8 || memcmp(req->path, "/metrics", 8)) {
		http_problem(res, 404, NULL, "only /metrics here", NULL);
		return;
	}
	if (strcmp(req->method, "GET") && strcmp(req->method, "HEAD")) {
		http_problem(res, 405, NULL, "GET /metrics only", NULL);
		http_response_header(res, "Allow", "GET, HEAD");
		return;
	}
	metrics_render(&res->body);
	res->status = 200;
	res->content_type = METRICS_CONTENT_TYPE;
}
