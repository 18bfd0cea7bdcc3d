/*
 * api.c: the front of the API: dispatch by the route table (routes.c),
 * sessions and CSRF, the rule of the initial password, the writer; the
 * handlers of login, logout, the current user, password change and
 * metadata, the answers of the fallback routes (404, 405), and the JSON
 * reply helpers the other api files share.  Entity routes are in
 * api_entity.c, the administrators' in api_admin.c, the monthly
 * determination's in api_assess.c.
 */
#include "api/api.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/statvfs.h>

#include "api/api_int.h"
#include "base/alloc.h"
#include "db/group_commit.h"
#include "api/openapi.h"
#include "assess/figure_keys.h"
#include "base/date.h"
#include "base/log.h"
#include "base/ratelimit.h"
#include "base/validate.h"
#include "db/db.h"
#include "db/replica.h"
#include "http/static.h"
#include "model/dict.h"
#include "model/enums.h"
#include "model/grants.h"
#include "model/scope.h"
#include "version.h"

#define SESSION_COOKIE "sanling_session"
#define CSRF_COOKIE "sanling_csrf"
#define CSRF_HEADER "X-CSRF-Token"

/* ---- replies ---- */

void reply_json(struct call *c, unsigned status, json_t *body)
{
	/* 15 digits: money (fen / 100) and coordinates print as written */
	char *s = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(15));

	json_decref(body);
	if (!s) {
		http_problem(c->res, 500, NULL, "JSON 序列化失败", NULL);
		return;
	}
	strbuf_release(&c->res->body);
	strbuf_addstr(&c->res->body, s);
	free(s);
	c->res->status = status;
	c->res->content_type = "application/json; charset=utf-8";
}

void reply_json_text(struct call *c, unsigned status, struct strbuf *body)
{
	struct strbuf old = c->res->body;

	c->res->body = *body;
	*body = old;
	strbuf_reset(body);
	c->res->status = status;
	c->res->content_type = "application/json; charset=utf-8";
}

void reply_problem(struct call *c, unsigned status, const char *detail, const char *field)
{
	if (status == 403 || status == 404) {
		/* kept for the audit of refusals, after the answer (api_denial.c) */
		size_t n = detail ? strlen(detail) : 0;
		char *copy = http_request_alloc(c->req, n + 1);

		if (n)
			memcpy(copy, detail, n);
		c->refused = copy;
	}
	http_problem(c->res, status, NULL, detail, field);
}

void reply_model_error(struct call *c, const struct model_error *e)
{
	int status = model_status(e->code);

	if (status == 500) {
		log_error("%s %s: %s", c->req->method, c->req->path, e->msg.buf);
		reply_problem(c, 500, "服务器内部错误", NULL);
		return;
	}
	reply_problem(c, (unsigned)status, e->msg.buf, e->field);
}

void reply_result(struct call *c, int ret, const struct model_error *e, json_t *out)
{
	if (ret)
		reply_model_error(c, e);
	else
		reply_json(c, 200, out);
}

struct allowed_params {
	const char *const *names;
	const char *bad;
};

static int allowed_param(void *cls, const char *name, const char *value)
{
	struct allowed_params *al = cls;
	size_t i;

	(void)value;
	for (i = 0; al->names[i]; i++)
		if (!strcmp(al->names[i], name))
			return 0;
	al->bad = name;
	return 1;
}

int refuse_unknown_params(struct call *c, const char *const *names)
{
	struct allowed_params al = { names, NULL };

	http_query_each(c->req, allowed_param, &al);
	if (al.bad) {
		reply_problem(c, 400, "未知的查询参数", al.bad);
		return -1;
	}
	return 0;
}

void reply_filename(struct call *c, const char *ascii, const char *name)
{
	struct strbuf v = STRBUF_INIT;
	const char *p;

	strbuf_addstr(&v, "attachment; filename=\"");
	for (p = ascii ? ascii : name; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		strbuf_addch(&v, ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\' ? ch : '_');
	}
	strbuf_addstr(&v, "\"; filename*=UTF-8''");
	for (p = name; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    ch == '.' || ch == '-' || ch == '_')
			strbuf_addch(&v, ch);
		else
			strbuf_addf(&v, "%%%02X", ch);
	}
	http_response_header(c->res, "Content-Disposition", v.buf);
	strbuf_release(&v);
}

int query_table_format(struct call *c, enum table_format *fmt)
{
	const char *f = http_query(c->req, "format");

	if (!f || !strcmp(f, "xlsx")) {
		*fmt = TABLE_XLSX;
		return 0;
	}
	if (!strcmp(f, "csv")) {
		*fmt = TABLE_CSV;
		return 0;
	}
	reply_problem(c, 400, "format 应为 csv 或 xlsx", "format");
	return -1;
}

void reply_no_content(struct call *c)
{
	c->res->status = 204;
	strbuf_release(&c->res->body);
}

int read_json_object(struct call *c, json_t **out)
{
	return read_json_limit(c, c->app->max_json, out);
}

int read_json_limit(struct call *c, size_t max, json_t **out)
{
	const char *ct = http_header(c->req, "Content-Type");
	json_error_t jerr;
	json_t *j;

	*out = NULL;
	if (c->req->body_len > max) {
		reply_problem(c, 413, "请求体过大", NULL);
		return -1;
	}
	if (!ct || strncasecmp(ct, "application/json", 16)) {
		reply_problem(c, 415, "请求体应为 application/json", NULL);
		return -1;
	}
	if (!utf8_valid(c->req->body, c->req->body_len)) {
		reply_problem(c, 400, "请求体不是有效的 UTF-8", NULL);
		return -1;
	}
	j = json_loadb(c->req->body, c->req->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j) {
		struct strbuf msg = STRBUF_INIT;
		strbuf_addf(&msg, "JSON 格式错误（第 %d 行第 %d 列）：%s", jerr.line, jerr.column,
			    jerr.text);
		reply_problem(c, 400, msg.buf, NULL);
		strbuf_release(&msg);
		return -1;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		reply_problem(c, 400, "请求体应为 JSON 对象", NULL);
		return -1;
	}
	*out = j;
	return 0;
}

/* ---- list parameters from the query string ---- */

struct qp {
	struct http_request *req;
	const char *skip; /* a parameter of the endpoint, not a list filter */
	void (*cb)(void *, const char *);
	void *cbctx;
};

static const char *qp_get(void *ctx, const char *name)
{
	struct qp *q = ctx;

	if (q->skip && !strcmp(name, q->skip))
		return NULL;
	return http_query(q->req, name);
}

static int qp_each_one(void *cls, const char *name, const char *value)
{
	struct qp *q = cls;

	if (!q->skip || strcmp(name, q->skip))
		q->cb(q->cbctx, name);
	return 0;
}

static void qp_each(void *ctx, void (*cb)(void *cbctx, const char *name), void *cbctx)
{
	struct qp *q = ctx;

	q->cb = cb;
	q->cbctx = cbctx;
	http_query_each(q->req, qp_each_one, q);
}

void call_list_params(struct call *c, struct list_params *p, const char *skip)
{
	struct qp *q = http_request_alloc(c->req, sizeof(*q));

	q->req = c->req;
	q->skip = skip;
	p->get = qp_get;
	p->each = qp_each;
	p->ctx = q;
}

/* ---- sessions ---- */

static void set_session_cookies(struct call *c, const char *token, const char *csrf, long max_age)
{
	unsigned secure = c->app->tls ? HTTP_COOKIE_SECURE : 0;

	http_response_cookie(c->res, SESSION_COOKIE, token, max_age, secure);
	http_response_cookie(c->res, CSRF_COOKIE, csrf, max_age, secure | HTTP_COOKIE_SCRIPT);
}

/*
 * The account as its pages need it.  A city's or province's office also gets
 * its region's name: the regions it reads are the districts under it, so the
 * browser could not look the name of its own city up.
 */
/* `a`, or an empty array when it is NULL (a list that could not be read). */
static json_t *or_empty(json_t *a)
{
	return a ? a : json_array();
}

static json_t *me_json(struct db *db, const struct actor *a)
{
	struct strbuf err = STRBUF_INIT;
	char *region_name = NULL;
	json_t *me;

	if (a->region && db_query_value(db, "SELECT name FROM regions WHERE code = ?",
					(const char *[]){ a->region }, 1, &region_name, &err))
		region_name = NULL; /* a page without the name still works */
	me = json_pack("{ss ss ss* ss* ss* ss* ss* sb ss* ss* ss* ss*}",
		       "username", a->username, "role", role_code(a->role),
		       "role_label", role_label(a->role), "department", a->dept,
		       "district", a->district, "township", a->township, "grid", a->grid,
		       "must_change", a->must_change, "village", a->village,
		       "subject", a->subject, "region", a->region, "region_name", region_name);
	/* what the districts granted it: the lists it may write, and where */
	if (a->role == ROLE_REGION)
		json_object_set_new(me, "grants", or_empty(grants_held(db, a)));
	free(region_name);
	strbuf_release(&err);
	return me;
}

/* 429 with Retry-After: the source must wait until `retry_at` (epoch ms). */
static void reply_delayed(struct call *c, int64_t retry_at, const char *what)
{
	struct strbuf detail = STRBUF_INIT;
	char secs[24];
	int64_t wait = (retry_at - time_now_ms() + 999) / 1000;

	if (wait < 1)
		wait = 1;
	snprintf(secs, sizeof(secs), "%lld", (long long)wait);
	strbuf_addf(&detail, "%s次数过多，请 %lld 秒后再试", what, (long long)wait);
	reply_json(c, 429, json_pack("{ss ss si ss sI}", "type", "about:blank",
				     "title", "Too Many Requests", "status", 429,
				     "detail", detail.buf, "retry_after", (json_int_t)wait));
	c->res->content_type = "application/problem+json";
	http_response_header(c->res, "Retry-After", secs);
	strbuf_release(&detail);
}

void api_login(struct call *c)
{
	struct strbuf token = STRBUF_INIT, csrf = STRBUF_INIT, err = STRBUF_INIT;
	json_t *in = NULL, *ju, *jp;
	int must_change = 0;
	int64_t retry_at = 0;
	enum login_result r;

	if (read_json_object(c, &in))
		return;
	ju = json_object_get(in, "username");
	jp = json_object_get(in, "password");
	if (json_object_size(in) != 2 || !json_is_string(ju) || !json_is_string(jp)) {
		reply_problem(c, 400, "请求体应为 {\"username\": 字符串, \"password\": 字符串}", NULL);
		goto cleanup;
	}
	if (json_string_length(ju) > 64 || json_string_length(jp) > 256) {
		reply_problem(c, 422, "用户名或密码过长", NULL);
		goto cleanup;
	}
	r = session_login(c->db, json_string_value(ju), json_string_value(jp), c->req->client_ip,
			  http_cookie(c->req, SESSION_COOKIE), &token, &csrf, &must_change,
			  &retry_at, &err);
	if (r == LOGIN_OK) {
		struct session s;
		set_session_cookies(c, token.buf, csrf.buf, -1);
		if (session_lookup(c->db, token.buf, c->req->client_ip, &s, &err) == SESSION_OK) {
			json_t *me = me_json(c->db, &s.actor);
			reply_json(c, 200, json_pack("{ss sb so}", "csrf_token", csrf.buf,
						     "must_change", must_change, "user", me));
		} else {
			reply_problem(c, 500, "服务器内部错误", NULL);
		}
		session_release(&s);
	} else if (r == LOGIN_DELAYED) {
		api_metrics_login_failed(1);
		reply_delayed(c, retry_at, "登录失败");
	} else if (r == LOGIN_BAD) {
		api_metrics_login_failed(0);
		reply_problem(c, 401, "用户名或密码错误", NULL);
	} else if (r == LOGIN_BUSY) {
		log_error("login: %s", err.buf);
		reply_problem(c, 503, "服务器繁忙，请稍后重试", NULL);
	} else {
		log_error("login: %s", err.buf);
		reply_problem(c, 500, "服务器内部错误", NULL);
	}
cleanup:
	json_decref(in);
	strbuf_release(&token);
	strbuf_release(&csrf);
	strbuf_release(&err);
}

void api_password(struct call *c)
{
	struct model_error e;
	json_t *in = NULL, *jo, *jn;
	int64_t retry_at = 0;
	int rc;

	if (read_json_object(c, &in))
		return;
	jo = json_object_get(in, "old_password");
	jn = json_object_get(in, "new_password");
	if (json_object_size(in) != 2 || !json_is_string(jo) || !json_is_string(jn)) {
		reply_problem(c, 400, "请求体应为 {\"old_password\": 字符串, \"new_password\": 字符串}",
			      NULL);
		goto cleanup;
	}
	model_error_init(&e);
	rc = session_change_password(c->db, &c->sess.actor, json_string_value(jo),
				     json_string_value(jn), c->sess.token_hash, &retry_at, &e);
	if (rc == 0)
		reply_no_content(c);
	else if (rc == MODEL_ELIMIT)
		reply_delayed(c, retry_at, "原密码输错");
	else
		reply_model_error(c, &e);
	model_error_release(&e);
cleanup:
	json_decref(in);
}

/* Does `grants` (grants_held()) name list `name`? */
static int granted_list(const json_t *grants, const char *name)
{
	size_t i;

	for (i = 0; i < json_array_size(grants); i++)
		if (!strcmp(json_string_value(json_object_get(json_array_get(grants, i), "list")),
			    name))
			return 1;
	return 0;
}

void api_meta(struct call *c)
{
	json_t *ents = json_array(), *roles = json_array(), *m, *grants = NULL;
	const struct actor *a = &c->sess.actor;
	size_t i;
	int r;

	if (a->role == ROLE_REGION)
		grants = or_empty(grants_held(c->db, a));
	for (i = 0; entities[i]; i++) {
		if (!entity_can_read(entities[i], a) && !entity_can_write(entities[i], a))
			continue;
		m = entity_meta(entities[i], a);
		/* a region account writes a list where a district granted it (/me says where) */
		if (grants && !granted_list(grants, entities[i]->name))
			json_object_set_new(m, "can_write", json_false());
		json_array_append_new(ents, m);
	}
	json_decref(grants);
	for (r = ROLE_OFFICE; r < ROLE_SYSTEM; r++)
		json_array_append_new(roles, json_pack("{ss ss}", "code", role_code((enum role)r),
						       "label", role_label((enum role)r)));
	reply_json(c, 200, json_pack("{so so so so so so}", "entities", ents, "enums", dict_meta(),
				     "roles", roles, "me", me_json(c->db, &c->sess.actor),
				     "figures", figure_keys_json(), "names", entity_names()));
}

void api_logout(struct call *c)
{
	struct strbuf err = STRBUF_INIT;

	if (session_logout(c->db, &c->sess, &err))
		reply_problem(c, 500, "服务器内部错误", NULL);
	else
		reply_no_content(c);
	set_session_cookies(c, "", "", 0);
	strbuf_release(&err);
}

void api_me(struct call *c)
{
	reply_json(c, 200, me_json(c->db, &c->sess.actor));
}

/* Answered by api_handle() before a path is split; here for the table's sake. */
void api_health(struct call *c)
{
	c->res->cached = c->app->health;
	c->res->status = 200;
}

void api_openapi(struct call *c)
{
	c->res->cached = c->app->openapi;
	c->res->status = 200;
}

void api_no_route(struct call *c)
{
	reply_problem(c, 404, "没有这个接口", NULL);
}

void api_not_supported(struct call *c)
{
	reply_problem(c, 405, "不支持的方法", NULL);
}

void api_only_get(struct call *c)
{
	reply_problem(c, 405, "只接受 GET", NULL);
}

void api_only_post(struct call *c)
{
	reply_problem(c, 405, "只接受 POST", NULL);
}

/* ---- dispatch ---- */

/* The session's key for the read replicas: the start of its token's hash, which is random. */
static uint64_t session_key(const struct call *c)
{
	char head[17];

	memcpy(head, c->sess.token_hash, 16);
	head[16] = '\0';
	return strtoull(head, NULL, 16);
}

/*
 * A GET of route `r` on a read replica (serve --db-read): 1 when it was
 * answered there; 0 when it is for the primary — no replica has replayed
 * the session's own last write in time, or none is to be had, or the try
 * met a failure there (a write refused as read-only, the connection lost):
 * then nothing of the try is left in the answer, its log lines dropped.
 * Session lookup and touch are done before, the audit of a read after it
 * (model_audit_db), both on the primary.
 */
static int run_on_replica(struct call *c, const struct route *r)
{
	struct strbuf held = STRBUF_INIT, why = STRBUF_INIT;
	struct db *primary = c->db;
	struct db_read rd;
	int kept;

	if (!c->app->replicas || strcmp(c->req->method, "GET") ||
	    (r->flags & (R_PRIMARY | R_WRITER | R_ALONE)))
		return 0;
	db_read_begin(c->app->replicas, session_key(c), &rd);
	if (!rd.db)
		return 0;
	c->db = c->mc.db = rd.db;
	c->mc.primary = primary;
	log_hold(&held);
	r->handle(c);
	log_hold(NULL);
	c->db = c->mc.db = primary;
	c->mc.primary = NULL;
	kept = !db_read_end(c->app->replicas, &rd, &why);
	if (kept) {
		log_held(&held);
	} else {
		/* a read that writes is no news; a failure of another kind is */
		if (!strcmp(rd.why, "error"))
			log_warn("%s %s: read again on the primary: %s", c->req->method,
				 c->req->path, why.buf);
		else
			log_debug("%s %s: read again on the primary (%s: %s)", c->req->method,
				  c->req->path, rd.why, why.buf);
		http_response_release(c->res);
		c->refused = NULL;
		c->wait = NULL;
	}
	strbuf_release(&held);
	strbuf_release(&why);
	return kept;
}

/* Run the handler of route `r` on the connection its flags ask for. */
static void run(struct call *c, const struct route *r)
{
	struct strbuf err = STRBUF_INIT;
	struct db *pooled = c->db;
	uint64_t batch;

	if (run_on_replica(c, r))
		return;
	if (!c->app->writes || !(r->flags & (R_ALONE | R_WRITER))) {
		r->handle(c);
		return;
	}
	/* a create, update or import queues its transaction on the writer itself (entity_write.c) */
	if (r->flags & R_ALONE) {
		c->mc.writes = c->app->writes;
		r->handle(c);
		c->mc.writes = NULL;
		return;
	}
	/* another write: on the writer connection, durable with its batch */
	c->db = c->mc.db = group_commit_enter(c->app->writes, &batch, &err);
	if (!c->db) {
		c->db = c->mc.db = pooled;
		log_error("write batch: %s", err.buf);
		strbuf_release(&err);
		reply_problem(c, 503, "服务器繁忙，请稍后重试", NULL);
		return;
	}
	r->handle(c);
	if (group_commit_leave(c->app->writes, batch, &err)) {
		log_error("write batch commit: %s", err.buf);
		reply_problem(c, 500, "保存失败，请重试", NULL);
	}
	strbuf_release(&err);
	c->db = c->mc.db = pooled;
}

/* The session of the request into c->sess; 0, or -1 with the answer made. */
static int authenticate(struct call *c)
{
	struct strbuf err = STRBUF_INIT;
	enum session_state st;

	st = session_lookup(c->db, http_cookie(c->req, SESSION_COOKIE), c->req->client_ip,
			    &c->sess, &err);
	if (st == SESSION_ERROR) {
		log_error("session: %s", err.buf);
		strbuf_release(&err);
		reply_problem(c, 500, "服务器内部错误", NULL);
		return -1;
	}
	strbuf_release(&err);
	if (st != SESSION_OK) {
		if (st == SESSION_EXPIRED)
			set_session_cookies(c, "", "", 0);
		reply_problem(c, 401, st == SESSION_EXPIRED ? "会话已过期，请重新登录" : "请先登录",
			      NULL);
		return -1;
	}
	c->authed = 1;
	c->mc.db = c->db;
	c->mc.actor = &c->sess.actor;
	c->mc.keys = &c->app->keys;
	c->mc.import_max_rows = c->app->import_max_rows;
	return 0;
}

/*
 * Is a region account (an office above the districts) kept from route `r`
 * (then answered 403)?  It calls the routes flagged R_REGION, and the
 * entity writes flagged R_GRANTED of a list a district may grant it: those
 * reach the handler, and the model writes only where a district did grant
 * it the list.  An entity write of another list is refused here, saying why.
 */
static int region_refused(struct call *c, const struct route *r)
{
	struct model_error e;

	if (r->flags & R_REGION)
		return 0;
	if (!(r->flags & R_GRANTED) || !c->args.ed) {
		reply_problem(c, 403, "无权执行此操作", NULL);
		return 1;
	}
	model_error_init(&e);
	if (!scope_region_writable(c->args.ed, &c->sess.actor, &e)) {
		model_error_release(&e);
		return 0;
	}
	reply_model_error(c, &e);
	model_error_release(&e);
	return 1;
}

/*
 * A request below /api/v1, by the route table (routes.c): CSRF for every
 * write, the public routes, the session, the initial password, the route's
 * own role rule and check, then its handler.
 */
static void route(struct call *c, const char **seg, int nseg)
{
	const char *m = c->req->method;
	const char *csrf = http_header(c->req, CSRF_HEADER);
	const struct route *r;

	/* /api/v1/... : seg[0] = "api", seg[1] = "v1" */
	if (nseg < 3 || strcmp(seg[1], "v1")) {
		reply_problem(c, 404, "没有这个接口", NULL);
		return;
	}
	r = route_find(seg + 2, nseg - 2, m, &c->args);
	if (r)
		c->req->tag = api_route_tag(r, c->args.ed);
	if (route_is_write(m) && (!csrf || !*csrf)) {
		reply_problem(c, 403, "缺少 CSRF 令牌（X-CSRF-Token 请求头）", NULL);
		return;
	}
	if (r && (r->flags & R_PUBLIC)) {
		r->handle(c);
		return;
	}
	if (authenticate(c))
		return;
	if (route_is_write(m) && !session_csrf_ok(&c->sess, csrf)) {
		reply_problem(c, 403, "CSRF 令牌不正确", NULL);
		return;
	}
	if (c->sess.actor.must_change && !(r && (r->flags & R_BEFORE_CHANGE))) {
		reply_problem(c, 403, "请先修改初始密码", NULL);
		return;
	}
	if (!r) {
		reply_problem(c, 404, "没有这个接口", NULL);
		return;
	}
	if (r->roles && !(ROLE_BIT(c->sess.actor.role) & r->roles)) {
		reply_problem(c, 403, "无权执行此操作", NULL);
		return;
	}
	if (c->sess.actor.role == ROLE_REGION && region_refused(c, r))
		return;
	if (r->check && r->check(c))
		return;
	run(c, r);
}

/*
 * Tests only (the server started with SANLING_TEST_FAULTS=1): the request
 * header X-Sanling-Fault: N makes the N-th allocation of the request fail,
 * as a shortage would (base/alloc.h); the answer says whether it was reached.
 */
static long fault_of(const struct app *app, const struct http_request *req)
{
	const char *v = app->test_faults ? http_header(req, "X-Sanling-Fault") : NULL;
	char *end;
	long n;

	if (!v)
		return 0;
	n = strtol(v, &end, 10);
	return *end || n < 1 ? 0 : n;
}

void api_handle(struct http_request *req, struct http_response *res, void *ctx)
{
	struct app *app = ctx;
	struct call c;
	const char *seg[8];
	long fault;
	int nseg, reached;

	if (req->path_len == 14 && !memcmp(req->path, "/api/v1/health", 14) &&
	    !strcmp(req->method, "GET")) {
		req->tag = api_health_tag();
		res->cached = app->health;
		res->status = 200;
		return;
	}
	if (req->path_len < 5 || memcmp(req->path, "/api/", 5)) {
		req->tag = api_static_tag();
		if (app->static_root) {
			http_static_serve(req, res, app->static_root);
		} else {
			http_problem(res, 404, NULL, "没有这个页面", NULL);
		}
		return;
	}
	nseg = http_path_split(req, seg, 8);
	if (nseg < 0) {
		http_problem(res, nseg == -2 ? 404 : 400, NULL,
			     nseg == -2 ? "没有这个接口" : "路径编码错误", NULL);
		return;
	}
	memset(&c, 0, sizeof(c));
	c.app = app;
	c.req = req;
	c.res = res;
	alloc_trouble_clear();
	fault = fault_of(app, req);
	if (fault)
		alloc_fault_arm(fault);
	c.db = db_pool_get(app->pool);
	route(&c, seg, nseg);
	db_rollback(c.db); /* nothing may stay open on a pooled connection */
	/* what the session wrote is committed: its next reads wait for a replica to have it */
	if (app->replicas && c.authed && route_is_write(req->method) && res->status < 400)
		db_replicas_wrote(app->replicas, session_key(&c), c.db);
	api_denial_audit(&c, seg, nseg);
	db_pool_put(app->pool, c.db);
	session_release(&c.sess);
	reached = fault && alloc_fault_arm(0) >= fault;
	/*
	 * The request met a shortage of memory.  Its answer is whole (the
	 * reserve paid for it) but what it wrote after the shortage was not
	 * kept (db_commit): 503, unless its work was committed before it — a
	 * save that is done is not answered as undone.  A failure is 503
	 * whatever was committed before: that may have been the session's
	 * last-seen time (session_lookup), not the work that failed.
	 */
	if (alloc_trouble() && (!alloc_committed() || res->status >= 500)) {
		if (!fault)
			log_error("%s %s: out of memory, answered 503", req->method, req->path);
		strbuf_reset(&res->hdrs); /* no file name, no cookie of what was not done */
		http_problem(res, 503, NULL, "服务器内存不足，本次操作未执行，请稍后重试", NULL);
		http_response_header(res, "Retry-After", "5");
	}
	alloc_trouble_clear();
	if (fault)
		http_response_header(res, "X-Sanling-Fault-Reached", reached ? "1" : "0");
	/* a long poll with nothing new yet: the hub answers it (nothing may touch res after) */
	if (c.wait && res->status == 200 && !fault)
		todo_hub_park(c.wait);
}

/*
 * GET /api/v1/health/ready: whether this server can do its work — the
 * database answers, its schema is this program's, the disk of an SQLite
 * database has room (app->min_free_bytes) — 200 or 503, each check named.
 */
void api_health_ready(struct call *c)
{
	struct strbuf err = STRBUF_INIT;
	const char *want = db_schema_version(NULL);
	json_t *checks = json_object();
	char *have = NULL;
	int ready = 1;

	if (db_query_value(c->db, "SELECT MAX(name) FROM schema_migrations", NULL, 0, &have,
			   &err) < 0) {
		json_object_set_new(checks, "database", json_string(err.buf));
		ready = 0;
	} else {
		json_object_set_new(checks, "database", json_string("ok"));
		if (!have || strncmp(have, want, strlen(want)) || !isdigit((unsigned char)*want)) {
			json_object_set_new(checks, "migrations",
					    json_sprintf("schema %.3s, this program's %s", have ? have : "none", want));
			ready = 0;
		} else
			json_object_set_new(checks, "migrations", json_string("ok"));
	}
	if (c->app->data_dir) {
		struct statvfs fs;

		if (statvfs(c->app->data_dir, &fs)) {
			json_object_set_new(checks, "disk", json_sprintf("%s: %s", c->app->data_dir,
									 strerror(errno)));
			ready = 0;
		} else {
			uint64_t avail = (uint64_t)fs.f_bavail * fs.f_frsize;

			json_object_set_new(checks, "disk_free_mib", json_integer((json_int_t)(avail >> 20)));
			ready &= avail >= c->app->min_free_bytes;
			json_object_set_new(checks, "disk", json_string(avail >= c->app->min_free_bytes ? "ok"
									: "below the minimum free space"));
		}
	}
	free(have);
	strbuf_release(&err);
	reply_json(c, ready ? 200 : 503,
		   json_pack("{s:s, s:s, s:s, s:o}", "status", ready ? "ready" : "not_ready",
			     "version", SANLING_VERSION, "schema", want, "checks", checks));
	http_response_header(c->res, "Cache-Control", "no-store");
}

int api_init(struct app *app, struct strbuf *err)
{
	char health[128];
	int hlen;
	json_t *doc;
	char *s;

	if (!app->max_json)
		app->max_json = 256 * 1024;
	app->test_faults = getenv("SANLING_TEST_FAULTS") && !strcmp(getenv("SANLING_TEST_FAULTS"), "1");
	if (!app->denials)
		app->denials = api_denials_new();
	hlen = snprintf(health, sizeof(health), "{\"status\":\"ok\",\"version\":\"%s\",\"schema\":\"%s\"}",
			SANLING_VERSION, db_schema_version(NULL));
	app->health = http_cached_new(200, "application/json", health, (size_t)hlen, "no-store", err);
	if (!app->health)
		return -1;
	doc = openapi_document();
	s = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (!s) {
		strbuf_addstr(err, "cannot build the OpenAPI document");
		return -1;
	}
	app->openapi = http_cached_new(200, "application/json", s, strlen(s), "no-cache", err);
	free(s);
	if (!app->openapi)
		return -1;
	if (app->pool && !app->todos && !(app->todos = todo_hub_start(app->pool, app->todo_wait_ms, err)))
		return -1;
	if (app->pool)
		api_metrics_init(app);
	return 0;
}

void api_release(struct app *app)
{
	http_cached_free(app->health);
	http_cached_free(app->openapi);
	app->health = app->openapi = NULL;
	ratelimit_free(app->denials);
	app->denials = NULL;
	todo_hub_stop(app->todos); /* after the server: no request is parked any more */
	app->todos = NULL;
	api_metrics_release(app);
}
