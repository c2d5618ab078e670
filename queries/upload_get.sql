SELECT upload_id, program, status, file_name FROM uploads WHERE upload_id = $upload_id;
