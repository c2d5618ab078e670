-- Every person's plan in force, with when it last moved and since when they have been matched to
-- housing (if they are). Parameter: $program.
WITH plans AS (
    SELECT c.* FROM case_plans c
    SEMI JOIN (SELECT person_id FROM people WHERE program = $program) USING (person_id)
),
latest AS (
    SELECT * FROM plans QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY revision DESC) = 1
),
unmatched AS (  -- the last revision that did not have them matched
    SELECT person_id, max(revision) AS revision FROM plans
    WHERE coalesce(housing_match, 'None') NOT IN ('Matched', 'Moving in')
    GROUP BY person_id
),
matched_since AS (
    SELECT p.person_id, min(p.recorded_at) AS matched_since
    FROM plans p LEFT JOIN unmatched u USING (person_id)
    WHERE p.housing_match IN ('Matched', 'Moving in') AND p.revision > coalesce(u.revision, 0)
    GROUP BY p.person_id
)
SELECT l.person_id, l.revision, l.next_step, l.owner, l.due_date, l.barriers, l.housing_match, l.decision,
    l.recorded_by, l.recorded_at AS plan_changed_at, m.matched_since
FROM latest l LEFT JOIN matched_since m USING (person_id);
