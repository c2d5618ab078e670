SELECT value FROM settings WHERE program = $program AND key = $key;
