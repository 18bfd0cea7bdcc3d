/*
 * todos: what waits on the signed-in user (待办), within its scope, and the
 * version that tells a waiting browser its to-dos may have changed.
 *
 * The items come from a table of sources (todos.c), one row per kind of
 * to-do with the function that collects them, so that a list adds its
 * to-dos with one row and one function.  A source that names an entity
 * makes every write of that entity bump its district's version
 * (todo_versions, in the write's transaction: todos_observe_writes()); a
 * source whose state is not an entity's (the certifications) adds a
 * fingerprint query of its own instead.  The version also moves with the
 * date, since "due within 3 days" does.
 */
#ifndef SANLING_TODOS_H
#define SANLING_TODOS_H

#include <stdint.h>

#include <jansson.h>

#include "model/entity.h"

/* Items due within this many days (and the overdue) are to-dos. */
#define TODO_NEAR_DAYS 3
/* Items of one source, at most (the most urgent first). */
#define TODO_MAX_PER_SOURCE 200

/*
 * The caller's to-dos: {items: [{kind, label, entity, id, title, due,
 * overdue}], total, version}.  The three administrators (and any role
 * without business data) get no items.  0, or MODEL_EDB in `e`.
 */
int todos_list(const struct model_ctx *mc, json_t **out, struct model_error *e);

/*
 * The to-do version of `district` (NULL: no district — only the date moves
 * it) as of now: a 53-bit number that changes when a source's rows of the
 * district are written or the date changes.  0, or -1 with `err`.
 */
int todos_version(struct db *db, const char *district, int64_t *version, struct strbuf *err);

/* Register the write observer that bumps the versions (start-up). */
void todos_observe_writes(void);

#endif
