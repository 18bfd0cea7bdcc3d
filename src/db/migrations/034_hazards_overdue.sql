-- 034_hazards_overdue: the open major hazards by deadline, for the daily
-- pass that raises a problem from each one left past its deadline
-- (work_raise(), src/model/work_actions.c).  The pass reads every
-- district's; without this index it read every hazard of every district —
-- 68 s at each server start over the country's 14.6 million (issue 19).
-- Few hazards are major and open, so the index stays small.
CREATE INDEX hazards_major_open ON hazards(deadline)
	WHERE level = 'major' AND rectified_on IS NULL;
