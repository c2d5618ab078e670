-- The person each of a few records belongs to (its own Client ID, whoever it is counted as).
-- Parameter: $record_ids, a list.
SELECT record_id, person_id FROM records WHERE record_id IN ($record_ids);
