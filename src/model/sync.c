/*
 * sync.c: the phone's outbox (see sync.h).  A batch is read in two steps,
 * as an import is: first, on the caller's thread, each item's shape — its
 * key, its lists, its photos decoded — into a `struct item`, so that the
 * writer is held only to write; then, on the writer (a job of the group
 * commit), each item in a transaction of its own: its key looked up in
 * sync_keys (applied before: the stored answer, replayed), else its
 * records created through the generic write path (entity_create_record:
 * roles, hooks, scope, number, audit), its photos attached (attach_add:
 * type by content, size limit, audit), and its key stored with the answer.
 */
#include "model/sync.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/crypto.h"
#include "base/date.h"
#include "base/validate.h"
#include "db/db.h"
#include "db/group_commit.h"
#include "model/attach.h"
#include "model/entity_int.h"

#define KEY_MIN 8
#define KEY_MAX 64

/* What may be sent, and what may be found on what was sent. */
static const char *const sent_lists[] = { "patrols", "household_visits", "disputes", "hazards" };
static const char *const found_lists[] = { "disputes", "hazards", "problems" };

struct photo {
	const char *name; /* in the batch's JSON */
	struct strbuf data;
};

struct item {
	const char *key;		/* in the batch's JSON; NULL: not a string */
	const struct entity_desc *ed;	/* NULL: unknown list */
	json_t *record;			/* borrowed */
	json_t *found;			/* borrowed array, or NULL */
	struct photo *photos;
	size_t nphotos;
	json_t *result;			/* the answer (owned until put in *out) */
};

static int in_list(const char *const *list, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(list[i], name))
			return 1;
	return 0;
}

#define NL(a) (sizeof(a) / sizeof((a)[0]))

/* The answer of a refused item: {key, status, entity, replayed, error}. */
static void item_refused(struct item *it, int code, const char *field, const char *msg)
{
	json_t *err = json_pack("{si ss}", "status", model_status(code), "detail", msg);

	if (field)
		json_object_set_new(err, "field", json_string(field));
	json_decref(it->result);
	it->result = json_pack("{s:s? si s:s? sb so}", "key", it->key, "status", model_status(code),
			       "entity", it->ed ? it->ed->name : NULL, "replayed", 0, "error", err);
}

/* 8 to 64 of [A-Za-z0-9_-]. */
static int key_valid(const char *k)
{
	size_t n = strlen(k), i;

	if (n < KEY_MIN || n > KEY_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = k[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* The photos of an item, decoded.  0, or -1 with the item refused. */
static int read_photos(struct item *it, json_t *photos)
{
	struct strbuf field = STRBUF_INIT;
	size_t i;
	json_t *p;
	int ret = 0;

	if (!json_is_array(photos) || json_array_size(photos) > SYNC_MAX_PHOTOS) {
		item_refused(it, MODEL_EBADREQ, "photos", "photos 应为数组，每条记录最多 "
			     "10 张照片");
		return -1;
	}
	it->photos = xcalloc(json_array_size(photos) ? json_array_size(photos) : 1,
			     sizeof(*it->photos));
	json_array_foreach(photos, i, p) {
		const char *data = json_string_value(json_object_get(p, "data"));
		const char *comma;
		struct photo *ph = &it->photos[it->nphotos++];

		strbuf_init(&ph->data, 0);
		ph->name = json_string_value(json_object_get(p, "name"));
		strbuf_reset(&field);
		strbuf_addf(&field, "photos[%zu]", i);
		if (!json_is_object(p) || !ph->name || !data) {
			item_refused(it, MODEL_EBADREQ, field.buf,
				     "每张照片应为 {\"name\": 文件名, \"data\": base64}");
			ret = -1;
			break;
		}
		/* a data: URL is the same bytes */
		if (!strncmp(data, "data:", 5) && (comma = strstr(data, ";base64,")))
			data = comma + 8;
		if (base64_decode(data, strlen(data), &ph->data)) {
			item_refused(it, MODEL_EINVAL, field.buf, "照片数据不是有效的 base64");
			ret = -1;
			break;
		}
	}
	strbuf_release(&field);
	return ret;
}

/* Item `j` of the batch into `it`: its shape checked, its photos decoded. */
static void read_item(struct item *it, json_t *j)
{
	const char *entity;
	json_t *found, *photos, *f;
	size_t i;

	if (!json_is_object(j)) {
		item_refused(it, MODEL_EBADREQ, NULL, "每一项应为 JSON 对象");
		return;
	}
	it->key = json_string_value(json_object_get(j, "key"));
	entity = json_string_value(json_object_get(j, "entity"));
	it->ed = entity && in_list(sent_lists, NL(sent_lists), entity) ? entity_find(entity) : NULL;
	if (!it->key || !key_valid(it->key)) {
		item_refused(it, MODEL_EBADREQ, "key", "key 应为 8 到 64 个字母、数字、_ 或 -");
		return;
	}
	if (!it->ed) {
		item_refused(it, MODEL_EBADREQ, "entity",
			     "entity 应为 patrols、household_visits、disputes 或 hazards");
		return;
	}
	it->record = json_object_get(j, "record");
	if (!json_is_object(it->record)) {
		item_refused(it, MODEL_EBADREQ, "record", "record 应为 JSON 对象");
		return;
	}
	json_object_foreach(j, entity, f)
		if (strcmp(entity, "key") && strcmp(entity, "entity") && strcmp(entity, "record") &&
		    strcmp(entity, "found") && strcmp(entity, "photos")) {
			item_refused(it, MODEL_EBADREQ, NULL,
				     "未知字段：每一项只有 key、entity、record、found、photos");
			return;
		}
	found = json_object_get(j, "found");
	if (found && !json_is_null(found)) {
		if (strcmp(it->ed->name, "patrols") && strcmp(it->ed->name, "household_visits")) {
			item_refused(it, MODEL_EBADREQ, "found", "只有巡查和入户走访可以带发现的记录（found）");
			return;
		}
		if (!json_is_array(found) || json_array_size(found) > SYNC_MAX_FOUND) {
			item_refused(it, MODEL_EBADREQ, "found", "found 应为数组，最多 20 条");
			return;
		}
		json_array_foreach(found, i, f) {
			const char *fe = json_string_value(json_object_get(f, "entity"));
			if (!fe || !in_list(found_lists, NL(found_lists), fe) ||
			    !json_is_object(json_object_get(f, "record"))) {
				struct strbuf fld = STRBUF_INIT;
				strbuf_addf(&fld, "found[%zu]", i);
				item_refused(it, MODEL_EBADREQ, fld.buf, "发现的记录应为 {\"entity\": "
					     "disputes、hazards 或 problems, \"record\": {…}}");
				strbuf_release(&fld);
				return;
			}
		}
		it->found = found;
	}
	photos = json_object_get(j, "photos");
	if (photos && !json_is_null(photos))
		read_photos(it, photos);
}

/* ---- on the writer ---- */

struct batch {
	struct model_ctx mc;	/* on the writer connection */
	struct item *items;
	size_t n;
	struct model_error *e;
};

/* The stored answer of key `it->key` of the actor, replayed: 1, 0 (none), or MODEL_EDB. */
static int replayed(struct batch *b, struct item *it)
{
	char uid[24];
	const char *params[] = { uid, it->key };
	char *text = NULL;
	json_t *res;

	snprintf(uid, sizeof(uid), "%" PRId64, b->mc.actor->user_id);
	if (db_query_value(b->mc.db, "SELECT result FROM sync_keys WHERE user_id = ? AND key = ?",
			   params, 2, &text, NULL))
		return MODEL_EDB;
	if (!text)
		return 0;
	res = json_loads(text, 0, NULL);
	free(text);
	if (!res)
		return MODEL_EDB;
	json_object_set_new(res, "status", json_integer(200));
	json_object_set_new(res, "replayed", json_true());
	json_decref(it->result);
	it->result = res;
	return 1;
}

/* Create the record of `ed` from JSON `in` (plus `link` = `value` when not NULL). */
static int create(struct batch *b, const struct entity_desc *ed, json_t *in, const char *link,
		  const char *value, struct record *r, struct model_error *e)
{
	int ret;

	record_init(r, ed);
	if ((ret = record_from_json(r, in, 1, NULL, e)))
		return ret;
	if (link) {
		int i = entity_field_index(ed, link);
		record_set(r, i, value);
		r->given[i] = 1;
	}
	return entity_create_record(&b->mc, r, e);
}

/* Say where refusal `e` came from: "<what>：<its message>". */
static void refusal_in(struct model_error *e, const char *fmt, const char *label, size_t n)
{
	struct strbuf msg = STRBUF_INIT;

	strbuf_addf(&msg, fmt, label, n);
	strbuf_addstr(&msg, e->msg.buf);
	strbuf_reset(&e->msg);
	strbuf_addbuf(&e->msg, &msg);
	strbuf_release(&msg);
}

/* The answer's {entity, id, no} of stored record `r`. */
static json_t *made(const struct record *r)
{
	return json_pack("{ss sI s:s?}", "entity", r->ed->name, "id", (json_int_t)r->id, "no",
			 record_get(r, r->ed->key));
}

/*
 * The item's records, links and photos, in the open transaction.  0, or a
 * refusal in `e` with the field at fault into `field` (a found record's
 * as found[i].<field>, a photo's as photos[i]).
 */
static int apply_records(struct batch *b, struct item *it, json_t *res, struct strbuf *field,
			 struct model_error *e)
{
	const char *link = strcmp(it->ed->name, "patrols") ? "visit" : "patrol";
	json_t *found = json_array(), *f, *o = NULL;
	struct record r, fr;
	size_t i;
	int ret;

	json_object_set_new(res, "found", found);
	ret = create(b, it->ed, it->record, NULL, NULL, &r, e);
	if (ret) {
		if (e->field)
			strbuf_addstr(field, e->field);
		goto out;
	}
	json_object_set_new(res, "id", json_integer(r.id));
	json_object_set_new(res, "no", json_string(record_get(&r, it->ed->key)));
	json_array_foreach(it->found, i, f) {
		const char *fname = json_string_value(json_object_get(f, "entity"));
		const struct entity_desc *fed = entity_find(fname);

		ret = create(b, fed, json_object_get(f, "record"), link, record_get(&r, it->ed->key),
			     &fr, e);
		if (ret) {
			strbuf_addf(field, "found[%zu]%s%s", i, e->field ? "." : "",
				    e->field ? e->field : "");
			refusal_in(e, "发现的%s（第 %zu 条）：", fed->label, i + 1);
			record_release(&fr);
			goto out;
		}
		json_array_append_new(found, made(&fr));
		record_release(&fr);
	}
	for (i = 0; i < it->nphotos; i++) {
		struct photo *p = &it->photos[i];

		ret = attach_add(&b->mc, it->ed, r.id, p->name, p->data.buf, p->data.len, &o, e);
		json_decref(o);
		o = NULL;
		if (ret) {
			strbuf_addf(field, "photos[%zu]", i);
			refusal_in(e, "%s（第 %zu 张）：", "照片", i + 1);
			goto out;
		}
	}
	json_object_set_new(res, "attachments", json_integer((json_int_t)it->nphotos));
out:
	record_release(&r);
	return ret;
}

/* Keep the item's key with its answer, in its transaction. */
static int keep_key(struct batch *b, struct item *it, json_t *res, struct model_error *e)
{
	char *text = json_dumps(res, JSON_COMPACT);
	struct db_stmt *st = NULL;
	int ret = 0;

	if (!text || db_prepare(b->mc.db, "INSERT INTO sync_keys (user_id, key, status, result, "
				"created_at) VALUES (?, ?, ?, ?, ?)", &st, &e->msg)) {
		free(text);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	db_bind_int64(st, 1, b->mc.actor->user_id);
	db_bind_text(st, 2, it->key);
	db_bind_int64(st, 3, 201);
	db_bind_text(st, 4, text);
	db_bind_int64(st, 5, time_now());
	if (db_step(st, &e->msg) < 0)
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
	db_finalize(st);
	free(text);
	return ret;
}

/* One item, in a transaction of its own: applied, replayed or refused. */
static void apply_item(struct batch *b, struct item *it)
{
	struct strbuf field = STRBUF_INIT;
	struct model_error e;
	json_t *res;
	int ret;

	model_error_init(&e);
	if (db_begin(b->mc.db, &e.msg)) {
		item_refused(it, MODEL_EDB, NULL, "数据库错误");
		goto out;
	}
	ret = replayed(b, it);
	if (ret) {
		db_rollback(b->mc.db);
		if (ret < 0)
			item_refused(it, MODEL_EDB, NULL, "数据库错误");
		goto out;
	}
	res = json_pack("{ss si ss sb}", "key", it->key, "status", 201, "entity", it->ed->name,
			"replayed", 0);
	ret = apply_records(b, it, res, &field, &e);
	if (!ret)
		ret = keep_key(b, it, res, &e);
	if (!ret && db_commit(b->mc.db, &e.msg))
		ret = model_fail(&e, MODEL_EDB, NULL, "数据库错误");
	if (ret) {
		db_rollback(b->mc.db);
		json_decref(res);
		item_refused(it, ret, field.len ? field.buf : NULL,
			     ret == MODEL_EDB ? "数据库错误，请稍后重新发送" : e.msg.buf);
		goto out;
	}
	json_decref(it->result);
	it->result = res;
out:
	strbuf_release(&field);
	model_error_release(&e);
}

static int batch_txn(struct db *db, void *arg)
{
	struct batch *b = arg;
	size_t i;

	b->mc.db = db;
	for (i = 0; i < b->n; i++)
		if (!b->items[i].result)
			apply_item(b, &b->items[i]);
	return 0;
}

/* May the actor write any list an item may bring? */
static int writes_any(const struct actor *a)
{
	size_t i;

	for (i = 0; i < NL(sent_lists); i++)
		if (entity_can_write(entity_find(sent_lists[i]), a))
			return 1;
	return 0;
}

int sync_apply(const struct model_ctx *mc, json_t *in, json_t **out, struct model_error *e)
{
	struct batch b = { .mc = *mc, .e = e };
	json_t *items = json_object_get(in, "items"), *j, *res;
	const char *k;
	size_t i, p;
	int ret = 0;

	*out = NULL;
	if (!writes_any(mc->actor))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权提交巡查、走访、矛盾纠纷或隐患");
	json_object_foreach(in, k, j)
		if (strcmp(k, "items"))
			return model_fail(e, MODEL_EBADREQ, NULL, "未知字段“%.*s”：请求体只有 items",
					  utf8_prefix(k, 64), k);
	if (!json_is_array(items))
		return model_fail(e, MODEL_EBADREQ, "items", "items 应为数组");
	if (json_array_size(items) > SYNC_MAX_ITEMS)
		return model_fail(e, MODEL_EBADREQ, "items", "一次最多提交 %d 项（本次 %zu 项），请分批发送",
				  SYNC_MAX_ITEMS, json_array_size(items));
	b.n = json_array_size(items);
	b.items = xcalloc(b.n ? b.n : 1, sizeof(*b.items));
	json_array_foreach(items, i, j)
		read_item(&b.items[i], j);
	b.mc.writes = NULL;
	if (mc->writes) {
		struct group_job job = { .work = batch_txn, .arg = &b };

		if (group_commit_run(mc->writes, &job, &e->msg))
			ret = model_fail(e, MODEL_EDB, NULL, "保存失败，请重新发送");
	} else {
		batch_txn(mc->db, &b);
	}
	res = json_array();
	for (i = 0; i < b.n; i++) {
		struct item *it = &b.items[i];
		for (p = 0; p < it->nphotos; p++)
			strbuf_release(&it->photos[p].data);
		free(it->photos);
		if (!ret)
			json_array_append(res, it->result);
		json_decref(it->result);
	}
	free(b.items);
	if (ret)
		json_decref(res);
	else
		*out = json_pack("{so}", "items", res);
	return ret;
}
