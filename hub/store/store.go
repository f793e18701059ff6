// Package store keeps the hub's data in SQLite (the embedded default) or
// PostgreSQL (production, several hub processes). Both run the same SQL where
// they can; the few places that differ ask Dialect. Times are stored as Unix
// milliseconds (BIGINT) on both, so comparisons and buckets agree.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"  // PostgreSQL driver, registered as "postgres"
	_ "modernc.org/sqlite" // pure-Go SQLite driver, registered as "sqlite"

	"github.com/visage-jobs/visage-hub/hub"
)

// Dialect names the database behind a Store.
type Dialect string

// The supported databases.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

func init() {
	// sqlx rebinds '?' placeholders to '$n' for PostgreSQL; tell it that the
	// modernc driver takes '?' as written.
	sqlx.BindDriver("sqlite", sqlx.QUESTION)
}

// Store is the hub's persistence. It is safe for concurrent use.
type Store struct {
	db *sqlx.DB
	// queue is the dispatcher's own small pool on PostgreSQL (nil on
	// SQLite, whose single writer takes no second pool): its transactions
	// never wait for a connection behind the API's requests, which under
	// load hold every connection of db for their durable commits.
	queue   *sqlx.DB
	dialect Dialect
	queries sync.Map // query text → rebound text
	stmts   sync.Map // query text → *sql.Stmt, for the hot paths
	// preparing marks the statements execPrepared is preparing beside.
	preparing sync.Map
	decor     decorator  // completes candidate payloads in events; see decorate.go
	cache     *authCache // nil unless EnableAuthCache was called
	// wake sends the dispatchers' NOTIFY after commits on PostgreSQL (nil
	// on SQLite); eventTxs marks the open transactions that wrote events;
	// subs are this process's dispatchers, woken directly.
	wake     *notifier
	eventTxs sync.Map
	subMu    sync.Mutex
	subs     map[int]func(Due) // see SubscribeDue
	nextSub  int
}

// Open connects to the database named by url: postgres:// or postgresql://
// for PostgreSQL, anything else a SQLite file (an optional sqlite:// prefix
// is stripped; the parent folder is created). It does not migrate.
func Open(url string) (*Store, error) {
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		murl, err := withParams(url, mainParams)
		if err != nil {
			return nil, err
		}
		db, err := sqlx.Open("postgres", murl)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.SetMaxOpenConns(32)
		db.SetMaxIdleConns(32)
		qurl, err := withParams(url, queueParams)
		if err != nil {
			return nil, err
		}
		queue, err := sqlx.Open("postgres", qurl)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		// The dispatcher runs at most four queue transactions at once
		// (fan-out, claim, two writers); connections open on first use.
		queue.SetMaxOpenConns(queueConns)
		queue.SetMaxIdleConns(queueConns)
		// The wake-ups get a connection of their own, so they are never
		// queued behind the requests whose commits they announce.
		wake, err := sqlx.Open("postgres", url)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		wake.SetMaxOpenConns(1)
		wake.SetMaxIdleConns(1)
		return &Store{db: db, queue: queue, wake: newNotifier(wake, newToken()), dialect: Postgres}, nil
	}
	path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite://"), "sqlite:")
	if path == "" {
		return nil, errors.New("open sqlite: empty database path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("open sqlite: create folder: %w", err)
	}
	// WAL lets readers run beside the single writer; busy_timeout makes
	// writers queue instead of failing; _txlock=immediate takes the write
	// lock at BEGIN, so two read-then-write transactions cannot deadlock.
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sqlx.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	return &Store{db: db, dialect: SQLite}, nil
}

// The pools' session settings, added to the database URL. Every pool sends
// a parameterised statement in one round trip instead of two (lib/pq's
// binary_parameters; []byte arguments then travel in binary, which both
// bytea and text columns take as the raw bytes). The dispatcher's pool
// also commits without waiting for the WAL flush (see inQueueTx), set
// once at connect instead of a SET LOCAL round trip in every transaction:
// a fan-out is half a dozen statements, and their round trips are most of
// the time between an event's commit and its first attempt.
var (
	mainParams  = map[string]string{"binary_parameters": "yes"}
	queueParams = map[string]string{"binary_parameters": "yes", "synchronous_commit": "off"}
)

// withParams returns the URL raw with params set in its query.
func withParams(raw string, params map[string]string) (string, error) {
	u, err := neturl.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("open postgres: database URL: %w", err)
	}
	q := u.Query()
	for k, v := range params {
		q.Set(k, v)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Dialect reports which database the store uses.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB exposes the connection pool for migrations and tests.
func (s *Store) DB() *sqlx.DB { return s.db }

// Close releases the prepared statements and the connection pool.
func (s *Store) Close() error {
	if s.cache != nil {
		s.cache.stop()
		<-s.cache.done
		s.cache = nil
	}
	s.stmts.Range(func(_, v any) bool { v.(*sql.Stmt).Close(); return true })
	if s.queue != nil {
		_ = s.queue.Close()
	}
	if s.wake != nil {
		s.wake.close()
		_ = s.wake.db.Close()
	}
	return s.db.Close()
}

// Ping checks the database answers; /readyz calls it.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return &hub.Error{Code: hub.EUnavailable, Message: "the database is unreachable", Err: err}
	}
	return nil
}

// q returns query with placeholders in the store's dialect, rebinding each
// distinct query once.
func (s *Store) q(query string) string {
	if v, ok := s.queries.Load(query); ok {
		return v.(string)
	}
	r := s.db.Rebind(query)
	s.queries.Store(query, r)
	return r
}

// prepared returns a statement prepared once per store for a hot query.
// Two goroutines may race to prepare the same query; the loser's statement
// is closed.
func (s *Store) prepared(query string) (*sql.Stmt, error) {
	if v, ok := s.stmts.Load(query); ok {
		return v.(*sql.Stmt), nil
	}
	st, err := s.db.Prepare(s.q(query))
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if v, loaded := s.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return v.(*sql.Stmt), nil
	}
	return st, nil
}

// execPrepared runs a hot write of fixed text inside tx through a
// statement prepared once per connection, so the database parses and
// plans it once instead of on every request (on PostgreSQL that was a
// fifth of the work of adding a candidate with its event). Until the
// statement is prepared it runs unprepared: preparing needs a connection
// of the pool, and asking for one while tx holds another can wait forever
// once every connection is held by a transaction doing the same (or, on
// SQLite, waiting for tx's write lock). So preparing happens beside, on a
// connection nobody holds.
func (s *Store) execPrepared(ctx context.Context, tx *sqlx.Tx, query string, args ...any) (sql.Result, error) {
	if v, ok := s.stmts.Load(query); ok {
		return tx.StmtContext(ctx, v.(*sql.Stmt)).ExecContext(ctx, args...)
	}
	if _, busy := s.preparing.LoadOrStore(query, true); !busy {
		go func() {
			if _, err := s.prepared(query); err != nil {
				s.preparing.Delete(query) // try again on a later call
			}
		}()
	}
	return tx.ExecContext(ctx, s.q(query), args...)
}

// inTx runs fn in a transaction and commits it when fn returns nil; a
// transaction that wrote events wakes the dispatchers once committed.
func (s *Store) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	var used *sqlx.Tx
	err := inTxOn(ctx, s.db, func(tx *sqlx.Tx) error {
		used = tx
		return fn(tx)
	})
	if used != nil {
		s.settleTx(used, err == nil)
	}
	return err
}

// queueConns is the size of the dispatcher's pool (see Store.queue).
const queueConns = 4

// inTxOn is inTx on a given pool.
func inTxOn(ctx context.Context, db *sqlx.DB, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// notFound turns sql.ErrNoRows into the domain's not-found error.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return hub.Errorf(hub.ENotFound, "%s not found", what)
	}
	return err
}
