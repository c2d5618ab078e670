-- Replace the reference population with the rows registered as `reference_rows`, inside the
-- caller's transaction. Parameters: $file_name, $who, $now.
DELETE FROM reference_population;
INSERT INTO reference_population (geography, "group", population, poverty_population, children_under_3,
    children_under_1, file_name, loaded_by, loaded_at)
SELECT geography, "group", population, poverty_population, children_under_3, children_under_1, $file_name, $who, $now
FROM reference_rows;
