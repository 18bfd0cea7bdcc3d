-- postgresql only
-- 028_partitions: the events and the determinations partitioned by district
-- (docs/architecture.md, "Partitions").  Every row of them carries its
-- district, and every read of a district's business names it, so on
-- PostgreSQL each of these tables becomes PARTITION BY LIST (district): one
-- partition per district (<table>_<code>) and a DEFAULT one (<table>_default)
-- for a row whose district has none yet, so that no write is ever refused for
-- want of a partition.  A read within one district plans (or runs) only that
-- district's partitions.  SQLite keeps its plain tables.
--
-- A unique constraint of a partitioned table must contain the partition key,
-- so the primary keys become (id, district) and (month, subject, district),
-- and a record's number (`no`), which names it across the whole database (the
-- API, imports, references), keeps its uniqueness in <table>_keys (no,
-- district), filled by triggers: that table is also what a petition's
-- `previous` and a hazard's `inspection` reference now, and what finds the
-- partition of a number (entity_lookup_key2()).  A number never changes once
-- given (the model refuses it; the trigger too).
--
-- Partitions are made here for the districts there are, and afterwards by a
-- trigger on regions whenever a district appears, however it comes (the API,
-- an import, `gen demo`, `gen scale`'s bulk load): district_partitions().

-- The partition of table `tbl` for district `code`, unless it has one.  Rows
-- of the district already in the DEFAULT partition (PostgreSQL refuses a new
-- partition while they are there) move into it: the partition is made as a
-- plain table, the rows copied into it and deleted from DEFAULT, then it is
-- attached — no trigger sees the move, so <table>_keys, which already holds
-- their numbers, is left as it is.
CREATE FUNCTION district_partition(tbl TEXT, code TEXT) RETURNS VOID
LANGUAGE plpgsql AS $$
DECLARE
	part TEXT := tbl || '_' || code;
	dflt TEXT := tbl || '_default';
	moving BOOLEAN := FALSE;
BEGIN
	IF EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		   WHERE i.inhparent = to_regclass(quote_ident(tbl))
		   AND pg_get_expr(c.relpartbound, c.oid) = format('FOR VALUES IN (%L)', code)) THEN
		RETURN;
	END IF;
	IF to_regclass(quote_ident(dflt)) IS NOT NULL THEN
		EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE district = $1)', dflt)
			INTO moving USING code;
	END IF;
	IF NOT moving THEN
		EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES IN (%L)', part, tbl, code);
		RETURN;
	END IF;
	EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
		       part, tbl);
	EXECUTE format('INSERT INTO %I SELECT * FROM %I WHERE district = $1', part, dflt)
		USING code;
	EXECUTE format('DELETE FROM %I WHERE district = $1', dflt) USING code;
	EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES IN (%L)', tbl, part, code);
END $$;

-- The partitions of district `code` in every table partitioned by district.
CREATE FUNCTION district_partitions(code TEXT) RETURNS VOID
LANGUAGE plpgsql AS $$
DECLARE
	t TEXT;
BEGIN
	FOR t IN SELECT c.relname FROM pg_partitioned_table p
		 JOIN pg_class c ON c.oid = p.partrelid
		 JOIN pg_namespace n ON n.oid = c.relnamespace
		 WHERE n.nspname = current_schema()
		 AND pg_get_partkeydef(c.oid) = 'LIST (district)' ORDER BY 1 LOOP
		PERFORM district_partition(t, code);
	END LOOP;
END $$;

-- <table>_keys of the numbers: a new row claims its number before it is
-- stored (<table>_keys_claim(), one for each table, made below; before, so
-- that a row naming another of the same statement as its `previous` finds it
-- there).  A number of another district is a unique violation, as the unique
-- index on `no` gave before; one of the row's own district is left to the
-- table's unique (no, district) — it is also what a row moving between
-- partitions meets, its entry moved already by the BEFORE UPDATE trigger
-- below, which fires first.  A statement's deleted rows give their numbers
-- back.
CREATE FUNCTION event_keys_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('DELETE FROM %I k USING old_rows o WHERE k.no = o.no',
		       TG_TABLE_NAME || '_keys');
	RETURN NULL;
END $$;

CREATE FUNCTION event_keys_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.no IS DISTINCT FROM OLD.no THEN
		RAISE EXCEPTION 'the number of a record of % never changes', TG_ARGV[0]
			USING ERRCODE = 'integrity_constraint_violation';
	END IF;
	EXECUTE format('UPDATE %I SET district = $1 WHERE no = $2', TG_ARGV[0] || '_keys')
		USING NEW.district, OLD.no;
	RETURN NEW;
END $$;

-- Each table converted: a partitioned copy with its partitions, the rows
-- moved, the names swapped, the keys and indexes made again (from the old
-- table's own definitions), then the foreign keys — those naming an event's
-- number pointed at its <table>_keys.
DO $$
DECLARE
	events CONSTANT TEXT[] := ARRAY['petitions', 'petition_activities', 'request_letters',
		'village_records', 'inspections', 'hazards', 'accidents', 'cases', 'disputes'];
	t TEXT;
	d TEXT;
	s TEXT;
	seq TEXT;
	indexes TEXT[];
	fks TEXT[];
BEGIN
	SELECT array_agg(CASE WHEN f.confrelid::regclass::text = ANY (events)
		THEN format('ALTER TABLE %I ADD CONSTRAINT %I FOREIGN KEY (%s) REFERENCES %I (no)',
			    f.conrelid::regclass::text, f.conname,
			    (SELECT string_agg(quote_ident(a.attname), ', ') FROM pg_attribute a
			     WHERE a.attrelid = f.conrelid AND a.attnum = ANY (f.conkey)),
			    f.confrelid::regclass::text || '_keys')
		ELSE format('ALTER TABLE %I ADD CONSTRAINT %I %s', f.conrelid::regclass::text,
			    f.conname, pg_get_constraintdef(f.oid)) END)
	INTO fks FROM pg_constraint f
	WHERE f.contype = 'f' AND (f.conrelid::regclass::text = ANY (events || 'determinations'::TEXT)
				   OR f.confrelid::regclass::text = ANY (events));

	FOREACH t IN ARRAY events || 'determinations'::TEXT LOOP
		SELECT array_agg(pg_get_indexdef(i.indexrelid)) INTO indexes FROM pg_index i
		WHERE i.indrelid = t::regclass AND NOT i.indisunique;
		EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING IDENTITY '
			       'INCLUDING CONSTRAINTS) PARTITION BY LIST (district)', t || '_part', t);
		EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', t || '_default', t || '_part');
		FOR d IN SELECT code FROM regions WHERE level = 'district' ORDER BY code LOOP
			EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES IN (%L)',
				       t || '_' || d, t || '_part', d);
		END LOOP;
		EXECUTE format('INSERT INTO %I SELECT * FROM %I', t || '_part', t);
		EXECUTE format('DROP TABLE %I CASCADE', t);
		EXECUTE format('ALTER TABLE %I RENAME TO %I', t || '_part', t);
		IF t = 'determinations' THEN
			ALTER TABLE determinations ADD PRIMARY KEY (month, subject, district);
		ELSE
			seq := pg_get_serial_sequence(t, 'id');
			EXECUTE format('SELECT setval(%L, COALESCE(MAX(id), 0) + 1, false) FROM %I', seq, t);
			EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', seq, t || '_id_seq');
			EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (id, district)', t);
			EXECUTE format('ALTER TABLE %I ADD UNIQUE (no, district)', t);
			EXECUTE format('CREATE TABLE %I (no TEXT PRIMARY KEY, district TEXT NOT NULL)',
				       t || '_keys');
			EXECUTE format('INSERT INTO %I (no, district) SELECT no, district FROM %I',
				       t || '_keys', t);
			EXECUTE format($f$CREATE FUNCTION %1$I() RETURNS trigger LANGUAGE plpgsql AS $claim$
BEGIN
	INSERT INTO %2$I (no, district) VALUES (NEW.no, NEW.district) ON CONFLICT (no) DO NOTHING;
	IF NOT FOUND AND NOT EXISTS (SELECT 1 FROM %2$I WHERE no = NEW.no
				     AND district = NEW.district) THEN
		RAISE EXCEPTION 'the number %% is taken in another district', NEW.no
			USING ERRCODE = 'unique_violation';
	END IF;
	RETURN NEW;
END $claim$ $f$, t || '_keys_claim', t || '_keys');
			EXECUTE format('CREATE TRIGGER %I BEFORE INSERT ON %I FOR EACH ROW '
				       'EXECUTE FUNCTION %I()', t || '_keys_claim', t, t || '_keys_claim');
			EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS '
				       'old_rows FOR EACH STATEMENT EXECUTE FUNCTION event_keys_delete()',
				       t || '_keys_delete', t);
			EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OF no, district ON %I FOR EACH ROW '
				       'WHEN (NEW.no IS DISTINCT FROM OLD.no OR NEW.district IS DISTINCT '
				       'FROM OLD.district) EXECUTE FUNCTION event_keys_update(%L)',
				       t || '_keys_update', t, t);
		END IF;
		FOREACH s IN ARRAY COALESCE(indexes, '{}') LOOP
			EXECUTE s;
		END LOOP;
	END LOOP;
	FOREACH s IN ARRAY COALESCE(fks, '{}') LOOP
		EXECUTE s;
	END LOOP;
END $$;

-- A new district gets its partitions as its region is stored.
CREATE FUNCTION regions_district_partitions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM district_partitions(NEW.code);
	RETURN NULL;
END $$;

CREATE TRIGGER regions_district_partitions AFTER INSERT OR UPDATE OF level ON regions
	FOR EACH ROW WHEN (NEW.level = 'district') EXECUTE FUNCTION regions_district_partitions();
