-- Staying signed in across a reload: the browser keeps a random token in an HttpOnly cookie and the
-- store keeps only its SHA-256, so a copy of the database signs nobody in. A session ends when its
-- person signs out, sits idle too long, or its account is removed or given a new password.
CREATE TABLE browser_sessions (
    token_hash VARCHAR PRIMARY KEY,
    email      VARCHAR NOT NULL,
    began      TIMESTAMP NOT NULL,
    last_used  TIMESTAMP NOT NULL,
    expires    TIMESTAMP NOT NULL,
    claimed    BOOLEAN NOT NULL DEFAULT FALSE,  -- the cookie has been handed to a browser, once
    ended      TIMESTAMP
);
