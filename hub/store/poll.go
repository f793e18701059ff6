package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
)

// PollQuery asks for the events behind one polling trigger.
type PollQuery struct {
	Type  string // one of hub.EventTypes
	JobID string // only events about this job; "" for any
	// SinceID, when set, asks for the events after this one in commit
	// order (see PollEvents); it must be an event of the account.
	SinceID string
	// SinceTime, when set, asks for the events that happened strictly
	// after it.
	SinceTime time.Time
	Limit     int // 1..hub.MaxPageLimit
}

// PollEvents returns an account's events of one type for a polling
// trigger, newest first.
//
// Polls follow commit order, not event IDs: an event ID is made before its
// transaction commits, so a transaction that commits late can carry an
// older ID than events a poll has already returned, and a client asking
// for "after the newest ID I saw" would skip it for good. Migration 00009
// gives every event an ordering key assigned in commit order (seq on
// SQLite, whose writers are serialised; (xid, seq) on PostgreSQL, read only
// below the oldest running transaction). With a since bound a poll returns
// the Limit oldest events after it (newest first), so polling again with
// the newest ID returned walks on without a gap or a repeat however many
// events arrive. Without one it returns the Limit newest events.
// SinceTime compares the time the event happened, for a first poll; it
// cannot see a late commit that happened earlier, which is why the event
// ID is the cursor to poll with.
//
// An unknown SinceID is a hub.ENotFound error.
func (s *Store) PollEvents(ctx context.Context, accountID string, q PollQuery) ([]hub.Event, error) {
	where := []string{"account_id = ?", "type = ?"}
	args := []any{accountID, q.Type}
	key := "seq"
	if s.dialect == Postgres {
		key = "xid, seq"
		where = append(where, "xid < pg_snapshot_xmin(pg_current_snapshot())")
	}
	if q.JobID != "" {
		where = append(where, "job_id = ?")
		args = append(args, q.JobID)
	}
	order := "DESC"
	if !q.SinceTime.IsZero() {
		where = append(where, "created_at > ?")
		args = append(args, q.SinceTime.UnixMilli())
		order = "ASC"
	}
	if q.SinceID != "" {
		xid, seq, err := s.eventOrder(ctx, accountID, q.SinceID)
		if err != nil {
			return nil, err
		}
		if s.dialect == Postgres {
			where = append(where, "(xid, seq) > (?::xid8, ?)")
			args = append(args, xid, seq)
		} else {
			where = append(where, "seq > ?")
			args = append(args, seq)
		}
		order = "ASC"
	}
	limit := q.Limit
	if limit < 1 || limit > hub.MaxPageLimit {
		limit = hub.MaxPageLimit
	}
	args = append(args, limit)
	orderBy := strings.ReplaceAll(key, ",", " "+order+",") + " " + order
	query := `SELECT ` + eventColumns + ` FROM events WHERE ` + strings.Join(where, " AND ") + ` ORDER BY ` + orderBy + ` LIMIT ?`
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("poll events: %w", err)
	}
	defer rows.Close()
	events := make([]hub.Event, 0, limit)
	for rows.Next() {
		ev, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("poll events: %w", err)
		}
		events = append(events, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("poll events: %w", err)
	}
	if order == "ASC" {
		slices.Reverse(events)
	}
	return events, nil
}

// eventOrder returns the ordering key of one of the account's events.
func (s *Store) eventOrder(ctx context.Context, accountID, id string) (xid string, seq int64, err error) {
	query := `SELECT '', seq FROM events WHERE account_id = ? AND id = ?`
	if s.dialect == Postgres {
		query = `SELECT xid::text, seq FROM events WHERE account_id = ? AND id = ?`
	}
	err = s.db.QueryRowContext(ctx, s.q(query), accountID, id).Scan(&xid, &seq)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, hub.Errorf(hub.ENotFound, "event not found")
	}
	if err != nil {
		return "", 0, fmt.Errorf("poll events: read the since event: %w", err)
	}
	return xid, seq, nil
}

// LatestEvent returns the account's most recent event of a type (in commit
// order), or a hub.ENotFound error when it has none.
func (s *Store) LatestEvent(ctx context.Context, accountID, eventType string) (hub.Event, error) {
	evs, err := s.PollEvents(ctx, accountID, PollQuery{Type: eventType, Limit: 1})
	if err != nil {
		return hub.Event{}, err
	}
	if len(evs) == 0 {
		return hub.Event{}, hub.Errorf(hub.ENotFound, "no %s event yet", eventType)
	}
	return evs[0], nil
}
