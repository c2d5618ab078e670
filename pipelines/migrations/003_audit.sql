-- Who did what, and who looked at whom: every write, every view of a person's record, every export.
CREATE SEQUENCE audit_id_seq START 1;
CREATE TABLE audit_log (
    audit_id  BIGINT PRIMARY KEY DEFAULT nextval('audit_id_seq'),
    happened_at TIMESTAMP NOT NULL,
    who       VARCHAR NOT NULL,
    action    VARCHAR NOT NULL,  -- upload, rollback, plan saved, status recorded, person viewed, export...
    subject   VARCHAR,           -- what it was about: an upload id, a person's Client ID, a file name
    detail    VARCHAR
);
