-- The account's owner got in: their email's failures no longer slow them. The address keeps its own,
-- or signing in to one's own account would reset a spray of guesses at others.
DELETE FROM sign_in_failures WHERE email = $email;
