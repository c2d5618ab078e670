-- The audit trail, newest first, optionally narrowed to a person or a user and to a time span.
-- Parameters: $who (done by, or on behalf of), $subject (NULL: anyone, anything), $since, $until (NULL: no bound).
SELECT audit_id, happened_at, who, on_behalf_of, action, subject, detail
FROM audit_log
WHERE ($who IS NULL OR who = $who OR on_behalf_of = $who) AND ($subject IS NULL OR subject = $subject)
  AND ($since IS NULL OR happened_at >= $since) AND ($until IS NULL OR happened_at < $until)
ORDER BY audit_id DESC;
