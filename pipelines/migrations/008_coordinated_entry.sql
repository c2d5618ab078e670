-- Coordinated entry, from an HMIS export's Assessment.csv and Event.csv: whether the person is on
-- the prioritization list (their latest assessment says), when they were assessed, and their latest
-- referral with its result, in words.
ALTER TABLE record_attributes ADD COLUMN prioritized BOOLEAN;
ALTER TABLE record_attributes ADD COLUMN assessed_on DATE;
ALTER TABLE record_attributes ADD COLUMN referral VARCHAR;
