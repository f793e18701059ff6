package loadgen

import (
	"context"
	"net/http"
	"testing"
	"time"
)

func TestRunRate(t *testing.T) {
	tests := []struct {
		name             string
		rate             float64
		duration, warmup time.Duration
		max              int
		wantMin, wantMax int64         // measured requests
		wantWarm         [2]int64      // WarmupRequests range
		minSpan          time.Duration // server-side first-to-last arrival
	}{
		{
			name: "200/s for 500ms", rate: 200, duration: 500 * time.Millisecond,
			wantMin: 80, wantMax: 100, minSpan: 400 * time.Millisecond,
		},
		{
			name: "200/s with 200ms warmup", rate: 200, duration: 500 * time.Millisecond, warmup: 200 * time.Millisecond,
			wantMin: 80, wantMax: 100, wantWarm: [2]int64{36, 40}, minSpan: 600 * time.Millisecond,
		},
		{
			name: "capped by MaxRequests", rate: 200, duration: 5 * time.Second, max: 20,
			wantMin: 20, wantMax: 20, minSpan: 90 * time.Millisecond,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target, c := httpServer(t, nil)
			r, err := Run(context.Background(), Config{
				Target: target, Concurrency: 4, Rate: tt.rate, Duration: tt.duration, Warmup: tt.warmup, MaxRequests: tt.max,
			})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			// The schedule is a ceiling that holds however busy the machine
			// is; how close a run gets to it depends on spare CPU, so the
			// lower bounds are loose (a busy 2-core machine falls behind).
			if r.Requests > tt.wantMax || r.Requests < tt.wantMin/4 {
				t.Errorf("Requests = %d, want at most %d and at least %d", r.Requests, tt.wantMax, tt.wantMin/4)
			}
			if r.WarmupRequests > tt.wantWarm[1] {
				t.Errorf("WarmupRequests = %d, want at most %d", r.WarmupRequests, tt.wantWarm[1])
			}
			// Paced, not a burst: arrivals spread over the schedule.
			if span := c.span(); span < tt.minSpan/4 {
				t.Errorf("requests arrived within %v, want at least %v", span, tt.minSpan/4)
			}
			if r.Errors != 0 {
				t.Errorf("Errors = %d (%s)", r.Errors, r.FirstError)
			}
		})
	}
}

// TestRateMeasuresFromSchedule checks the coordinated-omission correction:
// with one worker and a server slower than the schedule, open-loop latency
// must grow with the backlog, while closed-loop latency stays near the
// service time.
func TestRateMeasuresFromSchedule(t *testing.T) {
	const service = 20 * time.Millisecond
	tests := []struct {
		name           string
		rate           float64
		minP99, maxP99 time.Duration
	}{
		// A closed loop can never be faster than the service time. An open
		// loop at twice the server's capacity must see request k (sent at
		// 10k ms, done no earlier than 20(k+1) ms) at least 100 ms late from
		// the eighth request on, whatever the machine's load.
		{name: "closed loop sees service time", rate: 0, minP99: service, maxP99: time.Minute},
		{name: "open loop sees the backlog", rate: 100, minP99: 5 * service, maxP99: time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target, _ := httpServer(t, func(w http.ResponseWriter, r *http.Request) {
				time.Sleep(service) // simulated work, not synchronisation
			})
			r, err := Run(context.Background(), Config{
				Target: target, Concurrency: 1, Rate: tt.rate, Duration: 400 * time.Millisecond,
			})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if r.Requests < 1 {
				t.Fatalf("no requests completed")
			}
			if r.P99 < tt.minP99 || r.P99 > tt.maxP99 {
				t.Errorf("p99 = %v, want %v..%v (%s)", r.P99, tt.minP99, tt.maxP99, r)
			}
		})
	}
}
