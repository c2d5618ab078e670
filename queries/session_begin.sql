-- A sign-in begins a session. A password's browser claims its cookie for it within moments; one through an
-- identity provider is claimed at once, since the provider's own cookie is what the browser holds.
INSERT INTO browser_sessions (token_hash, email, began, last_used, expires, claimed)
VALUES ($token_hash, $email, $now, $now, $expires, $claimed);
