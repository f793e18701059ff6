// Package bench holds the `make bench` benchmarks: real hub servers on
// loopback, driven by hub/loadgen, on SQLite and on a durable PostgreSQL.
// Each benchmark runs its load for VISAGE_BENCH_DURATION (default 5s) once,
// so run them with -benchtime 1x, as the Makefile does.
package bench

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/auth"
	"github.com/visage-jobs/visage-hub/hub/config"
	"github.com/visage-jobs/visage-hub/hub/dispatch"
	"github.com/visage-jobs/visage-hub/hub/httpapi"
	"github.com/visage-jobs/visage-hub/hub/loadgen"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/pgtest"
)

var pgCluster *pgtest.Cluster

func TestMain(m *testing.M) {
	code := m.Run()
	if pgCluster != nil {
		_ = pgCluster.Stop()
	}
	os.Exit(code)
}

// duration is how long each measured run lasts.
func duration() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("VISAGE_BENCH_DURATION")); err == nil && d > 0 {
		return d
	}
	return 5 * time.Second
}

// databaseURL returns a fresh database of the dialect. PostgreSQL runs with
// its durable defaults (fsync on), so figures mean what production sees.
func databaseURL(b *testing.B, d store.Dialect) string {
	b.Helper()
	if d == store.SQLite {
		return filepath.Join(b.TempDir(), "bench.db")
	}
	if u := os.Getenv("VISAGE_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	if pgCluster == nil {
		c, err := pgtest.Start(pgtest.Options{Durable: true})
		if err != nil {
			if os.Getenv("CI") == "true" {
				b.Fatalf("start PostgreSQL: %v", err)
			}
			b.Skipf("SKIPPING PostgreSQL benchmark: %v", err)
		}
		pgCluster = c
	}
	name := "bench_" + hub.NewID("db")[3:]
	if err := pgCluster.CreateDB(name); err != nil {
		b.Fatal(err)
	}
	return pgCluster.URL(name)
}

// benchHub is one hub server listening on loopback with an account and key.
type benchHub struct {
	base  string
	key   string
	st    *store.Store
	acct  hub.Account
	admin string
	// disp is the hub's webhook dispatcher, when it runs one.
	disp *dispatch.Dispatcher
	// dopts are the options its dispatcher was started with.
	dopts dispatch.Options
	// stops stop the dispatchers started on this hub's store.
	stops []func()
}

// startDispatcher runs a dispatcher on the hub's store until
// stopDispatcher.
func (h *benchHub) startDispatcher(o dispatch.Options) *dispatch.Dispatcher {
	d := dispatch.New(h.st, o)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	h.stops = append(h.stops, func() { cancel(); <-done })
	return d
}

// stopDispatcher stops the hub's dispatchers and waits for them; they
// finish and record the attempts in flight first.
func (h *benchHub) stopDispatcher() {
	for _, stop := range h.stops {
		stop()
	}
	h.stops = nil
}

// benchSecret signs the admin tokens of every bench hub, so hubs sharing a
// database accept each other's tokens as real processes sharing a
// configured secret do.
var benchSecret = []byte("bench-secret-bench-secret-bench-secret!")

func startHub(b *testing.B, d store.Dialect) *benchHub {
	b.Helper()
	h := newHub(b, databaseURL(b, d), nil)
	h.seedAccount(b)
	return h
}

// newHub starts a hub server on url's database (migrated), with a
// dispatcher running under dopts when dopts is not nil, and without an
// account: seedAccount makes one, or copy another hub's.
func newHub(b *testing.B, url string, dopts *dispatch.Options) *benchHub {
	b.Helper()
	ctx := context.Background()
	st, err := store.Open(url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if err := st.EnableAuthCache(ctx, store.AuthCacheOptions{}); err != nil {
		b.Fatal(err)
	}
	cfg := config.Default()
	cfg.RateLimit = 1 << 30 // the limiter runs on every request but never refuses
	cfg.LogLevel = "warn"
	cfg.AllowPrivateTargets = loopbackOnly
	v, _ := auth.NewHMACVerifier(benchSecret)
	logger := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h := &benchHub{st: st}
	deps := httpapi.Deps{Config: cfg, Store: st, JWT: v, Logger: logger, Secret: benchSecret}
	if dopts != nil {
		o := *dopts
		if o.Logger == nil {
			o.Logger = logger
		}
		if st.Dialect() == store.Postgres && o.ListenURL == "" {
			o.ListenURL = url
		}
		h.dopts = o
		h.disp = h.startDispatcher(o)
		deps.Dispatcher = h.disp
		// Registered before the server's cleanup, so it runs after it:
		// the server stops taking writes, then the dispatcher stops.
		b.Cleanup(h.stopDispatcher)
	}
	srv := httpapi.New(deps)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = srv.App().Listener(ln) }()
	b.Cleanup(func() { _ = srv.App().ShutdownWithTimeout(5 * time.Second) })
	h.base = "http://" + ln.Addr().String()
	return h
}

// loopbackOnly is the SSRF allow-list of the benchmarks: their receivers
// listen on loopback, which production refuses.
const loopbackOnly = "127.0.0.0/8"

// seedAccount creates the hub's account, an API key and an admin token.
func (h *benchHub) seedAccount(b *testing.B) {
	b.Helper()
	ctx := context.Background()
	acct, err := h.st.CreateAccount(ctx, "Bench Co")
	if err != nil {
		b.Fatal(err)
	}
	k, plain, err := hub.NewAPIKey(acct.ID, "bench", "bench")
	if err != nil {
		b.Fatal(err)
	}
	if err := h.st.CreateAPIKey(ctx, k); err != nil {
		b.Fatal(err)
	}
	sg, _ := auth.NewSigner(benchSecret)
	admin, _, _ := sg.Mint(acct.ID, hub.RoleAdmin, "bench", time.Hour)
	h.acct, h.key, h.admin = acct, plain, admin
}

// sameAccount gives h the account and credentials of other, which shares
// its database.
func (h *benchHub) sameAccount(other *benchHub) {
	h.acct, h.key, h.admin = other.acct, other.key, other.admin
}

// load runs one measured closed-loop run of the same request and fails the
// benchmark on errors.
func (h *benchHub) load(b *testing.B, req loadgen.Request, concurrency int) loadgen.Result {
	b.Helper()
	return h.run(b, loadgen.Config{Request: req, Concurrency: concurrency})
}

// loadNext is load with a request generator, for runs whose requests
// differ (creations with unique bodies).
func (h *benchHub) loadNext(b *testing.B, next func(worker, i int) loadgen.Request, concurrency int) loadgen.Result {
	b.Helper()
	return h.run(b, loadgen.Config{Next: next, Concurrency: concurrency})
}

func (h *benchHub) run(b *testing.B, cfg loadgen.Config) loadgen.Result {
	b.Helper()
	cfg.Target, cfg.Duration, cfg.Warmup = h.base, duration(), time.Second
	r, err := loadgen.Run(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	if r.Errors > 0 {
		b.Fatalf("%d errors, first: %s", r.Errors, r.FirstError)
	}
	return r
}
