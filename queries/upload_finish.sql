-- What an upload added, counted inside its transaction.
UPDATE uploads SET
    records_new = (SELECT count(*) FROM records WHERE first_upload_id = $upload_id),
    events_new = (SELECT count(*) FROM events WHERE upload_id = $upload_id),
    attributes_new = (SELECT count(*) FROM record_attributes WHERE upload_id = $upload_id)
WHERE upload_id = $upload_id;

SELECT records_new AS records, events_new AS events, attributes_new AS attributes
FROM uploads WHERE upload_id = $upload_id;
