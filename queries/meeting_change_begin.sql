-- A status change decided in the case conference is a fact like an uploaded one; its source is an
-- upload row of its own (format "case conference") naming who recorded it.
INSERT INTO uploads (upload_id, file_name, sha256, format, program, uploaded_by, uploaded_at, as_of, rows_read,
    status, report)
VALUES ($upload_id, $description, '', 'case conference', $program, $who, $now, $as_of, 1, 'loaded', NULL);

-- the record is on the list already, so the fact is seen from its own date
INSERT INTO events (record_id, kind, event_date, upload_id, recorded_at, note, seen_from)
SELECT $record_id, $kind, $event_date, $upload_id, $now, $note, $event_date
WHERE NOT EXISTS (SELECT 1 FROM events WHERE record_id = $record_id AND kind = $kind AND event_date = $event_date);

-- only this record's states change (its person keeps the same records)
CREATE OR REPLACE TEMPORARY TABLE touched AS SELECT $record_id::INTEGER AS record_id;

UPDATE uploads SET events_new = (SELECT count(*) FROM events WHERE upload_id = $upload_id), records_new = 0,
    attributes_new = 0
WHERE upload_id = $upload_id;
