-- Everyone on the active list now (the latest state of each record), with what triage and the case
-- conference need about them. Parameter: $program.
WITH kinds AS (
    SELECT kind, role, tie_rank, label FROM event_kinds WHERE program = $program
),
current AS (
    SELECT s.record_id, s.person_id, s.entry_date, ek.kind AS entry_kind, s.exit_date, xk.kind AS exit_kind
    FROM record_states s
    JOIN kinds ek ON ek.role = 'entry' AND ek.tie_rank = s.entry_rank
    LEFT JOIN kinds xk ON xk.role = 'exit' AND xk.tie_rank = s.exit_rank
    WHERE s.program_code = (SELECT code FROM programs WHERE program = $program)
      AND s.changed_next = DATE '9999-12-31' AND s.active
),
back_again AS (
    -- Active records whose latest entry is a return: the day they were first identified. For
    -- everyone else it is their entry date.
    SELECT e.record_id, min(e.event_date) AS identified
    FROM events e
    SEMI JOIN (
        SELECT record_id FROM current
        WHERE entry_kind <> (SELECT kind FROM kinds WHERE role = 'entry' ORDER BY tie_rank LIMIT 1)
    ) USING (record_id)
    WHERE e.kind IN (SELECT kind FROM kinds WHERE role = 'entry')
    GROUP BY e.record_id
),
in_force AS (
    -- which attributes are in force now: the latest extract's, and of two on one day the later upload's
    SELECT record_id, max((valid_from - DATE '0001-01-01')::BIGINT * 16777216 + upload_id) AS latest
    FROM record_attributes
    SEMI JOIN current USING (record_id)
    GROUP BY record_id
),
attributes AS (
    SELECT a.*
    FROM record_attributes a
    JOIN in_force f ON f.record_id = a.record_id
     AND f.latest = (a.valid_from - DATE '0001-01-01')::BIGINT * 16777216 + a.upload_id
)
SELECT c.record_id, c.person_id, p.client_id, r.ordinal,
    a.first_name, a.last_name, a.household_type, a.veteran, a.chronic, a.assessment_score, a.age,
    a.contact_worker,
    coalesce(b.identified, c.entry_date) AS identified, c.entry_date, c.entry_kind, c.exit_date, c.exit_kind,
    -- an active record's latest dated event is the entry that put it on the list
    k.label AS last_event, c.entry_date AS last_event_date
FROM current c
JOIN (SELECT record_id, ordinal FROM records SEMI JOIN current USING (record_id)) r USING (record_id)
JOIN (SELECT person_id, client_id FROM people SEMI JOIN current USING (person_id)) p USING (person_id)
JOIN kinds k ON k.kind = c.entry_kind
LEFT JOIN attributes a USING (record_id)
LEFT JOIN back_again b USING (record_id);
