/*
 * report: the month's documents of DOMAIN.md ("The documents"), written
 * from the data within the caller's scope — the monthly report (月度工作
 * 报告), the bulletin (通报), the minutes of a coordination meeting (会议纪要)
 * and the 督办通知单 of a supervision — as a document (doc/doc.h) and then
 * a file (DOCX, PDF, XLSX); and their archive: when a month is published
 * its report and bulletin are written in every format and kept unchanged
 * (report_archive, their bytes in blobs), with their SHA-256 and the audit
 * chain's head in the audit log, and from then on the district's copy is
 * served as archived.  A reopened and republished month archives a new
 * version beside the old.
 *
 * Not here: the figures (assess/figures.h), the ranking (assess/ranking.h),
 * drawing the files (doc/).
 */
#ifndef SANLING_REPORT_H
#define SANLING_REPORT_H

#include <jansson.h>
#include <stdint.h>

struct db;
struct actor;
struct doc;
struct strbuf;
struct model_error;

/* What to write: kind "monthly", "bulletin" (month), "minutes" (meeting), "notice" (item). */
struct report_request {
	const char *kind;
	const char *month;   /* YYYY-MM: monthly, bulletin */
	const char *meeting; /* a meeting's number: minutes */
	const char *item;    /* a supervision's number: notice */
	const char *format;  /* docx, pdf, xlsx */
	int64_t version;     /* an archived version (> 0), or 0: the current one */
};

/* A written file: its bytes, name (Chinese, with the extension) and media type. */
struct report_file {
	struct strbuf *data;
	char *filename;
	const char *content_type;
	int archived;       /* served from the archive */
	int64_t version;    /* its archived version, 0 when written now */
	char sha256[65];    /* of the bytes */
};

/*
 * The document of `r` for actor `a` (kinds and parameters checked: the
 * month a valid month not in the future, the meeting or supervision
 * existing within scope).  Readers: the office, the lead departments, the
 * sector departments and the townships of the district (MODEL_EFORBIDDEN
 * for others).  Caller frees `*out` with doc_free().
 */
int report_build(struct db *db, const struct actor *a, const struct report_request *r,
		 struct doc **out, struct model_error *e);

/*
 * The file of `r`: for the district's own monthly report and bulletin of a
 * published month, the archived copy (archived now if the publication has
 * none yet; `version` picks an earlier one); else written now.  `f->data`
 * must be an initialised strbuf; report_file_release() frees the rest.
 */
int report_file(struct db *db, const struct actor *a, const struct report_request *r,
		struct report_file *f, struct model_error *e);
void report_file_release(struct report_file *f);

/*
 * Archive the monthly report and bulletin of published month `month` of
 * the actor's district in every format, as a new version when the
 * publication has none yet (nothing when it has).  Audited.
 */
int report_archive_month(struct db *db, const struct actor *a, const char *month,
			 struct model_error *e);

/*
 * The reports of `month`: { month, published, kinds: [{kind, label}],
 * archive: [{kind, format, version, sha256, size, created_at, created_by,
 * audit_seq, current}] } — the archive only for the office and the leads
 * (who read the district's copy).
 */
int report_list_json(struct db *db, const struct actor *a, const char *month, json_t **out,
		     struct model_error *e);

/* Register the archive's part in publication (assess_on_publish()); at start-up. */
void report_observe_publication(void);

#endif
