-- How fresh the list is: the last upload still loaded, the day it describes, the first day anyone
-- was on the list, and its size.
SELECT
    (SELECT max(uploaded_at) FROM uploads WHERE program = $program AND status = 'loaded') AS last_upload,
    (SELECT max(as_of) FROM uploads WHERE program = $program AND status = 'loaded') AS as_of,
    (SELECT min(changed_on) FROM record_states
     WHERE program_code = (SELECT code FROM programs WHERE program = $program)) AS first_day,
    (SELECT count(*) FROM records WHERE program = $program) AS records;
