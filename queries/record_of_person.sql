-- A person's records with their current state, newest entry first. Parameter: $person_id.
SELECT r.record_id, r.ordinal, s.active, s.entry_date, s.entry_kind, s.exit_date, s.exit_kind
FROM records r
JOIN record_states s ON s.record_id = r.record_id AND s.changed_next = DATE '9999-12-31'
WHERE r.person_id = $person_id
ORDER BY s.entry_date DESC, r.ordinal DESC;
