-- For everyone on the active list now, the latest-loaded date of each milestone (an evaluation, an
-- IFSP meeting...) and the attributes the program's clocks need. Parameter: $program.
WITH current AS (
    SELECT s.record_id, s.attributes_upload, s.attributes_from
    FROM record_states s
    WHERE s.program_code = (SELECT code FROM programs WHERE program = $program)
      AND s.changed_next = DATE '9999-12-31' AND s.active
),
milestones AS (
    SELECT e.record_id, e.kind, arg_max(e.event_date, (e.upload_id, e.event_date)) AS event_date
    FROM events e
    SEMI JOIN current c USING (record_id)
    WHERE e.kind IN (SELECT kind FROM event_kinds WHERE program = $program AND role = 'milestone')
    GROUP BY e.record_id, e.kind
),
dated AS (
    PIVOT milestones ON kind IN ('evaluated', 'eligibility_decided', 'ifsp', 'service_start',
        'transition_steps', 'lea_notified', 'transition_conference')
    USING any_value(event_date) GROUP BY record_id
),
attributes AS (
    SELECT a.record_id, a.birth_date, a.eligible, a.exceptional FROM current c
    JOIN record_attributes a ON a.record_id = c.record_id AND a.upload_id = c.attributes_upload
                         AND a.valid_from = c.attributes_from
)
SELECT c.record_id, a.birth_date, a.eligible, a.exceptional, m.evaluated, m.eligibility_decided, m.ifsp,
    m.service_start, m.transition_steps, m.lea_notified, m.transition_conference
FROM current c
LEFT JOIN attributes a USING (record_id)
LEFT JOIN dated m USING (record_id);
