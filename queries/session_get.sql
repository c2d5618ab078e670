-- A session as a reload finds it, with the account's role as it is now (NULL if the account is gone).
SELECT s.email, u.role, s.last_used, s.expires, s.claimed, s.ended
FROM browser_sessions s LEFT JOIN users u ON u.email = s.email
WHERE s.token_hash = $token_hash;
