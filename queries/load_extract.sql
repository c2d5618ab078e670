-- Load one validated extract (registered as the view `incoming`) inside the caller's transaction.
-- Only facts not already known are added; nothing already stored is changed.

INSERT INTO people (program, client_id, first_upload_id)
SELECT $program, i.client_id, $upload_id
FROM (SELECT DISTINCT client_id FROM incoming) i
ANTI JOIN (SELECT client_id FROM people WHERE program = $program) p USING (client_id);

INSERT INTO records (person_id, program, record_key, first_upload_id)
SELECT p.person_id, $program, i.record_key, $upload_id
FROM incoming i
JOIN people p ON p.program = $program AND p.client_id = i.client_id
ANTI JOIN (SELECT record_key FROM records WHERE program = $program) r USING (record_key);

INSERT INTO events (record_id, kind, event_date, upload_id, recorded_at)
SELECT r.record_id, u.kind, u.event_date, $upload_id, $recorded_at
FROM (
    UNPIVOT (SELECT record_key, identified, returned, moved_in, inactive FROM incoming)
    ON identified, returned, moved_in, inactive INTO NAME kind VALUE event_date
) u
JOIN records r ON r.program = $program AND r.record_key = u.record_key
ANTI JOIN events e ON e.record_id = r.record_id AND e.kind = u.kind AND e.event_date = u.event_date;

INSERT INTO record_attributes (record_id, upload_id, valid_from, household_type, veteran, chronic, race,
    ethnicity, gender, age, assessment_score, contact_worker, first_name, last_name, bnl_status, extra)
WITH latest AS (
    -- each record's attributes as they stood on this extract's date
    SELECT * FROM record_attributes
    WHERE valid_from <= $as_of
    QUALIFY row_number() OVER (PARTITION BY record_id ORDER BY valid_from DESC, attribute_id DESC) = 1
)
SELECT r.record_id, $upload_id, $as_of, i.household_type, i.veteran, i.chronic, i.race, i.ethnicity,
    i.gender, i.age, i.assessment_score, i.contact_worker, i.first_name, i.last_name, i.bnl_status,
    i.extra::JSON
FROM incoming i
JOIN records r ON r.program = $program AND r.record_key = i.record_key
LEFT JOIN latest a ON a.record_id = r.record_id
WHERE a.record_id IS NULL
   OR (i.household_type, i.veteran, i.chronic, i.race, i.ethnicity, i.gender, i.age, i.assessment_score,
       i.contact_worker, i.first_name, i.last_name, i.bnl_status, i.extra::JSON)
      IS DISTINCT FROM
      (a.household_type, a.veteran, a.chronic, a.race, a.ethnicity, a.gender, a.age, a.assessment_score,
       a.contact_worker, a.first_name, a.last_name, a.bnl_status, a.extra);
