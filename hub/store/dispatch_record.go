package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/visage-jobs/visage-hub/hub"
)

// Outcome is what an attempt says about its endpoint's health.
type Outcome int

// The outcomes.
const (
	OutcomeSuccess Outcome = iota // a 2xx: the endpoint works
	OutcomeFailure                // anything else: counts toward disabling it
	OutcomeGone                   // 410 Gone: the receiver asked us to stop
	OutcomeNeutral                // says nothing about the endpoint (the event no longer exists)
)

// AttemptRecord is the result of one attempt, to be written with others in
// one transaction.
type AttemptRecord struct {
	DeliveryID string
	EndpointID string
	Kind       hub.EndpointKind
	Attempt    hub.Attempt
	// Status is the delivery's status after the attempt; NextAttemptAt in
	// Attempt says when the next one is due for a retrying delivery.
	Status  hub.DeliveryStatus
	Outcome Outcome
}

// RecordOptions are the rules RecordAttempts applies to endpoints.
type RecordOptions struct {
	Owner string
	Now   time.Time
	// FailureWindow is how long an endpoint may fail every attempt before
	// it is disabled.
	FailureWindow time.Duration
}

// RecordResult says what RecordAttempts did.
type RecordResult struct {
	// Applied counts the attempts written. An attempt whose delivery is no
	// longer leased to the owner (the lease expired and another dispatcher
	// took it) is dropped, since that dispatcher records its own.
	Applied int
	// Disabled maps each endpoint disabled by this batch to the reason.
	Disabled map[string]string
}

// health gathers what a batch says about one endpoint.
type health struct {
	kind                hub.EndpointKind
	gone                bool
	success             bool
	firstFailAfterOK    time.Time
	lastError           string
	failedAfterLastGood bool
}

// RecordAttempts writes a batch of attempt results in one transaction:
// each delivery's new status and schedule (only while the owner still
// holds its lease), its attempt log entry, and the endpoints' health: a
// success clears the failure streak, a 410 disables a webhook (and deletes a
// REST hook), and a streak older than the failure window disables the
// endpoint. Batching is what keeps PostgreSQL's commit rate from capping
// the dispatcher.
func (s *Store) RecordAttempts(ctx context.Context, recs []AttemptRecord, o RecordOptions) (RecordResult, error) {
	res := RecordResult{Disabled: map[string]string{}}
	err := s.inQueueTx(ctx, func(tx *sqlx.Tx) error {
		res.Applied = 0
		clear(res.Disabled)
		now := hub.TimeOf(o.Now)
		eps := map[string]*health{}
		var order []string
		applied, err := s.markAttempted(ctx, tx, recs, o.Owner, now)
		if err != nil {
			return err
		}
		var written []AttemptRecord
		for _, r := range recs {
			if applied[r.DeliveryID] {
				written = append(written, r)
			}
		}
		if err := s.insertAttempts(ctx, tx, written); err != nil {
			return err
		}
		res.Applied = len(written)
		for _, r := range written {
			if r.Outcome == OutcomeNeutral {
				continue
			}
			h := eps[r.EndpointID]
			if h == nil {
				h = &health{kind: r.Kind}
				eps[r.EndpointID] = h
				order = append(order, r.EndpointID)
			}
			switch r.Outcome {
			case OutcomeSuccess:
				h.success, h.failedAfterLastGood, h.firstFailAfterOK = true, false, time.Time{}
			default:
				h.gone = h.gone || r.Outcome == OutcomeGone
				if !h.failedAfterLastGood {
					h.firstFailAfterOK = r.Attempt.SentAt.Time
				}
				h.failedAfterLastGood = true
				h.lastError = attemptSummary(r.Attempt)
			}
		}
		// Endpoints in ID order, so two batches recorded at once lock
		// their rows in the same order and cannot deadlock.
		slices.Sort(order)
		// Endpoints whose last attempt here succeeded only clear their
		// failure streak: one statement for all of them.
		var healthy []any
		for _, id := range order {
			if h := eps[id]; !h.gone && !h.failedAfterLastGood {
				healthy = append(healthy, id)
			}
		}
		if len(healthy) > 0 {
			_, err := tx.ExecContext(ctx, s.q(`UPDATE webhook_endpoints SET failing_since = NULL
				WHERE id IN (`+placeholders(len(healthy))+`) AND failing_since IS NOT NULL`), healthy...)
			if err != nil {
				return fmt.Errorf("clear failure streaks: %w", err)
			}
		}
		for _, id := range order {
			if h := eps[id]; !h.gone && !h.failedAfterLastGood {
				continue
			}
			reason, err := s.applyHealth(ctx, tx, id, eps[id], now, o.FailureWindow)
			if err != nil {
				return err
			}
			if reason != "" {
				res.Disabled[id] = reason
			}
		}
		return nil
	})
	return res, err
}

// recordRowsPerStmt bounds the rows of one multi-row statement, keeping
// its parameters well inside both databases' limits.
const recordRowsPerStmt = 200

// markAttempted moves each delivery to its status after the attempt and
// frees its lease, in one statement per couple of hundred, but only where
// the owner still holds the lease and the attempt is the next one. It
// returns the deliveries it changed; the others' attempts are dropped.
func (s *Store) markAttempted(ctx context.Context, tx *sqlx.Tx, recs []AttemptRecord, owner string, now hub.Time) (map[string]bool, error) {
	applied := make(map[string]bool, len(recs))
	if s.dialect == Postgres {
		return applied, markAttemptedPG(ctx, tx, recs, owner, now, applied)
	}
	for start := 0; start < len(recs); start += recordRowsPerStmt {
		chunk := recs[start:min(start+recordRowsPerStmt, len(recs))]
		var rows strings.Builder
		args := []any{now}
		for i, r := range chunk {
			if i == 0 {
				rows.WriteString(`SELECT CAST(? AS TEXT) AS id, CAST(? AS TEXT) AS status, CAST(? AS INTEGER) AS attempts, CAST(? AS BIGINT) AS next_at`)
			} else {
				rows.WriteString(` UNION ALL SELECT ?, ?, ?, ?`)
			}
			args = append(args, r.DeliveryID, string(r.Status), r.Attempt.Attempt, r.Attempt.NextAttemptAt)
		}
		args = append(args, owner)
		var ids []string
		err := tx.SelectContext(ctx, &ids, s.q(`UPDATE deliveries SET status = v.status, attempts = v.attempts,
			next_attempt_at = v.next_at, lease_owner = NULL, lease_until = NULL, updated_at = ?
			FROM (`+rows.String()+`) AS v
			WHERE deliveries.id = v.id AND deliveries.lease_owner = ? AND deliveries.attempts = v.attempts - 1
			RETURNING deliveries.id`), args...)
		if err != nil {
			return nil, fmt.Errorf("record deliveries: %w", err)
		}
		for _, id := range ids {
			applied[id] = true
		}
	}
	return applied, nil
}

// markAttemptedPG is markAttempted in one statement of fixed shape: the
// batch goes in as arrays, unnested into rows. The portable form (a
// UNION ALL of one SELECT per delivery) cost PostgreSQL about 8 ms of
// planning per 100-row batch, more than running it, and planning was a
// fifth of the database's CPU under dispatch load.
func markAttemptedPG(ctx context.Context, tx *sqlx.Tx, recs []AttemptRecord, owner string, now hub.Time, applied map[string]bool) error {
	ids, statuses := make([]string, len(recs)), make([]string, len(recs))
	attempts, next := make([]int64, len(recs)), make([]sql.NullInt64, len(recs))
	for i, r := range recs {
		ids[i], statuses[i], attempts[i] = r.DeliveryID, string(r.Status), int64(r.Attempt.Attempt)
		if at := r.Attempt.NextAttemptAt; !at.IsZero() {
			next[i] = sql.NullInt64{Int64: at.UnixMilli(), Valid: true}
		}
	}
	var out []string
	err := tx.SelectContext(ctx, &out, `UPDATE deliveries SET status = v.status, attempts = v.attempts,
		next_attempt_at = v.next_at, lease_owner = NULL, lease_until = NULL, updated_at = $1
		FROM unnest($2::text[], $3::text[], $4::int[], $5::bigint[]) AS v(id, status, attempts, next_at)
		WHERE deliveries.id = v.id AND deliveries.lease_owner = $6 AND deliveries.attempts = v.attempts - 1
		RETURNING deliveries.id`, now, pq.StringArray(ids), pq.StringArray(statuses), pq.Int64Array(attempts), pq.Array(next), owner)
	if err != nil {
		return fmt.Errorf("record deliveries: %w", err)
	}
	for _, id := range out {
		applied[id] = true
	}
	return nil
}

// applyHealth updates one endpoint that answered 410 or whose last attempt
// in the batch failed, and returns the reason when it was disabled.
func (s *Store) applyHealth(ctx context.Context, tx *sqlx.Tx, id string, h *health, now hub.Time, window time.Duration) (string, error) {
	if h.gone {
		reason := "the endpoint answered 410 Gone, which asks senders to stop; fix the receiver and enable the webhook again"
		if h.kind == hub.KindHook {
			_, err := tx.ExecContext(ctx, s.q(`DELETE FROM webhook_endpoints WHERE id = ?`), id)
			if err != nil {
				return "", fmt.Errorf("delete gone hook: %w", err)
			}
			return "the hook answered 410 Gone and was deleted", nil
		}
		return s.disable(ctx, tx, id, reason, now, hub.Time{})
	}
	since := hub.TimeOf(h.firstFailAfterOK)
	streak := `COALESCE(failing_since, ?)`
	if h.success {
		streak = `?`
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE webhook_endpoints SET failing_since = `+streak+` WHERE id = ?`), since, id); err != nil {
		return "", fmt.Errorf("record failure streak: %w", err)
	}
	reason := fmt.Sprintf("every delivery attempt failed for %s, so deliveries were paused; last error: %s; "+
		"fix the receiver and enable the webhook again to resume them", humanDuration(window), h.lastError)
	return s.disable(ctx, tx, id, reason, now, hub.TimeOf(now.Add(-window)))
}

// disable turns an active endpoint off with a reason. With failingBefore
// set, only an endpoint whose failure streak began by then is disabled.
func (s *Store) disable(ctx context.Context, tx *sqlx.Tx, id, reason string, now, failingBefore hub.Time) (string, error) {
	query := `UPDATE webhook_endpoints SET status = 'disabled', status_reason = ?, disabled_at = ?, updated_at = ?
		WHERE id = ? AND status = 'active'`
	args := []any{reason, now, now, id}
	if !failingBefore.IsZero() {
		query += ` AND failing_since <= ?`
		args = append(args, failingBefore)
	}
	out, err := tx.ExecContext(ctx, s.q(query), args...)
	if err != nil {
		return "", fmt.Errorf("disable endpoint: %w", err)
	}
	if n, _ := out.RowsAffected(); n == 0 {
		return "", nil
	}
	return reason, nil
}

func attemptSummary(a hub.Attempt) string {
	if a.Error != nil {
		return *a.Error
	}
	if a.ResponseStatus != nil {
		return fmt.Sprintf("HTTP %d", *a.ResponseStatus)
	}
	return "no response"
}

func humanDuration(d time.Duration) string {
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		n := int(d / (24 * time.Hour))
		if n == 1 {
			return "1 day"
		}
		return fmt.Sprintf("%d days", n)
	}
	return d.String()
}

// RecoverLeases frees deliveries whose lease expired, so the delivery log
// shows no owner for them; claims already treat an expired lease as free.
func (s *Store) RecoverLeases(ctx context.Context, now time.Time) (int, error) {
	t := hub.TimeOf(now)
	out, err := s.db.ExecContext(ctx, s.q(`UPDATE deliveries SET lease_owner = NULL, lease_until = NULL
		WHERE status IN ('pending', 'retrying') AND lease_until IS NOT NULL AND lease_until < ?`), t)
	if err != nil {
		return 0, fmt.Errorf("recover leases: %w", err)
	}
	n, _ := out.RowsAffected()
	return int(n), nil
}

// PruneDeliveries deletes deliveries (and their attempts) created before
// cutoff, a thousand at a time so no transaction grows large, and returns
// how many went. Deliveries being sent at this moment are kept.
func (s *Store) PruneDeliveries(ctx context.Context, cutoff, now time.Time) (int, error) {
	total := 0
	for {
		out, err := s.db.ExecContext(ctx, s.q(`DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries
			WHERE created_at < ? AND (lease_until IS NULL OR lease_until < ?) LIMIT 1000)`), hub.TimeOf(cutoff), hub.TimeOf(now))
		if err != nil {
			return total, fmt.Errorf("prune deliveries: %w", err)
		}
		n, _ := out.RowsAffected()
		total += int(n)
		if n < 1000 {
			return total, nil
		}
	}
}

// QueueStats is the state of the delivery queue, for the metrics.
type QueueStats struct {
	Depth             int
	OldestPending     hub.Time
	DisabledEndpoints int
}

// DeliveryQueueStats counts waiting deliveries and disabled endpoints.
func (s *Store) DeliveryQueueStats(ctx context.Context) (QueueStats, error) {
	var st QueueStats
	err := s.db.QueryRowxContext(ctx, s.q(`SELECT COUNT(*), MIN(created_at) FROM deliveries WHERE status IN ('pending', 'retrying')`)).
		Scan(&st.Depth, &st.OldestPending)
	if err != nil {
		return st, fmt.Errorf("queue stats: %w", err)
	}
	err = s.db.GetContext(ctx, &st.DisabledEndpoints, s.q(`SELECT COUNT(*) FROM webhook_endpoints WHERE status = 'disabled'`))
	if err != nil {
		return st, fmt.Errorf("queue stats: %w", err)
	}
	return st, nil
}
