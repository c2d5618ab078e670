-- Who the records in the registered view `wanted` (record_id) are: Client ID, name and contact
-- worker as they stand in each record's latest state.
WITH current AS (
    SELECT s.record_id, s.person_id, s.mask_since
    FROM record_states s SEMI JOIN wanted w USING (record_id)
    WHERE s.changed_next = DATE '9999-12-31'
)
SELECT c.record_id, p.client_id, a.first_name, a.last_name, a.contact_worker
FROM current c
JOIN people p ON p.person_id = c.person_id
JOIN record_attributes a ON a.record_id = c.record_id
 AND (a.valid_from = c.mask_since OR c.mask_since = DATE '0001-01-01')
QUALIFY row_number() OVER (PARTITION BY c.record_id ORDER BY a.valid_from DESC, a.upload_id DESC) = 1;
