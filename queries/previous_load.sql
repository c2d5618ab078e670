-- The upload that loaded this file (by its bytes' sha256, or by what its rows say), if it is still loaded.
SELECT u.upload_id, u.uploaded_at
FROM loaded_files f JOIN uploads u USING (upload_id)
WHERE f.program = $program AND f.sha256 IN ($sha256, $content)
ORDER BY u.upload_id
LIMIT 1;
