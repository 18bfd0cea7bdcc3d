-- 020_sync: entering once, and the phone's outbox (issue 15).
--
-- `record_numbers`: the last number the server gave a list's records of a
-- year (patrols XC<year>-000001 …), for records created without a number
-- (entity.h, `number_prefix`).  Incremented in the write's transaction, so
-- a refused write gives its number back.
--
-- Records found on a patrol or a household visit (disputes, hazards,
-- problems) name it: `patrol`, `visit`; problems gain the grid they lie
-- in, so that the grid worker who raised one reaches it.
--
-- `sync_keys`: the items of the phone's outbox already applied (POST
-- /sync), one per user and key chosen by the phone, with the answer that
-- was given: an item sent again is not applied again, its answer is
-- repeated.  A failed item leaves no row (it may be sent again corrected).

CREATE TABLE record_numbers (
	entity TEXT NOT NULL,
	year INTEGER NOT NULL,
	last BIGINT NOT NULL,
	PRIMARY KEY (entity, year)
);

ALTER TABLE disputes ADD COLUMN patrol TEXT REFERENCES patrols(no);
ALTER TABLE disputes ADD COLUMN visit TEXT REFERENCES household_visits(no);
ALTER TABLE hazards ADD COLUMN patrol TEXT REFERENCES patrols(no);
ALTER TABLE hazards ADD COLUMN visit TEXT REFERENCES household_visits(no);
ALTER TABLE problems ADD COLUMN grid TEXT REFERENCES regions(code);
ALTER TABLE problems ADD COLUMN patrol TEXT REFERENCES patrols(no);
ALTER TABLE problems ADD COLUMN visit TEXT REFERENCES household_visits(no);
CREATE INDEX disputes_patrol ON disputes(patrol);
CREATE INDEX disputes_visit ON disputes(visit);
CREATE INDEX hazards_patrol ON hazards(patrol);
CREATE INDEX hazards_visit ON hazards(visit);
CREATE INDEX problems_patrol ON problems(patrol);
CREATE INDEX problems_visit ON problems(visit);
CREATE INDEX problems_grid ON problems(grid);

CREATE TABLE sync_keys (
	user_id BIGINT NOT NULL REFERENCES users(id),
	key TEXT NOT NULL,
	status INTEGER NOT NULL,
	result TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	PRIMARY KEY (user_id, key)
);
