-- Who may sign in, and what they may see. Passwords are kept only as Argon2 hashes.
CREATE TABLE users (
    email           VARCHAR PRIMARY KEY,
    role            VARCHAR NOT NULL,  -- admin | data lead | case team | funder
    password_hash   VARCHAR,           -- NULL until a password is set
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TIMESTAMP,
    created_at      TIMESTAMP NOT NULL
);
