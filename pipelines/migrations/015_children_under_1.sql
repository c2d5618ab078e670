-- OSEP's indicator 5 (children under 1 with an IFSP per 100 of them) needs the children under 1 of the
-- reference population; null where the uploaded table does not give them.
ALTER TABLE reference_population ADD COLUMN children_under_1 BIGINT;
