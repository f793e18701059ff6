-- +goose Up
-- A replay of an endpoint's deliveries, run in the background in chunks
-- (POST /v1/webhooks/{id}/replay). A runner (any dispatcher) owns a job
-- while lease_owner/lease_until say so; an expired lease (a killed process)
-- lets another take it over from cursor_id, the last delivery dealt with.
-- queued and cursor_id change in the transaction that queues each chunk,
-- so progress is never lost or counted twice. tries counts the takes since
-- the last chunk went through: a job that keeps failing stops as failed.
-- statuses is a JSON array of the delivery statuses replayed.
CREATE TABLE replay_jobs (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    since       BIGINT NOT NULL,
    until_at    BIGINT NOT NULL,
    statuses    TEXT NOT NULL,
    status      TEXT NOT NULL,
    queued      INTEGER NOT NULL DEFAULT 0,
    cursor_id   TEXT NOT NULL DEFAULT '',
    error       TEXT,
    last_error  TEXT,
    tries       INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until BIGINT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX replay_jobs_running ON replay_jobs (created_at) WHERE status = 'running';
CREATE INDEX replay_jobs_endpoint ON replay_jobs (endpoint_id);

-- +goose Down
DROP TABLE replay_jobs;
