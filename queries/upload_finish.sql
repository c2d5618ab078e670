-- What an upload added (counted as load_extract wrote it), recorded inside its transaction.
UPDATE uploads SET records_new = $records, events_new = $events, attributes_new = $attributes
WHERE upload_id = $upload_id;

SELECT records_new AS records, events_new AS events, attributes_new AS attributes
FROM uploads WHERE upload_id = $upload_id;
