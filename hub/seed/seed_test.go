package seed_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/resume"
	"github.com/visage-jobs/visage-hub/hub/seed"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/pgtest"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
	"github.com/visage-jobs/visage-hub/schemas"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func allCandidates(t *testing.T, st *store.Store, acct string) []hub.Candidate {
	t.Helper()
	var out []hub.Candidate
	page := hub.Page{Limit: hub.MaxPageLimit}
	for {
		cs, more, err := st.ListCandidates(context.Background(), acct, store.CandidateFilter{}, page)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, cs...)
		if !more {
			return out
		}
		page.After = cs[len(cs)-1].ID
	}
}

func TestSeedFillsAnAccountWithValidData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		acct, err := st.CreateAccount(ctx, "Demo")
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
		res, err := seed.Run(ctx, st, acct.ID, seed.Options{Jobs: 5, Candidates: 120, Seed: 7, Now: now})
		if err != nil {
			t.Fatalf("seed: %v", err)
		}
		if res.Jobs != 5 || res.Candidates != 120 {
			t.Fatalf("result %+v, want 5 jobs and 120 candidates", res)
		}
		if res.Resumes == 0 || res.Resumes == res.Candidates {
			t.Errorf("%d of %d candidates have a resume; want some but not all", res.Resumes, res.Candidates)
		}
		jobs, _, err := st.ListJobs(ctx, acct.ID, store.JobFilter{}, hub.Page{Limit: 50})
		if err != nil || len(jobs) != 5 {
			t.Fatalf("jobs in the store: %d, %v", len(jobs), err)
		}
		for _, j := range jobs {
			if err := schemas.ValidateValue("job", j); err != nil {
				t.Errorf("job %s does not match job.json: %v", j.ID, err)
			}
		}
		cands := allCandidates(t, st, acct.ID)
		if len(cands) != 120 {
			t.Fatalf("%d candidates stored, want 120", len(cands))
		}
		byStatus := map[string]int{}
		withResume := 0
		emails := map[string]bool{}
		for _, c := range cands {
			byStatus[c.Status]++
			if c.Email == nil || emails[*c.Email] {
				t.Errorf("candidate %s has a missing or repeated email %v", c.ID, c.Email)
			} else {
				emails[*c.Email] = true
			}
			if len(c.Experience) == 0 || len(c.Education) == 0 || len(c.Skills) == 0 {
				t.Errorf("candidate %s lacks a profile: %+v", c.ID, c)
			}
			if c.CreatedAt.After(now) || c.CreatedAt.Before(now.Add(-31*24*time.Hour)) {
				t.Errorf("candidate %s created at %v, outside the last 30 days before %v", c.ID, c.CreatedAt, now)
			}
			if c.Resume != nil {
				withResume++
				r, err := st.GetResume(ctx, acct.ID, c.ID)
				if err != nil {
					t.Fatalf("resume of %s: %v", c.ID, err)
				}
				if k, err := resume.Detect(r.Data); err != nil || r.ContentType != "application/pdf" {
					t.Errorf("resume of %s is %v (%v), %s; want a PDF", c.ID, k, err, r.ContentType)
				}
			}
			c.Resume = nil // its URL is added by the HTTP layer
			b, _ := json.Marshal(c)
			if err := schemas.Validate("candidate", b); err != nil {
				t.Errorf("candidate %s does not match candidate.json: %v", c.ID, err)
			}
		}
		if withResume != res.Resumes {
			t.Errorf("%d candidates have a resume, the result says %d", withResume, res.Resumes)
		}
		for status, n := range res.ByStatus {
			if byStatus[status] != n {
				t.Errorf("status %s: %d stored, result says %d", status, byStatus[status], n)
			}
		}
		if byStatus[hub.CandNew] == 0 || byStatus[hub.CandInterested] == 0 {
			t.Errorf("the funnel has no new or no interested candidates: %v", byStatus)
		}
		if res.Moved == 0 {
			t.Error("no candidate moved status after creation, so status triggers have no events")
		}
		events, _, err := st.ListEvents(ctx, acct.ID, store.EventFilter{Type: hub.EventCandidateStatusChanged}, hub.Page{Limit: 200})
		if err != nil || len(events) != res.Moved {
			t.Errorf("%d status_changed events (%v), want %d", len(events), err, res.Moved)
		}
	})
}

func TestSeedIsRepeatableForASeed(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	names := func(seedValue int64) []string {
		acct, err := st.CreateAccount(ctx, "Demo")
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
		if _, err := seed.Run(ctx, st, acct.ID, seed.Options{Jobs: 2, Candidates: 10, Seed: seedValue, Now: now}); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range allCandidates(t, st, acct.ID) {
			out = append(out, c.FullName+" "+*c.Email)
		}
		return out
	}
	a, b, c := names(1), names(1), names(2)
	if len(a) != 10 || len(b) != 10 {
		t.Fatalf("got %d and %d candidates", len(a), len(b))
	}
	same := func(x, y []string) bool {
		m := map[string]bool{}
		for _, s := range x {
			m[s] = true
		}
		for _, s := range y {
			if !m[s] {
				return false
			}
		}
		return true
	}
	if !same(a, b) {
		t.Errorf("the same seed gave different people:\n%v\n%v", a, b)
	}
	if same(a, c) {
		t.Errorf("different seeds gave the same people: %v", a)
	}
}
