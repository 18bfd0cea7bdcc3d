-- 011_audit_keyed: the audit chain becomes keyed (src/model/audit.c).
--
-- Rows from `keyed_from` on are linked by HMAC-SHA-512-256 under a key
-- derived from the key file (outside the database) instead of plain
-- SHA-256, and the head carries a MAC of (seq, hash, keyed_from), so that
-- nobody without the key file can recompute the chain or move its head.
--
-- Carrying an existing chain over: its rows keep their SHA-256 links, and
-- `keyed_from` records the switch-over point, the first row after them.
-- The migration's step in C (audit_migrate(), which has the key) verifies
-- the old chain as it is, MACs the head, and appends the keyed row
-- "audit.keyed" that links to the last old row, so that editing any old row
-- breaks the chain there; its outcome says whether the old chain was intact.
-- A fresh database has keyed_from = 1: every row is keyed.

ALTER TABLE audit_head ADD COLUMN keyed_from BIGINT;
ALTER TABLE audit_head ADD COLUMN mac TEXT;
UPDATE audit_head SET keyed_from = seq + 1;
