UPDATE browser_sessions SET ended = $now WHERE token_hash = $token_hash AND ended IS NULL;
