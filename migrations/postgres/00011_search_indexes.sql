-- +goose Up
-- find_job by title: the whole title ignoring case, newest first, straight
-- from an index. title_key is the title lower-cased by the hub (Go), not by
-- the database, so both databases fold non-ASCII letters alike; rows that
-- exist already get the database's lower() (exact for ASCII) and the hub's
-- form on their next change.
ALTER TABLE jobs ADD COLUMN title_key TEXT;
UPDATE jobs SET title_key = lower(title);
CREATE INDEX jobs_account_title ON jobs (account_id, title_key, id);
-- find_candidate by LinkedIn address alone: keep id in the index so the
-- matches come back already newest first.
DROP INDEX candidates_account_linkedin;
CREATE INDEX candidates_account_linkedin ON candidates (account_id, linkedin_url, id);

-- +goose Down
DROP INDEX candidates_account_linkedin;
CREATE INDEX candidates_account_linkedin ON candidates (account_id, linkedin_url);
DROP INDEX jobs_account_title;
ALTER TABLE jobs DROP COLUMN title_key;
