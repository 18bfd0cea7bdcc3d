-- 017_ranking: the assessment table (考评表) and the manual scores of the
-- monthly ranking of townships and sectors (考评, issue 14).
--
-- assessment_defaults: the table a district starts with (no district, one
--   table for the installation) and copied into assessment_items for every
--   district there is now, and for every district created later (the write
--   observer of src/model/assessment.c).  Points are whole points, computed
--   lines are kept in tenths by src/assess/ranking.c.
-- assessment_items: each district's own table, edited by its office.
-- assessment_scores: the points the office enters by hand for a manual
--   item, with the reason, one per month, unit and item.

CREATE TABLE assessment_defaults (
	code TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	applies_to TEXT NOT NULL,
	method TEXT NOT NULL,
	points BIGINT NOT NULL,
	target BIGINT,
	yellow_points BIGINT,
	red_points BIGINT,
	due_day BIGINT,
	ord BIGINT NOT NULL
);

-- 创建达标率 40：满分线 90%，以下按比例；任务按时完成 20、问题按时整改 20：按比例；
-- 清单按月确认 10：次月 5 日前确认得满分；督办黄红牌：每张黄牌扣 1 分、红牌扣 3 分，
-- 最多扣 10 分；加分项：手工评分，±5 分以内，须写明理由。
INSERT INTO assessment_defaults (code, name, applies_to, method, points, target, yellow_points,
	red_points, due_day, ord) VALUES
	('compliance', '创建达标率', 'both', 'compliance_rate', 40, 90, NULL, NULL, NULL, 10);
INSERT INTO assessment_defaults (code, name, applies_to, method, points, target, yellow_points,
	red_points, due_day, ord) VALUES
	('tasks', '任务按时完成', 'both', 'tasks_on_time', 20, NULL, NULL, NULL, NULL, 20);
INSERT INTO assessment_defaults (code, name, applies_to, method, points, target, yellow_points,
	red_points, due_day, ord) VALUES
	('problems', '问题按时整改', 'both', 'problems_on_time', 20, NULL, NULL, NULL, NULL, 30);
INSERT INTO assessment_defaults (code, name, applies_to, method, points, target, yellow_points,
	red_points, due_day, ord) VALUES
	('confirm', '清单按月确认', 'both', 'list_confirmed', 10, NULL, NULL, NULL, 5, 40);
INSERT INTO assessment_defaults (code, name, applies_to, method, points, target, yellow_points,
	red_points, due_day, ord) VALUES
	('cards', '督办黄红牌', 'both', 'cards', 10, NULL, 1, 3, NULL, 50);
INSERT INTO assessment_defaults (code, name, applies_to, method, points, target, yellow_points,
	red_points, due_day, ord) VALUES
	('bonus', '加分项', 'both', 'manual', 5, NULL, NULL, NULL, NULL, 60);

CREATE TABLE assessment_items (
	id @ID@,
	code TEXT NOT NULL,
	district TEXT NOT NULL REFERENCES regions(code),
	name TEXT NOT NULL,
	applies_to TEXT NOT NULL,
	method TEXT NOT NULL,
	points BIGINT NOT NULL,
	target BIGINT,
	yellow_points BIGINT,
	red_points BIGINT,
	due_day BIGINT,
	ord BIGINT NOT NULL,
	active BIGINT NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1,
	UNIQUE (district, code)
);

INSERT INTO assessment_items (code, district, name, applies_to, method, points, target,
	yellow_points, red_points, due_day, ord, active, created_at, updated_at, rev)
	SELECT d.code, r.code, d.name, d.applies_to, d.method, d.points, d.target, d.yellow_points,
	       d.red_points, d.due_day, d.ord, 1, @NOW@, @NOW@, 1
	FROM assessment_defaults d CROSS JOIN regions r WHERE r.level = 'district';

CREATE TABLE assessment_scores (
	id @ID@,
	no TEXT NOT NULL UNIQUE,
	month TEXT NOT NULL,
	unit_kind TEXT NOT NULL,
	unit TEXT NOT NULL,
	item TEXT NOT NULL,
	points BIGINT NOT NULL,
	reason TEXT NOT NULL,
	district TEXT NOT NULL REFERENCES regions(code),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX assessment_scores_month ON assessment_scores(district, month, unit_kind);
