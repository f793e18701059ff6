package loadgen

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// counter is what a test server knows about the traffic it received.
type counter struct {
	hits        atomic.Int64
	mu          sync.Mutex
	remotes     map[string]bool
	first, last time.Time
}

func newCounter() *counter { return &counter{remotes: make(map[string]bool)} }

// hit records one request from remote and returns the running count.
func (c *counter) hit(remote string) int64 {
	now := time.Now()
	c.mu.Lock()
	c.remotes[remote] = true
	if c.first.IsZero() {
		c.first = now
	}
	c.last = now
	c.mu.Unlock()
	return c.hits.Add(1)
}

// conns is the number of distinct client connections seen.
func (c *counter) conns() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.remotes)
}

// span is the time between the first and the last request seen.
func (c *counter) span() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last.Sub(c.first)
}

// httpServer starts a net/http server on loopback that counts every request
// before handing it to h (nil answers 200 "ok").
func httpServer(t testing.TB, h http.HandlerFunc) (string, *counter) {
	t.Helper()
	c := newCounter()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.hit(r.RemoteAddr)
		if h == nil {
			_, _ = w.Write([]byte("ok"))
			return
		}
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, c
}

// fastServer is httpServer on a fasthttp server, to check the client against
// the server library the hub itself runs on.
func fastServer(t testing.TB) (string, *counter) {
	t.Helper()
	c := newCounter()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		c.hit(ctx.RemoteAddr().String())
		ctx.SetBodyString("ok")
	}}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		if err := srv.Shutdown(); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String(), c
}

// hungServer never answers until the client goes away or the test ends; it
// signals each arrival on the returned channel (without blocking).
func hungServer(t *testing.T) (string, *counter, <-chan struct{}) {
	t.Helper()
	release := make(chan struct{})
	arrived := make(chan struct{}, 1)
	url, c := httpServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case arrived <- struct{}{}:
		default:
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	// Registered after httpServer's srv.Close, so it runs first and
	// Close does not wait on blocked handlers.
	t.Cleanup(func() { close(release) })
	return url, c, arrived
}

// runAsync runs Run in the background; the result arrives on the channel.
func runAsync(ctx context.Context, cfg Config) <-chan runOutcome {
	out := make(chan runOutcome, 1)
	go func() {
		start := time.Now()
		r, err := Run(ctx, cfg)
		out <- runOutcome{r, err, time.Since(start)}
	}()
	return out
}

type runOutcome struct {
	res  Result
	err  error
	wall time.Duration
}

// await waits for a background run, failing the test if it does not end;
// limit is a safety net, not a synchronisation point.
func await(t *testing.T, out <-chan runOutcome, limit time.Duration) runOutcome {
	t.Helper()
	select {
	case o := <-out:
		return o
	case <-time.After(limit):
		t.Fatalf("Run did not return within %v", limit)
		return runOutcome{}
	}
}

// checkOrdered asserts the percentiles are monotonic and non-zero.
func checkOrdered(t *testing.T, r Result) {
	t.Helper()
	if r.P50 <= 0 || r.P50 > r.P90 || r.P90 > r.P99 || r.P99 > r.Max {
		t.Errorf("percentiles not ordered: p50 %v p90 %v p99 %v max %v", r.P50, r.P90, r.P99, r.Max)
	}
}

// mustContain asserts s contains sub.
func mustContain(t *testing.T, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Errorf("%q does not contain %q", s, sub)
	}
}
