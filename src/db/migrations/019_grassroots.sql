-- 019_grassroots: the grassroots' records (DOMAIN.md "Grassroots";
-- src/model/grassroots.c) — grid staff, patrols, household visits, the
-- police network (assignments, the subsidy ledger, equipment), the 1+5+N
-- informants, 联乡包村 cadres and their visits, the 六防六促 campaigns.
-- Columns are the descriptors' keys ("from" and "to" are SQL words: quoted,
-- as the machinery quotes every field's column); personal fields as
-- <key>_enc / <key>_idx; money in fen.  Records without a number of their
-- own keep their natural key in `nk` (see entity.h, `natural`).  Every row
-- keeps its district and township for scope; the dates the figures count
-- by are indexed with the district.

CREATE TABLE grid_staff (
	id @ID@,
	nk TEXT NOT NULL UNIQUE,
	grid TEXT NOT NULL REFERENCES regions(code),
	name TEXT NOT NULL,
	role TEXT NOT NULL,
	phone_enc TEXT,
	phone_idx TEXT,
	"from" TEXT NOT NULL,
	"to" TEXT,
	township TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX grid_staff_grid ON grid_staff(grid);
CREATE INDEX grid_staff_district ON grid_staff(district, township);

CREATE TABLE patrols (
	id @ID@,
	no TEXT NOT NULL UNIQUE,
	grid TEXT NOT NULL REFERENCES regions(code),
	patroller TEXT NOT NULL,
	patrolled_on TEXT NOT NULL,
	slot TEXT NOT NULL,
	started_at TEXT,
	ended_at TEXT,
	notes TEXT,
	village TEXT,
	township TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
-- one patrol of a person in a slot of a day
CREATE UNIQUE INDEX patrols_person_slot ON patrols(patroller, patrolled_on, slot);
CREATE INDEX patrols_district_date ON patrols(district, patrolled_on);
CREATE INDEX patrols_grid_date ON patrols(grid, patrolled_on);

CREATE TABLE household_visits (
	id @ID@,
	no TEXT NOT NULL UNIQUE,
	grid TEXT NOT NULL REFERENCES regions(code),
	visitor TEXT NOT NULL,
	visited_on TEXT NOT NULL,
	address TEXT NOT NULL,
	kind TEXT NOT NULL,
	needs TEXT,
	head_enc TEXT,
	head_idx TEXT,
	follow_up TEXT,
	village TEXT,
	township TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX household_visits_district_date ON household_visits(district, visited_on);
CREATE INDEX household_visits_grid ON household_visits(grid);
CREATE INDEX household_visits_head ON household_visits(head_idx);

CREATE TABLE police_assignments (
	id @ID@,
	nk TEXT NOT NULL UNIQUE,
	officer TEXT NOT NULL,
	police_no TEXT NOT NULL,
	kind TEXT NOT NULL,
	township TEXT REFERENCES regions(code),
	village TEXT REFERENCES regions(code),
	"from" TEXT NOT NULL,
	"to" TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX police_assignments_no ON police_assignments(police_no, "from");
CREATE INDEX police_assignments_village ON police_assignments(village);
CREATE INDEX police_assignments_district ON police_assignments(district, township);

CREATE TABLE police_subsidies (
	id @ID@,
	nk TEXT NOT NULL UNIQUE,
	village TEXT NOT NULL REFERENCES regions(code),
	officer TEXT NOT NULL,
	month TEXT NOT NULL,
	amount BIGINT,
	paid_on TEXT,
	township TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX police_subsidies_district_month ON police_subsidies(district, month);
CREATE INDEX police_subsidies_officer ON police_subsidies(officer);

CREATE TABLE police_equipment (
	id @ID@,
	no TEXT NOT NULL UNIQUE,
	item TEXT NOT NULL,
	officer TEXT NOT NULL,
	issued_on TEXT NOT NULL,
	township TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX police_equipment_officer ON police_equipment(officer);
CREATE INDEX police_equipment_district ON police_equipment(district, township);

CREATE TABLE informants (
	id @ID@,
	nk TEXT NOT NULL UNIQUE,
	name_enc TEXT,
	name_idx TEXT,
	industry TEXT NOT NULL,
	phone_enc TEXT,
	phone_idx TEXT,
	officer TEXT NOT NULL,
	"from" TEXT NOT NULL,
	"to" TEXT,
	township TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX informants_officer ON informants(officer, "from");
CREATE INDEX informants_district ON informants(district, township);
CREATE INDEX informants_name ON informants(name_idx);

CREATE TABLE cadre_assignments (
	id @ID@,
	nk TEXT NOT NULL UNIQUE,
	cadre TEXT NOT NULL,
	unit TEXT NOT NULL REFERENCES departments(code),
	village TEXT NOT NULL REFERENCES regions(code),
	"from" TEXT NOT NULL,
	"to" TEXT,
	township TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX cadre_assignments_village ON cadre_assignments(village);
CREATE INDEX cadre_assignments_district ON cadre_assignments(district, township);

CREATE TABLE cadre_visits (
	id @ID@,
	no TEXT NOT NULL UNIQUE,
	cadre TEXT NOT NULL,
	village TEXT NOT NULL REFERENCES regions(code),
	visited_on TEXT NOT NULL,
	findings TEXT,
	township TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX cadre_visits_district_date ON cadre_visits(district, visited_on);

CREATE TABLE campaigns (
	id @ID@,
	no TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	kind TEXT,
	"from" TEXT NOT NULL,
	"to" TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX campaigns_district ON campaigns(district, "from");
