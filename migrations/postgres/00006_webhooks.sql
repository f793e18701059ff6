-- +goose Up
-- Endpoints that events are pushed to: webhooks made by people (wh_…) and,
-- later, REST hooks made by Zapier, Make and n8n (hook_…). One table, so both
-- share the delivery machinery. The secrets are kept readable because every
-- delivery is signed with them; previous_secret signs beside the current one
-- until previous_expires_at after a rotation.
CREATE TABLE webhook_endpoints (
    id                  TEXT PRIMARY KEY,
    account_id          TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind                TEXT NOT NULL,
    url                 TEXT NOT NULL,
    events              TEXT NOT NULL DEFAULT '[]',
    job_id              TEXT,
    filters             TEXT,
    description         TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL,
    status_reason       TEXT,
    disabled_at         BIGINT,
    secret              TEXT NOT NULL,
    previous_secret     TEXT NOT NULL DEFAULT '',
    previous_expires_at BIGINT,
    failing_since       BIGINT,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE INDEX webhook_endpoints_account ON webhook_endpoints (account_id, id);
CREATE INDEX webhook_endpoints_account_status ON webhook_endpoints (account_id, status);

-- One event on its way to one endpoint. A dispatcher owns a delivery while
-- lease_owner/lease_until say so; an expired lease (a crashed process) makes
-- it claimable again. payload is set only for deliveries whose event is not
-- in the outbox (test events); the others read the event row.
CREATE TABLE deliveries (
    id              TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    endpoint_id     TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event_id        TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    status          TEXT NOT NULL,
    test            BOOLEAN NOT NULL DEFAULT FALSE,
    payload         TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT,
    lease_owner     TEXT,
    lease_until     BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX deliveries_event_endpoint ON deliveries (event_id, endpoint_id);
CREATE INDEX deliveries_endpoint ON deliveries (endpoint_id, id);
CREATE INDEX deliveries_created ON deliveries (created_at);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('pending', 'retrying');

-- Every HTTP request of a delivery. The primary key is also the guard
-- against sending one attempt twice: a second record of the same attempt
-- number cannot be written.
CREATE TABLE delivery_attempts (
    delivery_id      TEXT NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
    attempt          INTEGER NOT NULL,
    request_headers  TEXT NOT NULL,
    response_status  INTEGER,
    response_headers TEXT NOT NULL DEFAULT '{}',
    response_body    TEXT NOT NULL DEFAULT '',
    duration_ms      BIGINT NOT NULL,
    error            TEXT,
    sent_at          BIGINT NOT NULL,
    next_attempt_at  BIGINT,
    PRIMARY KEY (delivery_id, attempt)
);

-- Wake every dispatcher (LISTEN visage_events) when events commit, so a
-- change made by any hub process is pushed at once. NOTIFY is delivered at
-- commit and never for a rolled-back transaction.
-- +goose StatementBegin
CREATE FUNCTION visage_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('visage_events', '');
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER events_notify AFTER INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION visage_events_notify();

-- +goose Down
DROP TRIGGER events_notify ON events;
DROP FUNCTION visage_events_notify();
DROP TABLE delivery_attempts;
DROP TABLE deliveries;
DROP TABLE webhook_endpoints;
