-- The first day anyone was on the list. Parameter: $program.
SELECT min(changed_on) AS first_day FROM record_states
WHERE program_code = (SELECT code FROM programs WHERE program = $program);
