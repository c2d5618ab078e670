-- PostgreSQL only: the embedded file needs no index (DuckDB reads its columns whole, fast, and an index
-- would slow every load), but on PostgreSQL a page that names a few people would otherwise read every
-- person and every set of attributes into DuckDB (queries/list_names_few.sql, record_people.sql).
CREATE INDEX records_record_id ON records (record_id);
CREATE INDEX people_person_id ON people (person_id);
CREATE INDEX record_attributes_record_id ON record_attributes (record_id);
