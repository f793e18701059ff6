package bench

import (
	"encoding/json"
	"net"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/webhook"
)

// receiver is the loopback endpoint of the dispatch benchmark: one server
// for many webhooks (one path each), verifying the signature of every
// delivery and noting when it arrived, so the benchmark can count
// deliveries per second and commit-to-receipt latencies. It uses fasthttp
// to leave as much of the two cores as possible to the hub it measures.
type receiver struct {
	srv  *fasthttp.Server
	base string

	mu       sync.Mutex
	secrets  map[string]string // path -> signing secret
	arrivals []arrival
	seen     map[string]int // path + webhook-id -> times received
	dupes    int
	bad      int
	firstBad string
	more     chan struct{} // signalled (without blocking) on every arrival
}

// arrival is one verified delivery: when it came and how long after its
// event was committed.
type arrival struct {
	at, committed time.Time
	latency       time.Duration
}

func newReceiver(b *testing.B) *receiver {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	r := &receiver{base: "http://" + ln.Addr().String(), secrets: map[string]string{}, seen: map[string]int{},
		more: make(chan struct{}, 1), arrivals: make([]arrival, 0, 1<<18)}
	r.srv = &fasthttp.Server{Handler: r.handle, ReadTimeout: 30 * time.Second, Concurrency: 4096}
	go func() { _ = r.srv.Serve(ln) }()
	b.Cleanup(func() { _ = r.srv.Shutdown() })
	return r
}

// envelope is the part of a delivery body the receiver reads.
type envelope struct {
	Type      string   `json:"type"`
	Timestamp hub.Time `json:"timestamp"`
}

func (r *receiver) handle(c *fasthttp.RequestCtx) {
	now := time.Now()
	body := c.PostBody()
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		c.SetStatusCode(http.StatusBadRequest)
		return
	}
	if env.Type == hub.EventValidation {
		// The challenge comes before the creator knows the secret.
		c.SetStatusCode(http.StatusOK)
		return
	}
	path := string(c.Path())
	h := http.Header{}
	for _, k := range []string{webhook.HeaderID, webhook.HeaderTimestamp, webhook.HeaderSignature} {
		h.Set(k, string(c.Request.Header.Peek(k)))
	}
	r.mu.Lock()
	secret := r.secrets[path]
	r.mu.Unlock()
	err := webhook.Verify(secret, h, body)
	r.mu.Lock()
	if err != nil {
		r.bad++
		if r.firstBad == "" {
			r.firstBad = path + ": " + err.Error()
		}
	} else {
		key := path + " " + h.Get(webhook.HeaderID)
		r.seen[key]++
		if r.seen[key] > 1 {
			r.dupes++
		} else {
			r.arrivals = append(r.arrivals, arrival{at: now, committed: env.Timestamp.Time, latency: now.Sub(env.Timestamp.Time)})
		}
	}
	r.mu.Unlock()
	select {
	case r.more <- struct{}{}:
	default:
	}
	c.SetStatusCode(http.StatusOK)
}

// path returns the path of the i-th webhook on this receiver.
func (r *receiver) path(i int) string { return "/hook/" + strconv.Itoa(i) }

// setSecret tells the receiver the secret of a webhook's path.
func (r *receiver) setSecret(path, secret string) {
	r.mu.Lock()
	r.secrets[path] = secret
	r.mu.Unlock()
}

// count returns how many distinct deliveries verified so far.
func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.arrivals)
}

// waitFor waits until n distinct deliveries arrived or the deadline passed,
// and reports whether they did.
func (r *receiver) waitFor(n int, within time.Duration) bool {
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	for r.count() < n {
		select {
		case <-r.more:
		case <-deadline.C:
			return r.count() >= n
		}
	}
	return true
}

// snapshot copies the arrivals and the error counts.
func (r *receiver) snapshot() (arr []arrival, dupes, bad int, firstBad string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]arrival(nil), r.arrivals...), r.dupes, r.bad, r.firstBad
}

// between counts the arrivals in [from, to).
func between(arr []arrival, from, to time.Time) int {
	n := 0
	for _, a := range arr {
		if !a.at.Before(from) && a.at.Before(to) {
			n++
		}
	}
	return n
}

// percentiles returns the nearest-rank p50 and p99 of the latencies of the
// events committed in [from, to) and how many there were.
func percentiles(arr []arrival, from, to time.Time) (p50, p99 time.Duration, n int) {
	var ls []time.Duration
	for _, a := range arr {
		if !a.committed.Before(from) && a.committed.Before(to) {
			ls = append(ls, a.latency)
		}
	}
	if len(ls) == 0 {
		return 0, 0, 0
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i] < ls[j] })
	rank := func(q float64) time.Duration {
		i := int(q*float64(len(ls))+0.999999) - 1
		return ls[max(0, min(i, len(ls)-1))]
	}
	return rank(0.50), rank(0.99), len(ls)
}
