INSERT INTO settings VALUES ($program, $key, $value)
ON CONFLICT (program, key) DO UPDATE SET value = excluded.value;
