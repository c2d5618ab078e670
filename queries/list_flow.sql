-- The by-name list's figures for a set of periods and every population of a program
-- (DESIGN §2.1). Parameters: $program, and $starts / $ends: the first and last day of each period.
--
-- Each period is judged on the list as it stood at the end of its last day R: a record is on it once
-- it has an entry date on or before R, and only its facts dated on or before R are seen. Every
-- count is of distinct people.
--
-- A record's state only changes on the days of its facts, so the query builds each record's
-- timeline of states once. Active counts come from the days people enter and leave the active list;
-- the flows of a period come from the records whose state changed in it.
WITH periods AS (
    SELECT unnest($starts::DATE[]) AS period_start, unnest($ends::DATE[]) AS period_end
),
days AS (  -- the days whose active count we need: each period's last day and the day before it began
    SELECT period_end AS day FROM periods
    UNION
    SELECT period_start - 1 FROM periods
),
kinds AS (
    SELECT kind, role, tie_rank FROM event_kinds WHERE program = $program
),
pops AS (
    SELECT population, sort_order, household_types, veteran, chronic FROM populations WHERE program = $program
),
program_records AS (
    SELECT record_id, person_id FROM records WHERE program = $program
),
facts AS (
    -- A dated fact becomes a sortable key: the later date wins, and on one day the higher rank.
    SELECT e.record_id, e.event_date AS changed_on,
        CASE WHEN k.role = 'entry' THEN (e.event_date - DATE '1970-01-01') * 10 + k.tie_rank END AS entry_key,
        CASE WHEN k.role = 'exit' THEN (e.event_date - DATE '1970-01-01') * 10 + k.tie_rank END AS exit_key,
        NULL::BIGINT AS attribute_id
    FROM events e
    SEMI JOIN program_records r USING (record_id)
    JOIN kinds k ON k.kind = e.kind
    UNION ALL
    -- Attributes hold from their extract's date; a record's first known ones hold from the start.
    SELECT a.record_id,
        CASE WHEN row_number() OVER (PARTITION BY a.record_id ORDER BY a.valid_from, a.attribute_id) = 1
             THEN DATE '0001-01-01' ELSE a.valid_from END,
        NULL, NULL, a.attribute_id
    FROM record_attributes a
    SEMI JOIN program_records r USING (record_id)
),
changes AS (
    SELECT record_id, changed_on, max(entry_key) AS entry_key, max(exit_key) AS exit_key,
        max(attribute_id) AS attribute_id
    FROM facts
    GROUP BY record_id, changed_on
),
timeline AS (  -- each record's state from one change to the next
    SELECT record_id, changed_on,
        lead(changed_on, 1, DATE '9999-12-31') OVER (PARTITION BY record_id ORDER BY changed_on) AS changed_next,
        max(entry_key) OVER so_far AS entry_key,
        max(exit_key) OVER so_far AS exit_key,
        last_value(attribute_id IGNORE NULLS) OVER so_far AS attribute_id
    FROM changes
    WINDOW so_far AS (PARTITION BY record_id ORDER BY changed_on ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
states AS (  -- only states on the list: from the first entry on
    SELECT t.record_id, r.person_id, t.changed_on, t.changed_next, t.attribute_id,
        DATE '1970-01-01' + (t.entry_key // 10)::INTEGER AS entry_date, ek.kind AS entry_kind,
        DATE '1970-01-01' + (t.exit_key // 10)::INTEGER AS exit_date, xk.kind AS exit_kind,
        (t.exit_key IS NULL OR t.exit_key // 10 < t.entry_key // 10) AS active
    FROM timeline t
    JOIN program_records r USING (record_id)
    JOIN kinds ek ON ek.role = 'entry' AND ek.tie_rank = t.entry_key % 10
    LEFT JOIN kinds xk ON xk.role = 'exit' AND xk.tie_rank = t.exit_key % 10
    WHERE t.entry_key IS NOT NULL
),
membership AS (  -- the populations each set of attributes belongs to
    SELECT a.attribute_id, p.population
    FROM record_attributes a
    SEMI JOIN program_records r USING (record_id)
    JOIN pops p
      ON a.household_type IS NOT NULL
     AND (p.household_types IS NULL OR list_contains(p.household_types, a.household_type))
     AND (p.veteran IS NULL OR a.veteran = p.veteran)
     AND (p.chronic IS NULL OR a.chronic = p.chronic)
),
-- Active counts. A person is active in a population while any of their records is.
active_spans AS (
    SELECT s.person_id, m.population, s.changed_on, s.changed_next
    FROM states s JOIN membership m USING (attribute_id)
    WHERE s.active
),
span_edges AS (
    SELECT person_id, population, day, sum(step) AS step
    FROM (
        SELECT person_id, population, changed_on AS day, 1 AS step FROM active_spans
        UNION ALL
        SELECT person_id, population, changed_next, -1 FROM active_spans WHERE changed_next < DATE '9999-12-31'
    )
    GROUP BY person_id, population, day
),
person_edges AS (
    SELECT population, day, step,
        sum(step) OVER (PARTITION BY person_id, population ORDER BY day) AS open_records
    FROM span_edges
    WHERE step <> 0
),
active_changes AS (
    SELECT population, day,
        sum(CASE WHEN open_records > 0 AND open_records - step <= 0 THEN 1
                 WHEN open_records <= 0 AND open_records - step > 0 THEN -1 ELSE 0 END) AS change
    FROM person_edges
    GROUP BY population, day
),
active_counts AS (
    SELECT d.day, c.population, sum(c.change) AS active
    FROM days d JOIN active_changes c ON c.day <= d.day
    GROUP BY d.day, c.population
),
-- Flows. A record counts in a period only through its state at the period's end, and only when
-- that state changed during the period.
at_end AS (
    SELECT p.period_start, p.period_end, s.*
    FROM periods p
    JOIN states s ON s.changed_on BETWEEN p.period_start AND p.period_end AND s.changed_next > p.period_end
),
at_start AS (  -- the same records, the evening before the period began
    SELECT e.period_start, s.record_id, s.active, s.attribute_id
    FROM at_end e
    JOIN states s ON s.record_id = e.record_id
     AND s.changed_on <= e.period_start - 1 AND e.period_start - 1 < s.changed_next
),
start_members AS (
    SELECT s.period_start, s.record_id, m.population
    FROM at_start s JOIN membership m USING (attribute_id)
    WHERE s.active
),
end_members AS (
    SELECT e.*, m.population,
        e.entry_date BETWEEN e.period_start AND e.period_end AS entered_in_period,
        e.exit_date BETWEEN e.period_start AND e.period_end AS exited_in_period,
        -- active before the period but outside this population, and inside it now
        (e.active AND e.entry_date < e.period_start AND was.active AND member.record_id IS NULL)
            AS came_into_population
    FROM at_end e
    JOIN membership m USING (attribute_id)
    LEFT JOIN at_start was ON was.period_start = e.period_start AND was.record_id = e.record_id
    LEFT JOIN start_members member
      ON member.period_start = e.period_start AND member.record_id = e.record_id
     AND member.population = m.population
),
flows AS (
    SELECT period_start, population,
        count(DISTINCT person_id) FILTER (WHERE exit_kind = 'moved_in' AND exited_in_period) AS housing_placements,
        count(DISTINCT person_id) FILTER (WHERE exit_kind = 'inactive' AND exited_in_period) AS moved_to_inactive,
        count(DISTINCT person_id) FILTER (WHERE
            (entry_kind = 'identified' AND entered_in_period AND (exit_date IS NULL OR exit_date >= period_start))
            OR came_into_population) AS newly_identified,
        count(DISTINCT person_id) FILTER (WHERE active AND entered_in_period AND exit_kind = 'moved_in')
            AS returned_from_housing,
        count(DISTINCT person_id) FILTER (WHERE active AND entered_in_period AND exit_kind = 'inactive')
            AS returned_from_inactive,
        avg(exit_date - entry_date) FILTER (WHERE exit_kind = 'moved_in' AND exited_in_period
            AND exit_date > entry_date) AS avg_days_to_housing
    FROM end_members
    GROUP BY period_start, population
),
left_population AS (  -- active in the population at the start, still active, but outside it now
    SELECT s.period_start, s.population, count(DISTINCT e.person_id) AS no_longer_meets_population
    FROM start_members s
    JOIN at_end e ON e.period_start = s.period_start AND e.record_id = s.record_id AND e.active
    ANTI JOIN end_members m ON m.period_start = s.period_start AND m.record_id = s.record_id
                           AND m.population = s.population
    GROUP BY s.period_start, s.population
),
counted AS (
    SELECT p.period_start, p.period_end, pop.population, pop.sort_order,
        coalesce(now.active, 0) AS actively_homeless,
        coalesce(f.housing_placements, 0) AS housing_placements,
        coalesce(f.moved_to_inactive, 0) AS moved_to_inactive,
        coalesce(f.newly_identified, 0) AS newly_identified,
        coalesce(f.returned_from_housing, 0) AS returned_from_housing,
        coalesce(f.returned_from_inactive, 0) AS returned_from_inactive,
        f.avg_days_to_housing,
        coalesce(l.no_longer_meets_population, 0) AS no_longer_meets_population,
        coalesce(before.active, 0) AS active_at_start
    FROM periods p
    CROSS JOIN pops pop
    LEFT JOIN active_counts now ON now.day = p.period_end AND now.population = pop.population
    LEFT JOIN active_counts before ON before.day = p.period_start - 1 AND before.population = pop.population
    LEFT JOIN flows f ON f.period_start = p.period_start AND f.population = pop.population
    LEFT JOIN left_population l ON l.period_start = p.period_start AND l.population = pop.population
)
SELECT *,
    newly_identified + returned_from_housing + returned_from_inactive AS inflow,
    housing_placements + moved_to_inactive + no_longer_meets_population AS outflow,
    (newly_identified + returned_from_housing + returned_from_inactive)
        - (housing_placements + moved_to_inactive + no_longer_meets_population) AS net_change,
    actively_homeless - (active_at_start + newly_identified + returned_from_housing + returned_from_inactive
        - housing_placements - moved_to_inactive - no_longer_meets_population) AS balance_gap
FROM counted
ORDER BY period_start, sort_order;
