package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

// TestAuthCacheNeverServesRevokedKeys runs two "processes" (two stores with
// their own pools and caches) on one database: after a revocation through
// one returns, the other refuses the key on its very next look-up.
func TestAuthCacheNeverServesRevokedKeys(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			url := storetest.URL(t, d)
			a, b := storetest.OpenURL(t, url), storetest.OpenURL(t, url)
			opts := store.AuthCacheOptions{SyncEvery: 20 * time.Millisecond, Fresh: 400 * time.Millisecond}
			for _, st := range []*store.Store{a, b} {
				if err := st.EnableAuthCache(ctx, opts); err != nil {
					t.Fatal(err)
				}
			}
			acct, _ := a.CreateAccount(ctx, "Acme")
			for round := 0; round < 5; round++ {
				k, plain, _ := hub.NewAPIKey(acct.ID, "k", "t")
				if err := a.CreateAPIKey(ctx, k); err != nil {
					t.Fatal(err)
				}
				hash := hub.HashAPIKey(plain)
				for i := 0; i < 3; i++ { // warm both caches
					if ka, err := b.AuthenticateAPIKey(ctx, hash); err != nil || ka.Revoked() {
						t.Fatalf("before revoke: %+v %v", ka, err)
					}
					if _, err := a.AuthenticateAPIKey(ctx, hash); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := a.RevokeAPIKey(ctx, acct.ID, k.ID); err != nil {
					t.Fatal(err)
				}
				for name, st := range map[string]*store.Store{"revoking store": a, "other store": b} {
					ka, err := st.AuthenticateAPIKey(ctx, hash)
					if err != nil || !ka.Revoked() {
						t.Fatalf("round %d, %s served the key after revocation: %+v %v", round, name, ka, err)
					}
				}
			}
		})
	}
}

// TestRevocationWaitsForSilentNodes registers a node that never
// acknowledges: the revocation waits about Fresh for it (after which such a
// node no longer trusts its cache), and a node whose heartbeat is old is
// not waited for at all.
func TestRevocationWaitsForSilentNodes(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t, store.SQLite)
	fresh := 300 * time.Millisecond
	if err := st.EnableAuthCache(ctx, store.AuthCacheOptions{SyncEvery: 20 * time.Millisecond, Fresh: fresh}); err != nil {
		t.Fatal(err)
	}
	acct, _ := st.CreateAccount(ctx, "Acme")
	revoke := func() time.Duration {
		k, _, _ := hub.NewAPIKey(acct.ID, "k", "t")
		if err := st.CreateAPIKey(ctx, k); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if _, err := st.RevokeAPIKey(ctx, acct.ID, k.ID); err != nil {
			t.Fatal(err)
		}
		return time.Since(start)
	}
	if d := revoke(); d >= fresh {
		t.Fatalf("with only live, syncing nodes a revocation took %v", d)
	}
	insertNode := func(id string, heartbeat time.Time) {
		_, err := st.DB().ExecContext(ctx, st.DB().Rebind(`INSERT INTO hub_nodes (id, seen_epoch, heartbeat_at, started_at) VALUES (?, 0, ?, ?)`),
			id, hub.TimeOf(heartbeat), hub.TimeOf(heartbeat))
		if err != nil {
			t.Fatal(err)
		}
	}
	insertNode("node_dead", time.Now().Add(-time.Hour))
	if d := revoke(); d >= fresh {
		t.Fatalf("a dead node (old heartbeat) was waited for: %v", d)
	}
	insertNode("node_silent", time.Now())
	if d := revoke(); d < fresh {
		t.Fatalf("a live node that never acknowledged was not waited for: %v", d)
	}
}
