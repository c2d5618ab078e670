-- housed_between.sql's second half: the states registered as `housed` (housed_states.sql) with their
-- people and attributes, read by key ($person_ids, $record_ids: lists), in the same columns and order.
SELECT h.person_id, h.record_id, p.client_id, h.entry_date, h.exit_date, a.first_name, a.last_name,
    a.household_type, a.contact_worker, a.exit_reason
FROM housed h
JOIN people p ON p.person_id = h.person_id
LEFT JOIN (SELECT * FROM record_attributes WHERE record_id IN ($record_ids)) a
       ON a.record_id = h.record_id AND a.upload_id = h.attributes_upload AND a.valid_from = h.attributes_from
WHERE p.person_id IN ($person_ids)
ORDER BY h.exit_date, p.client_id;
