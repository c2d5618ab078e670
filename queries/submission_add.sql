-- Keep one month's figures as a data lead submitted them. Parameters: $program, $month (its first
-- day), $figures (JSON: population -> figure -> value), $who, $now.
INSERT INTO submissions (program, month, figures, submitted_by, submitted_at)
VALUES ($program, $month, $figures::JSON, $who, $now)
RETURNING submission_id;
