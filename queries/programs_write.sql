-- Write the program definitions (registered as program_rows, kind_rows, population_rows and
-- setting_rows by pipelines/store.py) inside the caller's transaction. Settings already chosen stay.
INSERT INTO programs SELECT * FROM program_rows ON CONFLICT (program) DO UPDATE SET label = excluded.label;
DELETE FROM event_kinds WHERE program IN (SELECT program FROM program_rows);
INSERT INTO event_kinds SELECT * FROM kind_rows;
DELETE FROM populations WHERE program IN (SELECT program FROM program_rows);
INSERT INTO populations SELECT * FROM population_rows;
INSERT INTO settings SELECT program, key, value::JSON FROM setting_rows ON CONFLICT DO NOTHING;
