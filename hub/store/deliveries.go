package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/visage-jobs/visage-hub/hub"
)

const deliveryColumns = `id, account_id, endpoint_id, event_id, event_type, status, test, attempts, next_attempt_at, created_at, updated_at`

// DeliveryFilter narrows a delivery log. Zero fields do not filter.
type DeliveryFilter struct {
	Status        hub.DeliveryStatus
	EventType     string
	CreatedAfter  hub.Time
	CreatedBefore hub.Time
}

// ListDeliveries returns one page of an endpoint's delivery log, newest
// first, without the attempts (GetDelivery has them).
func (s *Store) ListDeliveries(ctx context.Context, accountID, endpointID string, f DeliveryFilter, p hub.Page) ([]hub.Delivery, bool, error) {
	query := `SELECT ` + deliveryColumns + ` FROM deliveries WHERE account_id = ? AND endpoint_id = ?`
	args := []any{accountID, endpointID}
	if f.Status != "" {
		query += ` AND status = ?`
		args = append(args, string(f.Status))
	}
	if f.EventType != "" {
		query += ` AND event_type = ?`
		args = append(args, f.EventType)
	}
	if !f.CreatedAfter.IsZero() {
		query += ` AND created_at > ?`
		args = append(args, f.CreatedAfter)
	}
	if !f.CreatedBefore.IsZero() {
		query += ` AND created_at < ?`
		args = append(args, f.CreatedBefore)
	}
	if p.After != "" {
		query += ` AND id < ?`
		args = append(args, p.After)
	}
	query += ` ORDER BY id DESC LIMIT ?`
	args = append(args, p.Limit+1)
	var out []hub.Delivery
	if err := s.db.SelectContext(ctx, &out, s.q(query), args...); err != nil {
		return nil, false, fmt.Errorf("list deliveries: %w", err)
	}
	out, more := cutPage(out, p.Limit)
	for i := range out {
		out[i].SetEndpoint(out[i].EndpointID)
	}
	return out, more, nil
}

// GetDelivery returns one of an account's deliveries with every attempt,
// oldest first.
func (s *Store) GetDelivery(ctx context.Context, accountID, id string) (hub.Delivery, error) {
	var row taskRow
	err := s.db.GetContext(ctx, &row, s.q(taskQuery+` WHERE d.account_id = ? AND d.id = ?`), accountID, id)
	if err != nil {
		return hub.Delivery{}, notFound(err, "delivery")
	}
	t := row.task() // the body, built exactly as the dispatcher sends it
	d := t.Delivery
	if d.Attempts, err = s.attempts(ctx, s.db, id); err != nil {
		return hub.Delivery{}, err
	}
	for i := range d.Attempts {
		d.Attempts[i].RequestBody = string(t.Body)
	}
	return d, nil
}

// attemptRow is an attempt as stored: the header maps are JSON text.
type attemptRow struct {
	Attempt         int      `db:"attempt"`
	RequestHeaders  string   `db:"request_headers"`
	ResponseStatus  *int     `db:"response_status"`
	ResponseHeaders string   `db:"response_headers"`
	ResponseBody    string   `db:"response_body"`
	DurationMS      int64    `db:"duration_ms"`
	Error           *string  `db:"error"`
	SentAt          hub.Time `db:"sent_at"`
	NextAttemptAt   hub.Time `db:"next_attempt_at"`
}

func (s *Store) attempts(ctx context.Context, q sqlx.QueryerContext, deliveryID string) ([]hub.Attempt, error) {
	var rows []attemptRow
	err := sqlx.SelectContext(ctx, q, &rows, s.q(`SELECT attempt, request_headers, response_status, response_headers,
		response_body, duration_ms, error, sent_at, next_attempt_at FROM delivery_attempts WHERE delivery_id = ? ORDER BY attempt`), deliveryID)
	if err != nil {
		return nil, fmt.Errorf("list attempts: %w", err)
	}
	out := make([]hub.Attempt, 0, len(rows))
	for _, r := range rows {
		a := hub.Attempt{Attempt: r.Attempt, ResponseStatus: r.ResponseStatus, ResponseBody: r.ResponseBody,
			DurationMS: r.DurationMS, Error: r.Error, SentAt: r.SentAt, NextAttemptAt: r.NextAttemptAt}
		if err := json.Unmarshal([]byte(r.RequestHeaders), &a.RequestHeaders); err != nil {
			return nil, fmt.Errorf("decode attempt headers: %w", err)
		}
		if err := json.Unmarshal([]byte(r.ResponseHeaders), &a.ResponseHeaders); err != nil {
			return nil, fmt.Errorf("decode attempt headers: %w", err)
		}
		out = append(out, a)
	}
	return out, nil
}

// insertAttempt writes one attempt.
func (s *Store) insertAttempt(ctx context.Context, tx *sqlx.Tx, deliveryID string, a hub.Attempt) error {
	return s.insertAttempts(ctx, tx, []AttemptRecord{{DeliveryID: deliveryID, Attempt: a}})
}

const attemptInsertCols = 10

// insertAttempts writes attempts with multi-row INSERTs, so recording a
// batch costs a few statements, not one per attempt. The text is made
// safe for PostgreSQL's TEXT (valid UTF-8, no NUL), since response bodies
// are whatever an endpoint sent.
func (s *Store) insertAttempts(ctx context.Context, tx *sqlx.Tx, recs []AttemptRecord) error {
	row := "(" + placeholders(attemptInsertCols) + ")"
	for start := 0; start < len(recs); start += recordRowsPerStmt {
		chunk := recs[start:min(start+recordRowsPerStmt, len(recs))]
		args := make([]any, 0, len(chunk)*attemptInsertCols)
		for _, r := range chunk {
			a := r.Attempt
			reqH, err := json.Marshal(a.RequestHeaders)
			if err != nil {
				return fmt.Errorf("encode attempt: %w", err)
			}
			if a.ResponseHeaders == nil {
				a.ResponseHeaders = map[string]string{}
			}
			resH, err := json.Marshal(a.ResponseHeaders)
			if err != nil {
				return fmt.Errorf("encode attempt: %w", err)
			}
			var errText *string
			if a.Error != nil {
				e := cleanText(*a.Error)
				errText = &e
			}
			args = append(args, r.DeliveryID, a.Attempt, cleanText(string(reqH)), a.ResponseStatus, cleanText(string(resH)),
				cleanText(a.ResponseBody), a.DurationMS, errText, a.SentAt, a.NextAttemptAt)
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO delivery_attempts (delivery_id, attempt, request_headers, response_status,
			response_headers, response_body, duration_ms, error, sent_at, next_attempt_at) VALUES `+row+
			strings.Repeat(", "+row, len(chunk)-1)+` ON CONFLICT (delivery_id, attempt) DO NOTHING`), args...)
		if err != nil {
			return fmt.Errorf("insert attempts: %w", err)
		}
	}
	return nil
}

func cleanText(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// CreateTestDelivery records a test event sent outside the queue, with its
// one attempt, so it shows in the delivery log like any other and can be
// resent. The payload is kept because a test event is not in the outbox.
func (s *Store) CreateTestDelivery(ctx context.Context, d hub.Delivery, payload []byte) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO deliveries (id, account_id, endpoint_id, event_id, event_type, status,
			test, payload, attempts, next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			d.ID, d.AccountID, d.EndpointID, d.EventID, d.EventType, string(d.Status), true, string(payload),
			len(d.Attempts), d.NextAttemptAt, d.CreatedAt, d.UpdatedAt)
		if err != nil {
			return fmt.Errorf("create test delivery: %w", err)
		}
		for _, a := range d.Attempts {
			if err := s.insertAttempt(ctx, tx, d.ID, a); err != nil {
				return err
			}
		}
		return nil
	})
}

// RetryDelivery schedules one more attempt of a delivery now, whatever its
// status. A delivery being sent at this moment is a conflict: retrying it
// would send the same attempt twice.
func (s *Store) RetryDelivery(ctx context.Context, accountID, id string) (hub.Delivery, error) {
	now := hub.Now()
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE deliveries SET status = ?, next_attempt_at = ?, updated_at = ?
		WHERE account_id = ? AND id = ? AND (lease_until IS NULL OR lease_until < ?)`),
		string(retryStatus), now, now, accountID, id, now)
	if err != nil {
		return hub.Delivery{}, fmt.Errorf("retry delivery: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := s.GetDelivery(ctx, accountID, id); err != nil {
			return hub.Delivery{}, err
		}
		return hub.Delivery{}, hub.Errorf(hub.EConflict, "the delivery is being sent right now; try again when this attempt is recorded")
	}
	s.deliveriesDue(DueDeliveries)
	return s.GetDelivery(ctx, accountID, id)
}

// retryStatus is what a manually resent delivery becomes: it waits in the
// queue like a first attempt.
const retryStatus = hub.DeliveryPending
