-- 012_work_lists: the office's work lists — coordination meetings,
-- supervision checks, tasks and problems.  Columns are the keys of the
-- descriptors in src/model/work.c (`check` is an SQL word: quoted here as
-- the machinery quotes every field's column).  Every row keeps its district
-- for scope; tasks and problems their township and owning department too,
-- indexed with the dates because lists and counts are "within a district,
-- between two dates" and a department's are "what it owns".

CREATE TABLE meetings (
	id @ID@,
	no TEXT NOT NULL UNIQUE,
	held_on TEXT NOT NULL,
	month TEXT NOT NULL,
	chair TEXT,
	attendees TEXT,
	decisions TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX meetings_district_date ON meetings(district, held_on);
CREATE INDEX meetings_district_month ON meetings(district, month);

CREATE TABLE supervision_checks (
	id @ID@,
	no TEXT NOT NULL UNIQUE,
	checked_on TEXT NOT NULL,
	kind TEXT NOT NULL,
	lead TEXT NOT NULL REFERENCES departments(code),
	participants TEXT,
	summary TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX supervision_checks_district_date ON supervision_checks(district, checked_on);
CREATE INDEX supervision_checks_lead ON supervision_checks(lead);

CREATE TABLE tasks (
	id @ID@,
	no TEXT NOT NULL UNIQUE,
	title TEXT NOT NULL,
	source TEXT NOT NULL,
	meeting TEXT REFERENCES meetings(no),
	owner TEXT NOT NULL REFERENCES departments(code),
	co_owners TEXT,
	township TEXT REFERENCES regions(code),
	assigned_on TEXT NOT NULL,
	due_on TEXT NOT NULL,
	status TEXT NOT NULL,
	done_on TEXT,
	verified_on TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX tasks_district_date ON tasks(district, assigned_on);
CREATE INDEX tasks_district_due ON tasks(district, due_on);
CREATE INDEX tasks_township ON tasks(township);
CREATE INDEX tasks_owner ON tasks(owner);
CREATE INDEX tasks_meeting ON tasks(meeting);

CREATE TABLE problems (
	id @ID@,
	no TEXT NOT NULL UNIQUE,
	found_on TEXT NOT NULL,
	source TEXT NOT NULL,
	"check" TEXT REFERENCES supervision_checks(no),
	department TEXT REFERENCES departments(code),
	township TEXT REFERENCES regions(code),
	subject TEXT REFERENCES subjects(code),
	description TEXT NOT NULL,
	level TEXT NOT NULL,
	deadline TEXT NOT NULL,
	status TEXT NOT NULL,
	rectified_on TEXT,
	verified_on TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX problems_district_date ON problems(district, found_on);
CREATE INDEX problems_district_deadline ON problems(district, deadline);
CREATE INDEX problems_township ON problems(township);
CREATE INDEX problems_department ON problems(department);
CREATE INDEX problems_subject ON problems(subject);
CREATE INDEX problems_check ON problems("check");
