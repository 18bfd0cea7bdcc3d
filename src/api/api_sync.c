/*
 * api_sync.c: POST /api/v1/sync, the phone's outbox (model/sync.h): the
 * batch read (a larger body than other JSON: photos come as base64), the
 * model's answer sent with each refused item's error as a problem
 * document like any other 4xx, and the operation's OpenAPI schemas.
 */
#include <string.h>

#include "api/api.h"
#include "api/api_int.h"
#include "model/sync.h"

/* The title of a problem document, by status, as http_problem() gives it. */
static const char *title_of(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 422: return "Unprocessable Content";
	case 428: return "Precondition Required";
	case 429: return "Too Many Requests";
	default: return "Internal Server Error";
	}
}

void api_sync(struct call *c)
{
	struct model_error e;
	json_t *in = NULL, *out = NULL, *it;
	size_t i;

	if (read_json_limit(c, API_SYNC_MAX_BODY, &in))
		return;
	model_error_init(&e);
	if (sync_apply(&c->mc, in, &out, &e)) {
		reply_model_error(c, &e);
		goto out;
	}
	json_array_foreach(json_object_get(out, "items"), i, it) {
		json_t *err = json_object_get(it, "error");

		if (!err)
			continue;
		json_object_set_new(err, "type", json_string("about:blank"));
		json_object_set_new(err, "title", json_string(title_of(
			(int)json_integer_value(json_object_get(err, "status")))));
	}
	reply_json(c, 200, out);
out:
	json_decref(in);
	model_error_release(&e);
}

#define KEY_SCHEMA "{\"type\": \"string\", \"pattern\": \"^[A-Za-z0-9_-]{8,64}$\", " \
	"\"description\": \"手机生成的幂等键：同一用户同一键只生效一次\"}"
#define RECORD_SCHEMA "{\"type\": \"object\", \"description\": \"字段同 POST /{entity}；编号可不填，由服务器生成\"}"

const char api_sync_request_schema[] =
	"{\"type\": \"object\", \"additionalProperties\": false, \"required\": [\"items\"], "
	"\"properties\": {\"items\": {\"type\": \"array\", \"maxItems\": 50, \"items\": "
	"{\"type\": \"object\", \"additionalProperties\": false, "
	"\"required\": [\"key\", \"entity\", \"record\"], \"properties\": {"
	"\"key\": " KEY_SCHEMA ", "
	"\"entity\": {\"type\": \"string\", \"enum\": [\"patrols\", \"household_visits\", "
	"\"disputes\", \"hazards\"]}, "
	"\"record\": " RECORD_SCHEMA ", "
	"\"found\": {\"type\": \"array\", \"maxItems\": 20, "
	"\"description\": \"巡查、走访中发现的记录（只用于 patrols、household_visits），各自关联到本条\", "
	"\"items\": {\"type\": \"object\", \"additionalProperties\": false, "
	"\"required\": [\"entity\", \"record\"], \"properties\": {"
	"\"entity\": {\"type\": \"string\", \"enum\": [\"disputes\", \"hazards\", \"problems\"]}, "
	"\"record\": " RECORD_SCHEMA "}}}, "
	"\"photos\": {\"type\": \"array\", \"maxItems\": 10, "
	"\"description\": \"照片，作为本条记录的附件（按内容判断类型，大小受 attachment_max_bytes 限制）\", "
	"\"items\": {\"type\": \"object\", \"additionalProperties\": false, "
	"\"required\": [\"name\", \"data\"], \"properties\": {"
	"\"name\": {\"type\": \"string\"}, "
	"\"data\": {\"type\": \"string\", \"contentEncoding\": \"base64\"}}}}}}}}}";

const char api_sync_response_schema[] =
	"{\"type\": \"object\", \"required\": [\"items\"], \"properties\": {\"items\": "
	"{\"type\": \"array\", \"items\": {\"type\": \"object\", "
	"\"required\": [\"key\", \"status\", \"replayed\"], \"properties\": {"
	"\"key\": {\"type\": [\"string\", \"null\"]}, "
	"\"status\": {\"type\": \"integer\", \"description\": \"201 已保存；200 此前已保存（replayed）；"
	"4xx 未保存，原因见 error\"}, "
	"\"entity\": {\"type\": [\"string\", \"null\"]}, "
	"\"id\": {\"type\": \"integer\"}, "
	"\"no\": {\"type\": \"string\", \"description\": \"记录编号（未填写时由服务器生成）\"}, "
	"\"found\": {\"type\": \"array\", \"items\": {\"type\": \"object\", \"properties\": {"
	"\"entity\": {\"type\": \"string\"}, \"id\": {\"type\": \"integer\"}, "
	"\"no\": {\"type\": \"string\"}}}}, "
	"\"attachments\": {\"type\": \"integer\"}, "
	"\"replayed\": {\"type\": \"boolean\"}, "
	"\"error\": {\"$ref\": \"#/components/schemas/Problem\"}}}}}}";
