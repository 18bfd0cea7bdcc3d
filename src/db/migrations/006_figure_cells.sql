-- 006_figure_cells: the report figures, pre-aggregated (src/assess/cells.c).
--
-- figure_versions: a counter per district, bumped by every write of the
--   work that the figures count but that cannot change a determination
--   (四访两送, inspections, hazards, disputes); the rest bump
--   assess_versions.
-- figure_months: per district and month, the two versions its cells were
--   computed at; older cells are computed again when read.
-- figure_cells: per district, month, township and supervising department
--   ('' when the row has none), the count or sum `n` of one measure (see
--   cells.h); until_month is the month a count waits for ('' when none: a
--   hazard found in `month` counts as rectified from the month it was).
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
	measure TEXT NOT NULL,
	n BIGINT NOT NULL
);
CREATE INDEX figure_cells_month ON figure_cells(district, month);

CREATE INDEX determinations_fails ON determinations(month, subject) WHERE fail = 1;
