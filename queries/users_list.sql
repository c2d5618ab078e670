SELECT email, role, password_hash IS NOT NULL AS has_password, failed_attempts, locked_until, created_at
FROM users ORDER BY role, email;
