-- Ids for what an upload adds. Uploads take turns, so no one else takes these meanwhile.
-- The upload's own id comes from its sequence, through pipelines/store_dialect.py.
SELECT (SELECT coalesce(max(person_id), 0) + 1 FROM people) AS next_person_id,
       (SELECT coalesce(max(record_id), 0) + 1 FROM records) AS next_record_id;
