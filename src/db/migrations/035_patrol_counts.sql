-- 035_patrol_counts: the patrols themselves counted in patrol_cells too
-- (issue 19).  The grassroots' 巡逻 figure counted a year of a district's
-- patrols at every read: 2 ms warm on the demo district, and 9 ms for the
-- first read after any write, which leaves SQLite's page cache to be read
-- again — most of such a read's time.  `patrols` is the number of patrols of
-- the district, township, grid and month, moved by each write of a patrol
-- (src/assess/grass_figures.c, grass_patrol_keep); a grid-month with
-- patrols and no day patrolled in both slots has a row with days 0.
ALTER TABLE patrol_cells ADD COLUMN patrols BIGINT NOT NULL DEFAULT 0;

INSERT INTO patrol_cells (district, township, grid, month, days, patrols)
SELECT district, COALESCE(township, ''), grid, SUBSTR(patrolled_on, 1, 7), 0, COUNT(*)
FROM patrols WHERE 1 = 1
GROUP BY district, COALESCE(township, ''), grid, SUBSTR(patrolled_on, 1, 7)
ON CONFLICT (district, township, grid, month) DO UPDATE SET patrols = excluded.patrols;
