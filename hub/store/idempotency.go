package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
)

// IdempotencyRecord is one row of idempotency_keys: a claimed
// Idempotency-Key and, once the request has finished, the response to
// replay. It lives in the database rather than in a process, so a retry that
// lands on another hub process still finds it.
type IdempotencyRecord struct {
	AccountID string `db:"account_id"`
	// Key is whatever the HTTP layer files the key under (it stores a hash,
	// never the client's key itself).
	Key         string `db:"key"`
	Method      string `db:"method"`
	Path        string `db:"path"`
	RequestHash string `db:"request_hash"`
	// Status is 0 while the first request is still running, then the HTTP
	// status of the stored response.
	Status      int      `db:"status"`
	ContentType string   `db:"content_type"`
	Location    string   `db:"location"`
	Body        []byte   `db:"body"`
	CreatedAt   hub.Time `db:"created_at"`
}

// InProgress reports whether the request that claimed the key has not
// finished yet.
func (r IdempotencyRecord) InProgress() bool { return r.Status == 0 }

const idemColumns = `account_id, key, method, path, request_hash, status, content_type, location, body, created_at`

// ClaimIdempotencyKey makes r (with Status 0: in progress) the holder of
// its account's key, unless a live row holds it already. It returns the row
// that holds the key and whether r is it. The primary key (account_id, key)
// decides races, so of any number of hub processes claiming one key at once
// exactly one wins and the others see the winner's row.
//
// A row created before staleBefore has expired and is replaced; so is one
// still in progress that was created before abandonedBefore, which can only
// be left over from a process that died mid-request (otherwise a retry would
// get 409 for a whole day).
func (s *Store) ClaimIdempotencyKey(ctx context.Context, r IdempotencyRecord, staleBefore, abandonedBefore time.Time) (IdempotencyRecord, bool, error) {
	r.Status = 0
	// A row replaced in one round can only be held in the next by a live
	// claim from another process, so a few rounds always settle.
	for range 3 {
		res, err := s.db.ExecContext(ctx, s.q(`INSERT INTO idempotency_keys (`+idemColumns+`)
			VALUES (?, ?, ?, ?, ?, 0, '', '', NULL, ?) ON CONFLICT (account_id, key) DO NOTHING`),
			r.AccountID, r.Key, r.Method, r.Path, r.RequestHash, r.CreatedAt)
		if err != nil {
			return IdempotencyRecord{}, false, fmt.Errorf("claim idempotency key: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return IdempotencyRecord{}, false, fmt.Errorf("claim idempotency key: %w", err)
		} else if n == 1 {
			return r, true, nil
		}
		held, err := s.getIdempotencyKey(ctx, r.AccountID, r.Key)
		if errors.Is(err, sql.ErrNoRows) {
			continue // released between our insert and read: try again
		}
		if err != nil {
			return IdempotencyRecord{}, false, err
		}
		live := !held.CreatedAt.Before(staleBefore) && !(held.InProgress() && held.CreatedAt.Before(abandonedBefore))
		if live {
			return held, false, nil
		}
		// Remove exactly the row that was read, so a fresh claim made by
		// another process in the meantime survives.
		_, err = s.db.ExecContext(ctx, s.q(`DELETE FROM idempotency_keys
			WHERE account_id = ? AND key = ? AND created_at = ? AND status = ?`),
			held.AccountID, held.Key, held.CreatedAt, held.Status)
		if err != nil {
			return IdempotencyRecord{}, false, fmt.Errorf("replace expired idempotency key: %w", err)
		}
	}
	held, err := s.getIdempotencyKey(ctx, r.AccountID, r.Key)
	if err != nil {
		return IdempotencyRecord{}, false, fmt.Errorf("claim idempotency key: lost every race: %w", err)
	}
	return held, false, nil
}

func (s *Store) getIdempotencyKey(ctx context.Context, accountID, key string) (IdempotencyRecord, error) {
	var r IdempotencyRecord
	err := s.db.GetContext(ctx, &r, s.q(`SELECT `+idemColumns+` FROM idempotency_keys WHERE account_id = ? AND key = ?`), accountID, key)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return IdempotencyRecord{}, fmt.Errorf("read idempotency key: %w", err)
	}
	return r, err
}

// CompleteIdempotencyKey stores the response of the request that claimed
// r, so retries replay it. Only the claim r itself is completed: if it was
// taken over in the meantime, nothing changes and ENotFound is returned.
func (s *Store) CompleteIdempotencyKey(ctx context.Context, r IdempotencyRecord) error {
	if r.Status <= 0 {
		return fmt.Errorf("complete idempotency key: status %d is not a response", r.Status)
	}
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE idempotency_keys SET status = ?, content_type = ?, location = ?, body = ?
		WHERE account_id = ? AND key = ? AND created_at = ? AND status = 0`),
		r.Status, r.ContentType, r.Location, r.Body, r.AccountID, r.Key, r.CreatedAt)
	if err != nil {
		return fmt.Errorf("complete idempotency key: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("complete idempotency key: %w", err)
	} else if n == 0 {
		return hub.Errorf(hub.ENotFound, "the idempotency key is no longer claimed by this request")
	}
	return nil
}

// ReleaseIdempotencyKey drops the claim r, so that a retry with the same key
// runs the request again: the HTTP layer releases a key when its request
// failed, because a failed request changed nothing. A completed row, or a
// claim that is not r's any more, is left alone.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, r IdempotencyRecord) error {
	_, err := s.db.ExecContext(ctx, s.q(`DELETE FROM idempotency_keys
		WHERE account_id = ? AND key = ? AND created_at = ? AND status = 0`), r.AccountID, r.Key, r.CreatedAt)
	if err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}

// PruneIdempotencyKeys deletes the rows created before before and returns
// how many went. Expired rows are already ignored by ClaimIdempotencyKey;
// pruning only keeps the table small, so it can run whenever periodic jobs
// run, from any process.
func (s *Store) PruneIdempotencyKeys(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.q(`DELETE FROM idempotency_keys WHERE created_at < ?`), hub.TimeOf(before))
	if err != nil {
		return 0, fmt.Errorf("prune idempotency keys: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune idempotency keys: %w", err)
	}
	return n, nil
}
