-- 033_work_cache: the work and grassroots counts of each district kept for
-- the offices above the districts (issue 19; src/assess/work_cache.c).  A
-- city's, a province's or the country's work figures are the sum of their
-- districts'; counted live over every district they were most of the time
-- of a province's figures.  work_versions moves on with every write of a
-- list they count (as assess_versions does for the determination);
-- work_cache holds a district's counts through a month (`upto`: the last
-- month counted, today's when earlier), comma-separated in the order of
-- enum work_count (src/assess/work_int.h), at the version they were counted
-- at.  Nothing to fill: a district is counted when first read.
CREATE TABLE work_versions (
	district TEXT PRIMARY KEY,
	version BIGINT NOT NULL
);
CREATE TABLE work_cache (
	district TEXT NOT NULL,
	through TEXT NOT NULL,
	upto TEXT NOT NULL,
	version BIGINT NOT NULL,
	tally TEXT NOT NULL,
	PRIMARY KEY (district, through, upto)
);
