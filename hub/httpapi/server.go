// Package httpapi is the hub's HTTP edge: routing, authentication, rate
// limits, request logs, metrics and the single mapping from domain errors to
// problem documents. Handlers are thin: they decode, call the store, encode.
package httpapi

import (
	"context"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/config"
)

// Store is the persistence the HTTP API needs. *store.Store implements it;
// it is declared here, where it is used.
type Store interface {
	Ping(ctx context.Context) error
	GetAccount(ctx context.Context, id string) (hub.Account, error)
	AuthenticateAPIKey(ctx context.Context, hash string) (hub.KeyAuth, error)
	TouchAPIKeys(ctx context.Context, used map[string]time.Time) error
	CreateAPIKey(ctx context.Context, k hub.APIKey) error
	ListAPIKeys(ctx context.Context, accountID string) ([]hub.APIKey, error)
	GetAPIKey(ctx context.Context, accountID, id string) (hub.APIKey, error)
	RevokeAPIKey(ctx context.Context, accountID, id string) (hub.APIKey, error)
	JobStore
	CandidateStore
	EventReader
	AnalyticsReader
	IdempotencyStore
	WebhookStore
	ReplayStore
	TriggerStore
	MetaStore
}

// TokenVerifier checks admin JWTs.
type TokenVerifier interface {
	Verify(token string) (hub.Principal, error)
}

// LoginExchanger turns a one-time sign-in token into an admin JWT.
type LoginExchanger interface {
	Exchange(ctx context.Context, token string) (jwt string, expires time.Time, err error)
}

// Deps are what a Server is built from.
type Deps struct {
	Config   config.Config
	Store    Store
	JWT      TokenVerifier  // nil disables admin tokens
	Login    LoginExchanger // nil disables sign-in links
	Logger   *slog.Logger
	Registry *prometheus.Registry // nil makes a private one
	// Secret is the hub's server secret; cursors and signed resume links
	// use keys derived from it. Required.
	Secret []byte
	// Dispatcher sends webhook validations and test events and is woken
	// after events commit; nil leaves new endpoints pending validation.
	Dispatcher Dispatcher
}

// Server is the HTTP API of one hub process.
type Server struct {
	cfg     config.Config
	store   Store
	jwt     TokenVerifier
	login   LoginExchanger
	log     *slog.Logger
	reg     *prometheus.Registry
	metrics *httpMetrics
	limiter *limiter
	usage   *usageTracker
	cursors *hub.Signer
	links   *hub.Signer
	app     *fiber.App

	dispatcher Dispatcher
}

// resumeBodyLimit is the largest body the server reads at all: a 10 MiB
// resume plus multipart overhead. JSON routes enforce their own, smaller
// limit.
const resumeBodyLimit = 11 << 20

// New builds the server and its routes.
func New(d Deps) *Server {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Registry == nil {
		d.Registry = NewRegistry()
	}
	s := &Server{
		cfg: d.Config, store: d.Store, jwt: d.JWT, login: d.Login, log: d.Logger, reg: d.Registry,
		metrics: newHTTPMetrics(d.Registry),
		limiter: newLimiter(d.Config.RateLimit, d.Config.RateWindow),
		usage:   newUsageTracker(d.Store, d.Logger),
		cursors: hub.NewSigner(d.Secret, "cursor"),
		links:   hub.NewSigner(d.Secret, "resume-link"),
	}
	s.dispatcher = d.Dispatcher
	s.app = fiber.New(fiber.Config{
		AppName:               "visage-hub",
		DisableStartupMessage: true,
		BodyLimit:             max(resumeBodyLimit, d.Config.MaxBodyBytes),
		ErrorHandler:          s.errorHandler,
		ReadTimeout:           60 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		JSONEncoder:           jsonMarshal,
		// Resume uploads read their multipart bodies themselves
		// (readUpload), so a bad one is a problem document, not a dropped
		// connection, and the form is not copied a second time.
		DisablePreParseMultipartForm: true,
	})
	d.Store.SetCandidateDecorator(s.decorateCandidate) // resume links in candidate events
	s.routes()
	return s
}

// App exposes the Fiber app, for tests (app.Test) and for Listen.
func (s *Server) App() *fiber.App { return s.app }

// Run starts background work (API-key usage flushing) until ctx ends.
func (s *Server) Run(ctx context.Context) { s.usage.run(ctx, 5*time.Second) }

// FlushUsage writes pending API-key last-use times now.
func (s *Server) FlushUsage(ctx context.Context) { s.usage.flush(ctx) }

func (s *Server) routes() {
	s.app.Use(s.edge)
	for _, r := range s.routeTable() {
		s.app.Add(r.Method, r.Path, s.chain(r)...)
	}
}
