-- Failed password sign-ins of the last hour, by the email typed (an account or not) and by the client's
-- address: each makes the next attempt wait longer (pipelines/accounts.py). They replace the account
-- lock, which anyone could set off for any account, the only admin's included.
CREATE TABLE sign_in_failures (
    email     VARCHAR NOT NULL,
    address   VARCHAR,          -- NULL when the dashboard cannot tell (localhost, a proxy on the same machine)
    failed_at TIMESTAMP NOT NULL
);
-- Nothing reads the lock any more: no account stays locked by an attack made before.
UPDATE users SET failed_attempts = 0, locked_until = NULL;
