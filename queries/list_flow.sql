-- The by-name list's figures for a set of periods and every population of a program
-- (DESIGN §2.1). Parameters: $program, and $starts / $ends: the first and last day of each period.
--
-- Each period is judged on the list as it stood at the end of its last day R: a record is on it once
-- it has an entry date on or before R, and only its facts dated on or before R are seen. Every
-- count is of distinct people.
WITH periods AS (
    SELECT unnest($starts::DATE[]) AS period_start, unnest($ends::DATE[]) AS period_end
),
days AS (  -- the days whose list we need: each period's last day and the day before it began
    SELECT period_end AS day FROM periods
    UNION
    SELECT period_start - 1 FROM periods
),
kinds AS (
    SELECT kind, role, tie_rank FROM event_kinds WHERE program = $program
),
facts AS (
    -- A dated fact becomes a sortable key: the later date wins, and on one day the higher rank.
    SELECT e.record_id, e.event_date AS changed_on,
        CASE WHEN k.role = 'entry' THEN (e.event_date - DATE '1970-01-01') * 10 + k.tie_rank END AS entry_key,
        CASE WHEN k.role = 'exit' THEN (e.event_date - DATE '1970-01-01') * 10 + k.tie_rank END AS exit_key,
        NULL::BIGINT AS attribute_id
    FROM events e
    JOIN records r USING (record_id)
    JOIN kinds k ON k.kind = e.kind
    WHERE r.program = $program
    UNION ALL
    -- Attributes hold from their extract's date; a record's first known ones hold from the start.
    SELECT a.record_id,
        CASE WHEN row_number() OVER (PARTITION BY a.record_id ORDER BY a.valid_from, a.attribute_id) = 1
             THEN DATE '0001-01-01' ELSE a.valid_from END,
        NULL, NULL, a.attribute_id
    FROM record_attributes a
    JOIN records r USING (record_id)
    WHERE r.program = $program
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
states AS (  -- every record on the list at the end of each day we need
    SELECT d.day, t.record_id, r.person_id,
        DATE '1970-01-01' + (t.entry_key // 10)::INTEGER AS entry_date, ek.kind AS entry_kind,
        DATE '1970-01-01' + (t.exit_key // 10)::INTEGER AS exit_date, xk.kind AS exit_kind,
        (t.exit_key IS NULL OR t.exit_key // 10 < t.entry_key // 10) AS active,
        a.household_type, a.veteran, a.chronic
    FROM days d
    JOIN timeline t ON t.changed_on <= d.day AND d.day < t.changed_next
    JOIN records r ON r.record_id = t.record_id
    JOIN kinds ek ON ek.role = 'entry' AND ek.tie_rank = t.entry_key % 10
    LEFT JOIN kinds xk ON xk.role = 'exit' AND xk.tie_rank = t.exit_key % 10
    LEFT JOIN record_attributes a ON a.attribute_id = t.attribute_id
    WHERE t.entry_key IS NOT NULL
),
pops AS (
    SELECT population, sort_order, household_types, veteran, chronic FROM populations WHERE program = $program
),
members AS (  -- a record's state once for each population it belongs to that day
    SELECT s.*, p.population
    FROM states s
    JOIN pops p
      ON s.household_type IS NOT NULL
     AND (p.household_types IS NULL OR list_contains(p.household_types, s.household_type))
     AND (p.veteran IS NULL OR s.veteran = p.veteran)
     AND (p.chronic IS NULL OR s.chronic = p.chronic)
),
at_start AS (
    SELECT p.period_start, m.population, m.record_id, m.person_id
    FROM periods p JOIN members m ON m.day = p.period_start - 1
    WHERE m.active
),
active_at_start AS (
    SELECT p.period_start, s.record_id FROM periods p JOIN states s ON s.day = p.period_start - 1 WHERE s.active
),
active_at_end AS (
    SELECT p.period_start, s.record_id FROM periods p JOIN states s ON s.day = p.period_end WHERE s.active
),
at_end AS (
    SELECT p.period_start, p.period_end, m.*,
        m.entry_date BETWEEN p.period_start AND p.period_end AS entered_in_period,
        m.exit_date BETWEEN p.period_start AND p.period_end AS exited_in_period,
        -- active before the period but outside this population, and inside it now
        (m.active AND m.entry_date < p.period_start AND was_active.record_id IS NOT NULL
            AND was_member.record_id IS NULL) AS came_into_population
    FROM periods p
    JOIN members m ON m.day = p.period_end
    LEFT JOIN active_at_start was_active
      ON was_active.period_start = p.period_start AND was_active.record_id = m.record_id
    LEFT JOIN at_start was_member
      ON was_member.period_start = p.period_start AND was_member.population = m.population
     AND was_member.record_id = m.record_id
),
figures AS (
    SELECT period_start, population,
        count(DISTINCT person_id) FILTER (WHERE active) AS actively_homeless,
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
    FROM at_end
    GROUP BY period_start, population
),
left_population AS (  -- active in the population at the start, still active, but outside it now
    SELECT s.period_start, s.population, count(DISTINCT s.person_id) AS no_longer_meets_population
    FROM at_start s
    JOIN active_at_end still ON still.period_start = s.period_start AND still.record_id = s.record_id
    ANTI JOIN at_end e ON e.period_start = s.period_start AND e.population = s.population
                      AND e.record_id = s.record_id
    GROUP BY s.period_start, s.population
),
starting AS (
    SELECT period_start, population, count(DISTINCT person_id) AS active_at_start
    FROM at_start GROUP BY period_start, population
),
counted AS (
    SELECT p.period_start, p.period_end, pop.population, pop.sort_order,
        coalesce(f.actively_homeless, 0) AS actively_homeless,
        coalesce(f.housing_placements, 0) AS housing_placements,
        coalesce(f.moved_to_inactive, 0) AS moved_to_inactive,
        coalesce(f.newly_identified, 0) AS newly_identified,
        coalesce(f.returned_from_housing, 0) AS returned_from_housing,
        coalesce(f.returned_from_inactive, 0) AS returned_from_inactive,
        f.avg_days_to_housing,
        coalesce(l.no_longer_meets_population, 0) AS no_longer_meets_population,
        coalesce(s.active_at_start, 0) AS active_at_start
    FROM periods p
    CROSS JOIN pops pop
    LEFT JOIN figures f ON f.period_start = p.period_start AND f.population = pop.population
    LEFT JOIN left_population l ON l.period_start = p.period_start AND l.population = pop.population
    LEFT JOIN starting s ON s.period_start = p.period_start AND s.population = pop.population
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
