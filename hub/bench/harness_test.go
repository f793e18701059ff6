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
}

func startHub(b *testing.B, d store.Dialect) *benchHub {
	b.Helper()
	ctx := context.Background()
	st, err := store.Open(databaseURL(b, d))
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
	secret := []byte("bench-secret-bench-secret-bench-secret!")
	v, _ := auth.NewHMACVerifier(secret)
	sg, _ := auth.NewSigner(secret)
	logger := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv := httpapi.New(httpapi.Deps{Config: cfg, Store: st, JWT: v, Logger: logger, Secret: secret})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = srv.App().Listener(ln) }()
	b.Cleanup(func() { _ = srv.App().ShutdownWithTimeout(5 * time.Second) })

	acct, err := st.CreateAccount(ctx, "Bench Co")
	if err != nil {
		b.Fatal(err)
	}
	k, plain, err := hub.NewAPIKey(acct.ID, "bench", "bench")
	if err != nil {
		b.Fatal(err)
	}
	if err := st.CreateAPIKey(ctx, k); err != nil {
		b.Fatal(err)
	}
	admin, _, _ := sg.Mint(acct.ID, hub.RoleAdmin, "bench", time.Hour)
	return &benchHub{base: "http://" + ln.Addr().String(), key: plain, st: st, acct: acct, admin: admin}
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
