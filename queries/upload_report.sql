-- The validation report an upload was loaded with (JSON, as ValidationReport.to_dict wrote it).
-- Parameter: $upload_id.
SELECT file_name, report FROM uploads WHERE upload_id = $upload_id;
