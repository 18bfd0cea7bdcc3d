/*
 * attach: files attached to records (附件) of the entities flagged
 * ENT_ATTACH (tasks, problems, hazards, …).
 *
 * The bytes are stored in the database by their SHA-256 (`blobs`), once
 * however often they are attached; `attachments` names each file of a
 * record, numbered 1, 2, … per record, with the name it was uploaded with
 * and the type decided from its content (io/filetype.h: JPEG, PNG, PDF,
 * DOCX, XLSX).  Who may see a record's files and who may add one is the
 * record's own rule: reading needs the record within the caller's scope
 * (out of scope reads as missing), adding one needs write access to the
 * record as its descriptor's guard decides for a change (a task's owner
 * may attach to its task, a co-owner may not).  Every upload and download
 * is one audit row on the record, without the file's content.
 */
#ifndef SANLING_ATTACH_H
#define SANLING_ATTACH_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/strbuf.h"
#include "model/entity.h"

/* A file read back: its name, its type (static) and its bytes. */
struct attach_file {
	struct strbuf name;
	const char *content_type;
	struct strbuf data;
};
void attach_file_init(struct attach_file *f);
void attach_file_release(struct attach_file *f);

/*
 * The files of record `id`: {items: [{n, name, content_type, size, sha256,
 * uploaded_by, uploaded_at}], can_upload: whether the caller may add one}.
 */
int attach_list(const struct model_ctx *mc, const struct entity_desc *ed, int64_t id,
		json_t **out, struct model_error *e);

/*
 * Attach the `len` bytes at `data` named `name` to record `id`; the new
 * item into *out.  Refused, with nothing stored: an entity without
 * ENT_ATTACH or a record out of scope (MODEL_ENOTFOUND), a caller who may
 * not change the record (MODEL_EFORBIDDEN), no bytes (MODEL_EBADREQ, field
 * "file"), more than the setting attachment_max_bytes (MODEL_ETOOBIG), a
 * kind not accepted (MODEL_EINVAL, "file"), a bad name (MODEL_EINVAL,
 * "name").  Runs its own transaction (a savepoint inside the caller's).
 */
int attach_add(const struct model_ctx *mc, const struct entity_desc *ed, int64_t id,
	       const char *name, const void *data, size_t len, json_t **out,
	       struct model_error *e);

/* File `n` of record `id` into `out` (audited as a download). */
int attach_get(const struct model_ctx *mc, const struct entity_desc *ed, int64_t id,
	       int64_t n, struct attach_file *out, struct model_error *e);

#endif
