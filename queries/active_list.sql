-- Everyone on the active list now (the latest state of each person's records), with what triage
-- and the case conference need to order and sort them. Names come separately (list_names.sql) for
-- the rows a page shows: fetching them for all of a large list costs more than the rest.
-- Parameter: $program.
WITH kinds AS (
    SELECT kind, role, tie_rank, label, counts_as FROM event_kinds WHERE program = $program
),
live AS (
    SELECT s.record_id, s.person_id, s.entry_date, s.entry_rank, s.exit_date, s.exit_rank, s.attributes_upload,
        s.attributes_from, s.shared_person
    FROM record_states s
    WHERE s.program_code = (SELECT code FROM programs WHERE program = $program)
      AND s.changed_next = DATE '9999-12-31' AND s.active
),
current AS (
    -- One row per person: a person with several active records (two rows of one list, or records
    -- from two sources linked as one person) is shown by the record with the latest entry.
    SELECT * EXCLUDE (shared_person) FROM live WHERE NOT shared_person
    UNION ALL
    SELECT * EXCLUDE (shared_person) FROM live WHERE shared_person
    QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY entry_date DESC, record_id DESC) = 1
),
attributes AS (  -- the attributes in force now
    SELECT a.* FROM current c
    JOIN record_attributes a ON a.record_id = c.record_id AND a.upload_id = c.attributes_upload
                         AND a.valid_from = c.attributes_from
),
back_again AS (
    -- Active records whose latest entry is a return: the day they were first identified (a return
    -- typed before it does not count earlier). For everyone else it is their entry date.
    SELECT e.record_id, min(e.event_date) AS identified
    FROM events e
    JOIN current c ON c.record_id = e.record_id
     AND c.entry_rank <> (SELECT min(tie_rank) FROM kinds WHERE role = 'entry')
    WHERE e.kind IN (SELECT kind FROM kinds WHERE counts_as = 'identified')
    GROUP BY e.record_id
)
SELECT c.record_id, c.person_id, c.attributes_upload, c.attributes_from,
    a.household_type, a.veteran, a.chronic, a.assessment_score, a.age, a.prioritized, a.assessed_on, a.referral,
    coalesce(b.identified, c.entry_date) AS identified, c.entry_date, ek.kind AS entry_kind, c.exit_date,
    xk.kind AS exit_kind,
    -- an active record's latest dated event is the entry that put it on the list
    ek.label AS last_event, c.entry_date AS last_event_date
FROM current c
JOIN kinds ek ON ek.role = 'entry' AND ek.tie_rank = c.entry_rank
LEFT JOIN kinds xk ON xk.role = 'exit' AND xk.tie_rank = c.exit_rank
LEFT JOIN attributes a ON a.record_id = c.record_id
LEFT JOIN back_again b ON b.record_id = c.record_id;
