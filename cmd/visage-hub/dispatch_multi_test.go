package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
	"github.com/visage-jobs/visage-hub/hub/webhook"
)

// arrivalLog is a receiver that records every arrival of every event and
// parks the hold-th delivery until release is closed.
type arrivalLog struct {
	mu       sync.Mutex
	secret   string
	arrivals map[string][]time.Time
	bad      int
	n        int
	hold     int
	heldID   string
	held     chan struct{}
	release  chan struct{}
	progress chan struct{}
}

func (r *arrivalLog) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	var env struct{ Type string }
	_ = json.Unmarshal(body, &env)
	if env.Type == hub.EventValidation {
		w.WriteHeader(http.StatusOK)
		return
	}
	id := req.Header.Get(webhook.HeaderID)
	r.mu.Lock()
	if r.secret == "" || webhook.Verify(r.secret, req.Header, body) != nil {
		r.bad++
	}
	r.arrivals[id] = append(r.arrivals[id], time.Now())
	r.n++
	park := r.n == r.hold
	if park {
		r.heldID = id
	}
	r.mu.Unlock()
	select {
	case r.progress <- struct{}{}:
	default:
	}
	if park {
		close(r.held)
		<-r.release
	}
	w.WriteHeader(http.StatusOK)
}

// distinct returns how many events arrived at least once.
func (r *arrivalLog) distinct() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.arrivals)
}

// TestThreeHubsNoDoubleWork is the no-double-work guarantee with the real
// binary: three `serve` processes on one PostgreSQL deliver N events to a
// counting receiver; one of them is SIGKILLed with an attempt in flight.
// Every event arrives; an event arrives twice only if the killed process
// held its lease, and the second time only after that lease expired; and
// every delivery the survivors sent was sent once.
func TestThreeHubsNoDoubleWork(t *testing.T) {
	const n = 150
	db := storetest.URL(t, store.Postgres)
	acct := cli(t, db, "accounts", "create", "--name", "Three hubs")
	token := cli(t, db, "token", "--account", acct, "--role", "admin")
	rc := &arrivalLog{arrivals: map[string][]time.Time{}, hold: n / 3, held: make(chan struct{}),
		release: make(chan struct{}), progress: make(chan struct{}, 1)}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		select {
		case <-rc.release:
		default:
			close(rc.release)
		}
	})
	const lease = 7 * time.Second
	env := []string{"VISAGE_ALLOW_PRIVATE_TARGETS=127.0.0.0/8", "VISAGE_DISPATCH_POLL=200ms",
		"VISAGE_WEBHOOK_TIMEOUT=2s", "VISAGE_DISPATCH_LEASE=" + lease.String(), "VISAGE_DISPATCH_BATCH=10",
		"VISAGE_WEBHOOK_RETRY_SCHEDULE=100ms,200ms,400ms"}
	var hubs []*hubProcess
	for i := 0; i < 3; i++ {
		hubs = append(hubs, startHubEnv(t, db, env...))
	}
	secret := createWebhook(t, hubs[0].base, token, srv.URL+"/hook")
	rc.mu.Lock()
	rc.secret = secret
	rc.mu.Unlock()

	st := storetest.OpenURL(t, db)
	commitEvents(t, st, acct, n)
	select {
	case <-rc.held:
	case <-time.After(30 * time.Second):
		t.Fatal("dispatching never reached the held delivery")
	}

	// The held delivery's lease names the process sending it
	// (host-pid-random): kill that one.
	rc.mu.Lock()
	heldID := rc.heldID
	rc.mu.Unlock()
	var owner string
	if err := st.DB().Get(&owner, `SELECT lease_owner FROM deliveries WHERE event_id = $1`, heldID); err != nil {
		t.Fatalf("lease of the held delivery: %v", err)
	}
	parts := strings.Split(owner, "-")
	pid, err := strconv.Atoi(parts[len(parts)-2])
	if err != nil {
		t.Fatalf("lease owner %q: %v", owner, err)
	}
	var victim *hubProcess
	for _, h := range hubs {
		if h.cmd.Process.Pid == pid {
			victim = h
		}
	}
	if victim == nil {
		t.Fatalf("lease owner %q is none of the hubs", owner)
	}
	if err := victim.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = victim.cmd.Wait()
	// What the dead process held is frozen now: nobody can take it before
	// its lease expires, and it can no longer record anything.
	var orphans []struct {
		EventID    string   `db:"event_id"`
		LeaseUntil hub.Time `db:"lease_until"`
	}
	if err := st.DB().Select(&orphans, `SELECT event_id, lease_until FROM deliveries WHERE lease_owner = $1`, owner); err != nil {
		t.Fatal(err)
	}
	expiry := map[string]time.Time{}
	for _, o := range orphans {
		expiry[o.EventID] = o.LeaseUntil.Time
	}
	if _, ok := expiry[heldID]; !ok {
		t.Fatalf("the held delivery %s is not among the killed process's leases %v", heldID, orphans)
	}
	close(rc.release)

	deadline := time.After(60 * time.Second)
	for rc.distinct() < n {
		select {
		case <-rc.progress:
		case <-deadline:
			t.Fatalf("%d of %d events arrived", rc.distinct(), n)
		}
	}
	// The held one was answered to a dead process, so it must come again
	// once its lease is over; wait for that before judging duplicates.
	for {
		rc.mu.Lock()
		again := len(rc.arrivals[heldID])
		rc.mu.Unlock()
		if again >= 2 {
			break
		}
		select {
		case <-rc.progress:
		case <-deadline:
			t.Fatalf("the delivery held by the killed process was never sent again")
		}
	}
	waitDeliveriesDone(t, st, n)

	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.bad != 0 {
		t.Fatalf("%d deliveries failed signature verification", rc.bad)
	}
	dupes := 0
	defer func() { t.Logf("the killed process held %d leases; %d events arrived twice", len(orphans), dupes) }()
	for id, times := range rc.arrivals {
		if len(times) == 1 {
			continue
		}
		dupes++
		until, orphan := expiry[id]
		if !orphan {
			t.Fatalf("event %s arrived %d times but the killed process never held it", id, len(times))
		}
		for _, at := range times[1:] {
			// Lease times are stored in milliseconds.
			if at.Before(until.Add(-time.Millisecond)) {
				t.Fatalf("event %s arrived again at %s, before the dead lease expired at %s", id, at.Format(time.StampMilli), until.Format(time.StampMilli))
			}
		}
	}
}

// waitDeliveriesDone waits until all n deliveries succeeded, then checks
// each has exactly one recorded attempt: the killed process recorded
// nothing it held, so a resent orphan's attempt is the survivor's first.
func waitDeliveriesDone(t *testing.T, st *store.Store, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var done int
		if err := st.DB().Get(&done, `SELECT COUNT(*) FROM deliveries WHERE status = 'succeeded' AND lease_owner IS NULL`); err != nil {
			t.Fatal(err)
		}
		if done == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d deliveries succeeded", done, n)
		}
		time.Sleep(20 * time.Millisecond) // polling the database for a state change
	}
	var attempts, notOne int
	if err := st.DB().Get(&attempts, `SELECT COUNT(*) FROM delivery_attempts`); err != nil || attempts != n {
		t.Fatalf("%d attempts recorded (%v), want %d", attempts, err, n)
	}
	if err := st.DB().Get(&notOne, `SELECT COUNT(*) FROM deliveries WHERE attempts <> 1`); err != nil || notOne != 0 {
		t.Fatalf("%d deliveries with other than one attempt (%v)", notOne, err)
	}
}
