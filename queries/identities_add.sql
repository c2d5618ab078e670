-- Keep the identities registered as `incoming_identities` (with the SSN digits, which are hashed
-- here and not kept) that differ from what each person's identity already was.
-- Parameters: $upload_id, $salt.
INSERT INTO identities
WITH hashed AS (
    SELECT person_id, first_key, last_key, first_sound, last_sound, birth_date,
        sha256($salt || ':' || ssn) AS ssn_hash
    FROM incoming_identities
)
SELECT i.person_id, $upload_id, i.first_key, i.last_key, i.first_sound, i.last_sound, i.birth_date, i.ssn_hash
FROM hashed i
ANTI JOIN identities k ON k.person_id = i.person_id
    AND k.first_key IS NOT DISTINCT FROM i.first_key AND k.last_key IS NOT DISTINCT FROM i.last_key
    AND k.birth_date IS NOT DISTINCT FROM i.birth_date AND k.ssn_hash IS NOT DISTINCT FROM i.ssn_hash;
