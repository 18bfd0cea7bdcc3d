-- 029_exchange: upward reporting (逐级上报) between deployments
-- (src/cli/exchange.c, src/assess/external.c).
--
-- exchange_districts: the districts that run a deployment of their own and
--   report to this one (a city's or a province's), each with the Ed25519
--   public key its packages must be signed with (64 hex characters).  Such
--   a district is *external*: its region is here, its data is not, so its
--   determinations and figure cells are never computed here — they are
--   what its packages say.
-- exchange_packages: every package imported, kept as received (the signed
--   payload's exact text and its signature), never deleted: a month
--   published again at the district (a higher publication) replaces what
--   the figures read, and both packages stay here, their hashes in the
--   audit log.  `sha256` is the payload's.

CREATE TABLE exchange_districts (
	district TEXT PRIMARY KEY REFERENCES regions(code),
	public_key TEXT NOT NULL,
	registered_at BIGINT NOT NULL,
	registered_by TEXT NOT NULL
);

CREATE TABLE exchange_packages (
	id @ID@,
	district TEXT NOT NULL REFERENCES exchange_districts(district),
	month TEXT NOT NULL,
	publication BIGINT NOT NULL,
	published_at TEXT NOT NULL,
	sha256 TEXT NOT NULL UNIQUE,
	payload TEXT NOT NULL,
	signature TEXT NOT NULL,
	imported_at BIGINT NOT NULL,
	imported_by TEXT NOT NULL,
	UNIQUE (district, month, publication)
);
