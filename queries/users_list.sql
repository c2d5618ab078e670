SELECT email, role, password_hash IS NOT NULL AS has_password, created_at
FROM users ORDER BY role, email;
