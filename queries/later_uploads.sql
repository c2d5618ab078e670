-- What stands in the way of rolling back an upload: later uploads of the same program still loaded.
-- A decision recorded in a meeting does not, unless it is about a record this upload brought (it
-- would be left without its record); its facts are its own and stay.
SELECT u.upload_id FROM uploads u
WHERE u.program = $program AND u.status = 'loaded' AND u.upload_id > $upload_id
  AND (u.format <> 'case conference' OR EXISTS (
      SELECT 1 FROM events e JOIN records r USING (record_id)
      WHERE e.upload_id = u.upload_id AND r.first_upload_id = $upload_id))
ORDER BY u.upload_id;
