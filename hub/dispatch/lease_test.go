package dispatch_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/dispatch"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

// TestExpiredLeaseIsReclaimed plays a dispatcher that claimed a delivery
// and died: once its lease expires another instance sends the delivery,
// and the dead one's late result cannot overwrite it.
func TestExpiredLeaseIsReclaimed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		rc := newReceiver(t, nil)
		w := f.endpoint(rc.url())
		ev := f.event(hub.EventJobCreated, "")
		if n, made, err := st.FanOut(ctx, 10, time.Now()); err != nil || n != 1 || made != 1 {
			t.Fatalf("fan out: %d %d %v", n, made, err)
		}
		const lease = 300 * time.Millisecond
		claimed := time.Now()
		tasks, err := st.ClaimDeliveries(ctx, store.ClaimRequest{Owner: "crashed", Now: claimed, Lease: lease, Limit: 10})
		if err != nil || len(tasks) != 1 {
			t.Fatalf("claim: %v %v", tasks, err)
		}
		again, err := st.ClaimDeliveries(ctx, store.ClaimRequest{Owner: "other", Now: time.Now(), Lease: lease, Limit: 10})
		if err != nil || len(again) != 0 {
			t.Fatalf("a held lease was claimed again: %v %v", again, err)
		}

		run(t, st, dispatch.Options{Policy: loopback(t), Owner: "survivor"})
		h := rc.wait(t, 1, 5*time.Second)[0]
		if h.ID != ev.ID || h.At.Before(claimed.Add(lease)) {
			t.Fatalf("sent %s at +%s, before the lease of %s expired", h.ID, h.At.Sub(claimed), lease)
		}
		dl := f.finalDelivery(ev.ID, w.ID, 5*time.Second)
		if dl.Status != hub.DeliverySucceeded || len(dl.Attempts) != 1 {
			t.Fatalf("delivery %+v", dl)
		}
		late := store.AttemptRecord{DeliveryID: dl.ID, EndpointID: w.ID, Status: hub.DeliveryFailed, Outcome: store.OutcomeFailure,
			Attempt: hub.Attempt{Attempt: 1, SentAt: hub.Now(), RequestHeaders: map[string]string{}}}
		res, err := st.RecordAttempts(ctx, []store.AttemptRecord{late}, store.RecordOptions{Owner: "crashed", Now: time.Now(), FailureWindow: time.Hour})
		if err != nil || res.Applied != 0 {
			t.Fatalf("the crashed owner's late record was applied: %+v %v", res, err)
		}
	})
}

// TestThreeDispatchersNoDoubleWork runs three dispatchers (each with its
// own connection pool, like three processes) on one PostgreSQL database:
// every delivery arrives exactly once.
func TestThreeDispatchersNoDoubleWork(t *testing.T) {
	url := storetest.URL(t, store.Postgres)
	st := storetest.OpenURL(t, url)
	f := newFixture(t, st)
	var rcs []*receiver
	for i := 0; i < 3; i++ {
		rc := newReceiver(t, nil)
		rcs = append(rcs, rc)
		w := f.endpoint(rc.url())
		rc.secret.Store(w.Secret)
	}
	for i := 0; i < 3; i++ {
		other := storetest.OpenURL(t, url)
		run(t, other, dispatch.Options{Policy: loopback(t), Owner: fmt.Sprintf("proc-%d", i), BatchSize: 7, MaxInFlight: 8, ListenURL: url})
	}
	const n = 200
	var ids []string
	for i := 0; i < n; i++ {
		ids = append(ids, f.event(hub.EventCandidateUpdated, "").ID)
	}
	for _, rc := range rcs {
		rc.wait(t, n, 30*time.Second)
	}
	for i, rc := range rcs {
		seen := map[string]int{}
		rc.mu.Lock()
		hits := append([]hit(nil), rc.hits...)
		rc.mu.Unlock()
		for _, h := range hits {
			if h.Err != nil {
				t.Fatalf("signature: %v", h.Err)
			}
			seen[h.ID]++
		}
		for _, id := range ids {
			if seen[id] != 1 {
				t.Fatalf("endpoint %d got event %s %d times", i, id, seen[id])
			}
		}
	}
	f.waitIdle(10 * time.Second)
	var attempts, owners int
	if err := st.DB().Get(&attempts, `SELECT COUNT(*) FROM delivery_attempts`); err != nil || attempts != 3*n {
		t.Fatalf("attempts recorded = %d (%v), want %d", attempts, err, 3*n)
	}
	if err := st.DB().Get(&owners, `SELECT COUNT(*) FROM deliveries WHERE status <> 'succeeded' OR attempts <> 1`); err != nil || owners != 0 {
		t.Fatalf("%d deliveries not succeeded in exactly one attempt (%v)", owners, err)
	}
}

// TestShutdownFinishesInFlight cancels the dispatcher while a delivery is
// in flight: Run returns only after the attempt is answered and recorded.
func TestShutdownFinishesInFlight(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		entered, release := make(chan struct{}), make(chan struct{})
		rc := newReceiver(t, func(w http.ResponseWriter, n int) { close(entered); <-release; w.WriteHeader(200) })
		w := f.endpoint(rc.url())
		d := dispatch.New(st, dispatch.Options{Policy: loopback(t), Logger: quietLogger(), Tick: 50 * time.Millisecond})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- d.Run(ctx) }()
		ev := f.event(hub.EventJobCreated, "")
		d.Notify()
		<-entered
		cancel()
		select {
		case <-done:
			t.Fatal("Run returned with a delivery in flight")
		case <-time.After(100 * time.Millisecond): // a bound for something that must not happen
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		dl := f.finalDelivery(ev.ID, w.ID, time.Second)
		if dl.Status != hub.DeliverySucceeded {
			t.Fatalf("in-flight delivery not recorded: %+v", dl)
		}
	})
}

func TestPruneRemovesOldDeliveries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		rc := newReceiver(t, nil)
		w := f.endpoint(rc.url())
		d := run(t, st, dispatch.Options{Policy: loopback(t), Retention: 30 * 24 * time.Hour})
		old, recent := f.event(hub.EventJobCreated, ""), f.event(hub.EventJobUpdated, "")
		f.finalDelivery(old.ID, w.ID, 5*time.Second)
		f.finalDelivery(recent.ID, w.ID, 5*time.Second)
		longAgo := hub.TimeOf(time.Now().Add(-31 * 24 * time.Hour))
		if _, err := st.DB().Exec(st.DB().Rebind(`UPDATE deliveries SET created_at = ? WHERE event_id = ?`), longAgo, old.ID); err != nil {
			t.Fatal(err)
		}
		if n := d.Prune(ctx); n != 1 {
			t.Fatalf("pruned %d, want 1", n)
		}
		var left, attempts int
		_ = st.DB().Get(&left, `SELECT COUNT(*) FROM deliveries`)
		_ = st.DB().Get(&attempts, `SELECT COUNT(*) FROM delivery_attempts`)
		if left != 1 || attempts != 1 {
			t.Fatalf("left %d deliveries and %d attempts, want 1 and 1", left, attempts)
		}
	})
}
