SELECT upload_id, file_name, format, program, uploaded_by, uploaded_at, as_of, rows_read, records_new,
    events_new, attributes_new, status,
    CAST(json_extract(report, '$.errors') AS INTEGER) AS errors,
    CAST(json_extract(report, '$.warnings') AS INTEGER) AS warnings,
    rolled_back_at, rolled_back_by
FROM uploads
WHERE $program IS NULL OR program = $program
ORDER BY upload_id DESC;
