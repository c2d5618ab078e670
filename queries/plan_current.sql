-- A person's plan in force (their latest revision), if any. Parameter: $person_id.
SELECT * FROM case_plans WHERE person_id = $person_id ORDER BY revision DESC LIMIT 1;
