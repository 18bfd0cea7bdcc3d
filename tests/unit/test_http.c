/*
 * test_http.c: the HTTP core (src/http/server.c, static.c) against a real
 * server on 127.0.0.1 and an ephemeral port, spoken to with raw sockets by
 * the small client below (so that we send exactly the bytes we mean,
 * including malformed ones, and can keep one connection for several
 * requests).  Not a test of the router or of any endpoint of the API.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "http/server.h"
#include "http/static.h"

#define MAX_BODY 1024

/* ---- fixture ---------------------------------------------------------- */

struct fixture {
	char tmp[64];
	char root[96];
	struct http_server *srv;
	unsigned short port;
	struct http_cached *health;
	pthread_mutex_t log_lock;
	struct strbuf logs;	/* every access line, under log_lock */
};

static struct fixture fx;

static void test_access_log(void *cls, const char *method, const char *path,
			    unsigned status, uint64_t bytes, uint64_t usec)
{
	struct fixture *f = cls;

	pthread_mutex_lock(&f->log_lock);
	strbuf_addf(&f->logs, "%s %s %u %llu\n", method, path, status,
		    (unsigned long long)bytes);
	pthread_mutex_unlock(&f->log_lock);
}

/* Copy of the access log so far (asserting while holding the lock would
 * leave it locked on failure, and the server threads stuck). */
static void copy_logs(struct strbuf *out)
{
	strbuf_reset(out);
	pthread_mutex_lock(&fx.log_lock);
	strbuf_addbuf(out, &fx.logs);
	pthread_mutex_unlock(&fx.log_lock);
}

static void add_str(json_t *o, const char *key, const char *val)
{
	json_object_set_new(o, key, val ? json_string(val) : json_null());
}

static void echo(struct http_request *req, struct http_response *res)
{
	json_t *o = json_object(), *segs = json_array();
	const char *segv[16];
	int i, n;

	add_str(o, "method", req->method);
	add_str(o, "path", req->path);
	add_str(o, "q", http_query(req, "q"));
	add_str(o, "flag", http_query(req, "flag"));
	add_str(o, "nope", http_query(req, "nope"));
	add_str(o, "upper", http_query(req, "upper"));
	add_str(o, "xtest", http_header(req, "x-TEST"));
	add_str(o, "sid", http_cookie(req, "sid"));
	add_str(o, "other", http_cookie(req, "other"));
	add_str(o, "SID", http_cookie(req, "SID"));
	add_str(o, "ip", req->client_ip);
	json_object_set_new(o, "tls", json_integer(req->tls));
	json_object_set_new(o, "body_len", json_integer((json_int_t)req->body_len));
	json_object_set_new(o, "body_nul",
			    json_boolean(req->body[req->body_len] == '\0'));
	json_object_set_new(o, "body",
			    json_stringn_nocheck(req->body, req->body_len));
	n = http_path_split(req, segv, 16);
	for (i = 0; i < n; i++)
		json_array_append_new(segs, json_string(segv[i]));
	json_object_set_new(o, "segments", segs);
	json_object_set_new(o, "nseg", json_integer(n));
	res->status = 200;
	res->content_type = "application/json";
	strbuf_addstr(&res->body, "");
	{
		char *s = json_dumps(o, JSON_COMPACT);

		strbuf_addstr(&res->body, s);
		free(s);
	}
	json_decref(o);
}

static int slow_done; /* /t/slow requests answered by the handler */

/* /t/park: the request the handler parked last (NULL once taken) */
static struct http_request *parked_req;

static struct http_request *take_parked(int wait_ms)
{
	struct http_request *r = NULL;

	for (; wait_ms > 0 && !r; wait_ms -= 10) {
		r = __atomic_exchange_n(&parked_req, NULL, __ATOMIC_SEQ_CST);
		if (!r)
			usleep(10 * 1000);
	}
	return r;
}

static void fill_resumed(struct http_response *res, void *cls)
{
	strbuf_reset(&res->body);
	strbuf_addstr(&res->body, cls);
}

static int count_arg(void *cls, const char *name, const char *value)
{
	(*(int *)cls)++;
	return 0;
}

static void handler(struct http_request *req, struct http_response *res,
		    void *ctx)
{
	struct fixture *f = ctx;

	if (!strncmp(req->path, "/t/echo", 7)) {
		echo(req, res);
	} else if (!strcmp(req->path, "/t/health")) {
		res->cached = f->health;
	} else if (!strcmp(req->path, "/t/problem")) {
		http_problem(res, 422, "Bad \"name\" 名称", "line1\nline2 <x>",
			     "name");
	} else if (!strcmp(req->path, "/t/cookie")) {
		res->status = 204;
		http_response_cookie(res, "sid", "abc123", 3600,
				     HTTP_COOKIE_SECURE);
		http_response_cookie(res, "csrf", "tok", -1,
				     HTTP_COOKIE_SCRIPT | HTTP_COOKIE_LAX);
		http_response_header(res, "X-Extra", "1");
	} else if (!strcmp(req->path, "/t/scratch")) {
		char *a = http_request_alloc(req, 10000);
		char *b = http_request_strdup(req, "scratch");
		int nargs = 0;

		http_request_defer(req, free, malloc(100));
		a[9999] = 'x';
		http_query_each(req, count_arg, &nargs);
		res->status = 200;
		strbuf_addf(&res->body, "%s %c %d", b, a[9999], nargs);
	} else if (!strcmp(req->path, "/t/slow")) {
		usleep(300 * 1000);
		__atomic_add_fetch(&slow_done, 1, __ATOMIC_SEQ_CST);
		res->status = 200;
		strbuf_addf(&res->body, "slow %s", req->method);
	} else if (!strcmp(req->path, "/t/park")) {
		/* what is sent if nobody resumes it before the stop */
		res->status = 200;
		strbuf_addstr(&res->body, "left");
		if (!http_request_park(req))
			__atomic_store_n(&parked_req, req, __ATOMIC_SEQ_CST);
	} else if (!strcmp(req->path, "/t/none")) {
		/* gives nothing: the server must answer 500 */
	} else {
		http_static_serve(req, res, req->config->static_root);
	}
}

static void write_file(const char *dir, const char *name, const char *data)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(data, fp);
	fclose(fp);
}

static int setup(void **state)
{
	struct http_config cfg = { 0 };
	struct strbuf err = STRBUF_INIT;
	char path[256];
	const char health[] = "{\"status\":\"ok\"}";

	memset(&fx, 0, sizeof(fx));
	pthread_mutex_init(&fx.log_lock, NULL);
	strbuf_init(&fx.logs, 0);
	strcpy(fx.tmp, "/tmp/test_http.XXXXXX");
	if (!mkdtemp(fx.tmp))
		return -1;
	snprintf(fx.root, sizeof(fx.root), "%s/www", fx.tmp);
	mkdir(fx.root, 0755);
	snprintf(path, sizeof(path), "%s/assets", fx.root);
	mkdir(path, 0755);
	write_file(fx.tmp, "secret.txt", "TOPSECRET\n");
	write_file(fx.root, "index.html", "<!doctype html><p>INDEX</p>\n");
	write_file(fx.root, ".env", "TOPSECRET\n");
	write_file(fx.root, "style.css", "p{color:red}\n");
	write_file(fx.root, "favicon.png", "PNGDATA");
	write_file(fx.root, "manifest.webmanifest", "{\"name\":\"x\"}\n");
	write_file(path, "app.js", "console.log('plain')\n");
	write_file(path, "app.js.gz", "GZIPPED-BYTES");
	snprintf(path, sizeof(path), "%s/escape.txt", fx.root);
	if (symlink("../secret.txt", path))
		return -1;
	snprintf(path, sizeof(path), "%s/up", fx.root);
	if (symlink("..", path))
		return -1;

	fx.health = http_cached_new(200, "application/json", health,
				    sizeof(health) - 1, NULL, &err);
	if (!fx.health)
		return -1;
	cfg.port = 0;
	cfg.threads = 2;
	cfg.write_threads = 2; /* every POST of the tests goes through them */
	cfg.max_body = MAX_BODY;
	cfg.upload_suffix = "/import";
	cfg.max_upload = 8 * MAX_BODY;
	cfg.max_bodies = 12 * MAX_BODY;
	cfg.static_root = fx.root;
	cfg.access_log = test_access_log;
	cfg.access_log_cls = &fx;
	fx.srv = http_server_start(&cfg, handler, &fx, &err);
	if (!fx.srv) {
		fprintf(stderr, "start: %s\n", err.buf);
		strbuf_release(&err);
		return -1;
	}
	fx.port = http_server_port(fx.srv);
	strbuf_release(&err);
	*state = &fx;
	return fx.port ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	http_server_stop(fx.srv);
	http_cached_free(fx.health);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx.tmp);
	if (system(cmd))
		return -1;
	pthread_mutex_destroy(&fx.log_lock);
	strbuf_release(&fx.logs);
	return 0;
}

/* ---- a tiny HTTP/1.1 client ------------------------------------------- */

struct client {
	int fd;
	char buf[65536];
	size_t len;	/* bytes buffered, not consumed yet */
};

#define MAX_HDRS 32

struct reply {
	int status;
	int nr_hdrs;
	char name[MAX_HDRS][64];
	char value[MAX_HDRS][512];
	struct strbuf body;
};

static int client_open(struct client *c, unsigned short port)
{
	struct sockaddr_in sin;
	struct timeval tv = { 5, 0 };

	memset(c, 0, sizeof(*c));
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -1;
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(c->fd, (struct sockaddr *)&sin, sizeof(sin))) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	return 0;
}

static void client_close(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static void client_send(struct client *c, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);

		assert_true(n > 0);
		p += n;
		len -= (size_t)n;
	}
}

static void client_sendf(struct client *c, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	client_send(c, sb.buf, sb.len);
	strbuf_release(&sb);
}

/* Read more bytes into the buffer; 0 on EOF or timeout. */
static ssize_t client_fill(struct client *c)
{
	ssize_t n;

	assert_true(c->len < sizeof(c->buf));
	n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
	if (n > 0)
		c->len += (size_t)n;
	return n;
}

static void client_consume(struct client *c, size_t n)
{
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
}

/*
 * Did the server close the connection (EOF or reset, nothing left)?  A
 * timeout is not a close.
 */
static int client_eof(struct client *c)
{
	ssize_t n;

	if (c->len)
		return 0;
	n = client_fill(c);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

static void reply_release(struct reply *r)
{
	strbuf_release(&r->body);
}

static const char *reply_header(const struct reply *r, const char *name)
{
	int i;

	for (i = 0; i < r->nr_hdrs; i++)
		if (!strcasecmp(r->name[i], name))
			return r->value[i];
	return NULL;
}

static int reply_header_count(const struct reply *r, const char *name)
{
	int i, n = 0;

	for (i = 0; i < r->nr_hdrs; i++)
		if (!strcasecmp(r->name[i], name))
			n++;
	return n;
}

/*
 * Read one response.  `head` says the request was HEAD (no body follows).
 * Returns 0, or -1 when the connection closed before a status line.
 */
static int read_reply(struct client *c, struct reply *r, int head)
{
	char *end, *line, *next;
	size_t hlen, want;
	const char *cl, *te;

	memset(r, 0, sizeof(*r));
	strbuf_init(&r->body, 0);
	while (!(end = memmem(c->buf, c->len, "\r\n\r\n", 4)))
		if (client_fill(c) <= 0)
			return -1;
	hlen = (size_t)(end - c->buf) + 4;
	end[2] = '\0';
	assert_int_equal(sscanf(c->buf, "HTTP/1.%*d %d", &r->status), 1);
	line = strstr(c->buf, "\r\n") + 2;
	for (; *line; line = next) {
		char *colon, *v;

		next = strstr(line, "\r\n");
		*next = '\0';
		next += 2;
		colon = strchr(line, ':');
		assert_non_null(colon);
		*colon = '\0';
		for (v = colon + 1; *v == ' '; v++)
			;
		assert_true(r->nr_hdrs < MAX_HDRS);
		snprintf(r->name[r->nr_hdrs], 64, "%s", line);
		snprintf(r->value[r->nr_hdrs], 512, "%s", v);
		r->nr_hdrs++;
	}
	client_consume(c, hlen);
	if (head || r->status == 304 || r->status == 204 || r->status < 200)
		return 0;
	cl = reply_header(r, "Content-Length");
	te = reply_header(r, "Transfer-Encoding");
	assert_true(cl != NULL || te == NULL); /* we never send chunked */
	assert_non_null(cl);
	want = strtoul(cl, NULL, 10);
	while (c->len < want)
		assert_true(client_fill(c) > 0);
	strbuf_add(&r->body, c->buf, want);
	client_consume(c, want);
	return 0;
}

/* One request on a fresh connection. */
static void fetch(struct reply *r, const char *method, const char *target,
		  const char *extra_headers)
{
	struct client c;

	assert_int_equal(client_open(&c, fx.port), 0);
	client_sendf(&c, "%s %s HTTP/1.1\r\nHost: x\r\n%sConnection: close\r\n\r\n",
		     method, target, extra_headers ? extra_headers : "");
	assert_int_equal(read_reply(&c, r, !strcmp(method, "HEAD")), 0);
	client_close(&c);
}

static json_t *reply_json(const struct reply *r)
{
	json_error_t e;
	json_t *j = json_loadb(r->body.buf, r->body.len, 0, &e);

	assert_non_null(j);
	return j;
}

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void assert_security_headers(const struct reply *r, int api)
{
	assert_string_equal(reply_header(r, "X-Content-Type-Options"),
			    "nosniff");
	assert_string_equal(reply_header(r, "X-Frame-Options"), "DENY");
	assert_string_equal(reply_header(r, "Referrer-Policy"), "no-referrer");
	assert_non_null(strstr(reply_header(r, "Content-Security-Policy"),
			       "frame-ancestors 'none'"));
	assert_non_null(strstr(reply_header(r, "Content-Security-Policy"),
			       "default-src 'self'"));
	assert_null(reply_header(r, "Strict-Transport-Security"));
	if (api)
		assert_string_equal(reply_header(r, "Cache-Control"),
				    "no-store");
	assert_int_equal(reply_header_count(r, "Cache-Control"), 1);
}

static void assert_problem(const struct reply *r, int status)
{
	json_t *j;

	assert_int_equal(r->status, status);
	assert_string_equal(reply_header(r, "Content-Type"),
			    "application/problem+json");
	j = reply_json(r);
	assert_string_equal(jstr(j, "type"), "about:blank");
	assert_non_null(jstr(j, "title"));
	assert_int_equal(json_integer_value(json_object_get(j, "status")),
			 status);
	json_decref(j);
}

/* ---- tests: pieces without the server --------------------------------- */

static void test_url_decode(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(http_url_decode(&sb, "a%20b%2Fc+d", 11), 0);
	assert_string_equal(sb.buf, "a b/c+d");
	strbuf_reset(&sb);
	assert_int_equal(http_url_decode(&sb, "%e4%b8%89", 9), 0);
	assert_string_equal(sb.buf, "三");
	strbuf_reset(&sb);
	assert_int_equal(http_url_decode(&sb, "ab%2", 4), -1);
	assert_int_equal(http_url_decode(&sb, "ab%zz", 5), -1);
	assert_int_equal(http_url_decode(&sb, "a%00b", 5), -1);
	assert_int_equal(sb.len, 0);
	/* only `len` bytes count: the escape is cut off */
	assert_int_equal(http_url_decode(&sb, "x%41", 3), -1);
	assert_int_equal(http_url_decode(&sb, "x%41", 4), 0);
	assert_string_equal(sb.buf, "xA");
	strbuf_release(&sb);
}

static void test_response_helpers(void **state)
{
	struct http_response res;
	json_t *j;
	json_error_t e;

	http_response_init(&res);
	assert_int_equal(res.fd, -1);
	assert_int_equal(http_response_header(&res, "X-Ok", "a\tb"), 0);
	assert_int_equal(http_response_header(&res, "X-Bad", "a\r\nSet-Cookie: x=1"), -1);
	assert_int_equal(http_response_header(&res, "Bad Name", "v"), -1);
	assert_int_equal(http_response_header(&res, "", "v"), -1);
	assert_int_equal(http_response_cookie(&res, "sid", "a;b", 0, 0), -1);
	assert_int_equal(http_response_cookie(&res, "sid", "a b", 0, 0), -1);
	assert_int_equal(http_response_cookie(&res, "s=id", "ab", 0, 0), -1);
	assert_int_equal(http_response_cookie(&res, "sid", "ab", 0, 0), 0);

	res.fd = open("/dev/null", O_RDONLY);
	strbuf_addstr(&res.body, "old");
	http_problem(&res, 404, NULL, "no \xff utf8", "f\"ld");
	assert_int_equal(res.fd, -1);
	assert_int_equal(res.status, 404);
	assert_string_equal(res.content_type, "application/problem+json");
	j = json_loadb(res.body.buf, res.body.len, 0, &e);
	assert_non_null(j);
	assert_string_equal(jstr(j, "title"), "Not Found");
	assert_null(json_object_get(j, "detail")); /* not UTF-8: left out */
	assert_string_equal(jstr(j, "field"), "f\"ld");
	json_decref(j);
	http_response_release(&res);
	assert_int_equal(res.hdrs.len, 0);
	assert_int_equal(res.body.len, 0);
}

static void test_start_errors(void **state)
{
	struct http_config cfg = { 0 };
	struct strbuf err = STRBUF_INIT;

	cfg.bind_addr = "localhost"; /* not numeric */
	assert_null(http_server_start(&cfg, handler, NULL, &err));
	assert_non_null(strstr(err.buf, "bad bind address"));

	strbuf_reset(&err);
	cfg.bind_addr = "127.0.0.1";
	cfg.tls = 1;
	cfg.tls_cert_pem_path = "/nonexistent/cert.pem";
	cfg.tls_key_pem_path = "/nonexistent/key.pem";
	assert_null(http_server_start(&cfg, handler, NULL, &err));
	assert_non_null(strstr(err.buf, "cert"));

	strbuf_reset(&err);
	cfg.tls = 0;
	cfg.port = fx.port; /* taken by the fixture */
	assert_null(http_server_start(&cfg, handler, NULL, &err));
	assert_non_null(strstr(err.buf, "cannot start"));
	strbuf_release(&err);
}

/* ---- tests: requests -------------------------------------------------- */

static void test_echo(void **state)
{
	struct reply r;
	json_t *j, *segs;

	fetch(&r, "GET", "/t/echo/a%2Fb/c%20d?q=hello%20world%26more&flag&UPPER=u",
	      "X-Test: yes\r\nCookie: sid=abc; other=1\r\n");
	assert_int_equal(r.status, 200);
	j = reply_json(&r);
	assert_string_equal(jstr(j, "method"), "GET");
	assert_string_equal(jstr(j, "path"), "/t/echo/a%2Fb/c%20d");
	assert_string_equal(jstr(j, "q"), "hello world&more");
	assert_string_equal(jstr(j, "flag"), "");
	assert_true(json_is_null(json_object_get(j, "nope")));
	/* names are case-sensitive (MHD's own lookup is not) */
	assert_true(json_is_null(json_object_get(j, "upper")));
	assert_string_equal(jstr(j, "xtest"), "yes");
	assert_string_equal(jstr(j, "sid"), "abc");
	assert_string_equal(jstr(j, "other"), "1");
	assert_true(json_is_null(json_object_get(j, "SID")));
	assert_string_equal(jstr(j, "ip"), "127.0.0.1");
	assert_int_equal(json_integer_value(json_object_get(j, "tls")), 0);
	assert_int_equal(json_integer_value(json_object_get(j, "body_len")), 0);
	segs = json_object_get(j, "segments");
	assert_int_equal(json_array_size(segs), 4);
	assert_string_equal(json_string_value(json_array_get(segs, 2)), "a/b");
	assert_string_equal(json_string_value(json_array_get(segs, 3)), "c d");
	json_decref(j);
	assert_security_headers(&r, 1);
	reply_release(&r);

	/* a bad escape in the path: the segment split refuses it */
	fetch(&r, "GET", "/t/echo/%zz", NULL);
	j = reply_json(&r);
	assert_int_equal(json_integer_value(json_object_get(j, "nseg")), -1);
	json_decref(j);
	reply_release(&r);
}

static void test_post_body(void **state)
{
	struct client c;
	struct reply r;
	char body[MAX_BODY];
	json_t *j;

	memset(body, 'b', sizeof(body));
	memcpy(body, "{\"k\":\"v\"}", 9);
	assert_int_equal(client_open(&c, fx.port), 0);
	client_sendf(&c, "POST /t/echo HTTP/1.1\r\nHost: x\r\n"
		     "Content-Type: application/json\r\n"
		     "Content-Length: %zu\r\n\r\n", sizeof(body));
	/* send the body in pieces, so the server accumulates */
	client_send(&c, body, 500);
	usleep(20000);
	client_send(&c, body + 500, sizeof(body) - 500);
	assert_int_equal(read_reply(&c, &r, 0), 0);
	assert_int_equal(r.status, 200);
	j = reply_json(&r);
	assert_string_equal(jstr(j, "method"), "POST");
	assert_int_equal(json_integer_value(json_object_get(j, "body_len")),
			 MAX_BODY);
	assert_true(json_is_true(json_object_get(j, "body_nul")));
	assert_memory_equal(jstr(j, "body"), body, sizeof(body));
	json_decref(j);
	reply_release(&r);

	/* a chunked body within the limit */
	client_sendf(&c, "POST /t/echo HTTP/1.1\r\nHost: x\r\n"
		     "Transfer-Encoding: chunked\r\n\r\n"
		     "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
	assert_int_equal(read_reply(&c, &r, 0), 0);
	j = reply_json(&r);
	assert_string_equal(jstr(j, "body"), "hello world");
	json_decref(j);
	reply_release(&r);
	client_close(&c);
}

static void test_keepalive(void **state)
{
	struct client c;
	struct reply r;
	int i;

	assert_int_equal(client_open(&c, fx.port), 0);
	/* one after the other */
	for (i = 0; i < 3; i++) {
		json_t *j;

		client_sendf(&c, "GET /t/echo?q=%d HTTP/1.1\r\nHost: x\r\n\r\n", i);
		assert_int_equal(read_reply(&c, &r, 0), 0);
		assert_int_equal(r.status, 200);
		j = reply_json(&r);
		assert_int_equal(atoi(jstr(j, "q")), i);
		json_decref(j);
		reply_release(&r);
	}
	/* pipelined: three requests in one write */
	client_sendf(&c, "GET /t/health HTTP/1.1\r\nHost: x\r\n\r\n"
		     "GET /t/echo?q=7 HTTP/1.1\r\nHost: x\r\n\r\n"
		     "HEAD /t/health HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(read_reply(&c, &r, 0), 0);
	assert_string_equal(r.body.buf, "{\"status\":\"ok\"}");
	reply_release(&r);
	assert_int_equal(read_reply(&c, &r, 0), 0);
	assert_non_null(strstr(r.body.buf, "\"q\":\"7\""));
	reply_release(&r);
	assert_int_equal(read_reply(&c, &r, 1), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(reply_header(&r, "Content-Length"), "15");
	reply_release(&r);
	client_close(&c);
}

static void test_cached(void **state)
{
	struct client c;
	struct reply r;
	int i;

	assert_int_equal(client_open(&c, fx.port), 0);
	for (i = 0; i < 5; i++) {
		client_sendf(&c, "GET /t/health HTTP/1.1\r\nHost: x\r\n\r\n");
		assert_int_equal(read_reply(&c, &r, 0), 0);
		assert_int_equal(r.status, 200);
		assert_string_equal(r.body.buf, "{\"status\":\"ok\"}");
		assert_string_equal(reply_header(&r, "Content-Type"),
				    "application/json");
		assert_security_headers(&r, 1);
		reply_release(&r);
	}
	client_close(&c);
}

static void test_too_large_declared(void **state)
{
	struct client c;
	struct reply r;
	struct pollfd pfd;

	assert_int_equal(client_open(&c, fx.port), 0);
	/* headers only: the server must answer without waiting for the body */
	client_sendf(&c, "POST /t/echo HTTP/1.1\r\nHost: x\r\n"
		     "Content-Length: 100000000\r\n\r\n");
	pfd.fd = c.fd;
	pfd.events = POLLIN;
	assert_int_equal(poll(&pfd, 1, 2000), 1);
	assert_int_equal(read_reply(&c, &r, 0), 0);
	assert_problem(&r, 413);
	assert_security_headers(&r, 1);
	reply_release(&r);
	/* and since the body was not read, the connection is closed */
	assert_true(client_eof(&c));
	client_close(&c);

	/* with Expect: 100-continue, the client never gets 100 */
	assert_int_equal(client_open(&c, fx.port), 0);
	client_sendf(&c, "PUT /t/echo HTTP/1.1\r\nHost: x\r\n"
		     "Expect: 100-continue\r\nContent-Length: %d\r\n\r\n",
		     MAX_BODY + 1);
	assert_int_equal(read_reply(&c, &r, 0), 0);
	assert_problem(&r, 413);
	reply_release(&r);
	client_close(&c);
}

static void test_too_large_chunked(void **state)
{
	struct client c;
	struct reply r;
	char chunk[600];
	int i;

	memset(chunk, 'c', sizeof(chunk));
	assert_int_equal(client_open(&c, fx.port), 0);
	client_sendf(&c, "POST /t/echo HTTP/1.1\r\nHost: x\r\n"
		     "Transfer-Encoding: chunked\r\n\r\n");
	for (i = 0; i < 3; i++) {
		client_sendf(&c, "%zx\r\n", sizeof(chunk));
		client_send(&c, chunk, sizeof(chunk));
		client_sendf(&c, "\r\n");
	}
	client_sendf(&c, "0\r\n\r\n");
	assert_int_equal(read_reply(&c, &r, 0), 0);
	assert_problem(&r, 413);
	reply_release(&r);
	/* the body was read to its end: the connection lives on */
	client_sendf(&c, "GET /t/echo?q=after HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(read_reply(&c, &r, 0), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.buf, "\"q\":\"after\""));
	reply_release(&r);
	client_close(&c);
}

/*
 * Uploads (paths ending in cfg.upload_suffix) may bring larger bodies than
 * other requests; all the bodies held at once have a budget, beyond which
 * a request is answered 503 with Retry-After, and which a finished request
 * gives back.
 */
static void test_upload_limits(void **state)
{
	struct client a, b;
	struct reply r;
	char body[8 * MAX_BODY];
	json_t *j;

	memset(body, 'u', sizeof(body));
	assert_int_equal(client_open(&a, fx.port), 0);
	client_sendf(&a, "POST /t/echo/import HTTP/1.1\r\nHost: x\r\n"
		     "Content-Length: %d\r\n\r\n", 5 * MAX_BODY);
	client_send(&a, body, 5 * MAX_BODY);
	assert_int_equal(read_reply(&a, &r, 0), 0);
	assert_int_equal(r.status, 200);
	j = reply_json(&r);
	assert_int_equal(json_integer_value(json_object_get(j, "body_len")), 5 * MAX_BODY);
	json_decref(j);
	reply_release(&r);
	client_close(&a);

	/* the same body elsewhere is too large, as is a larger upload */
	assert_int_equal(client_open(&a, fx.port), 0);
	client_sendf(&a, "POST /t/echo HTTP/1.1\r\nHost: x\r\n"
		     "Content-Length: %d\r\n\r\n", 5 * MAX_BODY);
	assert_int_equal(read_reply(&a, &r, 0), 0);
	assert_problem(&r, 413);
	reply_release(&r);
	client_close(&a);
	assert_int_equal(client_open(&a, fx.port), 0);
	client_sendf(&a, "POST /t/echo/import HTTP/1.1\r\nHost: x\r\n"
		     "Content-Length: %d\r\n\r\n", 8 * MAX_BODY + 1);
	assert_int_equal(read_reply(&a, &r, 0), 0);
	assert_problem(&r, 413);
	reply_release(&r);
	client_close(&a);

	/* one upload on its way holds 8 of the 12 KiB: a second is refused */
	assert_int_equal(client_open(&a, fx.port), 0);
	client_sendf(&a, "POST /t/echo/import HTTP/1.1\r\nHost: x\r\n"
		     "Content-Length: %d\r\n\r\n", 8 * MAX_BODY);
	client_send(&a, body, 100);
	usleep(50000);
	assert_int_equal(client_open(&b, fx.port), 0);
	client_sendf(&b, "POST /t/echo/import HTTP/1.1\r\nHost: x\r\n"
		     "Content-Length: %d\r\n\r\n", 6 * MAX_BODY);
	assert_int_equal(read_reply(&b, &r, 0), 0);
	assert_problem(&r, 503);
	assert_non_null(reply_header(&r, "Retry-After"));
	reply_release(&r);
	client_close(&b);
	/* a chunked one too, once it has sent more than is left */
	assert_int_equal(client_open(&b, fx.port), 0);
	client_sendf(&b, "POST /t/echo/import HTTP/1.1\r\nHost: x\r\n"
		     "Transfer-Encoding: chunked\r\n\r\n%x\r\n", 6 * MAX_BODY);
	client_send(&b, body, 6 * MAX_BODY);
	client_sendf(&b, "\r\n0\r\n\r\n");
	assert_int_equal(read_reply(&b, &r, 0), 0);
	assert_problem(&r, 503);
	reply_release(&r);
	client_close(&b);
	/* the first completes; then there is room again */
	client_send(&a, body + 100, 8 * MAX_BODY - 100);
	assert_int_equal(read_reply(&a, &r, 0), 0);
	assert_int_equal(r.status, 200);
	reply_release(&r);
	client_close(&a);
	usleep(50000); /* the completion callback gives the budget back */
	assert_int_equal(client_open(&b, fx.port), 0);
	client_sendf(&b, "POST /t/echo/import HTTP/1.1\r\nHost: x\r\n"
		     "Content-Length: %d\r\n\r\n", 6 * MAX_BODY);
	client_send(&b, body, 6 * MAX_BODY);
	assert_int_equal(read_reply(&b, &r, 0), 0);
	assert_int_equal(r.status, 200);
	reply_release(&r);
	client_close(&b);
}

static void test_problem(void **state)
{
	struct reply r;
	json_t *j;

	fetch(&r, "GET", "/t/problem", NULL);
	assert_problem(&r, 422);
	assert_security_headers(&r, 1);
	j = reply_json(&r);
	assert_string_equal(jstr(j, "title"), "Bad \"name\" 名称");
	assert_string_equal(jstr(j, "detail"), "line1\nline2 <x>");
	assert_string_equal(jstr(j, "field"), "name");
	assert_int_equal(json_object_size(j), 5);
	json_decref(j);
	reply_release(&r);

	/* a handler that answers nothing gives a 500 problem */
	fetch(&r, "GET", "/t/none", NULL);
	assert_problem(&r, 500);
	reply_release(&r);
}

static void test_cookie_and_scratch(void **state)
{
	struct reply r;
	int i, seen = 0;

	fetch(&r, "GET", "/t/cookie", NULL);
	assert_int_equal(r.status, 204);
	assert_string_equal(reply_header(&r, "X-Extra"), "1");
	assert_int_equal(reply_header_count(&r, "Set-Cookie"), 2);
	for (i = 0; i < r.nr_hdrs; i++) {
		if (strcasecmp(r.name[i], "Set-Cookie"))
			continue;
		if (!strncmp(r.value[i], "sid=", 4)) {
			assert_string_equal(r.value[i],
					    "sid=abc123; Path=/; Max-Age=3600; "
					    "HttpOnly; Secure; SameSite=Strict");
			seen |= 1;
		} else {
			assert_string_equal(r.value[i],
					    "csrf=tok; Path=/; SameSite=Lax");
			seen |= 2;
		}
	}
	assert_int_equal(seen, 3);
	assert_security_headers(&r, 1);
	reply_release(&r);

	fetch(&r, "GET", "/t/scratch?a=1&b=2&c", NULL);
	assert_string_equal(r.body.buf, "scratch x 3");
	reply_release(&r);
}

static void test_access_log_line(void **state)
{
	struct strbuf logs = STRBUF_INIT;
	struct reply r;
	int i;

	fetch(&r, "GET", "/t/echo/logged?q=private%20search", NULL);
	reply_release(&r);
	/* the line is written after the response went out: wait a little */
	for (i = 0; i < 400; i++) {
		copy_logs(&logs);
		if (strstr(logs.buf, "GET /t/echo/logged "))
			break;
		usleep(5000);
	}
	assert_non_null(strstr(logs.buf, "\nGET /t/echo/logged 200 "));
	assert_null(strstr(logs.buf, "private"));
	assert_null(strstr(logs.buf, "?"));
	strbuf_release(&logs);
}

static void test_malformed(void **state)
{
	struct client c;
	struct reply r;
	struct strbuf big = STRBUF_INIT;
	size_t i;

	/* nonsense: an error answer or a close, and no leak (ASan) */
	assert_int_equal(client_open(&c, fx.port), 0);
	client_sendf(&c, "GARBAGE\r\n\r\n");
	if (read_reply(&c, &r, 0) == 0) {
		assert_true(r.status >= 400);
		reply_release(&r);
	}
	client_close(&c);

	/* a header block larger than MHD's per-connection memory */
	assert_int_equal(client_open(&c, fx.port), 0);
	strbuf_addstr(&big, "GET /t/echo HTTP/1.1\r\nHost: x\r\n");
	for (i = 0; i < 2000; i++)
		strbuf_addf(&big, "X-Pad-%zu: %040zu\r\n", i, i);
	strbuf_addstr(&big, "\r\n");
	send(c.fd, big.buf, big.len, MSG_NOSIGNAL);
	if (read_reply(&c, &r, 0) == 0) {
		assert_true(r.status >= 400);
		reply_release(&r);
	}
	client_close(&c);
	strbuf_release(&big);

	/* a client that sends half a request and hangs up */
	assert_int_equal(client_open(&c, fx.port), 0);
	client_sendf(&c, "POST /t/echo HTTP/1.1\r\nHost: x\r\n"
		     "Content-Length: 100\r\n\r\nabc");
	usleep(20000);
	client_close(&c);

	/* the server still answers */
	fetch(&r, "GET", "/t/health", NULL);
	assert_int_equal(r.status, 200);
	reply_release(&r);
}

/* ---- tests: static files ---------------------------------------------- */

static void test_static_index(void **state)
{
	struct reply r;
	const char *paths[] = { "/", "/index.html", "/some/route",
				"/subjects/42/edit", "/up" };
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
		fetch(&r, "GET", paths[i], NULL);
		assert_int_equal(r.status, 200);
		assert_string_equal(r.body.buf, "<!doctype html><p>INDEX</p>\n");
		assert_string_equal(reply_header(&r, "Content-Type"),
				    "text/html; charset=utf-8");
		assert_string_equal(reply_header(&r, "Cache-Control"),
				    "no-cache");
		assert_security_headers(&r, 0);
		reply_release(&r);
	}
}

static void test_static_files(void **state)
{
	struct reply r;
	char etag[128], hdr[200];

	fetch(&r, "GET", "/style.css", NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body.buf, "p{color:red}\n");
	assert_string_equal(reply_header(&r, "Content-Type"),
			    "text/css; charset=utf-8");
	assert_string_equal(reply_header(&r, "Cache-Control"), "no-cache");
	reply_release(&r);
	/* the web app manifest (installing to a phone's home screen) */
	fetch(&r, "GET", "/manifest.webmanifest", NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(reply_header(&r, "Content-Type"), "application/manifest+json");
	reply_release(&r);

	/* hashed assets: immutable; the .gz sibling when gzip is accepted */
	fetch(&r, "GET", "/assets/app.js", NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body.buf, "console.log('plain')\n");
	assert_null(reply_header(&r, "Content-Encoding"));
	assert_string_equal(reply_header(&r, "Cache-Control"),
			    "public, max-age=31536000, immutable");
	assert_string_equal(reply_header(&r, "Vary"), "Accept-Encoding");
	reply_release(&r);
	fetch(&r, "GET", "/assets/app.js", "Accept-Encoding: br, gzip;q=0.8\r\n");
	assert_string_equal(r.body.buf, "GZIPPED-BYTES");
	assert_string_equal(reply_header(&r, "Content-Encoding"), "gzip");
	assert_string_equal(reply_header(&r, "Content-Type"),
			    "text/javascript; charset=utf-8");
	reply_release(&r);
	fetch(&r, "GET", "/assets/app.js", "Accept-Encoding: gzip;q=0, br\r\n");
	assert_string_equal(r.body.buf, "console.log('plain')\n");
	reply_release(&r);

	/* ETag, then 304 */
	fetch(&r, "GET", "/assets/app.js", NULL);
	assert_non_null(reply_header(&r, "ETag"));
	snprintf(etag, sizeof(etag), "%s", reply_header(&r, "ETag"));
	reply_release(&r);
	snprintf(hdr, sizeof(hdr), "If-None-Match: \"zzz\", %s\r\n", etag);
	fetch(&r, "GET", "/assets/app.js", hdr);
	assert_int_equal(r.status, 304);
	assert_string_equal(reply_header(&r, "ETag"), etag);
	assert_security_headers(&r, 0);
	reply_release(&r);
	/* the gzip variant has its own tag */
	snprintf(hdr, sizeof(hdr), "If-None-Match: %s\r\n"
		 "Accept-Encoding: gzip\r\n", etag);
	fetch(&r, "GET", "/assets/app.js", hdr);
	assert_int_equal(r.status, 200);
	assert_string_not_equal(reply_header(&r, "ETag"), etag);
	reply_release(&r);

	/* HEAD: headers with the length, no body */
	fetch(&r, "HEAD", "/style.css", NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(reply_header(&r, "Content-Length"), "13");
	assert_int_equal(r.body.len, 0);
	reply_release(&r);

	fetch(&r, "GET", "/favicon.png", NULL);
	assert_string_equal(reply_header(&r, "Content-Type"), "image/png");
	assert_null(reply_header(&r, "Vary"));
	reply_release(&r);
}

static void test_static_refusals(void **state)
{
	struct reply r;
	const char *not_found[] = {
		"/missing.js", "/assets/nope.css", "/.env", "/escape.txt",
		"/up/secret.txt", "/api/anything", "/api",
	};
	const char *bad[] = {
		"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
		"/assets/..%2f..%2fsecret.txt", "/assets/%2e%2e/../secret.txt",
		"/a%00b", "/..%5csecret.txt", "/assets\\..\\..\\secret.txt",
		"/./index.html", "/%zz", "/assets%2f..%2f..%2fsecret.txt",
		"/assets%2F%2E%2E%2F%2E%2E%2Fsecret.txt",
	};
	size_t i;

	for (i = 0; i < sizeof(not_found) / sizeof(*not_found); i++) {
		fetch(&r, "GET", not_found[i], NULL);
		assert_problem(&r, 404);
		assert_null(strstr(r.body.buf, "TOPSECRET"));
		reply_release(&r);
	}
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		fetch(&r, "GET", bad[i], NULL);
		assert_true(r.status == 400 || r.status == 404);
		assert_string_equal(reply_header(&r, "Content-Type"),
				    "application/problem+json");
		assert_null(strstr(r.body.buf, "TOPSECRET"));
		reply_release(&r);
	}
	fetch(&r, "POST", "/index.html", "Content-Length: 0\r\n");
	assert_problem(&r, 405);
	assert_string_equal(reply_header(&r, "Allow"), "GET, HEAD");
	reply_release(&r);
}

/* ---- stopping --------------------------------------------------------- */

static void test_stop(void **state)
{
	struct http_config cfg = { 0 };
	struct strbuf err = STRBUF_INIT;
	struct http_server *srv;
	struct client c, idle;
	struct reply r;
	unsigned short port;

	cfg.threads = 2;
	srv = http_server_start(&cfg, handler, &fx, &err);
	assert_non_null(srv);
	port = http_server_port(srv);
	assert_int_not_equal(port, 0);
	assert_int_equal(client_open(&c, port), 0);
	client_sendf(&c, "GET /t/echo HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(read_reply(&c, &r, 0), 0);
	reply_release(&r);
	assert_int_equal(client_open(&idle, port), 0); /* idle, no request */

	http_server_stop(srv);
	/* open connections were closed, the port no longer listens */
	assert_true(client_eof(&c));
	assert_true(client_eof(&idle));
	client_close(&c);
	client_close(&idle);
	assert_int_equal(client_open(&c, port), -1);
	strbuf_release(&err);
}

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/*
 * A request that may write runs on a write thread: a slow POST does not hold
 * up a GET on another connection of the same (only) epoll thread, and
 * stopping the server waits for a POST in flight.
 */
static void test_write_threads(void **state)
{
	struct http_config cfg = { 0 };
	struct strbuf err = STRBUF_INIT;
	struct http_server *srv;
	struct client slow, quick;
	struct reply r;
	unsigned short port;
	int64_t t0;
	int before;

	cfg.threads = 1;
	cfg.write_threads = 2;
	srv = http_server_start(&cfg, handler, &fx, &err);
	assert_non_null(srv);
	port = http_server_port(srv);
	assert_int_equal(client_open(&slow, port), 0);
	assert_int_equal(client_open(&quick, port), 0);
	t0 = now_ms();
	client_sendf(&slow, "POST /t/slow HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
	usleep(50 * 1000);
	client_sendf(&quick, "GET /t/echo HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(read_reply(&quick, &r, 0), 0);
	assert_int_equal(r.status, 200);
	assert_true(now_ms() - t0 < 250); /* not after the slow one */
	reply_release(&r);
	assert_int_equal(read_reply(&slow, &r, 0), 0);
	assert_int_equal(r.status, 200);
	assert_true(now_ms() - t0 >= 300);
	assert_memory_equal(r.body.buf, "slow POST", 9);
	reply_release(&r);
	/* the same connection again, then a stop while a POST is in flight */
	before = __atomic_load_n(&slow_done, __ATOMIC_SEQ_CST);
	client_sendf(&slow, "PATCH /t/slow HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
	usleep(50 * 1000);
	http_server_stop(srv);
	assert_int_equal(__atomic_load_n(&slow_done, __ATOMIC_SEQ_CST), before + 1);
	client_close(&slow);
	client_close(&quick);
	strbuf_release(&err);
}

/*
 * Long polling: a parked request holds no thread (another request on the
 * same, only, epoll thread is answered meanwhile), is sent what the resumer
 * fills in, once; one still parked at the stop gets what its handler left.
 */
static void test_park(void **state)
{
	struct http_config cfg = { 0 };
	struct strbuf err = STRBUF_INIT;
	struct http_server *srv;
	struct client waiting, quick;
	struct http_request *req;
	struct reply r;
	unsigned short port;

	cfg.threads = 1;
	srv = http_server_start(&cfg, handler, &fx, &err);
	assert_non_null(srv);
	port = http_server_port(srv);
	assert_int_equal(client_open(&waiting, port), 0);
	assert_int_equal(client_open(&quick, port), 0);
	client_sendf(&waiting, "GET /t/park HTTP/1.1\r\nHost: x\r\n\r\n");
	req = take_parked(2000);
	assert_non_null(req);
	client_sendf(&quick, "GET /t/echo HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(read_reply(&quick, &r, 0), 0);
	assert_int_equal(r.status, 200);
	reply_release(&r);
	assert_int_equal(http_request_resume(req, fill_resumed, (void *)"resumed"), 0);
	assert_int_equal(read_reply(&waiting, &r, 0), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, 7);
	assert_memory_equal(r.body.buf, "resumed", 7);
	reply_release(&r);
	/* the same connection parks again; the stop answers it */
	client_sendf(&waiting, "GET /t/park HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_non_null(take_parked(2000));
	http_server_stop(srv);
	assert_int_equal(read_reply(&waiting, &r, 0), 0);
	assert_int_equal(r.status, 200);
	assert_memory_equal(r.body.buf, "left", 4);
	reply_release(&r);
	client_close(&waiting);
	client_close(&quick);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_decode),
		cmocka_unit_test(test_response_helpers),
		cmocka_unit_test(test_start_errors),
		cmocka_unit_test(test_echo),
		cmocka_unit_test(test_post_body),
		cmocka_unit_test(test_keepalive),
		cmocka_unit_test(test_cached),
		cmocka_unit_test(test_too_large_declared),
		cmocka_unit_test(test_too_large_chunked),
		cmocka_unit_test(test_problem),
		cmocka_unit_test(test_cookie_and_scratch),
		cmocka_unit_test(test_access_log_line),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_static_index),
		cmocka_unit_test(test_static_files),
		cmocka_unit_test(test_static_refusals),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_write_threads),
		cmocka_unit_test(test_upload_limits),
		cmocka_unit_test(test_park),
	};

	return cmocka_run_group_tests_name("http", tests, setup, teardown);
}
