package store_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
	"github.com/visage-jobs/visage-hub/schemas"
)

// insertEvent writes one event with id in its own statement on q (the pool
// or an open transaction), as the store's outbox does: the ordering columns
// come from the database.
func insertEvent(t *testing.T, q sqlx.ExecerContext, st *store.Store, accountID, id, typ, jobID string, at time.Time) {
	t.Helper()
	data, _ := schemas.Example("candidate")
	var job *string
	if jobID != "" {
		job = &jobID
	}
	_, err := q.ExecContext(context.Background(), st.DB().Rebind(`INSERT INTO events (id, account_id, type, resource_id, job_id, data, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`), id, accountID, typ, "cand_x", job, string(data), at.UnixMilli())
	if err != nil {
		t.Errorf("insert event: %v", err)
	}
}

func pollIDs(t *testing.T, st *store.Store, accountID string, q store.PollQuery) []string {
	t.Helper()
	evs, err := st.PollEvents(context.Background(), accountID, q)
	if err != nil {
		t.Fatalf("poll %+v: %v", q, err)
	}
	ids := []string{}
	for _, ev := range evs {
		ids = append(ids, ev.ID)
	}
	return ids
}

func same(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPollEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, _ := st.CreateAccount(ctx, "Acme")
		b, _ := st.CreateAccount(ctx, "Globex")
		base := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
		typ := hub.EventCandidateInterested
		var ids []string // commit order
		for i := 0; i < 5; i++ {
			id := hub.NewID(hub.PrefixEvent)
			job := "job_a"
			if i%2 == 1 {
				job = "job_b"
			}
			insertEvent(t, st.DB(), st, a.ID, id, typ, job, base.Add(time.Duration(i)*time.Minute))
			ids = append(ids, id)
		}
		insertEvent(t, st.DB(), st, a.ID, hub.NewID(hub.PrefixEvent), hub.EventCandidateCreated, "job_a", base)
		insertEvent(t, st.DB(), st, b.ID, hub.NewID(hub.PrefixEvent), typ, "job_a", base)

		t.Run("newest first, only the type and the account", func(t *testing.T) {
			got := pollIDs(t, st, a.ID, store.PollQuery{Type: typ, Limit: 100})
			if want := []string{ids[4], ids[3], ids[2], ids[1], ids[0]}; !same(got, want) {
				t.Fatalf("got %v, want %v", got, want)
			}
		})
		t.Run("limit keeps the newest without since", func(t *testing.T) {
			if got := pollIDs(t, st, a.ID, store.PollQuery{Type: typ, Limit: 2}); !same(got, []string{ids[4], ids[3]}) {
				t.Fatalf("got %v", got)
			}
		})
		t.Run("since an id walks on without gaps", func(t *testing.T) {
			got := pollIDs(t, st, a.ID, store.PollQuery{Type: typ, SinceID: ids[0], Limit: 2})
			if !same(got, []string{ids[2], ids[1]}) {
				t.Fatalf("first page %v", got)
			}
			got = pollIDs(t, st, a.ID, store.PollQuery{Type: typ, SinceID: got[0], Limit: 2})
			if !same(got, []string{ids[4], ids[3]}) {
				t.Fatalf("second page %v", got)
			}
			if got = pollIDs(t, st, a.ID, store.PollQuery{Type: typ, SinceID: ids[4], Limit: 2}); len(got) != 0 {
				t.Fatalf("after the newest %v", got)
			}
		})
		t.Run("since a time", func(t *testing.T) {
			got := pollIDs(t, st, a.ID, store.PollQuery{Type: typ, SinceTime: base.Add(2 * time.Minute), Limit: 100})
			if !same(got, []string{ids[4], ids[3]}) {
				t.Fatalf("got %v", got)
			}
		})
		t.Run("job filter", func(t *testing.T) {
			got := pollIDs(t, st, a.ID, store.PollQuery{Type: typ, JobID: "job_b", Limit: 100})
			if !same(got, []string{ids[3], ids[1]}) {
				t.Fatalf("got %v", got)
			}
		})
		t.Run("unknown or foreign since id", func(t *testing.T) {
			for _, id := range []string{hub.NewID(hub.PrefixEvent), pollIDs(t, st, b.ID, store.PollQuery{Type: typ, Limit: 1})[0]} {
				_, err := st.PollEvents(ctx, a.ID, store.PollQuery{Type: typ, SinceID: id, Limit: 10})
				if hub.ErrorCode(err) != hub.ENotFound {
					t.Fatalf("since %s: %v", id, err)
				}
			}
		})
		t.Run("latest event", func(t *testing.T) {
			ev, err := st.LatestEvent(ctx, a.ID, typ)
			if err != nil || ev.ID != ids[4] {
				t.Fatalf("latest %s %v", ev.ID, err)
			}
			if _, err := st.LatestEvent(ctx, b.ID, hub.EventJobClosed); hub.ErrorCode(err) != hub.ENotFound {
				t.Fatalf("no event: %v", err)
			}
		})
	})
}

// TestPollLateCommit is the case an ID cursor gets wrong: an event made
// first (older ID and time) commits after a newer one was already polled.
// Polling on from the newer one must still return it.
func TestPollLateCommit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, _ := st.CreateAccount(ctx, "Acme")
		typ := hub.EventCandidateCreated
		early, at := hub.NewID(hub.PrefixEvent), time.Now()
		late := hub.NewID(hub.PrefixEvent)
		insertEvent(t, st.DB(), st, a.ID, late, typ, "", at.Add(time.Millisecond))
		if got := pollIDs(t, st, a.ID, store.PollQuery{Type: typ, Limit: 10}); !same(got, []string{late}) {
			t.Fatalf("first poll %v", got)
		}
		insertEvent(t, st.DB(), st, a.ID, early, typ, "", at)
		if got := pollIDs(t, st, a.ID, store.PollQuery{Type: typ, SinceID: late, Limit: 10}); !same(got, []string{early}) {
			t.Fatalf("poll after %s = %v, want the late commit %s", late, got, early)
		}
		if early > late {
			t.Fatal("the fixture's IDs are not in creation order")
		}
	})
}

// TestPollWaitsForOpenTransactions holds a transaction open after it wrote
// an event, commits a later one beside it, and checks that a poll shows
// neither until the first commits: had it returned the second, a client
// polling on from it would never see the first. SQLite cannot get here (its
// writers are serialised, so the second insert waits for the first commit),
// which the late-commit test covers; this is PostgreSQL's case.
func TestPollWaitsForOpenTransactions(t *testing.T) {
	st := storetest.Open(t, store.Postgres)
	ctx := context.Background()
	a, _ := st.CreateAccount(ctx, "Acme")
	typ := hub.EventCandidateCreated
	seen := hub.NewID(hub.PrefixEvent)
	insertEvent(t, st.DB(), st, a.ID, seen, typ, "", time.Now())

	tx, err := st.DB().BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	first := hub.NewID(hub.PrefixEvent)
	insertEvent(t, tx, st, a.ID, first, typ, "", time.Now())
	second := hub.NewID(hub.PrefixEvent)
	insertEvent(t, st.DB(), st, a.ID, second, typ, "", time.Now())

	if got := pollIDs(t, st, a.ID, store.PollQuery{Type: typ, SinceID: seen, Limit: 10}); len(got) != 0 {
		t.Fatalf("with the first transaction open the poll returned %v", got)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := pollIDs(t, st, a.ID, store.PollQuery{Type: typ, SinceID: seen, Limit: 10}); !same(got, []string{second, first}) {
		t.Fatalf("after the commit %v, want [%s %s]", got, second, first)
	}
}

// TestPollUnderConcurrentInserts has writers commit events in transactions
// of varying length while a poller walks with since = the newest ID it
// got, a few at a time. Every committed event must be seen exactly once.
func TestPollUnderConcurrentInserts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, _ := st.CreateAccount(ctx, "Acme")
		typ := hub.EventCandidateInterested
		const writers, each = 6, 25
		// The walk starts after an event committed before any writer's.
		first := hub.NewID(hub.PrefixEvent)
		insertEvent(t, st.DB(), st, a.ID, first, typ, "", time.Now())
		var (
			wg        sync.WaitGroup
			mu        sync.Mutex
			committed = map[string]bool{}
		)
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < each; i++ {
					tx, err := st.DB().BeginTxx(ctx, nil)
					if err != nil {
						t.Error(err)
						return
					}
					id := hub.NewID(hub.PrefixEvent)
					insertEvent(t, tx, st, a.ID, id, typ, "", time.Now())
					// Vary how long the transaction stays open after its
					// insert, so commits interleave with other inserts.
					time.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond)
					if err := tx.Commit(); err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					committed[id] = true
					mu.Unlock()
				}
			}()
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()

		seen := map[string]int{}
		since, polls := "", 0
		poll := func() int {
			evs, err := st.PollEvents(ctx, a.ID, store.PollQuery{Type: typ, SinceID: since, Limit: 7})
			if err != nil {
				t.Fatal(err)
			}
			polls++
			for _, ev := range evs {
				seen[ev.ID]++
			}
			if len(evs) > 0 {
				since = evs[0].ID
			}
			return len(evs)
		}
		since = first
	walk:
		for {
			select {
			case <-done:
				break walk
			default:
				poll()
			}
		}
		for poll() > 0 {
		}
		if len(committed) != writers*each {
			t.Fatalf("%d events committed, want %d", len(committed), writers*each)
		}
		for id := range committed {
			if seen[id] != 1 {
				t.Errorf("%s seen %d times", id, seen[id])
			}
		}
		if len(seen) != len(committed) {
			t.Errorf("saw %d events, %d committed", len(seen), len(committed))
		}
		t.Logf("%d polls", polls)
	})
}
