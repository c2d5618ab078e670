-- Keep one month's figures as a data lead submitted them. Parameters: $program, $month (its first
-- day), $figures (JSON: population -> figure -> value), $who, $now, $submission_id (its sequence's next).
INSERT INTO submissions (submission_id, program, month, figures, submitted_by, submitted_at)
VALUES ($submission_id, $program, $month, $figures::JSON, $who, $now);
