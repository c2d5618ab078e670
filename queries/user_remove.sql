-- Take away someone's access. What they did stays in the audit trail under their email.
DELETE FROM users WHERE email = $email;
