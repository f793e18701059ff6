package dispatch_test

import (
	"context"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/dispatch"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

// seedFailed writes n failed deliveries of an endpoint, created at `at`,
// with one attempt each, and returns their IDs in order. Their events are
// not in the outbox, so sending one records an attempt without a request.
func (f *fixture) seedFailed(endpointID string, at time.Time, n int) []string {
	f.t.Helper()
	return storetest.InsertDeliveries(f.t, f.st, storetest.Deliveries{AccountID: f.acct.ID, EndpointID: endpointID,
		Status: hub.DeliveryFailed, At: at, N: n})
}

// replayJob stores a running replay of every failed delivery of an
// endpoint created in the last two hours, through st (which may be
// another process's store).
func (f *fixture) replayJob(st *store.Store, endpointID string) hub.Replay {
	f.t.Helper()
	now := hub.Now()
	r := hub.Replay{ID: hub.NewID(hub.PrefixReplay), AccountID: f.acct.ID, WebhookID: endpointID,
		Since: hub.TimeOf(now.Add(-2 * time.Hour)), Until: now, Statuses: []hub.DeliveryStatus{hub.DeliveryFailed},
		Status: hub.ReplayRunning, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateReplay(context.Background(), r); err != nil {
		f.t.Fatal(err)
	}
	return r
}

// waitReplay polls the job until it is no longer running.
func (f *fixture) waitReplay(id string, within time.Duration) hub.Replay {
	f.t.Helper()
	deadline := time.Now().Add(within)
	for {
		r, err := f.st.GetReplay(context.Background(), f.acct.ID, id)
		if err != nil {
			f.t.Fatal(err)
		}
		if r.Status != hub.ReplayRunning {
			return r
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("replay %s still running after %s: %+v", id, within, r)
		}
		time.Sleep(5 * time.Millisecond) // polling the database
	}
}

// TestReplayStartsAtOnceInThisProcess: with the tick an hour away, a job
// created through the dispatcher's own store is run at once (the store's
// DueReplays wake-up), and one left from before the start by the first
// round.
func TestReplayStartsAtOnceInThisProcess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		w := f.endpoint("http://127.0.0.1:1/unused")
		f.seedFailed(w.ID, time.Now().Add(-time.Hour), 300)
		before := f.replayJob(st, w.ID)
		run(t, st, dispatch.Options{Policy: loopback(t), Tick: time.Hour})
		if got := f.waitReplay(before.ID, 10*time.Second); got.Status != hub.ReplaySucceeded || got.Count != 300 {
			t.Fatalf("job left from before the start: %+v", got)
		}
		f.seedFailed(w.ID, time.Now().Add(-time.Hour), 20)
		f.waitIdle(10 * time.Second) // the first job's deliveries are sent (and fail again)
		after := f.replayJob(st, w.ID)
		if got := f.waitReplay(after.ID, 10*time.Second); got.Status != hub.ReplaySucceeded || got.Count != 320 {
			t.Fatalf("job created while running: %+v, want the 300 failed again and the 20 new", got)
		}
	})
}

// TestReplayFromAnAPIOnlyProcess plays the split deployment: the process
// that creates the job runs no dispatcher, and a dispatcher process on the
// same database runs the job on its tick.
func TestReplayFromAnAPIOnlyProcess(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			url := storetest.URL(t, d)
			api := storetest.OpenURL(t, url)
			f := newFixture(t, api)
			w := f.endpoint("http://127.0.0.1:1/unused")
			f.seedFailed(w.ID, time.Now().Add(-time.Hour), 260)
			worker := storetest.OpenURL(t, url)
			run(t, worker, dispatch.Options{Policy: loopback(t), Owner: "worker", Tick: 50 * time.Millisecond})
			job := f.replayJob(api, w.ID)
			if got := f.waitReplay(job.ID, 10*time.Second); got.Status != hub.ReplaySucceeded || got.Count != 260 {
				t.Fatalf("job: %+v", got)
			}
		})
	}
}

// TestReplayWakesAnotherProcess: with the dispatcher's tick an hour away,
// only the NOTIFY of the API-only process, saying a replay job is ready,
// can start the job at once.
func TestReplayWakesAnotherProcess(t *testing.T) {
	url := storetest.URL(t, store.Postgres)
	api := storetest.OpenURL(t, url)
	f := newFixture(t, api)
	early := f.endpoint("http://127.0.0.1:1/unused")
	w := f.endpoint("http://127.0.0.1:1/unused")
	f.seedFailed(early.ID, time.Now().Add(-time.Hour), 5)
	f.seedFailed(w.ID, time.Now().Add(-time.Hour), 30)
	// A first job is there when the dispatcher starts: its first round
	// (at start) runs it, so once it is done that round is over and the
	// second job can only be found through the wake-up.
	first := f.replayJob(api, early.ID)
	worker := storetest.OpenURL(t, url)
	run(t, worker, dispatch.Options{Policy: loopback(t), Owner: "worker", Tick: time.Hour, ListenURL: url})
	waitListening(t, api)
	if got := f.waitReplay(first.ID, 10*time.Second); got.Status != hub.ReplaySucceeded {
		t.Fatalf("first job: %+v", got)
	}
	second := f.replayJob(api, w.ID)
	if got := f.waitReplay(second.ID, 10*time.Second); got.Status != hub.ReplaySucceeded || got.Count != 30 {
		t.Fatalf("second job: %+v", got)
	}
}

// TestReplayTakeOverByAnotherDispatcher: runner A takes the job, queues
// one chunk and dies (its deliveries were sent and failed again). Once
// A's lease has expired, a dispatcher takes the job over and finishes it
// from A's cursor: the count is exact, and A's deliveries are not queued
// (so not sent) again.
func TestReplayTakeOverByAnotherDispatcher(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		w := f.endpoint("http://127.0.0.1:1/unused")
		ids := f.seedFailed(w.ID, time.Now().Add(-time.Hour), 600)
		job := f.replayJob(st, w.ID)
		t0 := time.Now()
		a := store.ReplayLease{Owner: "runner-a", Now: t0, Lease: time.Minute}
		if got, ok, err := st.ClaimReplay(ctx, a); err != nil || !ok || got.ID != job.ID {
			t.Fatalf("claim by A: %+v %v %v", got, ok, err)
		}
		n, done, err := st.ReplayChunk(ctx, job.ID, a, 250)
		if err != nil || n != 250 || done {
			t.Fatalf("A's chunk: %d %v %v", n, done, err)
		}
		if _, err := st.DB().Exec(`UPDATE deliveries SET status = 'failed' WHERE status = 'pending'`); err != nil {
			t.Fatal(err)
		}
		clk := newClock(t0.Add(2 * time.Minute)) // A's lease is over
		run(t, st, dispatch.Options{Policy: loopback(t), Owner: "runner-b", Now: clk.Now})
		got := f.waitReplay(job.ID, 10*time.Second)
		if got.Status != hub.ReplaySucceeded || got.Count != 600 {
			t.Fatalf("job after the take-over: %+v", got)
		}
		f.waitIdle(10 * time.Second)
		for i, id := range ids {
			var attempts int
			if err := st.DB().Get(&attempts, st.DB().Rebind(`SELECT attempts FROM deliveries WHERE id = ?`), id); err != nil {
				t.Fatal(err)
			}
			want := 2 // seeded with one, sent once after B queued it
			if i < 250 {
				want = 1 // queued by A, "sent" by hand above: B must not queue it again
			}
			if attempts != want {
				t.Fatalf("delivery %d has %d attempts, want %d", i, attempts, want)
			}
		}
	})
}
