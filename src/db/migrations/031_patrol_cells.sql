-- 031_patrol_cells: the grid-days of 一日双巡 kept by the writes (issue 19).
-- patrol_compliance_rate counted, at every read, a year of patrols grouped by
-- grid and day (the district's warm figures spent most of their time there,
-- a province's seconds).  patrol_cells holds, per district, township, grid
-- and month, the days on which the grid was patrolled in both slots; each
-- write of a patrol moves the days of the grid-days it leaves and joins by
-- difference (src/assess/grass_figures.c, grass_patrol_keep), the bulk path
-- of `gen scale --patrols` fills a district's at once, and this migration
-- the patrols already there.
CREATE TABLE patrol_cells (
	district TEXT NOT NULL,
	township TEXT NOT NULL,
	grid TEXT NOT NULL,
	month TEXT NOT NULL,
	days BIGINT NOT NULL,
	PRIMARY KEY (district, township, grid, month)
);
CREATE INDEX patrol_cells_grid ON patrol_cells(grid, month);

INSERT INTO patrol_cells (district, township, grid, month, days)
SELECT x.district, x.township, x.grid, SUBSTR(x.patrolled_on, 1, 7), COUNT(*)
FROM (SELECT district, COALESCE(township, '') AS township, grid, patrolled_on FROM patrols
      GROUP BY district, COALESCE(township, ''), grid, patrolled_on
      HAVING COUNT(DISTINCT slot) = 2) x
GROUP BY x.district, x.township, x.grid, SUBSTR(x.patrolled_on, 1, 7);
