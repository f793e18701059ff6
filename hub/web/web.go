// Package web is the Settings > Visage API page: server-rendered HTML for
// account admins and members, signed in with a one-time link. It keeps its
// own sessions (cookie + database row) and CSRF tokens because people in a
// browser cannot hold API keys or JWTs; everything it changes goes through
// the same store methods as the API, so a key revoked here is refused by the
// API exactly as one revoked with DELETE /v1/api-keys/{id}.
package web

import (
	"context"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
)

// Store is the persistence the page needs; *store.Store implements it.
type Store interface {
	GetAccount(ctx context.Context, id string) (hub.Account, error)
	UseLoginToken(ctx context.Context, hash string) (accountID string, role hub.Role, err error)
	CreateSession(ctx context.Context, s store.Session) error
	GetSession(ctx context.Context, idHash string, now time.Time) (store.Session, error)
	DeleteSession(ctx context.Context, idHash string) error
	ListAPIKeys(ctx context.Context, accountID string) ([]hub.APIKey, error)
	GetAPIKey(ctx context.Context, accountID, id string) (hub.APIKey, error)
	CreateAPIKey(ctx context.Context, k hub.APIKey) error
	RevokeAPIKey(ctx context.Context, accountID, id string) (hub.APIKey, error)
}

// DefaultSessionTTL is how long a sign-in lasts when Options leaves it
// unset: a working day, after which a new link is needed.
const DefaultSessionTTL = 12 * time.Hour

// Options configure the pages.
type Options struct {
	Store Store
	// Secure marks the session cookie Secure (and names it __Host-…); set
	// it when the hub's public URL is https.
	Secure bool
	// SessionTTL is the absolute lifetime of a session; 0 means
	// DefaultSessionTTL.
	SessionTTL time.Duration
	// Now is the clock sessions are checked against; nil means time.Now.
	// Tests move it forward instead of sleeping.
	Now    func() time.Time
	Logger *slog.Logger
}

// Pages serves the settings page. It holds no per-user state: sessions
// live in the database, so any hub process can serve any request.
type Pages struct {
	st     Store
	secure bool
	ttl    time.Duration
	now    func() time.Time
	log    *slog.Logger
}

// New returns the pages for o.
func New(o Options) *Pages {
	p := &Pages{st: o.Store, secure: o.Secure, ttl: o.SessionTTL, now: o.Now, log: o.Logger}
	if p.ttl <= 0 {
		p.ttl = DefaultSessionTTL
	}
	if p.now == nil {
		p.now = time.Now
	}
	if p.log == nil {
		p.log = slog.Default()
	}
	return p
}

// Route is one page route. The HTTP API registers these through its own
// route table (hidden from the OpenAPI document, no API credentials): the
// pages check their session themselves.
type Route struct {
	Method  string
	Path    string
	Summary string
	Handler fiber.Handler
}

// Paths of the pages, in one place so templates, redirects and tests agree.
const (
	PathSettings  = "/settings"
	PathLogin     = "/settings/login"
	PathLogout    = "/settings/logout"
	PathSignedOut = "/settings/signed-out"
	PathKeys      = "/settings/api-keys"
	pathStatic    = "/settings/static/"
)

// Routes lists the page routes.
func (p *Pages) Routes() []Route {
	return []Route{
		{"GET", PathSettings, "Settings > Visage API page", p.withHeaders(p.session(p.settingsPage))},
		{"GET", PathLogin, "Sign in with a one-time link", p.withHeaders(p.login)},
		{"POST", PathLogout, "Sign out", p.withHeaders(p.session(p.csrf(p.logout)))},
		{"GET", PathSignedOut, "Signed-out page", p.withHeaders(p.signedOut)},
		{"POST", PathKeys, "Create an API key (page form)", p.withHeaders(p.session(p.csrf(p.admin(p.createKey))))},
		{"GET", PathKeys + "/:id/revoke", "Confirm revoking an API key", p.withHeaders(p.session(p.admin(p.confirmRevoke)))},
		{"POST", PathKeys + "/:id/revoke", "Revoke an API key (page form)", p.withHeaders(p.session(p.csrf(p.admin(p.revokeKey))))},
		{"GET", pathStatic + ":name", "Page assets (CSS, JS)", p.static},
	}
}
