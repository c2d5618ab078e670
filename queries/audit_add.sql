INSERT INTO audit_log (happened_at, who, action, subject, detail) VALUES ($happened_at, $who, $action, $subject, $detail);
