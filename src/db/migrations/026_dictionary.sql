-- 026_dictionary: the office's dictionary (字典管理, src/model/dict.c).
--
-- The enumerations ship in the program (src/model/enums.c); a row here is
-- the office's version of one item: its label, its order, whether it is
-- enabled, and for an item the office added to an open enumeration, the
-- item itself.  An item with no row is as shipped.  Rows are replaced,
-- never deleted (an added item is disabled, not removed: old records keep
-- its code); each change has its audit row.

CREATE TABLE dict_items (
	enum_name TEXT NOT NULL,
	code TEXT NOT NULL,
	label TEXT NOT NULL,
	sort BIGINT NOT NULL,
	enabled BIGINT NOT NULL DEFAULT 1,
	updated_at BIGINT NOT NULL,
	updated_by TEXT NOT NULL,
	PRIMARY KEY (enum_name, code)
);
