package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

func TestLatestAttempts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		mine, err := st.CreateAccount(ctx, "Mine")
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := st.CreateAccount(ctx, "Theirs")
		if err != nil {
			t.Fatal(err)
		}
		delivery := func(acct string, codes ...int) string {
			t.Helper()
			now := hub.Now()
			w := hub.Webhook{ID: hub.NewID(hub.PrefixWebhook), AccountID: acct, Kind: hub.KindWebhook, URL: "https://example.com/h",
				Events: []string{}, Status: hub.WebhookActive, Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", CreatedAt: now, UpdatedAt: now}
			if err := st.CreateWebhook(ctx, w); err != nil {
				t.Fatal(err)
			}
			d := hub.Delivery{ID: hub.NewID(hub.PrefixDelivery), AccountID: acct, EndpointID: w.ID, EventID: hub.NewID(hub.PrefixEvent),
				EventType: hub.EventJobCreated, Status: hub.DeliveryFailed, CreatedAt: now, UpdatedAt: now}
			for i, c := range codes {
				code := c
				d.Attempts = append(d.Attempts, hub.Attempt{Attempt: i + 1, RequestHeaders: map[string]string{}, ResponseStatus: &code,
					DurationMS: int64(100 * (i + 1)), SentAt: hub.TimeOf(now.Add(time.Duration(i) * time.Second))})
			}
			if err := st.CreateTestDelivery(ctx, d, []byte(`{}`)); err != nil {
				t.Fatal(err)
			}
			return d.ID
		}
		retried := delivery(mine.ID, 500, 502, 200)
		once := delivery(mine.ID, 404)
		never := delivery(mine.ID)
		other := delivery(theirs.ID, 200)

		got, err := st.LatestAttempts(ctx, mine.ID, []string{retried, once, never, other, hub.NewID(hub.PrefixDelivery)})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("got %d attempts, want the last of the two sent deliveries: %+v", len(got), got)
		}
		if a := got[retried]; a.Attempt != 3 || a.ResponseStatus == nil || *a.ResponseStatus != 200 || a.DurationMS != 300 {
			t.Fatalf("last attempt of the retried delivery: %+v", a)
		}
		if a := got[once]; a.Attempt != 1 || *a.ResponseStatus != 404 {
			t.Fatalf("the single attempt: %+v", a)
		}
		if _, ok := got[other]; ok {
			t.Fatal("another account's attempt was returned")
		}
		if empty, err := st.LatestAttempts(ctx, mine.ID, nil); err != nil || len(empty) != 0 {
			t.Fatalf("no IDs: %v %v", empty, err)
		}
	})
}
