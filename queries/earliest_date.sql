SELECT min(e.event_date) AS earliest FROM events e JOIN records r USING (record_id) WHERE r.program = $program;
