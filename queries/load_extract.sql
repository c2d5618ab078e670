-- Load one validated extract (registered as the view `incoming`) inside the caller's transaction.
-- Only facts not already known are added; nothing already stored is changed.

INSERT INTO people (program, client_id, first_upload_id)
SELECT $program, i.client_id, $upload_id
FROM (SELECT DISTINCT client_id FROM incoming) i
ANTI JOIN (SELECT client_id FROM people WHERE program = $program) p USING (client_id);

INSERT INTO records (person_id, program, record_key, first_upload_id)
SELECT p.person_id, $program, i.record_key, $upload_id
FROM incoming i
JOIN people p ON p.program = $program AND p.client_id = i.client_id
ANTI JOIN (SELECT record_key FROM records WHERE program = $program) r USING (record_key);

INSERT INTO events (record_id, kind, event_date, upload_id, recorded_at)
SELECT r.record_id, u.kind, u.event_date, $upload_id, $recorded_at
FROM (
    UNPIVOT (SELECT record_key, identified, returned, moved_in, inactive FROM incoming)
    ON identified, returned, moved_in, inactive INTO NAME kind VALUE event_date
) u
JOIN records r ON r.program = $program AND r.record_key = u.record_key
ANTI JOIN events e ON e.record_id = r.record_id AND e.kind = u.kind AND e.event_date = u.event_date;

INSERT INTO record_attributes (record_id, upload_id, valid_from, household_type, veteran, chronic, race,
    ethnicity, gender, age, assessment_score, contact_worker, first_name, last_name, bnl_status, extra,
    population_mask)
WITH combinations AS (
    SELECT DISTINCT household_type, veteran, chronic FROM incoming
),
masks AS (  -- the program's populations each combination of values belongs to, as bits
    SELECT c.household_type, c.veteran, c.chronic,
        coalesce(sum(1 << p.sort_order) FILTER (WHERE p.population IS NOT NULL), 0)::INTEGER AS population_mask
    FROM combinations c
    LEFT JOIN populations p
      ON p.program = $program
     AND c.household_type IS NOT NULL
     AND (p.household_types IS NULL OR list_contains(p.household_types, c.household_type))
     AND (p.veteran IS NULL OR c.veteran = p.veteran)
     AND (p.chronic IS NULL OR c.chronic = p.chronic)
    GROUP BY c.household_type, c.veteran, c.chronic
),
latest AS (
    -- each record's attributes as they stood on this extract's date
    SELECT * FROM record_attributes
    WHERE valid_from <= $as_of
    QUALIFY row_number() OVER (PARTITION BY record_id ORDER BY valid_from DESC, attribute_id DESC) = 1
)
SELECT r.record_id, $upload_id, $as_of, i.household_type, i.veteran, i.chronic, i.race, i.ethnicity,
    i.gender, i.age, i.assessment_score, i.contact_worker, i.first_name, i.last_name, i.bnl_status,
    i.extra::JSON, m.population_mask
FROM incoming i
JOIN records r ON r.program = $program AND r.record_key = i.record_key
JOIN masks m ON m.household_type IS NOT DISTINCT FROM i.household_type
            AND m.veteran = i.veteran AND m.chronic = i.chronic
LEFT JOIN latest a ON a.record_id = r.record_id
WHERE a.record_id IS NULL
   OR (i.household_type, i.veteran, i.chronic, i.race, i.ethnicity, i.gender, i.age, i.assessment_score,
       i.contact_worker, i.first_name, i.last_name, i.bnl_status, i.extra::JSON)
      IS DISTINCT FROM
      (a.household_type, a.veteran, a.chronic, a.race, a.ethnicity, a.gender, a.age, a.assessment_score,
       a.contact_worker, a.first_name, a.last_name, a.bnl_status, a.extra);

-- The records whose states must be rebuilt: those this upload added facts to, and the other
-- records of the same people (whether a person has several records changes how they count).
CREATE OR REPLACE TEMPORARY TABLE touched AS
SELECT record_id FROM records
WHERE program = $program AND person_id IN (
    SELECT r.person_id FROM records r
    WHERE r.record_id IN (
        SELECT record_id FROM events WHERE upload_id = $upload_id
        UNION
        SELECT record_id FROM record_attributes WHERE upload_id = $upload_id
    )
);
