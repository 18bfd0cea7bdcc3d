-- 005_indexes: an index for each reference that is looked up from the
-- referenced side (a hazard's inspection: deleting or checking an
-- inspection must not scan every hazard).
CREATE INDEX hazards_inspection ON hazards(inspection);
