-- 023_patrol_days: the grid-days of 一日双巡 (src/assess/grass_figures.c,
-- patrol_compliance_rate) read from an index alone.  The figure groups a
-- year of patrols by grid and day and asks whether both slots are there;
-- patrols_place_day holds every column it reads, in the order of its
-- grouping, with the place first so that a district, a township or a grid
-- reads only its own part (at a province's 44 million patrols the table is
-- several times the index).  The grid's index gains the slot too: a grid's
-- days read without the rows, and it serves the lists by grid as before.
CREATE INDEX patrols_place_day ON patrols(district, township, grid, patrolled_on, slot);
CREATE INDEX patrols_grid_date_slot ON patrols(grid, patrolled_on, slot);
DROP INDEX patrols_grid_date;
