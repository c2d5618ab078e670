-- Early Intervention on the same engine: what each kind counts as in the flow figures, and the
-- referral's own facts beside the homelessness list's.
ALTER TABLE event_kinds ADD COLUMN counts_as VARCHAR;  -- identified | returned | moved_in | inactive | NULL

ALTER TABLE record_attributes ADD COLUMN birth_date DATE;
ALTER TABLE record_attributes ADD COLUMN hispanic BOOLEAN;
ALTER TABLE record_attributes ADD COLUMN zip VARCHAR;
ALTER TABLE record_attributes ADD COLUMN neighborhood VARCHAR;
ALTER TABLE record_attributes ADD COLUMN referral_source VARCHAR;
ALTER TABLE record_attributes ADD COLUMN eligible BOOLEAN;
ALTER TABLE record_attributes ADD COLUMN exceptional BOOLEAN;
ALTER TABLE record_attributes ADD COLUMN exit_reason TINYINT;  -- the federal Part C exit category, 1-10

-- The population the equity page compares against, as the data lead last uploaded it (a new
-- upload replaces it whole).
CREATE TABLE reference_population (
    geography          VARCHAR NOT NULL,
    "group"            VARCHAR NOT NULL,
    population         BIGINT NOT NULL,
    poverty_population BIGINT,
    children_under_3   BIGINT,
    file_name          VARCHAR NOT NULL,
    loaded_by          VARCHAR NOT NULL,
    loaded_at          TIMESTAMP NOT NULL,
    PRIMARY KEY (geography, "group")
);
