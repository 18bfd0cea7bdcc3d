/*
 * openapi_int: what the OpenAPI document's two halves share: openapi.c (the
 * entities' schemas and every operation, from the route table) and
 * openapi_schemas.c (the fixed schemas: problems, session, metadata,
 * settings, audit, figures).  Small JSON builders and schemas from short
 * type names.  Private to src/api/openapi*.c.
 */
#ifndef SANLING_OPENAPI_INT_H
#define SANLING_OPENAPI_INT_H

#include <stddef.h>

#include <jansson.h>

#include "model/entity.h"

struct strbuf;

#define MONTH_PATTERN "^\\d{4}-(0[1-9]|1[0-2])$"

enum prop_flags {
	P_REQ = 1 << 0,  /* always present */
	P_NULL = 1 << 1, /* may be null */
};

struct prop {
	const char *key;
	const char *type; /* see type_schema() */
	const char *title;
	unsigned flags;
};

#define OBJECT(title, table) oa_object_schema(title, table, sizeof(table) / sizeof(table[0]))

json_t *oa_must(json_t *j);

void oa_put(json_t *o, const char *key, json_t *v);

void oa_put_str(json_t *o, const char *key, const char *s);

void oa_push(json_t *a, json_t *v);

/* The member `key` of `o`, created as an empty object if absent (borrowed). */
json_t *oa_child(json_t *o, const char *key);

/* {"$ref": "#/components/<kind>/<name><suffix>"} */
json_t *oa_ref(const char *kind, const char *name, const char *suffix);

/* Codes and labels of an enumeration into schema `s` and its description. */
void oa_enum_schema(json_t *s, const struct enum_desc *en, int set, int nullable,
			struct strbuf *desc);

/* An object schema from a property table. */
json_t *oa_object_schema(const char *title, const struct prop *p, size_t n);

/* A page of a list: `items` is the type of its items array ("[$subjects"). */
json_t *oa_page_schema(const char *items);

/* Set keyword `kw` of property `key` of object schema `s`. */
void oa_prop_set(json_t *s, const char *key, const char *kw, json_t *v);

/* A problem answer of the document; `bit` the route table's E4xx that names it, 0 for all. */
struct oa_problem {
	unsigned bit;
	const char *status, *name, *description;
};
extern const struct oa_problem oa_problems[];
extern const size_t oa_nproblems;

/* The components of the document: every entity's schemas and the fixed ones. */
json_t *openapi_components(void);
/* The answer of GET /figures, from the figures' table (figure_keys.c). */
json_t *openapi_figures_schema(void);

#endif
