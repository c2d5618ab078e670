-- The submission that counts (the latest) for each month from $first to $last. Parameters: $program,
-- $first, $last (first days of months).
SELECT month, figures, submitted_by, submitted_at
FROM submissions
WHERE program = $program AND month BETWEEN $first AND $last
QUALIFY row_number() OVER (PARTITION BY month ORDER BY submitted_at DESC, submission_id DESC) = 1
ORDER BY month;
