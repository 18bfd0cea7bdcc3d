/*
 * api_int: what the files of src/api/ share: the per-request call, JSON
 * replies and problems, reading JSON bodies.  Not used outside src/api/.
 */
#ifndef SANLING_API_INT_H
#define SANLING_API_INT_H

#include <jansson.h>

#include "api/api.h"
#include "http/server.h"
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
};

/* Reply `body` (reference stolen) as JSON with `status`. */
void reply_json(struct call *c, unsigned status, json_t *body);
/* A body already written as JSON text (taken: *body is left empty). */
void reply_json_text(struct call *c, unsigned status, struct strbuf *body);
void reply_problem(struct call *c, unsigned status, const char *detail, const char *field);
void reply_model_error(struct call *c, const struct model_error *e);
void reply_no_content(struct call *c);

/*
 * Parse the body as one JSON object.  On failure the reply (400, 413,
 * 415) is already made and -1 returned.
 */
int read_json_object(struct call *c, json_t **out);

/* Query parameters as list parameters for the model, less `skip` (NULL: none). */
void call_list_params(struct call *c, struct list_params *p, const char *skip);

/*
 * Audit the refusal the call answered with, if it is one that is audited
 * (api_denial.c); once per request, after its own transaction.
 */
void api_denial_audit(struct call *c, const char **seg, int nseg);
struct ratelimit *api_denials_new(void);

/* Handlers by area: return 1 when they answered the route, 0 if not theirs. */
int api_entity_route(struct call *c, const char **seg, int nseg);
/*
 * Is this a create or update of an entity, whose transaction alone is a job
 * of the writer, or an import, which takes the writer only to store?
 */
int api_entity_writes_alone(const char **seg, int nseg, const char *method);
int api_admin_route(struct call *c, const char **seg, int nseg);
int api_assess_route(struct call *c, const char **seg, int nseg);

#endif
