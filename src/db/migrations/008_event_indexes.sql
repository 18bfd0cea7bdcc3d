-- 008_event_indexes: the (district, date) indexes of the three kinds of
-- events that the determination reads carry the columns of its rules and
-- the subject, so that reading a month's events for it is one range of one
-- index and never a visit to the table (src/assess/assess.c,
-- compute_months()).

DROP INDEX petitions_district_date;
CREATE INDEX petitions_district_date ON petitions(district, received_on, level, persons, subject);
DROP INDEX accidents_district_date;
CREATE INDEX accidents_district_date ON accidents(district, occurred_on, deaths, injuries, production, subject);
DROP INDEX cases_district_date;
CREATE INDEX cases_district_date ON cases(district, occurred_on, kind, major_impact, subject);

-- The figures of all districts (the system's) read the sums over every
-- district's townships and departments: their level, by month.
CREATE INDEX figure_cells_level ON figure_cells(level, month);
-- … and find the districts among all regions.
CREATE INDEX regions_level ON regions(level, code);
