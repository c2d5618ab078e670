-- Remove exactly the facts one upload added, inside the caller's transaction.
DELETE FROM events WHERE upload_id = $upload_id;
DELETE FROM record_attributes WHERE upload_id = $upload_id;
DELETE FROM records WHERE first_upload_id = $upload_id;
DELETE FROM people WHERE first_upload_id = $upload_id;
DELETE FROM loaded_files WHERE upload_id = $upload_id;
UPDATE uploads SET status = 'rolled back', rolled_back_at = $now, rolled_back_by = $who
WHERE upload_id = $upload_id;
