package dispatch_test

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/dispatch"
	"github.com/visage-jobs/visage-hub/hub/ssrf"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

// TestSSRFTargetsRefusedUnderDefaultPolicy stores endpoints whose URLs the
// API would refuse (as if saved under another policy, or a hostname that
// now resolves inward) and checks the dispatcher refuses each before
// connecting, with the reason in the attempt log and no retry.
func TestSSRFTargetsRefusedUnderDefaultPolicy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		var contacted atomic.Int32
		rc := newReceiver(t, func(w http.ResponseWriter, n int) { contacted.Add(1); w.WriteHeader(200) })
		port := rc.srv.Listener.Addr().String()[strings.LastIndex(rc.srv.Listener.Addr().String(), ":")+1:]
		cases := []struct{ name, url, reason string }{
			{"loopback", "http://127.0.0.1:" + port + "/hook", "127.0.0.1 is a loopback address"},
			{"loopback https", "https://127.0.0.1:" + port + "/hook", "127.0.0.1 is a loopback address"},
			{"IPv6 loopback", "https://[::1]:" + port + "/", "::1 is a loopback address"},
			{"private 10.x", "https://10.1.2.3/hook", "10.1.2.3 is a private address"},
			{"metadata", "http://169.254.169.254/latest/meta-data/", "169.254.169.254 is the cloud metadata address"},
			{"IPv4-mapped loopback", "https://[::ffff:127.0.0.1]:" + port + "/", "127.0.0.1 is a loopback address"},
			{"decimal loopback", "https://2130706433:" + port + "/", "127.0.0.1"},
			{"octal loopback", "https://0177.0.0.1:" + port + "/", "127.0.0.1"},
			{"short loopback", "https://127.1:" + port + "/", "127.0.0.1"},
			{"hostname resolving to loopback", "https://localhost:" + port + "/", "loopback address"},
		}
		eps := make([]hub.Webhook, len(cases))
		for i, c := range cases {
			eps[i] = f.endpoint(c.url)
		}
		d := run(t, st, dispatch.Options{Policy: ssrf.Policy{}})
		ev := f.event(hub.EventCandidateCreated, "")
		d.Notify()
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				dl := f.finalDelivery(ev.ID, eps[i].ID, 10*time.Second)
				if dl.Status != hub.DeliveryFailed || len(dl.Attempts) != 1 {
					t.Fatalf("a refused target is not retried: %+v", dl)
				}
				a := dl.Attempts[0]
				if a.Error == nil || !strings.HasPrefix(*a.Error, "refused: ") || !strings.Contains(*a.Error, c.reason) || a.ResponseStatus != nil {
					t.Fatalf("attempt error %v, want a refusal naming %q", a.Error, c.reason)
				}
			})
		}
		if n := contacted.Load(); n != 0 {
			t.Fatalf("the loopback receiver was contacted %d times", n)
		}
	})
}

func TestRedirectIsNotFollowed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		var followed atomic.Int32
		target := newReceiver(t, func(w http.ResponseWriter, n int) { followed.Add(1); w.WriteHeader(200) })
		redirector := newReceiver(t, func(w http.ResponseWriter, n int) {
			w.Header().Set("Location", target.url())
			w.WriteHeader(http.StatusTemporaryRedirect)
		})
		w := f.endpoint(redirector.url())
		run(t, st, dispatch.Options{Policy: loopback(t), Schedule: dispatch.Schedule{Delays: []time.Duration{}}})
		ev := f.event(hub.EventCandidateCreated, "")
		dl := f.finalDelivery(ev.ID, w.ID, 5*time.Second)
		if dl.Status != hub.DeliveryFailed || *dl.Attempts[0].ResponseStatus != http.StatusTemporaryRedirect ||
			dl.Attempts[0].ResponseHeaders["Location"] != target.url() {
			t.Fatalf("delivery %+v", dl)
		}
		if e := dl.Attempts[0].Error; e == nil || !strings.Contains(*e, "refused to follow a redirect (HTTP 307 to "+target.url()+")") {
			t.Fatalf("the attempt log does not say the redirect to loopback was refused: %v", e)
		}
		if followed.Load() != 0 {
			t.Fatal("the redirect was followed")
		}
	})
}

// TestSlowEndpointsDoNotDelayHealthyOnes sends events to a hanging
// endpoint, a failing one, a dead one and a healthy one: the healthy one
// gets every event as fast as if it were alone.
func TestSlowEndpointsDoNotDelayHealthyOnes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		release := make(chan struct{})
		hanging := newReceiver(t, func(w http.ResponseWriter, n int) { <-release; w.WriteHeader(200) })
		failing := newReceiver(t, func(w http.ResponseWriter, n int) { w.WriteHeader(500) })
		down := newReceiver(t, nil)
		downURL := down.url()
		down.srv.Close()
		healthy := newReceiver(t, nil)
		f.endpoint(hanging.url())
		f.endpoint(failing.url())
		f.endpoint(downURL)
		f.endpoint(healthy.url())
		d := run(t, st, dispatch.Options{Policy: loopback(t), MaxInFlight: 16, PerEndpoint: 4, AttemptTimeout: 10 * time.Second})
		t.Cleanup(func() { close(release) }) // runs before the dispatcher stops, so shutdown does not wait 10s

		const n = 30
		start := time.Now()
		for i := 0; i < n; i++ {
			f.event(hub.EventCandidateCreated, "")
		}
		d.Notify()
		got := healthy.wait(t, n, 5*time.Second)
		took := got[len(got)-1].At.Sub(start)
		// Alone, 30 loopback deliveries take a few tens of milliseconds;
		// the hanging endpoint holds its 4 slots for 10 s.
		if took > 3*time.Second {
			t.Fatalf("the healthy endpoint needed %s for %d events", took, n)
		}
		if c := hanging.count(); c > 4 {
			t.Fatalf("the hanging endpoint got %d concurrent requests, cap is 4", c)
		}
	})
}
