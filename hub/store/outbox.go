package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/visage-jobs/visage-hub/hub"
)

// NewEvent builds an outbox event carrying resource as its data. Call it
// with the resource as it is after the change.
func NewEvent(accountID, typ, resourceID, jobID string, resource any, previousStatus *string) (hub.Event, error) {
	data, err := json.Marshal(resource)
	if err != nil {
		return hub.Event{}, fmt.Errorf("encode event data: %w", err)
	}
	return hub.Event{
		ID: hub.NewID(hub.PrefixEvent), AccountID: accountID, Type: typ, Timestamp: hub.Now(),
		Data: data, PreviousStatus: previousStatus, ResourceID: resourceID, JobID: jobID,
	}, nil
}

// insertEvents writes events into the outbox inside tx, so they commit or
// roll back together with the change they report. tx must come from inTx,
// which wakes the dispatchers after it commits.
func (s *Store) insertEvents(ctx context.Context, tx *sqlx.Tx, events ...hub.Event) error {
	s.markEvents(tx)
	for _, ev := range events {
		var job *string
		if ev.JobID != "" {
			job = &ev.JobID
		}
		_, err := s.execPrepared(ctx, tx, `INSERT INTO events (id, account_id, type, resource_id, job_id, data, previous_status, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			ev.ID, ev.AccountID, ev.Type, ev.ResourceID, job, string(ev.Data), ev.PreviousStatus, ev.Timestamp)
		if err != nil {
			return fmt.Errorf("insert event %s: %w", ev.Type, err)
		}
	}
	return nil
}

// jsonColumn encodes a slice or struct for a TEXT column; nil slices are
// stored as [] so reads never see null where the API promises an array.
func jsonColumn(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode column: %w", err)
	}
	if string(b) == "null" {
		return "[]", nil
	}
	return string(b), nil
}
