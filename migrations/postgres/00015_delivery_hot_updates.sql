-- +goose Up
-- Each delivery row is updated at least twice after its insert: the lease
-- a claim takes and the status its attempt leaves. Leaving room in each
-- page lets PostgreSQL write the lease update as a heap-only tuple (the
-- lease columns are in no index), with no new entry in any of the table's
-- indexes. deliveries_due goes: since 00013 PostgreSQL claims through
-- deliveries_endpoint_due, and every index on this table is paid for on
-- every insert and on every update that changes the status.
ALTER TABLE deliveries SET (fillfactor = 70);
DROP INDEX deliveries_due;
-- A delivery's account is its endpoint's, and deleting an account deletes
-- its endpoints and so their deliveries (ON DELETE CASCADE both ways), so
-- this key adds nothing but a lookup of the account on every insert.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_account_id_fkey;

-- +goose Down
ALTER TABLE deliveries ADD CONSTRAINT deliveries_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts(id) ON DELETE CASCADE;
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('pending', 'retrying');
ALTER TABLE deliveries RESET (fillfactor);
