/*
 * dict: the office's dictionary (字典管理) laid over the shipped
 * enumerations (enums.c).  Each enumeration is a 字典类型 and its items the
 * 字典数据: code, label, order, enabled.  The office may change any item's
 * label and order; in an open enumeration it may add items and disable the
 * items the code does not name.  The items of a closed enumeration and the
 * fixed items of an open one are 系统内置: never disabled, their codes never
 * changed (codes never change at all; an added item cannot be removed, only
 * disabled).
 *
 * The changes are rows of `dict_items` (migration 026), read once when the
 * database is opened (dict_load()) and kept in memory for the process,
 * which every lookup reads under a lock; a change is written with its audit
 * row in one transaction and then applied to the memory.  A second process
 * over the same database sees another's changes when it next opens it.
 *
 * Not here: the shipped tables (enums.c); refusing a disabled item on a
 * write is the write path's (entity_validate() asks dict_enabled()).
 */
#ifndef SANLING_DICT_H
#define SANLING_DICT_H

#include <jansson.h>

struct db;
struct actor;
struct strbuf;
struct model_error;
struct enum_desc;

/* Read the stored changes over the shipped tables.  0 or -1 with `err`. */
int dict_load(struct db *db, struct strbuf *err);

/* Is `code` an enabled item of `en`?  (Unknown codes: 0.) */
int dict_enabled(const struct enum_desc *en, const char *code);

/*
 * Every enumeration's items in their order, for /api/v1/meta:
 * { name: [{code, label, disabled?}] } (a disabled item is listed, marked,
 * so that old records still show its label).
 */
json_t *dict_meta(void);

/*
 * The dictionary page: [{name, label, open, items: [{code, label, sort,
 * enabled, locked, added}]}].  The office only.
 */
int dict_list(const struct actor *a, json_t **out, struct model_error *e);

/*
 * Change item `code` of enumeration `name`: `in` may carry label, sort,
 * enabled (a new_code is refused: codes do not change).  Checked whole before
 * anything is written; one audit row "dict.update".
 */
int dict_update(struct db *db, const struct actor *a, const char *name, const char *code,
		json_t *in, struct model_error *e);

/*
 * Add an item {code, label, sort?} to open enumeration `name`; one audit
 * row "dict.create".
 */
int dict_add(struct db *db, const struct actor *a, const char *name, json_t *in,
	     struct model_error *e);

#endif
