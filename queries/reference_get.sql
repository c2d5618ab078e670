SELECT geography, "group", population, poverty_population, children_under_3, children_under_1, file_name, loaded_by,
    loaded_at
FROM reference_population ORDER BY geography, "group";
