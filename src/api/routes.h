/*
 * routes: the one table of the API's routes below /api/v1, as redis's
 * command table drives redis.  A row is a method and a path pattern with
 * its handler, how it runs (flags), who may call it when the route itself
 * has a fixed rule (roles, or a check), and what the OpenAPI document says
 * of it.  Dispatch and the choice of the writer (api.c), the rule of the
 * initial password, and the OpenAPI document (openapi.c) all read this
 * table; nothing else lists routes.  Adding a route is adding a row.
 *
 * Patterns are the segments below /api/v1: literals; parameters —
 * {entity} (the name of an entity descriptor: such a row is one route per
 * entity, and the document lists it once per entity), {id}, {month} (any
 * one segment, checked by the row's check or handler); and, in fallback
 * rows only, `*` (any one segment) and `**` (any number of segments, none
 * included).  A row whose method is "*" is a fallback: what every other
 * method of its path answers (a 405, or a 404 after the route's own role
 * rule), as the handlers answered before the table; fallbacks are not
 * documented.
 *
 * Matching (route_find()): of the rows whose pattern matches the path and
 * whose method is the request's or "*", the most specific pattern wins,
 * segment by segment (a literal over a parameter over `*` over `**`), and
 * then the request's own method over "*".  No row: 404 "没有这个接口".
 *
 * CSRF is not a flag: every request of a method other than GET and HEAD
 * needs X-CSRF-Token, a route or not (route_is_write()), so that no row can
 * forget it.  Not here: what a handler does (api*.c), how a schema is
 * drawn (openapi.c), which refusals are audited (api_denial.c).
 */
#ifndef SANLING_ROUTES_H
#define SANLING_ROUTES_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct call;
struct entity_desc;

enum route_flags {
	R_PUBLIC = 1 << 0,	  /* no session needed (login, health, this document) */
	R_BEFORE_CHANGE = 1 << 1, /* allowed while the initial password must be changed */
	R_WRITER = 1 << 2,	  /* runs on the writer connection, in its batch (group commit) */
	R_ALONE = 1 << 3,	  /* the model queues its transaction alone on the writer
				     (model_ctx.writes): entity creates, updates and imports */
	R_JSON = 1 << 4,	  /* takes a JSON body (documented: 400, 413, 415) */
	R_UPLOAD = 1 << 5,	  /* takes a file: the larger body (API_UPLOAD_SUFFIX) */
	R_PRIMARY = 1 << 6,	  /* a GET that reads the primary, never a read replica (the
				     audit; the long poll, whose hub watches the primary) */
	R_REGION = 1 << 7,	  /* the offices above the districts (role region) may call it:
				     their session, the lists and records, the figures; no
				     other route, whatever it would check itself */
	R_GRANTED = 1 << 8,	  /* an entity's write a region account may call for a list
				     a district may grant it (ENT_GRANTABLE): the model
				     then writes only where a district did (scope.c) */
};

/* The problems an operation is documented to answer, beyond those its flags imply. */
enum route_errors {
	E400 = 1 << 0,
	E401 = 1 << 1,
	E403 = 1 << 2,
	E404 = 1 << 3,
	E409 = 1 << 4,
	E413 = 1 << 5,
	E415 = 1 << 6,
	E422 = 1 << 7,
	E428 = 1 << 8,
	E429 = 1 << 9,
};

/* Whether a query parameter's document says it is required. */
enum param_required { P_UNSAID, P_OPTIONAL, P_REQUIRED };

/*
 * A query parameter, for the document.  `schema` is a short type name of
 * openapi.c ("string", "date", "month", "$Name", "{string" …), JSON text of
 * the schema ("{\"type\": …}"), or "@name": the shared parameter
 * components/parameters/name (then the other members are not used).
 */
struct route_param {
	const char *name;
	const char *description;
	const char *schema;
	enum param_required required;
};

struct route {
	const char *method;	/* "GET", "POST", "PUT", "PATCH"; "*": a fallback */
	const char *path;	/* "/months/{month}/certify" */
	void (*handle)(struct call *c);
	unsigned flags;		/* enum route_flags */
	unsigned roles;		/* ROLE_BIT()s let in (else 403), 0: no rule of its own */
	/*
	 * Admission beyond `roles`, before the handler: 0 to go on, or -1
	 * when it has answered (an entity nobody of the role may reach, a
	 * record id that cannot be).  NULL: none (the model decides).
	 */
	int (*check)(struct call *c);

	/* ---- the OpenAPI document ---- */
	const char *op;		/* operationId; {entity} rows: after "<entity>_" */
	const char *tag;	/* NULL: the entity's label; "@name": entity name's label */
	const char *summary;	/* {entity} rows: after the entity's label */
	const char *description;
	unsigned errors;	/* enum route_errors */
	const struct route_param *params; /* query parameters, ending with a NULL name */
	const char *request;	/* the JSON body's schema (as route_param.schema) */
	const char *status;	/* the answer when it works: "200", "201", "204" */
	const char *response;	/* its description */
	const char *response_schema; /* its JSON body (as route_param.schema), NULL: none */
	/* What the columns cannot say, added last (openapi.c); NULL: nothing. */
	void (*doc)(json_t *op, const struct entity_desc *ed);
	/* {entity} rows: is the route documented for this entity?  NULL: yes. */
	int (*shown)(const struct entity_desc *ed);
};

/* The table, ending with a row whose method is NULL. */
extern const struct route api_routes[];

/* What a route's pattern took from the path (request memory or the descriptors). */
struct route_args {
	const struct entity_desc *ed; /* {entity} */
	const char *id;		      /* {id}, as sent */
	const char *month;	      /* {month}, as sent */
};

/*
 * The row that answers `method` on the path `seg` (nseg segments below
 * /api/v1), with its parameters in `args`; NULL when none does.
 */
const struct route *route_find(const char **seg, int nseg, const char *method,
			       struct route_args *args);

/* Does a request of `method` change state (so needs CSRF and may go to the writer)? */
int route_is_write(const char *method);

/* Does the pattern have an {entity} segment (one route per entity)? */
int route_per_entity(const struct route *r);

/* The tags of the fixed routes. */
#define TAG_SESSION "会话"
#define TAG_SYSTEM "系统"
#define TAG_SETTINGS "安全设置"
#define TAG_AUDIT "审计"
#define TAG_ASSESS "月度认定与统计"
#define TAG_TODOS "待办"
#define TAG_GRANTS "向上级授权"

#endif
