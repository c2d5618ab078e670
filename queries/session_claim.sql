-- The cookie is handed out once, soon after the sign-in that began the session.
UPDATE browser_sessions SET claimed = TRUE
WHERE token_hash = $token_hash AND NOT claimed AND ended IS NULL AND began >= $claimable_since;
