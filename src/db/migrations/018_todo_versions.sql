-- 018_todo_versions: a counter per district, bumped by every write of a list
-- that to-dos are drawn from (src/model/todos.c: the sources' entities), so
-- that a waiting browser (GET /api/v1/todos/wait) learns cheaply, and only
-- once the write is committed, that its to-dos may have changed.

CREATE TABLE todo_versions (
	district TEXT PRIMARY KEY,
	version BIGINT NOT NULL
);

-- The to-dos' own reads: a department's (or a township's) open work by its
-- due date, the most urgent first without a sort; the office's work waiting
-- to be verified by its status.
CREATE INDEX tasks_owner_due ON tasks(owner, due_on);
CREATE INDEX tasks_township_due ON tasks(township, due_on);
CREATE INDEX tasks_district_status ON tasks(district, status);
CREATE INDEX problems_department_deadline ON problems(department, deadline);
CREATE INDEX problems_township_deadline ON problems(township, deadline);
CREATE INDEX problems_district_status ON problems(district, status);
-- Petitions and disputes still open (most are closed): their own statuses.
CREATE INDEX petitions_district_status ON petitions(district, status);
CREATE INDEX petitions_township_status ON petitions(township, status);
CREATE INDEX disputes_district_status ON disputes(district, status);
