-- How many sources other than this upload's the program has people from. Parameters: $program, $upload_id.
SELECT count(DISTINCT p.source) AS sources FROM people p
WHERE p.program = $program AND p.source <> (SELECT source FROM uploads WHERE upload_id = $upload_id);
