// Package pgtest gives tests and benchmarks a real, throwaway PostgreSQL,
// because the store's SQL (locking, constraints, JSON operators) is only
// proven against the server it will meet in production.
//
// Tests call URL for a fresh empty database on a cluster that starts once
// per test binary; the package's TestMain hands control to Main so that
// cluster is stopped and deleted afterwards:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
//	func TestSomething(t *testing.T) {
//		db, err := sql.Open("postgres", pgtest.URL(t))
//		...
//	}
//
// Benchmarks that need production-like durability start their own:
//
//	c, err := pgtest.Start(pgtest.Options{Durable: true})
//	if errors.Is(err, pgtest.ErrNoPostgres) { b.Skip(err) }
//	defer c.Stop()
//	_ = c.CreateDB("bench") // then sql.Open("postgres", c.URL("bench"))
//
// Set VISAGE_TEST_POSTGRES_URL to use an existing server instead of
// starting one. Without server binaries, tests skip loudly, or fail when
// CI=true so CI cannot go green by testing nothing.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lib/pq"
)

const envURL = "VISAGE_TEST_POSTGRES_URL"

var avail struct {
	once sync.Once
	dir  string
	ok   bool
}

// Available reports where the PostgreSQL server binaries are, so code can
// decide early (skip a benchmark suite, print a hint) before paying for a
// cluster. PATH wins; then /usr/lib/postgresql/*/bin, newest version
// first, because Debian keeps initdb and postgres off PATH.
func Available() (binDir string, ok bool) {
	avail.once.Do(func() { avail.dir, avail.ok = findBinDir() })
	return avail.dir, avail.ok
}

func findBinDir() (string, bool) {
	var cands []string
	for _, name := range []string{"initdb", "postgres"} {
		if p, err := exec.LookPath(name); err == nil {
			if r, err := filepath.EvalSymlinks(p); err == nil {
				cands = append(cands, filepath.Dir(r))
			}
			cands = append(cands, filepath.Dir(p))
		}
	}
	versioned, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	for _, d := range append(cands, newestFirst(versioned)...) {
		if isExecutable(filepath.Join(d, "initdb")) && isExecutable(filepath.Join(d, "postgres")) {
			return d, true
		}
	}
	return "", false
}

// newestFirst sorts versioned bin dirs so several installed majors pick
// the newest, which is what production runs.
func newestFirst(dirs []string) []string {
	slices.SortStableFunc(dirs, func(a, b string) int {
		return slices.Compare(versionOf(b), versionOf(a))
	})
	return dirs
}

// versionOf turns /usr/lib/postgresql/9.6/bin into [9 6] so 15 sorts above 9.6.
func versionOf(binDir string) []int {
	var v []int
	for _, part := range strings.Split(filepath.Base(filepath.Dir(binDir)), ".") {
		n, err := strconv.Atoi(part)
		if err != nil {
			return nil
		}
		v = append(v, n)
	}
	return v
}

func isExecutable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0
}

// target is where URL makes databases: our shared cluster, or the server
// named by VISAGE_TEST_POSTGRES_URL.
type target struct {
	admin   *sql.DB
	cluster *Cluster // nil for an external server
	base    *url.URL // external server only
}

func (tg *target) urlFor(name string) string {
	if tg.cluster != nil {
		return tg.cluster.URL(name)
	}
	u := *tg.base
	u.Path, u.RawPath = "/"+name, ""
	return u.String()
}

var shared struct {
	once      sync.Once
	tg        *target
	err       error
	announced atomic.Bool
}

var (
	mainUsed atomic.Bool
	loudOnce sync.Once
	loudOut  io.Writer = os.Stderr // the skip notice also goes here, visible without -v
)

// URL returns a connection URL to a new, empty database that only the
// caller uses, so tests can run in parallel and create whatever schema
// they like. The database is dropped in t.Cleanup, even if connections to
// it are still open. The first call starts the shared cluster.
func URL(t testing.TB) string {
	t.Helper()
	tg := sharedTarget(t)
	name := "t_" + randomHex(8)
	if err := createDB(tg.admin, name); err != nil {
		var pe *pq.Error
		if tg.cluster == nil && errors.As(err, &pe) && pe.Code == "42501" {
			t.Logf("pgtest: the role in %s may not CREATE DATABASE (%v); using that database itself, shared with every caller and not emptied", envURL, err)
			return tg.base.String()
		}
		t.Fatalf("%v", err)
	}
	t.Cleanup(func() {
		if err := dropDB(tg.admin, name); err != nil {
			t.Logf("%v (database left behind)", err)
		}
	})
	return tg.urlFor(name)
}

func sharedTarget(t testing.TB) *target {
	t.Helper()
	raw := os.Getenv(envURL)
	if raw == "" {
		if _, ok := Available(); !ok {
			noServer(t)
		}
	}
	shared.once.Do(func() { shared.tg, shared.err = openShared(raw) })
	if shared.err != nil {
		t.Fatalf("%v", shared.err)
	}
	if shared.announced.CompareAndSwap(false, true) {
		c := shared.tg.cluster
		if c != nil {
			t.Logf("pgtest: %s", c.summary())
		} else {
			t.Logf("pgtest: using the server in %s (%s)", envURL, shared.tg.base.Redacted())
		}
		if c != nil && !mainUsed.Load() {
			t.Logf("pgtest: this package's TestMain does not call pgtest.Main; the server still dies with the test binary, but its files stay in %s until a later run sweeps them", filepath.Dir(c.dir))
		}
	}
	return shared.tg
}

// noServer fails under CI, where missing binaries mean a broken setup,
// and otherwise skips loudly: a quiet skip would let "ok" hide that
// nothing touching the database was tested.
func noServer(t testing.TB) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%v (CI=true, so this fails instead of skipping; or set %s)", ErrNoPostgres, envURL)
		return
	}
	msg := fmt.Sprintf("SKIPPING PostgreSQL tests: no initdb found on PATH or in /usr/lib/postgresql/*/bin; install postgresql (apt-get install -y postgresql) or set %s", envURL)
	loudOnce.Do(func() { fmt.Fprintf(loudOut, "\n*** pgtest: %s ***\n\n", msg) })
	t.Skip(msg)
}

func openShared(raw string) (*target, error) {
	if raw == "" {
		c, err := Start(Options{})
		if err != nil {
			return nil, err
		}
		return &target{admin: c.admin, cluster: c}, nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, fmt.Errorf("pgtest: %s must be a postgres:// URL", envURL)
	}
	db, err := sql.Open("postgres", raw)
	if err != nil {
		return nil, fmt.Errorf("pgtest: open %s: %w", envURL, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("pgtest: connect to %s (%s): %w", envURL, u.Redacted(), err)
	}
	return &target{admin: db, base: u}, nil
}

// Main runs the tests and then stops and deletes the shared cluster, which
// only TestMain can do: t.Cleanup belongs to a single test, and the
// cluster outlives them all. It returns m.Run's exit code for os.Exit.
func Main(m *testing.M) int {
	mainUsed.Store(true)
	code := m.Run()
	if err := closeShared(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	return code
}

func closeShared() error {
	// Consume the Once so a straggling goroutine cannot start a new cluster.
	shared.once.Do(func() { shared.err = errors.New("pgtest: URL called after pgtest.Main finished") })
	tg := shared.tg
	switch {
	case tg == nil:
		return nil
	case tg.cluster != nil:
		return tg.cluster.Stop() // also closes admin
	default:
		return tg.admin.Close()
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails on supported platforms (Go 1.24+)
	return hex.EncodeToString(b)
}
