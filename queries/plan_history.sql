-- Every revision of a person's plan, newest first. Parameter: $person_id.
SELECT * FROM case_plans WHERE person_id = $person_id ORDER BY revision DESC;
