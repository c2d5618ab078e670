-- The facts of the people and records an upload adds, for queries/refresh_states.sql, read from the
-- upload's own rows (`incoming_events`; `incoming_new`, the new records' rows of `incoming`; the `masks` of
-- queries/load_extract.sql, which writes every one of these rows) instead of back from the store: on
-- PostgreSQL that would carry every row just written back across. Tables, not views: DuckDB cannot hand
-- a join's filter to a scan of a registered frame.
CREATE OR REPLACE TEMPORARY TABLE upload_events AS
SELECT record_id, kind, event_date, seen_from FROM incoming_events WHERE new_record;

CREATE OR REPLACE TEMPORARY TABLE upload_attributes AS
SELECT i.record_id, i.valid_from, i.seen_from, m.population_mask
FROM incoming_new i
JOIN masks m ON m.household_type IS NOT DISTINCT FROM i.household_type
            AND m.veteran = i.veteran AND m.chronic = i.chronic;

CREATE OR REPLACE TEMPORARY TABLE upload_records AS
SELECT DISTINCT record_id, person_id FROM incoming_new;

-- (counted as themselves: an upload that links people across sources derives the states from the store)
CREATE OR REPLACE TEMPORARY TABLE upload_people AS
SELECT DISTINCT person_id, $program AS program, NULL::INTEGER AS counted_as FROM incoming_new WHERE new_person;
