-- 006_figure_cells: the report figures, pre-aggregated (src/assess/cells.c).
--
-- figure_versions: a counter per district, bumped by every write of the
--   work that the figures count but that cannot change a determination
--   (四访两送, inspections, hazards, disputes); the rest bump
--   assess_versions.
-- figure_months: per district and month, the two versions its cells were
--   computed at; older cells are computed again when read.
-- figure_cells: per district, month, township and supervising department
--   ('' when the row has none), the count or sum of each measure (one
--   column each, see cells.h), and the same summed over all townships
--   (level 1, township '*'), all departments (level 2, supervisor '*') or
--   both (level 3); until_month is the month the row's counts wait for (''
--   when none: a hazard found in `month` counts as rectified from the month
--   it was).
-- determinations_fails: who failed, for the year-to-date compliance.

CREATE TABLE figure_versions (
	district TEXT PRIMARY KEY,
	version BIGINT NOT NULL
);

CREATE TABLE figure_months (
	district TEXT NOT NULL,
	month TEXT NOT NULL,
	assess_version BIGINT NOT NULL,
	figure_version BIGINT NOT NULL,
	PRIMARY KEY (district, month)
);

CREATE TABLE figure_cells (
	district TEXT NOT NULL,
	month TEXT NOT NULL,
	township TEXT NOT NULL,
	supervisor TEXT NOT NULL,
	until_month TEXT NOT NULL,
	level BIGINT NOT NULL,
	visit_batches BIGINT NOT NULL,
	visit_persons BIGINT NOT NULL,
	online_petitions BIGINT NOT NULL,
	petition_activities BIGINT NOT NULL,
	inspections BIGINT NOT NULL,
	hazards_found BIGINT NOT NULL,
	hazards_rectified BIGINT NOT NULL,
	coerced_persons BIGINT NOT NULL,
	prosecuted_persons BIGINT NOT NULL,
	disputes_mediated BIGINT NOT NULL,
	disputes_success BIGINT NOT NULL,
	villages_listed BIGINT NOT NULL,
	villages_zero_case BIGINT NOT NULL,
	enterprises_listed BIGINT NOT NULL,
	enterprises_zero_case BIGINT NOT NULL,
	villages_total BIGINT NOT NULL,
	villages_compliant BIGINT NOT NULL,
	enterprises_total BIGINT NOT NULL,
	enterprises_compliant BIGINT NOT NULL
);
-- each scope reads one level of its district, township or department
CREATE INDEX figure_cells_district ON figure_cells(district, level, month);
CREATE INDEX figure_cells_township ON figure_cells(township, level, month);
CREATE INDEX figure_cells_supervisor ON figure_cells(supervisor, level, month);

CREATE INDEX determinations_fails ON determinations(month, subject) WHERE fail = 1;
