package store

import (
	"context"
	"fmt"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
)

// Session is one sign-in to the settings page. It lives in the database,
// not in a signed cookie, so signing out and revoking are real: a deleted
// row stops working at once, on every hub process.
type Session struct {
	// IDHash is the SHA-256 (hub.HashAPIKey) of the random ID in the
	// cookie; the ID itself is never stored.
	IDHash    string   `db:"id_hash"`
	AccountID string   `db:"account_id"`
	Role      hub.Role `db:"role"`
	// Subject names who signed in, recorded as created_by on keys.
	Subject string `db:"subject"`
	// CSRFToken is the per-session token every form posts back.
	CSRFToken string   `db:"csrf_token"`
	CreatedAt hub.Time `db:"created_at"`
	ExpiresAt hub.Time `db:"expires_at"`
}

const sessionColumns = `id_hash, account_id, role, subject, csrf_token, created_at, expires_at`

// CreateSession stores a new session. It also prunes sessions that expired
// before it, so the table stays small without a background job.
func (s *Store) CreateSession(ctx context.Context, ss Session) error {
	if _, err := s.db.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE expires_at <= ?`), hub.Now()); err != nil {
		return fmt.Errorf("prune sessions: %w", err)
	}
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO sessions (`+sessionColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`),
		ss.IDHash, ss.AccountID, ss.Role, ss.Subject, ss.CSRFToken, ss.CreatedAt, ss.ExpiresAt)
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// GetSession returns the session with the given ID hash if it has not
// expired at now. The caller passes now so that the page and its tests
// share one clock; an expired session is not found, exactly like one that
// never existed or was signed out.
func (s *Store) GetSession(ctx context.Context, idHash string, now time.Time) (Session, error) {
	var ss Session
	err := s.db.GetContext(ctx, &ss, s.q(`SELECT `+sessionColumns+` FROM sessions WHERE id_hash = ? AND expires_at > ?`),
		idHash, hub.TimeOf(now))
	if err != nil {
		return Session{}, notFound(err, "session")
	}
	return ss, nil
}

// DeleteSession signs a session out. Deleting one that is already gone
// succeeds, so signing out twice is harmless.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	if _, err := s.db.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE id_hash = ?`), idHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteAccountSessions signs everyone in an account out, for an operator
// who suspects a sign-in link leaked.
func (s *Store) DeleteAccountSessions(ctx context.Context, accountID string) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE account_id = ?`), accountID)
	if err != nil {
		return 0, fmt.Errorf("delete account sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
