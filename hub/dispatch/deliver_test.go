package dispatch_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/dispatch"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
	"github.com/visage-jobs/visage-hub/hub/webhook"
)

func TestDeliversSignedEventsToSubscribers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		all, interested, jobOnly := newReceiver(t, nil), newReceiver(t, nil), newReceiver(t, nil)
		wAll := f.endpoint(all.url())
		wInt := f.endpoint(interested.url(), func(w *hub.Webhook) { w.Events = []string{hub.EventCandidateInterested} })
		job := "job_01jndmj1srae67z5nhcjzhq5xv"
		wJob := f.endpoint(jobOnly.url(), func(w *hub.Webhook) { w.JobID = &job })
		all.secret.Store(wAll.Secret)
		interested.secret.Store(wInt.Secret)
		jobOnly.secret.Store(wJob.Secret)
		f.endpoint(all.url(), func(w *hub.Webhook) { w.Status = hub.WebhookDisabled })
		other := newFixture(t, st)
		other.endpoint(all.url())

		d := run(t, st, dispatch.Options{Policy: loopback(t)})
		evs := []hub.Event{
			f.event(hub.EventCandidateCreated, ""),
			f.event(hub.EventCandidateInterested, job),
			f.event(hub.EventCandidateInterested, ""),
			f.event(hub.EventJobUpdated, job),
		}
		d.Notify()

		gotAll := all.wait(t, 4, 5*time.Second)
		gotInt := interested.wait(t, 2, 5*time.Second)
		gotJob := jobOnly.wait(t, 2, 5*time.Second)
		t.Run("every request is signed and verifies", func(t *testing.T) {
			for _, h := range append(append(gotAll, gotInt...), gotJob...) {
				if h.Err != nil {
					t.Fatalf("signature of %s: %v", h.ID, h.Err)
				}
				if h.Header.Get("Content-Type") != "application/json" || h.Header.Get("User-Agent") != "Visage-Webhooks/1.0" {
					t.Fatalf("headers %v", h.Header)
				}
				body := decodeEvent(t, h.Body)
				if body["id"] != h.ID || body["type"] == nil || body["data"] == nil || body["timestamp"] == nil {
					t.Fatalf("webhook-id %s, body %s", h.ID, h.Body)
				}
			}
		})
		t.Run("filters pick the events", func(t *testing.T) {
			ids := func(hs []hit) map[string]bool {
				m := map[string]bool{}
				for _, h := range hs {
					m[h.ID] = true
				}
				return m
			}
			if a := ids(gotAll); len(a) != 4 {
				t.Fatalf("all-events endpoint got %v", a)
			}
			if i := ids(gotInt); !i[evs[1].ID] || !i[evs[2].ID] {
				t.Fatalf("interested endpoint got %v", i)
			}
			if j := ids(gotJob); !j[evs[1].ID] || !j[evs[3].ID] {
				t.Fatalf("job endpoint got %v", j)
			}
		})
		t.Run("the log records a successful attempt", func(t *testing.T) {
			dl := f.finalDelivery(evs[0].ID, wAll.ID, 5*time.Second)
			if dl.Status != hub.DeliverySucceeded || len(dl.Attempts) != 1 || dl.WebhookID != wAll.ID {
				t.Fatalf("delivery %+v", dl)
			}
			a := dl.Attempts[0]
			if a.Attempt != 1 || *a.ResponseStatus != 200 || a.RequestHeaders["Webhook-Signature"] == "" || a.Error != nil || !a.NextAttemptAt.IsZero() {
				t.Fatalf("attempt %+v", a)
			}
			var sent []byte
			for _, h := range gotAll {
				if h.ID == evs[0].ID {
					sent = h.Body
				}
			}
			if a.RequestBody != string(sent) || len(sent) == 0 {
				t.Fatalf("logged request body %q, sent %q", a.RequestBody, sent)
			}
		})
		t.Run("nothing else arrives", func(t *testing.T) {
			var n int
			if err := st.DB().Get(&n, `SELECT COUNT(*) FROM deliveries`); err != nil || n != 8 {
				t.Fatalf("deliveries = %d (%v), want 8: none to the disabled endpoint or the other account", n, err)
			}
			var left int
			if err := st.DB().Get(&left, `SELECT COUNT(*) FROM events WHERE dispatched_at IS NULL`); err != nil || left != 0 {
				t.Fatalf("undispatched events = %d (%v)", left, err)
			}
		})
	})
}

func TestRetriesUntilSuccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		rc := newReceiver(t, func(w http.ResponseWriter, n int) {
			switch n {
			case 1:
				w.WriteHeader(http.StatusInternalServerError)
				_, _ = w.Write([]byte("boom"))
			case 2:
				w.Header().Set("Location", "https://elsewhere.example/")
				w.WriteHeader(http.StatusFound)
			default:
				w.WriteHeader(http.StatusNoContent)
			}
		})
		w := f.endpoint(rc.url())
		rc.secret.Store(w.Secret)
		run(t, st, dispatch.Options{Policy: loopback(t)})
		ev := f.event(hub.EventJobCreated, "")
		hits := rc.wait(t, 3, 5*time.Second)
		dl := f.finalDelivery(ev.ID, w.ID, 5*time.Second)
		if dl.Status != hub.DeliverySucceeded || dl.AttemptCount != 3 || len(dl.Attempts) != 3 {
			t.Fatalf("delivery %+v", dl)
		}
		for i, h := range hits {
			if h.ID != ev.ID || h.Err != nil {
				t.Fatalf("hit %d: id %s (want the event id on every retry), verify %v", i, h.ID, h.Err)
			}
		}
		first, second := dl.Attempts[0], dl.Attempts[1]
		if *first.ResponseStatus != 500 || first.ResponseBody != "boom" || first.NextAttemptAt.IsZero() {
			t.Fatalf("first attempt %+v", first)
		}
		if *second.ResponseStatus != 302 || second.NextAttemptAt.IsZero() {
			t.Fatalf("a redirect is a failure: %+v", second)
		}
		gap := first.NextAttemptAt.Sub(first.SentAt.Time)
		if gap < 0 || gap > 50*time.Millisecond {
			t.Fatalf("first retry scheduled %s after the attempt, want about 5ms", gap)
		}
		// The failures started a streak; the success ended it (the
		// attempt record and the endpoint's health commit together).
		var streak *int64
		if err := st.DB().Get(&streak, st.DB().Rebind(`SELECT failing_since FROM webhook_endpoints WHERE id = ?`), w.ID); err != nil || streak != nil {
			t.Fatalf("failing_since after a success = %v (%v), want NULL", streak, err)
		}
	})
}

func TestRetryAfterIsHonoured(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		rc := newReceiver(t, func(w http.ResponseWriter, n int) {
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(http.StatusTooManyRequests)
		})
		w := f.endpoint(rc.url())
		run(t, st, dispatch.Options{Policy: loopback(t)})
		ev := f.event(hub.EventJobCreated, "")
		rc.wait(t, 1, 5*time.Second)
		deadline := time.Now().Add(5 * time.Second)
		for {
			var next, sent hub.Time
			err := st.DB().QueryRowx(st.DB().Rebind(`SELECT a.next_attempt_at, a.sent_at FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
				WHERE d.event_id = ? AND d.endpoint_id = ? AND a.attempt = 1`), ev.ID, w.ID).Scan(&next, &sent)
			if err == nil {
				gap := next.Sub(sent.Time)
				if gap < 1900*time.Millisecond || gap > 2500*time.Millisecond {
					t.Fatalf("next attempt %s after a 429 with Retry-After: 2, want about 2s (the schedule says 5ms)", gap)
				}
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("attempt not recorded: %v", err)
			}
			time.Sleep(5 * time.Millisecond) // polling the database
		}
	})
}

func TestGoneDisablesAndEnablingResumes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		rc := newReceiver(t, func(w http.ResponseWriter, n int) {
			if n == 1 {
				w.WriteHeader(http.StatusGone)
				return
			}
			w.WriteHeader(http.StatusOK)
		})
		w := f.endpoint(rc.url())
		d := run(t, st, dispatch.Options{Policy: loopback(t), PerEndpoint: 1})
		first := f.event(hub.EventJobCreated, "")
		d.Notify()
		rc.wait(t, 1, 5*time.Second)
		dl := f.finalDelivery(first.ID, w.ID, 5*time.Second)
		if dl.Status != hub.DeliveryFailed || dl.AttemptCount != 1 {
			t.Fatalf("a 410 must end the delivery: %+v", dl)
		}
		got, err := st.GetWebhook(context.Background(), f.acct.ID, w.ID)
		if err != nil || got.Status != hub.WebhookDisabled || got.StatusReason == nil || !strings.Contains(*got.StatusReason, "410") || got.DisabledAt.IsZero() {
			t.Fatalf("endpoint after 410: %+v %v", got, err)
		}
		// A delivery waiting while the endpoint was disabled goes out once it
		// is enabled again.
		_, err = st.DB().Exec(st.DB().Rebind(`INSERT INTO deliveries (id, account_id, endpoint_id, event_id, event_type, status, attempts, next_attempt_at, created_at, updated_at)
			SELECT ?, account_id, ?, id, type, 'pending', 0, created_at, created_at, created_at FROM events WHERE id = ?`), hub.NewID(hub.PrefixDelivery), w.ID, f.event(hub.EventJobUpdated, "").ID)
		if err != nil {
			t.Fatal(err)
		}
		d.Notify()
		select {
		case h := <-rc.got:
			t.Fatalf("a disabled endpoint got %s", h.ID)
		case <-time.After(200 * time.Millisecond): // several ticks: proving something does not happen needs a bound
		}
		if _, err := st.UpdateWebhook(context.Background(), f.acct.ID, w.ID, func(w *hub.Webhook) error {
			w.Status, w.StatusReason, w.DisabledAt = hub.WebhookActive, nil, hub.Time{}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		d.Notify()
		rc.wait(t, 1, 5*time.Second)
	})
}

func TestEndpointFailingForTheWindowIsDisabled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		rc := newReceiver(t, func(w http.ResponseWriter, n int) { w.WriteHeader(http.StatusBadGateway) })
		w := f.endpoint(rc.url())
		clock := newClock(time.Now())
		sched := dispatch.Schedule{Delays: []time.Duration{time.Hour, time.Hour, time.Hour}}
		d := run(t, st, dispatch.Options{Policy: loopback(t), Now: clock.Now, Schedule: sched, FailureWindow: 90 * time.Minute})
		ev := f.event(hub.EventJobCreated, "")
		d.Notify()
		rc.wait(t, 1, 5*time.Second)
		f.waitAttempts(ev.ID, w.ID, 1)
		for i := 0; i < 2; i++ {
			// Move the clock only once the attempt is recorded: jumping past
			// a lease that is still held would let it expire mid-attempt.
			clock.Add(time.Hour + time.Minute)
			d.Notify()
			rc.wait(t, 1, 5*time.Second)
			f.waitAttempts(ev.ID, w.ID, i+2)
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			got, err := st.GetWebhook(context.Background(), f.acct.ID, w.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status == hub.WebhookDisabled {
				if got.StatusReason == nil || !strings.Contains(*got.StatusReason, "HTTP 502") || !strings.Contains(*got.StatusReason, "failed for 1h30m0s") {
					t.Fatalf("reason %v", got.StatusReason)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("endpoint failing for 2h with a 90m window is still %s", got.Status)
			}
			time.Sleep(5 * time.Millisecond) // polling the database
		}
		dl, _, err := st.ListDeliveries(context.Background(), f.acct.ID, w.ID, store.DeliveryFilter{}, hub.Page{Limit: 10})
		if err != nil || len(dl) != 1 || dl[0].EventID != ev.ID {
			t.Fatalf("deliveries %+v %v", dl, err)
		}
	})
}

func TestRotationSignsWithBothSecretsForTheOverlap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		rc := newReceiver(t, nil)
		w := f.endpoint(rc.url())
		oldSecret := w.Secret
		newSecret, _ := webhook.GenerateSecret()
		start := time.Now()
		if _, err := st.RotateWebhookSecret(context.Background(), f.acct.ID, w.ID, newSecret, hub.TimeOf(start.Add(24*time.Hour))); err != nil {
			t.Fatal(err)
		}
		clock := newClock(start)
		verifier := webhook.Verifier{Now: clock.Now}
		d := run(t, st, dispatch.Options{Policy: loopback(t), Now: clock.Now})

		check := func(t *testing.T, wantSigs int, oldOK bool) {
			t.Helper()
			f.event(hub.EventJobCreated, "")
			d.Notify()
			h := rc.wait(t, 1, 5*time.Second)[0]
			if n := len(strings.Fields(h.Header.Get("webhook-signature"))); n != wantSigs {
				t.Fatalf("%d signatures, want %d", n, wantSigs)
			}
			if err := verifier.Verify(newSecret, h.Header, h.Body); err != nil {
				t.Fatalf("new secret: %v", err)
			}
			if err := verifier.Verify(oldSecret, h.Header, h.Body); (err == nil) != oldOK {
				t.Fatalf("old secret verifies = %v, want %v", err == nil, oldOK)
			}
		}
		t.Run("within 24 hours both sign", func(t *testing.T) {
			clock.Set(start.Add(23 * time.Hour))
			check(t, 2, true)
		})
		t.Run("after 24 hours only the new one", func(t *testing.T) {
			clock.Set(start.Add(25 * time.Hour))
			check(t, 1, false)
		})
	})
}
