/*
 * sync: the phone's outbox (POST /api/v1/sync).  What a grid worker enters
 * without a network — a patrol or a household visit, what it found (a
 * dispute, a hazard, a problem), its photos; or a dispute or hazard alone —
 * waits on the phone and is sent, as a batch of items, when the network
 * returns.  Each item carries a key the phone chose; an item whose key the
 * same user has already had applied is not applied again: its answer is
 * repeated (`replayed`), so a send repeated after a lost answer stores
 * nothing twice.
 *
 * Each item is applied in a transaction of its own (a savepoint of the
 * writer's batch): the record (numbered by the server when it has no
 * number), each found record linked to it (`patrol` or `visit`: placed and
 * dated by it), each photo attached to it (model/attach.h: its checks), the
 * audit rows of every create and upload, and the key with its answer.  A
 * refused item stores nothing, not even its key, so that it can be sent
 * again once corrected; the other items of the batch still apply.  Who may
 * write what is each list's own rule, item by item.
 */
#ifndef SANLING_SYNC_H
#define SANLING_SYNC_H

#include <jansson.h>

#include "model/entity.h"

/* The most items one batch may bring. */
#define SYNC_MAX_ITEMS 50
/* The most photos one item may bring. */
#define SYNC_MAX_PHOTOS 10
/* The most records found on one patrol or visit. */
#define SYNC_MAX_FOUND 20

/*
 * Apply the batch `in` ({"items": [...]}, see docs/api.md) as the actor.
 * `*out`: {"items": [{key, status, entity, id, no, found: [{entity, id,
 * no}], attachments, replayed}]} in the order sent, a refused item with
 * {key, status, entity, replayed: false, error: {status, detail, field}}
 * instead.  Returns 0 — whatever became of each item — or MODEL_EBADREQ
 * for a batch that is no batch (no items array, more than SYNC_MAX_ITEMS),
 * MODEL_EFORBIDDEN for a role that writes none of the lists, MODEL_EDB
 * when the writer failed.  With mc->writes, the items run as one job of
 * the server's group commit, answered once durable.
 */
int sync_apply(const struct model_ctx *mc, json_t *in, json_t **out, struct model_error *e);

#endif
