-- A person's records, and those of whoever is linked to them from another source, with their
-- current state, newest entry first. Parameter: $person_id (as the list counts them).
SELECT r.record_id, r.ordinal, s.active, s.entry_date, ek.kind AS entry_kind, s.exit_date, xk.kind AS exit_kind
FROM records r
JOIN record_states s ON s.record_id = r.record_id AND s.changed_next = DATE '9999-12-31'
JOIN event_kinds ek ON ek.program = r.program AND ek.role = 'entry' AND ek.tie_rank = s.entry_rank
LEFT JOIN event_kinds xk ON xk.program = r.program AND xk.role = 'exit' AND xk.tie_rank = s.exit_rank
WHERE r.person_id IN (SELECT person_id FROM people WHERE coalesce(counted_as, person_id) = $person_id)
ORDER BY s.entry_date DESC, r.ordinal DESC;
