-- +goose Up
-- ?job_id= without a status: walk one job's candidates newest first straight
-- from an index, instead of sorting every candidate of a large job (the
-- (account_id, job_id, status, id) index only orders by id within a status).
CREATE INDEX candidates_account_job ON candidates (account_id, job_id, id);
-- ?email= matches a handful of rows; keeping id in the index lets them come
-- back already in page order.
DROP INDEX candidates_account_email;
CREATE INDEX candidates_account_email ON candidates (account_id, email, id);

-- +goose Down
DROP INDEX candidates_account_email;
CREATE INDEX candidates_account_email ON candidates (account_id, email);
DROP INDEX candidates_account_job;
