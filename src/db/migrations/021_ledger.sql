-- 021_ledger: the 六防六促 campaigns (专项行动) that tasks, problems and
-- inspections may belong to (DOMAIN.md "Grassroots"; the `campaign` field of
-- their descriptors in src/model/work.c and src/model/events.c), indexed for
-- GET /tasks?campaign=X; and the ledger's month, which the monthly
-- generation and payment (src/model/ledger.c) read by district.

ALTER TABLE tasks ADD COLUMN campaign TEXT REFERENCES campaigns(no);
ALTER TABLE problems ADD COLUMN campaign TEXT REFERENCES campaigns(no);
ALTER TABLE inspections ADD COLUMN campaign TEXT REFERENCES campaigns(no);
CREATE INDEX tasks_campaign ON tasks(campaign);
CREATE INDEX problems_campaign ON problems(campaign);
CREATE INDEX inspections_campaign ON inspections(campaign);
-- the auxiliary officers in post in a month, by district (the generation)
CREATE INDEX police_assignments_kind ON police_assignments(district, kind, "from");
