-- 030_region_accounts: the offices above the districts (issue 19).  An
-- account of role `region` belongs to the office of a city or a province
-- (a department whose region is of level city or province) and reads the
-- business data of the districts under it (src/model/scope.c); `region` is
-- that city or province, derived from its department like `district`.
ALTER TABLE users ADD COLUMN region TEXT;
