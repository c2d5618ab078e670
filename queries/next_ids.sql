-- Ids for what an upload adds. Uploads take turns, so no one else takes these meanwhile.
SELECT nextval('upload_id_seq') AS upload_id,
       (SELECT coalesce(max(person_id), 0) + 1 FROM people) AS next_person_id,
       (SELECT coalesce(max(record_id), 0) + 1 FROM records) AS next_record_id;
