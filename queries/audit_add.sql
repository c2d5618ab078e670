INSERT INTO audit_log (happened_at, who, action, subject, detail, on_behalf_of)
VALUES ($happened_at, $who, $action, $subject, $detail, $on_behalf_of);
