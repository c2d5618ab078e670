-- Who a command-line action was done for (`--who`), kept beside the login name that did it, which
-- `who` holds: naming someone else never replaces the person at the keyboard.
ALTER TABLE audit_log ADD COLUMN on_behalf_of VARCHAR;
