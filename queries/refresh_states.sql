-- Rebuild record_states for the records in the temporary table `touched`, inside the caller's
-- transaction. Parameter: $program.
--
-- A dated fact becomes a sortable key, the day times ten plus the kind's tie rank, so the latest
-- entry and the latest exit so far are running maxima: the later date wins, and on one day the
-- kind the program ranks higher.
DELETE FROM record_states WHERE record_id IN (SELECT record_id FROM touched);

INSERT INTO record_states
WITH kinds AS (  -- milestones (an Early Intervention evaluation, say) change no state
    SELECT kind, role, tie_rank FROM event_kinds WHERE program = $program AND role IN ('entry', 'exit')
),
attributes AS (
    SELECT a.record_id, a.valid_from, a.population_mask,
        row_number() OVER (PARTITION BY a.record_id ORDER BY a.valid_from, a.upload_id) AS nth
    FROM record_attributes a
    SEMI JOIN touched t USING (record_id)
),
facts AS (
    SELECT e.record_id, e.event_date AS changed_on,
        CASE WHEN k.role = 'entry' THEN (e.event_date - DATE '1970-01-01') * 10 + k.tie_rank END AS entry_key,
        CASE WHEN k.role = 'exit' THEN (e.event_date - DATE '1970-01-01') * 10 + k.tie_rank END AS exit_key,
        NULL::BIGINT AS attributes_key
    FROM events e
    SEMI JOIN touched t USING (record_id)
    JOIN kinds k ON k.kind = e.kind
    UNION ALL
    -- A record's first attributes hold from the start (joined below); later ones from their
    -- extract's date, which makes that date a change. Their key sorts by order of arrival and
    -- carries the date and the population bits (7 bits, 8 reserved).
    SELECT record_id, valid_from, NULL, NULL,
        (nth << 40) | ((valid_from - DATE '0001-01-01')::BIGINT << 8) | population_mask
    FROM attributes WHERE nth > 1
),
timeline AS (
    -- Facts of one day are ordered with attributes last, so the last row of each day holds the
    -- state at the end of that day; the other rows of the day are dropped.
    SELECT record_id, changed_on,
        lead(changed_on, 1, DATE '9999-12-31') OVER so_far AS changed_next,
        max(entry_key) OVER so_far AS entry_key,
        max(exit_key) OVER so_far AS exit_key,
        max(attributes_key) OVER so_far AS attributes_key
    FROM facts
    WINDOW so_far AS (PARTITION BY record_id ORDER BY changed_on, attributes_key NULLS FIRST
                      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
    QUALIFY changed_next <> changed_on
),
counted AS (  -- who each person counts as: themself, or the group linked across sources
    SELECT person_id, coalesce(counted_as, person_id) AS counted_id FROM people WHERE program = $program
),
owners AS (  -- each touched record's person, whether that person has other records, first attributes
    SELECT r.record_id, r.person_id, r.shared_person, a.population_mask AS first_mask
    FROM (
        SELECT r.record_id, c.counted_id AS person_id,
            count(*) OVER (PARTITION BY c.counted_id) > 1 AS shared_person
        FROM records r JOIN counted c USING (person_id)
        WHERE c.counted_id IN (SELECT c.counted_id FROM records r SEMI JOIN touched t USING (record_id)
                               JOIN counted c USING (person_id))
    ) r
    JOIN attributes a ON a.record_id = r.record_id AND a.nth = 1
)
SELECT t.record_id, o.person_id, (SELECT code FROM programs WHERE program = $program), t.changed_on,
    t.changed_next,
    DATE '1970-01-01' + (t.entry_key // 10)::INTEGER, t.entry_key % 10,
    DATE '1970-01-01' + (t.exit_key // 10)::INTEGER, t.exit_key % 10,
    t.exit_key IS NULL OR t.exit_key // 10 < t.entry_key // 10,
    coalesce((t.attributes_key & 255)::INTEGER, o.first_mask),
    DATE '0001-01-01' + coalesce(((t.attributes_key >> 8) & ((1::BIGINT << 32) - 1))::INTEGER, 0),
    o.shared_person
FROM timeline t
JOIN owners o USING (record_id)
WHERE t.entry_key IS NOT NULL;  -- a record is on the list from its first entry
