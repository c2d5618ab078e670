-- Who the records in the registered view `wanted` (record_id, person_id, attributes_upload,
-- attributes_from: rows of the active list) are: Client ID, name and contact worker from the attributes in force.
SELECT w.record_id, p.client_id, a.first_name, a.last_name, a.contact_worker
FROM wanted w
JOIN records r ON r.record_id = w.record_id  -- the record's own Client ID, whoever it is counted as
JOIN people p ON p.person_id = r.person_id
JOIN record_attributes a ON a.record_id = w.record_id AND a.upload_id = w.attributes_upload
                         AND a.valid_from = w.attributes_from;
