-- +goose Up
-- seq numbers events in commit order, for polling triggers: a poll returns
-- what comes after the last event it saw, so the order must be the order in
-- which events became visible. Event IDs are made before the transaction
-- commits and can commit out of order; seq is assigned inside the insert,
-- under SQLite's single write lock (taken at BEGIN), so a later commit
-- always gets a larger seq. The trigger numbers every insert, whoever
-- writes it.
ALTER TABLE events ADD COLUMN seq INTEGER;
UPDATE events SET seq = o.n FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM events) AS o WHERE o.id = events.id;
CREATE UNIQUE INDEX events_seq ON events (seq);
CREATE INDEX events_account_type_seq ON events (account_id, type, seq);
-- +goose StatementBegin
CREATE TRIGGER events_assign_seq AFTER INSERT ON events FOR EACH ROW WHEN NEW.seq IS NULL
BEGIN
    UPDATE events SET seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM events) WHERE rowid = NEW.rowid;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER events_assign_seq;
DROP INDEX events_account_type_seq;
DROP INDEX events_seq;
ALTER TABLE events DROP COLUMN seq;
