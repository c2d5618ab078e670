-- Everyone on the active list now (the latest state of each record), with what triage and the case
-- conference need about them. Parameter: $program.
WITH current AS (
    SELECT s.record_id, s.person_id, s.entry_date, s.entry_kind, s.exit_date, s.exit_kind
    FROM record_states s
    SEMI JOIN (SELECT record_id FROM records WHERE program = $program) USING (record_id)
    WHERE s.changed_next = DATE '9999-12-31' AND s.active
),
attributes AS (  -- the attributes in force now
    SELECT a.*
    FROM record_attributes a
    SEMI JOIN current USING (record_id)
    QUALIFY row_number() OVER (PARTITION BY a.record_id ORDER BY a.valid_from DESC, a.upload_id DESC) = 1
),
facts AS (
    SELECT e.record_id,
        min(e.event_date) FILTER (WHERE k.role = 'entry') AS identified,
        arg_max(k.label, (e.event_date - DATE '1970-01-01') * 10 + k.tie_rank) AS last_event,
        max(e.event_date) AS last_event_date
    FROM events e
    SEMI JOIN current USING (record_id)
    JOIN event_kinds k ON k.program = $program AND k.kind = e.kind
    GROUP BY e.record_id
)
SELECT c.record_id, c.person_id, p.client_id, r.ordinal,
    a.first_name, a.last_name, a.household_type, a.veteran, a.chronic, a.assessment_score, a.age,
    a.gender, a.race, a.ethnicity, a.contact_worker,
    f.identified, c.entry_date, c.entry_kind, c.exit_date, c.exit_kind, f.last_event, f.last_event_date
FROM current c
JOIN records r USING (record_id)
JOIN people p ON p.person_id = c.person_id
LEFT JOIN attributes a USING (record_id)
LEFT JOIN facts f USING (record_id);
