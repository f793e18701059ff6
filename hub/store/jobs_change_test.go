package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

func TestUpdateJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, b := jobAccounts(t, st)
		j, err := st.CreateJob(ctx, a.ID, hub.Job{Title: "Designer", ExternalID: jobStrp("D-1"), Location: jobStrp("Berlin")})
		if err != nil {
			t.Fatal(err)
		}
		other, err := st.CreateJob(ctx, a.ID, hub.Job{Title: "Other", ExternalID: jobStrp("D-2")})
		if err != nil {
			t.Fatal(err)
		}
		t.Run("change writes job.updated with the new job", func(t *testing.T) {
			from := len(jobEvents(t, st, a.ID))
			got, err := st.UpdateJob(ctx, a.ID, j.ID, func(j *hub.Job) error {
				j.Title, j.Location, j.HiringManager = "Senior Designer", nil, &hub.Person{Name: jobStrp("Ada"), Email: jobStrp("ada@example.com")}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if got.Title != "Senior Designer" || got.Location != nil || got.UpdatedAt.Before(j.UpdatedAt.Time) || !got.CreatedAt.Equal(j.CreatedAt.Time) {
				t.Fatalf("updated %+v", got)
			}
			read, _ := st.GetJob(ctx, a.ID, j.ID)
			if !jobSameJSON(jobMustJSON(read), jobMustJSON(got)) {
				t.Fatalf("read back %+v, want %+v", read, got)
			}
			wantJobEvents(t, st, a.ID, from, got, hub.EventJobUpdated)
			j = got
		})
		t.Run("no change writes nothing", func(t *testing.T) {
			from := len(jobEvents(t, st, a.ID))
			got, err := st.UpdateJob(ctx, a.ID, j.ID, func(j *hub.Job) error { j.Title = "Senior Designer"; return nil })
			if err != nil || !got.UpdatedAt.Equal(j.UpdatedAt.Time) {
				t.Fatalf("no-op update: %+v %v", got, err)
			}
			wantJobEvents(t, st, a.ID, from, got)
		})
		t.Run("apply cannot change id, account or created_at", func(t *testing.T) {
			got, err := st.UpdateJob(ctx, a.ID, j.ID, func(x *hub.Job) error {
				x.ID, x.AccountID, x.CreatedAt = hub.NewID(hub.PrefixJob), b.ID, hub.TimeOf(time.Unix(0, 0))
				return nil
			})
			if err != nil || got.ID != j.ID || got.AccountID != a.ID || !got.CreatedAt.Equal(j.CreatedAt.Time) {
				t.Fatalf("got %+v %v", got, err)
			}
		})
		t.Run("closing writes job.updated and job.closed once", func(t *testing.T) {
			from := len(jobEvents(t, st, a.ID))
			closeJob := func(x *hub.Job) error { x.Status = hub.JobClosed; return nil }
			got, err := st.UpdateJob(ctx, a.ID, j.ID, closeJob)
			if err != nil || got.Status != hub.JobClosed {
				t.Fatalf("close: %+v %v", got, err)
			}
			wantJobEvents(t, st, a.ID, from, got, hub.EventJobUpdated, hub.EventJobClosed)
			again, err := st.UpdateJob(ctx, a.ID, j.ID, closeJob)
			if err != nil || !again.UpdatedAt.Equal(got.UpdatedAt.Time) {
				t.Fatalf("second close: %+v %v", again, err)
			}
			wantJobEvents(t, st, a.ID, from, got, hub.EventJobUpdated, hub.EventJobClosed)
		})
		failures := []struct {
			name    string
			account string
			id      string
			apply   func(*hub.Job) error
			code    hub.Code
		}{
			{"apply error aborts", a.ID, j.ID, func(x *hub.Job) error { x.Title = "Changed"; return hub.Errorf(hub.EInvalid, "no") }, hub.EInvalid},
			{"taken external id", a.ID, j.ID, func(x *hub.Job) error { x.ExternalID = other.ExternalID; return nil }, hub.EConflict},
			{"empty title", a.ID, j.ID, func(x *hub.Job) error { x.Title = ""; return nil }, hub.EInvalid},
			{"bad status", a.ID, j.ID, func(x *hub.Job) error { x.Status = "done"; return nil }, hub.EInvalid},
			{"other account", b.ID, j.ID, func(x *hub.Job) error { x.Title = "Stolen"; return nil }, hub.ENotFound},
			{"unknown id", a.ID, hub.NewID(hub.PrefixJob), func(x *hub.Job) error { x.Title = "Ghost"; return nil }, hub.ENotFound},
		}
		for _, c := range failures {
			t.Run(c.name, func(t *testing.T) {
				from := len(jobEvents(t, st, a.ID))
				before, _ := st.GetJob(ctx, a.ID, j.ID)
				if _, err := st.UpdateJob(ctx, c.account, c.id, c.apply); hub.ErrorCode(err) != c.code {
					t.Fatalf("err = %v, want %s", err, c.code)
				}
				after, _ := st.GetJob(ctx, a.ID, j.ID)
				if !jobSameJSON(jobMustJSON(before), jobMustJSON(after)) {
					t.Fatalf("job changed: %+v → %+v", before, after)
				}
				wantJobEvents(t, st, a.ID, from, j)
			})
		}
		t.Run("clearing the external id frees it", func(t *testing.T) {
			if _, err := st.UpdateJob(ctx, a.ID, other.ID, func(x *hub.Job) error { x.ExternalID = nil; return nil }); err != nil {
				t.Fatal(err)
			}
			if _, err := st.UpdateJob(ctx, a.ID, j.ID, func(x *hub.Job) error { x.ExternalID = jobStrp("D-2"); return nil }); err != nil {
				t.Fatal(err)
			}
		})
	})
}

func TestConcurrentJobUpdatesKeepEveryChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, _ := jobAccounts(t, st)
		j, err := st.CreateJob(ctx, a.ID, hub.Job{Title: "Counter", Description: jobStrp("")})
		if err != nil {
			t.Fatal(err)
		}
		const n = 12
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for range n {
			wg.Go(func() {
				_, err := st.UpdateJob(ctx, a.ID, j.ID, func(x *hub.Job) error {
					d := *x.Description + "x"
					x.Description = &d
					return nil
				})
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		got, _ := st.GetJob(ctx, a.ID, j.ID)
		if len(*got.Description) != n {
			t.Fatalf("description %q: updates were lost", *got.Description)
		}
		if evs := jobEvents(t, st, a.ID); len(evs) != n+1 {
			t.Fatalf("%d events, want %d", len(evs), n+1)
		}
	})
}

func jobMustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func TestUpsertJobByExternalID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, b := jobAccounts(t, st)
		set := func(title, status string) func(*hub.Job) error {
			return func(j *hub.Job) error {
				j.Title, j.Status, j.ExternalID = title, status, jobStrp("ignored")
				return nil
			}
		}
		j, created, err := st.UpsertJobByExternalID(ctx, a.ID, "ATS-1", set("Analyst", hub.JobOpen))
		if err != nil || !created || j.Title != "Analyst" || j.ExternalID == nil || *j.ExternalID != "ATS-1" {
			t.Fatalf("create: %+v %v %v", j, created, err)
		}
		wantJobEvents(t, st, a.ID, 0, j, hub.EventJobCreated)
		t.Run("same content changes nothing", func(t *testing.T) {
			got, created, err := st.UpsertJobByExternalID(ctx, a.ID, "ATS-1", set("Analyst", hub.JobOpen))
			if err != nil || created || got.ID != j.ID || !got.UpdatedAt.Equal(j.UpdatedAt.Time) {
				t.Fatalf("%+v %v %v", got, created, err)
			}
			wantJobEvents(t, st, a.ID, 0, j, hub.EventJobCreated)
		})
		t.Run("change updates, close also announces closing", func(t *testing.T) {
			got, created, err := st.UpsertJobByExternalID(ctx, a.ID, "ATS-1", set("Lead Analyst", hub.JobClosed))
			if err != nil || created || got.ID != j.ID || got.Title != "Lead Analyst" || *got.ExternalID != "ATS-1" {
				t.Fatalf("%+v %v %v", got, created, err)
			}
			wantJobEvents(t, st, a.ID, 1, got, hub.EventJobUpdated, hub.EventJobClosed)
		})
		t.Run("other account gets its own job", func(t *testing.T) {
			got, created, err := st.UpsertJobByExternalID(ctx, b.ID, "ATS-1", set("Theirs", hub.JobOpen))
			if err != nil || !created || got.ID == j.ID {
				t.Fatalf("%+v %v %v", got, created, err)
			}
		})
		t.Run("invalid content writes nothing", func(t *testing.T) {
			from := len(jobEvents(t, st, a.ID))
			if _, _, err := st.UpsertJobByExternalID(ctx, a.ID, "ATS-2", set("", hub.JobOpen)); hub.ErrorCode(err) != hub.EInvalid {
				t.Fatalf("err = %v", err)
			}
			for _, ext := range []string{"", "A\x00B", "\xff"} {
				if _, _, err := st.UpsertJobByExternalID(ctx, a.ID, ext, set("x", hub.JobOpen)); hub.ErrorCode(err) != hub.EInvalid {
					t.Fatalf("external id %q: %v", ext, err)
				}
			}
			boom := errors.New("boom")
			if _, _, err := st.UpsertJobByExternalID(ctx, a.ID, "ATS-3", func(*hub.Job) error { return boom }); !errors.Is(err, boom) {
				t.Fatalf("apply error: %v", err)
			}
			if got := jobEvents(t, st, a.ID); len(got) != from {
				t.Fatalf("events %d → %d", from, len(got))
			}
			if jobs, _, _ := st.ListJobs(ctx, a.ID, store.JobFilter{}, hub.Page{Limit: 50}); len(jobs) != 1 {
				t.Fatalf("%d jobs, want 1", len(jobs))
			}
		})
	})
}

func TestConcurrentUpsertsCreateOneJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, _ := jobAccounts(t, st)
		const n = 16
		start := make(chan struct{})
		type result struct {
			job     hub.Job
			created bool
			err     error
		}
		results := make(chan result, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-start
				j, created, err := st.UpsertJobByExternalID(ctx, a.ID, "RACE-1", func(j *hub.Job) error {
					j.Title = fmt.Sprintf("Title %d", i%2)
					return nil
				})
				results <- result{j, created, err}
			})
		}
		close(start)
		wg.Wait()
		close(results)
		createdN, id := 0, ""
		for r := range results {
			if r.err != nil {
				t.Fatal(r.err)
			}
			if r.created {
				createdN++
			}
			if id == "" {
				id = r.job.ID
			}
			if r.job.ID != id {
				t.Fatalf("two jobs: %s and %s", id, r.job.ID)
			}
		}
		jobs, _, err := st.ListJobs(ctx, a.ID, store.JobFilter{}, hub.Page{Limit: 50})
		if err != nil || createdN != 1 || len(jobs) != 1 {
			t.Fatalf("created %d times, %d jobs stored (%v)", createdN, len(jobs), err)
		}
		creates := 0
		for _, ev := range jobEvents(t, st, a.ID) {
			if ev.Type == hub.EventJobCreated {
				creates++
			}
		}
		if creates != 1 {
			t.Fatalf("%d job.created events", creates)
		}
	})
}
