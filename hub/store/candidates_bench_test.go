package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

// benchCandidates is how many candidates the list benchmark's account has:
// enough that a filter answered by scanning would stand out clearly.
const benchCandidates = 100_000

// BenchmarkListCandidates reads the first page of an account with 100,000
// candidates over 20 jobs, unfiltered and with each filter. A filtered
// page should cost about what an unfiltered one does (the indexes end in
// id); one that scanned or sorted the account would be many times slower.
func BenchmarkListCandidates(b *testing.B) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			st := storetest.Open(b, d)
			ctx := context.Background()
			acct, err := st.CreateAccount(ctx, "Bench")
			if err != nil {
				b.Fatal(err)
			}
			jobs := make([]string, 20)
			for i := range jobs {
				jobs[i] = insertJob(b, st, acct.ID)
			}
			seedCandidates(b, st, acct.ID, jobs)
			if d == store.Postgres {
				if _, err := st.DB().Exec(`ANALYZE candidates`); err != nil {
					b.Fatal(err)
				}
			}
			for _, bc := range []struct {
				name string
				f    store.CandidateFilter
			}{
				{"unfiltered", store.CandidateFilter{}},
				{"job_id+status", store.CandidateFilter{JobID: jobs[7], Status: hub.CandInterested}},
				{"job_id", store.CandidateFilter{JobID: jobs[7]}},
				{"status", store.CandidateFilter{Status: hub.CandInterested}},
				{"email", store.CandidateFilter{Email: "person4242@example.com"}},
			} {
				b.Run(bc.name, func(b *testing.B) {
					for b.Loop() {
						cs, _, err := st.ListCandidates(ctx, acct.ID, bc.f, hub.Page{Limit: hub.DefaultPageLimit})
						if err != nil || len(cs) == 0 {
							b.Fatalf("%d candidates, %v", len(cs), err)
						}
					}
				})
			}
		})
	}
}

// seedCandidates inserts benchCandidates rows in large multi-row
// statements, in one transaction, with the columns a created candidate has.
func seedCandidates(b *testing.B, st *store.Store, accountID string, jobs []string) {
	b.Helper()
	tx, err := st.DB().Beginx()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	const batch = 500
	now := hub.Now()
	for start := 0; start < benchCandidates; start += batch {
		var (
			rows []string
			args []any
		)
		for i := start; i < start+batch; i++ {
			rows = append(rows, "(?, ?, ?, ?, ?, ?, ?, ?)")
			status := hub.CandidateStatuses[i%len(hub.CandidateStatuses)]
			args = append(args, hub.NewID(hub.PrefixCand), accountID, jobs[i%len(jobs)], fmt.Sprint("Person ", i),
				fmt.Sprintf("person%d@example.com", i), status, now, now)
		}
		_, err := tx.Exec(tx.Rebind(`INSERT INTO candidates (id, account_id, job_id, full_name, email, status, created_at, updated_at) VALUES `+
			strings.Join(rows, ", ")), args...)
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}
