-- Rebuild record_states for the records in the temporary table `touched`, inside the caller's
-- transaction (pipelines/record_states.py). The facts are the store's, but for an upload's new records
-- (from $first_new_record_id on) and people (from $first_new_person_id on), whose facts are its own rows:
-- the tables upload_events, upload_attributes (of upload $upload_id), upload_records and upload_people.
-- Parameters: $program, $first_new_record_id, $first_new_person_id, $upload_id.
--
-- This is the one place that cuts history at a day (DESIGN §2.1, "as of a day"): a fact changes a
-- record's state on the day it is first seen (seen_from: its own date, or the identification of the
-- row that brought it when that is later), so the state on any day R is derived from exactly the
-- facts the list held at the end of R. A record is on the list from the first identification seen.
-- Two days running may hold the same state (a date seen again that changes nothing): the figures
-- count changes of state, not rows, so that is harmless.
--
-- A dated fact becomes a sortable key, the day times ten plus the kind's tie rank, so the latest
-- entry and the latest exit so far are running maxima: the later date wins, and on one day the
-- kind the program ranks higher.
DELETE FROM record_states WHERE record_id IN (SELECT record_id FROM touched);

INSERT INTO record_states BY NAME
WITH state_events AS (
    SELECT record_id, kind, event_date, seen_from FROM events WHERE record_id < $first_new_record_id
    UNION ALL
    SELECT record_id, kind, event_date, seen_from FROM upload_events
),
state_records AS (
    SELECT record_id, person_id FROM records WHERE record_id < $first_new_record_id
    UNION ALL
    SELECT record_id, person_id FROM upload_records
),
state_people AS (
    SELECT person_id, program, counted_as FROM people WHERE person_id < $first_new_person_id
    UNION ALL
    SELECT person_id, program, counted_as FROM upload_people
),
state_attributes AS (
    SELECT record_id, upload_id, valid_from, seen_from, population_mask FROM record_attributes
    WHERE record_id < $first_new_record_id
    UNION ALL
    SELECT record_id, $upload_id::INTEGER, valid_from, seen_from, population_mask FROM upload_attributes
),
kinds AS (  -- milestones (an Early Intervention evaluation, say) change no state
    SELECT kind, role, tie_rank, counts_as FROM event_kinds WHERE program = $program AND role IN ('entry', 'exit')
),
revised AS (  -- records with several versions of their attributes (few: most have one all along)
    SELECT record_id FROM state_attributes SEMI JOIN touched USING (record_id)
    GROUP BY record_id HAVING count(*) > 1
),
versions AS (
    -- Each extract's attributes, as a key that sorts by the day they describe, then by upload, and
    -- carries the upload (24 bits) and the population bits (7 bits, 8 reserved).
    SELECT a.record_id, a.seen_from, greatest(a.valid_from, a.seen_from) AS in_force_from,
        ((a.valid_from - DATE '0001-01-01')::BIGINT << 32) | (a.upload_id::BIGINT << 8) | a.population_mask AS akey,
        a.record_id IN (SELECT record_id FROM revised) AS revised
    FROM state_attributes a
    SEMI JOIN touched t USING (record_id)
),
facts AS (
    SELECT e.record_id, e.seen_from AS changed_on,
        CASE WHEN k.role = 'entry' THEN (e.event_date - DATE '1970-01-01') * 10 + k.tie_rank END AS entry_key,
        CASE WHEN k.role = 'exit' THEN (e.event_date - DATE '1970-01-01') * 10 + k.tie_rank END AS exit_key,
        k.counts_as = 'identified' AS identifies,
        e.record_id IN (SELECT record_id FROM revised) AS revised
    FROM state_events e
    SEMI JOIN touched t USING (record_id)
    JOIN kinds k ON k.kind = e.kind
),
on_list_from AS (  -- a record is on the list from the first identification seen
    SELECT record_id, min(changed_on) AS day FROM facts WHERE identifies GROUP BY record_id
),
timeline AS (
    -- Only the last row of each day is kept: it holds the state at the end of that day.
    SELECT record_id, changed_on,
        lead(changed_on, 1, DATE '9999-12-31') OVER so_far AS changed_next,
        max(entry_key) OVER so_far AS entry_key,
        max(exit_key) OVER so_far AS exit_key,
        NULL::BIGINT AS akey, NULL::DATE AS mask_since
    FROM facts
    WHERE NOT revised
    WINDOW so_far AS (PARTITION BY record_id ORDER BY changed_on ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
    QUALIFY changed_next <> changed_on
    UNION ALL
    -- A record with several versions: those in force on a day are, of the versions seen by then, the
    -- latest that describes a day on or before it; before any does, the earliest seen (a record's
    -- first attributes hold from the start). Each version is a fact twice: on the day it is seen, and
    -- on the day it comes in force as the latest.
    SELECT record_id, changed_on,
        lead(changed_on, 1, DATE '9999-12-31') OVER versions_so_far AS changed_next,
        max(entry_key) OVER versions_so_far AS entry_key,
        max(exit_key) OVER versions_so_far AS exit_key,
        coalesce(max(described_key) OVER versions_so_far, min(first_key) OVER versions_so_far) AS akey,
        -- the day the version in force took effect (list_flow.sql looks at records regrouped in a period)
        coalesce(arg_max(changed_on, described_key) OVER versions_so_far, arg_min(changed_on, first_key) OVER versions_so_far)
            AS mask_since
    FROM (
        SELECT record_id, changed_on, entry_key, exit_key, NULL::BIGINT AS described_key, NULL::BIGINT AS first_key
        FROM facts WHERE revised
        UNION ALL
        SELECT record_id, in_force_from, NULL, NULL, akey, NULL FROM versions WHERE revised
        UNION ALL
        SELECT record_id, seen_from, NULL, NULL, NULL, akey FROM versions WHERE revised
    )
    WINDOW versions_so_far AS (PARTITION BY record_id ORDER BY changed_on ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
    QUALIFY changed_next <> changed_on
),
on_list AS (
    SELECT t.record_id, t.changed_on, t.changed_next, t.entry_key, t.exit_key,
        coalesce(t.akey, v.akey) AS akey, coalesce(t.mask_since, DATE '0001-01-01') AS mask_since
    FROM timeline t
    JOIN on_list_from f ON f.record_id = t.record_id AND t.changed_on >= f.day
    LEFT JOIN versions v ON v.record_id = t.record_id AND NOT v.revised
    WHERE t.entry_key IS NOT NULL
),
counted AS (  -- who each person counts as: themself, or the group linked across sources
    SELECT person_id, coalesce(counted_as, person_id) AS counted_id FROM state_people WHERE program = $program
),
owners AS (  -- each touched record's person, and whether that person has other records
    SELECT r.record_id, c.counted_id AS person_id,
        count(*) OVER (PARTITION BY c.counted_id) > 1 AS shared_person
    FROM state_records r JOIN counted c USING (person_id)
    WHERE c.counted_id IN (SELECT c.counted_id FROM state_records r SEMI JOIN touched t USING (record_id)
                           JOIN counted c USING (person_id))
)
SELECT t.record_id, o.person_id, (SELECT code FROM programs WHERE program = $program) AS program_code,
    t.changed_on, t.changed_next,
    DATE '1970-01-01' + (t.entry_key // 10)::INTEGER AS entry_date, t.entry_key % 10 AS entry_rank,
    DATE '1970-01-01' + (t.exit_key // 10)::INTEGER AS exit_date, t.exit_key % 10 AS exit_rank,
    t.exit_key IS NULL OR t.exit_key // 10 < t.entry_key // 10 AS active,
    coalesce((t.akey & 255)::INTEGER, 0) AS population_mask,
    t.mask_since,
    o.shared_person,
    ((t.akey >> 8) & ((1::BIGINT << 24) - 1))::INTEGER AS attributes_upload,
    DATE '0001-01-01' + (t.akey >> 32)::INTEGER AS attributes_from
FROM on_list t
JOIN owners o USING (record_id);
