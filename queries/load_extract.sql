-- Load one validated, matched extract (registered as the view `incoming`) inside the caller's
-- transaction. Only facts not already known are added; nothing already stored is changed.

INSERT INTO people (person_id, program, client_id, first_upload_id, source)
SELECT DISTINCT person_id, $program, client_id, $upload_id, $source FROM incoming WHERE new_person;

INSERT INTO records (record_id, person_id, program, ordinal, first_upload_id)
SELECT DISTINCT record_id, person_id, $program, ordinal, $upload_id FROM incoming WHERE new_record;

-- A fact already stored is stored again only when this extract shows it earlier (its row's
-- identification is earlier), so the list as it stood on each day keeps it from the first day seen.
INSERT INTO events (record_id, kind, event_date, upload_id, recorded_at, seen_from)
WITH dated AS (SELECT * FROM incoming_events)
SELECT record_id, kind, event_date, $upload_id, $recorded_at, seen_from FROM dated WHERE new_record
UNION ALL
SELECT d.record_id, d.kind, d.event_date, $upload_id, $recorded_at, d.seen_from
FROM dated d
ANTI JOIN events e ON e.record_id = d.record_id AND e.kind = d.kind AND e.event_date = d.event_date
                  AND e.seen_from <= d.seen_from
WHERE NOT d.new_record;

-- The program's populations each combination of values in the extract belongs to, as bits (also read by
-- queries/states_from_upload.sql).
CREATE OR REPLACE TEMPORARY TABLE masks AS
WITH combinations AS (
    SELECT DISTINCT household_type, veteran, chronic FROM incoming
)
SELECT c.household_type, c.veteran, c.chronic,
    coalesce(sum(1 << p.sort_order) FILTER (WHERE p.population IS NOT NULL), 0)::INTEGER AS population_mask
FROM combinations c
LEFT JOIN populations p
  ON p.program = $program
 AND c.household_type IS NOT NULL
 AND (p.household_types IS NULL OR list_contains(p.household_types, c.household_type))
 AND (p.veteran IS NULL OR c.veteran = p.veteran)
 AND (p.chronic IS NULL OR c.chronic = p.chronic)
GROUP BY c.household_type, c.veteran, c.chronic;

INSERT INTO record_attributes (record_id, upload_id, valid_from, household_type, veteran, chronic, race,
    ethnicity, gender, age, assessment_score, contact_worker, first_name, last_name, bnl_status, extra,
    population_mask, birth_date, hispanic, zip, neighborhood, referral_source, eligible, exceptional, exit_reason,
    eligible_on, exit_reason_on, seen_from, prioritized, assessed_on, referral, part_b_potential, conference_declined)
WITH described AS MATERIALIZED (  -- the rows, each with the day it describes: the frame read once
    SELECT * FROM incoming
),
stored AS (  -- the attributes of the records already known, the last loaded for each day described
    SELECT a.* FROM record_attributes a
    SEMI JOIN (SELECT record_id FROM incoming WHERE NOT new_record) i USING (record_id)
    QUALIFY row_number() OVER (PARTITION BY a.record_id, a.valid_from ORDER BY a.upload_id DESC) = 1
),
latest AS (  -- ...as they stood on the day each row describes (a new record has none to look for)
    SELECT i.valid_from AS described, a.*
    FROM (SELECT record_id, valid_from FROM described WHERE NOT new_record) i
    ASOF JOIN stored a ON a.record_id = i.record_id AND a.valid_from <= i.valid_from
)
SELECT i.record_id, $upload_id, i.valid_from, i.household_type, i.veteran, i.chronic, i.race, i.ethnicity,
    i.gender, i.age, i.assessment_score, i.contact_worker, i.first_name, i.last_name, i.bnl_status,
    i.extra::JSON, m.population_mask, i.birth_date, i.hispanic, i.zip, i.neighborhood, i.referral_source,
    i.eligible, i.exceptional, i.exit_reason, i.eligible_on, i.exit_reason_on, i.seen_from, i.prioritized,
    i.assessed_on, i.referral, i.part_b_potential, i.conference_declined
FROM described i
JOIN masks m ON m.household_type IS NOT DISTINCT FROM i.household_type
            AND m.veteran = i.veteran AND m.chronic = i.chronic
LEFT JOIN latest a ON a.record_id = i.record_id AND a.described = i.valid_from
WHERE a.record_id IS NULL
   OR i.seen_from < a.seen_from  -- the same attributes, seen earlier than before (see events above)
   OR (i.household_type, i.veteran, i.chronic, i.race, i.ethnicity, i.gender, i.age, i.assessment_score,
       i.contact_worker, i.first_name, i.last_name, i.bnl_status, i.extra::JSON, i.birth_date, i.hispanic,
       i.zip, i.neighborhood, i.referral_source, i.eligible, i.exceptional, i.exit_reason, i.eligible_on,
       i.exit_reason_on, i.prioritized, i.assessed_on, i.referral, i.part_b_potential, i.conference_declined)
      IS DISTINCT FROM
      (a.household_type, a.veteran, a.chronic, a.race, a.ethnicity, a.gender, a.age, a.assessment_score,
       a.contact_worker, a.first_name, a.last_name, a.bnl_status, a.extra, a.birth_date, a.hispanic,
       a.zip, a.neighborhood, a.referral_source, a.eligible, a.exceptional, a.exit_reason, a.eligible_on,
       a.exit_reason_on, a.prioritized, a.assessed_on, a.referral, a.part_b_potential, a.conference_declined);
