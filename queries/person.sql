SELECT person_id, program, client_id FROM people WHERE person_id = $person_id;
