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

/*
 * Build the whole document as a JSON object.  The caller owns the returned
 * reference (json_decref() it).  The document depends only on the compiled
 * descriptors, so building it once at start-up is enough.  It never
 * returns NULL: running out of memory aborts, as strbuf does.
 */
json_t *openapi_document(void);

#endif
