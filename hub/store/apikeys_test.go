package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

func TestAPIKeys(t *testing.T) {
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
		k, plain, err := hub.NewAPIKey(a.ID, "zapier", "tester")
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CreateAPIKey(ctx, k); err != nil {
			t.Fatal(err)
		}

		t.Run("authenticate by hash", func(t *testing.T) {
			ka, err := st.AuthenticateAPIKey(ctx, hub.HashAPIKey(plain))
			if err != nil {
				t.Fatal(err)
			}
			if ka.ID != k.ID || ka.AccountID != a.ID || ka.AccountName != "Acme" || ka.Label != "zapier" {
				t.Fatalf("got %+v", ka)
			}
			if !ka.CreatedAt.Equal(k.CreatedAt.Time) {
				t.Fatalf("created_at %v, want %v", ka.CreatedAt, k.CreatedAt)
			}
		})
		t.Run("unknown hash is not found", func(t *testing.T) {
			_, err := st.AuthenticateAPIKey(ctx, hub.HashAPIKey(plain+"x"))
			if hub.ErrorCode(err) != hub.ENotFound {
				t.Fatalf("err = %v, want not found", err)
			}
		})
		t.Run("plaintext is nowhere in the database", func(t *testing.T) {
			assertNotStored(t, st, plain)
		})
		t.Run("other account cannot see or revoke", func(t *testing.T) {
			keys, err := st.ListAPIKeys(ctx, b.ID)
			if err != nil || len(keys) != 0 {
				t.Fatalf("list for other account = %v, %v", keys, err)
			}
			if _, err := st.RevokeAPIKey(ctx, b.ID, k.ID); hub.ErrorCode(err) != hub.ENotFound {
				t.Fatalf("revoke from other account: %v", err)
			}
			got, err := st.GetAPIKey(ctx, a.ID, k.ID)
			if err != nil || got.Revoked() {
				t.Fatalf("key changed by other account: %+v %v", got, err)
			}
		})
		t.Run("touch moves last_used_at forward only", func(t *testing.T) {
			later := time.Now().Add(time.Minute)
			if err := st.TouchAPIKeys(ctx, map[string]time.Time{k.ID: later}); err != nil {
				t.Fatal(err)
			}
			if err := st.TouchAPIKeys(ctx, map[string]time.Time{k.ID: later.Add(-time.Hour)}); err != nil {
				t.Fatal(err)
			}
			got, _ := st.GetAPIKey(ctx, a.ID, k.ID)
			if got.LastUsedAt.UnixMilli() != later.UnixMilli() {
				t.Fatalf("last_used_at = %v, want %v", got.LastUsedAt, later)
			}
		})
		t.Run("revoke is immediate and repeat-safe", func(t *testing.T) {
			r1, err := st.RevokeAPIKey(ctx, a.ID, k.ID)
			if err != nil || !r1.Revoked() {
				t.Fatalf("revoke: %+v %v", r1, err)
			}
			r2, err := st.RevokeAPIKey(ctx, a.ID, k.ID)
			if err != nil || !r2.RevokedAt.Equal(r1.RevokedAt.Time) {
				t.Fatalf("second revoke changed the time: %v → %v (%v)", r1.RevokedAt, r2.RevokedAt, err)
			}
			ka, err := st.AuthenticateAPIKey(ctx, hub.HashAPIKey(plain))
			if err != nil || !ka.Revoked() {
				t.Fatalf("authenticate after revoke: %+v %v", ka, err)
			}
			keys, _ := st.ListAPIKeys(ctx, a.ID)
			if len(keys) != 1 || !keys[0].Revoked() {
				t.Fatalf("list after revoke: %+v", keys)
			}
		})
	})
}

// assertNotStored scans every text column of every table for s.
func assertNotStored(t *testing.T, st *store.Store, s string) {
	t.Helper()
	ctx := context.Background()
	tables := []string{"accounts", "api_keys", "login_tokens", "hub_settings"}
	for _, tbl := range tables {
		rows, err := st.DB().QueryxContext(ctx, "SELECT * FROM "+tbl)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			vals, err := rows.SliceScan()
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				var text string
				switch x := v.(type) {
				case string:
					text = x
				case []byte:
					text = string(x)
				}
				if strings.Contains(text, s) || strings.Contains(text, s[len(hub.APIKeyPrefix):]) {
					t.Fatalf("table %s holds the plaintext key", tbl)
				}
			}
		}
		rows.Close()
	}
}

func TestLoginTokensWorkOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, _ := st.CreateAccount(ctx, "Acme")
		if err := st.CreateLoginToken(ctx, a.ID, hub.RoleAdmin, "h1", time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateLoginToken(ctx, a.ID, hub.RoleAdmin, "h2", time.Now().Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		acct, role, err := st.UseLoginToken(ctx, "h1")
		if err != nil || acct != a.ID || role != hub.RoleAdmin {
			t.Fatalf("first use: %q %q %v", acct, role, err)
		}
		cases := map[string]string{"second use": "h1", "expired": "h2", "unknown": "h3"}
		for name, h := range cases {
			t.Run(name, func(t *testing.T) {
				if _, _, err := st.UseLoginToken(ctx, h); hub.ErrorCode(err) != hub.EUnauthorized {
					t.Fatalf("err = %v, want unauthorized", err)
				}
			})
		}
	})
}

func TestEnsureSettingKeepsFirstValue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		v1, err := st.EnsureSetting(ctx, "jwt_secret", "first")
		if err != nil || v1 != "first" {
			t.Fatalf("%q %v", v1, err)
		}
		v2, err := st.EnsureSetting(ctx, "jwt_secret", "second")
		if err != nil || v2 != "first" {
			t.Fatalf("second ensure returned %q %v", v2, err)
		}
	})
}
