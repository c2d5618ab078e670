-- Every open session of an account: its access was taken away or its password changed.
UPDATE browser_sessions SET ended = $now WHERE email = $email AND ended IS NULL;
