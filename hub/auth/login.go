package auth

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
)

// LoginStore keeps one-time sign-in tokens (hashed).
type LoginStore interface {
	CreateLoginToken(ctx context.Context, accountID string, role hub.Role, hash string, expires time.Time) error
	UseLoginToken(ctx context.Context, hash string) (accountID string, role hub.Role, err error)
}

// Links issues one-time sign-in links and exchanges them for admin tokens.
// The link is the only secret a new hub prints, so it works once and
// expires.
type Links struct {
	Store     LoginStore
	Signer    *Signer
	PublicURL string
	LinkTTL   time.Duration
	TokenTTL  time.Duration
}

// NewLink returns a sign-in URL for the account and role.
func (l *Links) NewLink(ctx context.Context, accountID string, role hub.Role) (string, error) {
	tok, err := hub.RandomToken(40)
	if err != nil {
		return "", fmt.Errorf("sign-in token: %w", err)
	}
	exp := time.Now().Add(l.LinkTTL)
	if err := l.Store.CreateLoginToken(ctx, accountID, role, hub.HashAPIKey(tok), exp); err != nil {
		return "", err
	}
	return l.PublicURL + "/settings/login?token=" + url.QueryEscape(tok), nil
}

// Exchange consumes a sign-in token and mints an admin JWT for it.
func (l *Links) Exchange(ctx context.Context, token string) (string, time.Time, error) {
	accountID, role, err := l.Store.UseLoginToken(ctx, hub.HashAPIKey(token))
	if err != nil {
		return "", time.Time{}, err
	}
	return l.Signer.Mint(accountID, role, "login-link", l.TokenTTL)
}
