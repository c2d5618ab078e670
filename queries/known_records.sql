-- The people and records already on the list for the Client IDs registered as `incoming_people`:
-- a Client ID is one person within its source only.
SELECT p.client_id, p.person_id, r.ordinal, r.record_id
FROM people p
SEMI JOIN incoming_people i ON i.client_id = p.client_id
LEFT JOIN records r ON r.person_id = p.person_id
WHERE p.program = $program AND p.source = $source;
