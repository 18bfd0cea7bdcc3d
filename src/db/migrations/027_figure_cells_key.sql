-- 027_figure_cells_key: the figure cells are kept current by the writes
-- (src/assess/cells.c, cells_add): a write adds what a record counts now,
-- and takes out what it counted, to the cells of its month, township,
-- department and level by difference (INSERT … ON CONFLICT … DO UPDATE),
-- so a cell is one row of its key.  The cells were always computed one row
-- a key; the index says so and finds the row.

CREATE UNIQUE INDEX figure_cells_key ON figure_cells(district, month, township, supervisor,
	until_month, level);
