package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, err := st.CreateAccount(ctx, "Acme")
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		live := store.Session{IDHash: hub.HashAPIKey("live"), AccountID: a.ID, Role: hub.RoleAdmin, Subject: "login-link",
			CSRFToken: "csrf1", CreatedAt: hub.Now(), ExpiresAt: hub.TimeOf(now.Add(time.Hour))}
		if err := st.CreateSession(ctx, live); err != nil {
			t.Fatal(err)
		}

		t.Run("round trip", func(t *testing.T) {
			got, err := st.GetSession(ctx, live.IDHash, now)
			if err != nil {
				t.Fatal(err)
			}
			if got.AccountID != a.ID || got.Role != hub.RoleAdmin || got.CSRFToken != "csrf1" || got.Subject != "login-link" ||
				!got.ExpiresAt.Equal(live.ExpiresAt.Time) || !got.CreatedAt.Equal(live.CreatedAt.Time) {
				t.Fatalf("got %+v, want %+v", got, live)
			}
		})
		t.Run("expired is not found", func(t *testing.T) {
			if _, err := st.GetSession(ctx, live.IDHash, now.Add(time.Hour+time.Millisecond)); hub.ErrorCode(err) != hub.ENotFound {
				t.Fatalf("err = %v, want not found", err)
			}
		})
		t.Run("unknown is not found", func(t *testing.T) {
			if _, err := st.GetSession(ctx, hub.HashAPIKey("nope"), now); hub.ErrorCode(err) != hub.ENotFound {
				t.Fatalf("err = %v, want not found", err)
			}
		})
		t.Run("creating prunes expired sessions", func(t *testing.T) {
			old := live
			old.IDHash, old.ExpiresAt = hub.HashAPIKey("old"), hub.TimeOf(now.Add(-time.Minute))
			if err := st.CreateSession(ctx, old); err != nil {
				t.Fatal(err)
			}
			fresh := live
			fresh.IDHash = hub.HashAPIKey("fresh")
			if err := st.CreateSession(ctx, fresh); err != nil {
				t.Fatal(err)
			}
			// Asked with an earlier clock, the old row would still be valid
			// if it existed.
			if _, err := st.GetSession(ctx, old.IDHash, now.Add(-time.Hour)); hub.ErrorCode(err) != hub.ENotFound {
				t.Fatalf("expired session survived: %v", err)
			}
		})
		t.Run("delete signs out and repeats safely", func(t *testing.T) {
			for i := 0; i < 2; i++ {
				if err := st.DeleteSession(ctx, live.IDHash); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := st.GetSession(ctx, live.IDHash, now); hub.ErrorCode(err) != hub.ENotFound {
				t.Fatalf("err = %v, want not found", err)
			}
		})
		t.Run("delete account sessions", func(t *testing.T) {
			n, err := st.DeleteAccountSessions(ctx, a.ID)
			if err != nil || n != 1 {
				t.Fatalf("deleted %d, %v; want the one fresh session", n, err)
			}
			if _, err := st.GetSession(ctx, hub.HashAPIKey("fresh"), now); hub.ErrorCode(err) != hub.ENotFound {
				t.Fatalf("err = %v, want not found", err)
			}
		})
	})
}
