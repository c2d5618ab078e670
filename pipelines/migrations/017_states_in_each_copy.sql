-- PostgreSQL only: the records' states are worked out by each server in its copy of the data version
-- (pipelines/record_states.py); the shared store keeps the facts alone. The table stays, empty, as the
-- shape each copy fills.
DELETE FROM record_states;
