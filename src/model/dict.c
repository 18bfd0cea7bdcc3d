/*
 * dict.c: the office's dictionary over the shipped enumerations (see
 * dict.h), and the two lookups every part uses (enums.h).  The memory is
 * one table per enumeration, built from the shipped items at first use and
 * changed by dict_load() and the office's writes; a label once handed out
 * stays valid for the process's life (a replaced one is kept), so readers
 * may hold it after the lock is released.
 */
#include "model/dict.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/date.h"
#include "base/strbuf.h"
#include "base/validate.h"
#include "db/db.h"
#include "model/audit.h"
#include "model/enums.h"
#include "model/errors.h"
#include "model/role.h"

#define LABEL_MAX 32	/* characters */
#define CODE_MAX 32
#define SORT_MAX 9999

struct ditem {
	const char *code;	/* shipped, or an added item's: never freed */
	const char *label;	/* the current label */
	const char *shipped;	/* the shipped label; NULL for an added item */
	int sort, enabled, locked, added;
};

struct dtab {
	const struct enum_desc *en;
	struct ditem *v;
	size_t n, alloc;
};

static struct dtab *tabs;
static size_t ntabs;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
/* one writer at a time, from its checks to its change in memory */
static pthread_mutex_t writer = PTHREAD_MUTEX_INITIALIZER;
/* labels replaced, kept for the readers that may still hold them */
static struct { char **v; size_t n, alloc; } kept;

static void grow(void **v, size_t *alloc, size_t need, size_t size)
{
	if (need <= *alloc)
		return;
	*alloc = need < 16 ? 16 : need * 2;
	*v = xrealloc(*v, *alloc * size);
}

static void build(void)
{
	size_t i;

	for (ntabs = 0; all_enums[ntabs]; ntabs++)
		;
	tabs = xcalloc(ntabs, sizeof(*tabs));
	for (i = 0; i < ntabs; i++) {
		const struct enum_desc *en = all_enums[i];
		const struct enum_item *it;
		struct dtab *t = &tabs[i];

		t->en = en;
		for (it = en->items; it->code; it++) {
			grow((void **)&t->v, &t->alloc, t->n + 1, sizeof(*t->v));
			t->v[t->n] = (struct ditem){ it->code, it->label, it->label,
						     (int)(t->n + 1) * 10, 1,
						     !en->open || it->fixed, 0 };
			t->n++;
		}
	}
}

static struct dtab *tab_of(const struct enum_desc *en)
{
	size_t i;

	pthread_once(&once, build);
	for (i = 0; i < ntabs; i++)
		if (tabs[i].en == en)
			return &tabs[i];
	return NULL;
}

static struct dtab *tab_named(const char *name)
{
	size_t i;

	pthread_once(&once, build);
	for (i = 0; i < ntabs; i++)
		if (!strcmp(tabs[i].en->name, name))
			return &tabs[i];
	return NULL;
}

static struct ditem *item_of(struct dtab *t, const char *code)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].code, code))
			return &t->v[i];
	return NULL;
}

static int by_sort(const void *a, const void *b)
{
	const struct ditem *x = a, *y = b;

	return x->sort != y->sort ? (x->sort > y->sort) - (x->sort < y->sort)
				  : strcmp(x->code, y->code);
}

const char *enum_lookup(const struct enum_desc *en, const char *s)
{
	struct dtab *t = tab_of(en);
	const char *code = NULL;
	size_t i;

	pthread_rwlock_rdlock(&lock);
	for (i = 0; i < t->n && !code; i++)
		if (!strcmp(t->v[i].code, s))
			code = t->v[i].code;
	for (i = 0; i < t->n && !code; i++)
		if (!strcmp(t->v[i].label, s))
			code = t->v[i].code;
	for (i = 0; i < t->n && !code; i++)
		if (t->v[i].shipped && !strcmp(t->v[i].shipped, s))
			code = t->v[i].code;
	pthread_rwlock_unlock(&lock);
	return code;
}

const char *enum_label(const struct enum_desc *en, const char *code)
{
	struct dtab *t = tab_of(en);
	const struct ditem *it;
	const char *label;

	pthread_rwlock_rdlock(&lock);
	it = item_of(t, code);
	label = it ? it->label : code;
	pthread_rwlock_unlock(&lock);
	return label;
}

int dict_enabled(const struct enum_desc *en, const char *code)
{
	struct dtab *t = tab_of(en);
	const struct ditem *it;
	int on;

	pthread_rwlock_rdlock(&lock);
	it = item_of(t, code);
	on = it && it->enabled;
	pthread_rwlock_unlock(&lock);
	return on;
}

/* Under the write lock: set `it`'s label (keeping the one it replaces). */
static void set_label(struct ditem *it, const char *label)
{
	if (!strcmp(it->label, label))
		return;
	if (it->label != it->shipped) {
		grow((void **)&kept.v, &kept.alloc, kept.n + 1, sizeof(*kept.v));
		kept.v[kept.n++] = (char *)it->label;
	}
	it->label = it->shipped && !strcmp(it->shipped, label) ? it->shipped : xstrdup(label);
}

/* Under the write lock: one stored row into the memory. */
static void apply(struct dtab *t, const char *code, const char *label, int sort, int enabled)
{
	struct ditem *it = item_of(t, code);

	if (!it) {
		grow((void **)&t->v, &t->alloc, t->n + 1, sizeof(*t->v));
		it = &t->v[t->n++];
		*it = (struct ditem){ xstrdup(code), NULL, NULL, sort, enabled, 0, 1 };
		it->label = xstrdup(label);
	} else {
		set_label(it, label);
	}
	it->sort = sort;
	it->enabled = enabled || it->locked;
	qsort(t->v, t->n, sizeof(*t->v), by_sort);
}

int dict_load(struct db *db, struct strbuf *err)
{
	struct db_stmt *st;
	int rc;

	pthread_once(&once, build);
	if (db_prepare(db, "SELECT enum_name, code, label, sort, enabled FROM dict_items "
		       "ORDER BY enum_name, code", &st, err))
		return -1;
	pthread_rwlock_wrlock(&lock);
	while ((rc = db_step(st, err)) == DB_ROW) {
		struct dtab *t = tab_named(db_column_text(st, 0));
		if (t)	/* an enumeration a later version dropped: kept, not shown */
			apply(t, db_column_text(st, 1), db_column_text(st, 2),
			      (int)db_column_int64(st, 3), db_column_int64(st, 4) != 0);
	}
	pthread_rwlock_unlock(&lock);
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

json_t *dict_meta(void)
{
	json_t *o = json_object();
	size_t i, j;

	pthread_once(&once, build);
	pthread_rwlock_rdlock(&lock);
	for (i = 0; i < ntabs; i++) {
		json_t *arr = json_array();
		for (j = 0; j < tabs[i].n; j++) {
			const struct ditem *it = &tabs[i].v[j];
			json_t *x = json_pack("{ss ss}", "code", it->code, "label", it->label);
			if (!it->enabled)
				json_object_set_new(x, "disabled", json_true());
			json_array_append_new(arr, x);
		}
		json_object_set_new(o, tabs[i].en->name, arr);
	}
	pthread_rwlock_unlock(&lock);
	return o;
}

static int office_only(const struct actor *a, struct model_error *e)
{
	if (a->role != ROLE_OFFICE && a->role != ROLE_SYSTEM)
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "只有创建办公室可以管理字典");
	return 0;
}

int dict_list(const struct actor *a, json_t **out, struct model_error *e)
{
	json_t *arr;
	size_t i, j;
	int ret;

	if ((ret = office_only(a, e)))
		return ret;
	pthread_once(&once, build);
	arr = json_array();
	pthread_rwlock_rdlock(&lock);
	for (i = 0; i < ntabs; i++) {
		json_t *items = json_array();
		for (j = 0; j < tabs[i].n; j++) {
			const struct ditem *it = &tabs[i].v[j];
			json_array_append_new(items, json_pack("{ss ss si sb sb sb}", "code", it->code,
				"label", it->label, "sort", it->sort, "enabled", it->enabled,
				"locked", it->locked, "added", it->added));
		}
		json_array_append_new(arr, json_pack("{ss ss sb so}", "name", tabs[i].en->name,
			"label", tabs[i].en->label, "open", tabs[i].en->open, "items", items));
	}
	pthread_rwlock_unlock(&lock);
	*out = arr;
	return 0;
}

/* What a change asks for, checked. */
struct dict_change {
	const char *label;
	int sort, enabled;
};

static int check_label(struct dtab *t, const struct ditem *self, const char *label,
		       struct model_error *e)
{
	size_t i;

	if (!utf8_valid(label, strlen(label)) || !utf8_visible_length(label))
		return model_fail(e, MODEL_EINVAL, "label", "字典标签不能为空");
	if (utf8_length(label) > LABEL_MAX || !text_controls_ok(label) || strchr(label, '|'))
		return model_fail(e, MODEL_EINVAL, "label",
				  "字典标签应为不超过 %d 个字的文字，不含控制字符和“|”", LABEL_MAX);
	for (i = 0; i < t->n; i++)
		if (&t->v[i] != self && (!strcmp(t->v[i].label, label) ||
					 !strcmp(t->v[i].code, label)))
			return model_fail(e, MODEL_ECONFLICT, "label", "%s中已有“%s”",
					  t->en->label, label);
	return 0;
}

static int check_sort(json_t *v, int *sort, struct model_error *e)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > SORT_MAX)
		return model_fail(e, MODEL_EINVAL, "sort", "显示顺序应为 0 到 %d 之间的整数",
				  SORT_MAX);
	*sort = (int)json_integer_value(v);
	return 0;
}

/* The body of an update against the item as it is (under the read lock). */
static int check_update(struct dtab *t, const struct ditem *it, json_t *in,
			struct dict_change *c, struct model_error *e)
{
	const char *key;
	json_t *v;
	int ret;

	c->label = it->label;
	c->sort = it->sort;
	c->enabled = it->enabled;
	json_object_foreach(in, key, v) {
		if (!strcmp(key, "label")) {
			if (!json_is_string(v))
				return model_fail(e, MODEL_EINVAL, "label", "字典标签应为文字");
			if ((ret = check_label(t, it, json_string_value(v), e)))
				return ret;
			c->label = json_string_value(v);
		} else if (!strcmp(key, "sort")) {
			if ((ret = check_sort(v, &c->sort, e)))
				return ret;
		} else if (!strcmp(key, "enabled")) {
			if (!json_is_boolean(v))
				return model_fail(e, MODEL_EINVAL, "enabled", "启用状态应为 true 或 false");
			c->enabled = json_is_true(v);
			if (!c->enabled && it->locked)
				return model_fail(e, MODEL_EINVAL, "enabled",
						  "“%s”是系统内置项，认定规则或程序用到它，不能停用",
						  it->label);
		} else if (!strcmp(key, "new_code")) {
			if (!json_is_string(v) || strcmp(json_string_value(v), it->code))
				return model_fail(e, MODEL_EINVAL, "new_code", it->locked ?
						  "“%s”是系统内置项，键值不能修改" :
						  "“%s”的键值已被记录使用，不能修改", it->label);
		} else {
			return model_fail(e, MODEL_EBADREQ, key, "未知的字段：%s", key);
		}
	}
	return 0;
}

/* The row and its audit, in one transaction. */
static int store(struct db *db, const struct actor *a, struct dtab *t, const char *code,
		 const struct dict_change *c, const char *action, const char *detail,
		 struct model_error *e)
{
	struct strbuf err = STRBUF_INIT, object = STRBUF_INIT;
	struct db_stmt *st;
	int rc = -1;

	strbuf_addf(&object, "dict/%s/%s", t->en->name, code);
	if (db_begin(db, &err))
		goto out;
	if (db_prepare(db, "DELETE FROM dict_items WHERE enum_name = ? AND code = ?", &st, &err))
		goto rollback;
	db_bind_text(st, 1, t->en->name);
	db_bind_text(st, 2, code);
	rc = db_step(st, &err);
	db_finalize(st);
	if (rc < 0 || db_prepare(db, "INSERT INTO dict_items (enum_name, code, label, sort, enabled, "
				 "updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)", &st, &err))
		goto rollback;
	db_bind_text(st, 1, t->en->name);
	db_bind_text(st, 2, code);
	db_bind_text(st, 3, c->label);
	db_bind_int64(st, 4, c->sort);
	db_bind_int64(st, 5, c->enabled);
	db_bind_int64(st, 6, time_now());
	db_bind_text(st, 7, a->username ? a->username : "cli");
	rc = db_step(st, &err);
	db_finalize(st);
	if (rc < 0 || audit_append(db, a, action, object.buf, "ok", detail, &err) ||
	    db_commit(db, &err))
		goto rollback;
	rc = 0;
	goto out;
rollback:
	db_rollback(db);
	rc = -1;
out:
	if (rc)
		model_fail(e, MODEL_EDB, NULL, "dict: %s", err.buf);
	strbuf_release(&err);
	strbuf_release(&object);
	return rc ? MODEL_EDB : 0;
}

static void describe(struct strbuf *d, const struct ditem *it, const struct dict_change *c)
{
	if (!it || strcmp(it->label, c->label))
		strbuf_addf(d, "%s%s标签=%s", d->len ? "；" : "", it ? "" : "新增 ", c->label);
	if (!it || it->sort != c->sort)
		strbuf_addf(d, "%s顺序=%d", d->len ? "；" : "", c->sort);
	if (!it || it->enabled != c->enabled)
		strbuf_addf(d, "%s%s", d->len ? "；" : "", c->enabled ? "启用" : "停用");
}

int dict_update(struct db *db, const struct actor *a, const char *name, const char *code,
		json_t *in, struct model_error *e)
{
	struct strbuf detail = STRBUF_INIT;
	struct dict_change c;
	struct ditem *it;
	struct dtab *t;
	char *label = NULL;
	int ret;

	if ((ret = office_only(a, e)))
		return ret;
	if (!(t = tab_named(name)))
		return model_fail(e, MODEL_ENOTFOUND, NULL, "没有这个字典类型：%s", name);
	pthread_mutex_lock(&writer);
	pthread_rwlock_rdlock(&lock);
	it = item_of(t, code);
	if (!it)
		ret = model_fail(e, MODEL_ENOTFOUND, NULL, "%s中没有键值“%s”", t->en->label, code);
	else if (!(ret = check_update(t, it, in, &c, e))) {
		label = xstrdup(c.label);
		c.label = label;
		describe(&detail, it, &c);
	}
	pthread_rwlock_unlock(&lock);
	if (!ret && detail.len &&
	    !(ret = store(db, a, t, code, &c, "dict.update", detail.buf, e))) {
		pthread_rwlock_wrlock(&lock);
		apply(t, code, c.label, c.sort, c.enabled);
		pthread_rwlock_unlock(&lock);
	}
	pthread_mutex_unlock(&writer);
	free(label);
	strbuf_release(&detail);
	return ret;
}

static int check_code(struct dtab *t, json_t *v, struct model_error *e)
{
	const char *s = json_string_value(v), *p;
	size_t i;

	if (!s || !*s)
		return model_fail(e, MODEL_EINVAL, "code", "字典键值不能为空");
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9' && p > s) ||
		      (*p == '_' && p > s)))
			break;
	if (*p || strlen(s) > CODE_MAX)
		return model_fail(e, MODEL_EINVAL, "code",
				  "字典键值应为小写字母开头、由小写字母、数字和下划线组成，不超过 %d 个字符",
				  CODE_MAX);
	for (i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].code, s) || !strcmp(t->v[i].label, s))
			return model_fail(e, MODEL_ECONFLICT, "code", "%s中已有键值“%s”",
					  t->en->label, s);
	return 0;
}

static int check_add(struct dtab *t, json_t *in, struct dict_change *c, struct model_error *e)
{
	const char *key;
	json_t *v;
	int ret;

	json_object_foreach(in, key, v)
		if (strcmp(key, "code") && strcmp(key, "label") && strcmp(key, "sort"))
			return model_fail(e, MODEL_EBADREQ, key, "未知的字段：%s", key);
	if ((ret = check_code(t, json_object_get(in, "code"), e)))
		return ret;
	if (!json_is_string(json_object_get(in, "label")))
		return model_fail(e, MODEL_EINVAL, "label", "字典标签不能为空");
	c->label = json_string_value(json_object_get(in, "label"));
	if ((ret = check_label(t, NULL, c->label, e)))
		return ret;
	c->sort = t->n ? t->v[t->n - 1].sort + 10 : 10;
	if (c->sort > SORT_MAX)
		c->sort = SORT_MAX;
	if ((v = json_object_get(in, "sort")) && (ret = check_sort(v, &c->sort, e)))
		return ret;
	c->enabled = 1;
	return 0;
}

int dict_add(struct db *db, const struct actor *a, const char *name, json_t *in,
	     struct model_error *e)
{
	struct strbuf detail = STRBUF_INIT;
	struct dict_change c;
	struct dtab *t;
	const char *code = json_string_value(json_object_get(in, "code"));
	int ret;

	if ((ret = office_only(a, e)))
		return ret;
	if (!(t = tab_named(name)))
		return model_fail(e, MODEL_ENOTFOUND, NULL, "没有这个字典类型：%s", name);
	if (!t->en->open)
		return model_fail(e, MODEL_EINVAL, NULL, "%s是系统内置的字典，不能新增数据项",
				  t->en->label);
	pthread_mutex_lock(&writer);
	pthread_rwlock_rdlock(&lock);
	ret = check_add(t, in, &c, e);
	pthread_rwlock_unlock(&lock);
	if (!ret) {
		describe(&detail, NULL, &c);
		ret = store(db, a, t, code, &c, "dict.create", detail.buf, e);
	}
	if (!ret) {
		pthread_rwlock_wrlock(&lock);
		apply(t, code, c.label, c.sort, c.enabled);
		pthread_rwlock_unlock(&lock);
	}
	pthread_mutex_unlock(&writer);
	strbuf_release(&detail);
	return ret;
}
