/*
 * server: the HTTP core of Sanling, a thin layer over libmicrohttpd.
 *
 * It runs the daemon (epoll, a pool of worker threads), turns each request
 * into a `struct http_request` (method, raw path, query, headers, cookies,
 * body, client address), calls ONE application handler per request, and
 * turns the `struct http_response` the handler filled into an MHD response
 * that always carries the security headers.  It enforces the body limit
 * (413), keeps connections alive, and writes an access line if asked to.
 *
 * It deliberately knows nothing of routes, sessions, authentication, CSRF
 * or JSON bodies: the router in src/api/ does that on top of this.  It does
 * not serve files by itself either (see static.h).  Nothing here takes a
 * lock on the request path, and nothing logs per request unless an access
 * logger is configured.
 *
 * Threads: the handler runs on the daemon's worker threads, several at the
 * same time; everything it touches in `ctx` must be thread-safe.  One
 * request is handled by one thread from its first to its last callback.
 */
#ifndef SANLING_HTTP_SERVER_H
#define SANLING_HTTP_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "base/strbuf.h"

struct http_server;
struct http_cached;
struct MHD_Connection;

/*
 * Error logger: receives one message of libmicrohttpd (or of this module
 * at start-up), without the trailing newline.  Called from any thread.
 */
typedef void (*http_log_fn)(void *cls, const char *msg);

/*
 * Access logger: called once per finished request, from the worker
 * thread, after the response was sent (or the connection died).
 * `path` is the raw path WITHOUT the query string (queries may hold
 * personal data such as search terms).  `bytes` is the size of the
 * response body, `usec` the time from the request line to completion,
 * `status` 0 when no response was queued (connection aborted).
 */
typedef void (*http_access_log_fn)(void *cls, const char *method,
				   const char *path, unsigned status,
				   uint64_t bytes, uint64_t usec);

struct http_config {
	/* Numeric IPv4 or IPv6 address to bind; NULL means "127.0.0.1". */
	const char *bind_addr;
	/* TCP port; 0 picks a free one (see http_server_port()). */
	unsigned short port;
	/* Worker threads (each with its own epoll set); 0 means 1. */
	unsigned threads;
	/*
	 * Threads that run the handler for requests that may write (any
	 * method but GET, HEAD and OPTIONS), so that one that waits — for its
	 * batch to be durable, a password hash, an import — does not hold up
	 * the other connections of its epoll thread; 0 runs every handler on
	 * the epoll threads.
	 */
	unsigned write_threads;
	/* Open connections at most, over all threads; 0 means 1024. */
	unsigned max_connections;
	/* Idle connection timeout in seconds; 0 means 60. */
	unsigned timeout_s;
	/* Largest request body accepted (else 413); 0 means 1 MiB. */
	size_t max_body;
	/*
	 * Uploads: a request whose path ends with `upload_suffix` (say
	 * "/import"; several joined by '|': "/import|/attachments") may bring
	 * up to `max_upload` bytes instead (0 or a NULL suffix: no such
	 * requests).
	 */
	const char *upload_suffix;
	size_t max_upload;
	/*
	 * Bytes of request bodies held in memory at once, all connections
	 * together (counted as they are received or declared); a request
	 * whose body would go over is answered 503 with Retry-After instead of
	 * being read.  0 means four times the largest body accepted.
	 */
	size_t max_bodies;
	/*
	 * Directory of the web build.  Not used by the server itself; kept
	 * here so that the handler finds it in req->config (see static.h).
	 */
	const char *static_root;
	/* Serve HTTPS with the PEM certificate (chain) and key files. */
	int tls;
	const char *tls_cert_pem_path, *tls_key_pem_path;
	/* MHD's own error messages; NULL keeps MHD silent. */
	http_log_fn error_log;
	void *error_log_cls;
	/*
	 * One line per request; NULL (the default) logs nothing.  With
	 * access_log_off it starts silent, to be turned on by
	 * http_server_set_access_log().
	 */
	http_access_log_fn access_log;
	void *access_log_cls;
	int access_log_off;
	/*
	 * Once per request, from the thread that answers it, just before the
	 * answer is queued (so before the client can have it): the request's
	 * `tag` (http_request.tag, set by the handler), the status, and the
	 * microseconds since the request line came; a request never answered
	 * (the connection died) is given status 0 when it ends.  NULL: not
	 * called, and no clock read for it.  Must be quick: it is on every
	 * request's path.
	 */
	void (*request_done)(void *cls, unsigned tag, unsigned status, uint64_t usec);
	void *request_done_cls;
};

/*
 * What the handler is given.  All strings stay valid until the response
 * has been sent; none is owned by the handler.  The fields below
 * "private" belong to the server.
 */
struct http_request {
	const char *method;	/* "GET", "POST", ... as sent */
	/*
	 * Raw path as sent, without query string, NOT url-decoded (so that
	 * "%2F" inside a segment stays distinguishable from "/").  Use
	 * http_path_split() to get decoded segments.
	 */
	const char *path;
	size_t path_len;
	/* Request body, always NUL-terminated ("" when there is none). */
	const char *body;
	size_t body_len;
	/* Peer address as text, "192.0.2.1" or "2001:db8::1". */
	const char *client_ip;
	/* 1 when the connection is HTTPS (this server's TLS, not a proxy's). */
	int tls;
	/* The server's copy of its configuration. */
	const struct http_config *config;
	/* Free for the application (router) to use; never touched here. */
	void *app;
	/* The application's label of the request for cfg.request_done (0 until set). */
	unsigned tag;

	/* private */
	struct MHD_Connection *conn;
};

/*
 * What the handler fills.  Initialised by the server before the handler
 * runs (status 0, no body); exactly one of `cached`, `fd` or `body` is
 * sent, in that order of precedence.  A handler that leaves `status` at 0
 * makes the server answer 500.
 */
struct http_response {
	unsigned status;
	/* Content-Type; must outlive the handler (a literal, say). */
	const char *content_type;
	/* Cache-Control; NULL sends "no-store" (right for API answers). */
	const char *cache_control;
	/* The body; its buffer is handed to MHD without a copy. */
	struct strbuf body;
	/*
	 * Or: an open file sent with sendfile(); once set, the response
	 * owns it (closed after sending, or by http_response_release()).
	 */
	int fd;
	uint64_t fd_size;
	/*
	 * Or: a pre-built response (http_cached_new()), sent as it is,
	 * with its own headers; the fields above and http_response_header()
	 * are then ignored.
	 */
	const struct http_cached *cached;

	/* private: "name\0value\0" pairs added by http_response_header() */
	struct strbuf hdrs;
};

typedef void (*http_handler_fn)(struct http_request *req,
				struct http_response *res, void *ctx);

/*
 * Start the server described by `cfg` (copied; the strings it points to
 * must outlive the server) and call `handler(req, res, ctx)` once per
 * request, when its whole body has arrived.  Returns the server, or NULL
 * with a message appended to `err` (bad address, port taken, unreadable
 * TLS files, MHD built without TLS or epoll ...).
 *
 * SIGPIPE: MHD's own threads suppress it; nothing to do.
 */
struct http_server *http_server_start(const struct http_config *cfg,
				      http_handler_fn handler, void *ctx,
				      struct strbuf *err);

/*
 * Stop accepting, close every connection (handlers still running finish
 * first), join the threads and free the server.  NULL is a no-op.
 */
void http_server_stop(struct http_server *srv);

/*
 * Before http_server_stop(), for a graceful stop: stop listening (the open
 * connections go on), answer the parked requests, and wait up to `wait_ms`
 * for the requests in flight to end.  Returns how many are still in flight.
 */
unsigned http_server_drain(struct http_server *srv, unsigned wait_ms);
/* The requests begun and not yet ended. */
unsigned http_server_inflight(struct http_server *srv);
/* Turn the access log (cfg.access_log) on or off while serving. */
void http_server_set_access_log(struct http_server *srv, int on);

/*
 * Long polling: answer a request later without holding a thread.  Called
 * by the handler (as the last thing it does with `req`), it suspends the
 * connection: when the handler returns nothing is sent, and no thread
 * waits for it.  Later, from any thread, http_request_resume() fills the
 * response with `fill(res, cls)` (NULL: as the handler left it) and lets
 * the connection send it.  A parked request that nobody resumes is sent,
 * when the server stops, what its handler left in `res` — so a handler
 * fills in an answer before it parks.  Once resumed (or after
 * http_request_park() failed), `req` may be freed at any time: whoever
 * keeps it must forget it first (http_request_defer() runs on its end).
 *
 * http_request_park(): 0, or -1 (the server is stopping, or the request
 * is parked already): then the handler answers at once.
 * http_request_resume(): 0, or -1 when the request is no longer parked
 * (resumed already, or answered by the stop): nothing done.
 */
int http_request_park(struct http_request *req);
int http_request_resume(struct http_request *req,
			void (*fill)(struct http_response *res, void *cls),
			void *cls);

/* The port actually bound (useful after asking for port 0). */
unsigned short http_server_port(const struct http_server *srv);

/*
 * Running until a signal, for main():
 *
 *	http_server_block_signals();       // before ANY thread is started
 *	srv = http_server_start(...);
 *	sig = http_server_wait_signal();   // SIGINT, SIGTERM or SIGHUP
 *	http_server_stop(srv);
 *
 * http_server_block_signals() blocks SIGINT, SIGTERM and SIGHUP in the calling
 * thread, so that every thread started afterwards (MHD's workers, the job
 * scheduler) inherits the mask and the signal is left for
 * http_server_wait_signal(), which waits for one of them and returns its
 * number.  Both return -1 on (unlikely) failure.
 */
int http_server_block_signals(void);
int http_server_wait_signal(void);

/*
 * Request accessors.  All return NULL when the item is absent; the
 * returned strings live as long as the request.
 *
 * http_query() gives the url-decoded value of query argument `name`
 * (case-sensitive; the first one if repeated; "" for a bare "?name").
 * http_header() is case-insensitive on the name.  http_cookie() gives a
 * cookie of the Cookie header (name case-sensitive).
 */
const char *http_query(const struct http_request *req, const char *name);
const char *http_header(const struct http_request *req, const char *name);
const char *http_cookie(const struct http_request *req, const char *name);

/*
 * Call fn(cls, name, value) for every query argument in order (value may
 * be NULL for a bare "?name"); stops early when fn returns non-zero.
 * Returns the number of arguments visited.
 */
typedef int (*http_each_fn)(void *cls, const char *name, const char *value);
int http_query_each(const struct http_request *req, http_each_fn fn,
		    void *cls);

/*
 * Per-request scratch memory, freed after the response has been sent.
 *
 * http_request_alloc() returns zeroed memory of `size` bytes (aligned for
 * any type); http_request_strdup() a copy of `s` (NULL gives NULL);
 * http_request_defer() registers fn(p) to run after the response (say
 * json_decref, or free for memory the app malloc()ed itself).
 * Allocation failure aborts, as in strbuf.
 */
void *http_request_alloc(struct http_request *req, size_t size);
char *http_request_strdup(struct http_request *req, const char *s);
void http_request_defer(struct http_request *req, void (*fn)(void *),
			void *p);

/*
 * Decode percent-escapes of `len` bytes at `s` into `out` (appended).
 * '+' is kept as it is (this is for paths).  Returns 0, or -1 on a
 * malformed escape or an encoded NUL (out is then left as it was).
 */
int http_url_decode(struct strbuf *out, const char *s, size_t len);

/*
 * Split req->path into url-decoded segments, skipping empty ones
 * ("/a//b/" gives "a", "b").  Fills at most `max` pointers of `segv`
 * with strings in the request's scratch memory and returns their number;
 * returns -1 on a malformed escape or encoded NUL, -2 when there are more
 * than `max` segments.  A decoded segment may contain '/' (from "%2F").
 */
int http_path_split(struct http_request *req, const char **segv, size_t max);

/*
 * Response helpers.  A handler normally just sets fields; these are for
 * what needs checking or memory.
 *
 * http_response_init() / _release() are for code that builds a response
 * outside the server (tests); the server does both itself.  _release()
 * frees the body and headers, closes `fd` and leaves the response as
 * after _init().
 *
 * http_response_header() adds a header (both strings copied).  Returns 0,
 * or -1 (nothing added) when `name` is not an HTTP token or `value` holds
 * a control character other than TAB (CR/LF would split the header).
 *
 * http_response_cookie() adds "Set-Cookie: name=value; Path=/; HttpOnly;
 * SameSite=Strict", with "Max-Age=N" when max_age >= 0 (0 deletes the
 * cookie) and the changes asked by `flags` (enum http_cookie_flags).
 * Returns -1 (nothing added) when name is not a token or value holds a
 * character a cookie value cannot (CTL, space, '"', ',', ';', '\').
 */
enum http_cookie_flags {
	HTTP_COOKIE_SECURE = 1 << 0,	/* add Secure: set it under HTTPS */
	HTTP_COOKIE_LAX = 1 << 1,	/* SameSite=Lax instead of Strict */
	HTTP_COOKIE_SCRIPT = 1 << 2,	/* readable by scripts: no HttpOnly */
};

void http_response_init(struct http_response *res);
void http_response_release(struct http_response *res);
int http_response_header(struct http_response *res, const char *name,
			 const char *value);
int http_response_cookie(struct http_response *res, const char *name,
			 const char *value, long max_age, unsigned flags);

/*
 * Make `res` an RFC 9457 problem: status, Content-Type
 * application/problem+json and the body
 *	{"type":"about:blank","title":...,"status":...,"detail":...,"field":...}
 * where title NULL uses the standard reason phrase, and detail/field are
 * left out when NULL (or not valid UTF-8).  Replaces any body, file or
 * cached response `res` had.
 */
void http_problem(struct http_response *res, unsigned status,
		  const char *title, const char *detail, const char *field);

/*
 * A pre-built response for endpoints whose answer never changes (health,
 * the entity descriptors): built once, sent many times without copying
 * or allocating.  The body is copied; security headers are added here,
 * with Cache-Control `cache_control` (NULL = "no-store").  Returns NULL
 * with a message in `err` on failure.
 *
 * http_cached_header() adds one more header; call it only before the
 * first use.  http_cached_free() may be called after http_server_stop();
 * a NULL is a no-op.
 */
struct http_cached *http_cached_new(unsigned status, const char *content_type,
				    const void *body, size_t len,
				    const char *cache_control,
				    struct strbuf *err);
int http_cached_header(struct http_cached *c, const char *name,
		       const char *value);
void http_cached_free(struct http_cached *c);

#endif
