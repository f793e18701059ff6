-- +goose Up
-- The dispatchers' wake-up moves out of the event-writing transactions: the
-- store now sends NOTIFY visage_events after those commit, in a transaction
-- of its own that does not wait for the WAL flush (see hub/store/notify.go).
-- Sent from a trigger, the NOTIFY held PostgreSQL's database-wide notify
-- lock through each durable commit, so every commit that wrote events waited
-- for the previous one's flush instead of sharing it.
DROP TRIGGER events_notify ON events;
DROP FUNCTION visage_events_notify();

-- +goose Down
-- +goose StatementBegin
CREATE FUNCTION visage_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('visage_events', '');
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER events_notify AFTER INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION visage_events_notify();
