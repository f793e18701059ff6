package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

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

// inQueueTx runs one of the dispatcher's own transactions. On PostgreSQL
// it commits without waiting for the WAL flush (synchronous_commit off for
// the queue pool's sessions, which run nothing else): what it writes is bookkeeping that a database
// crash may lose without losing an event, since the events themselves were
// committed durably by the writes that made them. A lost fan-out is done
// again (deliveries are unique per event and endpoint), a lost lease or
// attempt record means the delivery is sent again: at least once, as ever.
// Not waiting for the flush is what lets one dispatcher run many small
// transactions a second beside the API's durable ones, and they run on the
// store's queue pool, so they never queue for a connection behind them.
func (s *Store) inQueueTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	if s.queue == nil {
		return s.inTx(ctx, fn)
	}
	return inTxOn(ctx, s.queue, fn) // its sessions run with synchronous_commit off; see queueParams
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
	res, err := s.FanOutAndClaim(ctx, FanOutRequest{Limit: limit, At: at})
	return res.Events, res.Deliveries, err
}

// FanOutRequest says what FanOutAndClaim may take: events, and leases on
// the deliveries it makes for the dispatcher's free slots.
type FanOutRequest struct {
	Limit int
	At    time.Time
	// Owner, Lease and Take, when Take is set, lease the new deliveries
	// Take accepts to Owner until At+Lease, as ClaimDeliveries would.
	Owner string
	Lease time.Duration
	Take  func(endpointID string) bool
}

// FanOutResult is what FanOutAndClaim did.
type FanOutResult struct {
	Events, Deliveries int
	// Tasks are the new deliveries leased to the owner, ready to send.
	Tasks []Task
	// Refused lists, once per delivery, the endpoints Take accepted but
	// that got no task (the delivery already existed), so the caller can
	// free the slots it reserved.
	Refused []string
}

// fanEvent is an undispatched event as the fan-out reads it.
type fanEvent struct {
	ID        string   `db:"id"`
	AccountID string   `db:"account_id"`
	Type      string   `db:"type"`
	JobID     *string  `db:"job_id"`
	Data      string   `db:"data"`
	Prev      *string  `db:"previous_status"`
	CreatedAt hub.Time `db:"created_at"`
}

// FanOutAndClaim is FanOut that also leases the deliveries it creates to
// the dispatcher when it has room for them, and returns them ready to send:
// a new event then costs one transaction before its first attempt, not a
// fan-out and a claim.
func (s *Store) FanOutAndClaim(ctx context.Context, r FanOutRequest) (FanOutResult, error) {
	var res FanOutResult
	err := s.inQueueTx(ctx, func(tx *sqlx.Tx) error {
		res = FanOutResult{}
		var evs []fanEvent
		err := tx.SelectContext(ctx, &evs, s.q(`SELECT id, account_id, type, job_id, data, previous_status, created_at FROM events
			WHERE dispatched_at IS NULL ORDER BY id LIMIT ?`+s.skipLocked("")), r.Limit)
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
		now := hub.TimeOf(r.At)
		until := hub.TimeOf(r.At.Add(r.Lease))
		var values []any
		taken := map[string]taskRow{} // delivery ID -> what its task is built from
		for _, e := range evs {
			job := ""
			if e.JobID != nil {
				job = *e.JobID
			}
			for _, w := range byAccount[e.AccountID] {
				if w.CreatedAt.After(e.CreatedAt.Time) || !w.Wants(e.Type, job) {
					continue
				}
				id := hub.NewID(hub.PrefixDelivery)
				var owner *string
				var leaseUntil hub.Time
				if r.Take != nil && r.Take(w.ID) {
					owner, leaseUntil = &r.Owner, until
					data := e.Data
					taken[id] = taskRow{
						Delivery: hub.Delivery{ID: id, AccountID: e.AccountID, EndpointID: w.ID, EventID: e.ID, EventType: e.Type,
							Status: hub.DeliveryPending, NextAttemptAt: now, CreatedAt: now, UpdatedAt: now},
						EvType: &e.Type, EvData: &data, EvPrev: e.Prev, EvCreated: e.CreatedAt, Kind: string(w.Kind), URL: w.URL,
						Secret: w.Secret, PrevSecret: w.PreviousSecret, PrevExpires: w.PreviousExpiresAt,
					}
				}
				values = append(values, id, e.AccountID, w.ID, e.ID, e.Type, string(hub.DeliveryPending), 0, now, now, now, owner, leaseUntil)
			}
		}
		made, err := s.insertDeliveries(ctx, tx, values)
		if err != nil {
			return err
		}
		if s.dialect == Postgres { // one plan for any batch size
			_, err = tx.ExecContext(ctx, `UPDATE events SET dispatched_at = $1 WHERE id = ANY($2)`, now, pq.StringArray(anyStrings(ids)))
		} else {
			_, err = tx.ExecContext(ctx, s.q(`UPDATE events SET dispatched_at = ? WHERE id IN (`+placeholders(len(ids))+`)`),
				append([]any{now}, ids...)...)
		}
		if err != nil {
			return fmt.Errorf("mark events dispatched: %w", err)
		}
		res.Events, res.Deliveries = len(evs), len(made)
		for id, row := range taken {
			if made[id] {
				res.Tasks = append(res.Tasks, row.task())
			} else {
				res.Refused = append(res.Refused, row.EndpointID)
			}
		}
		return nil
	})
	if err != nil {
		return FanOutResult{}, err
	}
	return res, nil
}

const deliveryInsertCols = 12

// insertDeliveries writes delivery rows with multi-row INSERTs, a few
// hundred rows a statement, so a burst of events costs few round trips,
// and returns the IDs of the rows written (a delivery that already
// existed for its event and endpoint is skipped).
func (s *Store) insertDeliveries(ctx context.Context, tx *sqlx.Tx, values []any) (map[string]bool, error) {
	const rowsPerStmt = 200
	made := map[string]bool{}
	row := "(" + placeholders(deliveryInsertCols) + ")"
	for start := 0; start < len(values); start += rowsPerStmt * deliveryInsertCols {
		end := min(start+rowsPerStmt*deliveryInsertCols, len(values))
		n := (end - start) / deliveryInsertCols
		query := `INSERT INTO deliveries (id, account_id, endpoint_id, event_id, event_type, status, attempts,
			next_attempt_at, created_at, updated_at, lease_owner, lease_until) VALUES ` + row + strings.Repeat(", "+row, n-1) +
			` ON CONFLICT (event_id, endpoint_id) DO NOTHING RETURNING id`
		var ids []string
		if err := tx.SelectContext(ctx, &ids, s.q(query), values[start:end]...); err != nil {
			return nil, fmt.Errorf("insert deliveries: %w", err)
		}
		for _, id := range ids {
			made[id] = true
		}
	}
	return made, nil
}

// Task is a claimed delivery with everything needed to send it: the
// endpoint's URL and secrets and the body.
type Task struct {
	Delivery hub.Delivery
	Endpoint hub.Webhook
	// Body is the event envelope, or nil when the event no longer exists.
	Body []byte
}

// taskQuery reads deliveries with what sending them takes: the endpoint's
// URL and secrets and the event the body is built from.
const taskQuery = taskColumns + ` FROM deliveries d ` + taskJoins

const taskColumns = `SELECT d.id, d.account_id, d.endpoint_id, d.event_id, d.event_type, d.status, d.test,
	d.attempts, d.next_attempt_at, d.created_at, d.updated_at, d.payload, e.type AS ev_type, e.data AS ev_data,
	e.previous_status AS ev_prev, e.created_at AS ev_created, w.kind, w.url, w.secret, w.previous_secret,
	w.previous_expires_at`

const taskJoins = `JOIN webhook_endpoints w ON w.id = d.endpoint_id LEFT JOIN events e ON e.id = d.event_id`

func anyStrings(vs []any) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.(string)
	}
	return out
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
