package storetest

import (
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
)

// Deliveries describes delivery rows to write straight into the table:
// the history a replay or a prune works on, without sending anything.
type Deliveries struct {
	AccountID, EndpointID string
	Status                hub.DeliveryStatus
	At                    time.Time // created_at, updated_at and next_attempt_at
	N                     int
	// LeaseUntil, when set, leases every row to someone else until then,
	// as if another dispatcher were sending them right now.
	LeaseUntil time.Time
}

// InsertDeliveries writes the rows in one transaction, each for a fresh
// event with one attempt made, and returns their IDs in order.
func InsertDeliveries(t testing.TB, st *store.Store, d Deliveries) []string {
	t.Helper()
	tx, err := st.DB().Beginx()
	if err != nil {
		t.Fatal(err)
	}
	var owner *string
	if !d.LeaseUntil.IsZero() {
		o := "someone-sending"
		owner = &o
	}
	at := hub.TimeOf(d.At)
	ids := make([]string, d.N)
	for i := range ids {
		ids[i] = hub.NewID(hub.PrefixDelivery)
		_, err := tx.Exec(tx.Rebind(`INSERT INTO deliveries (id, account_id, endpoint_id, event_id, event_type, status, attempts,
			next_attempt_at, lease_owner, lease_until, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`),
			ids[i], d.AccountID, d.EndpointID, hub.NewID(hub.PrefixEvent), hub.EventJobCreated, string(d.Status), at,
			owner, hub.TimeOf(d.LeaseUntil), at, at)
		if err != nil {
			_ = tx.Rollback()
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return ids
}
