-- Every record of the homelessness list as Built for Zero takes it: the Client ID and the seven
-- required columns, each date as the latest extract (or meeting) gave it, the household type,
-- chronic and veteran status in force now. Nothing else: no name, birth date or SSN.
WITH current AS (
    SELECT record_id, attributes_upload, attributes_from FROM record_states
    WHERE program_code = (SELECT code FROM programs WHERE program = 'homelessness')
      AND changed_next = DATE '9999-12-31'
),
latest AS (  -- a date corrected by a later extract: the one loaded last counts
    SELECT e.record_id, e.kind, arg_max(e.event_date, (e.upload_id, e.event_date)) AS event_date
    FROM events e
    SEMI JOIN current c USING (record_id)
    WHERE e.kind IN ('identified', 'returned', 'moved_in', 'inactive')
    GROUP BY e.record_id, e.kind
),
dated AS (
    PIVOT latest ON kind IN ('identified', 'returned', 'moved_in', 'inactive')
    USING any_value(event_date) GROUP BY record_id
)
SELECT p.client_id, d.identified, d.moved_in, d.inactive, d.returned, a.household_type, a.chronic, a.veteran
FROM current c
JOIN records r ON r.record_id = c.record_id
JOIN people p ON p.person_id = r.person_id
LEFT JOIN dated d ON d.record_id = c.record_id
LEFT JOIN record_attributes a ON a.record_id = c.record_id AND a.upload_id = c.attributes_upload
                         AND a.valid_from = c.attributes_from
ORDER BY p.client_id, r.ordinal;
