-- Remove exactly the facts one upload added, inside the caller's transaction, and list in `touched`
-- the records whose states must then be rebuilt.
CREATE OR REPLACE TEMPORARY TABLE touched AS
SELECT record_id FROM records
WHERE person_id IN (
    SELECT r.person_id FROM records r
    WHERE r.record_id IN (
        SELECT record_id FROM events WHERE upload_id = $upload_id
        UNION
        SELECT record_id FROM record_attributes WHERE upload_id = $upload_id
    )
);
DELETE FROM record_states WHERE record_id IN (SELECT record_id FROM touched);
DELETE FROM events WHERE upload_id = $upload_id;
DELETE FROM record_attributes WHERE upload_id = $upload_id;
DELETE FROM records WHERE first_upload_id = $upload_id;
DELETE FROM touched WHERE record_id NOT IN (SELECT record_id FROM records);
DELETE FROM identities WHERE upload_id = $upload_id;
DELETE FROM person_links WHERE found_by = $upload_id
   OR person_a IN (SELECT person_id FROM people WHERE first_upload_id = $upload_id)
   OR person_b IN (SELECT person_id FROM people WHERE first_upload_id = $upload_id);
DELETE FROM people WHERE first_upload_id = $upload_id;
DELETE FROM loaded_files WHERE upload_id = $upload_id;
UPDATE uploads SET status = 'rolled back', rolled_back_at = $now, rolled_back_by = $who
WHERE upload_id = $upload_id;
