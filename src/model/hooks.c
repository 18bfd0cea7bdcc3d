/*
 * hooks.c: what the descriptors' hooks share (events.c, work.c …): a
 * field of the record being written, read or set by key; its label; a
 * referenced record read through the operation's cache, a missing one
 * refused as the reference's own error; the commonest date checks; whether
 * a code is one of a |-joined set.
 */
#include <string.h>

#include "base/date.h"
#include "model/entity_int.h"

const char *op_get(struct entity_op *op, const char *key)
{
	return record_get(op->rec, key);
}

void op_set(struct entity_op *op, const char *key, const char *v)
{
	record_set(op->rec, entity_field_index(op->ed, key), v);
}

int op_has(struct entity_op *op, const char *key)
{
	return entity_field_index(op->ed, key) >= 0;
}

const char *op_label(struct entity_op *op, const char *key)
{
	return entity_field(op->ed, key)->label;
}

int op_fetch(struct entity_op *op, const char *entity, const char *key, const char *field,
		 struct record *out)
{
	int ret = entity_lookup_cached(op->db, op->cache, entity_find(entity), key, out,
				       &op->error.msg);

	if (ret == MODEL_ENOTFOUND)
		return ref_missing(&op->error, entity_field(op->ed, field), key);
	if (ret)
		return model_fail(&op->error, MODEL_EDB, NULL, "数据库错误");
	return 0;
}

/* Date field `key`, when given, is not after today. */
int op_not_future(struct entity_op *op, const char *key)
{
	char today[DATE_BUFSZ];
	const char *v = op_get(op, key);

	date_today_utc(today);
	if (v && strcmp(v, today) > 0)
		return model_fail(&op->error, MODEL_EINVAL, key, "%s：不能晚于今天", op_label(op, key));
	return 0;
}

/* Date field `later`, when given, is not before date field `earlier`. */
int op_not_before(struct entity_op *op, const char *later, const char *earlier)
{
	const char *a = op_get(op, later), *b = op_get(op, earlier);

	if (a && b && strcmp(a, b) < 0)
		return model_fail(&op->error, MODEL_EINVAL, later, "%s不能早于%s", op_label(op, later),
				  op_label(op, earlier));
	return 0;
}


int in_set(const char *set, const char *code)
{
	size_t n = code ? strlen(code) : 0;

	while (n && set && *set) {
		const char *bar = strchr(set, '|');
		size_t len = bar ? (size_t)(bar - set) : strlen(set);

		if (len == n && !strncmp(set, code, n))
			return 1;
		set += len + (bar != NULL);
	}
	return 0;
}
