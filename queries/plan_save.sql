-- Add a revision to a person's plan. The key (person_id, revision) refuses a second save of the same
-- revision, so of two people editing one plan at once only the first save lands.
INSERT INTO case_plans VALUES ($person_id, $revision, $next_step, $owner, $due_date, $barriers, $housing_match,
    $decision, $notes, $recorded_by, $recorded_at);
