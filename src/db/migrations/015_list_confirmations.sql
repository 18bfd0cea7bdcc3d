-- 015_list_confirmations: the monthly confirmation of the subjects' list
-- (一月一动态, issue 14).  Each month each supervising department and each
-- township confirms that its subjects are current; the row keeps who
-- confirmed, when, and the counts the unit saw (src/model/confirm.c says how
-- they are counted).  One row per month and unit: confirming twice is
-- refused, and the unique key holds that against two requests at once.

CREATE TABLE list_confirmations (
	id @ID@,
	district TEXT NOT NULL,
	month TEXT NOT NULL,
	unit_kind TEXT NOT NULL,
	unit TEXT NOT NULL,
	confirmed_by_id BIGINT NOT NULL,
	confirmed_by TEXT NOT NULL,
	confirmed_at BIGINT NOT NULL,
	subjects BIGINT NOT NULL,
	added BIGINT NOT NULL,
	changed BIGINT NOT NULL,
	closed BIGINT NOT NULL,
	UNIQUE (month, unit_kind, unit)
);
CREATE INDEX list_confirmations_district_month ON list_confirmations(district, month);
