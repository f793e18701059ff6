package httpapi

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// usageGranularity is how current last_used_at is kept: a key used
// continuously is written about once per this interval, not per request.
const usageGranularity = time.Minute

// usageToucher is the storage the tracker writes to.
type usageToucher interface {
	TouchAPIKeys(ctx context.Context, used map[string]time.Time) error
}

// usageTracker batches API-key last-use times in memory and writes the stale
// ones in the background.
type usageTracker struct {
	store usageToucher
	log   *slog.Logger

	mu      sync.Mutex
	pending map[string]time.Time // key → newest use not yet written
	written map[string]time.Time // key → last time this process wrote it
}

func newUsageTracker(st usageToucher, log *slog.Logger) *usageTracker {
	return &usageTracker{store: st, log: log, pending: map[string]time.Time{}, written: map[string]time.Time{}}
}

// seen records a use of key whose stored last use is stored. Nothing is
// queued while the stored (or this process's last written) time is less
// than a minute old, which is what keeps the hot path write-free.
func (u *usageTracker) seen(key string, stored time.Time) {
	now := time.Now()
	if now.Sub(stored) < usageGranularity {
		return
	}
	u.mu.Lock()
	if now.Sub(u.written[key]) >= usageGranularity {
		u.pending[key] = now
	}
	u.mu.Unlock()
}

// flush writes the queued uses.
func (u *usageTracker) flush(ctx context.Context) {
	u.mu.Lock()
	if len(u.pending) == 0 {
		u.mu.Unlock()
		return
	}
	batch := u.pending
	u.pending = map[string]time.Time{}
	for k, t := range batch {
		u.written[k] = t
	}
	u.mu.Unlock()
	if err := u.store.TouchAPIKeys(ctx, batch); err != nil {
		u.log.Warn("record api key use", "err", err)
	}
}

// run flushes every interval until ctx ends, then once more.
func (u *usageTracker) run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			u.flush(fctx)
			cancel()
			return
		case <-t.C:
			u.flush(ctx)
		}
	}
}
