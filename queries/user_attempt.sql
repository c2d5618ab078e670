-- After a sign-in attempt: count failures, and lock the account for a while after too many.
UPDATE users SET
    failed_attempts = CASE WHEN $succeeded THEN 0 ELSE failed_attempts + 1 END,
    locked_until = CASE WHEN NOT $succeeded AND failed_attempts + 1 >= $max_failures THEN $lock_until
                        ELSE locked_until END
WHERE email = $email;
