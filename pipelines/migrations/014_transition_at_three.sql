-- OSEP's indicators 8B and 8C count only toddlers potentially eligible for Part B, and 8C leaves out a
-- conference the family declined: both are facts of the referral, known whatever day it describes. The
-- State education agency's notification is a milestone like the school district's: a new event kind,
-- written to event_kinds with the others once this migration has run.
ALTER TABLE record_attributes ADD COLUMN part_b_potential BOOLEAN;
ALTER TABLE record_attributes ADD COLUMN conference_declined BOOLEAN;
