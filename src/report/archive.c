/*
 * archive.c: the documents as files (report_file), and the archive of a
 * published month's report and bulletin (report_archive, migration 024):
 * written once per publication in every format, with the audit chain's
 * head of the moment in their properties and last line, each file's
 * SHA-256 in the audit log, then served unchanged to whoever reads the
 * district's copy (the office, the lead departments).  A unit of narrower
 * scope (a township, a sector) gets its own document, written from the
 * published data when asked.
 */
#include "report/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess.h"
#include "base/alloc.h"
#include "base/crypto.h"
#include "base/date.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "doc/doc.h"
#include "model/audit.h"
#include "model/errors.h"
#include "model/role.h"
#include "report/report_int.h"

static const char *const archived_kinds[] = { "monthly", "bulletin" };
static const char *const formats[] = { "docx", "pdf", "xlsx" };
#define NKINDS 2
#define NFORMATS 3

static const char *const kind_labels[][2] = {
	{ "monthly", "月度工作报告" }, { "bulletin", "通报" }, { "minutes", "会议纪要" },
	{ "notice", "督办通知单" },
};

/* Who reads the district's own copy: the office and the lead departments. */
static int district_wide(const struct actor *a)
{
	return a->district && (a->role == ROLE_OFFICE || a->role == ROLE_PETITION ||
			       a->role == ROLE_SAFETY || a->role == ROLE_POLICE ||
			       a->role == ROLE_SYSTEM);
}

/* The month's publication now (1, 2, …; 0: it is not published), or -1 on a database error. */
static int64_t publication(struct db *db, const char *district, const char *month,
			   struct strbuf *err)
{
	char *v = NULL;
	int64_t t;

	if (db_query_value(db, "SELECT publication FROM assess_months WHERE district = ? AND "
			   "month = ? AND published = 1", (const char *[]){ district, month }, 2,
			   &v, err))
		return -1;
	t = v ? strtoll(v, NULL, 10) : 0;
	free(v);
	return t;
}

/* One file to archive. */
struct archived {
	const char *kind, *format;
	struct strbuf data, sha, name;
};

static int archive_store(struct db *db, const struct actor *a, const char *month, int64_t pub,
			 const struct audit_anchor *head, struct archived *f, size_t n,
			 struct strbuf *err)
{
	struct db_stmt *st = NULL;
	char *v = NULL, when[24], version[24], seq[24], size[24], detail[200], object[64];
	size_t i;

	if (db_begin(db, err))
		return -1;
	/* one version for the whole publication: the next after every earlier one */
	if (db_query_value(db, "SELECT COALESCE(MAX(version), 0) + 1 FROM report_archive WHERE "
			   "district = ? AND month = ?", (const char *[]){ a->district, month }, 2,
			   &v, err))
		goto fail;
	snprintf(version, sizeof(version), "%s", v ? v : "1");
	snprintf(when, sizeof(when), "%lld", (long long)time_now());
	snprintf(seq, sizeof(seq), "%lld", (long long)head->seq);
	for (i = 0; i < n; i++) {
		char pubs[24];

		if (db_prepare(db, "INSERT INTO blobs (sha256, size, data) VALUES (?, ?, ?) "
			       "ON CONFLICT (sha256) DO NOTHING", &st, err))
			goto fail;
		db_bind_text(st, 1, f[i].sha.buf);
		db_bind_int64(st, 2, (int64_t)f[i].data.len);
		db_bind_blob(st, 3, f[i].data.buf, f[i].data.len);
		if (db_step(st, err) < 0)
			goto fail;
		db_finalize(st);
		st = NULL;
		snprintf(pubs, sizeof(pubs), "%lld", (long long)pub);
		snprintf(size, sizeof(size), "%zu", f[i].data.len);
		if (db_exec_params(db, "INSERT INTO report_archive (district, month, kind, format, "
				   "version, publication, published_at, sha256, size, filename, audit_seq, "
				   "audit_hash, created_at, created_by) SELECT ?, ?, ?, ?, CAST(? AS INTEGER), "
				   "CAST(? AS INTEGER), m.published_at, ?, CAST(? AS BIGINT), ?, "
				   "CAST(? AS BIGINT), ?, CAST(? AS BIGINT), ? FROM assess_months m WHERE "
				   "m.district = ? AND m.month = ?",
				   (const char *[]){ a->district, month, f[i].kind, f[i].format, version,
						     pubs, f[i].sha.buf, size, f[i].name.buf, seq,
						     head->hash, when, a->username ? a->username : "-",
						     a->district, month },
				   15, err))
			goto fail;
		snprintf(object, sizeof(object), "reports/%s/%s.%s", month, f[i].kind, f[i].format);
		snprintf(detail, sizeof(detail), "版本%s sha256=%s", version, f[i].sha.buf);
		if (audit_append(db, a, "report.archive", object, "ok", detail, err))
			goto fail;
	}
	if (db_commit(db, err))
		goto fail;
	free(v);
	return 0;
fail:
	free(v);
	db_finalize(st);
	db_rollback(db);
	return -1;
}

int report_archive_month(struct db *db, const struct actor *a, const char *month,
			 struct model_error *e)
{
	struct archived f[NKINDS * NFORMATS];
	struct audit_anchor head;
	struct strbuf note = STRBUF_INIT, err = STRBUF_INIT;
	char *have = NULL;
	size_t n = 0, i;
	int64_t pub;
	int ret = 0, k, j;

	if (!district_wide(a))
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "只有创建办和牵头单位可以归档全区报告");
	if (!month || !month_valid(month))
		return model_fail(e, MODEL_EINVAL, "month", "month：月份格式应为 YYYY-MM");
	pub = publication(db, a->district, month, &e->msg);
	if (pub < 0)
		return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	if (!pub)
		return model_fail(e, MODEL_ECONFLICT, "month", "%s 尚未发布，报告不归档", month);
	{
		char pubs[24];
		snprintf(pubs, sizeof(pubs), "%lld", (long long)pub);
		if (db_query_value(db, "SELECT COUNT(*) FROM report_archive WHERE district = ? AND "
				   "month = ? AND publication = CAST(? AS INTEGER)",
				   (const char *[]){ a->district, month, pubs }, 3, &have, &e->msg))
			return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	if (have && atoi(have) > 0) {
		free(have);
		return 0; /* this publication is archived */
	}
	free(have);
	if (audit_anchor_take(db, &head, &err)) {
		ret = model_fail(e, MODEL_EDB, NULL, "审计链头无法读取：%s", err.buf);
		strbuf_release(&err);
		return ret;
	}
	strbuf_addf(&note, "归档时审计链头：第%lld条，%.16s…，%s。", (long long)head.seq, head.hash,
		    head.at);
	for (k = 0; k < NKINDS && !ret; k++) {
		struct report_request r = { .kind = archived_kinds[k], .month = month };
		struct doc *d = NULL;

		if ((ret = report_build(db, a, &r, &d, e)))
			break;
		doc_add(d, DOC_NOTE, "%s", note.buf);
		doc_set_meta(d, d->file_title, d->author, note.buf);
		for (j = 0; j < NFORMATS; j++) {
			struct archived *x = &f[n++];

			x->kind = archived_kinds[k];
			x->format = formats[j];
			strbuf_init(&x->data, 0);
			strbuf_init(&x->sha, 0);
			strbuf_init(&x->name, 0);
			strbuf_addf(&x->name, "%s.%s", d->file_title, formats[j]);
			if (doc_writer_for(formats[j])(d, &x->data, &err)) {
				ret = model_fail(e, MODEL_EDB, NULL, "报告写成 %s 失败：%s", formats[j],
						 err.buf);
				break;
			}
			sha256_hex(x->data.buf, x->data.len, &x->sha);
		}
		doc_free(d);
	}
	if (!ret && archive_store(db, a, month, pub, &head, f, n, &e->msg))
		ret = model_fail(e, MODEL_EDB, NULL, "数据库错误");
	for (i = 0; i < n; i++) {
		strbuf_release(&f[i].data);
		strbuf_release(&f[i].sha);
		strbuf_release(&f[i].name);
	}
	strbuf_release(&note);
	strbuf_release(&err);
	return ret;
}

/* The archived file of `r` (version, or the current publication's latest): 1 found, 0 not. */
static int archived_file(struct db *db, const struct actor *a, const struct report_request *r,
			 int64_t pub, struct report_file *f, struct strbuf *err)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(db, r->version > 0
		       ? "SELECT b.data, a.filename, a.sha256, a.version FROM report_archive a JOIN "
			 "blobs b ON b.sha256 = a.sha256 WHERE a.district = ? AND a.month = ? AND "
			 "a.kind = ? AND a.format = ? AND a.version = ?"
		       : "SELECT b.data, a.filename, a.sha256, a.version FROM report_archive a JOIN "
			 "blobs b ON b.sha256 = a.sha256 WHERE a.district = ? AND a.month = ? AND "
			 "a.kind = ? AND a.format = ? AND a.publication = ? ORDER BY a.version DESC",
		       &st, err))
		return -1;
	db_bind_text(st, 1, a->district);
	db_bind_text(st, 2, r->month);
	db_bind_text(st, 3, r->kind);
	db_bind_text(st, 4, r->format);
	db_bind_int64(st, 5, r->version > 0 ? r->version : pub);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		if (db_column_blob(st, 0, f->data)) {
			db_finalize(st);
			return -1;
		}
		f->filename = xstrdup(db_column_text(st, 1));
		snprintf(f->sha256, sizeof(f->sha256), "%s", db_column_text(st, 2));
		f->version = db_column_int64(st, 3);
		f->archived = 1;
	}
	db_finalize(st);
	return rc < 0 ? -1 : rc == DB_ROW;
}

int report_file(struct db *db, const struct actor *a, const struct report_request *r,
		struct report_file *f, struct model_error *e)
{
	doc_writer w = doc_writer_for(r->format);
	struct strbuf tmp = STRBUF_INIT;
	struct doc *d = NULL;
	int ret, found;
	int64_t pub = 0;

	f->filename = NULL;
	f->archived = 0;
	f->version = 0;
	f->sha256[0] = 0;
	if (!w)
		return model_fail(e, MODEL_EBADREQ, "format", "format 应为 docx、pdf 或 xlsx");
	f->content_type = doc_content_type(r->format);
	/* the archive is the district's copy: a township or a sector reads its own documents */
	if (r->version > 0 && !district_wide(a))
		return model_fail(e, MODEL_EFORBIDDEN, "version", "归档版本只供创建办和牵头单位查看");
	if (r->kind && (!strcmp(r->kind, "monthly") || !strcmp(r->kind, "bulletin")) &&
	    district_wide(a) && r->month && month_valid(r->month)) {
		pub = publication(db, a->district, r->month, &e->msg);
		if (pub < 0)
			return model_fail(e, MODEL_EDB, NULL, "数据库错误");
	}
	if (pub > 0 || r->version > 0) {
		found = archived_file(db, a, r, pub, f, &e->msg);
		if (found == 0 && r->version <= 0) {
			/* published before the archive, or its archiving failed: archive it now */
			if ((ret = report_archive_month(db, a, r->month, e)))
				return ret;
			found = archived_file(db, a, r, pub, f, &e->msg);
		}
		if (found < 0)
			return model_fail(e, MODEL_EDB, NULL, "数据库错误");
		if (!found)
			return model_fail(e, MODEL_ENOTFOUND, "version", "没有第%lld版归档的报告",
					  (long long)r->version);
		return 0;
	}
	if ((ret = report_build(db, a, r, &d, e)))
		return ret;
	if (w(d, f->data, &tmp)) {
		ret = model_fail(e, MODEL_EDB, NULL, "报告写成 %s 失败：%s", r->format, tmp.buf);
		strbuf_release(&tmp);
		doc_free(d);
		return ret;
	}
	sha256_hex(f->data->buf, f->data->len, &tmp);
	snprintf(f->sha256, sizeof(f->sha256), "%s", tmp.buf);
	strbuf_reset(&tmp);
	strbuf_addf(&tmp, "%s.%s", d->file_title ? d->file_title : d->title, r->format);
	f->filename = strbuf_detach(&tmp, NULL);
	doc_free(d);
	return 0;
}

void report_file_release(struct report_file *f)
{
	free(f->filename);
	f->filename = NULL;
}

int report_list_json(struct db *db, const struct actor *a, const char *month, json_t **out,
		     struct model_error *e)
{
	json_t *kinds = json_array(), *arch = json_array();
	struct db_stmt *st = NULL;
	int64_t pub;
	size_t i;
	int rc;

	*out = NULL;
	if (!report_may_read(a)) {
		json_decref(kinds);
		json_decref(arch);
		return model_fail(e, MODEL_EFORBIDDEN, NULL, "无权查看报告");
	}
	if (!month || !month_valid(month)) {
		json_decref(kinds);
		json_decref(arch);
		return model_fail(e, MODEL_EINVAL, "month", "month：月份格式应为 YYYY-MM");
	}
	for (i = 0; i < sizeof(kind_labels) / sizeof(kind_labels[0]); i++)
		if (a->role != ROLE_REGION || !strcmp(kind_labels[i][0], "bulletin"))
			json_array_append_new(kinds, json_pack("{ss ss}", "kind", kind_labels[i][0],
							       "label", kind_labels[i][1]));
	if (a->role == ROLE_REGION) {
		/* a city's or a province's: published when every district under it is */
		int64_t n, published;
		if (assess_month_publication(db, a, month, &n, &published, NULL, &e->msg))
			goto dberr;
		pub = n > 0 && published == n;
	} else if ((pub = a->district ? publication(db, a->district, month, &e->msg) : 0) < 0)
		goto dberr;
	if (district_wide(a)) {
		if (db_prepare(db, "SELECT kind, format, version, sha256, size, filename, created_at, "
			       "created_by, audit_seq, publication FROM report_archive WHERE district = ? "
			       "AND month = ? ORDER BY version DESC, kind, format", &st, &e->msg))
			goto dberr;
		db_bind_text(st, 1, a->district);
		db_bind_text(st, 2, month);
		while ((rc = db_step(st, &e->msg)) == DB_ROW) {
			char at[TIME_ISO_BUFSZ];
			time_iso_utc(db_column_int64(st, 6), at);
			json_array_append_new(arch, json_pack(
				"{ss ss sI ss sI ss ss ss sI sb}", "kind", db_column_text(st, 0),
				"format", db_column_text(st, 1), "version",
				(json_int_t)db_column_int64(st, 2), "sha256", db_column_text(st, 3),
				"size", (json_int_t)db_column_int64(st, 4), "filename",
				db_column_text(st, 5), "created_at", at, "created_by",
				db_column_text(st, 7), "audit_seq", (json_int_t)db_column_int64(st, 8),
				"current", pub > 0 && db_column_int64(st, 9) == pub));
		}
		db_finalize(st);
		if (rc < 0)
			goto dberr;
	}
	*out = json_pack("{ss sb so so}", "month", month, "published", pub > 0, "kinds", kinds,
			 "archive", arch);
	return 0;
dberr:
	json_decref(kinds);
	json_decref(arch);
	return model_fail(e, MODEL_EDB, NULL, "数据库错误");
}

/* After a publication: archive its documents; a failure is logged, the next read archives. */
static void on_publish(struct db *db, const struct actor *a, const char *month)
{
	struct model_error e;

	model_error_init(&e);
	if (report_archive_month(db, a, month, &e))
		log_warn("report: archiving %s failed: %s", month, e.msg.buf);
	model_error_release(&e);
}

void report_observe_publication(void)
{
	assess_on_publish(on_publish);
}
