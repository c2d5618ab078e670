-- The status changes recorded in meetings for one person (as the list counts them) that still
-- stand, newest first, so each can be undone on its own. Parameter: $person_id.
SELECT DISTINCT u.upload_id, u.file_name AS decision, u.uploaded_by, u.uploaded_at
FROM uploads u
JOIN events e ON e.upload_id = u.upload_id
JOIN records r ON r.record_id = e.record_id
WHERE u.format = 'case conference' AND u.status = 'loaded'
  AND r.person_id IN (SELECT person_id FROM people WHERE coalesce(counted_as, person_id) = $person_id)
ORDER BY u.upload_id DESC;
