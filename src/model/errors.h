/*
 * errors: how the model says no.  Every model function returns 0 or a
 * negative MODEL_E* code and fills a `struct model_error` with the field at
 * fault and a message for the user (Chinese); model_status() suggests the
 * HTTP status the API answers with.
 */
#ifndef SANLING_MODEL_ERRORS_H
#define SANLING_MODEL_ERRORS_H

#include "base/strbuf.h"

enum model_errno {
	MODEL_EINVAL = -1,    /* 422: a field is wrong */
	MODEL_EBADREQ = -2,   /* 400: the request itself is malformed */
	MODEL_ENOTFOUND = -3, /* 404: no such record within your scope */
	MODEL_EFORBIDDEN = -4,/* 403 */
	MODEL_ECONFLICT = -5, /* 409: duplicate key, stale revision */
	MODEL_EDB = -6,       /* 500 */
	MODEL_ELIMIT = -7,    /* 429: too many of these in a short time */
	MODEL_EPRECOND = -8,  /* 428: a condition the request must carry is missing (rev) */
	MODEL_ETOOBIG = -9,   /* 413: an upload over a budget (table.h), refused whole */
};

struct model_error {
	int code;          /* MODEL_E* */
	const char *field; /* the field at fault (descriptor key) or NULL */
	struct strbuf msg; /* what is wrong, for the user (Chinese) */
};
void model_error_init(struct model_error *e);
void model_error_release(struct model_error *e);
/*
 * A written reason (a reveal, an override, a reopening): valid text of 4 to
 * 500 characters, not counting white space, with no control characters.
 * Returns 0, or MODEL_EINVAL with the message on field "reason".
 */
int model_reason_check(struct model_error *e, const char *reason);
/* Set code, field and message (replacing what was there); returns `code`. */
int model_fail(struct model_error *e, int code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* HTTP status suggested for a MODEL_E* code. */
int model_status(int code);

#endif
