-- +goose Up
-- auth_epoch counts API-key revocations. Hub processes cache key look-ups
-- and drop their cache whenever the epoch moves; hub_nodes records which
-- epoch each live process has seen, so a revocation can wait until every
-- process has dropped the key before it answers.
CREATE TABLE auth_epoch (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    epoch BIGINT NOT NULL
);
INSERT INTO auth_epoch (id, epoch) VALUES (1, 0);

CREATE TABLE hub_nodes (
    id           TEXT PRIMARY KEY,
    seen_epoch   BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL,
    started_at   BIGINT NOT NULL
);

-- +goose Down
DROP TABLE hub_nodes;
DROP TABLE auth_epoch;
