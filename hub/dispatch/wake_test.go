package dispatch_test

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/dispatch"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

// TestCommitInAnotherProcessWakesDispatcher plays the split deployment: an
// API-only process (its own store, no dispatcher) commits an event and later
// retries its delivery, and a dispatcher process whose safety-net tick is an
// hour away sends both at once. Only the NOTIFY the API's store sends after
// each commit can have woken it.
func TestCommitInAnotherProcessWakesDispatcher(t *testing.T) {
	url := storetest.URL(t, store.Postgres)
	api := storetest.OpenURL(t, url)
	f := newFixture(t, api)
	rc := newReceiver(t, nil)
	w := f.endpoint(rc.url())
	rc.secret.Store(w.Secret)

	worker := storetest.OpenURL(t, url)
	run(t, worker, dispatch.Options{Policy: loopback(t), Owner: "worker", Tick: time.Hour, ListenURL: url})
	waitListening(t, api)

	ctx := context.Background()
	job, err := api.CreateJob(ctx, f.acct.ID, hub.Job{Title: "Staff Engineer"})
	if err != nil {
		t.Fatal(err)
	}
	var eventID string
	if err := api.DB().GetContext(ctx, &eventID, api.DB().Rebind(`SELECT id FROM events WHERE resource_id = ?`), job.ID); err != nil {
		t.Fatal(err)
	}
	first := rc.wait(t, 1, 10*time.Second)[0]
	if first.Err != nil || first.ID != eventID {
		t.Fatalf("got %s (signature: %v), want event %s", first.ID, first.Err, eventID)
	}

	dl := f.finalDelivery(eventID, w.ID, 10*time.Second)
	if _, err := api.RetryDelivery(ctx, f.acct.ID, dl.ID); err != nil {
		t.Fatal(err)
	}
	again := rc.wait(t, 1, 10*time.Second)[0]
	if again.ID != eventID {
		t.Fatalf("retry sent %s, want %s", again.ID, eventID)
	}
	if sent, failed := api.NotifyStats(); sent < 2 || failed != 0 {
		t.Fatalf("the API store sent %d wake-ups (%d failed), want at least 2", sent, failed)
	}

	// The API process's dispatcher (built for validations and test sends
	// even when it does not run) reports the same counts as metrics.
	reg := prometheus.NewRegistry()
	dispatch.New(api, dispatch.Options{Policy: loopback(t), Registerer: reg})
	sent, _ := api.NotifyStats()
	waitMetric(t, reg, "visage_webhook_wakeups_sent_total", float64(sent))
}

// waitListening returns once a session of the database LISTENs for events,
// so a NOTIFY sent now cannot be missed.
func waitListening(t *testing.T, st *store.Store) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		err := st.DB().Get(&n, `SELECT COUNT(*) FROM pg_stat_activity WHERE query ILIKE 'LISTEN%'`)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("no dispatcher is listening for events")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
