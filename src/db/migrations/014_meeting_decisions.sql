-- 014_meeting_decisions: the meetings' agreed items (议定事项) and their
-- 交办, the tasks' progress history (进展), and the problems raised
-- automatically.  Columns are the keys of the descriptors in
-- src/model/work.c.
--
-- meeting_decisions: one row per agreed item of a meeting (meeting, seq
--   unique); `task` is the number of the task made from it by 交办 (empty
--   until then); district-wide like the meetings.
-- task_updates: the progress reports of a task, with the task's scope
--   columns copied (owner, co-owners, township, district) so that they are
--   read within the task's scope.
-- tasks.decision: the agreed item a task was made from (set by 交办).
-- meetings.topics: the problems put to the meeting (numbers joined by |).
-- problems.meeting: the meeting an escalated problem was put to;
--   problems.raised_by: what raised it automatically
--   (`determination:YYYY-MM:SUBJECT`, `hazard:NO`), unique: raised once.

CREATE TABLE meeting_decisions (
	id @ID@,
	no TEXT NOT NULL UNIQUE,
	meeting TEXT NOT NULL REFERENCES meetings(no),
	seq BIGINT NOT NULL,
	text TEXT NOT NULL,
	owner TEXT REFERENCES departments(code),
	co_owners TEXT,
	township TEXT REFERENCES regions(code),
	due_on TEXT,
	task TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1,
	UNIQUE (meeting, seq)
);
CREATE INDEX meeting_decisions_district ON meeting_decisions(district, meeting);
CREATE INDEX meeting_decisions_owner ON meeting_decisions(owner);

CREATE TABLE task_updates (
	id @ID@,
	no TEXT NOT NULL UNIQUE,
	task TEXT NOT NULL REFERENCES tasks(no),
	reported_on TEXT NOT NULL,
	text TEXT NOT NULL,
	owner TEXT NOT NULL,
	co_owners TEXT,
	township TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX task_updates_task ON task_updates(task, reported_on);
CREATE INDEX task_updates_district ON task_updates(district, reported_on);
CREATE INDEX task_updates_owner ON task_updates(owner);
CREATE INDEX task_updates_township ON task_updates(township);

ALTER TABLE tasks ADD COLUMN decision TEXT;
CREATE INDEX tasks_decision ON tasks(decision);
ALTER TABLE meetings ADD COLUMN topics TEXT;
ALTER TABLE problems ADD COLUMN meeting TEXT;
ALTER TABLE problems ADD COLUMN raised_by TEXT;
CREATE INDEX problems_meeting ON problems(meeting);
CREATE UNIQUE INDEX problems_raised_by ON problems(raised_by);
