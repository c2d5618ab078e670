-- Every record on the list as it stood at the end of $day: its entry and exit as the states give
-- them, the latest date loaded for each milestone seen by that day (a referral's evaluation, IFSP
-- meeting...), and the attributes in force. Parameters: $program, $day.
WITH kinds AS (
    SELECT kind, role, tie_rank, counts_as FROM event_kinds WHERE program = $program
),
at_day AS (
    SELECT s.record_id, s.person_id, s.entry_date, s.entry_rank, s.exit_date, s.exit_rank, s.active, s.attributes_upload,
        s.attributes_from
    FROM record_states s
    WHERE s.program_code = (SELECT code FROM programs WHERE program = $program)
      AND s.changed_on <= $day AND s.changed_next > $day
),
milestones AS (
    -- a milestone date corrected by a later extract: the one loaded last counts
    SELECT e.record_id, e.kind, arg_max(e.event_date, (e.upload_id, e.event_date)) AS event_date
    FROM events e
    SEMI JOIN at_day d USING (record_id)
    WHERE e.kind IN (SELECT kind FROM kinds WHERE role = 'milestone') AND e.seen_from <= $day
    GROUP BY e.record_id, e.kind
),
dated AS (
    PIVOT milestones ON kind IN ('evaluated', 'eligibility_decided', 'ifsp', 'service_start',
        'transition_steps', 'lea_notified', 'sea_notified', 'transition_conference')
    USING any_value(event_date) GROUP BY record_id
),
attributes AS (
    SELECT a.* FROM at_day d
    JOIN record_attributes a ON a.record_id = d.record_id AND a.upload_id = d.attributes_upload
                         AND a.valid_from = d.attributes_from
)
SELECT d.record_id, d.person_id, p.client_id, d.entry_date AS referred, d.active,
    ek.counts_as AS entry_counts_as, d.exit_date AS latest_exit, xk.counts_as AS exit_counts_as,
    CASE WHEN d.active THEN NULL ELSE d.exit_date END AS exited,
    CASE WHEN d.active THEN NULL ELSE xk.kind END AS exit_kind,
    m.evaluated, m.eligibility_decided, m.ifsp, m.service_start, m.transition_steps, m.lea_notified,
    m.sea_notified, m.transition_conference,
    a.first_name, a.last_name, a.birth_date, a.gender AS sex, a.race, a.hispanic, a.zip, a.neighborhood,
    a.referral_source,
    -- a child is found eligible or not from the day of the decision, not before
    CASE WHEN a.eligible_on IS NULL OR a.eligible_on <= $day THEN a.eligible END AS eligible, a.exceptional,
    -- a reason is known once the child has exited, and not before the exit it was given with
    CASE WHEN NOT d.active AND (a.exit_reason_on IS NULL OR a.exit_reason_on <= $day) THEN a.exit_reason END
        AS exit_reason,
    a.part_b_potential, a.conference_declined, a.contact_worker AS service_coordinator,
    a.ethnicity, a.age, a.household_type, a.veteran, a.chronic
FROM at_day d
JOIN people p ON p.person_id = d.person_id
JOIN kinds ek ON ek.role = 'entry' AND ek.tie_rank = d.entry_rank
LEFT JOIN kinds xk ON xk.role = 'exit' AND xk.tie_rank = d.exit_rank
LEFT JOIN dated m ON m.record_id = d.record_id
LEFT JOIN attributes a ON a.record_id = d.record_id
ORDER BY d.record_id;
