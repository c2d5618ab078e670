SELECT link_id, program, person_a, person_b, method, status, found_by FROM person_links WHERE link_id = $link_id;
