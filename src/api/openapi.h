/*
 * openapi: the OpenAPI 3.1 description of the HTTP API (/api/v1), served
 * as /api/v1/openapi.json.
 *
 * The entity endpoints are described from the entity descriptors
 * (model/entity.h): one schema per entity for what the API returns, one for
 * what create accepts and one for what update accepts, the list filters,
 * sort keys and the import/export endpoints, so that a new entity or field
 * is documented the moment its descriptor exists.  The few fixed endpoints
 * (login, password, meta, settings, audit) are described by hand with the
 * same builders.
 *
 * This is a description, not a router nor a validator: the handlers decide
 * what they accept; tests/unit/test_openapi.c and
 * tests/api/openapi_validate.mjs keep this document honest.
 */
#ifndef SANLING_OPENAPI_H
#define SANLING_OPENAPI_H

#include <jansson.h>

struct entity_desc;

/*
 * Build the whole document as a JSON object.  The caller owns the returned
 * reference (json_decref() it).  The document depends only on the compiled
 * descriptors, so building it once at start-up is enough.  It never
 * returns NULL: running out of memory aborts, as strbuf does.
 */
json_t *openapi_document(void);

/*
 * For the route table (routes.h): what the columns of a row cannot say,
 * added to operation `op` last.  The entity rows' (`ed` their entity): the
 * description with the roles that may read or write, the list's filters,
 * the schemas named after the entity.  The others get ed = NULL.
 */
void openapi_login_cookie(json_t *op, const struct entity_desc *ed);
void openapi_figures(json_t *op, const struct entity_desc *ed);
void openapi_entity_list(json_t *op, const struct entity_desc *ed);
void openapi_entity_create(json_t *op, const struct entity_desc *ed);
void openapi_entity_get(json_t *op, const struct entity_desc *ed);
void openapi_entity_update(json_t *op, const struct entity_desc *ed);
void openapi_entity_retire(json_t *op, const struct entity_desc *ed);
void openapi_entity_history(json_t *op, const struct entity_desc *ed);
void openapi_entity_reveal(json_t *op, const struct entity_desc *ed);
void openapi_entity_export(json_t *op, const struct entity_desc *ed);
void openapi_sheet(json_t *op, const struct entity_desc *ed);
void openapi_entity_template(json_t *op, const struct entity_desc *ed);
void openapi_entity_import(json_t *op, const struct entity_desc *ed);

#endif
