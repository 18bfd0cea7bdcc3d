-- 002_events: the three zeros' events and the work around them —
-- petitions and petition work, inspections, hazards, accidents, cases,
-- disputes.  Columns are the keys of the descriptors in
-- src/model/events.c; personal fields as <key>_enc / <key>_idx; money in
-- fen (BIGINT).  Every row keeps district and township for scope and for
-- partitioning by region; the date columns are indexed with the district
-- because every figure is "within a district, between two dates".

CREATE TABLE petitions (
	id @ID@,
	no TEXT NOT NULL UNIQUE,
	received_on TEXT NOT NULL,
	channel TEXT NOT NULL,
	persons BIGINT NOT NULL,
	level TEXT NOT NULL,
	subject TEXT REFERENCES subjects(code),
	township TEXT REFERENCES regions(code),
	category TEXT NOT NULL,
	summary TEXT,
	status TEXT NOT NULL,
	resolved_on TEXT,
	petitioner_name_enc TEXT,
	petitioner_name_idx TEXT,
	petitioner_id_enc TEXT,
	petitioner_id_idx TEXT,
	petitioner_phone_enc TEXT,
	petitioner_phone_idx TEXT,
	handling_dept TEXT REFERENCES departments(code),
	accepted_on TEXT,
	replied_on TEXT,
	satisfaction TEXT,
	previous TEXT REFERENCES petitions(no),
	collective BIGINT NOT NULL DEFAULT 0,
	repeat BIGINT NOT NULL DEFAULT 0,
	accept_due TEXT,
	reply_due TEXT,
	grid TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX petitions_district_date ON petitions(district, received_on);
CREATE INDEX petitions_subject_date ON petitions(subject, received_on);
CREATE INDEX petitions_township ON petitions(township);
CREATE INDEX petitions_id_idx ON petitions(petitioner_id_idx);
CREATE INDEX petitions_phone_idx ON petitions(petitioner_phone_idx);

CREATE TABLE petition_activities (
	id @ID@,
	no TEXT NOT NULL UNIQUE,
	held_on TEXT NOT NULL,
	kind TEXT NOT NULL,
	leader TEXT NOT NULL,
	place TEXT,
	petitions_handled BIGINT NOT NULL DEFAULT 0,
	township TEXT REFERENCES regions(code),
	summary TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX petition_activities_district_date ON petition_activities(district, held_on);

CREATE TABLE request_letters (
	id @ID@,
	no TEXT NOT NULL UNIQUE,
	sent_on TEXT NOT NULL,
	leader TEXT NOT NULL,
	petitions TEXT,
	matters TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX request_letters_district_date ON request_letters(district, sent_on);

CREATE TABLE village_records (
	id @ID@,
	no TEXT NOT NULL UNIQUE,
	held_on TEXT NOT NULL,
	kind TEXT NOT NULL,
	village TEXT NOT NULL REFERENCES regions(code),
	participants BIGINT,
	matters BIGINT,
	resolved BIGINT,
	summary TEXT,
	township TEXT NOT NULL,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX village_records_district_date ON village_records(district, held_on);

CREATE TABLE inspections (
	id @ID@,
	no TEXT NOT NULL UNIQUE,
	inspected_on TEXT NOT NULL,
	subject TEXT NOT NULL REFERENCES subjects(code),
	department TEXT REFERENCES departments(code),
	domain TEXT NOT NULL,
	inspector TEXT,
	findings TEXT,
	township TEXT NOT NULL,
	grid TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX inspections_district_date ON inspections(district, inspected_on);
CREATE INDEX inspections_subject ON inspections(subject);

CREATE TABLE hazards (
	id @ID@,
	no TEXT NOT NULL UNIQUE,
	inspection TEXT REFERENCES inspections(no),
	subject TEXT NOT NULL REFERENCES subjects(code),
	level TEXT NOT NULL,
	domain TEXT NOT NULL,
	found_on TEXT NOT NULL,
	deadline TEXT NOT NULL,
	rectified_on TEXT,
	verified_on TEXT,
	description TEXT,
	evidence TEXT,
	state TEXT NOT NULL,
	township TEXT NOT NULL,
	grid TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX hazards_district_date ON hazards(district, found_on);
CREATE INDEX hazards_subject ON hazards(subject);
CREATE INDEX hazards_open ON hazards(district, rectified_on, deadline);

CREATE TABLE accidents (
	id @ID@,
	no TEXT NOT NULL UNIQUE,
	occurred_on TEXT NOT NULL,
	subject TEXT REFERENCES subjects(code),
	township TEXT REFERENCES regions(code),
	domain TEXT NOT NULL,
	deaths BIGINT NOT NULL,
	injuries BIGINT NOT NULL,
	direct_loss BIGINT,
	production BIGINT NOT NULL,
	summary TEXT,
	serious_injuries BIGINT,
	class TEXT NOT NULL,
	grid TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX accidents_district_date ON accidents(district, occurred_on);
CREATE INDEX accidents_subject_date ON accidents(subject, occurred_on);

CREATE TABLE cases (
	id @ID@,
	no TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL,
	major_impact BIGINT NOT NULL DEFAULT 0,
	category TEXT NOT NULL,
	occurred_on TEXT NOT NULL,
	subject TEXT REFERENCES subjects(code),
	township TEXT REFERENCES regions(code),
	status TEXT NOT NULL,
	coerced BIGINT NOT NULL DEFAULT 0,
	prosecuted BIGINT NOT NULL DEFAULT 0,
	summary TEXT,
	grid TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX cases_district_date ON cases(district, occurred_on);
CREATE INDEX cases_subject_date ON cases(subject, occurred_on);

CREATE TABLE disputes (
	id @ID@,
	no TEXT NOT NULL UNIQUE,
	found_on TEXT NOT NULL,
	source TEXT NOT NULL,
	category TEXT NOT NULL,
	subject TEXT REFERENCES subjects(code),
	township TEXT REFERENCES regions(code),
	grid TEXT REFERENCES regions(code),
	mediation TEXT,
	status TEXT NOT NULL,
	closed_on TEXT,
	amount BIGINT,
	risk TEXT,
	deadline TEXT,
	mediator TEXT,
	party_a_name_enc TEXT,
	party_a_name_idx TEXT,
	party_a_phone_enc TEXT,
	party_a_phone_idx TEXT,
	party_b_name_enc TEXT,
	party_b_name_idx TEXT,
	party_b_phone_enc TEXT,
	party_b_phone_idx TEXT,
	summary TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX disputes_district_date ON disputes(district, found_on);
CREATE INDEX disputes_closed ON disputes(district, closed_on);
CREATE INDEX disputes_subject ON disputes(subject);
