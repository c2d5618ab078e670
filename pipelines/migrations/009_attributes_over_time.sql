-- An HMIS export gives each person's household type and chronic status as they changed over time:
-- one upload may hold several rows of a record's attributes, one per day they describe (valid_from),
-- so the states name the row in force by its upload and that day.
ALTER TABLE record_states ADD COLUMN attributes_from DATE;
-- rebuilt by pipelines/store.py after this migration
DELETE FROM record_states;
