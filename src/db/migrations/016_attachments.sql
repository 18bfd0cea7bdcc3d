-- 016_attachments: files attached to records (附件).  The bytes live in the
-- database, so that one backup holds everything, once per content:
-- `blobs` is keyed by the SHA-256 of the bytes, and the same file attached
-- twice (to one record or to several) is one blob.  `attachments` names a
-- file of a record — its entity (descriptor name), the record's id, its
-- number n (1, 2, … per record), the name it was uploaded with, the type
-- decided from its content — and keeps the record's district for scope.
-- Nothing is ever deleted: an attachment is part of the record's history.

CREATE TABLE blobs (
	sha256 TEXT PRIMARY KEY,
	size BIGINT NOT NULL,
	data @BLOB@ NOT NULL,
	created_at BIGINT NOT NULL DEFAULT @NOW@
);

CREATE TABLE attachments (
	id @ID@,
	entity TEXT NOT NULL,
	record BIGINT NOT NULL,
	n INTEGER NOT NULL,
	name TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size BIGINT NOT NULL,
	sha256 TEXT NOT NULL REFERENCES blobs(sha256),
	uploaded_by TEXT NOT NULL,
	uploaded_at BIGINT NOT NULL,
	district TEXT,
	UNIQUE (entity, record, n)
);
CREATE INDEX attachments_sha256 ON attachments(sha256);
