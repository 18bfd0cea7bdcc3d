/*
 * lookup_cache.c: an open-addressing hash table of string keys to records
 * or strings (see lookup_cache.h).  Not a general container: it only grows,
 * forgets by marking, and is freed whole.
 */
#include "model/lookup_cache.h"

#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"

struct lc_entry {
	char *key;     /* "E\x1f<entity>\x1f<key>" or "Q\x1f<query key>"; NULL = empty */
	int kind;      /* 0 forgotten, 1 record, 2 absent, 3 value */
	struct record rec;
	char *value;
};

struct lookup_cache {
	struct lc_entry *slots;
	size_t cap, used;
};

struct lookup_cache *lookup_cache_new(void)
{
	struct lookup_cache *c = xcalloc(1, sizeof(*c));

	c->cap = 1024;
	c->slots = xcalloc(c->cap, sizeof(*c->slots));
	return c;
}

static void entry_clear(struct lc_entry *e)
{
	if (e->kind == 1)
		record_release(&e->rec);
	free(e->value);
	e->value = NULL;
	e->kind = 0;
}

void lookup_cache_free(struct lookup_cache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->cap; i++) {
		entry_clear(&c->slots[i]);
		free(c->slots[i].key);
	}
	free(c->slots);
	free(c);
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* The slot of `key`, or the empty slot where it would go. */
static struct lc_entry *find(struct lookup_cache *c, const char *key)
{
	size_t i = (size_t)hash_str(key) & (c->cap - 1);

	while (c->slots[i].key && strcmp(c->slots[i].key, key))
		i = (i + 1) & (c->cap - 1);
	return &c->slots[i];
}

static void grow(struct lookup_cache *c)
{
	struct lc_entry *old = c->slots;
	size_t oldcap = c->cap, i;

	c->cap *= 2;
	c->slots = xcalloc(c->cap, sizeof(*c->slots));
	for (i = 0; i < oldcap; i++)
		if (old[i].key)
			*find(c, old[i].key) = old[i];
	free(old);
}

/* The entry for `key`, created empty if there is room; NULL when full. */
static struct lc_entry *slot_for(struct lookup_cache *c, const char *key, int create)
{
	struct lc_entry *e = find(c, key);

	if (e->key || !create)
		return e->key ? e : NULL;
	if (c->used >= LOOKUP_CACHE_MAX)
		return NULL;
	if ((c->used + 1) * 2 > c->cap) {
		grow(c);
		e = find(c, key);
	}
	e->key = xstrdup(key);
	c->used++;
	return e;
}

static void record_key(const struct entity_desc *ed, const char *key, struct strbuf *out)
{
	strbuf_addstr(out, "E\x1f");
	strbuf_addstr(out, ed->name);
	strbuf_addch(out, '\x1f');
	strbuf_addstr(out, key);
}

int lookup_cache_record(struct lookup_cache *c, const struct entity_desc *ed, const char *key,
			const struct record **rec)
{
	struct strbuf k = STRBUF_INIT;
	struct lc_entry *e;

	record_key(ed, key, &k);
	e = slot_for(c, k.buf, 0);
	strbuf_release(&k);
	if (!e || (e->kind != 1 && e->kind != 2))
		return 0;
	*rec = e->kind == 1 ? &e->rec : NULL;
	return 1;
}

void lookup_cache_put_record(struct lookup_cache *c, const struct entity_desc *ed,
			     const char *key, const struct record *rec)
{
	struct strbuf k = STRBUF_INIT;
	struct lc_entry *e;
	size_t i;

	record_key(ed, key, &k);
	e = slot_for(c, k.buf, 1);
	strbuf_release(&k);
	if (!e)
		return;
	entry_clear(e);
	if (!rec) {
		e->kind = 2;
		return;
	}
	record_init(&e->rec, ed);
	e->rec.id = rec->id;
	e->rec.rev = rec->rev;
	for (i = 0; i < ed->nfields; i++)
		record_set(&e->rec, (int)i, rec->val[i]);
	e->kind = 1;
}

void lookup_cache_forget(struct lookup_cache *c, const struct entity_desc *ed, const char *key)
{
	struct strbuf k = STRBUF_INIT;
	struct lc_entry *e;

	record_key(ed, key, &k);
	e = slot_for(c, k.buf, 0);
	strbuf_release(&k);
	if (e)
		entry_clear(e);
}

int lookup_cache_value(struct lookup_cache *c, const char *key, const char **value)
{
	struct strbuf k = STRBUF_INIT;
	struct lc_entry *e;

	strbuf_addstr(&k, "Q\x1f");
	strbuf_addstr(&k, key);
	e = slot_for(c, k.buf, 0);
	strbuf_release(&k);
	if (!e || e->kind != 3)
		return 0;
	*value = e->value;
	return 1;
}

void lookup_cache_put_value(struct lookup_cache *c, const char *key, const char *value)
{
	struct strbuf k = STRBUF_INIT;
	struct lc_entry *e;

	strbuf_addstr(&k, "Q\x1f");
	strbuf_addstr(&k, key);
	e = slot_for(c, k.buf, 1);
	strbuf_release(&k);
	if (!e)
		return;
	entry_clear(e);
	e->value = value ? xstrdup(value) : NULL;
	e->kind = 3;
}
