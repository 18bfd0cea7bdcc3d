-- 001_init: places, units, creation subjects, accounts, sessions, audit.
-- Portable SQL for SQLite and PostgreSQL; @ID@, @NOW@ are replaced per
-- dialect by db_migrate().  Columns of the entity tables are the keys of the
-- descriptors in src/model/entities.c (a unit test checks they agree).
-- Personal-data fields are stored as <key>_enc (AEAD) and <key>_idx (keyed
-- hash for exact search), never in clear.

CREATE TABLE regions (
	id @ID@,
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	level TEXT NOT NULL,
	parent TEXT REFERENCES regions(code),
	district TEXT,
	township TEXT,
	active BIGINT NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX regions_parent ON regions(parent);
CREATE INDEX regions_district ON regions(district, level);

CREATE TABLE departments (
	id @ID@,
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	roles TEXT NOT NULL,
	region TEXT NOT NULL REFERENCES regions(code),
	district TEXT,
	active BIGINT NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX departments_district ON departments(district);

CREATE TABLE sector_map (
	id @ID@,
	district TEXT NOT NULL REFERENCES regions(code),
	category TEXT NOT NULL,
	department TEXT REFERENCES departments(code),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1,
	UNIQUE (district, category)
);

CREATE TABLE subjects (
	id @ID@,
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	kind TEXT NOT NULL,
	category TEXT NOT NULL,
	township TEXT NOT NULL REFERENCES regions(code),
	village TEXT REFERENCES regions(code),
	grid TEXT REFERENCES regions(code),
	supervisor TEXT REFERENCES departments(code),
	address TEXT,
	lat DOUBLE PRECISION,
	lon DOUBLE PRECISION,
	contact_name TEXT,
	contact_phone_enc TEXT,
	contact_phone_idx TEXT,
	credit_code TEXT,
	active_from TEXT NOT NULL,
	active_to TEXT,
	district TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX subjects_township ON subjects(township);
CREATE INDEX subjects_supervisor ON subjects(supervisor);
CREATE INDEX subjects_grid ON subjects(grid);
CREATE INDEX subjects_district ON subjects(district, kind);
CREATE INDEX subjects_phone ON subjects(contact_phone_idx);

-- Every version of every subject: the row as it stood from `month` on.
-- The list as it stood in month X is, per subject, the version with the
-- greatest rev whose month <= X, kept when that version is on the list in X.
CREATE TABLE subjects_history (
	hid @ID@,
	id BIGINT NOT NULL,
	rev BIGINT NOT NULL,
	month TEXT NOT NULL,
	action TEXT NOT NULL,
	changed_at BIGINT NOT NULL,
	changed_by TEXT NOT NULL,
	code TEXT NOT NULL,
	name TEXT NOT NULL,
	kind TEXT NOT NULL,
	category TEXT NOT NULL,
	township TEXT NOT NULL,
	village TEXT,
	grid TEXT,
	supervisor TEXT,
	address TEXT,
	lat DOUBLE PRECISION,
	lon DOUBLE PRECISION,
	contact_name TEXT,
	contact_phone_enc TEXT,
	contact_phone_idx TEXT,
	credit_code TEXT,
	active_from TEXT NOT NULL,
	active_to TEXT,
	district TEXT NOT NULL,
	UNIQUE (id, rev)
);
CREATE INDEX subjects_history_month ON subjects_history(month, id);

CREATE TABLE users (
	id @ID@,
	username TEXT NOT NULL UNIQUE,
	display_name TEXT,
	role TEXT NOT NULL,
	department TEXT REFERENCES departments(code),
	grid TEXT REFERENCES regions(code),
	subject TEXT REFERENCES subjects(code),
	district TEXT,
	township TEXT,
	pw_hash TEXT NOT NULL,
	must_change BIGINT NOT NULL DEFAULT 1,
	failed_count BIGINT NOT NULL DEFAULT 0,
	locked_until BIGINT NOT NULL DEFAULT 0,
	pw_changed_at BIGINT NOT NULL DEFAULT 0,
	active BIGINT NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	rev BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	csrf_hash TEXT NOT NULL,
	user_id BIGINT NOT NULL REFERENCES users(id),
	created_at BIGINT NOT NULL,
	last_seen BIGINT NOT NULL,
	source TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Settings of the security administrator (password policy, session times).
CREATE TABLE settings (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL,
	updated_at BIGINT NOT NULL
);

-- The audit log: one row per write, login, export and reveal, chained by
-- hash = sha256(prev_hash | seq | at | username | action | object | outcome
-- | source | detail); audit_head holds the last link so that appends
-- serialise on one row.
CREATE TABLE audit (
	seq BIGINT PRIMARY KEY,
	at TEXT NOT NULL,
	username TEXT NOT NULL,
	action TEXT NOT NULL,
	object TEXT NOT NULL,
	outcome TEXT NOT NULL,
	source TEXT NOT NULL,
	detail TEXT NOT NULL,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX audit_at ON audit(at);
CREATE TABLE audit_head (
	id BIGINT PRIMARY KEY,
	seq BIGINT NOT NULL,
	hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
