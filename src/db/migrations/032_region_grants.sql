-- 032_region_grants: what a district lets the offices above it write
-- (issue 19: read-only "unless a district grants more"; src/model/grants.c,
-- the check in src/model/scope.c).  A row is one grant: district `district`
-- lets the office of `region` (its city or its province: role `region`)
-- create and change the records of list `list` (an entity's name, one a
-- district may grant) that lie in the district.  The district's office
-- grants and revokes.  A grant is never deleted: its revocation stamps
-- revoked_at and revoked_by, so the table is the grants' history too (and
-- the audit log has a row for each).  At most one live grant of a list to
-- an office: the partial unique index, which also holds against two
-- requests at once.  Times: epoch seconds.

CREATE TABLE region_grants (
	id @ID@,
	district TEXT NOT NULL REFERENCES regions(code),
	region TEXT NOT NULL REFERENCES regions(code),
	list TEXT NOT NULL,
	granted_by_id BIGINT NOT NULL,
	granted_by TEXT NOT NULL,
	granted_at BIGINT NOT NULL,
	revoked_by_id BIGINT,
	revoked_by TEXT,
	revoked_at BIGINT
);
CREATE UNIQUE INDEX region_grants_live ON region_grants(district, region, list)
	WHERE revoked_at IS NULL;
CREATE INDEX region_grants_region ON region_grants(region, revoked_at);
