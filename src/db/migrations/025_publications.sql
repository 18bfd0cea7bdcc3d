-- 025_publications: which publication of a month an archived document
-- belongs to (issue 16).  `published_at` counts seconds, so a month reopened
-- and published again within one second kept the same value and its new
-- publication looked archived.  `assess_months.publication` counts a
-- month's publications (assess_publish() adds one); an archived file keeps
-- the one it was written for.  A month published before counts as its
-- first publication, and its archived files (if any) belong to it.

ALTER TABLE assess_months ADD COLUMN publication INTEGER NOT NULL DEFAULT 0;
UPDATE assess_months SET publication = 1 WHERE published = 1 OR published_at IS NOT NULL;
ALTER TABLE report_archive ADD COLUMN publication INTEGER NOT NULL DEFAULT 0;
UPDATE report_archive SET publication = 1;
