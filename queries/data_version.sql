-- Changes whenever an upload is loaded or rolled back, or a plan is saved: pages compare it to
-- notice new data.
SELECT count(*) AS uploads, coalesce(max(upload_id), 0) AS last_upload,
    count(*) FILTER (WHERE status <> 'loaded') AS rolled_back,
    (SELECT count(*) FROM case_plans) AS plan_revisions
FROM uploads;
