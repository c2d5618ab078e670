-- Record the pairs registered as `found_pairs` (person_a, person_b, method, score, status).
-- Parameters: $program, $upload_id.
INSERT INTO person_links (program, person_a, person_b, method, score, status, found_by)
SELECT $program, person_a, person_b, method, score, status, $upload_id FROM found_pairs;
