/*
 * bulk.c: the actions offices take on many records at once (受理 of
 * petitions, 交办 and 销号 of tasks and problems, 验收 of hazards): the
 * descriptor's `bulk` table says what each sets and from which state;
 * each record is then updated by the one update path of PATCH
 * (entity_update_record: guard, workflow, hooks, scope, history, audit),
 * all in one transaction — every record or none, each refusal named.
 * Not here: which entity has which action (the descriptors), HTTP.
 */
#include <inttypes.h>
#include <string.h>

#include "base/date.h"
#include "base/validate.h"
#include "db/db.h"
#include "model/entity_int.h"

/* A refusal's message names at most this many records; the list names all. */
#define NAMED_MAX 5

static const struct bulk_action *bulk_find(const struct entity_desc *ed, const char *name)
{
	const struct bulk_action *ba;

	for (ba = ed->bulk; ba && ba->name; ba++)
		if (!strcmp(ba->name, name))
			return ba;
	return NULL;
}

int entity_bulk_allowed(const struct entity_desc *ed, const struct bulk_action *ba,
			const struct actor *a)
{
	if (!entity_can_write(ed, a))
		return 0;
	return a->role == ROLE_SYSTEM || (ba->roles & ROLE_BIT(a->role));
}

/* Is the `|`-joined list `set` holding `key`? (in_set for the descriptors' tables) */
static int listed(const char *set, const char *key)
{
	return set && in_set(set, key);
}

/*
 * The request's fields into `given` (a record of `ed`, nothing stored):
 * exactly the action's `ask` keys, each a valid value, each required.
 */
static int ask_fields(const struct entity_desc *ed, const struct bulk_action *ba, json_t *in,
		      struct record *given, struct model_error *e)
{
	struct strbuf norm = STRBUF_INIT;
	const char *k, *p;
	json_t *v;
	int ret = 0;

	json_object_foreach(in, k, v) {
		if (!strcmp(k, "action") || !strcmp(k, "ids"))
			continue;
		if (!listed(ba->ask, k))
			return model_fail(e, MODEL_EBADREQ, NULL, "“%s”不需要填写“%.*s”", ba->label,
					  utf8_prefix(k, 64), k);
	}
	for (p = ba->ask; p && *p && !ret; p += strcspn(p, "|") + (p[strcspn(p, "|")] == '|')) {
		char key[64];
		const struct field_desc *fd;
		int i;

		snprintf(key, sizeof(key), "%.*s", (int)strcspn(p, "|"), p);
		i = entity_field_index(ed, key);
		fd = &ed->fields[i];
		v = json_object_get(in, key);
		if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
			ret = model_fail(e, MODEL_EINVAL, fd->key, "%s：必填", fd->label);
		else if (!json_is_string(v))
			ret = model_fail(e, MODEL_EINVAL, fd->key, "%s：应为字符串", fd->label);
		else if (!(ret = field_normalize(fd, json_string_value(v), &norm, e)))
			record_set(given, i, norm.buf);
		strbuf_reset(&norm);
	}
	strbuf_release(&norm);
	return ret;
}

/* The action's fixed values ("key=value|…", @today) onto `r`, marked given. */
static void set_fixed(const struct bulk_action *ba, struct record *r)
{
	char today[DATE_BUFSZ], key[64];
	const char *p, *eq;
	size_t n;

	date_today(today);
	for (p = ba->set; p && *p; p += n + (p[n] == '|')) {
		struct strbuf v = STRBUF_INIT;
		int i;

		n = strcspn(p, "|");
		eq = memchr(p, '=', n);
		snprintf(key, sizeof(key), "%.*s", (int)(eq - p), p);
		strbuf_add(&v, eq + 1, n - (size_t)(eq + 1 - p));
		i = entity_field_index(r->ed, key);
		record_set(r, i, strcmp(v.buf, "@today") ? v.buf : today);
		r->given[i] = 1;
		strbuf_release(&v);
	}
}

/* Record `old` stands where the action starts: 0, or its refusal naming where it should. */
static int check_from(const struct bulk_action *ba, const struct record *old,
		      struct model_error *e)
{
	const struct field_desc *fd;
	const char *now, *p;
	struct strbuf want = STRBUF_INIT;
	size_t n;
	int ret;

	if (!ba->state || !ba->from)
		return 0;
	fd = entity_field(old->ed, ba->state);
	now = record_get(old, ba->state);
	if (now && listed(ba->from, now))
		return 0;
	for (p = ba->from; *p; p += n + (p[n] == '|')) {
		char code[64];

		n = strcspn(p, "|");
		snprintf(code, sizeof(code), "%.*s", (int)n, p);
		strbuf_addf(&want, "%s“%s”", want.len ? "或" : "", enum_label(fd->enumeration, code));
	}
	ret = model_fail(e, MODEL_ECONFLICT, fd->key, "%s为“%s”，应为%s才能%s", fd->label,
			 now ? enum_label(fd->enumeration, now) : "（空）", want.buf, ba->label);
	strbuf_release(&want);
	return ret;
}

/* One record: loaded within scope, in the action's state, updated as PATCH does. */
static int bulk_one(const struct model_ctx *mc, const struct bulk_action *ba, int64_t id,
		    const struct record *given, struct record *old, struct record *r,
		    struct model_error *e)
{
	size_t i;
	int ret;

	if ((ret = load_scoped(mc, given->ed, id, old, e))) {
		if (ret == MODEL_ENOTFOUND) {
			strbuf_reset(&e->msg);
			strbuf_addf(&e->msg, "记录（id %" PRId64 "）不存在或不在您的管辖范围内", id);
		}
		return ret;
	}
	if ((ret = check_from(ba, old, e)))
		return ret;
	for (i = 0; i < given->ed->nfields; i++)
		if (given->val[i]) {
			record_set(r, (int)i, given->val[i]);
			r->given[i] = 1;
		}
	set_fixed(ba, r);
	return entity_update_record(mc, r, old, e);
}

/* The refusal of the whole: the first's code, a message naming the records. */
static int bulk_refused(const struct bulk_action *ba, json_t *errs, int code,
			struct model_error *e)
{
	size_t i, n = json_array_size(errs);

	model_error_release(e);
	model_error_init(e);
	e->code = code;
	strbuf_addf(&e->msg, "%zu 条记录不能%s，全部未办理：", n, ba->label);
	for (i = 0; i < n && i < NAMED_MAX; i++) {
		json_t *x = json_array_get(errs, i);
		const char *no = json_string_value(json_object_get(x, "no"));

		if (i)
			strbuf_addstr(&e->msg, "；");
		if (no)
			strbuf_addf(&e->msg, "%s：", no);
		strbuf_addstr(&e->msg, json_string_value(json_object_get(x, "message")));
	}
	if (n > NAMED_MAX)
		strbuf_addf(&e->msg, "；等 %zu 条", n);
	return code;
}

static int ids_check(const int64_t *ids, size_t n, struct model_error *e)
{
	size_t i, j;

	if (!n)
		return model_fail(e, MODEL_EINVAL, "ids", "请选择要办理的记录");
	if (n > BULK_MAX)
		return model_fail(e, MODEL_EINVAL, "ids", "一次最多办理 %d 条", BULK_MAX);
	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			if (ids[i] == ids[j])
				return model_fail(e, MODEL_EINVAL, "ids", "记录（id %" PRId64 "）重复",
						  ids[i]);
	return 0;
}

int entity_bulk(const struct model_ctx *mc, const struct entity_desc *ed, const char *action,
		const int64_t *ids, size_t n, json_t *in, json_t **out, json_t **errors,
		struct model_error *e)
{
	const struct bulk_action *ba = action ? bulk_find(ed, action) : NULL;
	struct record given, old, r;
	json_t *errs = NULL, *items = NULL;
	size_t i;
	int ret, first = 0;

	if (!ba)
		return model_fail(e, MODEL_EBADREQ, "action", "%s没有批量操作“%.*s”", ed->label,
				  action ? utf8_prefix(action, 64) : 0, action ? action : "");
	if (!entity_bulk_allowed(ed, ba, mc->actor))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权批量%s%s", ba->label, ed->label);
	if ((ret = ids_check(ids, n, e)))
		return ret;
	record_init(&given, ed);
	if ((ret = ask_fields(ed, ba, in, &given, e))) {
		record_release(&given);
		return ret;
	}
	if (db_begin(mc->db, &e->msg)) {
		record_release(&given);
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	errs = json_array();
	items = json_array();
	for (i = 0; i < n; i++) {
		struct model_error one;

		model_error_init(&one);
		record_init(&old, NULL);
		record_init(&r, ed);
		ret = bulk_one(mc, ba, ids[i], &given, &old, &r, &one);
		if (ret == MODEL_EDB) {
			model_fail(e, MODEL_EDB, NULL, "%s", one.msg.buf);
		} else if (ret) {
			json_array_append_new(errs, json_pack("{sI ss? ss? ss}", "id", (json_int_t)ids[i],
				"no", record_get(&old, ed->key), "field", one.field,
				"message", one.msg.buf));
			if (!first)
				first = ret;
		} else {
			json_array_append_new(items, json_pack("{sI ss sI}", "id", (json_int_t)r.id,
				"no", record_get(&r, ed->key), "rev", (json_int_t)r.rev));
		}
		record_release(&old);
		record_release(&r);
		model_error_release(&one);
		if (ret == MODEL_EDB)
			break;
	}
	if (ret != MODEL_EDB && first)
		ret = bulk_refused(ba, errs, first, e);
	else if (ret != MODEL_EDB && db_commit(mc->db, &e->msg))
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
	if (ret) {
		db_rollback(mc->db);
		if (errors && ret != MODEL_EDB) {
			*errors = errs;
			errs = NULL;
		}
	} else {
		*out = json_pack("{ss sI so}", "action", ba->name, "count", (json_int_t)n, "items",
				 items);
		items = NULL;
	}
	json_decref(errs);
	json_decref(items);
	record_release(&given);
	return ret;
}
