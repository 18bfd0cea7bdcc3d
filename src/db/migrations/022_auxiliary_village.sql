-- 022_auxiliary_village: the village of a village auxiliary officer's account
-- (驻村辅警, issue 15).  An account of role `grid` names either a grid (a grid
-- worker: its grid) or a village (an auxiliary officer: every grid under its
-- village); src/model/scope.c reads it, src/model/entities.c checks it.
ALTER TABLE users ADD COLUMN village TEXT REFERENCES regions(code);
