package dispatch_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/dispatch"
)

func TestScheduleNext(t *testing.T) {
	s := dispatch.DefaultSchedule()
	if s.Attempts() != 8 {
		t.Fatalf("attempts = %d, want 8 (first try and 7 retries)", s.Attempts())
	}
	cases := []struct {
		name       string
		n          int
		retryAfter time.Duration
		r          float64
		want       time.Duration
		ok         bool
	}{
		{"after the first try, 5s at the low end of the jitter", 1, 0, 0, 4 * time.Second, true},
		{"after the first try, 5s without jitter", 1, 0, 0.5, 5 * time.Second, true},
		{"after the first try, 5s at the high end", 1, 0, 0.999999999, 6 * time.Second, true},
		{"second retry 5 min", 2, 0, 0.5, 5 * time.Minute, true},
		{"third retry 30 min", 3, 0, 0.5, 30 * time.Minute, true},
		{"fourth 2 h", 4, 0, 0.5, 2 * time.Hour, true},
		{"fifth 5 h", 5, 0, 0.5, 5 * time.Hour, true},
		{"sixth 10 h", 6, 0, 0.5, 10 * time.Hour, true},
		{"seventh 10 h", 7, 0, 0.5, 10 * time.Hour, true},
		{"after the eighth attempt, give up", 8, 0, 0.5, 0, false},
		{"Retry-After replaces the delay", 1, 90 * time.Second, 0.9, 90 * time.Second, true},
		{"Retry-After is capped", 2, 48 * time.Hour, 0.5, 10 * time.Hour, true},
		{"Retry-After does not add attempts", 8, time.Second, 0.5, 0, false},
		{"attempt 0 is not a failed attempt", 0, 0, 0.5, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := s.Next(c.n, c.retryAfter, c.r)
			if ok != c.ok || got.Round(time.Millisecond) != c.want {
				t.Fatalf("Next(%d, %s, %v) = %s, %v; want %s, %v", c.n, c.retryAfter, c.r, got, ok, c.want, c.ok)
			}
		})
	}
	t.Run("jitter stays within ±20 %", func(t *testing.T) {
		for n := 1; n <= 7; n++ {
			base := dispatch.DefaultDelays[n-1]
			for i := 0; i < 1000; i++ {
				r := float64(i) / 1000
				got, _ := s.Next(n, 0, r)
				if got < base*8/10 || got > base*12/10 {
					t.Fatalf("attempt %d, r=%v: %s outside [%s, %s]", n, r, got, base*8/10, base*12/10)
				}
			}
		}
	})
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		status int
		header string
		want   time.Duration
	}{
		{"seconds on 429", 429, "120", 2 * time.Minute},
		{"seconds on 503", 503, " 7 ", 7 * time.Second},
		{"HTTP date", 503, now.Add(time.Hour).Format(http.TimeFormat), time.Hour},
		{"date in the past", 503, now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"ignored on 500", 500, "120", 0},
		{"ignored on 200", 200, "120", 0},
		{"garbage", 429, "soon", 0},
		{"negative", 429, "-5", 0},
		{"absent", 429, "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := dispatch.RetryAfter(c.status, c.header, now); got != c.want {
				t.Fatalf("RetryAfter(%d, %q) = %s, want %s", c.status, c.header, got, c.want)
			}
		})
	}
}

func TestSigningSecrets(t *testing.T) {
	now := time.Now()
	w := hub.Webhook{Secret: "new", PreviousSecret: "old", PreviousExpiresAt: hub.TimeOf(now.Add(24 * time.Hour))}
	cases := []struct {
		name string
		at   time.Time
		want int
	}{
		{"right after rotation", now, 2},
		{"an hour before expiry", now.Add(23 * time.Hour), 2},
		{"at expiry", now.Add(24 * time.Hour), 1},
		{"a day later", now.Add(48 * time.Hour), 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := w.SigningSecrets(c.at)
			if len(got) != c.want || got[0] != "new" {
				t.Fatalf("secrets %v, want %d starting with the new one", got, c.want)
			}
		})
	}
	if got := (hub.Webhook{Secret: "only"}).SigningSecrets(now); len(got) != 1 {
		t.Fatalf("never rotated: %v", got)
	}
}
