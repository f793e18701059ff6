-- +goose Up
-- find_job matches titles ignoring case. The database's lower() folds only
-- ASCII on SQLite (and on PostgreSQL depends on the cluster's locale), so
-- the hub keeps the title lower-cased in Go in title_key and compares that:
-- "INGÉNIEUR" finds "Ingénieur" on both databases alike. Existing rows get
-- the database's lower() here (exact for ASCII) and the hub's form on their
-- next change.
ALTER TABLE jobs ADD COLUMN title_key TEXT;
UPDATE jobs SET title_key = lower(title);
DROP INDEX jobs_account_title;
CREATE INDEX jobs_account_title_key ON jobs (account_id, title_key, id);

-- +goose Down
DROP INDEX jobs_account_title_key;
CREATE INDEX jobs_account_title ON jobs (account_id, lower(title), id);
ALTER TABLE jobs DROP COLUMN title_key;
