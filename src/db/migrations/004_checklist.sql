-- 004_checklist: the optional eight-heading checklist of the creation
-- standard, scored by the supervisor per subject and month; when a
-- district's standard turns it on, a subject also needs the pass mark.

ALTER TABLE standards ADD COLUMN checklist BIGINT NOT NULL DEFAULT 0;
ALTER TABLE standards ADD COLUMN checklist_pass BIGINT;

CREATE TABLE checklists (
	id @ID@,
	subject TEXT NOT NULL REFERENCES subjects(code),
	month TEXT NOT NULL,
	leadership BIGINT NOT NULL,
	prevention BIGINT NOT NULL,
	disputes BIGINT NOT NULL,
	key_groups BIGINT NOT NULL,
	hazards BIGINT NOT NULL,
	rule_of_law BIGINT NOT NULL,
	services BIGINT NOT NULL,
	satisfaction BIGINT NOT NULL,
	score BIGINT NOT NULL,
	note TEXT,
	township TEXT NOT NULL,
	grid TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1,
	UNIQUE (subject, month)
);
CREATE INDEX checklists_month ON checklists(district, month);

ALTER TABLE determinations ADD COLUMN checklist_fail BIGINT NOT NULL DEFAULT 0;
