-- Whether records have no derived states (a migration that changes how they are derived empties them).
SELECT NOT EXISTS (SELECT 1 FROM record_states) AND EXISTS (SELECT 1 FROM records) AS missing;
