-- What the case conference decides about each person, kept as a history: every save is a new
-- revision, written with its author and time; the latest revision is the plan in force.
CREATE TABLE case_plans (
    person_id     INTEGER NOT NULL,
    revision      INTEGER NOT NULL,  -- 1, 2, ... per person; a save must name the revision it changes
    next_step     VARCHAR,
    owner         VARCHAR,
    due_date      DATE,
    barriers      VARCHAR[],
    housing_match VARCHAR,           -- none | referred | matched | moving in
    decision      VARCHAR,
    notes         VARCHAR,
    recorded_by   VARCHAR NOT NULL,
    recorded_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (person_id, revision)
);

-- Why a fact was recorded, when someone says so (an inactive date decided in the meeting: moved away).
ALTER TABLE events ADD COLUMN note VARCHAR;
