-- 003_assess: the standard and the monthly determination.
--
-- standards: versions of the veto rules per subject kind (an entity, see
--   src/model/entities.c); a month is judged by the version in force then.
-- assess_versions: a counter per district, bumped by every write that can
--   change a determination (events of the three kinds, subjects,
--   standards); a month's determination is recomputed when it is older.
-- assess_months: per district and month, the version it was computed at
--   and whether it is published (locked).
-- determinations: per month and subject, the provisional result of each
--   dimension (1 = fails) and the final one (overrides applied).
-- certifications, overrides: the lead departments' confirmations and
--   written overrides.

CREATE TABLE standards (
	id @ID@,
	code TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL,
	effective_from TEXT NOT NULL,
	petition_level TEXT NOT NULL,
	collective_persons BIGINT NOT NULL,
	collective_level TEXT NOT NULL,
	accident_casualties BIGINT NOT NULL,
	accident_production_only BIGINT NOT NULL,
	case_criminal BIGINT NOT NULL,
	case_public_order_major BIGINT NOT NULL,
	target DOUBLE PRECISION,
	note TEXT,
	district TEXT NOT NULL REFERENCES regions(code),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1,
	UNIQUE (district, kind, effective_from)
);

CREATE TABLE assess_versions (
	district TEXT PRIMARY KEY,
	version BIGINT NOT NULL
);

CREATE TABLE assess_months (
	district TEXT NOT NULL,
	month TEXT NOT NULL,
	computed_version BIGINT NOT NULL DEFAULT -1,
	computed_at BIGINT,
	published BIGINT NOT NULL DEFAULT 0,
	published_at BIGINT,
	published_by TEXT,
	PRIMARY KEY (district, month)
);

CREATE TABLE determinations (
	district TEXT NOT NULL,
	month TEXT NOT NULL,
	subject TEXT NOT NULL,
	kind TEXT NOT NULL,
	township TEXT NOT NULL,
	supervisor TEXT,
	grid TEXT,
	standard TEXT NOT NULL,
	petition_fail BIGINT NOT NULL,
	accident_fail BIGINT NOT NULL,
	case_fail BIGINT NOT NULL,
	petition_final BIGINT NOT NULL,
	accident_final BIGINT NOT NULL,
	case_final BIGINT NOT NULL,
	fail BIGINT NOT NULL,
	PRIMARY KEY (month, subject)
);
CREATE INDEX determinations_district ON determinations(district, month, kind);
CREATE INDEX determinations_subject ON determinations(subject, month);

CREATE TABLE certifications (
	district TEXT NOT NULL,
	month TEXT NOT NULL,
	dimension TEXT NOT NULL,
	department TEXT,
	confirmed_by TEXT NOT NULL,
	confirmed_at BIGINT NOT NULL,
	PRIMARY KEY (district, month, dimension)
);

CREATE TABLE overrides (
	id @ID@,
	district TEXT NOT NULL,
	month TEXT NOT NULL,
	subject TEXT NOT NULL REFERENCES subjects(code),
	dimension TEXT NOT NULL,
	result TEXT NOT NULL,
	reason TEXT NOT NULL,
	made_by TEXT NOT NULL,
	made_at BIGINT NOT NULL,
	UNIQUE (month, subject, dimension)
);
