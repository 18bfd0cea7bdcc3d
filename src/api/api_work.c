/*
 * api_work.c: the office's actions on the work lists beyond the generic
 * entity routes — 交办 of a meeting's agreed item (POST
 * /meeting_decisions/{id}/assign: the task it made, 201) and raising the
 * problems due from the determination and the overdue major hazards (POST
 * /problems/raise: the counts).  The model does the work (model/work.h,
 * assess/raise.h); the route table lets only the office in.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "assess/raise.h"
#include "base/date.h"
#include "model/work.h"

static int id_of(const char *s, int64_t *id)
{
	char *end;
	long long v;

	if (!s || !*s || *s == '0' || strlen(s) > 18)
		return -1;
	v = strtoll(s, &end, 10);
	if (*end || v <= 0)
		return -1;
	*id = v;
	return 0;
}

void api_decision_assign(struct call *c)
{
	struct model_error e;
	json_t *in = NULL, *out = NULL;
	int64_t id;

	if (id_of(c->args.id, &id)) {
		reply_problem(c, 404, "议定事项不存在", NULL);
		return;
	}
	if (read_json_object(c, &in))
		return;
	model_error_init(&e);
	if (work_assign(&c->mc, id, in, &out, &e))
		reply_model_error(c, &e);
	else
		reply_json(c, 201, out);
	json_decref(in);
	model_error_release(&e);
}

void api_problems_raise(struct call *c)
{
	struct raise_counts n;
	struct model_error e;
	char today[DATE_BUFSZ];
	json_t *in = NULL;

	if (read_json_object(c, &in))
		return;
	if (json_object_size(in)) {
		reply_problem(c, 400, "请求体应为 {}", NULL);
		json_decref(in);
		return;
	}
	model_error_init(&e);
	date_today(today);
	if (assess_raise_problems(c->db, c->mc.actor, today, &n, &e))
		reply_model_error(c, &e);
	else
		reply_json(c, 200, json_pack("{ss si si si}", "today", today, "determination",
					     n.determination, "hazard", n.hazard, "total",
					     n.determination + n.hazard));
	json_decref(in);
	model_error_release(&e);
}
