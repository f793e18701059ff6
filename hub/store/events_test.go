package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
	"github.com/visage-jobs/visage-hub/schemas"
)

// outboxRow is one fixture event written straight into the events table,
// so these tests do not depend on the code that produces events.
type outboxRow struct {
	id, typ string
	at      time.Time
	prev    *string
}

// putEvents inserts events for accountID with data taken from the schema
// examples (a candidate for candidate.*, a job for job.*).
func putEvents(t *testing.T, st *store.Store, accountID string, rows ...outboxRow) {
	t.Helper()
	for _, r := range rows {
		name := "job"
		if strings.HasPrefix(r.typ, "candidate.") {
			name = "candidate"
		}
		data, ok := schemas.Example(name)
		if !ok {
			t.Fatalf("no example for %s", name)
		}
		_, err := st.DB().Exec(st.DB().Rebind(`INSERT INTO events (id, account_id, type, resource_id, job_id, data, previous_status, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), r.id, accountID, r.typ, "res_"+r.id, nil, string(data), r.prev, r.at.UnixMilli())
		if err != nil {
			t.Fatalf("insert event: %v", err)
		}
	}
}

func TestListEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, _ := st.CreateAccount(ctx, "Acme")
		b, _ := st.CreateAccount(ctx, "Globex")
		base := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
		prev := hub.CandNew
		types := []string{hub.EventCandidateCreated, hub.EventJobCreated, hub.EventCandidateStatusChanged,
			hub.EventCandidateCreated, hub.EventJobUpdated}
		var ids []string // oldest first
		for i, typ := range types {
			r := outboxRow{id: hub.NewID(hub.PrefixEvent), typ: typ, at: base.Add(time.Duration(i) * time.Minute)}
			if typ == hub.EventCandidateStatusChanged {
				r.prev = &prev
			}
			putEvents(t, st, a.ID, r)
			ids = append(ids, r.id)
		}
		foreign := hub.NewID(hub.PrefixEvent)
		putEvents(t, st, b.ID, outboxRow{id: foreign, typ: hub.EventCandidateCreated, at: base.Add(time.Hour)})

		gotIDs := func(evs []hub.Event) []string {
			out := []string{}
			for _, e := range evs {
				out = append(out, e.ID)
			}
			return out
		}
		cases := []struct {
			name string
			f    store.EventFilter
			want []string // newest first
		}{
			{"all", store.EventFilter{}, []string{ids[4], ids[3], ids[2], ids[1], ids[0]}},
			{"by type", store.EventFilter{Type: hub.EventCandidateCreated}, []string{ids[3], ids[0]}},
			{"created after is strict", store.EventFilter{CreatedAfter: base.Add(2 * time.Minute)}, []string{ids[4], ids[3]}},
			{"type and time", store.EventFilter{Type: hub.EventCandidateCreated, CreatedAfter: base}, []string{ids[3]}},
			{"nothing after", store.EventFilter{CreatedAfter: base.Add(time.Hour)}, []string{}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				evs, more, err := st.ListEvents(ctx, a.ID, tc.f, hub.Page{Limit: 50})
				if err != nil {
					t.Fatal(err)
				}
				if more || fmt.Sprint(gotIDs(evs)) != fmt.Sprint(tc.want) {
					t.Fatalf("got %v more=%v, want %v", gotIDs(evs), more, tc.want)
				}
			})
		}

		t.Run("pages walk every event once", func(t *testing.T) {
			var walked []string
			p := hub.Page{Limit: 2}
			for pages := 0; ; pages++ {
				if pages > 5 {
					t.Fatal("paging does not end")
				}
				evs, more, err := st.ListEvents(ctx, a.ID, store.EventFilter{}, p)
				if err != nil {
					t.Fatal(err)
				}
				if len(evs) > 2 {
					t.Fatalf("page of %d over the limit", len(evs))
				}
				walked = append(walked, gotIDs(evs)...)
				if !more {
					break
				}
				p.After = evs[len(evs)-1].ID
			}
			want := []string{ids[4], ids[3], ids[2], ids[1], ids[0]}
			if fmt.Sprint(walked) != fmt.Sprint(want) {
				t.Fatalf("walked %v, want %v", walked, want)
			}
		})

		t.Run("get returns the stored envelope", func(t *testing.T) {
			ev, err := st.GetEvent(ctx, a.ID, ids[2])
			if err != nil {
				t.Fatal(err)
			}
			if ev.Type != hub.EventCandidateStatusChanged || ev.PreviousStatus == nil || *ev.PreviousStatus != hub.CandNew ||
				!ev.Timestamp.Equal(base.Add(2*time.Minute)) || ev.AccountID != a.ID {
				t.Fatalf("got %+v", ev)
			}
			want, _ := schemas.Example("candidate")
			var got, exp any
			if json.Unmarshal(ev.Data, &got) != nil || json.Unmarshal(want, &exp) != nil || fmt.Sprint(got) != fmt.Sprint(exp) {
				t.Fatalf("data %s, want %s", ev.Data, want)
			}
			if other, _ := st.GetEvent(ctx, a.ID, ids[0]); other.PreviousStatus != nil {
				t.Fatalf("previous_status on a created event: %v", *other.PreviousStatus)
			}
		})
		t.Run("other account's event is not found", func(t *testing.T) {
			if _, err := st.GetEvent(ctx, a.ID, foreign); hub.ErrorCode(err) != hub.ENotFound {
				t.Fatalf("err = %v, want not found", err)
			}
			evs, _, err := st.ListEvents(ctx, b.ID, store.EventFilter{}, hub.Page{Limit: 50})
			if err != nil || fmt.Sprint(gotIDs(evs)) != fmt.Sprint([]string{foreign}) {
				t.Fatalf("account b sees %v (%v)", gotIDs(evs), err)
			}
		})
	})
}
