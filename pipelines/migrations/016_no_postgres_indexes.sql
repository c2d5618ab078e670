-- PostgreSQL only: the indexes of 013 served pages that named a few people by reading the store itself.
-- Pages now read their server's copy of the data version (store.reading), and keeping the three indexes
-- cost every upload of 1,000,000 records two to three seconds. What still fetches a few rows by key from
-- the store (the command line) has PostgreSQL read the table once, sending only the rows asked for.
DROP INDEX IF EXISTS records_record_id;
DROP INDEX IF EXISTS people_person_id;
DROP INDEX IF EXISTS record_attributes_record_id;
