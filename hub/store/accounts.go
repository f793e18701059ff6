package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/visage-jobs/visage-hub/hub"
)

// CreateAccount stores a new account with the given name.
func (s *Store) CreateAccount(ctx context.Context, name string) (hub.Account, error) {
	a := hub.Account{ID: hub.NewID(hub.PrefixAccount), Name: name, CreatedAt: hub.Now()}
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO accounts (id, name, created_at) VALUES (?, ?, ?)`),
		a.ID, a.Name, a.CreatedAt)
	if err != nil {
		return hub.Account{}, fmt.Errorf("create account: %w", err)
	}
	return a, nil
}

// GetAccount returns one account.
func (s *Store) GetAccount(ctx context.Context, id string) (hub.Account, error) {
	var a hub.Account
	err := s.db.GetContext(ctx, &a, s.q(`SELECT id, name, created_at FROM accounts WHERE id = ?`), id)
	if err != nil {
		return hub.Account{}, notFound(err, "account")
	}
	return a, nil
}

// CountAccounts tells `serve` whether the database is new.
func (s *Store) CountAccounts(ctx context.Context) (int, error) {
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM accounts`); err != nil {
		return 0, fmt.Errorf("count accounts: %w", err)
	}
	return n, nil
}

// Setting returns a hub-wide value kept in the database (for example the
// generated JWT secret), or "" when it is not set.
func (s *Store) Setting(ctx context.Context, name string) (string, error) {
	var v string
	err := s.db.GetContext(ctx, &v, s.q(`SELECT value FROM hub_settings WHERE name = ?`), name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read setting %s: %w", name, err)
	}
	return v, nil
}

// EnsureSetting stores value under name unless a value is already there, and
// returns the value that won. Several processes starting together on one
// database therefore agree on one generated secret.
func (s *Store) EnsureSetting(ctx context.Context, name, value string) (string, error) {
	var out string
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO hub_settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`), name, value)
		if err != nil {
			return err
		}
		return tx.GetContext(ctx, &out, s.q(`SELECT value FROM hub_settings WHERE name = ?`), name)
	})
	if err != nil {
		return "", fmt.Errorf("ensure setting %s: %w", name, err)
	}
	return out, nil
}
