package store_test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

func TestIdempotencyKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, err := st.CreateAccount(ctx, "Acme")
		if err != nil {
			t.Fatal(err)
		}
		b, err := st.CreateAccount(ctx, "Globex")
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		stale, abandoned := now.Add(-24*time.Hour), now.Add(-5*time.Minute)
		rec := func(account, key string, at time.Time) store.IdempotencyRecord {
			return store.IdempotencyRecord{AccountID: account, Key: key, Method: "POST", Path: "/v1/jobs",
				RequestHash: "hash-" + key, CreatedAt: hub.TimeOf(at)}
		}
		claim := func(t *testing.T, r store.IdempotencyRecord) (store.IdempotencyRecord, bool) {
			t.Helper()
			held, ok, err := st.ClaimIdempotencyKey(ctx, r, stale, abandoned)
			if err != nil {
				t.Fatal(err)
			}
			return held, ok
		}

		t.Run("first claim wins, second sees it in progress", func(t *testing.T) {
			r := rec(a.ID, "k1", now)
			if _, ok := claim(t, r); !ok {
				t.Fatal("first claim lost")
			}
			other := r
			other.RequestHash = "another body"
			held, ok := claim(t, other)
			if ok || !held.InProgress() || held.RequestHash != r.RequestHash || held.Path != "/v1/jobs" {
				t.Fatalf("second claim: ok=%v held=%+v", ok, held)
			}
		})
		t.Run("another account's same key is independent", func(t *testing.T) {
			if _, ok := claim(t, rec(b.ID, "k1", now)); !ok {
				t.Fatal("account b could not claim a key account a holds")
			}
		})
		t.Run("completed response is returned to later claims", func(t *testing.T) {
			r := rec(a.ID, "k2", now)
			claim(t, r)
			r.Status, r.ContentType, r.Location, r.Body = 201, "application/json", "/v1/jobs/job_1", []byte(`{"id":"job_1"}`)
			if err := st.CompleteIdempotencyKey(ctx, r); err != nil {
				t.Fatal(err)
			}
			held, ok := claim(t, rec(a.ID, "k2", now))
			if ok || held.Status != 201 || held.ContentType != "application/json" || held.Location != "/v1/jobs/job_1" || !bytes.Equal(held.Body, r.Body) {
				t.Fatalf("replayed row: ok=%v %+v", ok, held)
			}
		})
		t.Run("only the claim's own request completes it", func(t *testing.T) {
			r := rec(a.ID, "k3", now)
			claim(t, r)
			impostor := r
			impostor.CreatedAt = hub.TimeOf(now.Add(time.Second))
			impostor.Status = 200
			if err := st.CompleteIdempotencyKey(ctx, impostor); hub.ErrorCode(err) != hub.ENotFound {
				t.Fatalf("complete by another claim: %v", err)
			}
			if err := st.CompleteIdempotencyKey(ctx, r); err == nil {
				t.Fatal("completing with status 0 succeeded")
			}
		})
		t.Run("release lets a retry run; completed rows stay", func(t *testing.T) {
			r := rec(a.ID, "k4", now)
			claim(t, r)
			if err := st.ReleaseIdempotencyKey(ctx, r); err != nil {
				t.Fatal(err)
			}
			if _, ok := claim(t, rec(a.ID, "k4", now)); !ok {
				t.Fatal("released key could not be claimed again")
			}
			done := rec(a.ID, "k2", now)
			if err := st.ReleaseIdempotencyKey(ctx, done); err != nil {
				t.Fatal(err)
			}
			if held, ok := claim(t, done); ok || held.Status != 201 {
				t.Fatalf("release removed a completed row: ok=%v %+v", ok, held)
			}
		})
		t.Run("expired rows are replaced", func(t *testing.T) {
			old := rec(a.ID, "k5", now.Add(-25*time.Hour))
			claim(t, old)
			old.Status, old.Body = 201, []byte(`{}`)
			if err := st.CompleteIdempotencyKey(ctx, old); err != nil {
				t.Fatal(err)
			}
			fresh := rec(a.ID, "k5", now)
			fresh.RequestHash = "a new body"
			held, ok := claim(t, fresh)
			if !ok || held.RequestHash != "a new body" || !held.InProgress() {
				t.Fatalf("expired row not replaced: ok=%v %+v", ok, held)
			}
		})
		t.Run("abandoned claims are taken over, live ones are not", func(t *testing.T) {
			claim(t, rec(a.ID, "k6", now.Add(-10*time.Minute)))
			if _, ok := claim(t, rec(a.ID, "k6", now)); !ok {
				t.Fatal("a claim left for 10 minutes was not taken over")
			}
			claim(t, rec(a.ID, "k7", now.Add(-time.Minute)))
			if _, ok := claim(t, rec(a.ID, "k7", now)); ok {
				t.Fatal("a live claim was taken over")
			}
		})
		t.Run("concurrent claims: exactly one wins", func(t *testing.T) {
			const n = 8
			var wg sync.WaitGroup
			wins := make(chan string, n)
			errs := make(chan error, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := rec(a.ID, "race", now)
					r.RequestHash = fmt.Sprint("body-", i)
					held, ok, err := st.ClaimIdempotencyKey(ctx, r, stale, abandoned)
					if err != nil {
						errs <- err
						return
					}
					if ok {
						wins <- held.RequestHash
					}
				}()
			}
			wg.Wait()
			close(wins)
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			var winners []string
			for w := range wins {
				winners = append(winners, w)
			}
			if len(winners) != 1 {
				t.Fatalf("%d winners: %v", len(winners), winners)
			}
			held, _ := claim(t, rec(a.ID, "race", now))
			if held.RequestHash != winners[0] {
				t.Fatalf("row holds %q, winner was %q", held.RequestHash, winners[0])
			}
		})
		t.Run("prune deletes rows older than the cut-off only", func(t *testing.T) {
			claim(t, rec(a.ID, "ancient", now.Add(-48*time.Hour)))
			n, err := st.PruneIdempotencyKeys(ctx, now.Add(-24*time.Hour))
			if err != nil || n != 1 {
				t.Fatalf("pruned %d, %v; want 1", n, err)
			}
			if held, ok := claim(t, rec(a.ID, "k2", now)); ok || held.Status != 201 {
				t.Fatalf("prune removed a recent row: ok=%v %+v", ok, held)
			}
		})
	})
}
