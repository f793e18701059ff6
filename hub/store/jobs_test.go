package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

func jobStrp(s string) *string { return &s }

// storedJobEvent is an outbox row as the tests read it back.
type storedJobEvent struct {
	Type, ResourceID, JobID string
	Data                    json.RawMessage
}

// jobEvents returns the account's events, oldest first.
func jobEvents(t *testing.T, st *store.Store, accountID string) []storedJobEvent {
	t.Helper()
	rows, err := st.DB().QueryContext(context.Background(),
		st.DB().Rebind(`SELECT type, resource_id, COALESCE(job_id, ''), data FROM events WHERE account_id = ? ORDER BY id`), accountID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []storedJobEvent
	for rows.Next() {
		var ev storedJobEvent
		var data string
		if err := rows.Scan(&ev.Type, &ev.ResourceID, &ev.JobID, &data); err != nil {
			t.Fatal(err)
		}
		ev.Data = json.RawMessage(data)
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// wantJobEvents checks that exactly the given types were written after the
// first `from` events, each carrying job as its data.
func wantJobEvents(t *testing.T, st *store.Store, accountID string, from int, job hub.Job, types ...string) {
	t.Helper()
	evs := jobEvents(t, st, accountID)
	if len(evs) != from+len(types) {
		t.Fatalf("%d new events, want %v: %+v", len(evs)-from, types, evs[min(from, len(evs)):])
	}
	want, _ := json.Marshal(job)
	for i, typ := range types {
		ev := evs[from+i]
		if ev.Type != typ || ev.ResourceID != job.ID || ev.JobID != job.ID {
			t.Fatalf("event %d = %s for %s/%s, want %s for %s", i, ev.Type, ev.ResourceID, ev.JobID, typ, job.ID)
		}
		if !jobSameJSON(ev.Data, want) {
			t.Fatalf("event %s data\n%s\nwant\n%s", typ, ev.Data, want)
		}
	}
}

func jobSameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

func jobAccounts(t *testing.T, st *store.Store) (a, b hub.Account) {
	t.Helper()
	ctx := context.Background()
	a, err := st.CreateAccount(ctx, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	b, err = st.CreateAccount(ctx, "Globex")
	if err != nil {
		t.Fatal(err)
	}
	return a, b
}

func TestCreateAndGetJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, b := jobAccounts(t, st)
		in := hub.Job{
			ExternalID: jobStrp("REQ-1"), Title: "Backend Engineer", Description: jobStrp("Go"),
			WorkplaceType: jobStrp("remote"), HiringManager: &hub.Person{Name: jobStrp("Lena")},
		}
		j, err := st.CreateJob(ctx, a.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("store fills in id, status and times", func(t *testing.T) {
			if !hub.ValidID(hub.PrefixJob, j.ID) || j.Status != hub.JobOpen || j.AccountID != a.ID ||
				j.CreatedAt.IsZero() || !j.UpdatedAt.Equal(j.CreatedAt.Time) {
				t.Fatalf("created %+v", j)
			}
		})
		t.Run("get returns what was stored", func(t *testing.T) {
			got, err := st.GetJob(ctx, a.ID, j.ID)
			if err != nil {
				t.Fatal(err)
			}
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(j)
			if string(gj) != string(wj) {
				t.Fatalf("got %s\nwant %s", gj, wj)
			}
			if got.HiringManager == nil || *got.HiringManager.Name != "Lena" || got.HiringManager.Email != nil {
				t.Fatalf("hiring manager %+v", got.HiringManager)
			}
		})
		t.Run("job.created carries the job", func(t *testing.T) {
			wantJobEvents(t, st, a.ID, 0, j, hub.EventJobCreated)
		})
		t.Run("other account and unknown id are not found", func(t *testing.T) {
			if _, err := st.GetJob(ctx, b.ID, j.ID); hub.ErrorCode(err) != hub.ENotFound {
				t.Fatalf("other account: %v", err)
			}
			if _, err := st.GetJob(ctx, a.ID, hub.NewID(hub.PrefixJob)); hub.ErrorCode(err) != hub.ENotFound {
				t.Fatalf("unknown: %v", err)
			}
		})
		t.Run("taken external id is a conflict and writes nothing", func(t *testing.T) {
			before := len(jobEvents(t, st, a.ID))
			_, err := st.CreateJob(ctx, a.ID, hub.Job{ExternalID: jobStrp("REQ-1"), Title: "Dup"})
			if hub.ErrorCode(err) != hub.EConflict || len(hub.ErrorFields(err)) != 1 || hub.ErrorFields(err)[0].Field != "external_id" {
				t.Fatalf("err = %v %+v", err, hub.ErrorFields(err))
			}
			if n := len(jobEvents(t, st, a.ID)); n != before {
				t.Fatalf("events %d → %d", before, n)
			}
			jobs, _, _ := st.ListJobs(ctx, a.ID, store.JobFilter{ExternalID: "REQ-1"}, hub.Page{Limit: 10})
			if len(jobs) != 1 || jobs[0].ID != j.ID {
				t.Fatalf("jobs with REQ-1: %+v", jobs)
			}
		})
		t.Run("another account may use the same external id", func(t *testing.T) {
			if _, err := st.CreateJob(ctx, b.ID, hub.Job{ExternalID: jobStrp("REQ-1"), Title: "Theirs"}); err != nil {
				t.Fatal(err)
			}
		})
		invalid := []struct {
			name, field string
			job         hub.Job
		}{
			{"empty title", "title", hub.Job{Title: " "}},
			{"unknown status", "status", hub.Job{Title: "x", Status: "archived"}},
			{"empty external id", "external_id", hub.Job{Title: "x", ExternalID: jobStrp("")}},
			{"NUL in title", "title", hub.Job{Title: "a\x00b"}},
			{"invalid UTF-8 in hiring manager", "hiring_manager.name", hub.Job{Title: "x", HiringManager: &hub.Person{Name: jobStrp("\xff")}}},
		}
		for _, c := range invalid {
			t.Run(c.name, func(t *testing.T) {
				before := len(jobEvents(t, st, a.ID))
				_, err := st.CreateJob(ctx, a.ID, c.job)
				if hub.ErrorCode(err) != hub.EInvalid || hub.ErrorFields(err)[0].Field != c.field {
					t.Fatalf("err = %v", err)
				}
				if n := len(jobEvents(t, st, a.ID)); n != before {
					t.Fatalf("events %d → %d", before, n)
				}
			})
		}
	})
}

func TestListJobs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, b := jobAccounts(t, st)
		var all []hub.Job // oldest first
		// Backdated a minute apart, so the time filters have clear edges.
		base := time.Now().Add(-24 * time.Hour)
		for i := range 12 {
			j := hub.Job{Title: fmt.Sprintf("Job %d", i), ExternalID: jobStrp(fmt.Sprintf("E%d", i)),
				CreatedAt: hub.TimeOf(base.Add(time.Duration(i) * time.Minute))}
			if i%3 == 0 {
				j.Status = hub.JobPaused
			}
			created, err := st.CreateJob(ctx, a.ID, j)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, created)
		}
		if _, err := st.CreateJob(ctx, b.ID, hub.Job{Title: "Other account"}); err != nil {
			t.Fatal(err)
		}
		ids := func(js []hub.Job) []string {
			out := []string{}
			for _, j := range js {
				out = append(out, j.ID)
			}
			return out
		}
		newestFirst := func(pick func(i int, j hub.Job) bool) []string {
			out := []string{}
			for i := len(all) - 1; i >= 0; i-- {
				if pick(i, all[i]) {
					out = append(out, all[i].ID)
				}
			}
			return out
		}
		// The one job updated now is the only one updated after the backdated creations.
		mark := all[len(all)-1].CreatedAt
		touched, err := st.UpdateJob(ctx, a.ID, all[4].ID, func(j *hub.Job) error { j.Department = jobStrp("Sales"); return nil })
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name   string
			filter store.JobFilter
			want   []string
		}{
			{"all", store.JobFilter{}, newestFirst(func(int, hub.Job) bool { return true })},
			{"status", store.JobFilter{Status: hub.JobPaused}, newestFirst(func(i int, _ hub.Job) bool { return i%3 == 0 })},
			{"external id", store.JobFilter{ExternalID: "E7"}, []string{all[7].ID}},
			{"unknown external id", store.JobFilter{ExternalID: "nope"}, []string{}},
			{"created after", store.JobFilter{CreatedAfter: all[9].CreatedAt.Time}, newestFirst(func(_ int, j hub.Job) bool { return j.CreatedAt.After(all[9].CreatedAt.Time) })},
			{"updated after", store.JobFilter{UpdatedAfter: mark.Time}, []string{touched.ID}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, more, err := st.ListJobs(ctx, a.ID, c.filter, hub.Page{Limit: 50})
				if err != nil || more || !reflect.DeepEqual(ids(got), c.want) {
					t.Fatalf("got %v more=%v err=%v, want %v", ids(got), more, err, c.want)
				}
			})
		}
		t.Run("pages by id", func(t *testing.T) {
			var seen []string
			page := hub.Page{Limit: 5}
			for {
				got, more, err := st.ListJobs(ctx, a.ID, store.JobFilter{}, page)
				if err != nil {
					t.Fatal(err)
				}
				seen = append(seen, ids(got)...)
				if !more {
					break
				}
				if len(got) != 5 {
					t.Fatalf("short page with more: %d", len(got))
				}
				page.After = got[len(got)-1].ID
			}
			if want := newestFirst(func(int, hub.Job) bool { return true }); !reflect.DeepEqual(seen, want) {
				t.Fatalf("walk %v, want %v", seen, want)
			}
		})
		t.Run("NUL in the external id filter is invalid, not a database error", func(t *testing.T) {
			_, _, err := st.ListJobs(ctx, a.ID, store.JobFilter{ExternalID: "E\x001"}, hub.Page{Limit: 5})
			if hub.ErrorCode(err) != hub.EInvalid {
				t.Fatalf("err = %v", err)
			}
		})
		t.Run("other account sees only its own", func(t *testing.T) {
			got, _, err := st.ListJobs(ctx, b.ID, store.JobFilter{}, hub.Page{Limit: 50})
			if err != nil || len(got) != 1 || got[0].Title != "Other account" {
				t.Fatalf("got %+v %v", got, err)
			}
		})
	})
}
