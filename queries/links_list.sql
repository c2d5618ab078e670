-- Pairs of people across sources, with who each side is, newest first. Parameters: $program, $status
-- (NULL: every status).
SELECT l.link_id, l.status, l.method, l.score, l.found_by, l.decided_by, l.decided_at,
    pa.source AS source_a, pa.client_id AS client_id_a, ia.first_key AS first_a, ia.last_key AS last_a,
    ia.birth_date AS birth_date_a,
    pb.source AS source_b, pb.client_id AS client_id_b, ib.first_key AS first_b, ib.last_key AS last_b,
    ib.birth_date AS birth_date_b
FROM person_links l
JOIN people pa ON pa.person_id = l.person_a
JOIN people pb ON pb.person_id = l.person_b
LEFT JOIN (SELECT * FROM identities QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY upload_id DESC) = 1) ia
  ON ia.person_id = l.person_a
LEFT JOIN (SELECT * FROM identities QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY upload_id DESC) = 1) ib
  ON ib.person_id = l.person_b
WHERE l.program = $program AND ($status IS NULL OR l.status = $status)
ORDER BY l.link_id DESC;
