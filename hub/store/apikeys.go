package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/visage-jobs/visage-hub/hub"
)

const keyColumns = `id, account_id, label, prefix, key_hash, created_at, created_by, last_used_at, revoked_at`

// CreateAPIKey stores a key made by hub.NewAPIKey.
func (s *Store) CreateAPIKey(ctx context.Context, k hub.APIKey) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO api_keys (`+keyColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		k.ID, k.AccountID, k.Label, k.Prefix, k.Hash, k.CreatedAt, k.CreatedBy, k.LastUsedAt, k.RevokedAt)
	if err != nil {
		return fmt.Errorf("create api key: %w", err)
	}
	return nil
}

// ListAPIKeys returns an account's keys, active and revoked, newest first.
func (s *Store) ListAPIKeys(ctx context.Context, accountID string) ([]hub.APIKey, error) {
	keys := []hub.APIKey{}
	err := s.db.SelectContext(ctx, &keys, s.q(`SELECT `+keyColumns+` FROM api_keys WHERE account_id = ? ORDER BY id DESC`), accountID)
	if err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	return keys, nil
}

// GetAPIKey returns one of an account's keys; another account's key is not
// found, exactly like a key that does not exist.
func (s *Store) GetAPIKey(ctx context.Context, accountID, id string) (hub.APIKey, error) {
	var k hub.APIKey
	err := s.db.GetContext(ctx, &k, s.q(`SELECT `+keyColumns+` FROM api_keys WHERE account_id = ? AND id = ?`), accountID, id)
	if err != nil {
		return hub.APIKey{}, notFound(err, "API key")
	}
	return k, nil
}

// RevokeAPIKey marks a key revoked and returns it. Revoking a revoked key
// keeps the first revocation time, so the call is safe to repeat. It moves
// the revocation epoch in the same transaction and returns only once every
// live hub process has dropped its cached keys, so the very next request
// with the key is refused wherever it arrives.
func (s *Store) RevokeAPIKey(ctx context.Context, accountID, id string) (hub.APIKey, error) {
	var epoch int64
	changed := false
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE api_keys SET revoked_at = ? WHERE account_id = ? AND id = ? AND revoked_at IS NULL`),
			hub.Now(), accountID, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		changed = true
		if _, err := tx.ExecContext(ctx, `UPDATE auth_epoch SET epoch = epoch + 1 WHERE id = 1`); err != nil {
			return err
		}
		return tx.GetContext(ctx, &epoch, `SELECT epoch FROM auth_epoch WHERE id = 1`)
	})
	if err != nil {
		return hub.APIKey{}, fmt.Errorf("revoke api key: %w", err)
	}
	if changed {
		fresh := time.Second
		if s.cache != nil {
			fresh = s.cache.opts.Fresh
		}
		if err := s.waitForNodes(ctx, epoch, fresh); err != nil {
			return hub.APIKey{}, err
		}
	}
	return s.GetAPIKey(ctx, accountID, id)
}

const authQuery = `SELECT k.id, k.account_id, k.label, k.prefix, k.key_hash, k.created_at,
	k.created_by, k.last_used_at, k.revoked_at, a.name
	FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE k.key_hash = ?`

// AuthenticateAPIKey finds the key with the given hash. With the auth cache
// enabled an active key is answered from memory under the rules of
// authCache; otherwise, and on a miss, it reads the database with a
// statement prepared once and scanned without reflection (on SQLite,
// parsing the SQL again each time was a tenth of a request's CPU).
func (s *Store) AuthenticateAPIKey(ctx context.Context, hash string) (hub.KeyAuth, error) {
	var epoch int64
	if s.cache != nil {
		if ka, ok := s.cache.lookup(hash); ok {
			return ka, nil
		}
		epoch = s.cache.snapshot()
	}
	stmt, err := s.prepared(authQuery)
	if err != nil {
		return hub.KeyAuth{}, err
	}
	var ka hub.KeyAuth
	err = stmt.QueryRowContext(ctx, hash).Scan(&ka.ID, &ka.AccountID, &ka.Label, &ka.Prefix, &ka.Hash,
		&ka.CreatedAt, &ka.CreatedBy, &ka.LastUsedAt, &ka.RevokedAt, &ka.AccountName)
	if err != nil {
		return hub.KeyAuth{}, notFound(err, "API key")
	}
	if s.cache != nil && !ka.Revoked() {
		s.cache.put(hash, ka, epoch)
	}
	return ka, nil
}

// TouchAPIKeys records last-use times in one statement per key, never moving
// a time backwards. The auth path batches these so a busy key costs one
// write a minute, not one a request.
func (s *Store) TouchAPIKeys(ctx context.Context, used map[string]time.Time) error {
	for id, at := range used {
		t := hub.TimeOf(at)
		_, err := s.db.ExecContext(ctx, s.q(`UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`),
			t, id, t)
		if err != nil {
			return fmt.Errorf("touch api key: %w", err)
		}
	}
	return nil
}
