package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
)

// EventFilter narrows the event list, so a polling client fetches only the
// kinds of event it handles and only those newer than its last poll. The
// zero value lists every event.
type EventFilter struct {
	Type         string    // one of hub.EventTypes, or "" for every type
	CreatedAfter time.Time // only events strictly after this instant; zero for no bound
}

const eventColumns = `id, account_id, type, resource_id, job_id, data, previous_status, created_at`

// ListEvents returns one page of an account's outbox, newest first, as the
// envelopes a webhook would deliver. The bool says whether another page
// follows.
//
// The walk is keyset on id (events_account, or events_account_type with a
// type). With created_after the database may instead range-scan
// events_account_created and sort what it finds: that is what makes a
// polling client's "anything in the last minute?" cheap, where walking by
// id would read the account's whole history on the last page to learn that
// nothing older matches. PostgreSQL chooses by its statistics; SQLite,
// which has none, always takes the range scan, so a created_after far in
// the past costs a sort of everything after it on each page (a full
// backfill should page without created_after).
func (s *Store) ListEvents(ctx context.Context, accountID string, f EventFilter, p hub.Page) ([]hub.Event, bool, error) {
	where := []string{"account_id = ?"}
	args := []any{accountID}
	if f.Type != "" {
		where = append(where, "type = ?")
		args = append(args, f.Type)
	}
	if !f.CreatedAfter.IsZero() {
		where = append(where, "created_at > ?")
		args = append(args, f.CreatedAfter.UnixMilli())
	}
	if p.After != "" {
		where = append(where, "id < ?")
		args = append(args, p.After)
	}
	limit := p.Limit
	if limit < 1 || limit > hub.MaxPageLimit {
		limit = hub.DefaultPageLimit
	}
	args = append(args, limit+1)
	query := `SELECT ` + eventColumns + ` FROM events WHERE ` + strings.Join(where, " AND ") + ` ORDER BY id DESC LIMIT ?`

	rs, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, false, fmt.Errorf("list events: %w", err)
	}
	return scanPage(rs, limit, "events", scanEvent)
}

// GetEvent returns one of an account's events; another account's event is
// not found, exactly like one that does not exist.
func (s *Store) GetEvent(ctx context.Context, accountID, id string) (hub.Event, error) {
	row := s.db.QueryRowContext(ctx, s.q(`SELECT `+eventColumns+` FROM events WHERE account_id = ? AND id = ?`), accountID, id)
	ev, err := scanEvent(row)
	if err != nil {
		return hub.Event{}, notFound(err, "event")
	}
	return ev, nil
}

// scanEvent reads one row of eventColumns. It scans by position rather than
// by struct tags because hub.Event's JSON names are the webhook contract
// and its storage columns differ (data is TEXT, job_id nullable).
func scanEvent(sc interface{ Scan(...any) error }) (hub.Event, error) {
	var (
		ev   hub.Event
		job  sql.NullString
		data string
		prev sql.NullString
	)
	if err := sc.Scan(&ev.ID, &ev.AccountID, &ev.Type, &ev.ResourceID, &job, &data, &prev, &ev.Timestamp); err != nil {
		return hub.Event{}, err
	}
	ev.JobID = job.String
	ev.Data = json.RawMessage(data)
	if prev.Valid {
		ev.PreviousStatus = &prev.String
	}
	return ev, nil
}
