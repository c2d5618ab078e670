-- How often, and when last, a sign-in failed for this email and from this address (none when NULL).
SELECT count(*) FILTER (WHERE email = $email) AS by_email,
       max(failed_at) FILTER (WHERE email = $email) AS last_by_email,
       count(*) FILTER (WHERE address = $address) AS by_address,
       max(failed_at) FILTER (WHERE address = $address) AS last_by_address
FROM sign_in_failures
WHERE failed_at >= $since;
