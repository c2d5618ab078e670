-- The records whose states must be rebuilt: the new ones, the known ones this upload added facts
-- to, and the other records of the people they belong to (whether a person has several records
-- changes how they count). Ids from $first_new_record_id and $first_new_person_id on are new. Run by
-- pipelines/record_states.py after queries/load_extract.sql, while the upload's rows are registered.
CREATE OR REPLACE TEMPORARY TABLE touched AS
WITH changed AS (
    SELECT record_id, person_id FROM incoming WHERE new_record
    UNION ALL
    SELECT record_id, person_id FROM incoming
    WHERE NOT new_record AND record_id IN (
        SELECT record_id FROM events WHERE upload_id = $upload_id AND record_id < $first_new_record_id
        UNION ALL
        SELECT record_id FROM record_attributes WHERE upload_id = $upload_id AND record_id < $first_new_record_id
    )
)
SELECT record_id FROM changed
UNION ALL
SELECT r.record_id FROM records r
SEMI JOIN (SELECT person_id FROM changed WHERE person_id < $first_new_person_id) p USING (person_id)
ANTI JOIN changed c USING (record_id)
WHERE r.person_id < $first_new_person_id;  -- said again for PostgreSQL, which is sent this filter and not the join
