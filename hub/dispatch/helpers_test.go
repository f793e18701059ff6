package dispatch_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/dispatch"
	"github.com/visage-jobs/visage-hub/hub/ssrf"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/pgtest"
	"github.com/visage-jobs/visage-hub/hub/webhook"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// loopback is the policy every test but the SSRF ones runs under: plain
// http to 127.0.0.1 is allowed, nothing else private.
func loopback(t *testing.T) ssrf.Policy {
	t.Helper()
	p, err := ssrf.ParsePolicy("127.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// fastSchedule is the documented schedule scaled down a thousandfold
// or more, so retries happen within a test.
func fastSchedule() dispatch.Schedule {
	return dispatch.Schedule{Delays: []time.Duration{5 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond}, Jitter: 0.2, MaxRetryAfter: 2 * time.Second}
}

func quietLogger() *slog.Logger {
	if os.Getenv("DISPATCH_DEBUG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// fixture is an account on a real database.
type fixture struct {
	t    *testing.T
	st   *store.Store
	acct hub.Account
}

func newFixture(t *testing.T, st *store.Store) *fixture {
	t.Helper()
	a, err := st.CreateAccount(context.Background(), "Acme")
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, st: st, acct: a}
}

// endpoint stores an active endpoint with a fresh secret, bypassing the API
// (and its URL check), as a URL saved under another policy or a hostname
// that later resolves elsewhere would be.
func (f *fixture) endpoint(url string, mutate ...func(*hub.Webhook)) hub.Webhook {
	f.t.Helper()
	sec, err := webhook.GenerateSecret()
	if err != nil {
		f.t.Fatal(err)
	}
	now := hub.TimeOf(time.Now().Add(-time.Second))
	w := hub.Webhook{ID: hub.NewID(hub.PrefixWebhook), AccountID: f.acct.ID, Kind: hub.KindWebhook, URL: url,
		Events: []string{}, Status: hub.WebhookActive, Secret: sec, CreatedAt: now, UpdatedAt: now}
	for _, m := range mutate {
		m(&w)
	}
	if err := f.st.CreateWebhook(context.Background(), w); err != nil {
		f.t.Fatal(err)
	}
	return w
}

// event commits one outbox event with plain SQL, the way the jobs and
// candidates code does inside its own transactions.
func (f *fixture) event(typ, jobID string) hub.Event {
	f.t.Helper()
	data := map[string]any{"id": hub.NewID(hub.PrefixCand), "full_name": "Ada Lovelace"}
	ev, err := store.NewEvent(f.acct.ID, typ, data["id"].(string), jobID, data, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	var job *string
	if jobID != "" {
		job = &jobID
	}
	_, err = f.st.DB().ExecContext(context.Background(), f.st.DB().Rebind(`INSERT INTO events (id, account_id, type, resource_id, job_id, data, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`), ev.ID, ev.AccountID, ev.Type, ev.ResourceID, job, string(ev.Data), ev.Timestamp)
	if err != nil {
		f.t.Fatal(err)
	}
	return ev
}

// run starts a dispatcher and stops it (waiting for it) when the test ends.
func run(t *testing.T, st *store.Store, o dispatch.Options) *dispatch.Dispatcher {
	t.Helper()
	if o.Logger == nil {
		o.Logger = quietLogger()
	}
	if o.Tick == 0 {
		o.Tick = 50 * time.Millisecond
	}
	if o.Schedule.Delays == nil {
		o.Schedule = fastSchedule()
	}
	if o.AttemptTimeout == 0 {
		o.AttemptTimeout = 5 * time.Second
	}
	d := dispatch.New(st, o)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("dispatcher: %v", err)
		}
	})
	return d
}

// hit is one request a receiver got.
type hit struct {
	ID     string
	Header http.Header
	Body   []byte
	At     time.Time
	Err    error // signature verification
}

// receiver is a loopback endpoint that verifies every request's signature
// and answers with respond (200 when nil).
type receiver struct {
	srv    *httptest.Server
	secret atomic.Value // string
	mu     sync.Mutex
	hits   []hit
	got    chan hit
	verify webhook.Verifier
}

func newReceiver(t *testing.T, respond func(w http.ResponseWriter, n int)) *receiver {
	t.Helper()
	r := &receiver{got: make(chan hit, 10000)}
	r.secret.Store("")
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		h := hit{ID: req.Header.Get("webhook-id"), Header: req.Header.Clone(), Body: body, At: time.Now()}
		if s := r.secret.Load().(string); s != "" {
			h.Err = r.verify.Verify(s, req.Header, body)
		}
		r.mu.Lock()
		r.hits = append(r.hits, h)
		n := len(r.hits)
		r.mu.Unlock()
		if respond != nil {
			respond(w, n)
		} else {
			w.WriteHeader(http.StatusOK)
		}
		r.got <- h
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) url() string { return r.srv.URL + "/hook" }

// wait returns the next n hits, failing after a bound.
func (r *receiver) wait(t *testing.T, n int, within time.Duration) []hit {
	t.Helper()
	var out []hit
	deadline := time.After(within)
	for len(out) < n {
		select {
		case h := <-r.got:
			out = append(out, h)
		case <-deadline:
			t.Fatalf("got %d of %d requests within %s", len(out), n, within)
		}
	}
	return out
}

// delivery reads the one delivery of an event to an endpoint, waiting until
// it reaches a final status.
func (f *fixture) finalDelivery(eventID, endpointID string, within time.Duration) hub.Delivery {
	f.t.Helper()
	deadline := time.Now().Add(within)
	for {
		var id string
		err := f.st.DB().GetContext(context.Background(), &id, f.st.DB().Rebind(`SELECT id FROM deliveries WHERE event_id = ? AND endpoint_id = ?`), eventID, endpointID)
		if err == nil {
			d, err := f.st.GetDelivery(context.Background(), f.acct.ID, id)
			if err != nil {
				f.t.Fatal(err)
			}
			if d.Status == hub.DeliverySucceeded || d.Status == hub.DeliveryFailed {
				return d
			}
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("delivery of %s to %s not final within %s", eventID, endpointID, within)
		}
		time.Sleep(5 * time.Millisecond) // polling the database for a state change, not synchronising goroutines
	}
}

func decodeEvent(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("body %s: %v", b, err)
	}
	return m
}

// clock is a settable time source for the dispatcher under test.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(t time.Time) *clock { return &clock{now: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.hits)
}

// waitAttempts waits until the delivery of an event to an endpoint has n
// recorded attempts and no lease.
func (f *fixture) waitAttempts(eventID, endpointID string, n int) {
	f.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var got int
		err := f.st.DB().GetContext(context.Background(), &got, f.st.DB().Rebind(`SELECT attempts FROM deliveries
			WHERE event_id = ? AND endpoint_id = ? AND lease_owner IS NULL`), eventID, endpointID)
		if err == nil && got >= n {
			return
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("delivery of %s has %d attempts recorded, want %d (%v)", eventID, got, n, err)
		}
		time.Sleep(2 * time.Millisecond) // polling the database
	}
}

// waitIdle waits until no delivery is waiting or leased.
func (f *fixture) waitIdle(within time.Duration) {
	f.t.Helper()
	deadline := time.Now().Add(within)
	for {
		var busy int
		err := f.st.DB().GetContext(context.Background(), &busy, `SELECT COUNT(*) FROM deliveries
			WHERE status IN ('pending', 'retrying') OR lease_owner IS NOT NULL`)
		if err == nil && busy == 0 {
			return
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("%d deliveries still busy after %s (%v)", busy, within, err)
		}
		time.Sleep(5 * time.Millisecond) // polling the database
	}
}
