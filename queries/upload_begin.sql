-- Record an upload and claim its file inside the caller's transaction. The key on loaded_files
-- makes a racing upload of the same file fail here, before anything else is written.
INSERT INTO uploads (upload_id, file_name, sha256, format, program, uploaded_by, uploaded_at, as_of, rows_read,
    status, report, source)
VALUES ($upload_id, $file_name, $sha256, $format, $program, $who, $now, $as_of, $rows_read, 'loaded', $report,
    $source);

INSERT INTO loaded_files VALUES ($program, $sha256, $upload_id);
