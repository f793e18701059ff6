package bench

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/loadgen"
	"github.com/visage-jobs/visage-hub/hub/store"
)

const benchCandidates = 100_000

// fillCandidates inserts n candidates spread over 20 jobs and all statuses
// with one multi-row INSERT per 500 rows: the fixture, not the thing
// measured. It returns one job ID to filter by.
func fillCandidates(b *testing.B, h *benchHub, n int) string {
	b.Helper()
	ctx := context.Background()
	db := h.st.DB()
	now := hub.Now()
	jobs := make([]string, 20)
	for i := range jobs {
		jobs[i] = hub.NewID(hub.PrefixJob)
		_, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO jobs (id, account_id, title, status, created_at, updated_at) VALUES (?, ?, ?, 'open', ?, ?)`),
			jobs[i], h.acct.ID, fmt.Sprintf("Job %d", i), now, now)
		if err != nil {
			b.Fatal(err)
		}
	}
	const batch = 500
	cols := `(id, account_id, job_id, first_name, last_name, full_name, email, status, skills, created_at, updated_at, interested_at)`
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	for start := 0; start < n; start += batch {
		var sb strings.Builder
		args := make([]any, 0, batch*12)
		sb.WriteString(`INSERT INTO candidates ` + cols + ` VALUES `)
		for i := start; i < start+batch && i < n; i++ {
			if i > start {
				sb.WriteString(",")
			}
			sb.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?)")
			status := hub.CandidateStatuses[i%len(hub.CandidateStatuses)]
			var interested any
			if status == hub.CandInterested {
				interested = now
			}
			args = append(args, hub.NewID(hub.PrefixCand), h.acct.ID, jobs[i%len(jobs)], "Ada", fmt.Sprintf("Lovelace %d", i),
				fmt.Sprintf("Ada Lovelace %d", i), fmt.Sprintf("ada%d@example.com", i), status, `["go","sql"]`, now, now, interested)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(sb.String()), args...); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if h.st.Dialect() == store.Postgres {
		if _, err := db.ExecContext(ctx, `ANALYZE candidates`); err != nil {
			b.Fatal(err)
		}
	}
	return jobs[0]
}

// BenchmarkCandidates measures the list endpoints with 100,000 candidates
// in one account, and the creation rate (each creation writes its outbox
// event in the same transaction). Goals (issue 3): the unfiltered list at
// least 2,000 req/s on PostgreSQL with p99 under 50 ms; the filtered list
// within 20% of the unfiltered one.
func BenchmarkCandidates(b *testing.B) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			h := startHub(b, d)
			job := fillCandidates(b, h, benchCandidates)
			auth := map[string]string{"Authorization": "Bearer " + h.key}
			const workers = 16

			list := h.load(b, loadgen.Request{Path: "/v1/candidates?limit=50", Header: auth}, workers)
			filtered := h.load(b, loadgen.Request{Path: "/v1/candidates?limit=50&status=interested&job_id=" + job, Header: auth}, workers)
			loadgen.Report(b, "list", list)
			loadgen.Report(b, "filtered", filtered)
			b.ReportMetric(filtered.RPS/list.RPS, "filtered/list")

			var n atomic.Int64
			create := h.loadNext(b, func(worker, i int) loadgen.Request {
				k := n.Add(1)
				body := fmt.Sprintf(`{"first_name":"Grace","last_name":"Hopper %d","email":"grace%d@example.com","job_id":%q}`, k, k, job)
				return loadgen.Request{Method: "POST", Path: "/v1/candidates", Body: []byte(body),
					Header: map[string]string{"Authorization": "Bearer " + h.key, "Content-Type": "application/json"}}
			}, 8)
			loadgen.Report(b, "create", create)
			var events int
			if err := h.st.DB().Get(&events, h.st.DB().Rebind(`SELECT COUNT(*) FROM events WHERE account_id = ? AND type = 'candidate.created'`), h.acct.ID); err != nil {
				b.Fatal(err)
			}
			if int64(events) < create.Requests {
				b.Fatalf("%d candidates created but only %d candidate.created events", create.Requests, events)
			}
			b.Logf("%s: list %.0f req/s (p99 %v), filtered %.0f req/s (p99 %v, %.0f%% of list), create %.0f/s with outbox events",
				d, list.RPS, list.P99, filtered.RPS, filtered.P99, 100*filtered.RPS/list.RPS, create.RPS)
		})
	}
}
