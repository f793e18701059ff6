package store

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
)

// AuthCacheOptions tune the API-key cache. The zero value gives the
// defaults.
type AuthCacheOptions struct {
	// SyncEvery is how often the process reads the revocation epoch; a
	// revocation waits about this long for other processes to drop keys.
	SyncEvery time.Duration // default 50ms
	// Fresh is how long a successful epoch read lets the cache answer. A
	// process that cannot reach the database stops trusting its cache
	// after this, which bounds how long a revocation may have to wait for
	// a process that does not acknowledge it.
	Fresh time.Duration // default 1s
	// TTL bounds how long one entry is served, so label changes and the
	// stored last-use time do not go stale forever.
	TTL time.Duration // default 5m
	// MaxEntries bounds memory; the cache is emptied when it is full.
	MaxEntries int // default 10,000
}

func (o *AuthCacheOptions) defaults() {
	if o.SyncEvery <= 0 {
		o.SyncEvery = 50 * time.Millisecond
	}
	if o.Fresh <= 0 {
		o.Fresh = time.Second
	}
	if o.TTL <= 0 {
		o.TTL = 5 * time.Minute
	}
	if o.MaxEntries <= 0 {
		o.MaxEntries = 10_000
	}
}

// authCache keeps API-key look-ups in memory without weakening revocation:
// an entry is served only while the process has read the revocation epoch
// within Fresh and the epoch has not moved since the entry was read, and a
// revocation does not answer until every live process has seen its epoch
// (or Fresh has passed, after which a silent process no longer trusts its
// cache). So the request after a revocation is refused on every process.
type authCache struct {
	opts   AuthCacheOptions
	nodeID string
	stop   context.CancelFunc
	done   chan struct{}

	mu       sync.RWMutex
	epoch    int64
	syncedAt time.Time // start of the last successful epoch read
	entries  map[string]cachedKey
}

type cachedKey struct {
	ka     hub.KeyAuth
	epoch  int64
	readAt time.Time
}

// EnableAuthCache starts caching API-key look-ups for this store and
// registers the process as a hub node. Close stops it.
func (s *Store) EnableAuthCache(ctx context.Context, o AuthCacheOptions) error {
	o.defaults()
	c := &authCache{opts: o, nodeID: hub.NewID("node"), entries: map[string]cachedKey{}, done: make(chan struct{})}
	epoch, err := s.readEpoch(ctx)
	if err != nil {
		return err
	}
	now := hub.Now()
	_, err = s.db.ExecContext(ctx, s.q(`INSERT INTO hub_nodes (id, seen_epoch, heartbeat_at, started_at) VALUES (?, ?, ?, ?)`),
		c.nodeID, epoch, now, now)
	if err != nil {
		return fmt.Errorf("register hub node: %w", err)
	}
	c.epoch, c.syncedAt = epoch, time.Now()
	bg, cancel := context.WithCancel(context.Background())
	c.stop = cancel
	s.cache = c
	go s.syncAuth(bg, c)
	return nil
}

func (s *Store) readEpoch(ctx context.Context) (int64, error) {
	var e int64
	if err := s.db.GetContext(ctx, &e, `SELECT epoch FROM auth_epoch WHERE id = 1`); err != nil {
		return 0, fmt.Errorf("read auth epoch: %w", err)
	}
	return e, nil
}

// syncAuth reads the epoch every SyncEvery, drops the cache when it moved,
// acknowledges it in hub_nodes, and beats the node's heartbeat.
func (s *Store) syncAuth(ctx context.Context, c *authCache) {
	defer close(c.done)
	t := time.NewTicker(c.opts.SyncEvery)
	defer t.Stop()
	lastBeat := time.Now()
	for {
		select {
		case <-ctx.Done():
			dctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			_, _ = s.db.ExecContext(dctx, s.q(`DELETE FROM hub_nodes WHERE id = ?`), c.nodeID)
			cancel()
			return
		case <-t.C:
		}
		start := time.Now()
		epoch, err := s.readEpoch(ctx)
		if err != nil {
			continue // the cache goes stale on its own after Fresh
		}
		c.mu.Lock()
		moved := epoch != c.epoch
		if moved {
			c.entries = map[string]cachedKey{}
			c.epoch = epoch
		}
		c.syncedAt = start
		c.mu.Unlock()
		if moved || time.Since(lastBeat) >= c.opts.Fresh/2 {
			_, err := s.db.ExecContext(ctx, s.q(`UPDATE hub_nodes SET seen_epoch = ?, heartbeat_at = ? WHERE id = ?`), epoch, hub.Now(), c.nodeID)
			if err == nil {
				lastBeat = time.Now()
			}
		}
	}
}

// lookup returns a cached key that may still be served.
func (c *authCache) lookup(hash string) (hub.KeyAuth, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.entries[hash]
	if !ok || e.epoch != c.epoch || time.Since(c.syncedAt) > c.opts.Fresh || time.Since(e.readAt) > c.opts.TTL {
		return hub.KeyAuth{}, false
	}
	return e.ka, true
}

// snapshot returns the epoch to stamp on a look-up that is about to read the
// database; an entry read under an older epoch is never served.
func (c *authCache) snapshot() int64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.epoch
}

func (c *authCache) put(hash string, ka hub.KeyAuth, epoch int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch != c.epoch {
		return
	}
	if len(c.entries) >= c.opts.MaxEntries {
		c.entries = map[string]cachedKey{}
	}
	c.entries[hash] = cachedKey{ka: ka, epoch: epoch, readAt: time.Now()}
}

// advance moves this process to epoch at once (the process that revoked
// does not wait for its own sync).
func (c *authCache) advance(epoch int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch > c.epoch {
		c.entries = map[string]cachedKey{}
		c.epoch = epoch
	}
}

// waitForNodes blocks until every live hub node has seen epoch, or until a
// silent node can no longer be trusting its cache.
func (s *Store) waitForNodes(ctx context.Context, epoch int64, fresh time.Duration) error {
	if s.cache != nil {
		s.cache.advance(epoch)
		_, _ = s.db.ExecContext(ctx, s.q(`UPDATE hub_nodes SET seen_epoch = ? WHERE id = ? AND seen_epoch < ?`), epoch, s.cache.nodeID, epoch)
	}
	deadline := time.Now().Add(fresh + 250*time.Millisecond)
	for {
		alive := hub.TimeOf(time.Now().Add(-2 * fresh))
		var behind int
		err := s.db.GetContext(ctx, &behind, s.q(`SELECT COUNT(*) FROM hub_nodes WHERE seen_epoch < ? AND heartbeat_at > ?`), epoch, alive)
		if err != nil {
			return fmt.Errorf("wait for hub nodes: %w", err)
		}
		if behind == 0 || time.Now().After(deadline) {
			return nil
		}
		t := time.NewTimer(5 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}
