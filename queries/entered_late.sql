-- Records with a fact seen by $month_end that was loaded after $submitted_at: what changed a month's
-- figures after it was submitted. Parameters: $program, $month_end, $submitted_at.
SELECT count(DISTINCT e.record_id) AS records
FROM events e
JOIN records r ON r.record_id = e.record_id
WHERE r.program = $program AND e.seen_from <= $month_end AND e.recorded_at > $submitted_at;
