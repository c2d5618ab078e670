-- The people and records an extract (registered as `incoming`) already has on the list.
SELECT p.client_id, p.person_id, r.ordinal, r.record_id
FROM people p
SEMI JOIN incoming i ON i.client_id = p.client_id
LEFT JOIN records r ON r.person_id = p.person_id
WHERE p.program = $program;
