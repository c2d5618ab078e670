SELECT email, role, password_hash, failed_attempts, locked_until FROM users WHERE email = $email;
