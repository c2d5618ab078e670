-- People whose record's latest exit is the goal's (a move-in, say) dated in ($after, $until]. Parameters: $program,
-- $after, $until.
SELECT s.person_id, s.record_id, p.client_id, s.entry_date, s.exit_date, a.first_name, a.last_name,
    a.household_type, a.contact_worker, a.exit_reason
FROM record_states s
JOIN people p ON p.person_id = s.person_id
LEFT JOIN record_attributes a ON a.record_id = s.record_id AND a.upload_id = s.attributes_upload
                         AND a.valid_from = s.attributes_from
WHERE s.program_code = (SELECT code FROM programs WHERE program = $program)
  AND s.changed_next = DATE '9999-12-31' AND NOT s.active
  AND s.exit_rank = (SELECT tie_rank FROM event_kinds WHERE program = $program AND counts_as = 'moved_in')
  AND s.exit_date > $after AND s.exit_date <= $until
ORDER BY s.exit_date, p.client_id;
