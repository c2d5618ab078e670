-- A wrong password (or an email without one); failures older than the window no longer count.
DELETE FROM sign_in_failures WHERE failed_at < $forget_before;
INSERT INTO sign_in_failures (email, address, failed_at) VALUES ($email, $address, $at);
