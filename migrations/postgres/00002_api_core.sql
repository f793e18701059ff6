-- +goose Up
CREATE TABLE jobs (
    id              TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    external_id     TEXT,
    title           TEXT NOT NULL,
    description     TEXT,
    department      TEXT,
    location        TEXT,
    workplace_type  TEXT,
    employment_type TEXT,
    status          TEXT NOT NULL,
    hiring_manager  TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX jobs_account ON jobs (account_id, id);
CREATE INDEX jobs_account_status ON jobs (account_id, status, id);
CREATE INDEX jobs_account_updated ON jobs (account_id, updated_at);
CREATE UNIQUE INDEX jobs_account_external ON jobs (account_id, external_id) WHERE external_id IS NOT NULL;

CREATE TABLE candidates (
    id                  TEXT PRIMARY KEY,
    account_id          TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    job_id              TEXT REFERENCES jobs(id) ON DELETE SET NULL,
    first_name          TEXT,
    last_name           TEXT,
    full_name           TEXT NOT NULL,
    email               TEXT,
    phone               TEXT,
    linkedin_url        TEXT,
    headline            TEXT,
    location            TEXT,
    current_title       TEXT,
    current_company     TEXT,
    experience          TEXT NOT NULL DEFAULT '[]',
    education           TEXT NOT NULL DEFAULT '[]',
    skills              TEXT NOT NULL DEFAULT '[]',
    tags                TEXT NOT NULL DEFAULT '[]',
    status              TEXT NOT NULL,
    source              TEXT,
    resume_filename     TEXT,
    resume_content_type TEXT,
    resume_size         BIGINT,
    interested_at       BIGINT,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE INDEX candidates_account ON candidates (account_id, id);
CREATE INDEX candidates_account_status ON candidates (account_id, status, id);
CREATE INDEX candidates_account_job_status ON candidates (account_id, job_id, status, id);
CREATE INDEX candidates_account_email ON candidates (account_id, email);
CREATE INDEX candidates_account_linkedin ON candidates (account_id, linkedin_url);
CREATE INDEX candidates_account_updated ON candidates (account_id, updated_at);
CREATE INDEX candidates_account_created ON candidates (account_id, created_at);

CREATE TABLE resumes (
    candidate_id TEXT PRIMARY KEY REFERENCES candidates(id) ON DELETE CASCADE,
    account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    etag         TEXT NOT NULL,
    data         BYTEA NOT NULL,
    created_at   BIGINT NOT NULL
);

-- The transactional outbox: one row per change, written in the change's
-- transaction. dispatched_at is set once the dispatcher has fanned the
-- event out to deliveries.
CREATE TABLE events (
    id              TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    type            TEXT NOT NULL,
    resource_id     TEXT NOT NULL,
    job_id          TEXT,
    data            TEXT NOT NULL,
    previous_status TEXT,
    created_at      BIGINT NOT NULL,
    dispatched_at   BIGINT
);
CREATE INDEX events_account ON events (account_id, id);
CREATE INDEX events_account_type ON events (account_id, type, id);
CREATE INDEX events_undispatched ON events (id) WHERE dispatched_at IS NULL;

CREATE TABLE idempotency_keys (
    account_id    TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    key           TEXT NOT NULL,
    method        TEXT NOT NULL,
    path          TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        INTEGER NOT NULL,
    content_type  TEXT NOT NULL DEFAULT '',
    location      TEXT NOT NULL DEFAULT '',
    body          BYTEA,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (account_id, key)
);
CREATE INDEX idempotency_created ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE events;
DROP TABLE resumes;
DROP TABLE candidates;
DROP TABLE jobs;
