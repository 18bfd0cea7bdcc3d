-- 009_login_failures: failed logins of names that are no account, counted
-- and locked like an account's (users.failed_count, users.locked_until), so
-- that a lock does not tell which names are accounts (src/model/session.c).
-- Rows idle longer than a lock are swept at each successful login.

CREATE TABLE login_failures (
	username TEXT PRIMARY KEY,
	failed_count BIGINT NOT NULL DEFAULT 0,
	locked_until BIGINT NOT NULL DEFAULT 0,
	updated_at BIGINT NOT NULL
);
CREATE INDEX login_failures_updated ON login_failures(updated_at);
