INSERT INTO users (email, role, created_at) VALUES ($email, $role, $now)
ON CONFLICT (email) DO UPDATE SET role = excluded.role;
