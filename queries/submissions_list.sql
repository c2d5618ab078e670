-- Every submission of a program, newest month first and, within a month, the latest first (the one
-- that counts). Parameter: $program.
SELECT submission_id, month, figures, submitted_by, submitted_at,
    row_number() OVER (PARTITION BY month ORDER BY submitted_at DESC, submission_id DESC) = 1 AS counts
FROM submissions
WHERE program = $program
ORDER BY month DESC, submitted_at DESC, submission_id DESC;
