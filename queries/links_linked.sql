-- The pairs that make people one: linked by the rule or accepted. Parameter: $program.
SELECT person_a, person_b FROM person_links WHERE program = $program AND status = 'linked';
