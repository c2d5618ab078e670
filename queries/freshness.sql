-- How fresh the list is: the last upload still loaded, the day it describes, and its size.
SELECT
    (SELECT max(uploaded_at) FROM uploads WHERE program = $program AND status = 'loaded') AS last_upload,
    (SELECT max(as_of) FROM uploads WHERE program = $program AND status = 'loaded') AS as_of,
    (SELECT count(*) FROM records WHERE program = $program) AS records;
