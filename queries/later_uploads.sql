-- Uploads of the same program loaded after this one and still loaded.
SELECT upload_id FROM uploads
WHERE program = $program AND status = 'loaded' AND upload_id > $upload_id
ORDER BY upload_id;
