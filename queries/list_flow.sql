-- The by-name list's figures for a set of periods and every population of a program
-- (DESIGN §2.1). Parameters: $program, and $starts / $ends: the first and last day of each period,
-- in order and not overlapping.
--
-- Each period is judged on the list as it stood at the end of its last day R: a record is on it once
-- it has an entry date on or before R, and only its facts dated on or before R are seen. Every
-- count is of distinct people.
--
-- record_states holds each record's state from one fact to the next. Active counts come from the
-- days people enter and leave the active list; the flows of a period come from the records whose
-- state changed during it, in the state they were left in at its end.
WITH periods AS (
    SELECT unnest($starts::DATE[]) AS period_start, unnest($ends::DATE[]) AS period_end
),
days AS (  -- the days whose active count we need: each period's last day and the day before it began
    SELECT period_end AS day FROM periods
    UNION
    SELECT period_start - 1 FROM periods
),
pops AS (
    SELECT population, sort_order FROM populations WHERE program = $program
),
rank_of AS (  -- the kinds the figures name, as states store them
    SELECT
        max(tie_rank) FILTER (WHERE counts_as = 'identified') AS identified,
        max(tie_rank) FILTER (WHERE counts_as = 'moved_in') AS moved_in,
        max(tie_rank) FILTER (WHERE counts_as = 'inactive') AS inactive
    FROM event_kinds WHERE program = $program
),
states AS NOT MATERIALIZED (
    SELECT * EXCLUDE (attributes_upload, attributes_from) FROM record_states
    WHERE program_code = (SELECT code FROM programs WHERE program = $program)
),
single_edges AS (
    -- One record per person: +1 the day an active stretch opens, -1 the day it closes, counted per
    -- set of populations first (there are only a handful) and only then per population.
    SELECT p.population, e.day, sum(e.change) AS change
    FROM (
        SELECT population_mask, day, sum(change) AS change
        FROM (
            SELECT population_mask, changed_on AS day, 1 AS change
            FROM states WHERE active AND NOT shared_person
            UNION ALL
            SELECT population_mask, changed_next, -1
            FROM states WHERE active AND NOT shared_person AND changed_next < DATE '9999-12-31'
        )
        GROUP BY population_mask, day
    ) e
    JOIN pops p ON (e.population_mask >> p.sort_order) & 1 = 1
    GROUP BY p.population, e.day
),
spans AS (  -- each stretch of time a record of a person with several records was active
    SELECT s.person_id, p.population, s.changed_on, s.changed_next
    FROM states s JOIN pops p ON (s.population_mask >> p.sort_order) & 1 = 1
    WHERE s.active AND s.shared_person
),
shared_steps AS (  -- several records per person: the person is active while any record is
    SELECT person_id, population, day, sum(step) AS step
    FROM (
        SELECT person_id, population, changed_on AS day, 1 AS step FROM spans
        UNION ALL
        SELECT person_id, population, changed_next, -1 FROM spans WHERE changed_next < DATE '9999-12-31'
    )
    GROUP BY person_id, population, day
),
shared_edges AS (
    SELECT population, day,
        CASE WHEN open_records > 0 AND open_records - step <= 0 THEN 1
             WHEN open_records <= 0 AND open_records - step > 0 THEN -1 ELSE 0 END AS change
    FROM (
        SELECT *, sum(step) OVER (PARTITION BY person_id, population ORDER BY day) AS open_records
        FROM shared_steps
    )
),
changes_by_day AS (
    SELECT population, day, sum(change) AS change
    FROM (SELECT * FROM single_edges UNION ALL SELECT * FROM shared_edges)
    GROUP BY population, day
),
active_counts AS (
    SELECT d.day, c.population, sum(c.change) AS active
    FROM days d JOIN changes_by_day c ON c.day <= d.day
    GROUP BY d.day, c.population
),
period_days AS (  -- each day of each period, so that a change finds its period by its day
    SELECT period_start, period_end, unnest(generate_series(period_start, period_end, INTERVAL 1 DAY))::DATE AS day
    FROM periods
),
at_end AS (  -- the records whose state changed during a period, as they stood at its end
    SELECT d.period_start, d.period_end, s.*
    FROM states s
    JOIN period_days d ON d.day = s.changed_on
    WHERE s.changed_next > d.period_end
),
regrouped AS (  -- records whose attributes changed during a period: how they stood the evening before
    SELECT e.period_start, e.record_id, s.active AS was_active, s.population_mask AS was_mask
    FROM at_end e
    JOIN states s ON s.record_id = e.record_id
     AND s.changed_on <= e.period_start - 1 AND e.period_start - 1 < s.changed_next
    WHERE e.mask_since >= e.period_start
),
counted_rows AS (
    SELECT e.period_start, p.population, e.person_id, e.shared_person,
        e.exit_rank = k.moved_in AND e.exit_date >= e.period_start AS placed,
        e.exit_rank = k.inactive AND e.exit_date >= e.period_start AS went_inactive,
        (e.entry_rank = k.identified AND e.entry_date >= e.period_start
            AND (e.exit_date IS NULL OR e.exit_date >= e.period_start))
        -- active before the period but outside this population, and inside it now
        OR coalesce(r.was_active AND e.active AND e.entry_date < e.period_start
            AND (r.was_mask >> p.sort_order) & 1 = 0, false) AS newly,
        e.active AND e.entry_date >= e.period_start AND e.exit_rank = k.moved_in AS back_from_housing,
        e.active AND e.entry_date >= e.period_start AND e.exit_rank = k.inactive AS back_from_inactive,
        CASE WHEN e.exit_rank = k.moved_in AND e.exit_date >= e.period_start AND e.exit_date > e.entry_date
             THEN e.exit_date - e.entry_date END AS days_to_housing
    FROM at_end e
    CROSS JOIN rank_of k
    JOIN pops p ON (e.population_mask >> p.sort_order) & 1 = 1
    LEFT JOIN regrouped r ON r.period_start = e.period_start AND r.record_id = e.record_id
),
per_person AS (  -- a person with several records counts once: fold their rows together first
    SELECT period_start, population,
        bool_or(placed) AS placed, bool_or(went_inactive) AS went_inactive, bool_or(newly) AS newly,
        bool_or(back_from_housing) AS back_from_housing, bool_or(back_from_inactive) AS back_from_inactive,
        sum(days_to_housing) AS days_to_housing, count(days_to_housing) AS placements_timed
    FROM counted_rows
    WHERE shared_person
    GROUP BY period_start, population, person_id
    UNION ALL
    SELECT period_start, population, placed, went_inactive, newly, back_from_housing, back_from_inactive,
        days_to_housing, CASE WHEN days_to_housing IS NULL THEN 0 ELSE 1 END
    FROM counted_rows
    WHERE NOT shared_person
),
flows AS (
    SELECT period_start, population,
        count(*) FILTER (WHERE placed) AS housing_placements,
        count(*) FILTER (WHERE went_inactive) AS moved_to_inactive,
        count(*) FILTER (WHERE newly) AS newly_identified,
        count(*) FILTER (WHERE back_from_housing) AS returned_from_housing,
        count(*) FILTER (WHERE back_from_inactive) AS returned_from_inactive,
        -- the mean over records, as Built for Zero takes it
        sum(days_to_housing) / nullif(sum(placements_timed), 0) AS avg_days_to_housing
    FROM per_person
    GROUP BY period_start, population
),
left_population AS (  -- active in the population at the start, still active, but outside it now
    SELECT r.period_start, p.population, count(DISTINCT e.person_id) AS no_longer_meets_population
    FROM regrouped r
    JOIN at_end e ON e.period_start = r.period_start AND e.record_id = r.record_id
    JOIN pops p ON (r.was_mask >> p.sort_order) & 1 = 1 AND (e.population_mask >> p.sort_order) & 1 = 0
    WHERE r.was_active AND e.active
    GROUP BY r.period_start, p.population
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
