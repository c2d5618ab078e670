-- Record an upload and claim its file inside the caller's transaction: by its bytes and by what its
-- rows say (the same rows in another order or with other line endings). The key on loaded_files makes a
-- racing upload of the same file fail here, before anything else is written.
INSERT INTO uploads (upload_id, file_name, sha256, format, program, uploaded_by, uploaded_at, as_of, rows_read,
    status, report, source)
VALUES ($upload_id, $file_name, $sha256, $format, $program, $who, $now, $as_of, $rows_read, 'loaded', $report,
    $source);

INSERT INTO loaded_files
SELECT $program, digest, $upload_id FROM (SELECT unnest([$sha256, $content]) AS digest) WHERE digest IS NOT NULL;
