-- Every upload, newest first; on_behalf_of is the `--who` a command-line upload was given, kept beside
-- uploaded_by (the login name or the signed-in user that loaded it).
SELECT u.upload_id, u.file_name, u.format, u.program, u.uploaded_by, a.on_behalf_of, u.uploaded_at, u.as_of,
    u.rows_read, u.records_new, u.events_new, u.attributes_new, u.status,
    CAST(json_extract(u.report, '$.errors') AS INTEGER) AS errors,
    CAST(json_extract(u.report, '$.warnings') AS INTEGER) AS warnings,
    u.rolled_back_at, u.rolled_back_by
FROM uploads u
LEFT JOIN (SELECT subject, any_value(on_behalf_of) AS on_behalf_of FROM audit_log
           WHERE action = 'upload' AND on_behalf_of IS NOT NULL GROUP BY subject) a
    ON a.subject = 'upload ' || u.upload_id
WHERE $program IS NULL OR u.program = $program
ORDER BY u.upload_id DESC;
