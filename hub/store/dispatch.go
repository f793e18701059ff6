package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/triggers"
)

// This file is the dispatcher's work queue. Every step is one transaction,
// and on PostgreSQL every claim skips rows another process holds (FOR UPDATE
// SKIP LOCKED), so any number of dispatchers can share one database without
// losing an event or sending an attempt twice.

// skipLocked is the row-lock clause of a claim: PostgreSQL skips rows that
// another dispatcher's claim holds; SQLite's single writer needs none.
func (s *Store) skipLocked(of string) string {
	if s.dialect != Postgres {
		return ""
	}
	if of != "" {
		return ` FOR UPDATE OF ` + of + ` SKIP LOCKED`
	}
	return ` FOR UPDATE SKIP LOCKED`
}

func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return "?" + strings.Repeat(", ?", n-1)
}

// FanOut takes up to limit undispatched events, creates one pending
// delivery per active endpoint that subscribes to each (and existed when
// the event was recorded), and marks the events dispatched, all in one
// transaction: a crash before the commit leaves the events undispatched,
// after it the deliveries exist. It returns how many events it took and
// how many deliveries it made. The deliveries are due at `at`.
func (s *Store) FanOut(ctx context.Context, limit int, at time.Time) (events, deliveries int, err error) {
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		var evs []struct {
			ID        string   `db:"id"`
			AccountID string   `db:"account_id"`
			Type      string   `db:"type"`
			JobID     *string  `db:"job_id"`
			CreatedAt hub.Time `db:"created_at"`
		}
		err := tx.SelectContext(ctx, &evs, s.q(`SELECT id, account_id, type, job_id, created_at FROM events
			WHERE dispatched_at IS NULL ORDER BY id LIMIT ?`+s.skipLocked("")), limit)
		if err != nil {
			return fmt.Errorf("claim events: %w", err)
		}
		if len(evs) == 0 {
			return nil
		}
		accounts, ids := []any{}, []any{}
		seen := map[string]bool{}
		for _, e := range evs {
			ids = append(ids, e.ID)
			if !seen[e.AccountID] {
				seen[e.AccountID] = true
				accounts = append(accounts, e.AccountID)
			}
		}
		var rows []webhookRow
		err = tx.SelectContext(ctx, &rows, s.q(`SELECT `+webhookColumns+` FROM webhook_endpoints
			WHERE status = 'active' AND account_id IN (`+placeholders(len(accounts))+`)`), accounts...)
		if err != nil {
			return fmt.Errorf("load endpoints: %w", err)
		}
		byAccount := map[string][]hub.Webhook{}
		for _, r := range rows {
			w, err := r.webhook()
			if err != nil {
				return err
			}
			byAccount[w.AccountID] = append(byAccount[w.AccountID], w)
		}
		now := hub.TimeOf(at)
		var values []any
		for _, e := range evs {
			job := ""
			if e.JobID != nil {
				job = *e.JobID
			}
			for _, w := range byAccount[e.AccountID] {
				if w.CreatedAt.After(e.CreatedAt.Time) || !w.Wants(e.Type, job) {
					continue
				}
				values = append(values, hub.NewID(hub.PrefixDelivery), e.AccountID, w.ID, e.ID, e.Type,
					string(hub.DeliveryPending), 0, now, now, now)
			}
		}
		if err := s.insertDeliveries(ctx, tx, values); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE events SET dispatched_at = ? WHERE id IN (`+placeholders(len(ids))+`)`),
			append([]any{now}, ids...)...)
		if err != nil {
			return fmt.Errorf("mark events dispatched: %w", err)
		}
		events, deliveries = len(evs), len(values)/deliveryInsertCols
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return events, deliveries, nil
}

const deliveryInsertCols = 10

// insertDeliveries writes delivery rows with multi-row INSERTs, a few
// hundred rows a statement, so a burst of events costs few round trips.
func (s *Store) insertDeliveries(ctx context.Context, tx *sqlx.Tx, values []any) error {
	const rowsPerStmt = 200
	row := "(" + placeholders(deliveryInsertCols) + ")"
	for start := 0; start < len(values); start += rowsPerStmt * deliveryInsertCols {
		end := min(start+rowsPerStmt*deliveryInsertCols, len(values))
		n := (end - start) / deliveryInsertCols
		query := `INSERT INTO deliveries (id, account_id, endpoint_id, event_id, event_type, status, attempts,
			next_attempt_at, created_at, updated_at) VALUES ` + row + strings.Repeat(", "+row, n-1) +
			` ON CONFLICT (event_id, endpoint_id) DO NOTHING`
		if _, err := tx.ExecContext(ctx, s.q(query), values[start:end]...); err != nil {
			return fmt.Errorf("insert deliveries: %w", err)
		}
	}
	return nil
}

// Task is a claimed delivery with everything needed to send it: the
// endpoint's URL and secrets and the body.
type Task struct {
	Delivery hub.Delivery
	Endpoint hub.Webhook
	// Body is the event envelope, or nil when the event no longer exists.
	Body []byte
}

// ClaimRequest says what a dispatcher can take on now.
type ClaimRequest struct {
	Owner string
	Now   time.Time
	Lease time.Duration
	Limit int
	// Exclude lists endpoints the dispatcher has no free slot for.
	Exclude []string
	// Take is asked, in due order, whether the dispatcher takes a delivery
	// to this endpoint; it reserves a slot when it says yes. It is how the
	// per-endpoint concurrency cap reaches inside the claim.
	Take func(endpointID string) bool
}

type taskRow struct {
	hub.Delivery
	Payload     *string  `db:"payload"`
	EvType      *string  `db:"ev_type"`
	EvData      *string  `db:"ev_data"`
	EvPrev      *string  `db:"ev_prev"`
	EvCreated   hub.Time `db:"ev_created"`
	Kind        string   `db:"kind"`
	URL         string   `db:"url"`
	Secret      string   `db:"secret"`
	PrevSecret  string   `db:"previous_secret"`
	PrevExpires hub.Time `db:"previous_expires_at"`
}

// ClaimDeliveries leases due deliveries of active endpoints to r.Owner until
// r.Now+r.Lease and returns them. A lease that expired (its dispatcher
// crashed or hung) is claimable again, which is how lease recovery works.
func (s *Store) ClaimDeliveries(ctx context.Context, r ClaimRequest) ([]Task, error) {
	var tasks []Task
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		now := hub.TimeOf(r.Now)
		query := `SELECT d.id, d.account_id, d.endpoint_id, d.event_id, d.event_type, d.status, d.test, d.attempts,
			d.next_attempt_at, d.created_at, d.updated_at, d.payload, e.type AS ev_type, e.data AS ev_data,
			e.previous_status AS ev_prev, e.created_at AS ev_created, w.kind, w.url, w.secret, w.previous_secret,
			w.previous_expires_at
			FROM deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id LEFT JOIN events e ON e.id = d.event_id
			WHERE d.status IN ('pending', 'retrying') AND d.next_attempt_at <= ?
			AND (d.lease_until IS NULL OR d.lease_until < ?) AND w.status = 'active'`
		args := []any{now, now}
		if len(r.Exclude) > 0 {
			query += ` AND d.endpoint_id NOT IN (` + placeholders(len(r.Exclude)) + `)`
			for _, id := range r.Exclude {
				args = append(args, id)
			}
		}
		query += ` ORDER BY d.next_attempt_at LIMIT ?` + s.skipLocked("d")
		args = append(args, r.Limit*4)
		var rows []taskRow
		if err := tx.SelectContext(ctx, &rows, s.q(query), args...); err != nil {
			return fmt.Errorf("claim deliveries: %w", err)
		}
		var ids []any
		for _, row := range rows {
			if len(ids) == r.Limit {
				break
			}
			if r.Take != nil && !r.Take(row.EndpointID) {
				continue
			}
			ids = append(ids, row.ID)
			tasks = append(tasks, row.task())
		}
		if len(ids) == 0 {
			return nil
		}
		until := hub.TimeOf(r.Now.Add(r.Lease))
		_, err := tx.ExecContext(ctx, s.q(`UPDATE deliveries SET lease_owner = ?, lease_until = ? WHERE id IN (`+placeholders(len(ids))+`)`),
			append([]any{r.Owner, until}, ids...)...)
		if err != nil {
			return fmt.Errorf("lease deliveries: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return tasks, nil
}

func (row taskRow) task() Task {
	d := row.Delivery
	d.SetEndpoint(d.EndpointID)
	t := Task{
		Delivery: d,
		Endpoint: hub.Webhook{ID: d.EndpointID, AccountID: d.AccountID, Kind: hub.EndpointKind(row.Kind), URL: row.URL,
			Status: hub.WebhookActive, Secret: row.Secret, PreviousSecret: row.PrevSecret, PreviousExpiresAt: row.PrevExpires},
	}
	switch {
	case row.Payload != nil:
		t.Body = []byte(*row.Payload)
	case row.EvData != nil:
		ev := hub.Event{ID: d.EventID, Type: *row.EvType, Timestamp: row.EvCreated, Data: json.RawMessage(*row.EvData), PreviousStatus: row.EvPrev}
		b, err := json.Marshal(ev)
		if t.Endpoint.Kind == hub.KindHook {
			b, err = triggers.DeliveryBody(ev) // the envelope plus the trigger item
		}
		if err == nil {
			t.Body = b
		}
	}
	return t
}
