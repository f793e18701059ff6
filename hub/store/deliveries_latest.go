package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/visage-jobs/visage-hub/hub"
)

// LatestAttempts returns the last attempt of each of an account's
// deliveries named in ids (those without attempts are absent), in one
// query, so a page of the delivery log can show each row's outcome and
// latency without a query per row. Headers and bodies are left out: the
// log table does not show them.
func (s *Store) LatestAttempts(ctx context.Context, accountID string, ids []string) (map[string]hub.Attempt, error) {
	out := map[string]hub.Attempt{}
	if len(ids) == 0 {
		return out, nil
	}
	query := `SELECT a.delivery_id, a.attempt, a.response_status, a.duration_ms, a.error, a.sent_at, a.next_attempt_at
		FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
		WHERE d.account_id = ? AND a.delivery_id IN (?` + strings.Repeat(", ?", len(ids)-1) + `)
		AND a.attempt = (SELECT MAX(b.attempt) FROM delivery_attempts b WHERE b.delivery_id = a.delivery_id)`
	args := []any{accountID}
	for _, id := range ids {
		args = append(args, id)
	}
	var rows []struct {
		DeliveryID     string   `db:"delivery_id"`
		Attempt        int      `db:"attempt"`
		ResponseStatus *int     `db:"response_status"`
		DurationMS     int64    `db:"duration_ms"`
		Error          *string  `db:"error"`
		SentAt         hub.Time `db:"sent_at"`
		NextAttemptAt  hub.Time `db:"next_attempt_at"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.q(query), args...); err != nil {
		return nil, fmt.Errorf("latest attempts: %w", err)
	}
	for _, r := range rows {
		out[r.DeliveryID] = hub.Attempt{Attempt: r.Attempt, ResponseStatus: r.ResponseStatus, DurationMS: r.DurationMS,
			Error: r.Error, SentAt: r.SentAt, NextAttemptAt: r.NextAttemptAt}
	}
	return out, nil
}
