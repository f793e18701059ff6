package httpapi

import (
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
)

// limiter is a fixed-window request counter per API key, kept in this
// process's memory. Fixed windows make the RateLimit-* headers exact and cost
// one map look-up a request. With several hub processes each enforces the
// limit on its own share of the traffic.
type limiter struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu   sync.Mutex
	keys map[string]*window
}

type window struct {
	start time.Time
	count int
}

func newLimiter(limit int, w time.Duration) *limiter {
	return &limiter{limit: limit, window: w, now: time.Now, keys: map[string]*window{}}
}

// allow counts one request for key, sets the RateLimit-* headers and returns
// a rate-limited error (with Retry-After) once the window is used up.
func (l *limiter) allow(c *fiber.Ctx, key string) error {
	if l == nil || l.limit <= 0 {
		return nil
	}
	now := l.now()
	l.mu.Lock()
	w := l.keys[key]
	if w == nil || now.Sub(w.start) >= l.window {
		if len(l.keys) > 100_000 {
			l.sweep(now)
		}
		w = &window{start: now}
		l.keys[key] = w
	}
	w.count++
	count, reset := w.count, w.start.Add(l.window).Sub(now)
	l.mu.Unlock()

	resetSecs := int(math.Ceil(reset.Seconds()))
	remaining := l.limit - count
	if remaining < 0 {
		remaining = 0
	}
	c.Set("RateLimit-Limit", strconv.Itoa(l.limit))
	c.Set("RateLimit-Remaining", strconv.Itoa(remaining))
	c.Set("RateLimit-Reset", strconv.Itoa(resetSecs))
	if count > l.limit {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(resetSecs, 1)))
		return hub.Errorf(hub.ERateLimited, "this API key made more than %d requests in %s; retry in %d s", l.limit, l.window, max(resetSecs, 1))
	}
	return nil
}

// sweep drops expired windows so the map cannot grow without bound.
func (l *limiter) sweep(now time.Time) {
	for k, w := range l.keys {
		if now.Sub(w.start) >= l.window {
			delete(l.keys, k)
		}
	}
}
