SELECT p.person_id, p.client_id FROM records r JOIN people p USING (person_id) WHERE r.record_id = $record_id;
