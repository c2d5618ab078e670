-- The upload that loaded this exact file (by its sha256), if it is still loaded.
SELECT u.upload_id, u.uploaded_at
FROM loaded_files f JOIN uploads u USING (upload_id)
WHERE f.program = $program AND f.sha256 = $sha256;
