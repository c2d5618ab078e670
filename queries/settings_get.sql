-- Several settings of one scope ('' for the installation's) in one query: the key and stored value of
-- each that is set.
SELECT key, value FROM settings WHERE program = $program AND list_contains($keys, key);
