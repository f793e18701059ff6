-- +goose Up
-- The dispatcher's claim reads the due deliveries of active endpoints. On
-- a queue that grows faster than the planner's statistics are refreshed,
-- PostgreSQL may drive that read from the endpoints (a few rows) into
-- deliveries_endpoint, which holds every delivery the endpoint ever had;
-- this index holds only the waiting ones, so either way the claim reads
-- the queue, not the history.
CREATE INDEX deliveries_endpoint_due ON deliveries (endpoint_id, next_attempt_at) WHERE status IN ('pending', 'retrying');

-- +goose Down
DROP INDEX deliveries_endpoint_due;
