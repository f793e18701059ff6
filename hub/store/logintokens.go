package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/visage-jobs/visage-hub/hub"
)

// CreateLoginToken stores a sign-in token's hash.
func (s *Store) CreateLoginToken(ctx context.Context, accountID string, role hub.Role, hash string, expires time.Time) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO login_tokens (token_hash, account_id, role, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`),
		hash, accountID, role, hub.Now(), hub.TimeOf(expires))
	if err != nil {
		return fmt.Errorf("create login token: %w", err)
	}
	return nil
}

// UseLoginToken consumes a sign-in token: it succeeds once, before the token
// expires, and every later or late use is refused.
func (s *Store) UseLoginToken(ctx context.Context, hash string) (string, hub.Role, error) {
	var row struct {
		AccountID string   `db:"account_id"`
		Role      hub.Role `db:"role"`
	}
	now := hub.Now()
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE login_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`),
			now, hash, now)
		if err != nil {
			return fmt.Errorf("use login token: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return hub.Errorf(hub.EUnauthorized, "this sign-in link is invalid, expired or already used")
		}
		return tx.GetContext(ctx, &row, s.q(`SELECT account_id, role FROM login_tokens WHERE token_hash = ?`), hash)
	})
	if err != nil {
		return "", "", err
	}
	return row.AccountID, row.Role, nil
}
