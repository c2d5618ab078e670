-- People from several sources (two HMIS exports, a spreadsheet and an export): IDs are unique
-- within a source only, and people of different sources are linked when they are the same person.
ALTER TABLE uploads ADD COLUMN source VARCHAR DEFAULT '';
ALTER TABLE people ADD COLUMN source VARCHAR DEFAULT '';
-- The person everyone linked to this one counts as (the smallest person_id of the linked group);
-- NULL: counts as themself.
ALTER TABLE people ADD COLUMN counted_as INTEGER;

-- What matching across sources may compare, as each upload gave it. No SSN is kept: only a salted
-- hash of a valid one.
CREATE TABLE identities (
    person_id   INTEGER NOT NULL,
    upload_id   INTEGER NOT NULL,
    first_key   VARCHAR,
    last_key    VARCHAR,
    first_sound VARCHAR,
    last_sound  VARCHAR,
    birth_date  DATE,
    ssn_hash    VARCHAR
);

CREATE SEQUENCE link_id_seq START 1;
-- Every pair ever found: linked (two of three agreed exactly, or a data lead accepted it), pending
-- (a near match waiting for a data lead), rejected (never linked again), or undone.
CREATE TABLE person_links (
    link_id    INTEGER PRIMARY KEY DEFAULT nextval('link_id_seq'),
    program    VARCHAR NOT NULL,
    person_a   INTEGER NOT NULL,  -- the smaller person_id
    person_b   INTEGER NOT NULL,
    method     VARCHAR NOT NULL,  -- what agreed: "SSN + date of birth", "sound-alike name + date of birth"...
    score      DOUBLE NOT NULL,
    status     VARCHAR NOT NULL,  -- linked | pending | rejected | undone
    found_by   INTEGER NOT NULL,  -- the upload that found the pair
    decided_by VARCHAR,           -- who accepted, rejected or undid it; NULL when linked by the rule
    decided_at TIMESTAMP,
    UNIQUE (person_a, person_b)
);
