-- Everything known about one person, and whoever is linked to them from another source, oldest
-- first: each dated fact and each change of their attributes, with the upload that brought it.
-- Parameter: $person_id (as the list counts them).
SELECT e.event_date AS day, r.ordinal, k.label AS what, u.upload_id, u.file_name, u.uploaded_at,
    u.uploaded_by, 1 AS sort_key
FROM events e
JOIN records r USING (record_id)
JOIN event_kinds k ON k.program = r.program AND k.kind = e.kind
JOIN uploads u ON u.upload_id = e.upload_id
WHERE r.person_id IN (SELECT person_id FROM people WHERE coalesce(counted_as, person_id) = $person_id)
UNION ALL
SELECT a.valid_from, r.ordinal,
    concat_ws(', ', a.household_type, CASE WHEN a.veteran THEN 'veteran' END,
              CASE WHEN a.chronic THEN 'chronically homeless' END,
              CASE WHEN a.assessment_score IS NOT NULL THEN 'assessment score ' || printf('%g', a.assessment_score) END,
              CASE WHEN a.prioritized THEN 'on the prioritization list' WHEN NOT a.prioritized
                   THEN 'not on the prioritization list' END,
              CASE WHEN a.referral IS NOT NULL THEN 'latest referral: ' || a.referral END)
        AS what,
    u.upload_id, u.file_name, u.uploaded_at, u.uploaded_by, 2
FROM record_attributes a
JOIN records r USING (record_id)
JOIN uploads u ON u.upload_id = a.upload_id
WHERE r.person_id IN (SELECT person_id FROM people WHERE coalesce(counted_as, person_id) = $person_id)
ORDER BY day, sort_key, ordinal;
