package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/lib/pq"
)

// ErrNoPostgres is returned by Start when no server binaries are installed,
// so a benchmark can b.Skip (or fail under CI) instead of reporting a
// broken environment as a broken store.
var ErrNoPostgres = errors.New("pgtest: no PostgreSQL server binaries (initdb, postgres) on PATH or in /usr/lib/postgresql/*/bin; install them with: apt-get install -y postgresql")

const (
	readyLimit   = 60 * time.Second // server start, proven by a real connection; a busy disk can take seconds
	stopGrace    = 15 * time.Second // fast shutdown before SIGKILL
	adminTimeout = 30 * time.Second // one CREATE/DROP DATABASE
)

// Options chooses between speed and realism; the zero value is for tests.
type Options struct {
	// Durable keeps PostgreSQL's crash-safety defaults (fsync,
	// synchronous_commit, full_page_writes). Benchmarks set it so their
	// commit rates mean what production would see; tests leave it off
	// because a throwaway cluster has nothing to protect and every commit
	// would otherwise wait for the disk.
	Durable bool
}

// Cluster is one private PostgreSQL server. Tests normally use URL, which
// shares one lazily started cluster per test binary; a Cluster of your own
// is for benchmarks (Durable) or tests that must restart or stop a server.
type Cluster struct {
	binDir, dir, dataDir, logPath string
	port                          int
	opts                          Options
	proc                          *pinned
	lock                          *os.File
	admin                         *sql.DB // superuser on database "postgres"
	version                       string

	prepared, booted time.Duration // time spent on the data dir and server start
	how              string        // "initdb" or where the data dir was copied from

	stopOnce sync.Once
	stopErr  error
}

// Start creates, starts and waits for a private cluster listening on
// 127.0.0.1 only, on a free port, as nobody when running as root. The
// server dies with the calling test binary even if Stop is never reached,
// but Stop (or pgtest.Main for the shared one) also removes its files.
func Start(opts Options) (*Cluster, error) {
	binDir, ok := Available()
	if !ok {
		return nil, ErrNoPostgres
	}
	cred, err := runAs()
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	base := baseDir(cred, opts.Durable)
	for _, b := range []string{baseDir(cred, false), baseDir(cred, true)} {
		sweepStale(b) // leftovers of either kind of run, e.g. after -timeout
	}
	dir, lock, err := makeRunDir(base, cred)
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	c := &Cluster{
		binDir: binDir, dir: dir, lock: lock, opts: opts,
		dataDir: filepath.Join(dir, "data"),
		logPath: filepath.Join(dir, "postgres.log"),
	}
	t0 := time.Now()
	c.how, err = prepareData(binDir, c.dataDir, cred)
	c.prepared = time.Since(t0)
	if err == nil {
		t1 := time.Now()
		err = c.boot(cred)
		c.booted = time.Since(t1)
		if err != nil && c.how != "initdb" {
			// A damaged cached template must not fail every later run.
			_ = os.RemoveAll(templatePath(binDir))
		}
	}
	if err != nil {
		stopErr := c.Stop()
		return nil, errors.Join(fmt.Errorf("pgtest: %w", err), stopErr)
	}
	return c, nil
}

// boot starts the server, retrying on a fresh port if another process took
// the one we picked between probing and postgres binding it.
func (c *Cluster) boot(cred *syscall.Credential) error {
	for attempt := 1; ; attempt++ {
		port, err := freePort()
		if err != nil {
			return err
		}
		c.port = port
		if err := c.launch(cred); err != nil {
			return err
		}
		err = c.waitReady()
		if err == nil {
			return nil
		}
		_ = c.proc.shutdown(5 * time.Second)
		c.proc = nil
		if attempt < 3 && (errors.Is(err, errPortTaken) || strings.Contains(tail(c.logPath), "could not bind")) {
			continue
		}
		return err
	}
}

func (c *Cluster) launch(cred *syscall.Credential) error {
	logf, err := os.OpenFile(c.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("open server log: %w", err)
	}
	defer logf.Close() // the child keeps its own copy of the descriptor
	args := []string{
		"-D", c.dataDir,
		"-p", strconv.Itoa(c.port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories=" + c.dir,
		"-c", "max_connections=200", // room for multi-process tests
	}
	if !c.opts.Durable {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	cmd := exec.Command(filepath.Join(c.binDir, "postgres"), args...)
	cmd.Dir = c.dir
	cmd.Env = childEnv()
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = procAttr(cred)
	c.proc, err = startPinned(cmd)
	return err
}

// waitReady polls with real connections until the server answers, the
// process dies, or readyLimit passes; a fixed sleep would be both slower
// on fast machines and flaky on slow ones.
func (c *Cluster) waitReady() error {
	db, err := sql.Open("postgres", c.URL("postgres"))
	if err != nil {
		return fmt.Errorf("open admin connection: %w", err)
	}
	deadline := time.Now().Add(readyLimit)
	backoff := 2 * time.Millisecond
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		var dataDir string
		err = db.QueryRowContext(ctx, "SELECT current_setting('data_directory'), current_setting('server_version')").Scan(&dataDir, &c.version)
		cancel()
		if err == nil && !sameDir(dataDir, c.dataDir) {
			// Another server grabbed the port between freePort and our bind;
			// with trust auth we would happily have used it.
			db.Close()
			return fmt.Errorf("%w: 127.0.0.1:%d answers with data directory %s", errPortTaken, c.port, dataDir)
		}
		if err == nil {
			c.admin = db
			return nil
		}
		if time.Now().After(deadline) {
			db.Close()
			return fmt.Errorf("server not accepting connections after %v: %w\n%s", readyLimit, err, tail(c.logPath))
		}
		t := time.NewTimer(backoff)
		select {
		case <-c.proc.exited:
			t.Stop()
			db.Close()
			return fmt.Errorf("server exited during startup (%v)\n%s", c.proc.err, tail(c.logPath))
		case <-t.C:
		}
		backoff = min(2*backoff, 50*time.Millisecond)
	}
}

// URL returns a lib/pq URL for dbname as the trust-authenticated superuser
// "postgres", so callers need no password plumbing.
func (c *Cluster) URL(dbname string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, url.PathEscape(dbname))
}

// CreateDB creates an empty database, so each benchmark or test can start
// from a clean schema on a server that is expensive to start.
func (c *Cluster) CreateDB(name string) error {
	if c.admin == nil {
		return errors.New("pgtest: cluster is not running")
	}
	return createDB(c.admin, name)
}

// Stop shuts the server down (fast shutdown, SIGKILL after a grace period)
// and deletes its directory, so tests can check behaviour when the
// database goes away and benchmarks leave nothing behind. Safe to call
// more than once; later calls return the first result.
func (c *Cluster) Stop() error {
	c.stopOnce.Do(func() {
		var errs []error
		if c.admin != nil {
			_ = c.admin.Close()
		}
		if c.proc != nil {
			if err := c.proc.shutdown(stopGrace); err != nil {
				errs = append(errs, fmt.Errorf("pgtest: stop: %w\n%s", err, tail(c.logPath)))
			}
		}
		if err := os.RemoveAll(c.dir); err != nil {
			errs = append(errs, fmt.Errorf("pgtest: remove %s: %w", c.dir, err))
		}
		c.lock.Close() // only now may a sweeper treat the directory as dead
		c.stopErr = errors.Join(errs...)
	})
	return c.stopErr
}

// summary is what URL logs once per binary, so slow starts get noticed.
func (c *Cluster) summary() string {
	return fmt.Sprintf("PostgreSQL %s on 127.0.0.1:%d ready in %v (data dir %v via %s; server start %v); log %s",
		c.version, c.port, (c.prepared + c.booted).Round(time.Millisecond),
		c.prepared.Round(time.Millisecond), c.how, c.booted.Round(time.Millisecond), c.logPath)
}

var errPortTaken = errors.New("port taken by another server")

func sameDir(a, b string) bool {
	ra, errA := filepath.EvalSymlinks(a)
	rb, errB := filepath.EvalSymlinks(b)
	return a == b || (errA == nil && errB == nil && ra == rb)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func createDB(admin *sql.DB, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)); err != nil {
		return fmt.Errorf("pgtest: create database %s: %w", name, err)
	}
	return nil
}

// dropDB drops a database even while a test still holds connections to it
// (a pool closed in a later cleanup, a leaked goroutine): WITH (FORCE)
// terminates them; servers before 13 lack it, so there we terminate first.
func dropDB(admin *sql.DB, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()
	q := pq.QuoteIdentifier(name)
	_, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+q+" WITH (FORCE)")
	var pe *pq.Error
	if errors.As(err, &pe) && pe.Code == "42601" { // syntax_error: no FORCE
		_, _ = admin.ExecContext(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)
		_, err = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+q)
	}
	if err != nil {
		return fmt.Errorf("pgtest: drop database %s: %w", name, err)
	}
	return nil
}
