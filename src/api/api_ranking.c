/*
 * api_ranking.c: GET /ranking?month=YYYY-MM&by=township|sector, the monthly
 * ranking of townships and sectors (考评, 红黑榜).  Thin: the work, and who
 * may see it, is assess/ranking.c's.
 */
#include <string.h>

#include "api/api_int.h"
#include "assess/ranking.h"

void api_ranking(struct call *c)
{
	static const char *const names[] = { "month", "by", NULL };
	struct model_error e;
	json_t *out = NULL;
	int ret;

	if (refuse_unknown_params(c, names))
		return;
	model_error_init(&e);
	ret = ranking_compute(c->db, c->mc.actor, http_query(c->req, "month"),
			      http_query(c->req, "by"), &out, &e);
	reply_result(c, ret, &e, out);
	model_error_release(&e);
}
