package loadgen

import (
	"bytes"
	"context"
	"errors"
	"io"
	"maps"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunMaxRequests(t *testing.T) {
	tests := []struct {
		name        string
		fast        bool // fasthttp server instead of net/http
		localhost   bool // target by name instead of 127.0.0.1
		concurrency int
		max         int
		warmup      time.Duration
	}{
		{name: "one worker", concurrency: 1, max: 50},
		{name: "four workers", concurrency: 4, max: 401},
		{name: "fewer requests than workers", concurrency: 8, max: 3},
		{name: "with warmup", concurrency: 2, max: 100, warmup: 50 * time.Millisecond},
		{name: "fasthttp server", fast: true, concurrency: 3, max: 300},
		{name: "localhost target", localhost: true, concurrency: 2, max: 40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target, c := httpServer(t, nil)
			if tt.fast {
				target, c = fastServer(t)
			}
			if tt.localhost {
				target = strings.Replace(target, "127.0.0.1", "localhost", 1)
			}
			r, err := Run(context.Background(), Config{
				Target: target, Concurrency: tt.concurrency, MaxRequests: tt.max, Warmup: tt.warmup,
				Request: Request{Path: "/ping"},
			})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if r.Requests != int64(tt.max) {
				t.Errorf("Requests = %d, want %d", r.Requests, tt.max)
			}
			if got, want := c.hits.Load(), r.Requests+r.WarmupRequests; got != want {
				t.Errorf("server saw %d requests, Result accounts for %d", got, want)
			}
			if tt.warmup > 0 && r.WarmupRequests == 0 {
				t.Errorf("no warmup requests in %v of warmup", tt.warmup)
			}
			if tt.warmup == 0 && r.WarmupRequests != 0 {
				t.Errorf("WarmupRequests = %d without warmup", r.WarmupRequests)
			}
			if r.Errors != 0 || r.StatusCounts[200] != int64(tt.max) {
				t.Errorf("Errors %d, StatusCounts %v (first error %q)", r.Errors, r.StatusCounts, r.FirstError)
			}
			if n := c.conns(); n < 1 || n > tt.concurrency {
				t.Errorf("server saw %d connections, want 1..%d (one keep-alive per worker)", n, tt.concurrency)
			}
			if r.Elapsed <= 0 || r.RPS <= 0 {
				t.Errorf("Elapsed %v RPS %v", r.Elapsed, r.RPS)
			}
			checkOrdered(t, r)
		})
	}
}

func TestRunDuration(t *testing.T) {
	tests := []struct {
		name     string
		hung     bool
		duration time.Duration
		max      int
	}{
		{name: "fast server", duration: 300 * time.Millisecond},
		{name: "fast server, count bound not reached", duration: 300 * time.Millisecond, max: 1 << 30},
		{name: "hung server", hung: true, duration: 200 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target, c := httpServer(t, nil)
			if tt.hung {
				target, c, _ = hungServer(t)
			}
			const workers = 2
			start := time.Now()
			r, err := Run(context.Background(), Config{Target: target, Concurrency: workers, Duration: tt.duration, MaxRequests: tt.max})
			wall := time.Since(start)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if wall < tt.duration || wall > tt.duration+3*time.Second {
				t.Errorf("Run took %v for a %v run", wall, tt.duration)
			}
			if r.Elapsed < tt.duration*9/10 || r.Elapsed > tt.duration {
				t.Errorf("Elapsed = %v, want about %v", r.Elapsed, tt.duration)
			}
			// Requests in flight at the end are dropped, at most one per worker.
			if lost := c.hits.Load() - r.Requests; lost < 0 || lost > workers {
				t.Errorf("server saw %d, measured %d", c.hits.Load(), r.Requests)
			}
			if tt.hung {
				if r.Requests != 0 || r.Errors != 0 {
					t.Errorf("hung server: Requests %d Errors %d, want 0 0", r.Requests, r.Errors)
				}
				return
			}
			if r.Requests == 0 || r.Errors != 0 {
				t.Errorf("Requests %d Errors %d (%s)", r.Requests, r.Errors, r.FirstError)
			}
		})
	}
}

func TestRunCancel(t *testing.T) {
	tests := []struct {
		name string
		hung bool
		rate float64
	}{
		{name: "closed loop, fast server"},
		{name: "closed loop, request in flight", hung: true},
		{name: "open loop, waiting for the next slot", rate: 0.2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var (
				target  string
				c       *counter
				arrived <-chan struct{}
			)
			if tt.hung {
				target, c, arrived = hungServer(t)
			} else {
				ch := make(chan struct{}, 1)
				target, c = httpServer(t, func(w http.ResponseWriter, r *http.Request) {
					select {
					case ch <- struct{}{}:
					default:
					}
				})
				arrived = ch
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			out := runAsync(ctx, Config{Target: target, Concurrency: 2, Duration: time.Minute, Rate: tt.rate})
			<-arrived
			cancel()
			o := await(t, out, 4*time.Second)
			if !errors.Is(o.err, context.Canceled) {
				t.Errorf("err = %v, want context.Canceled", o.err)
			}
			if o.res.Requests > c.hits.Load() {
				t.Errorf("measured %d requests, server saw %d", o.res.Requests, c.hits.Load())
			}
			if o.res.Errors != 0 {
				t.Errorf("cancellation counted as %d errors (%s)", o.res.Errors, o.res.FirstError)
			}
		})
	}
}

func TestRunCancelledBeforeStart(t *testing.T) {
	target, c := httpServer(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Run(ctx, Config{Target: target, MaxRequests: 10})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if n := c.hits.Load(); n != 0 {
		t.Errorf("server saw %d requests", n)
	}
}

func TestRunStatuses(t *testing.T) {
	paths := []string{"/ok", "/created", "/missing", "/boom"}
	codes := map[string]int{"/ok": 200, "/created": 201, "/missing": 404, "/boom": 500}
	tests := []struct {
		name       string
		expect     int
		wantErrors int64
	}{
		{name: "any 2xx", expect: 0, wantErrors: 4},
		{name: "exactly 404", expect: 404, wantErrors: 6},
		{name: "exactly 201", expect: 201, wantErrors: 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target, _ := httpServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(codes[r.URL.Path])
			})
			r, err := Run(context.Background(), Config{
				Target: target, MaxRequests: 8, ExpectStatus: tt.expect,
				Next: func(_, i int) Request { return Request{Path: paths[i%len(paths)]} },
			})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			want := map[int]int64{200: 2, 201: 2, 404: 2, 500: 2}
			if !maps.Equal(r.StatusCounts, want) {
				t.Errorf("StatusCounts = %v, want %v", r.StatusCounts, want)
			}
			if r.Requests != 8 || r.Errors != tt.wantErrors {
				t.Errorf("Requests %d Errors %d, want 8 %d", r.Requests, r.Errors, tt.wantErrors)
			}
			mustContain(t, r.FirstError, "unexpected status")
			checkOrdered(t, r)
		})
	}
}

func TestRunTransportErrors(t *testing.T) {
	closedPort := func(t *testing.T) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("listen: %v", err)
		}
		addr := ln.Addr().String()
		if err := ln.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}
		return "http://" + addr
	}
	hung := func(t *testing.T) string { u, _, _ := hungServer(t); return u }
	tests := []struct {
		name    string
		target  func(*testing.T) string
		timeout time.Duration
		want    string
	}{
		{name: "connection refused", target: closedPort, want: "request failed"},
		{name: "request timeout", target: hung, timeout: 50 * time.Millisecond, want: "timed out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Run(context.Background(), Config{
				Target: tt.target(t), MaxRequests: 3, Duration: 10 * time.Second, Timeout: tt.timeout,
			})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if r.Requests != 3 || r.Errors != 3 || len(r.StatusCounts) != 0 {
				t.Errorf("Requests %d Errors %d StatusCounts %v, want 3 3 {}", r.Requests, r.Errors, r.StatusCounts)
			}
			mustContain(t, r.FirstError, tt.want)
		})
	}
}

func TestRunSendsRequest(t *testing.T) {
	body := []byte(`{"title":"Go engineer"}`)
	tests := []struct {
		name                  string
		req                   Request
		next                  bool // send req through Next instead of Config.Request
		method, uri, wantBody string
		header                map[string]string
	}{
		{name: "zero request is GET /", method: "GET", uri: "/"},
		{
			name:   "POST with headers and body",
			req:    Request{Method: "POST", Path: "/v1/jobs?draft=1", Header: map[string]string{"Authorization": "Bearer k", "Content-Type": "application/json"}, Body: body},
			method: "POST", uri: "/v1/jobs?draft=1", wantBody: string(body),
			header: map[string]string{"Authorization": "Bearer k", "Content-Type": "application/json"},
		},
		{
			name: "PUT through Next", next: true,
			req:    Request{Method: "PUT", Path: "/v1/jobs/7", Header: map[string]string{"X-Trace": "t1"}, Body: []byte("x")},
			method: "PUT", uri: "/v1/jobs/7", wantBody: "x", header: map[string]string{"X-Trace": "t1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var bad atomic.Int64
			target, c := httpServer(t, func(w http.ResponseWriter, r *http.Request) {
				got, _ := io.ReadAll(r.Body)
				host := r.Context().Value(http.LocalAddrContextKey).(net.Addr).String()
				ok := r.Method == tt.method && r.RequestURI == tt.uri && bytes.Equal(got, []byte(tt.wantBody)) && r.Host == host
				for k, v := range tt.header {
					ok = ok && r.Header.Get(k) == v
				}
				if !ok {
					bad.Add(1)
					t.Errorf("got %s %s host %q body %q header %v", r.Method, r.RequestURI, r.Host, got, r.Header)
				}
			})
			cfg := Config{Target: target, MaxRequests: 3, Concurrency: 2, Request: tt.req}
			if tt.next {
				cfg.Request = Request{}
				cfg.Next = func(int, int) Request { return tt.req }
			}
			r, err := Run(context.Background(), cfg)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if c.hits.Load() != 3 || bad.Load() != 0 || r.Errors != 0 {
				t.Errorf("server saw %d requests, %d wrong; Errors %d", c.hits.Load(), bad.Load(), r.Errors)
			}
		})
	}
}
