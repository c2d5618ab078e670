SELECT email, role, password_hash FROM users WHERE email = $email;
