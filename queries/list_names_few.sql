-- list_names.sql for a few records (a page's rows): the records' own people registered as `owners`
-- (record_people.sql), the records and people named as lists, so that on PostgreSQL only their rows
-- are sent back rather than every person and every set of attributes. Parameters: $record_ids,
-- $person_ids (lists).
SELECT w.record_id, p.client_id, a.first_name, a.last_name, a.contact_worker
FROM wanted w
JOIN owners o ON o.record_id = w.record_id
JOIN people p ON p.person_id = o.person_id
JOIN record_attributes a ON a.record_id = w.record_id AND a.upload_id = w.attributes_upload
                         AND a.valid_from = w.attributes_from
WHERE p.person_id IN ($person_ids) AND a.record_id IN ($record_ids);
