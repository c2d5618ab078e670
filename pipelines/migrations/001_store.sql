-- The store: every upload, and every fact with the upload that brought it.
CREATE SEQUENCE upload_id_seq START 1;

CREATE TABLE uploads (
    upload_id      INTEGER PRIMARY KEY DEFAULT nextval('upload_id_seq'),
    file_name      VARCHAR NOT NULL,
    sha256         VARCHAR NOT NULL,
    format         VARCHAR NOT NULL,
    program        VARCHAR NOT NULL,
    uploaded_by    VARCHAR NOT NULL,
    uploaded_at    TIMESTAMP NOT NULL,
    as_of          DATE,             -- the extract's latest date: its attributes hold from then on
    rows_read      INTEGER NOT NULL,
    records_new    INTEGER,
    events_new     INTEGER,
    attributes_new INTEGER,
    status         VARCHAR NOT NULL, -- loaded | rolled back
    report         JSON,
    rolled_back_at TIMESTAMP,
    rolled_back_by VARCHAR
);

-- One row per file that is loaded now; the key makes a second copy of a file fail even when two
-- uploads of it race each other.
CREATE TABLE loaded_files (
    program   VARCHAR NOT NULL,
    sha256    VARCHAR NOT NULL,
    upload_id INTEGER NOT NULL,
    PRIMARY KEY (program, sha256)
);

-- People, records and facts carry no key indexes: building them costs more than the whole rest of
-- a large upload. Uniqueness comes from matching (pipelines/matching.py gives new rows new ids) and
-- from uploads taking turns: one writer per file, one upload at a time within a process.
CREATE TABLE people (
    person_id INTEGER NOT NULL,
    program   VARCHAR NOT NULL,
    client_id VARCHAR NOT NULL,
    first_upload_id INTEGER NOT NULL
);

CREATE TABLE records (
    record_id  INTEGER NOT NULL,
    person_id  INTEGER NOT NULL,
    program    VARCHAR NOT NULL,
    ordinal    INTEGER NOT NULL,  -- the record's place among its person's rows: 1, 2, ...
    first_upload_id INTEGER NOT NULL
);

-- Append-only: a date that a later extract overwrote stays here, so past months keep it.
CREATE TABLE events (
    record_id   INTEGER NOT NULL,
    kind        VARCHAR NOT NULL,
    event_date  DATE NOT NULL,
    upload_id   INTEGER NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);

-- A record's attributes as one extract gave them (one row per record and upload at most); a new
-- row only when something changed.
CREATE TABLE record_attributes (
    record_id        INTEGER NOT NULL,
    upload_id        INTEGER NOT NULL,
    valid_from       DATE NOT NULL,
    household_type   VARCHAR,
    veteran          BOOLEAN NOT NULL,
    chronic          BOOLEAN NOT NULL,
    race             VARCHAR,
    ethnicity        VARCHAR,
    gender           VARCHAR,
    age              INTEGER,
    assessment_score DOUBLE,
    contact_worker   VARCHAR,
    first_name       VARCHAR,
    last_name        VARCHAR,
    bnl_status       VARCHAR,
    extra            JSON,
    population_mask  INTEGER NOT NULL  -- bit n set: in the population whose sort_order is n
);

-- Each record's state from one of its facts to the next, derived from events and attributes and
-- rebuilt for the records an upload or a rollback touches. The figures read only this.
CREATE TABLE record_states (
    record_id       INTEGER NOT NULL,
    person_id       INTEGER NOT NULL,
    program_code    TINYINT NOT NULL,  -- programs.code: a small number is cheaper than the name here
    changed_on      DATE NOT NULL,
    changed_next    DATE NOT NULL,  -- the day of the next change; 9999-12-31 for the current state
    entry_date      DATE NOT NULL,
    entry_rank      TINYINT NOT NULL,  -- the entry's kind, as its tie_rank among the program's entry kinds
    exit_date       DATE,
    exit_rank       TINYINT,           -- likewise among exit kinds (numbers keep this large table cheap)
    active          BOOLEAN NOT NULL,
    population_mask INTEGER NOT NULL,
    mask_since      DATE NOT NULL,  -- the day these attributes took effect
    shared_person   BOOLEAN NOT NULL  -- the person has other records, so counts must be distinct
);

-- The program definitions, as data (pipelines/programs.py writes them).
CREATE TABLE programs (
    program VARCHAR PRIMARY KEY,
    code    TINYINT NOT NULL UNIQUE,
    label   VARCHAR NOT NULL
);

CREATE TABLE event_kinds (
    program  VARCHAR NOT NULL,
    kind     VARCHAR NOT NULL,
    label    VARCHAR NOT NULL,
    role     VARCHAR NOT NULL,  -- entry | exit
    tie_rank INTEGER NOT NULL,
    PRIMARY KEY (program, kind)
);

CREATE TABLE populations (
    program         VARCHAR NOT NULL,
    population      VARCHAR NOT NULL,
    sort_order      INTEGER NOT NULL,
    household_types VARCHAR[],  -- NULL: any household type that is present
    veteran         BOOLEAN,    -- NULL: either
    chronic         BOOLEAN,
    PRIMARY KEY (program, population)
);

CREATE TABLE settings (
    program VARCHAR NOT NULL,
    key     VARCHAR NOT NULL,
    value   JSON,
    PRIMARY KEY (program, key)
);
