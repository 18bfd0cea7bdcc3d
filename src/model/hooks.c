/*
 * hooks.c: what the descriptors' hooks share (events.c, work.c …): a
 * field of the record being written, read or set by key; its label; a
 * referenced record read through the operation's cache, a missing one
 * refused as the reference's own error; the commonest date checks; a
 * record found on a patrol or a visit placed and dated by it; whether a
 * code is one of a |-joined set.
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

	date_today(today);
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

/*
 * A record found on a patrol or a household visit (its fields `patrol` and
 * `visit`, one at most): on creation, or when the link changes, it is
 * placed where it was found — each of grid, village, township and district
 * that the record has takes the patrol's (visit's) value when empty or
 * derived; one given that differs is refused — and an empty `date_key`
 * takes the patrol's (visit's) day.  Without either link the date must be
 * given.  Call it first in the hook: the hook's own placing then checks
 * the rest (a subject in another township).
 */
int op_found_on(struct entity_op *op, const char *date_key)
{
	static const char *const place[] = { "grid", "village", "township", "district" };
	const char *patrol = op_get(op, "patrol"), *visit = op_get(op, "visit");
	const char *field = patrol ? "patrol" : "visit", *link = patrol ? patrol : visit;
	struct record r;
	size_t i;
	int ret;

	if (patrol && visit)
		return model_fail(&op->error, MODEL_EINVAL, "visit", "%s与%s只能填一个",
				  op_label(op, "patrol"), op_label(op, "visit"));
	if (!link || (op->old && !record_values_differ(link, record_get(op->old, field)))) {
		if (!op_get(op, date_key))
			return model_fail(&op->error, MODEL_EINVAL, date_key, "%s：必填",
					  op_label(op, date_key));
		return 0;
	}
	record_init(&r, NULL);
	ret = op_fetch(op, patrol ? "patrols" : "household_visits", link, field, &r);
	for (i = 0; !ret && i < sizeof(place) / sizeof(place[0]); i++) {
		const char *want = record_get(&r, place[i]), *have;

		if (!op_has(op, place[i]) || !want)
			continue;
		have = op_get(op, place[i]);
		if (!have || (entity_field(op->ed, place[i])->flags & FF_DERIVED))
			op_set(op, place[i], want);
		else if (strcmp(have, want))
			ret = model_fail(&op->error, MODEL_EINVAL, place[i], "%s与%s“%s”不一致",
					 op_label(op, place[i]), op_label(op, field), link);
	}
	if (!ret && !op_get(op, date_key))
		op_set(op, date_key, record_get(&r, patrol ? "patrolled_on" : "visited_on"));
	record_release(&r);
	return ret;
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
