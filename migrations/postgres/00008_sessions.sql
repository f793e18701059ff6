-- +goose Up
-- sessions are the settings page's sign-ins. The cookie carries a random ID;
-- only its SHA-256 is kept, so a copy of the database cannot sign anyone in.
-- Deleting the row is signing out, on every device and process at once.
CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    subject    TEXT NOT NULL DEFAULT '',
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_account ON sessions (account_id);

-- +goose Down
DROP TABLE sessions;
