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
	"github.com/visage-jobs/visage-hub/hub/endpoints"
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
	ListWebhooks(ctx context.Context, accountID string, f store.WebhookFilter, p hub.Page) ([]hub.Webhook, bool, error)
	ListDeliveries(ctx context.Context, accountID, endpointID string, f store.DeliveryFilter, p hub.Page) ([]hub.Delivery, bool, error)
	GetDelivery(ctx context.Context, accountID, id string) (hub.Delivery, error)
	LatestAttempts(ctx context.Context, accountID string, ids []string) (map[string]hub.Attempt, error)
	ListJobs(ctx context.Context, accountID string, f store.JobFilter, page hub.Page) ([]hub.Job, bool, error)
}

// Endpoints are the webhook rules the API uses too (*endpoints.Manager):
// the page never changes an endpoint or a delivery any other way.
type Endpoints interface {
	Get(ctx context.Context, accountID, id string) (hub.Webhook, error)
	Create(ctx context.Context, accountID string, in endpoints.Input) (hub.Webhook, error)
	Update(ctx context.Context, cur hub.Webhook, in endpoints.Input) (hub.Webhook, error)
	Delete(ctx context.Context, w hub.Webhook) error
	Enable(ctx context.Context, cur hub.Webhook) (hub.Webhook, error)
	Disable(ctx context.Context, cur hub.Webhook, actor string) (hub.Webhook, error)
	Revalidate(ctx context.Context, w hub.Webhook) (hub.Webhook, error)
	Rotate(ctx context.Context, cur hub.Webhook, secret *string) (hub.Webhook, error)
	PreviousSecretExpiresAt(w hub.Webhook) hub.Time
	SendTest(ctx context.Context, w hub.Webhook, eventType string) (hub.Delivery, error)
	Retry(ctx context.Context, accountID, id string) (hub.Delivery, error)
}

// DefaultSessionTTL is how long a sign-in lasts when Options leaves it
// unset: a working day, after which a new link is needed.
const DefaultSessionTTL = 12 * time.Hour

// Options configure the pages.
type Options struct {
	Store Store
	// Endpoints manage webhooks; nil means the rules on Store (which must
	// then be an endpoints.Store) without a dispatcher.
	Endpoints Endpoints
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
	hooks  Endpoints
	secure bool
	ttl    time.Duration
	now    func() time.Time
	log    *slog.Logger
}

// New returns the pages for o.
func New(o Options) *Pages {
	p := &Pages{st: o.Store, hooks: o.Endpoints, secure: o.Secure, ttl: o.SessionTTL, now: o.Now, log: o.Logger}
	if p.hooks == nil {
		if es, ok := o.Store.(endpoints.Store); ok {
			p.hooks = &endpoints.Manager{Store: es}
		}
	}
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
	PathWebhooks  = "/settings/webhooks"
	PathDelivery  = "/settings/deliveries"
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
		{"POST", PathWebhooks, "Add a webhook endpoint (page form)", p.manage(p.createHook)},
		{"GET", PathWebhooks + "/:id", "A webhook endpoint: status, settings, secret, test, recent deliveries", p.view(p.hookPage)},
		{"POST", PathWebhooks + "/:id", "Save a webhook endpoint's settings (page form)", p.manage(p.saveHook)},
		{"POST", PathWebhooks + "/:id/validate", "Retry a webhook endpoint's validation (page form)", p.manage(p.revalidateHook)},
		{"POST", PathWebhooks + "/:id/enable", "Enable a webhook endpoint (page form)", p.manage(p.enableHook)},
		{"POST", PathWebhooks + "/:id/disable", "Disable a webhook endpoint (page form)", p.manage(p.disableHook)},
		{"POST", PathWebhooks + "/:id/secret", "Reveal a webhook endpoint's secret (page form)", p.manage(p.revealSecret)},
		{"POST", PathWebhooks + "/:id/rotate", "Rotate a webhook endpoint's secret (page form)", p.manage(p.rotateSecret)},
		{"POST", PathWebhooks + "/:id/test", "Send a test event (page form)", p.manage(p.sendTest)},
		{"GET", PathWebhooks + "/:id/delete", "Confirm deleting a webhook endpoint", p.withHeaders(p.session(p.admin(p.confirmDeleteHook)))},
		{"POST", PathWebhooks + "/:id/delete", "Delete a webhook endpoint (page form)", p.manage(p.deleteHook)},
		{"GET", PathWebhooks + "/:id/deliveries", "A webhook endpoint's delivery log", p.view(p.deliveriesPage)},
		{"GET", PathDelivery + "/:id", "One delivery with its attempts", p.view(p.deliveryPage)},
		{"POST", PathDelivery + "/:id/retry", "Send a delivery again (page form)", p.manage(p.retryDelivery)},
		{"GET", pathStatic + ":name", "Page assets (CSS, JS)", p.static},
	}
}

// view is a page any signed-in person may see.
func (p *Pages) view(h fiber.Handler) fiber.Handler { return p.withHeaders(p.session(h)) }

// manage is a form only an admin may post, with a valid CSRF token.
func (p *Pages) manage(h fiber.Handler) fiber.Handler {
	return p.withHeaders(p.session(p.csrf(p.admin(h))))
}
