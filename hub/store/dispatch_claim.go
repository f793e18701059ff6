package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/visage-jobs/visage-hub/hub"
)

// This file is the claim: due deliveries leased to one dispatcher.

// ClaimRequest says what a dispatcher can take on now.
type ClaimRequest struct {
	Owner string
	Now   time.Time
	Lease time.Duration
	Limit int
	// Exclude lists endpoints the dispatcher has no free slot for.
	Exclude []string
	// PerEndpoint, when set, is the most deliveries to one endpoint that
	// Take could accept; no more of one endpoint's queue is read.
	PerEndpoint int
	// Take is asked, in due order, whether the dispatcher takes a delivery
	// to this endpoint; it reserves a slot when it says yes. It is how the
	// per-endpoint concurrency cap reaches inside the claim.
	Take func(endpointID string) bool
}

// ClaimDeliveries leases due deliveries of active endpoints to r.Owner until
// r.Now+r.Lease and returns them. A lease that expired (its dispatcher
// crashed or hung) is claimable again, which is how lease recovery works.
//
// It reads the due deliveries first without locking them (the partial
// index deliveries_due, nothing joined), lets r.Take choose, and locks only
// the chosen ones, skipping any another dispatcher is claiming at this
// moment and re-checking their leases, so a claim writes no more row locks
// than deliveries it takes. The caller frees the slots it reserved in Take
// for endpoints of deliveries that were chosen but not returned.
func (s *Store) ClaimDeliveries(ctx context.Context, r ClaimRequest) ([]Task, error) {
	var tasks []Task
	err := s.inQueueTx(ctx, func(tx *sqlx.Tx) error {
		now := hub.TimeOf(r.Now)
		due, args := s.dueQuery(r, now)
		var candidates []struct {
			ID         string `db:"id"`
			EndpointID string `db:"endpoint_id"`
		}
		if err := tx.SelectContext(ctx, &candidates, s.q(due), args...); err != nil {
			return fmt.Errorf("find due deliveries: %w", err)
		}
		var chosen []any
		for _, c := range candidates {
			if len(chosen) == r.Limit {
				break
			}
			if r.Take != nil && !r.Take(c.EndpointID) {
				continue
			}
			chosen = append(chosen, c.ID)
		}
		if len(chosen) == 0 {
			return nil
		}
		// Lock the chosen rows that are still free (skipping any another
		// dispatcher's claim holds right now) and lease them in one go.
		until := hub.TimeOf(r.Now.Add(r.Lease))
		if s.dialect == Postgres {
			// One statement leases the rows and reads the tasks.
			var rows []taskRow
			err := tx.SelectContext(ctx, &rows, `WITH d AS (UPDATE deliveries SET lease_owner = $1, lease_until = $2 WHERE id IN (
				SELECT id FROM deliveries WHERE id = ANY($3) AND status IN ('pending', 'retrying')
				AND (lease_until IS NULL OR lease_until < $4) FOR UPDATE SKIP LOCKED) RETURNING *)
				`+taskColumns+` FROM d `+taskJoins+` ORDER BY d.next_attempt_at`, r.Owner, until, pq.StringArray(anyStrings(chosen)), now)
			if err != nil {
				return fmt.Errorf("lease deliveries: %w", err)
			}
			for _, row := range rows {
				tasks = append(tasks, row.task())
			}
			return nil
		}
		var leased []string
		err := tx.SelectContext(ctx, &leased, s.q(`UPDATE deliveries SET lease_owner = ?, lease_until = ? WHERE id IN (
			SELECT id FROM deliveries WHERE id IN (`+placeholders(len(chosen))+`)
			AND status IN ('pending', 'retrying') AND (lease_until IS NULL OR lease_until < ?)`+s.skipLocked("")+`)
			RETURNING id`), append(append([]any{r.Owner, until}, chosen...), now)...)
		if err != nil {
			return fmt.Errorf("lease deliveries: %w", err)
		}
		if len(leased) == 0 {
			return nil
		}
		ids := make([]any, len(leased))
		for i, id := range leased {
			ids[i] = id
		}
		var rows []taskRow
		err = tx.SelectContext(ctx, &rows, s.q(taskQuery+` WHERE d.id IN (`+placeholders(len(ids))+`) ORDER BY d.next_attempt_at`), ids...)
		if err != nil {
			return fmt.Errorf("load claimed deliveries: %w", err)
		}
		for _, row := range rows {
			tasks = append(tasks, row.task())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return tasks, nil
}

// dueQuery finds claim candidates: due, unleased deliveries of active
// endpoints not in r.Exclude, oldest first, at most 4×r.Limit.
//
// On PostgreSQL it reads each active endpoint's queue through the
// deliveries_endpoint_due index in due order and stops after
// r.PerEndpoint rows of it (more than Take could accept for one
// endpoint), then merges them. Without that bound the planner, driving
// from the few endpoints, read every waiting delivery of each and sorted
// them all, so each claim cost as much as the backlog was long (25 ms per
// claim with 15,000 waiting, measured): the dispatcher was slowest exactly
// when it had most to catch up on. SQLite (no LATERAL) keeps the plain
// query; its index on next_attempt_at is read in order with a limit.
func (s *Store) dueQuery(r ClaimRequest, now hub.Time) (string, []any) {
	args := []any{now, now}
	if s.dialect == Postgres && r.PerEndpoint > 0 {
		due := `SELECT c.id, c.endpoint_id FROM webhook_endpoints w CROSS JOIN LATERAL (
			SELECT d.id, d.endpoint_id, d.next_attempt_at FROM deliveries d
			WHERE d.endpoint_id = w.id AND d.status IN ('pending', 'retrying') AND d.next_attempt_at <= ?
			AND (d.lease_until IS NULL OR d.lease_until < ?) ORDER BY d.next_attempt_at LIMIT ?) c
			WHERE w.status = 'active'`
		// The excluded endpoints go in as one array, so the statement's
		// text (and plan) is the same however many there are.
		args = append(args, r.PerEndpoint, pq.StringArray(append([]string{}, r.Exclude...)))
		due += ` AND w.id <> ALL(?)`
		return due + ` ORDER BY c.next_attempt_at LIMIT ?`, append(args, r.Limit*4)
	}
	due := `SELECT id, endpoint_id FROM deliveries WHERE status IN ('pending', 'retrying') AND next_attempt_at <= ?
		AND (lease_until IS NULL OR lease_until < ?)
		AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE status = 'active')`
	if len(r.Exclude) > 0 {
		due += ` AND endpoint_id NOT IN (` + placeholders(len(r.Exclude)) + `)`
		for _, id := range r.Exclude {
			args = append(args, id)
		}
	}
	return due + ` ORDER BY next_attempt_at LIMIT ?`, append(args, r.Limit*4)
}
