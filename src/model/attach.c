/*
 * attach.c: files attached to records (see attach.h).  The record is read
 * with the scope of the caller (entity.c's load_scoped), and an upload is
 * let through the same checks as a change of the record by the write path:
 * a role that may write the entity, the record within its scope for a
 * write, and the descriptor's guard called with the record unchanged (as
 * for an entity's own actions).
 */
#include "model/attach.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypto.h"
#include "base/date.h"
#include "base/validate.h"
#include "db/db.h"
#include "io/filetype.h"
#include "model/audit.h"
#include "model/entity_int.h"
#include "model/scope.h"
#include "model/settings.h"

#define NAME_MAX_CHARS 200

void attach_file_init(struct attach_file *f)
{
	strbuf_init(&f->name, 0);
	strbuf_init(&f->data, 0);
	f->content_type = NULL;
}

void attach_file_release(struct attach_file *f)
{
	strbuf_release(&f->name);
	strbuf_release(&f->data);
}

/* The entity takes files, and the caller may read it: else 404 / 403. */
static int attachable(const struct model_ctx *mc, const struct entity_desc *ed,
		      struct model_error *e)
{
	if (!(ed->flags & ENT_ATTACH))
		return model_fail(e, MODEL_ENOTFOUND, NULL, "%s没有附件", ed->label);
	if (!entity_can_read(ed, mc->actor))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权查看%s", ed->label);
	return 0;
}

/* An item of the list from a row: n, name, content_type, size, sha256, uploaded_by, uploaded_at. */
static json_t *item_json(struct db_stmt *st)
{
	char at[TIME_ISO_BUFSZ];

	time_iso_utc(db_column_int64(st, 6), at);
	return json_pack("{sI ss ss sI ss ss ss}", "n", (json_int_t)db_column_int64(st, 0),
			 "name", db_column_text(st, 1), "content_type", db_column_text(st, 2),
			 "size", (json_int_t)db_column_int64(st, 3), "sha256", db_column_text(st, 4),
			 "uploaded_by", db_column_text(st, 5), "uploaded_at", at);
}

static int can_upload(const struct model_ctx *mc, struct record *r);

#define ITEM_COLUMNS "n, name, content_type, size, sha256, uploaded_by, uploaded_at"

int attach_list(const struct model_ctx *mc, const struct entity_desc *ed, int64_t id,
		json_t **out, struct model_error *e)
{
	struct db_stmt *st = NULL;
	struct record r;
	json_t *items;
	int ret, rc;

	record_init(&r, NULL); /* load_scoped() sets it up */
	if ((ret = attachable(mc, ed, e)) || (ret = load_scoped(mc, ed, id, &r, e)))
		goto out;
	if (db_prepare(mc->db, "SELECT " ITEM_COLUMNS " FROM attachments "
		       "WHERE entity = ? AND record = ? ORDER BY n", &st, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto out;
	}
	db_bind_text(st, 1, ed->name);
	db_bind_int64(st, 2, id);
	items = json_array();
	while ((rc = db_step(st, &e->msg)) == DB_ROW)
		json_array_append_new(items, item_json(st));
	if (rc < 0) {
		json_decref(items);
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto out;
	}
	*out = json_pack("{so sb}", "items", items, "can_upload", can_upload(mc, &r));
out:
	db_finalize(st);
	record_release(&r);
	return ret;
}

/*
 * The name a file keeps: its last path component (browsers may send
 * C:\fakepath\x.pdf), valid UTF-8 of 1 to 200 characters without control
 * characters, quotes or backslashes.
 */
static int clean_name(const char *in, struct strbuf *out, struct model_error *e)
{
	const char *base = in ? in : "", *p;
	size_t i;

	for (p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	strbuf_reset(out);
	strbuf_addstr(out, base);
	strbuf_trim(out);
	if (!out->len)
		return model_fail(e, MODEL_EINVAL, "name", "文件名：必填");
	if (!utf8_valid(out->buf, out->len))
		return model_fail(e, MODEL_EINVAL, "name", "文件名：不是有效的 UTF-8 文本");
	if (utf8_length(out->buf) > NAME_MAX_CHARS)
		return model_fail(e, MODEL_EINVAL, "name", "文件名：最多 %d 个字符", NAME_MAX_CHARS);
	for (i = 0; i < out->len; i++) {
		unsigned char c = (unsigned char)out->buf[i];
		if (c < 0x20 || c == 0x7f || c == '"')
			return model_fail(e, MODEL_EINVAL, "name", "文件名：不能含控制字符或引号");
	}
	return 0;
}

/* May the caller (a writer of the list) add a file to record `r`: as if it changed the record. */
static int may_attach(const struct model_ctx *mc, struct record *r, struct model_error *e)
{
	if (!scope_check_write(mc->db, mc->actor, r))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "该记录不在您的管辖范围内");
	return entity_guard(mc, r, r, e);
}

/* Would an upload by the caller to record `r` be let through (for the browser's button)? */
static int can_upload(const struct model_ctx *mc, struct record *r)
{
	struct model_error e;
	int ok;

	if (!entity_can_write(r->ed, mc->actor))
		return 0;
	model_error_init(&e);
	ok = !may_attach(mc, r, &e);
	model_error_release(&e);
	return ok;
}

static int store(const struct model_ctx *mc, const struct record *r, const char *name,
		 const struct filetype *ft, const char *sha, const void *data, size_t len,
		 json_t **out, struct model_error *e)
{
	struct strbuf obj = STRBUF_INIT, detail = STRBUF_INIT, action = STRBUF_INIT;
	const char *district = r->ed->scope.district ? record_get(r, r->ed->scope.district) : NULL;
	struct db_stmt *st = NULL;
	int64_t n, now = time_now();
	char at[TIME_ISO_BUFSZ];
	int ret = MODEL_EDB;

	if (db_begin(mc->db, &e->msg))
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	/* the bytes once per content */
	if (db_prepare(mc->db, "INSERT INTO blobs (sha256, size, data) VALUES (?, ?, ?) "
		       "ON CONFLICT (sha256) DO NOTHING", &st, &e->msg))
		goto fail;
	db_bind_text(st, 1, sha);
	db_bind_int64(st, 2, (int64_t)len);
	db_bind_blob(st, 3, data, len);
	if (db_step(st, &e->msg) < 0)
		goto fail;
	db_finalize(st);
	st = NULL;
	/* the next number of the record's files (writes run one at a time on the writer) */
	if (db_prepare(mc->db, "SELECT COALESCE(MAX(n), 0) + 1 FROM attachments "
		       "WHERE entity = ? AND record = ?", &st, &e->msg))
		goto fail;
	db_bind_text(st, 1, r->ed->name);
	db_bind_int64(st, 2, r->id);
	if (db_step(st, &e->msg) != DB_ROW)
		goto fail;
	n = db_column_int64(st, 0);
	db_finalize(st);
	st = NULL;
	if (db_prepare(mc->db, "INSERT INTO attachments (entity, record, n, name, content_type, "
		       "size, sha256, uploaded_by, uploaded_at, district) "
		       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st, &e->msg))
		goto fail;
	db_bind_text(st, 1, r->ed->name);
	db_bind_int64(st, 2, r->id);
	db_bind_int64(st, 3, n);
	db_bind_text(st, 4, name);
	db_bind_text(st, 5, ft->mime);
	db_bind_int64(st, 6, (int64_t)len);
	db_bind_text(st, 7, sha);
	db_bind_text(st, 8, mc->actor->username ? mc->actor->username : "");
	db_bind_int64(st, 9, now);
	db_bind_text(st, 10, district);
	if (db_step(st, &e->msg) < 0)
		goto fail;
	db_finalize(st);
	st = NULL;
	record_object_name(r, &obj);
	strbuf_addf(&action, "%s.attach", r->ed->name);
	strbuf_addf(&detail, "n=%" PRId64 " name=%.*s type=%s size=%zu sha256=%s", n,
		    utf8_prefix(name, 100), name, ft->ext, len, sha);
	if (audit_append(mc->db, mc->actor, action.buf, obj.buf, "ok", detail.buf, &e->msg))
		goto fail;
	if (db_commit(mc->db, &e->msg))
		goto fail;
	time_iso_utc(now, at);
	*out = json_pack("{sI ss ss sI ss ss ss}", "n", (json_int_t)n, "name", name,
			 "content_type", ft->mime, "size", (json_int_t)len, "sha256", sha,
			 "uploaded_by", mc->actor->username ? mc->actor->username : "",
			 "uploaded_at", at);
	ret = 0;
	goto out;
fail:
	db_finalize(st);
	db_rollback(mc->db);
	ret = model_fail(e, MODEL_EDB, NULL, "保存附件失败");
out:
	strbuf_release(&obj);
	strbuf_release(&detail);
	strbuf_release(&action);
	return ret;
}

int attach_add(const struct model_ctx *mc, const struct entity_desc *ed, int64_t id,
	       const char *name, const void *data, size_t len, json_t **out,
	       struct model_error *e)
{
	struct strbuf clean = STRBUF_INIT, sha = STRBUF_INIT;
	const struct filetype *ft;
	struct record r;
	int64_t max;
	int ret;

	record_init(&r, NULL); /* load_scoped() sets it up */
	/* who first: a role that writes the list, the record as the caller may see and change it */
	if ((ret = attachable(mc, ed, e)))
		goto out;
	if (!entity_can_write(ed, mc->actor)) {
		ret = model_fail(e, MODEL_EFORBIDDEN, NULL, "无权为%s上传附件", ed->label);
		goto out;
	}
	if ((ret = load_scoped(mc, ed, id, &r, e)) || (ret = may_attach(mc, &r, e)))
		goto out;
	/* then the file */
	if (!len) {
		ret = model_fail(e, MODEL_EBADREQ, "file", "文件为空：请求体应为要上传的文件");
		goto out;
	}
	max = settings_get_int(mc->db, "attachment_max_bytes");
	if ((int64_t)len > max) {
		ret = model_fail(e, MODEL_ETOOBIG, "file", "文件过大：附件最大 %" PRId64 " 字节（%.1f MiB）",
				 max, (double)max / (1024 * 1024));
		goto out;
	}
	if ((ret = clean_name(name, &clean, e)))
		goto out;
	ft = filetype_sniff(data, len);
	if (!ft) {
		ret = model_fail(e, MODEL_EINVAL, "file",
				 "文件类型不受支持：只接受 " FILETYPE_NAMES "（按文件内容判断，与文件名无关）");
		goto out;
	}
	sha256_hex(data, len, &sha);
	ret = store(mc, &r, clean.buf, ft, sha.buf, data, len, out, e);
out:
	record_release(&r);
	strbuf_release(&clean);
	strbuf_release(&sha);
	return ret;
}

int attach_get(const struct model_ctx *mc, const struct entity_desc *ed, int64_t id,
	       int64_t n, struct attach_file *out, struct model_error *e)
{
	struct strbuf obj = STRBUF_INIT, detail = STRBUF_INIT, action = STRBUF_INIT;
	const struct filetype *ft;
	struct db_stmt *st = NULL;
	struct record r;
	int ret, rc;

	record_init(&r, NULL); /* load_scoped() sets it up */
	if ((ret = attachable(mc, ed, e)) || (ret = load_scoped(mc, ed, id, &r, e)))
		goto out;
	if (db_prepare(mc->db, "SELECT a.name, a.sha256, b.data FROM attachments a "
		       "JOIN blobs b ON b.sha256 = a.sha256 "
		       "WHERE a.entity = ? AND a.record = ? AND a.n = ?", &st, &e->msg)) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto out;
	}
	db_bind_text(st, 1, ed->name);
	db_bind_int64(st, 2, id);
	db_bind_int64(st, 3, n);
	rc = db_step(st, &e->msg);
	if (rc < 0) {
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
		goto out;
	}
	if (rc != DB_ROW) {
		ret = model_fail(e, MODEL_ENOTFOUND, NULL, "附件不存在");
		goto out;
	}
	strbuf_addstr(&out->name, db_column_text(st, 0));
	if (db_column_blob(st, 2, &out->data)) {
		ret = model_fail(e, MODEL_EDB, NULL, "读取附件失败");
		goto out;
	}
	/* the type of the bytes as they are now (the table keeps what was decided) */
	ft = filetype_sniff(out->data.buf, out->data.len);
	out->content_type = ft ? ft->mime : "application/octet-stream";
	record_object_name(&r, &obj);
	strbuf_addf(&action, "%s.attachment", ed->name);
	strbuf_addf(&detail, "n=%" PRId64 " name=%.*s sha256=%s", n,
		    utf8_prefix(out->name.buf, 100), out->name.buf, db_column_text(st, 1));
	if (audit_append(model_audit_db(mc), mc->actor, action.buf, obj.buf, "ok", detail.buf,
			 &e->msg))
		ret = model_fail(e, MODEL_EDB, NULL, "审计写入失败");
out:
	db_finalize(st);
	record_release(&r);
	strbuf_release(&obj);
	strbuf_release(&detail);
	strbuf_release(&action);
	return ret;
}
