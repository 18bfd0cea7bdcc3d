/*
 * api_int: what the files of src/api/ share: the per-request call, JSON
 * replies and problems, reading JSON bodies, and the handlers and checks
 * that the route table (routes.c) names.  Not used outside src/api/.
 */
#ifndef SANLING_API_INT_H
#define SANLING_API_INT_H

#include <jansson.h>

#include "api/api.h"
#include "api/routes.h"
#include "http/server.h"
#include "io/table.h"
#include "model/entity.h"
#include "model/session.h"

struct call {
	struct app *app;
	struct http_request *req;
	struct http_response *res;
	struct db *db;
	struct session sess;
	int authed;
	struct model_ctx mc;
	const char *refused;	/* the detail of a 403 or 404 answer (request memory) */
	struct route_args args;	/* what the route's pattern took from the path */
	int64_t id;		/* {id} of an entity's record, once api_entity_record() took it */
	struct todo_waiter *wait; /* GET /todos/wait to park once the call is done */
};

/* Reply `body` (reference stolen) as JSON with `status`. */
void reply_json(struct call *c, unsigned status, json_t *body);
/* A body already written as JSON text (taken: *body is left empty). */
void reply_json_text(struct call *c, unsigned status, struct strbuf *body);
void reply_problem(struct call *c, unsigned status, const char *detail, const char *field);
void reply_model_error(struct call *c, const struct model_error *e);
/* A model call's answer: `out` as 200, or the error `e` when `ret` is not 0. */
void reply_result(struct call *c, int ret, const struct model_error *e, json_t *out);
/* 400 naming the first query parameter not among `names` (NULL-terminated): -1; else 0. */
int refuse_unknown_params(struct call *c, const char *const *names);
void reply_no_content(struct call *c);
/*
 * Content-Disposition: attachment, the file named `name` (UTF-8, RFC 5987's
 * filename*) and `ascii` for clients without it (NULL: `name` with every
 * byte outside printable ASCII as '_').
 */
void reply_filename(struct call *c, const char *ascii, const char *name);
/* ?format= xlsx (the default) or csv into *fmt; else 400 naming `format`: -1. */
int query_table_format(struct call *c, enum table_format *fmt);

/*
 * Parse the body as one JSON object.  On failure the reply (400, 413,
 * 415) is already made and -1 returned.
 */
int read_json_object(struct call *c, json_t **out);
/* The same with a body of at most `max` bytes (a larger one: 413). */
int read_json_limit(struct call *c, size_t max, json_t **out);

/* Query parameters as list parameters for the model, less `skip` (NULL: none). */
void call_list_params(struct call *c, struct list_params *p, const char *skip);

/*
 * Audit the refusal the call answered with, if it is one that is audited
 * (api_denial.c); once per request, after its own transaction.
 */
void api_denial_audit(struct call *c, const char **seg, int nseg);
struct ratelimit *api_denials_new(void);

/*
 * Metrics (api_metrics.c): the slots of the route table, made when metrics
 * are kept (else every tag is 0, "none"); the tag of a request by its route
 * (`ed` the {entity} it named), of a web file, of the health check's short
 * cut; the events counted where they happen.
 */
void api_metrics_init(struct app *app);
void api_metrics_release(struct app *app);
unsigned api_route_tag(const struct route *r, const struct entity_desc *ed);
unsigned api_static_tag(void);
unsigned api_health_tag(void);
void api_metrics_login_failed(int delayed);
void api_metrics_imported(const struct entity_desc *ed, size_t created, size_t updated,
			  size_t failed);

/*
 * The handlers of the route table (routes.c), by file.  Each answers its
 * request; the route's role rule and check have been applied before.
 */
/* api.c: the session, the system, and the fallbacks' answers */
void api_health(struct call *c);
void api_health_ready(struct call *c);
void api_openapi(struct call *c);
void api_login(struct call *c);
void api_logout(struct call *c);
void api_me(struct call *c);
void api_password(struct call *c);
void api_meta(struct call *c);
void api_no_route(struct call *c);	/* 404 没有这个接口 */
void api_not_supported(struct call *c);	/* 405 不支持的方法 */
void api_only_get(struct call *c);	/* 405 只接受 GET */
void api_only_post(struct call *c);	/* 405 只接受 POST */

/* api_entity.c: /{entity}... */
/* A record's id as a path gives it (digits, no leading 0, > 0): 0, or -1. */
int api_parse_id(const char *s, int64_t *id);
int api_entity_access(struct call *c);	/* check: 403 when the role can neither read nor write */
int api_entity_record(struct call *c);	/* check: that, then c->id from {id} (else 404) */
void api_entity_list(struct call *c);
void api_entity_create(struct call *c);
void api_entity_get(struct call *c);
void api_entity_update(struct call *c);
void api_entity_retire(struct call *c);
void api_entity_history(struct call *c);
void api_entity_reveal(struct call *c);
void api_entity_export(struct call *c);
void api_entity_template(struct call *c);
void api_entity_import(struct call *c);
void api_entity_bulk(struct call *c);

/* api_admin.c: the three administrators' */
void api_user_password(struct call *c);
void api_user_unlock(struct call *c);
void api_settings_get(struct call *c);
void api_settings_put(struct call *c);
void api_audit_list(struct call *c);
void api_audit_verify(struct call *c);

/* api_dict.c: the office's dictionary (字典管理) */
void api_dict_list(struct call *c);
void api_dict_put(struct call *c);
void api_dict_add(struct call *c);

/* api_assess.c: the monthly determination and the figures */
void api_figures(struct call *c);
void api_figures_breakdown(struct call *c);
void api_months(struct call *c);
void api_month(struct call *c);
void api_month_results(struct call *c);
void api_month_certify(struct call *c);
void api_month_overrides(struct call *c);
void api_month_publish(struct call *c);
void api_month_reopen(struct call *c);
void api_explain(struct call *c);
void api_subject_months(struct call *c);
void api_warnings(struct call *c);

/* api_confirm.c: the monthly confirmation of the subjects' list */
void api_confirmations(struct call *c);
void api_confirm(struct call *c);
void api_confirmation_subjects(struct call *c);
/* api_attach.c: a record's files (ENT_ATTACH entities), and their OpenAPI descriptions */
int api_attach_record(struct call *c);	/* check: 404 unless ENT_ATTACH, then api_entity_record */
void api_attach_list(struct call *c);
void api_attach_add(struct call *c);
void api_attach_get(struct call *c);
void openapi_attach_list(json_t *op, const struct entity_desc *ed);
void openapi_attach_add(json_t *op, const struct entity_desc *ed);
void openapi_attach_get(json_t *op, const struct entity_desc *ed);
int attach_shown(const struct entity_desc *ed); /* documented for ENT_ATTACH entities only */
/* api_grants.c: what a district grants the offices above it (region_grants) */
void api_grants(struct call *c);
void api_grant_create(struct call *c);
void api_grant_revoke(struct call *c);
/* api_sync.c: the phone's outbox, POST /sync, and its OpenAPI schemas (JSON text) */
void api_sync(struct call *c);
extern const char api_sync_request_schema[];
extern const char api_sync_response_schema[];
/* api_todos.c: the to-dos and their long poll, with its hub */
void api_todos(struct call *c);
void api_todos_wait(struct call *c);
struct todo_hub;
struct todo_waiter;
struct todo_hub *todo_hub_start(struct db_pool *pool, unsigned wait_ms, struct strbuf *err);
void todo_hub_stop(struct todo_hub *hub);
/* Park the wait `w` (api_handle(), after the call is done): answered by the hub. */
void todo_hub_park(struct todo_waiter *w);
/* api_report.c: the month's documents */
void api_reports(struct call *c);
void api_report_file(struct call *c);
void openapi_report_file(json_t *op, const struct entity_desc *ed);
/* api_ranking.c: the monthly ranking of townships and sectors (考评) */
void api_ranking(struct call *c);

/* api_map.c: the map of the townships, drawn from the subjects' coordinates */
void api_map(struct call *c);
/* api_work.c: the work lists' actions */
void api_decision_assign(struct call *c);
void api_problems_raise(struct call *c);
/* the grassroots at the desk (api_grass.c) */
void api_subsidies_generate(struct call *c);
void api_subsidies_pay(struct call *c);
void api_subsidies_ledger(struct call *c);
void api_patrols_today(struct call *c);

#endif
