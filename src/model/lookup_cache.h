/*
 * lookup_cache: what one bulk operation (an import) has already looked up —
 * referenced records by entity and key, and the answers of small queries —
 * so that a million rows naming the same few hundred villages read each
 * village once.  Owned by the operation, freed with it; never shared
 * between threads or requests, so it needs no lock and never goes stale
 * beyond what the operation itself changes (entity_store() forgets the keys
 * it writes).  Bounded: past LOOKUP_CACHE_MAX entries it stops remembering.
 */
#ifndef SANLING_LOOKUP_CACHE_H
#define SANLING_LOOKUP_CACHE_H

#include "model/entity.h"

#define LOOKUP_CACHE_MAX 200000

struct lookup_cache;

struct lookup_cache *lookup_cache_new(void);
void lookup_cache_free(struct lookup_cache *c);

/*
 * The record of `ed` with key `key`: 1 when the cache knows (then `*rec` is
 * the record, owned by the cache, or NULL when known not to exist), 0 when
 * it does not.
 */
int lookup_cache_record(struct lookup_cache *c, const struct entity_desc *ed, const char *key,
			const struct record **rec);
/* Remember `rec` (copied; NULL = does not exist) as the record of `key`. */
void lookup_cache_put_record(struct lookup_cache *c, const struct entity_desc *ed,
			     const char *key, const struct record *rec);
/* Forget what is known of `key` of `ed`. */
void lookup_cache_forget(struct lookup_cache *c, const struct entity_desc *ed, const char *key);

/* Memoised answers of queries, by a key the caller builds (SQL and parameters). */
int lookup_cache_value(struct lookup_cache *c, const char *key, const char **value);
void lookup_cache_put_value(struct lookup_cache *c, const char *key, const char *value);

#endif
