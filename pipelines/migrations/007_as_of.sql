-- One as-of rule (DESIGN §2.1): the list as it stood at the end of a day R holds the rows of every
-- extract whose identification is on or before R, with only their facts dated on or before R. Each
-- fact therefore carries the first day it is seen: its own date, or the identification date of the
-- row that brought it when that is later. Every figure, list and indicator reads facts through it.
ALTER TABLE events ADD COLUMN seen_from DATE;
UPDATE events e SET seen_from = greatest(e.event_date, coalesce((
    SELECT min(i.event_date) FROM events i
    JOIN records r ON r.record_id = i.record_id
    JOIN event_kinds k ON k.program = r.program AND k.kind = i.kind AND k.counts_as = 'identified'
    WHERE i.record_id = e.record_id), e.event_date));

ALTER TABLE record_attributes ADD COLUMN seen_from DATE;
UPDATE record_attributes a SET seen_from = coalesce((
    SELECT min(i.seen_from) FROM events i WHERE i.record_id = a.record_id), a.valid_from);
-- An Early Intervention eligibility result is known from its decision (or, without one, from the
-- evaluation): before that day the child is not yet found eligible or not.
ALTER TABLE record_attributes ADD COLUMN eligible_on DATE;
-- ...and an exit reason from the exit it was given with.
ALTER TABLE record_attributes ADD COLUMN exit_reason_on DATE;

-- The attributes in force, by the upload that gave them (one row per record and upload at most).
ALTER TABLE record_states ADD COLUMN attributes_upload INTEGER;
-- rebuilt by pipelines/store.py after this migration
DELETE FROM record_states;

-- Built for Zero's monthly figures as a data lead submitted them: kept as they were, so the
-- 3-month reliability compares with what was handed in and drift shows.
CREATE SEQUENCE submission_id_seq START 1;
CREATE TABLE submissions (
    submission_id INTEGER PRIMARY KEY DEFAULT nextval('submission_id_seq'),
    program       VARCHAR NOT NULL,
    month         DATE NOT NULL,   -- the month's first day
    figures       JSON NOT NULL,   -- population -> figure -> value, as submitted
    submitted_by  VARCHAR NOT NULL,
    submitted_at  TIMESTAMP NOT NULL
);
