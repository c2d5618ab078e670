-- A data lead's decision on a pair. Parameters: $link_id, $status, $who, $now.
UPDATE person_links SET status = $status, decided_by = $who, decided_at = $now WHERE link_id = $link_id;
