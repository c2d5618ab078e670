UPDATE users SET password_hash = $password_hash, failed_attempts = 0, locked_until = NULL WHERE email = $email;
