/*
 * server.c: the libmicrohttpd daemon and the request/response plumbing
 * (see server.h).
 *
 * How a request flows: MHD's URI-log callback sees the raw request line
 * first, so it allocates the per-request state there (one malloc, with the
 * raw path copied in: MHD decodes its own copy in place later).  The
 * access handler's first call only checks Content-Length (413 at once when
 * too large for its path, 503 when the bodies held by all connections
 * would go over their budget) and returns MHD_YES, which keeps
 * 100-continue and keep-alive working; the following calls accumulate the
 * body (counted against the budget as it comes); the last one runs the
 * application handler and queues the response.  The completion callback
 * writes the access line and frees the state.
 *
 * A request that may write is handed to the write threads instead: the
 * last call suspends the connection and queues the request; a write thread
 * runs the handler and resumes the connection; MHD then calls the access
 * handler once more, which queues the answer.  Only that request's
 * connection waits meanwhile.
 *
 * Not here: routing, sessions, auth, static files (static.c).
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>

#include "base/alloc.h"

#define DEFAULT_MAX_BODY ((size_t)1 << 20)
#define DEFAULT_MAX_CONN 1024
#define DEFAULT_TIMEOUT 60
#define SCRATCH_CHUNK 4096
#define PREALLOC_MAX ((size_t)64 << 10)

static const char *const security_headers[][2] = {
	{ "X-Content-Type-Options", "nosniff" },
	{ "X-Frame-Options", "DENY" },
	{ "Referrer-Policy", "no-referrer" },
	{ "Content-Security-Policy",
	  "default-src 'self'; img-src 'self' data:; "
	  "style-src 'self' 'unsafe-inline'; frame-src blob:; frame-ancestors 'none'" },
};
static const char hsts_value[] = "max-age=31536000; includeSubDomains";

struct http_cached {
	unsigned status;
	size_t len;
	char *data;
	struct MHD_Response *plain;	/* for plain HTTP */
	struct MHD_Response *hsts;	/* the same plus Strict-Transport-Security */
};

struct http_server {
	struct MHD_Daemon *daemon;
	struct http_config cfg;
	http_handler_fn handler;
	void *ctx;
	unsigned short port;
	struct strbuf cert, key;
	struct http_cached *too_large, *busy;
	/* bytes of request bodies held now (cfg.max_bodies at most) */
	atomic_size_t bodies;
	/* start-up only: MHD messages of the starting thread go to `err` */
	pthread_t starter;
	struct strbuf *start_err;
	/* the write threads and their queue of suspended requests */
	pthread_t *writers;
	unsigned nwriters;
	pthread_mutex_t wlock;
	pthread_cond_t wcond;
	struct request_state *whead, **wtail;
	int wquit;
	/* the parked requests (http_request_park()), answered at the latest on stop */
	pthread_mutex_t plock;
	pthread_cond_t pcond;	/* signalled when a request that was parked ends */
	struct request_state *parked;
	unsigned nparked;	/* requests parked and not yet ended */
	int stopping;
	atomic_uint inflight;	/* requests begun and not yet ended */
	atomic_int log_on;	/* cfg.access_log is called (http_server_set_access_log()) */
};

struct scratch_chunk {
	struct scratch_chunk *next;
	size_t used, size;
	max_align_t data[];
};

struct deferred {
	struct deferred *next;
	void (*fn)(void *);
	void *p;
};

struct request_state {
	struct http_request req;
	struct http_response res;
	struct http_server *srv;
	struct strbuf body;
	size_t limit;       /* the largest body this request may bring */
	size_t declared;    /* its Content-Length, if it gave one */
	size_t charged;     /* counted in srv->bodies for it */
	struct scratch_chunk *chunks;
	struct deferred *deferred;
	struct timespec t0;
	int logged;         /* the access log was on when it arrived */
	int done;           /* cfg.request_done was called for it */
	uint64_t bytes;
	unsigned status;
	struct request_state *wnext; /* in the write threads' queue */
	/* parked: in srv->parked until resumed (under srv->plock) */
	struct request_state *pnext, **pprev;
	unsigned char parked;    /* the handler parked it: send nothing now */
	unsigned started : 1;
	unsigned too_large : 1;
	unsigned busy : 1;       /* the bodies' budget is spent: 503 */
	unsigned answered : 1;   /* by a write thread: the response is ready */
	char ip[INET6_ADDRSTRLEN];
	char path[];
};

#define STATE_OF(r) \
	((struct request_state *)((char *)(r) - offsetof(struct request_state, req)))

/* ---- logging ---------------------------------------------------------- */

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct http_server *srv = cls;
	/* start_err is only ever touched by the starting thread */
	struct strbuf *start_err =
		pthread_equal(pthread_self(), srv->starter) ? srv->start_err
							    : NULL;
	char msg[512];
	size_t n;

	if (!srv->cfg.error_log && !start_err)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	if (start_err) {
		strbuf_addstr(start_err, msg);
		strbuf_addstr(start_err, "; ");
	}
	if (srv->cfg.error_log)
		srv->cfg.error_log(srv->cfg.error_log_cls, msg);
}


/* ---- per-request scratch ---------------------------------------------- */

void *http_request_alloc(struct http_request *req, size_t size)
{
	struct request_state *st = STATE_OF(req);
	struct scratch_chunk *c = st->chunks;
	const size_t align = alignof(max_align_t);
	void *p;

	size = (size + align - 1) / align * align;
	if (!size)
		size = align;
	if (!c || c->size - c->used < size) {
		size_t cap = size > SCRATCH_CHUNK ? size : SCRATCH_CHUNK;

		c = xmalloc(sizeof(*c) + cap);
		c->used = 0;
		c->size = cap;
		if (st->chunks && size > SCRATCH_CHUNK) {
			/* an outsize block: keep the current chunk in front */
			c->next = st->chunks->next;
			st->chunks->next = c;
		} else {
			c->next = st->chunks;
			st->chunks = c;
		}
	}
	p = (char *)c->data + c->used;
	c->used += size;
	memset(p, 0, size);
	return p;
}

char *http_request_strdup(struct http_request *req, const char *s)
{
	size_t len;
	char *p;

	if (!s)
		return NULL;
	len = strlen(s);
	p = http_request_alloc(req, len + 1);
	memcpy(p, s, len + 1);
	return p;
}

void http_request_defer(struct http_request *req, void (*fn)(void *),
			void *p)
{
	struct request_state *st = STATE_OF(req);
	struct deferred *d = http_request_alloc(req, sizeof(*d));

	d->fn = fn;
	d->p = p;
	d->next = st->deferred;
	st->deferred = d;
}

/* ---- request state ---------------------------------------------------- */

static void client_ip(struct request_state *st, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	strcpy(st->ip, "-");
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		return;
	sa = ci->client_addr;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		inet_ntop(AF_INET, &in->sin_addr, st->ip, sizeof(st->ip));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
			inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12],
				  st->ip, sizeof(st->ip));
		else
			inet_ntop(AF_INET6, &in6->sin6_addr, st->ip,
				  sizeof(st->ip));
	}
}

static struct request_state *state_new(struct http_server *srv,
				       struct MHD_Connection *conn,
				       const char *uri)
{
	struct request_state *st;
	const char *p = uri;
	size_t len;

	if (*p != '/') {
		/* absolute-form "http://host/path": keep the path */
		const char *s = strstr(p, "://");

		if (s) {
			s = strchr(s + 3, '/');
			p = s ? s : "/";
		}
	}
	len = strcspn(p, "?#");
	st = xmalloc(sizeof(*st) + len + 1);
	memset(st, 0, sizeof(*st));
	memcpy(st->path, p, len);
	st->path[len] = '\0';
	st->srv = srv;
	st->req.path = st->path;
	st->req.path_len = len;
	st->req.body = "";
	st->req.client_ip = st->ip;
	st->req.tls = srv->cfg.tls;
	st->req.config = &srv->cfg;
	st->req.conn = conn;
	http_response_init(&st->res);
	strbuf_init(&st->body, 0);
	client_ip(st, conn);
	st->logged = srv->cfg.access_log && atomic_load(&srv->log_on);
	if (st->logged || srv->cfg.request_done)
		clock_gettime(CLOCK_MONOTONIC, &st->t0);
	atomic_fetch_add(&srv->inflight, 1);
	return st;
}

/* Does `path` take an upload's larger body (cfg.upload_suffix)? */
static int is_upload(const struct http_server *srv, const char *path)
{
	const char *sfx = srv->cfg.upload_suffix;
	size_t n = strlen(path), m;

	for (; sfx && *sfx; sfx += m + (sfx[m] == '|')) {
		m = strcspn(sfx, "|");
		if (m && n >= m && !memcmp(path + n - m, sfx, m))
			return 1;
	}
	return 0;
}

/*
 * Count `n` more bytes of bodies held: 0, or -1 (nothing counted) if that
 * would pass the budget.
 */
static int bodies_charge(struct http_server *srv, size_t n)
{
	size_t cur = atomic_load(&srv->bodies);

	do {
		if (n > srv->cfg.max_bodies || cur > srv->cfg.max_bodies - n)
			return -1;
	} while (!atomic_compare_exchange_weak(&srv->bodies, &cur, cur + n));
	return 0;
}

static void bodies_uncharge(struct request_state *st)
{
	atomic_fetch_sub(&st->srv->bodies, st->charged);
	st->charged = 0;
}

static void state_free(struct request_state *st)
{
	struct scratch_chunk *c, *next;

	if (st->parked) {
		pthread_mutex_lock(&st->srv->plock);
		st->srv->nparked--;
		pthread_cond_broadcast(&st->srv->pcond);
		pthread_mutex_unlock(&st->srv->plock);
	}

	while (st->deferred) {
		struct deferred *d = st->deferred;

		st->deferred = d->next;
		d->fn(d->p);
	}
	for (c = st->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	http_response_release(&st->res);
	strbuf_release(&st->body);
	bodies_uncharge(st);
	atomic_fetch_sub(&st->srv->inflight, 1);
	free(st);
}

static uint64_t usec_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (uint64_t)(t1.tv_sec - t0->tv_sec) * 1000000 +
	       (uint64_t)((t1.tv_nsec - t0->tv_nsec) / 1000);
}

/* cfg.request_done, once for `st`. */
static void request_done(struct request_state *st, unsigned status)
{
	const struct http_config *cfg = &st->srv->cfg;

	if (!cfg->request_done || st->done)
		return;
	st->done = 1;
	cfg->request_done(cfg->request_done_cls, st->req.tag, status, usec_since(&st->t0));
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	return state_new(cls, conn, uri);
}

static void on_completed(void *cls, struct MHD_Connection *conn,
			 void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct request_state *st = *con_cls;

	if (!st)
		return;
	*con_cls = NULL;
	request_done(st, 0); /* never answered */
	if (st->logged)
		srv->cfg.access_log(srv->cfg.access_log_cls,
				    st->req.method ? st->req.method : "-",
				    st->path, st->status, st->bytes, usec_since(&st->t0));
	state_free(st);
}

/* ---- responses -------------------------------------------------------- */

static int is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int is_token(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!is_tchar((unsigned char)*s))
			return 0;
	return 1;
}

static int is_field_value(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 0;
	}
	return 1;
}

void http_response_init(struct http_response *res)
{
	memset(res, 0, sizeof(*res));
	strbuf_init(&res->body, 0);
	strbuf_init(&res->hdrs, 0);
	res->fd = -1;
}

void http_response_release(struct http_response *res)
{
	strbuf_release(&res->body);
	strbuf_release(&res->hdrs);
	if (res->fd >= 0)
		close(res->fd);
	http_response_init(res);
}

int http_response_header(struct http_response *res, const char *name,
			 const char *value)
{
	if (!is_token(name) || !is_field_value(value))
		return -1;
	strbuf_add(&res->hdrs, name, strlen(name) + 1);
	strbuf_add(&res->hdrs, value, strlen(value) + 1);
	return 0;
}

static int is_cookie_value(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c >= 0x7f || c == '"' || c == ',' ||
		    c == ';' || c == '\\')
			return 0;
	}
	return 1;
}

int http_response_cookie(struct http_response *res, const char *name,
			 const char *value, long max_age, unsigned flags)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = -1;

	if (!is_token(name) || !is_cookie_value(value))
		goto cleanup;
	strbuf_addf(&sb, "%s=%s; Path=/", name, value);
	if (max_age >= 0)
		strbuf_addf(&sb, "; Max-Age=%ld", max_age);
	if (!(flags & HTTP_COOKIE_SCRIPT))
		strbuf_addstr(&sb, "; HttpOnly");
	if (flags & HTTP_COOKIE_SECURE)
		strbuf_addstr(&sb, "; Secure");
	strbuf_addstr(&sb, (flags & HTTP_COOKIE_LAX) ? "; SameSite=Lax"
						     : "; SameSite=Strict");
	ret = http_response_header(res, "Set-Cookie", sb.buf);
cleanup:
	strbuf_release(&sb);
	return ret;
}

static int dump_to_strbuf(const char *buf, size_t size, void *data)
{
	strbuf_add(data, buf, size);
	return 0;
}

static void set_string(json_t *o, const char *key, const char *val)
{
	json_t *s;

	if (!val)
		return;
	s = json_string(val);	/* NULL when not UTF-8 */
	if (s)
		json_object_set_new(o, key, s);
}

void http_problem(struct http_response *res, unsigned status,
		  const char *title, const char *detail, const char *field)
{
	const char *reason = MHD_get_reason_phrase_for(status);
	json_t *o = json_object();

	if (!o)
		abort();
	if (!reason || !*reason)
		reason = "Error";
	set_string(o, "type", "about:blank");
	set_string(o, "title", title);
	if (!json_object_get(o, "title"))
		set_string(o, "title", reason);
	json_object_set_new(o, "status", json_integer(status));
	set_string(o, "detail", detail);
	set_string(o, "field", field);

	res->cached = NULL;
	if (res->fd >= 0) {
		close(res->fd);
		res->fd = -1;
	}
	strbuf_reset(&res->body);
	if (json_dump_callback(o, dump_to_strbuf, &res->body, JSON_COMPACT))
		abort();
	json_decref(o);
	res->status = status;
	res->content_type = "application/problem+json";
	res->cache_control = NULL;
}

static void add_security_headers(struct MHD_Response *r, int tls,
				 const char *cache_control)
{
	size_t i;

	for (i = 0; i < sizeof(security_headers) / sizeof(*security_headers);
	     i++)
		MHD_add_response_header(r, security_headers[i][0],
					security_headers[i][1]);
	if (tls)
		MHD_add_response_header(r, "Strict-Transport-Security",
					hsts_value);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
				cache_control ? cache_control : "no-store");
}

struct http_cached *http_cached_new(unsigned status, const char *content_type,
				    const void *body, size_t len,
				    const char *cache_control,
				    struct strbuf *err)
{
	struct http_cached *c = xcalloc(1, sizeof(*c));

	c->status = status;
	c->len = len;
	c->data = xmalloc(len ? len : 1);
	if (len)
		memcpy(c->data, body, len);
	c->plain = MHD_create_response_from_buffer(len, c->data,
						   MHD_RESPMEM_PERSISTENT);
	c->hsts = MHD_create_response_from_buffer(len, c->data,
						  MHD_RESPMEM_PERSISTENT);
	if (!c->plain || !c->hsts) {
		if (err)
			strbuf_addstr(err, "cannot create cached response");
		http_cached_free(c);
		return NULL;
	}
	add_security_headers(c->plain, 0, cache_control);
	add_security_headers(c->hsts, 1, cache_control);
	if (content_type && http_cached_header(c, "Content-Type",
					       content_type) < 0) {
		if (err)
			strbuf_addstr(err, "bad content type");
		http_cached_free(c);
		return NULL;
	}
	return c;
}

int http_cached_header(struct http_cached *c, const char *name,
		       const char *value)
{
	if (!is_token(name) || !is_field_value(value))
		return -1;
	if (MHD_add_response_header(c->plain, name, value) != MHD_YES ||
	    MHD_add_response_header(c->hsts, name, value) != MHD_YES)
		return -1;
	return 0;
}

void http_cached_free(struct http_cached *c)
{
	if (!c)
		return;
	if (c->plain)
		MHD_destroy_response(c->plain);
	if (c->hsts)
		MHD_destroy_response(c->hsts);
	free(c->data);
	free(c);
}

static enum MHD_Result queue_cached(struct request_state *st,
				    const struct http_cached *c)
{
	st->status = c->status;
	st->bytes = c->len;
	request_done(st, c->status);
	return MHD_queue_response(st->req.conn, c->status,
				  st->req.tls ? c->hsts : c->plain);
}

static enum MHD_Result send_response(struct request_state *st)
{
	struct http_response *res = &st->res;
	struct MHD_Response *r;
	enum MHD_Result ret;
	const char *p, *end;

	if (res->cached)
		return queue_cached(st, res->cached);
	if (!res->status || res->status < 100 || res->status > 999)
		http_problem(res, 500, NULL, "the handler gave no response",
			     NULL);
	if (res->fd >= 0) {
		r = MHD_create_response_from_fd64(res->fd_size, res->fd);
		if (r)
			res->fd = -1; /* MHD closes it */
		st->bytes = res->fd_size;
	} else if (res->body.len) {
		size_t len;
		char *buf = strbuf_detach(&res->body, &len);

		r = MHD_create_response_from_buffer(len, buf,
						    MHD_RESPMEM_MUST_FREE);
		if (!r)
			free(buf);
		st->bytes = len;
	} else {
		r = MHD_create_response_from_buffer(0, (void *)"",
						    MHD_RESPMEM_PERSISTENT);
	}
	if (!r)
		return MHD_NO;
	add_security_headers(r, st->req.tls, res->cache_control);
	if (res->content_type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
					res->content_type);
	p = res->hdrs.buf;
	end = p + res->hdrs.len;
	while (p < end) {
		const char *name = p, *value = p + strlen(p) + 1;

		MHD_add_response_header(r, name, value);
		p = value + strlen(value) + 1;
	}
	st->status = res->status;
	request_done(st, res->status);
	ret = MHD_queue_response(st->req.conn, res->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- the access handler ----------------------------------------------- */

static int parse_length(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/*
 * Queue `st` for the write threads, its connection suspended until one has
 * answered it.  0 when they are stopping: then the caller answers it.
 */
static int hand_to_writers(struct http_server *srv, struct request_state *st)
{
	pthread_mutex_lock(&srv->wlock);
	if (srv->wquit) {
		pthread_mutex_unlock(&srv->wlock);
		return 0;
	}
	MHD_suspend_connection(st->req.conn);
	st->wnext = NULL;
	*srv->wtail = st;
	srv->wtail = &st->wnext;
	pthread_cond_signal(&srv->wcond);
	pthread_mutex_unlock(&srv->wlock);
	return 1;
}

/* A write thread: answer the queued requests until stopped and none is left. */
static void *write_thread(void *arg)
{
	struct http_server *srv = arg;

	pthread_mutex_lock(&srv->wlock);
	for (;;) {
		struct request_state *st = srv->whead;

		if (!st) {
			if (srv->wquit)
				break;
			pthread_cond_wait(&srv->wcond, &srv->wlock);
			continue;
		}
		srv->whead = st->wnext;
		if (!srv->whead)
			srv->wtail = &srv->whead;
		pthread_mutex_unlock(&srv->wlock);
		srv->handler(&st->req, &st->res, srv->ctx);
		st->answered = 1;
		MHD_resume_connection(st->req.conn);
		pthread_mutex_lock(&srv->wlock);
	}
	pthread_mutex_unlock(&srv->wlock);
	return NULL;
}

/* Start `n` write threads; 0, or -1 (none left running) with `err` set. */
static int start_writers(struct http_server *srv, unsigned n, struct strbuf *err)
{
	pthread_mutex_init(&srv->wlock, NULL);
	pthread_cond_init(&srv->wcond, NULL);
	srv->wtail = &srv->whead;
	if (!n)
		return 0;
	srv->writers = xcalloc(n, sizeof(*srv->writers));
	for (; srv->nwriters < n; srv->nwriters++) {
		int rc = pthread_create(&srv->writers[srv->nwriters], NULL, write_thread, srv);

		if (rc) {
			if (err)
				strbuf_addf(err, "cannot start the write threads: %s", strerror(rc));
			return -1;
		}
	}
	return 0;
}

/*
 * Stop the write threads once every queued request is answered; requests
 * that come later are answered by their epoll thread (hand_to_writers).
 */
static void stop_writers(struct http_server *srv)
{
	unsigned i;

	pthread_mutex_lock(&srv->wlock);
	srv->wquit = 1;
	pthread_cond_broadcast(&srv->wcond);
	pthread_mutex_unlock(&srv->wlock);
	for (i = 0; i < srv->nwriters; i++)
		pthread_join(srv->writers[i], NULL);
}

/* Once MHD is stopped too: nobody uses the queue any more. */
static void free_writers(struct http_server *srv)
{
	free(srv->writers);
	pthread_mutex_destroy(&srv->wlock);
	pthread_cond_destroy(&srv->wcond);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct request_state *st = *con_cls;

	if (!st) /* the URI callback always runs first; be safe anyway */
		*con_cls = st = state_new(srv, conn, url);
	if (!st->started) {
		const char *cl;
		uint64_t n;

		st->started = 1;
		st->req.method = method;
		st->limit = is_upload(srv, st->path) ? srv->cfg.max_upload
						     : srv->cfg.max_body;
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						 MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && !parse_length(cl, &n)) {
			if (n > st->limit)
				/* answer now; MHD then closes the connection
				 * instead of reading the body */
				return queue_cached(st, srv->too_large);
			/* the declared body is counted at once... */
			if (n && bodies_charge(srv, (size_t)n) < 0)
				return queue_cached(st, srv->busy);
			st->charged = st->declared = (size_t)n;
			/* ...but a client that declares much and sends
			 * nothing gets little room */
			if (n)
				strbuf_grow(&st->body, n < PREALLOC_MAX ?
					    (size_t)n : PREALLOC_MAX);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;

		if (!st->too_large && !st->busy) {
			if (n > st->limit - st->body.len) {
				st->too_large = 1;
			} else if (st->body.len + n > st->charged &&
				   bodies_charge(srv, st->body.len + n -
						 st->charged) < 0) {
				st->busy = 1;
			} else {
				if (st->body.len + n > st->charged)
					st->charged = st->body.len + n;
				/* sent in earnest: room for all it declared */
				if (st->declared > st->body.alloc)
					strbuf_grow(&st->body, st->declared -
						    st->body.len);
				strbuf_add(&st->body, upload_data, n);
			}
			if (st->too_large || st->busy) {
				strbuf_release(&st->body);
				bodies_uncharge(st);
			}
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (st->too_large)
		return queue_cached(st, srv->too_large);
	if (st->busy)
		return queue_cached(st, srv->busy);
	if (st->answered) /* resumed */
		return send_response(st);
	st->req.body = st->body.buf;
	st->req.body_len = st->body.len;
	if (srv->nwriters && strcmp(method, "GET") && strcmp(method, "HEAD") &&
	    strcmp(method, "OPTIONS") && hand_to_writers(srv, st))
		return MHD_YES;
	srv->handler(&st->req, &st->res, srv->ctx);
	if (st->parked) /* answered later, by http_request_resume() */
		return MHD_YES;
	return send_response(st);
}

/* ---- parked requests (long polling) ---------------------------------- */

int http_request_park(struct http_request *req)
{
	struct request_state *st = STATE_OF(req);
	struct http_server *srv = st->srv;

	pthread_mutex_lock(&srv->plock);
	if (srv->stopping || st->parked) {
		pthread_mutex_unlock(&srv->plock);
		return -1;
	}
	MHD_suspend_connection(req->conn);
	st->parked = 1;
	srv->nparked++;
	st->pnext = srv->parked;
	st->pprev = &srv->parked;
	if (srv->parked)
		srv->parked->pprev = &st->pnext;
	srv->parked = st;
	pthread_mutex_unlock(&srv->plock);
	return 0;
}

/* Unlink parked `st` and let MHD send its response (srv->plock held). */
static void unpark(struct request_state *st)
{
	*st->pprev = st->pnext;
	if (st->pnext)
		st->pnext->pprev = st->pprev;
	st->pnext = NULL;
	st->pprev = NULL;
	st->answered = 1;
	MHD_resume_connection(st->req.conn);
}

int http_request_resume(struct http_request *req,
			void (*fill)(struct http_response *res, void *cls),
			void *cls)
{
	struct request_state *st = STATE_OF(req);
	struct http_server *srv = st->srv;

	pthread_mutex_lock(&srv->plock);
	if (!st->pprev) { /* not parked, or resumed already */
		pthread_mutex_unlock(&srv->plock);
		return -1;
	}
	if (fill)
		fill(&st->res, cls);
	unpark(st);
	pthread_mutex_unlock(&srv->plock);
	return 0;
}

/*
 * On stop: every request still parked gets the answer its handler left,
 * and is given a moment (1 s at most) to be sent before the daemon closes
 * the connections.
 */
static void unpark_all(struct http_server *srv)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 1;
	pthread_mutex_lock(&srv->plock);
	srv->stopping = 1;
	while (srv->parked)
		unpark(srv->parked);
	while (srv->nparked &&
	       pthread_cond_timedwait(&srv->pcond, &srv->plock, &until) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&srv->plock);
}

/* ---- accessors -------------------------------------------------------- */

struct find_ctx {
	const char *name;
	const char *value;
	int found;
};

static enum MHD_Result find_exact(void *cls, enum MHD_ValueKind kind,
				  const char *key, const char *value)
{
	struct find_ctx *f = cls;

	if (!key || strcmp(key, f->name))
		return MHD_YES;
	f->found = 1;
	f->value = value ? value : "";
	return MHD_NO;
}

/* MHD's own lookup ignores case: right for headers only */
static const char *lookup_exact(const struct http_request *req,
				enum MHD_ValueKind kind, const char *name)
{
	struct find_ctx f = { name, NULL, 0 };

	MHD_get_connection_values(req->conn, kind, find_exact, &f);
	return f.found ? f.value : NULL;
}

const char *http_query(const struct http_request *req, const char *name)
{
	return lookup_exact(req, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_header(const struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie(const struct http_request *req, const char *name)
{
	return lookup_exact(req, MHD_COOKIE_KIND, name);
}

struct each_ctx {
	http_each_fn fn;
	void *cls;
};

static enum MHD_Result each_arg(void *cls, enum MHD_ValueKind kind,
				const char *key, const char *value)
{
	struct each_ctx *e = cls;

	return e->fn(e->cls, key, value) ? MHD_NO : MHD_YES;
}

int http_query_each(const struct http_request *req, http_each_fn fn,
		    void *cls)
{
	struct each_ctx e = { fn, cls };

	return MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND,
					 each_arg, &e);
}

/* ---- paths ------------------------------------------------------------ */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode into dst (room for len bytes); returns the length or -1. */
static long decode_into(char *dst, const char *s, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= len)
				return -1;
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return -1;
			dst[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (!s[i]) {
			return -1;
		} else {
			dst[o++] = s[i];
		}
	}
	return (long)o;
}

int http_url_decode(struct strbuf *out, const char *s, size_t len)
{
	long n;

	strbuf_grow(out, len);
	n = decode_into(out->buf + out->len, s, len);
	if (n < 0) {
		out->buf[out->len] = '\0';
		return -1;
	}
	strbuf_setlen(out, out->len + (size_t)n);
	return 0;
}

int http_path_split(struct http_request *req, const char **segv, size_t max)
{
	const char *p = req->path, *end = req->path + req->path_len;
	size_t n = 0;

	while (p < end) {
		const char *q;
		char *seg;
		long len;

		while (p < end && *p == '/')
			p++;
		if (p == end)
			break;
		q = memchr(p, '/', (size_t)(end - p));
		if (!q)
			q = end;
		if (n == max)
			return -2;
		seg = http_request_alloc(req, (size_t)(q - p) + 1);
		len = decode_into(seg, p, (size_t)(q - p));
		if (len < 0)
			return -1;
		seg[len] = '\0';
		segv[n++] = seg;
		p = q;
	}
	return (int)n;
}

/* ---- the daemon ------------------------------------------------------- */

static int read_pem(struct strbuf *sb, const char *path, const char *what,
		    struct strbuf *err)
{
	if (!path || !*path) {
		if (err)
			strbuf_addf(err, "TLS %s file not given", what);
		return -1;
	}
	if (strbuf_read_file(sb, path) < 0) {
		if (err)
			strbuf_addf(err, "cannot read TLS %s '%s': %s", what,
				    path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The configuration's zeros as their defaults. */
static void config_defaults(struct http_config *cfg)
{
	if (!cfg->threads)
		cfg->threads = 1;
	if (!cfg->max_connections)
		cfg->max_connections = DEFAULT_MAX_CONN;
	if (!cfg->timeout_s)
		cfg->timeout_s = DEFAULT_TIMEOUT;
	if (!cfg->max_body)
		cfg->max_body = DEFAULT_MAX_BODY;
	if (!cfg->upload_suffix || !cfg->max_upload)
		cfg->max_upload = cfg->max_body;
	if (!cfg->max_bodies)
		cfg->max_bodies = 4 * (cfg->max_upload > cfg->max_body ? cfg->max_upload
								    : cfg->max_body);
}

/*
 * The socket address of numeric IPv4 or IPv6 address `addr` and `port`,
 * in `sin` or `sin6` (IPv6 adds MHD_USE_IPv6 to *flags); NULL with `err`.
 */
static const struct sockaddr *bind_address(const char *addr, unsigned short port,
					   struct sockaddr_in *sin, struct sockaddr_in6 *sin6,
					   unsigned *flags, struct strbuf *err)
{
	memset(sin, 0, sizeof(*sin));
	memset(sin6, 0, sizeof(*sin6));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		return (const struct sockaddr *)sin;
	}
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*flags |= MHD_USE_IPv6;
		return (const struct sockaddr *)sin6;
	}
	if (err)
		strbuf_addf(err, "bad bind address '%s' (want a numeric IPv4 or IPv6 address)",
			    addr);
	return NULL;
}

/* The answers made before a request is read: 413 (too large) and 503 (uploads' budget spent). */
static int canned_answers(struct http_server *srv, struct strbuf *err)
{
	struct http_response res;

	http_response_init(&res);
	http_problem(&res, 413, NULL, "请求体过大", NULL);
	srv->too_large = http_cached_new(413, res.content_type, res.body.buf, res.body.len,
					 NULL, err);
	http_response_release(&res);
	if (!srv->too_large)
		return -1;
	http_response_init(&res);
	http_problem(&res, 503, NULL, "服务器正忙于接收其他上传，请稍后再试", NULL);
	srv->busy = http_cached_new(503, res.content_type, res.body.buf, res.body.len, NULL, err);
	http_response_release(&res);
	if (!srv->busy || http_cached_header(srv->busy, "Retry-After", "5"))
		return -1;
	return 0;
}

struct http_server *http_server_start(const struct http_config *cfg,
				      http_handler_fn handler, void *ctx,
				      struct strbuf *err)
{
	struct http_server *srv = xcalloc(1, sizeof(*srv));
	struct MHD_OptionItem ops[12];
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	const struct sockaddr *sa;
	const union MHD_DaemonInfo *di;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			 MHD_USE_ERROR_LOG;
	const char *addr;
	size_t n = 0;

	srv->cfg = *cfg;
	pthread_mutex_init(&srv->plock, NULL);
	pthread_cond_init(&srv->pcond, NULL);
	srv->handler = handler;
	srv->ctx = ctx;
	strbuf_init(&srv->cert, 0);
	strbuf_init(&srv->key, 0);
	config_defaults(&srv->cfg);
	atomic_init(&srv->bodies, 0);
	addr = srv->cfg.bind_addr ? srv->cfg.bind_addr : "127.0.0.1";

	if (!MHD_is_feature_supported(MHD_FEATURE_EPOLL)) {
		if (err)
			strbuf_addstr(err, "libmicrohttpd lacks epoll");
		goto fail;
	}
	sa = bind_address(addr, srv->cfg.port, &sin, &sin6, &flags, err);
	if (!sa)
		goto fail;

	/* the logger must come first to see start-up messages */
	ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_EXTERNAL_LOGGER,
					    (intptr_t)on_mhd_log, srv };
	ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0,
					    (void *)sa };
	ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_URI_LOG_CALLBACK,
					    (intptr_t)on_uri, srv };
	ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED,
					    (intptr_t)on_completed, srv };
	ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT,
					    srv->cfg.timeout_s, NULL };
	ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT,
					    srv->cfg.max_connections, NULL };
	if (srv->cfg.threads > 1)
		ops[n++] = (struct MHD_OptionItem){
			MHD_OPTION_THREAD_POOL_SIZE, srv->cfg.threads, NULL };
	/* the write threads' requests and the parked ones (long polls) */
	flags |= MHD_ALLOW_SUSPEND_RESUME;
	/* http_server_drain() stops listening while the connections go on */
	flags |= MHD_USE_ITC;
	if (srv->cfg.tls) {
		if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
			if (err)
				strbuf_addstr(err, "libmicrohttpd lacks TLS");
			goto fail;
		}
		if (read_pem(&srv->cert, srv->cfg.tls_cert_pem_path,
			     "certificate", err) < 0 ||
		    read_pem(&srv->key, srv->cfg.tls_key_pem_path, "key",
			     err) < 0)
			goto fail;
		flags |= MHD_USE_TLS;
		ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT,
						    0, srv->cert.buf };
		ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY,
						    0, srv->key.buf };
	}
	ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };

	if (canned_answers(srv, err))
		goto fail;

	if (start_writers(srv, srv->cfg.write_threads, err))
		goto fail;
	srv->starter = pthread_self();
	srv->start_err = err;
	atomic_store(&srv->log_on, srv->cfg.access_log != NULL && !srv->cfg.access_log_off);
	srv->daemon = MHD_start_daemon(flags, srv->cfg.port, NULL, NULL,
				       on_request, srv, MHD_OPTION_ARRAY, ops,
				       MHD_OPTION_END);
	srv->start_err = NULL;
	if (!srv->daemon) {
		if (err)
			strbuf_addf(err, "cannot start the HTTP server on "
				    "%s port %u", addr, srv->cfg.port);
		goto fail;
	}
	di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di ? di->port : srv->cfg.port;
	return srv;

fail:
	if (srv->wtail) {
		stop_writers(srv);
		free_writers(srv);
	}
	http_cached_free(srv->too_large);
	http_cached_free(srv->busy);
	strbuf_release(&srv->cert);
	strbuf_release(&srv->key);
	pthread_mutex_destroy(&srv->plock);
	pthread_cond_destroy(&srv->pcond);
	free(srv);
	return NULL;
}

unsigned http_server_drain(struct http_server *srv, unsigned wait_ms)
{
	unsigned waited = 0;

	MHD_quiesce_daemon(srv->daemon);
	/* the long polls are answered now: they would hold on for their 25 s */
	unpark_all(srv);
	while (atomic_load(&srv->inflight) && waited < wait_ms) {
		struct timespec ten_ms = { 0, 10 * 1000 * 1000 };

		nanosleep(&ten_ms, NULL);
		waited += 10;
	}
	return atomic_load(&srv->inflight);
}

unsigned http_server_inflight(struct http_server *srv)
{
	return atomic_load(&srv->inflight);
}

void http_server_set_access_log(struct http_server *srv, int on)
{
	atomic_store(&srv->log_on, on && srv->cfg.access_log);
}

void http_server_stop(struct http_server *srv)
{
	if (!srv)
		return;
	/*
	 * the write threads first: every request they hold is answered and its
	 * connection resumed (MHD must not stop with a connection suspended);
	 * a request that comes meanwhile is answered on its epoll thread
	 */
	stop_writers(srv);
	/* nor with one parked: each is sent what its handler left in it */
	unpark_all(srv);
	MHD_stop_daemon(srv->daemon);
	free_writers(srv);
	pthread_mutex_destroy(&srv->plock);
	pthread_cond_destroy(&srv->pcond);
	http_cached_free(srv->too_large);
	http_cached_free(srv->busy);
	strbuf_release(&srv->cert);
	/* the key is a secret: do not leave it in freed memory */
	if (srv->key.alloc)
		memset(srv->key.buf, 0, srv->key.alloc);
	strbuf_release(&srv->key);
	free(srv);
}

unsigned short http_server_port(const struct http_server *srv)
{
	return srv->port;
}

static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

int http_server_block_signals(void)
{
	sigset_t set;

	stop_signals(&set);
	return pthread_sigmask(SIG_BLOCK, &set, NULL) ? -1 : 0;
}

int http_server_wait_signal(void)
{
	sigset_t set;
	int sig;

	stop_signals(&set);
	if (sigwait(&set, &sig))
		return -1;
	return sig;
}
