-- Every column with a default is written: on PostgreSQL, DuckDB's ON CONFLICT DO UPDATE writes NULL
-- for a column left out, not its default.
INSERT INTO users (email, role, failed_attempts, created_at) VALUES ($email, $role, 0, $now)
ON CONFLICT (email) DO UPDATE SET role = excluded.role;
