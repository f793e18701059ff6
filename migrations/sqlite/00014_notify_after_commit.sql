-- +goose Up
-- Nothing changes on SQLite: its PostgreSQL twin drops the trigger that sent
-- the dispatchers' NOTIFY inside event-writing transactions (the store sends
-- it after commit now). SQLite has one process and no NOTIFY; the file keeps
-- both folders' versions in step.
SELECT 1;

-- +goose Down
SELECT 1;
