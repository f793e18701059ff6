package endpoints_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/endpoints"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/pgtest"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func ptr[T any](v T) *T { return &v }

// fields returns the field names of a validation error, or nil.
func fields(err error) []string {
	he, ok := err.(*hub.Error)
	if !ok || he.Code != hub.EInvalid {
		return nil
	}
	var out []string
	for _, f := range he.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		acct, err := st.CreateAccount(ctx, "Acme")
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		m := &endpoints.Manager{Store: st, Policy: "", Now: func() time.Time { return now }}

		t.Run("every bad member is reported together", func(t *testing.T) {
			_, err := m.Create(ctx, acct.ID, endpoints.Input{URL: ptr("http://10.0.0.1/x"), Events: &[]string{"job.created", "job.deleted"},
				JobID: ptr("job_nope"), Secret: ptr("plain")})
			got := fields(err)
			want := []string{"url", "events.1", "job_id", "secret"}
			if len(got) != len(want) {
				t.Fatalf("fields %v, want %v (%v)", got, want, err)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("fields %v, want %v", got, want)
				}
			}
			if _, err := m.Create(ctx, acct.ID, endpoints.Input{}); fields(err) == nil {
				t.Fatalf("no URL: %v", err)
			}
		})

		w, err := m.Create(ctx, acct.ID, endpoints.Input{URL: ptr(" https://hooks.example.com/visage "), Events: &[]string{"job.created", "job.created"}})
		if err != nil {
			t.Fatal(err)
		}
		t.Run("without a dispatcher a new endpoint waits for validation", func(t *testing.T) {
			if w.URL != "https://hooks.example.com/visage" || len(w.Events) != 1 || w.Status != hub.WebhookPendingValidation || w.Secret == "" {
				t.Fatalf("created %+v", w)
			}
			if _, err := m.Revalidate(ctx, w); hub.ErrorCode(err) != hub.EUnavailable {
				t.Fatalf("revalidate without a dispatcher: %v", err)
			}
			if _, err := m.SendTest(ctx, w, hub.EventJobCreated); hub.ErrorCode(err) != hub.EUnavailable {
				t.Fatalf("test without a dispatcher: %v", err)
			}
		})

		t.Run("rotation keeps the old secret signing for a day", func(t *testing.T) {
			old := w.Secret
			if _, err := m.Rotate(ctx, w, &old); fields(err) == nil {
				t.Fatalf("rotating to the current secret: %v", err)
			}
			r, err := m.Rotate(ctx, w, nil)
			if err != nil {
				t.Fatal(err)
			}
			if r.Secret == old || r.PreviousSecret != old || !r.PreviousExpiresAt.Equal(now.Add(endpoints.SecretOverlap).Truncate(time.Millisecond)) {
				t.Fatalf("rotated %+v", r)
			}
			if got := m.PreviousSecretExpiresAt(r); got.IsZero() {
				t.Fatal("the previous secret should still sign")
			}
			later := &endpoints.Manager{Store: st, Now: func() time.Time { return now.Add(25 * time.Hour) }}
			if got := later.PreviousSecretExpiresAt(r); !got.IsZero() {
				t.Fatalf("after a day the previous secret still signs until %v", got)
			}
			w = r
		})

		t.Run("disable, and retries wait for an active endpoint", func(t *testing.T) {
			d, err := m.Disable(ctx, w, "tester")
			if err != nil || d.Status != hub.WebhookDisabled || d.StatusReason == nil || *d.StatusReason != "disabled by tester" {
				t.Fatalf("disabled %+v %v", d, err)
			}
			if err := endpoints.RequireActive(d); hub.ErrorCode(err) != hub.EConflict {
				t.Fatalf("RequireActive on a disabled endpoint: %v", err)
			}
			if _, err := m.Retry(ctx, acct.ID, "nope"); hub.ErrorCode(err) != hub.ENotFound {
				t.Fatalf("retry of a bad ID: %v", err)
			}
			if _, err := m.Revalidate(ctx, d); hub.ErrorCode(err) != hub.EConflict {
				t.Fatalf("revalidating a disabled endpoint: %v", err)
			}
		})

		t.Run("other accounts and REST hooks are not found", func(t *testing.T) {
			other, err := st.CreateAccount(ctx, "Globex")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.Get(ctx, other.ID, w.ID); hub.ErrorCode(err) != hub.ENotFound {
				t.Fatalf("another account's: %v", err)
			}
			hook := w
			hook.ID, hook.Kind = hub.NewID(hub.PrefixWebhook), hub.KindHook
			if err := st.CreateWebhook(ctx, hook); err != nil {
				t.Fatal(err)
			}
			if _, err := m.Get(ctx, acct.ID, hook.ID); hub.ErrorCode(err) != hub.ENotFound {
				t.Fatalf("a REST hook: %v", err)
			}
		})

		t.Run("delete", func(t *testing.T) {
			if err := m.Delete(ctx, w); err != nil {
				t.Fatal(err)
			}
			if _, err := m.Get(ctx, acct.ID, w.ID); hub.ErrorCode(err) != hub.ENotFound {
				t.Fatalf("after delete: %v", err)
			}
		})
	})
}
