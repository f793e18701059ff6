package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

func idsOf(cs []hub.Candidate) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// walk pages through a list with the given page size and returns every ID
// in the order seen.
func walk(t *testing.T, st *store.Store, accountID string, f store.CandidateFilter, size int) []string {
	t.Helper()
	var ids []string
	page := hub.Page{Limit: size}
	for range 10_000 {
		cs, more, err := st.ListCandidates(context.Background(), accountID, f, page)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, idsOf(cs)...)
		if !more {
			return ids
		}
		page.After = cs[len(cs)-1].ID
	}
	t.Fatal("the walk does not end")
	return nil
}

func TestListCandidatesFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newCandFixture(t, st)
		job2 := insertJob(t, st, f.acct)
		// Creation times an hour back, a minute apart, so the time filters
		// have clear answers; the update below happens now.
		base := time.Now().Add(-time.Hour)
		n := 0
		add := func(job *string, status, email string) hub.Candidate {
			t.Helper()
			c := hub.Candidate{FullName: "C " + status, JobID: job, Status: status,
				CreatedAt: hub.TimeOf(base.Add(time.Duration(n) * time.Minute))}
			n++
			if email != "" {
				c.Email = &email
			}
			out, err := st.CreateCandidate(ctx, f.acct, c)
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		a := add(&f.job, hub.CandNew, "ann@example.com")
		b := add(&f.job, hub.CandInterested, "")
		c := add(&job2, hub.CandInterested, "Bob@Example.com")
		d := add(nil, hub.CandNew, "")
		// The other account's candidate must never show up.
		if _, err := st.CreateCandidate(ctx, f.other, hub.Candidate{FullName: "X", Email: ptr("ann@example.com"), JobID: &f.otherJb}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.UpdateCandidate(ctx, f.acct, a.ID, func(c *hub.Candidate) error { c.Tags = []string{"x"}; return nil }); err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			name string
			f    store.CandidateFilter
			want []string
		}{
			{"none", store.CandidateFilter{}, []string{d.ID, c.ID, b.ID, a.ID}},
			{"job", store.CandidateFilter{JobID: f.job}, []string{b.ID, a.ID}},
			{"status", store.CandidateFilter{Status: hub.CandInterested}, []string{c.ID, b.ID}},
			{"job and status", store.CandidateFilter{JobID: f.job, Status: hub.CandInterested}, []string{b.ID}},
			{"email any case", store.CandidateFilter{Email: " BOB@example.COM"}, []string{c.ID}},
			{"email", store.CandidateFilter{Email: "ann@example.com"}, []string{a.ID}},
			{"created after", store.CandidateFilter{CreatedAfter: b.CreatedAt.Time}, []string{d.ID, c.ID}},
			{"created after is exclusive", store.CandidateFilter{CreatedAfter: d.CreatedAt.Time}, []string{}},
			{"updated after", store.CandidateFilter{UpdatedAfter: base.Add(10 * time.Minute)}, []string{a.ID}},
			{"filters combine", store.CandidateFilter{Status: hub.CandInterested, CreatedAfter: b.CreatedAt.Time}, []string{c.ID}},
			{"other account's job", store.CandidateFilter{JobID: f.otherJb}, []string{}},
			{"nothing matches", store.CandidateFilter{JobID: f.job, Status: hub.CandHired}, []string{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				for _, size := range []int{1, 2, 50} {
					got := walk(t, st, f.acct, tc.f, size)
					if fmt.Sprint(got) != fmt.Sprint(tc.want) {
						t.Fatalf("page size %d: got %v, want %v", size, got, tc.want)
					}
				}
			})
		}
		t.Run("bad email filter", func(t *testing.T) {
			_, _, err := st.ListCandidates(ctx, f.acct, store.CandidateFilter{Email: "nope"}, hub.Page{})
			wantCode(t, err, hub.EInvalid, "email")
		})
		t.Run("limit out of range takes the default", func(t *testing.T) {
			cs, more, err := st.ListCandidates(ctx, f.acct, store.CandidateFilter{}, hub.Page{Limit: 10_000})
			if err != nil || len(cs) != 4 || more {
				t.Fatalf("%d, %v, %v", len(cs), more, err)
			}
		})
	})
}

// TestListWalkUnderConcurrentWrites walks the list while other goroutines
// insert and update candidates: every candidate that existed when the walk
// began is seen exactly once.
func TestListWalkUnderConcurrentWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newCandFixture(t, st)
		var existing []string
		for i := range 60 {
			c, err := st.CreateCandidate(ctx, f.acct, hub.Candidate{FullName: fmt.Sprint("C", i), JobID: &f.job})
			if err != nil {
				t.Fatal(err)
			}
			existing = append(existing, c.ID)
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		errs := make(chan error, 2)
		wg.Add(2)
		go func() { // inserts
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := st.CreateCandidate(ctx, f.acct, hub.Candidate{FullName: fmt.Sprint("New", i)}); err != nil {
					errs <- err
					return
				}
			}
		}()
		go func() { // updates, including status changes
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := existing[i%len(existing)]
				_, err := st.UpdateCandidate(ctx, f.acct, id, func(c *hub.Candidate) error {
					c.Tags = []string{fmt.Sprint("t", i)}
					c.Status = hub.CandidateStatuses[i%len(hub.CandidateStatuses)]
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
		seen := map[string]int{}
		page := hub.Page{Limit: 7}
		for {
			cs, more, err := st.ListCandidates(ctx, f.acct, store.CandidateFilter{}, page)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				seen[c.ID]++
			}
			if !more {
				break
			}
			page.After = cs[len(cs)-1].ID
		}
		close(stop)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("%s seen %d times", id, n)
			}
		}
		for _, id := range existing {
			if seen[id] != 1 {
				t.Errorf("%s was skipped", id)
			}
		}
	})
}

// TestCandidateListUsesIndexes checks on SQLite, whose planner is
// deterministic without statistics, that each equality filter is answered
// by walking an index in id order: no full scan and no sort of the
// account's rows.
func TestCandidateListUsesIndexes(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	after := hub.NewID(hub.PrefixCand)
	job := hub.NewID(hub.PrefixJob)
	for _, tc := range []struct {
		name  string
		f     store.CandidateFilter
		index string
	}{
		{"none", store.CandidateFilter{}, "candidates_account"},
		{"job", store.CandidateFilter{JobID: job}, "candidates_account_job"},
		{"status", store.CandidateFilter{Status: hub.CandInterested}, "candidates_account_status"},
		{"job and status", store.CandidateFilter{JobID: job, Status: hub.CandInterested}, "candidates_account_job_status"},
		{"email", store.CandidateFilter{Email: "a@b.co"}, "candidates_account_email"},
		{"linkedin", store.CandidateFilter{LinkedInURL: "linkedin.com/in/amara"}, "candidates_account_linkedin"},
	} {
		for _, page := range []hub.Page{{Limit: 50}, {Limit: 50, After: after}} {
			t.Run(fmt.Sprintf("%s after=%v", tc.name, page.After != ""), func(t *testing.T) {
				q, args, err := store.CandidateListSQL(st, "acct_x", tc.f, page)
				if err != nil {
					t.Fatal(err)
				}
				rows, err := st.DB().Query("EXPLAIN QUERY PLAN "+q, args...)
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				var plan []string
				for rows.Next() {
					var id, parent, notused int
					var detail string
					if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
						t.Fatal(err)
					}
					plan = append(plan, detail)
				}
				text := strings.Join(plan, "; ")
				if !strings.Contains(text, "USING INDEX "+tc.index+" ") || strings.Contains(text, "TEMP B-TREE") {
					t.Fatalf("plan %q; want a walk of %s without a sort", text, tc.index)
				}
			})
		}
	}
}
