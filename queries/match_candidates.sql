-- Pairs of people from different sources of a program that share something worth comparing: the
-- SSN, an SSN one swap away, the whole name, or the date of birth with a sound-alike surname. One
-- side is in the upload's `incoming_identities` (its SSN digits still in memory, so their one-swap
-- variants can be hashed). Pairs found before are left out: a rejected or undone pair is never
-- offered or linked again. Parameters: $program, $salt.
WITH known AS (
    SELECT i.*, p.source FROM identities i JOIN people p USING (person_id) WHERE p.program = $program
    QUALIFY row_number() OVER (PARTITION BY i.person_id ORDER BY i.upload_id DESC) = 1
),
fresh AS (
    SELECT k.* FROM known k SEMI JOIN incoming_identities i USING (person_id)
),
swapped AS (  -- every SSN one swap of neighbouring digits away from an incoming one, hashed
    SELECT person_id, sha256($salt || ':' || variant) AS near_hash
    FROM (
        SELECT person_id, unnest(list_transform(range(1, 9), lambda i:
            substr(ssn, 1, i - 1) || substr(ssn, i + 1, 1) || substr(ssn, i, 1) || substr(ssn, i + 2))) AS variant,
            ssn
        FROM incoming_identities WHERE ssn IS NOT NULL
    )
    WHERE variant <> ssn
),
pairs AS (
    SELECT f.person_id AS one, k.person_id AS other, false AS near_ssn FROM fresh f JOIN known k
      ON k.ssn_hash = f.ssn_hash AND k.source <> f.source
    UNION ALL
    SELECT f.person_id, k.person_id, false FROM fresh f JOIN known k
      ON k.first_key = f.first_key AND k.last_key = f.last_key AND k.source <> f.source
    UNION ALL
    SELECT f.person_id, k.person_id, false FROM fresh f JOIN known k
      ON k.birth_date = f.birth_date AND k.last_sound = f.last_sound AND k.source <> f.source
    UNION ALL
    SELECT f.person_id, k.person_id, true FROM swapped s JOIN fresh f USING (person_id)
    JOIN known k ON k.ssn_hash = s.near_hash AND k.source <> f.source
),
ordered AS (
    SELECT least(one, other) AS person_a, greatest(one, other) AS person_b, bool_or(near_ssn) AS near_ssn
    FROM pairs GROUP BY ALL
)
SELECT o.person_a, o.person_b, o.near_ssn,
    a.first_key AS first_key_a, a.last_key AS last_key_a, a.first_sound AS first_sound_a,
    a.last_sound AS last_sound_a, a.birth_date AS birth_date_a, a.ssn_hash AS ssn_hash_a,
    b.first_key AS first_key_b, b.last_key AS last_key_b, b.first_sound AS first_sound_b,
    b.last_sound AS last_sound_b, b.birth_date AS birth_date_b, b.ssn_hash AS ssn_hash_b
FROM ordered o
JOIN known a ON a.person_id = o.person_a
JOIN known b ON b.person_id = o.person_b
ANTI JOIN person_links l ON l.person_a = o.person_a AND l.person_b = o.person_b;
