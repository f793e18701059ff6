package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/visage-jobs/visage-hub/hub"
)

const replayColumns = `id, account_id, endpoint_id, since, until_at, statuses, status, queued, error,
	created_at, updated_at, finished_at, cursor_id`

// replayRow is a replay job as stored: the statuses are a JSON text column.
type replayRow struct {
	hub.Replay
	StatusesJSON string `db:"statuses"`
}

func (r replayRow) replay() (hub.Replay, error) {
	out := r.Replay
	if err := json.Unmarshal([]byte(r.StatusesJSON), &out.Statuses); err != nil {
		return hub.Replay{}, fmt.Errorf("decode replay statuses: %w", err)
	}
	return out, nil
}

// CreateReplay stores a new running replay job and wakes this process's
// dispatcher to start it at once (the others find it on their tick).
func (s *Store) CreateReplay(ctx context.Context, r hub.Replay) error {
	statuses, err := json.Marshal(r.Statuses)
	if err != nil {
		return fmt.Errorf("encode replay statuses: %w", err)
	}
	_, err = s.db.ExecContext(ctx, s.q(`INSERT INTO replay_jobs (id, account_id, endpoint_id, since, until_at, statuses,
		status, queued, cursor_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, '', ?, ?)`),
		r.ID, r.AccountID, r.WebhookID, r.Since, r.Until, string(statuses), string(hub.ReplayRunning), r.CreatedAt, r.UpdatedAt)
	if err != nil {
		return fmt.Errorf("create replay: %w", err)
	}
	s.deliveriesDue(DueReplays)
	return nil
}

// GetReplay returns one of an account's replay jobs.
func (s *Store) GetReplay(ctx context.Context, accountID, id string) (hub.Replay, error) {
	var row replayRow
	err := s.db.GetContext(ctx, &row, s.q(`SELECT `+replayColumns+` FROM replay_jobs WHERE account_id = ? AND id = ?`), accountID, id)
	if err != nil {
		return hub.Replay{}, notFound(err, "replay")
	}
	return row.replay()
}

// ReplayLease says who works on a replay job, as of when, and for how long
// a take or a chunk keeps the job theirs.
type ReplayLease struct {
	Owner string
	Now   time.Time
	Lease time.Duration
}

func (l ReplayLease) until() hub.Time { return hub.TimeOf(l.Now.Add(l.Lease)) }

// ErrReplayLost says a runner no longer holds a job: its lease expired and
// another runner took the job over, or the job is gone (its endpoint was
// deleted). The runner stops working on it; nothing it did is lost.
var ErrReplayLost = errors.New("the replay job is no longer leased to this runner")

// MaxReplayTries is how many times in a row a replay job may be taken
// without a chunk going through before it is marked failed: a job that
// kills or stalls every runner must not be retried for ever.
const MaxReplayTries = 5

// ClaimReplay leases the oldest running replay job nobody holds (or whose
// holder's lease expired) to l.Owner, and returns it with its cursor; ok
// is false when there is none. On PostgreSQL the row is taken with FOR
// UPDATE SKIP LOCKED, so runners in several processes each take a
// different job. A job taken MaxReplayTries times without progress is
// marked failed instead.
func (s *Store) ClaimReplay(ctx context.Context, l ReplayLease) (r hub.Replay, ok bool, err error) {
	now := hub.TimeOf(l.Now)
	// Every dispatcher asks on every tick, and there is rarely a job: a
	// plain read first keeps that from being a write transaction (on
	// SQLite, one that takes the database's single write lock).
	var waiting []string
	if err := s.db.SelectContext(ctx, &waiting, s.q(`SELECT id FROM replay_jobs WHERE status = 'running'
		AND (lease_until IS NULL OR lease_until < ?) LIMIT 1`), now); err != nil {
		return hub.Replay{}, false, fmt.Errorf("claim replay: %w", err)
	}
	if len(waiting) == 0 {
		return hub.Replay{}, false, nil
	}
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		for {
			var cand struct {
				ID        string  `db:"id"`
				Tries     int     `db:"tries"`
				LastError *string `db:"last_error"`
			}
			err := tx.GetContext(ctx, &cand, s.q(`SELECT id, tries, last_error FROM replay_jobs
				WHERE status = 'running' AND (lease_until IS NULL OR lease_until < ?)
				ORDER BY created_at, id LIMIT 1`+s.skipLocked("")), now)
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("claim replay: %w", err)
			}
			if cand.Tries >= MaxReplayTries {
				msg := fmt.Sprintf("the replay stopped after %d tries without progress", cand.Tries)
				if cand.LastError != nil {
					msg += "; last error: " + *cand.LastError
				}
				_, err := tx.ExecContext(ctx, s.q(`UPDATE replay_jobs SET status = ?, error = ?, lease_owner = NULL,
					lease_until = NULL, updated_at = ?, finished_at = ? WHERE id = ?`),
					string(hub.ReplayFailed), msg, now, now, cand.ID)
				if err != nil {
					return fmt.Errorf("fail replay: %w", err)
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE replay_jobs SET lease_owner = ?, lease_until = ?, tries = tries + 1
				WHERE id = ?`), l.Owner, l.until(), cand.ID); err != nil {
				return fmt.Errorf("lease replay: %w", err)
			}
			var row replayRow
			if err := tx.GetContext(ctx, &row, s.q(`SELECT `+replayColumns+` FROM replay_jobs WHERE id = ?`), cand.ID); err != nil {
				return fmt.Errorf("read replay: %w", err)
			}
			if r, err = row.replay(); err != nil {
				return err
			}
			ok = true
			return nil
		}
	})
	return r, ok, err
}

// ReplayChunk queues again the next size deliveries (in ID order, after
// the job's cursor) that match the job, skipping those being sent right
// now (their lease is held), and in the same transaction moves the cursor
// past them, adds them to the count and renews the lease; a chunk shorter
// than size is the last, and marks the job succeeded. So a runner killed
// at any point leaves the job exactly where its last commit put it. It
// returns how many deliveries this chunk queued and whether the job is
// done, or ErrReplayLost when the lease is no longer l.Owner's.
func (s *Store) ReplayChunk(ctx context.Context, id string, l ReplayLease, size int) (queued int, done bool, err error) {
	now := hub.TimeOf(l.Now)
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		// Renewing the lease first locks the job row (PostgreSQL) or the
		// database (SQLite), so a runner taking the job over waits for
		// this chunk, and a runner whose lease expired does nothing.
		var job replayRow
		err := tx.GetContext(ctx, &job, s.q(`UPDATE replay_jobs SET lease_until = ?
			WHERE id = ? AND lease_owner = ? AND status = 'running' AND lease_until >= ?
			RETURNING `+replayColumns), l.until(), id, l.Owner, now)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrReplayLost
		}
		if err != nil {
			return fmt.Errorf("renew replay lease: %w", err)
		}
		r, err := job.replay()
		if err != nil {
			return err
		}
		statusArgs := make([]any, len(r.Statuses))
		for i, st := range r.Statuses {
			statusArgs[i] = string(st)
		}
		var ids []string
		err = tx.SelectContext(ctx, &ids, s.q(`SELECT id FROM deliveries WHERE account_id = ? AND endpoint_id = ? AND id > ?
			AND created_at >= ? AND created_at < ? AND status IN (`+placeholders(len(statusArgs))+`)
			ORDER BY id LIMIT ?`), append(append([]any{r.AccountID, r.WebhookID, r.Cursor, r.Since, r.Until}, statusArgs...), size)...)
		if err != nil {
			return fmt.Errorf("replay chunk: %w", err)
		}
		if len(ids) > 0 {
			args := []any{string(retryStatus), now, now, now}
			for _, d := range ids {
				args = append(args, d)
			}
			res, err := tx.ExecContext(ctx, s.q(`UPDATE deliveries SET status = ?, next_attempt_at = ?, updated_at = ?
				WHERE (lease_until IS NULL OR lease_until < ?) AND id IN (`+placeholders(len(ids))+`)
				AND status IN (`+placeholders(len(statusArgs))+`)`), append(args, statusArgs...)...)
			if err != nil {
				return fmt.Errorf("replay chunk: %w", err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("replay chunk: %w", err)
			}
			queued = int(n)
		}
		cursor := r.Cursor
		if len(ids) > 0 {
			cursor = ids[len(ids)-1]
		}
		done = len(ids) < size
		query := `UPDATE replay_jobs SET cursor_id = ?, queued = queued + ?, tries = 0, updated_at = ? WHERE id = ?`
		args := []any{cursor, queued, now, id}
		if done {
			query = `UPDATE replay_jobs SET cursor_id = ?, queued = queued + ?, tries = 0, updated_at = ?,
				status = ?, finished_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?`
			args = []any{cursor, queued, now, string(hub.ReplaySucceeded), now, id}
		}
		if _, err := tx.ExecContext(ctx, s.q(query), args...); err != nil {
			return fmt.Errorf("replay progress: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, false, err
	}
	if queued > 0 {
		s.deliveriesDue(DueDeliveries)
	}
	return queued, done, nil
}

// ReleaseReplay gives up l.Owner's lease on a running job so the next
// runner takes it at once. With a failure (a chunk that could not be
// written) the error is kept and the take counts towards MaxReplayTries;
// without one (the process is shutting down) the take is not counted
// (unless a chunk went through since it, which already reset the count).
func (s *Store) ReleaseReplay(ctx context.Context, id string, l ReplayLease, failure error) error {
	var lastErr *string
	undo := 1
	if failure != nil {
		msg := failure.Error()
		lastErr, undo = &msg, 0
	}
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE replay_jobs SET lease_owner = NULL, lease_until = NULL,
		last_error = COALESCE(?, last_error), tries = CASE WHEN tries > 0 THEN tries - ? ELSE 0 END
		WHERE id = ? AND lease_owner = ? AND status = 'running'`),
		lastErr, undo, id, l.Owner)
	if err != nil {
		return fmt.Errorf("release replay: %w", err)
	}
	return nil
}
