-- 024_report_archive: the month's documents as published (issue 16).
--
-- When the office publishes a month, its monthly report and bulletin are
-- written in each format and kept unchanged: one row per file, its bytes
-- in `blobs` (016, by their SHA-256), the publication it belongs to
-- (assess_months.published_at then) and the head of the audit chain when
-- it was archived.  A reopened and republished month archives a new
-- version beside the old; nothing is ever deleted.

CREATE TABLE report_archive (
	id @ID@,
	district TEXT NOT NULL,
	month TEXT NOT NULL,
	kind TEXT NOT NULL,
	format TEXT NOT NULL,
	version INTEGER NOT NULL,
	published_at BIGINT NOT NULL,
	sha256 TEXT NOT NULL REFERENCES blobs(sha256),
	size BIGINT NOT NULL,
	filename TEXT NOT NULL,
	audit_seq BIGINT,
	audit_hash TEXT,
	created_at BIGINT NOT NULL,
	created_by TEXT NOT NULL,
	UNIQUE (district, month, kind, format, version)
);
