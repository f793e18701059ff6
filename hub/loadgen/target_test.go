package loadgen

import (
	"context"
	"errors"
	"math"
	"net"
	"slices"
	"sync"
	"testing"
	"time"
)

// recordingDial stands in for the network: it records what it was asked to
// dial and dials nothing.
type recordingDial struct {
	mu    sync.Mutex
	addrs []string
}

func (d *recordingDial) dial(network, addr string, _ time.Duration) (net.Conn, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.addrs = append(d.addrs, addr)
	return nil, errors.New("recordingDial: not dialling " + addr)
}

func (d *recordingDial) calls() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.addrs)
}

func TestRunRefusesNonLoopback(t *testing.T) {
	targets := []struct{ name, target string }{
		{"private IPv4", "http://10.0.0.1/"},
		{"public name", "http://example.com/"},
		{"public name with port", "http://example.com:8080"},
		{"unspecified address", "http://0.0.0.0:8080"},
		{"abbreviated loopback", "http://127.1:8080"},
		{"localhost with trailing dot", "http://localhost.:8080"},
		{"localhost as subdomain", "http://localhost.example.com"},
		{"IPv6 not ::1", "http://[::2]:8080"},
		{"IPv6 loopback with zone", "http://[::1%25eth0]:8080"},
		{"https to remote", "https://example.com"},
		{"loopback in userinfo", "http://127.0.0.1@example.com/"},
	}
	for _, tt := range targets {
		t.Run(tt.name, func(t *testing.T) {
			var d recordingDial
			nexts := 0
			_, err := run(context.Background(), Config{
				Target: tt.target, MaxRequests: 1,
				Next: func(int, int) Request { nexts++; return Request{} },
			}, d.dial)
			if !errors.Is(err, ErrNotLoopback) {
				t.Errorf("err = %v, want ErrNotLoopback", err)
			}
			if got := d.calls(); len(got) != 0 || nexts != 0 {
				t.Errorf("dialled %v and built %d requests before refusing", got, nexts)
			}
		})
	}
}

func TestParseTarget(t *testing.T) {
	tests := []struct {
		name, target, wantAddr string
		wantErr                bool
	}{
		{name: "IPv4 loopback", target: "http://127.0.0.1:8080", wantAddr: "127.0.0.1:8080"},
		{name: "rest of 127/8", target: "http://127.9.8.7:1", wantAddr: "127.9.8.7:1"},
		{name: "trailing slash, default port", target: "http://127.0.0.1/", wantAddr: "127.0.0.1:80"},
		{name: "IPv6 loopback", target: "http://[::1]:9000", wantAddr: "[::1]:9000"},
		{name: "localhost", target: "http://localhost:3000", wantAddr: "localhost:3000"},
		{name: "LOCALHOST", target: "http://LOCALHOST:3000", wantAddr: "LOCALHOST:3000"},
		{name: "empty", target: "", wantErr: true},
		{name: "no scheme", target: "127.0.0.1:80", wantErr: true},
		{name: "https", target: "https://127.0.0.1:8443", wantErr: true},
		{name: "path", target: "http://127.0.0.1:8080/v1", wantErr: true},
		{name: "query", target: "http://127.0.0.1:8080/?a=1", wantErr: true},
		{name: "port zero", target: "http://127.0.0.1:0", wantErr: true},
		{name: "port too big", target: "http://127.0.0.1:70000", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseTarget(tt.target)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil && errors.Is(err, ErrNotLoopback) {
				t.Errorf("loopback target reported as not loopback: %v", err)
			}
			if got.addr != tt.wantAddr {
				t.Errorf("addr = %q, want %q", got.addr, tt.wantAddr)
			}
		})
	}
}

func TestLoopbackDial(t *testing.T) {
	tests := []struct {
		name, addr string
		wantDials  []string
		notLoop    bool
	}{
		{name: "IPv4 literal", addr: "127.0.0.1:80", wantDials: []string{"127.0.0.1:80"}},
		{name: "IPv6 literal", addr: "[::1]:80", wantDials: []string{"[::1]:80"}},
		{name: "localhost never resolved", addr: "localhost:80", wantDials: []string{"127.0.0.1:80", "[::1]:80"}},
		{name: "remote literal", addr: "10.0.0.1:80", notLoop: true},
		{name: "remote name", addr: "example.com:80", notLoop: true},
		{name: "address list", addr: "127.0.0.1:80,10.0.0.1:80", notLoop: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d recordingDial
			_, err := loopbackDial(d.dial, tt.addr, time.Second)
			if err == nil {
				t.Fatal("recordingDial never connects, want an error")
			}
			if errors.Is(err, ErrNotLoopback) != tt.notLoop {
				t.Errorf("err = %v, want ErrNotLoopback: %v", err, tt.notLoop)
			}
			if got := d.calls(); !slices.Equal(got, tt.wantDials) {
				t.Errorf("dialled %v, want %v", got, tt.wantDials)
			}
		})
	}
}

func TestRunRejectsConfig(t *testing.T) {
	next := func(int, int) Request { return Request{} }
	tests := []struct {
		name string
		cfg  Config
	}{
		{name: "unbounded", cfg: Config{}},
		{name: "negative duration", cfg: Config{Duration: -time.Second, MaxRequests: 1}},
		{name: "negative count", cfg: Config{MaxRequests: -1, Duration: time.Second}},
		{name: "negative warmup", cfg: Config{MaxRequests: 1, Warmup: -1}},
		{name: "too many workers", cfg: Config{MaxRequests: 1, Concurrency: MaxConcurrency + 1}},
		{name: "NaN rate", cfg: Config{MaxRequests: 1, Rate: math.NaN()}},
		{name: "infinite rate", cfg: Config{MaxRequests: 1, Rate: math.Inf(1)}},
		{name: "negative rate", cfg: Config{MaxRequests: 1, Rate: -5}},
		{name: "bad expected status", cfg: Config{MaxRequests: 1, ExpectStatus: 20}},
		{name: "relative path", cfg: Config{MaxRequests: 1, Request: Request{Path: "v1/jobs"}}},
		{name: "Request and Next", cfg: Config{MaxRequests: 1, Request: Request{Path: "/"}, Next: next}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d recordingDial
			tt.cfg.Target = "http://127.0.0.1:1"
			if _, err := run(context.Background(), tt.cfg, d.dial); err == nil {
				t.Error("Run accepted an invalid Config")
			}
			if got := d.calls(); len(got) != 0 {
				t.Errorf("dialled %v for an invalid Config", got)
			}
		})
	}
}

// TestRunBadPathFromNext checks that a bad path from Next is a counted
// error, not a request.
func TestRunBadPathFromNext(t *testing.T) {
	var d recordingDial
	r, err := run(context.Background(), Config{
		Target: "http://127.0.0.1:1", MaxRequests: 2,
		Next: func(int, int) Request { return Request{Path: "nope"} },
	}, d.dial)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if r.Requests != 2 || r.Errors != 2 || len(d.calls()) != 0 {
		t.Errorf("Requests %d Errors %d dials %v, want 2 2 []", r.Requests, r.Errors, d.calls())
	}
	mustContain(t, r.FirstError, "must start with /")
}
