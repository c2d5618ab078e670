-- Every record of $program in `touched`, so refresh_states rebuilds them all.
CREATE OR REPLACE TEMPORARY TABLE touched AS SELECT record_id FROM records WHERE program = $program;
