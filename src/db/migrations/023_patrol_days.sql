-- 023_patrol_days: the grid-days of 一日双巡 (src/assess/grass_figures.c,
-- patrol_compliance_rate) read from an index alone.  The figure groups a
-- year of patrols by grid and day and asks whether both slots are there;
-- with the slot in the grid's index the grouping never visits the rows
-- (at a province's 44 million patrols, the table is ten times the index).
-- It replaces patrols_grid_date, whose reads it serves as well.
CREATE INDEX patrols_grid_date_slot ON patrols(grid, patrolled_on, slot);
DROP INDEX patrols_grid_date;
