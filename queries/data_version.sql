-- Changes whenever an upload is loaded or rolled back: pages compare it to notice new data.
SELECT count(*) AS uploads, coalesce(max(upload_id), 0) AS last_upload,
    count(*) FILTER (WHERE status <> 'loaded') AS rolled_back
FROM uploads;
