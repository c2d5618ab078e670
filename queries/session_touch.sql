UPDATE browser_sessions SET last_used = $now WHERE token_hash = $token_hash AND ended IS NULL;
