-- 007_determination_fails: the determination keeps only the subjects that
-- did not simply pass (src/assess/assess.c).
--
-- determinations: per month and subject on the list, a row when some
--   dimension or the checklist failed it provisionally, or an override
--   touched it; a subject on the list without a row complies.  Who is on
--   the list, and its kind, township and department, come from subjects.
--   Rows that passed everywhere are dropped here; the rest keep their
--   results, published months included.
-- figure_cells: the month's list is the list at its end (the same rule,
--   active_from <= month <= active_to), so the two copies of its counts go;
--   the cells are computed again on the next read.

CREATE TABLE determinations_new (
	district TEXT NOT NULL,
	month TEXT NOT NULL,
	subject TEXT NOT NULL,
	petition_fail BIGINT NOT NULL,
	accident_fail BIGINT NOT NULL,
	case_fail BIGINT NOT NULL,
	checklist_fail BIGINT NOT NULL,
	petition_final BIGINT NOT NULL,
	accident_final BIGINT NOT NULL,
	case_final BIGINT NOT NULL,
	fail BIGINT NOT NULL,
	PRIMARY KEY (month, subject)
);
INSERT INTO determinations_new (district, month, subject, petition_fail, accident_fail,
	case_fail, checklist_fail, petition_final, accident_final, case_final, fail)
SELECT district, month, subject, petition_fail, accident_fail, case_fail, checklist_fail,
	petition_final, accident_final, case_final, fail FROM determinations
WHERE petition_fail + accident_fail + case_fail + checklist_fail + petition_final +
	accident_final + case_final + fail > 0
	OR subject IN (SELECT o.subject FROM overrides o WHERE o.month = determinations.month);
DROP TABLE determinations;
ALTER TABLE determinations_new RENAME TO determinations;
CREATE INDEX determinations_district ON determinations(district, month);
CREATE INDEX determinations_subject ON determinations(subject, month);
CREATE INDEX determinations_fails ON determinations(month, subject) WHERE fail = 1;

DELETE FROM figure_cells;
DELETE FROM figure_months;
ALTER TABLE figure_cells DROP COLUMN villages_listed;
ALTER TABLE figure_cells DROP COLUMN enterprises_listed;
