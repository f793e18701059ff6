-- +goose Up
-- find_job by title: the whole title ignoring case, newest first, straight
-- from an index (lower(title) = lower(?) matches this expression).
CREATE INDEX jobs_account_title ON jobs (account_id, lower(title), id);
-- find_candidate by LinkedIn address alone: keep id in the index so the
-- matches come back already newest first.
DROP INDEX candidates_account_linkedin;
CREATE INDEX candidates_account_linkedin ON candidates (account_id, linkedin_url, id);

-- +goose Down
DROP INDEX candidates_account_linkedin;
CREATE INDEX candidates_account_linkedin ON candidates (account_id, linkedin_url);
DROP INDEX jobs_account_title;
