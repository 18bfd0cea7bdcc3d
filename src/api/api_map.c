/*
 * api_map.c: GET /map?month=YYYY-MM, the map of the townships of the
 * caller's scope: outlines drawn from the subjects' coordinates, coloured
 * by the year-to-date rates.  Thin: the work, and who may see it, is
 * assess/district_map.c's.
 */
#include "api/api_int.h"
#include "assess/district_map.h"

void api_map(struct call *c)
{
	static const char *const names[] = { "month", NULL };
	struct model_error e;
	json_t *out = NULL;
	int ret;

	if (refuse_unknown_params(c, names))
		return;
	if (!http_query(c->req, "month")) {
		reply_problem(c, 400, "缺少 month", "month");
		return;
	}
	model_error_init(&e);
	ret = district_map(c->db, c->mc.actor, http_query(c->req, "month"), &out, &e);
	reply_result(c, ret, &e, out);
	model_error_release(&e);
}
