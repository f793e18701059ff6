-- +goose Up
-- Polling triggers return what comes after the last event a client saw, so
-- they need an order in which a transaction that commits late can never
-- land behind an event already returned. Neither the event ID nor a plain
-- sequence gives that on PostgreSQL: both are taken before the commit, and
-- concurrent transactions commit in any order. So each event records the
-- 64-bit ID of the transaction that wrote it (xid) beside a sequence number
-- (seq), and polls order by (xid, seq) and only read events whose xid is
-- below the oldest transaction still running (pg_snapshot_xmin of the
-- statement's snapshot): everything there is final, and anything that
-- commits later has a larger xid, so it sorts after every event a poll has
-- already returned. Existing events get xid 1 and seq in ID order.
CREATE SEQUENCE events_seq AS BIGINT;
ALTER TABLE events ADD COLUMN seq BIGINT, ADD COLUMN xid xid8;
UPDATE events SET seq = o.n, xid = '1' FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM events) AS o WHERE o.id = events.id;
SELECT setval('events_seq', COALESCE((SELECT MAX(seq) FROM events), 0) + 1, false);
ALTER TABLE events
    ALTER COLUMN seq SET DEFAULT nextval('events_seq'), ALTER COLUMN seq SET NOT NULL,
    ALTER COLUMN xid SET DEFAULT pg_current_xact_id(), ALTER COLUMN xid SET NOT NULL;
ALTER SEQUENCE events_seq OWNED BY events.seq;
CREATE INDEX events_account_type_order ON events (account_id, type, xid, seq);

-- +goose Down
DROP INDEX events_account_type_order;
ALTER TABLE events DROP COLUMN xid, DROP COLUMN seq;
