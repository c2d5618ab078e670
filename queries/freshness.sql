-- How fresh the list is: the last upload still loaded, the day it describes, and its size. A record
-- is added only by an upload (its records_new) and removed only when that upload is rolled back, so
-- the size is read from the uploads rather than by counting the records (on PostgreSQL, counting
-- them reads the whole table into DuckDB).
SELECT max(uploaded_at) AS last_upload, max(as_of) AS as_of, coalesce(sum(records_new), 0)::BIGINT AS records
FROM uploads
WHERE program = $program AND status = 'loaded';
