-- Count everyone in `groups` (person_id, counted_as) as its group's person, everyone else of the
-- program as themself, and add to `touched` the records of people whose count changed (and of the
-- groups they joined or left). Parameter: $program.
CREATE OR REPLACE TEMPORARY TABLE regrouped AS
SELECT p.person_id, p.counted_as AS was, g.counted_as AS now
FROM people p LEFT JOIN groups g USING (person_id)
WHERE p.program = $program AND p.counted_as IS DISTINCT FROM g.counted_as;

UPDATE people SET counted_as = r.now FROM regrouped r WHERE people.person_id = r.person_id;

INSERT INTO touched
SELECT r.record_id FROM records r
JOIN people p USING (person_id)
WHERE coalesce(p.counted_as, p.person_id) IN (
    SELECT coalesce(now, person_id) FROM regrouped UNION SELECT was FROM regrouped WHERE was IS NOT NULL)
  AND r.record_id NOT IN (SELECT record_id FROM touched);
