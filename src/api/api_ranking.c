/*
 * api_ranking.c: GET /ranking?month=YYYY-MM&by=township|sector, the monthly
 * ranking of townships and sectors (考评, 红黑榜).  Thin: the work, and who
 * may see it, is assess/ranking.c's.
 */
#include <string.h>

#include "api/api_int.h"
#include "assess/ranking.h"

struct params_check {
	const char *bad;
};

static int known_param(void *cls, const char *name, const char *value)
{
	struct params_check *pc = cls;

	(void)value;
	if (strcmp(name, "month") && strcmp(name, "by")) {
		pc->bad = name;
		return 1;
	}
	return 0;
}

void api_ranking(struct call *c)
{
	struct params_check pc = { NULL };
	struct model_error e;
	json_t *out = NULL;
	int ret;

	http_query_each(c->req, known_param, &pc);
	if (pc.bad) {
		reply_problem(c, 400, "未知的查询参数", pc.bad);
		return;
	}
	model_error_init(&e);
	ret = ranking_compute(c->db, c->mc.actor, http_query(c->req, "month"),
			      http_query(c->req, "by"), &out, &e);
	if (ret)
		reply_model_error(c, &e);
	else
		reply_json(c, 200, out);
	model_error_release(&e);
}
