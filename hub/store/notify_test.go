package store_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

// TestEventCommitsNotifyAfterCommit listens on the dispatchers' channel
// while the store writes: a commit with events sends a NOTIFY, and by the
// time it arrives the event is visible to another session (it was sent
// after the commit, not inside it), and the transaction's mark is gone.
func TestEventCommitsNotifyAfterCommit(t *testing.T) {
	url := storetest.URL(t, store.Postgres)
	st := storetest.OpenURL(t, url)
	ctx := context.Background()
	acct, err := st.CreateAccount(ctx, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	l := pq.NewListener(url, 10*time.Millisecond, time.Second, nil)
	t.Cleanup(func() { _ = l.Close() })
	if err := l.Listen(store.EventsChannel); err != nil {
		t.Fatal(err)
	}
	other := storetest.OpenURL(t, url)

	t.Run("commit with events", func(t *testing.T) {
		job, err := st.CreateJob(ctx, acct.ID, hub.Job{Title: "Data Engineer"})
		if err != nil {
			t.Fatal(err)
		}
		select {
		case n := <-l.Notify:
			if n == nil || n.Channel != store.EventsChannel {
				t.Fatalf("notification %+v", n)
			}
			if token, kinds := store.DecodeWake(n.Extra); token != st.NotifyToken() || kinds != store.DueBit(store.DueEvents) {
				t.Fatalf("payload %q: token %q kinds %b, want %q and events only", n.Extra, token, kinds, st.NotifyToken())
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no NOTIFY within 10 s of the commit")
		}
		var count int
		if err := other.DB().Get(&count, `SELECT COUNT(*) FROM events WHERE resource_id = $1`, job.ID); err != nil || count != 1 {
			t.Fatalf("event not visible when notified: %d %v", count, err)
		}
		if n := store.MarkedEventTxs(st); n != 0 {
			t.Fatalf("%d transactions still marked after commit", n)
		}
	})
}

// TestNotifierKeepsUpWithSignals signals the notifier at about the pace
// of busy commits, so signals race its sends in every order (among them a
// kick arriving while the previous round waits out its gap, whose kind
// that round then sends), and then once more: that last signal must still
// be sent. (A notifier that waited on its spent gap timer after such a
// kick stopped sending for good within a few dozen signals.)
func TestNotifierKeepsUpWithSignals(t *testing.T) {
	st := storetest.Open(t, store.Postgres)
	for i := 0; i < 200; i++ {
		store.SignalWake(st, store.DueEvents)
		time.Sleep(300 * time.Microsecond) // the pace of the signals, not a wait for a result
	}
	for i := 0; i < 3; i++ {
		before := sentSettled(t, st)
		store.SignalWake(st, store.DueDeliveries)
		deadline := time.Now().Add(10 * time.Second)
		for {
			if sent, _ := st.NotifyStats(); sent > before {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("signal %d after the burst was never sent (%d sent before it): the notifier is stuck", i+1, before)
			}
			time.Sleep(time.Millisecond) // polling a counter
		}
	}
}

// sentSettled returns the NOTIFYs sent once the count has stopped moving
// for a few gaps, so a signal made after it is counted only by its own.
func sentSettled(t *testing.T, st *store.Store) int64 {
	t.Helper()
	last, _ := st.NotifyStats()
	for still := 0; still < 20; still++ {
		time.Sleep(time.Millisecond) // polling a counter
		if sent, _ := st.NotifyStats(); sent != last {
			last, still = sent, 0
		}
	}
	return last
}

// TestSubscribeDue checks the wake-up of the dispatcher sharing the
// process: called once the commit that wrote events is done (before the
// write returns), not for a write without events, and never after
// unsubscribing; and that a store whose process has a dispatcher sends no
// NOTIFY, while one without sends one.
func TestSubscribeDue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		acct, err := st.CreateAccount(ctx, "Acme")
		if err != nil {
			t.Fatal(err)
		}
		var calls atomic.Int32
		cancel := st.SubscribeDue(func(what store.Due) {
			if what == store.DueEvents {
				calls.Add(1)
			}
		})
		if _, err := st.CreateAccount(ctx, "No events"); err != nil {
			t.Fatal(err)
		}
		if n := calls.Load(); n != 0 {
			t.Fatalf("a write without events woke the dispatcher %d times", n)
		}
		if _, err := st.CreateJob(ctx, acct.ID, hub.Job{Title: "Data Engineer"}); err != nil {
			t.Fatal(err)
		}
		if n := calls.Load(); n != 1 {
			t.Fatalf("after a commit with events: %d wake-ups, want 1", n)
		}
		if n := store.WakeSignals(st); n != 0 {
			t.Fatalf("%d NOTIFYs asked for although this process's dispatcher was woken directly", n)
		}
		cancel()
		if _, err := st.CreateJob(ctx, acct.ID, hub.Job{Title: "Designer"}); err != nil {
			t.Fatal(err)
		}
		if n := calls.Load(); n != 1 {
			t.Fatalf("woken %d times after unsubscribing", n-1)
		}
		if st.Dialect() == store.Postgres {
			if n := store.WakeSignals(st); n != 1 {
				t.Fatalf("with no dispatcher in the process: %d NOTIFYs asked for, want 1", n)
			}
		}
	})
}

// TestQueuePoolSkipsFlushWait checks that only the dispatcher's pool asks
// for commits that do not wait for the WAL flush: the API's writes (the
// events themselves) keep the server's setting. (The test cluster turns
// synchronous_commit off server-wide, so where the value came from is
// what tells the two apart.)
func TestQueuePoolSkipsFlushWait(t *testing.T) {
	st := storetest.Open(t, store.Postgres)
	queue, main, err := store.QueueSetting(st, "synchronous_commit")
	if err != nil {
		t.Fatal(err)
	}
	if queue != [2]string{"off", "client"} {
		t.Errorf("dispatcher pool: synchronous_commit %v, want off set by the client", queue)
	}
	if main[1] == "client" {
		t.Errorf("main pool: synchronous_commit %v was set by the client; the API's commits must stay durable", main)
	}
}

// TestWakePayload checks the NOTIFY payload both ways, and that a payload
// from an older hub (a bare token, or none) wakes for everything.
func TestWakePayload(t *testing.T) {
	both := store.DueBit(store.DueEvents) | store.DueBit(store.DueReplays)
	cases := []struct {
		name, payload, token string
		kinds                uint32
	}{
		{"events and replays", store.EncodeWake("ab12", both), "ab12", both},
		{"deliveries", store.EncodeWake("ab12", store.DueBit(store.DueDeliveries)), "ab12", store.DueBit(store.DueDeliveries)},
		{"bare token", "ab12", "ab12", store.AllDue},
		{"empty", "", "", store.AllDue},
		{"bad kinds", "ab12:x", "ab12", store.AllDue},
		{"no kinds", "ab12:0", "ab12", store.AllDue},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			token, kinds := store.DecodeWake(c.payload)
			if token != c.token || kinds != c.kinds {
				t.Fatalf("DecodeWake(%q) = %q, %b; want %q, %b", c.payload, token, kinds, c.token, c.kinds)
			}
		})
	}
}
