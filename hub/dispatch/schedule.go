package dispatch

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultDelays is the retry schedule after the first attempt: quick at
// first for blips, then spread over about a day and a half for outages.
var DefaultDelays = []time.Duration{
	5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour,
}

// DefaultJitter spreads retries by ±20 %, so endpoints that failed
// together (one outage, thousands of deliveries) are not retried in one
// thundering herd.
const DefaultJitter = 0.2

// Schedule decides when a failed delivery is tried again. It is a value
// with no clock or randomness inside, so it can be tested exactly.
type Schedule struct {
	// Delays are the waits after attempt 1, 2, …; after the last one the
	// delivery fails.
	Delays []time.Duration
	// Jitter is the fraction each delay may move either way.
	Jitter float64
	// MaxRetryAfter caps how long a receiver's Retry-After can make us wait.
	MaxRetryAfter time.Duration
}

// DefaultSchedule returns the documented schedule.
func DefaultSchedule() Schedule {
	return Schedule{Delays: append([]time.Duration(nil), DefaultDelays...), Jitter: DefaultJitter, MaxRetryAfter: 10 * time.Hour}
}

// Attempts is the most attempts a delivery gets: the first and one per
// delay.
func (s Schedule) Attempts() int { return len(s.Delays) + 1 }

// Next returns how long to wait after failed attempt n (1-based) before
// the next one, and false when attempt n was the last. r in [0, 1) picks the
// jitter. retryAfter, when positive, is the receiver's own Retry-After: it
// replaces the scheduled delay (without jitter, it is what they asked for)
// up to MaxRetryAfter, but does not add attempts.
func (s Schedule) Next(n int, retryAfter time.Duration, r float64) (time.Duration, bool) {
	if n < 1 || n > len(s.Delays) {
		return 0, false
	}
	if retryAfter > 0 {
		if s.MaxRetryAfter > 0 && retryAfter > s.MaxRetryAfter {
			retryAfter = s.MaxRetryAfter
		}
		return retryAfter, true
	}
	d := s.Delays[n-1]
	return d + time.Duration(float64(d)*s.Jitter*(2*r-1)), true
}

// RetryAfter reads a Retry-After header of a 429 or 503 answer (the
// statuses for which it means "come back later"), as seconds or an HTTP
// date, relative to now. It returns 0 when there is none to honour.
func RetryAfter(status int, header string, now time.Time) time.Duration {
	if status != http.StatusTooManyRequests && status != http.StatusServiceUnavailable {
		return 0
	}
	header = strings.TrimSpace(header)
	if header == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(header, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(365*24*time.Hour/time.Second) {
			secs = int64(365 * 24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(header); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
