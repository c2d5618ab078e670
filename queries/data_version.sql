-- Changes whenever an upload is loaded or rolled back, a plan is saved, a setting changes, a
-- reference population is loaded, a pair of people is linked or not, or figures are submitted: pages
-- compare it to notice new data.
SELECT count(*) AS uploads, coalesce(max(upload_id), 0) AS last_upload,
    count(*) FILTER (WHERE status <> 'loaded') AS rolled_back,
    (SELECT count(*) FROM case_plans) AS plan_revisions,
    (SELECT md5(coalesce(string_agg(program || key || coalesce(value::VARCHAR, ''), '|' ORDER BY program, key), ''))
     FROM settings) AS settings,
    (SELECT max(loaded_at) FROM reference_population) AS reference_loaded,
    (SELECT max(decided_at) FROM person_links) AS pair_decided,
    (SELECT count(*) FROM submissions) AS submissions
FROM uploads;
