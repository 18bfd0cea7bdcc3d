/*
 * api_assess.c: the endpoints of the monthly determination and the report
 * figures: /figures, /figures/breakdown, /months/{M} (state, results,
 * certify, overrides, publish, reopen), /explain, /warnings, and a
 * subject's months of a year (/subjects/{id}/months).  Thin: the
 * work, and who may do it, is in src/assess/; which handler answers which
 * path is the route table's (routes.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "base/date.h"
#include "assess/assess.h"
#include "assess/figures.h"
#include "assess/warnings.h"
#include "model/entities.h"

static const char *body_string(json_t *in, const char *key)
{
	json_t *v = json_object_get(in, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A JSON body with exactly the string fields `keys` (optional ones may be absent). */
static int body_fields(struct call *c, json_t *in, const char *const *keys)
{
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(in, key, v) {
		for (i = 0; keys[i]; i++)
			if (!strcmp(keys[i], key))
				break;
		if (!keys[i]) {
			reply_problem(c, 400, "未知字段", key);
			return -1;
		}
		if (!json_is_string(v)) {
			reply_problem(c, 422, "应为字符串", key);
			return -1;
		}
	}
	return 0;
}

static void month_act(struct call *c, const char *month, const char *act)
{
	static const char *const certify_keys[] = { "dimension", NULL };
	static const char *const override_keys[] = { "subject", "dimension", "result", "reason", NULL };
	static const char *const publish_keys[] = { NULL };
	static const char *const reopen_keys[] = { "reason", NULL };
	struct model_error e;
	json_t *in = NULL, *out = NULL;
	int ret = 0;

	model_error_init(&e);
	if (read_json_object(c, &in))
		goto cleanup;
	if (!strcmp(act, "certify")) {
		if (body_fields(c, in, certify_keys))
			goto cleanup;
		ret = assess_certify(c->db, c->mc.actor, month, body_string(in, "dimension"), &e);
	} else if (!strcmp(act, "overrides")) {
		if (body_fields(c, in, override_keys))
			goto cleanup;
		ret = assess_override(c->db, c->mc.actor, month, body_string(in, "subject"),
				      body_string(in, "dimension"), body_string(in, "result"),
				      body_string(in, "reason"), &e);
	} else if (!strcmp(act, "publish")) {
		if (body_fields(c, in, publish_keys))
			goto cleanup;
		ret = assess_publish(c->db, c->mc.actor, month, &e);
	} else {
		if (body_fields(c, in, reopen_keys))
			goto cleanup;
		ret = assess_reopen(c->db, c->mc.actor, month, body_string(in, "reason"), &e);
	}
	if (!ret)
		ret = assess_month_json(c->db, c->mc.actor, month, &out, &e);
	reply_result(c, ret, &e, out);
cleanup:
	json_decref(in);
	model_error_release(&e);
}

static int int_param(struct call *c, const char *name, int def, int min, int max, int *out)
{
	const char *v = http_query(c->req, name);
	char *end;
	long n;

	*out = def;
	if (!v)
		return 0;
	n = strtol(v, &end, 10);
	if (!*v || *end || n < min || n > max) {
		reply_problem(c, 400, "参数超出范围", name);
		return -1;
	}
	*out = (int)n;
	return 0;
}

/*
 * The figures' keys are a fixed contract, so which months they take as
 * provisional (not yet published) is said in a header.
 */
static void provisional_header(struct call *c, const char *through)
{
	struct strbuf months = STRBUF_INIT, err = STRBUF_INIT;
	char jan[8];

	snprintf(jan, sizeof(jan), "%.4s-01", through);
	if (!assess_provisional_months(c->db, c->mc.actor, jan, through, &months, &err))
		http_response_header(c->res, "X-Sanling-Provisional-Months",
				     months.len ? months.buf : "none");
	strbuf_release(&months);
	strbuf_release(&err);
}

void api_figures(struct call *c)
{
	static const char *const names[] = { "through", "township", "supervisor", NULL };
	struct figures_filter f = { http_query(c->req, "township"), http_query(c->req, "supervisor") };
	const char *through = http_query(c->req, "through");
	struct model_error e;
	json_t *out = NULL;
	int ret;

	if (refuse_unknown_params(c, names))
		return;
	model_error_init(&e);
	ret = figures_compute(c->db, c->mc.actor, through, &f, &out, &e);
	reply_result(c, ret, &e, out);
	if (!ret)
		provisional_header(c, through);
	model_error_release(&e);
}

void api_figures_breakdown(struct call *c)
{
	static const char *const names[] = { "through", "by", NULL };
	struct model_error e;
	json_t *out = NULL;
	int ret;

	if (refuse_unknown_params(c, names))
		return;
	model_error_init(&e);
	ret = figures_breakdown(c->db, c->mc.actor, http_query(c->req, "through"),
				http_query(c->req, "by"), &out, &e);
	reply_result(c, ret, &e, out);
	model_error_release(&e);
}

void api_explain(struct call *c)
{
	static const char *const names[] = { "subject", "month", NULL };
	struct model_error e;
	json_t *out = NULL;
	int ret;

	if (refuse_unknown_params(c, names))
		return;
	if (!http_query(c->req, "subject")) {
		reply_problem(c, 400, "缺少 subject", "subject");
		return;
	}
	model_error_init(&e);
	ret = assess_explain(c->db, c->mc.actor, http_query(c->req, "subject"),
			     http_query(c->req, "month"), &out, &e);
	reply_result(c, ret, &e, out);
	model_error_release(&e);
}

void api_subject_months(struct call *c)
{
	static const char *const names[] = { "year", NULL };
	const char *year = http_query(c->req, "year");
	struct model_error e;
	json_t *rec = NULL, *out = NULL;
	char now[MONTH_BUFSZ], *end;
	long long id;
	int ret;

	if (refuse_unknown_params(c, names))
		return;
	id = strtoll(c->args.id, &end, 10);
	if (*end || id <= 0 || *c->args.id == '0' || strlen(c->args.id) > 18) {
		reply_problem(c, 404, "创建主体不存在", NULL);
		return;
	}
	month_now(now);
	now[4] = 0;
	model_error_init(&e);
	ret = entity_get(&c->mc, &subject_desc, id, &rec, &e);
	if (!ret)
		ret = assess_subject_months(c->db, c->mc.actor,
					    json_string_value(json_object_get(rec, "code")),
					    year ? year : now, &out, &e);
	reply_result(c, ret, &e, out);
	json_decref(rec);
	model_error_release(&e);
}

void api_warnings(struct call *c)
{
	static const char *const names[] = { "month", "limit", NULL };
	struct model_error e;
	json_t *out = NULL;
	int limit, ret;

	if (refuse_unknown_params(c, names) || int_param(c, "limit", 50, 1, 500, &limit))
		return;
	model_error_init(&e);
	ret = warnings_compute(c->db, c->mc.actor, http_query(c->req, "month"), limit, &out, &e);
	reply_result(c, ret, &e, out);
	model_error_release(&e);
}

void api_months(struct call *c)
{
	struct model_error e;
	json_t *out = NULL;
	int ret;

	model_error_init(&e);
	ret = assess_months_json(c->db, c->mc.actor, &out, &e);
	reply_result(c, ret, &e, out);
	model_error_release(&e);
}

void api_month(struct call *c)
{
	struct model_error e;
	json_t *out = NULL;
	int ret;

	model_error_init(&e);
	ret = assess_month_json(c->db, c->mc.actor, c->args.month, &out, &e);
	reply_result(c, ret, &e, out);
	model_error_release(&e);
}

void api_month_results(struct call *c)
{
	static const char *const names[] = { "span", "township", "supervisor", "kind", "group",
					     "dimension", "fail", "page", "page_size", NULL };
	struct results_filter f = {
		http_query(c->req, "span"), http_query(c->req, "township"),
		http_query(c->req, "supervisor"), http_query(c->req, "kind"),
		http_query(c->req, "group"), http_query(c->req, "dimension"),
		http_query(c->req, "fail"),
	};
	struct model_error e;
	json_t *out = NULL;
	int page, size, ret;

	if (refuse_unknown_params(c, names) || int_param(c, "page", 1, 1, 1000000, &page) ||
	    int_param(c, "page_size", 50, 1, 500, &size))
		return;
	model_error_init(&e);
	ret = assess_results_query(c->db, c->mc.actor, c->args.month, &f, page, size, &out, &e);
	reply_result(c, ret, &e, out);
	model_error_release(&e);
}

void api_month_certify(struct call *c)
{
	month_act(c, c->args.month, "certify");
}

void api_month_overrides(struct call *c)
{
	month_act(c, c->args.month, "overrides");
}

void api_month_publish(struct call *c)
{
	month_act(c, c->args.month, "publish");
}

void api_month_reopen(struct call *c)
{
	month_act(c, c->args.month, "reopen");
}
