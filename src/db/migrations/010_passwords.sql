-- 010_passwords: the password history of each account, and login delays per
-- name and source (src/model/session.c).
--
-- password_history keeps the argon2id hashes of an account's previous
-- passwords (the current one is users.pw_hash), the newest four, so that a
-- new password can be refused when it is one of the last five.
--
-- login_throttle counts failed logins (and wrong old passwords on a change)
-- per name and client address, and per name from all addresses
-- (source '*'): past a number of failures, each further attempt from there
-- must wait a delay that doubles, up to a cap.  Names that are no account
-- are counted in the same rows, so a delay does not tell which names are
-- accounts; it replaces login_failures (009), whose hard lock any stranger
-- could put on any account.  users.failed_count and users.locked_until now
-- only mirror the account's counters for the security administrator.

CREATE TABLE password_history (
	id @ID@,
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	pw_hash TEXT NOT NULL,
	replaced_at BIGINT NOT NULL
);
CREATE INDEX password_history_user ON password_history(user_id, id);

CREATE TABLE login_throttle (
	username TEXT NOT NULL,
	source TEXT NOT NULL,
	failed_count BIGINT NOT NULL DEFAULT 0,
	retry_at BIGINT NOT NULL DEFAULT 0,
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (username, source)
);
CREATE INDEX login_throttle_updated ON login_throttle(updated_at);

DROP TABLE login_failures;
