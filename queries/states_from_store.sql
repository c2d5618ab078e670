-- No upload's own rows: queries/refresh_states.sql reads every fact from the store.
CREATE OR REPLACE TEMPORARY TABLE upload_events AS
SELECT NULL::INTEGER AS record_id, NULL::VARCHAR AS kind, NULL::DATE AS event_date, NULL::DATE AS seen_from
WHERE false;

CREATE OR REPLACE TEMPORARY TABLE upload_attributes AS
SELECT NULL::INTEGER AS record_id, NULL::DATE AS valid_from, NULL::DATE AS seen_from,
    NULL::INTEGER AS population_mask
WHERE false;

CREATE OR REPLACE TEMPORARY TABLE upload_records AS
SELECT NULL::INTEGER AS record_id, NULL::INTEGER AS person_id
WHERE false;

CREATE OR REPLACE TEMPORARY TABLE upload_people AS
SELECT NULL::INTEGER AS person_id, NULL::VARCHAR AS program, NULL::INTEGER AS counted_as
WHERE false;
