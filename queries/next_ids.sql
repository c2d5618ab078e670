SELECT (SELECT coalesce(max(person_id), 0) + 1 FROM people) AS next_person_id,
       (SELECT coalesce(max(record_id), 0) + 1 FROM records) AS next_record_id;
