-- A password sign-in begins a session; the browser claims its cookie for it within moments.
INSERT INTO browser_sessions (token_hash, email, began, last_used, expires)
VALUES ($token_hash, $email, $now, $now, $expires);
