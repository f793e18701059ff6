-- +goose Up
-- Events listed with created_after (polling clients asking for what is new)
-- can range-scan recent rows instead of walking the account's history.
CREATE INDEX events_account_created ON events (account_id, created_at);
-- The daily "interested" series and the funnel's time-to-interest read only
-- candidates who reached interest, by when they did.
CREATE INDEX candidates_account_interested ON candidates (account_id, interested_at) WHERE interested_at IS NOT NULL;

-- +goose Down
DROP INDEX candidates_account_interested;
DROP INDEX events_account_created;
