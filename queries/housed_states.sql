-- housed_between.sql's first half, for a store that reads a few rows better by key (PostgreSQL,
-- store_dialect.few_by_key): the states of the people housed in ($after, $until], whose names
-- housed_names_few.sql then adds. Parameters: $program, $after, $until.
SELECT s.person_id, s.record_id, s.entry_date, s.exit_date, s.attributes_upload, s.attributes_from
FROM record_states s
WHERE s.program_code = (SELECT code FROM programs WHERE program = $program)
  AND s.changed_next = DATE '9999-12-31' AND NOT s.active
  AND s.exit_rank = (SELECT tie_rank FROM event_kinds WHERE program = $program AND counts_as = 'moved_in')
  AND s.exit_date > $after AND s.exit_date <= $until;
