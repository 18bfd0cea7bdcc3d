/*
 * errors.c: the model's refusals (see errors.h).
 */
#include "model/errors.h"

#include <stdarg.h>
#include <string.h>

#include "base/validate.h"

void model_error_init(struct model_error *e)
{
	e->code = 0;
	e->field = NULL;
	strbuf_init(&e->msg, 0);
}

void model_error_release(struct model_error *e)
{
	strbuf_release(&e->msg);
	e->code = 0;
	e->field = NULL;
}

int model_fail(struct model_error *e, int code, const char *field, const char *fmt, ...)
{
	struct strbuf tmp = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&tmp, fmt, ap); /* fmt's arguments may point into e->msg */
	va_end(ap);
	strbuf_reset(&e->msg);
	strbuf_addbuf(&e->msg, &tmp);
	strbuf_release(&tmp);
	e->code = code;
	e->field = field;
	return code;
}

int model_reason_check(struct model_error *e, const char *reason)
{
	if (!reason || !utf8_valid(reason, strlen(reason)) || !text_controls_ok(reason) ||
	    utf8_visible_length(reason) < 4 || utf8_length(reason) > 500)
		return model_fail(e, MODEL_EINVAL, "reason", "须写明理由（4 至 500 字，空白不计）");
	return 0;
}

int model_status(int code)
{
	switch (code) {
	case MODEL_EINVAL: return 422;
	case MODEL_EBADREQ: return 400;
	case MODEL_ENOTFOUND: return 404;
	case MODEL_EFORBIDDEN: return 403;
	case MODEL_ECONFLICT: return 409;
	case MODEL_ELIMIT: return 429;
	case MODEL_EPRECOND: return 428;
	case MODEL_ETOOBIG: return 413;
	default: return 500;
	}
}
