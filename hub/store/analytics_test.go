package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

// funnelWorld is a hand-built account whose funnel and time series are
// worked out by hand in the comments below; D0 is 2025-03-10 00:00 UTC.
type funnelWorld struct {
	a, b           hub.Account
	j1, j2, j3, j4 string // j3 has no candidates; j4 was sourced before D0
	jb             string // account b's job
}

var funnelD0 = time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)

func funnelDay(n int) time.Time { return funnelD0.AddDate(0, 0, n) }

func seedFunnel(t *testing.T, st *store.Store) funnelWorld {
	t.Helper()
	ctx := context.Background()
	var w funnelWorld
	w.a, _ = st.CreateAccount(ctx, "Acme")
	w.b, _ = st.CreateAccount(ctx, "Globex")
	job := func(acct, title string) string {
		id := hub.NewID(hub.PrefixJob)
		_, err := st.DB().Exec(st.DB().Rebind(`INSERT INTO jobs (id, account_id, title, status, created_at, updated_at)
			VALUES (?, ?, ?, 'open', ?, ?)`), id, acct, title, funnelDay(-30).UnixMilli(), funnelDay(-30).UnixMilli())
		if err != nil {
			t.Fatalf("insert job: %v", err)
		}
		return id
	}
	w.j1, w.j2, w.j3, w.j4 = job(w.a.ID, "Backend Engineer"), job(w.a.ID, "Product Designer"), job(w.a.ID, "Empty"), job(w.a.ID, "Old")
	w.jb = job(w.b.ID, "Globex job")
	cand := func(acct, jobID, status string, created time.Time, wait time.Duration) {
		var job, interested any
		if jobID != "" {
			job = jobID
		}
		if wait >= 0 {
			interested = created.Add(wait).UnixMilli()
		}
		_, err := st.DB().Exec(st.DB().Rebind(`INSERT INTO candidates (id, account_id, job_id, full_name, status, interested_at, created_at, updated_at)
			VALUES (?, ?, ?, 'Someone', ?, ?, ?, ?)`), hub.NewID(hub.PrefixCand), acct, job, status, interested, created.UnixMilli(), created.UnixMilli())
		if err != nil {
			t.Fatalf("insert candidate: %v", err)
		}
	}
	const never = -1
	h := time.Hour
	// j1: six candidates, one per status; four reached interest with waits
	// 10h, 20h, 40h, 2h. Interested days: D0 12:00, D0 23:00, D3 16:00, D2 07:00.
	cand(w.a.ID, w.j1, hub.CandNew, funnelDay(0).Add(1*h), never)
	cand(w.a.ID, w.j1, hub.CandInterested, funnelDay(0).Add(2*h), 10*h)
	cand(w.a.ID, w.j1, hub.CandHired, funnelDay(0).Add(3*h), 20*h)
	cand(w.a.ID, w.j1, hub.CandRejected, funnelDay(2).Add(-time.Millisecond), 40*h) // D1 23:59:59.999
	cand(w.a.ID, w.j1, hub.CandNotInterest, funnelDay(2), never)                    // D2 00:00:00.000
	cand(w.a.ID, w.j1, hub.CandContacted, funnelDay(2).Add(5*h), 2*h)
	// j2: three interested (waits 1h, 2h, 6h, all on D0) and one new on D1.
	cand(w.a.ID, w.j2, hub.CandInterested, funnelDay(0).Add(4*h), 1*h)
	cand(w.a.ID, w.j2, hub.CandInterested, funnelDay(0).Add(5*h), 2*h)
	cand(w.a.ID, w.j2, hub.CandInterested, funnelDay(0).Add(6*h), 6*h)
	cand(w.a.ID, w.j2, hub.CandNew, funnelDay(1).Add(6*h), never)
	// j4: sourced D-5 08:00, interested D1 08:00 (144h).
	cand(w.a.ID, w.j4, hub.CandInterested, funnelDay(-5).Add(8*h), 144*h)
	// No job: one new candidate on D1.
	cand(w.a.ID, "", hub.CandNew, funnelDay(1).Add(10*h), never)
	// Account b: its own job, and (pathologically) a.j1; neither may count for a.
	cand(w.b.ID, w.jb, hub.CandInterested, funnelDay(0).Add(1*h), 1*h)
	cand(w.b.ID, w.j1, hub.CandInterested, funnelDay(0).Add(1*h), 1*h)
	return w
}

func anStr(s string) *string     { return &s }
func anFloat(f float64) *float64 { return &f }

func TestFunnel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := seedFunnel(t, st)
		row := func(id, title string, total int64, by hub.StatusCounts, reached int64, rate, avg, med *float64) hub.FunnelRow {
			r := hub.FunnelRow{Total: total, ByStatus: by, ReachedInterest: reached, InterestedRate: rate,
				AvgHoursToInterested: avg, MedianHoursToInterested: med}
			if id != "" {
				r.JobID, r.JobTitle = anStr(id), anStr(title)
			}
			return r
		}
		all := hub.StatusCounts{New: 1, Interested: 1, Contacted: 1, NotInterested: 1, Hired: 1, Rejected: 1}
		// j1 whole: 4 of 6 reached interest = 0.6667; waits 2,10,20,40 → avg 18, median (10+20)/2 = 15.
		j1All := row(w.j1, "Backend Engineer", 6, all, 4, anFloat(0.6667), anFloat(18), anFloat(15))
		// j2: 3 of 4 = 0.75; waits 1,2,6 → avg 3, median 2.
		j2All := row(w.j2, "Product Designer", 4, hub.StatusCounts{New: 1, Interested: 3}, 3, anFloat(0.75), anFloat(3), anFloat(2))
		j3Zero := row(w.j3, "Empty", 0, hub.StatusCounts{}, 0, nil, nil, nil)
		j4All := row(w.j4, "Old", 1, hub.StatusCounts{Interested: 1}, 1, anFloat(1), anFloat(144), anFloat(144))
		noJob := row("", "", 1, hub.StatusCounts{New: 1}, 0, anFloat(0), nil, nil)
		// j1 created in [D0, D2): the first four; waits 10,20,40 → 3 of 4, avg 23.33, median 20.
		j1Early := row(w.j1, "Backend Engineer", 4, hub.StatusCounts{New: 1, Interested: 1, Hired: 1, Rejected: 1}, 3, anFloat(0.75), anFloat(23.33), anFloat(20))
		// j1 created from D2 on: not_interested and contacted (wait 2h).
		j1Late := row(w.j1, "Backend Engineer", 2, hub.StatusCounts{Contacted: 1, NotInterested: 1}, 1, anFloat(0.5), anFloat(2), anFloat(2))

		cases := []struct {
			name string
			q    hub.FunnelQuery
			want []hub.FunnelRow // newest job first, the job-less row last
		}{
			{"no range lists every job", hub.FunnelQuery{}, []hub.FunnelRow{j4All, j3Zero, j2All, j1All, noJob}},
			{"range keeps jobs with candidates in it", hub.FunnelQuery{Range: hub.Range{From: funnelDay(0), To: funnelDay(2)}},
				[]hub.FunnelRow{j2All, j1Early, noJob}},
			{"open-ended range", hub.FunnelQuery{Range: hub.Range{From: funnelDay(2)}}, []hub.FunnelRow{j1Late}},
			{"to only", hub.FunnelQuery{Range: hub.Range{To: funnelDay(0)}}, []hub.FunnelRow{j4All}},
			{"one job", hub.FunnelQuery{JobID: w.j1, Range: hub.Range{From: funnelDay(0), To: funnelDay(2)}}, []hub.FunnelRow{j1Early}},
			{"a named job without candidates is zeros", hub.FunnelQuery{JobID: w.j3, Range: hub.Range{From: funnelDay(0), To: funnelDay(2)}},
				[]hub.FunnelRow{j3Zero}},
			{"empty range", hub.FunnelQuery{Range: hub.Range{From: funnelDay(10), To: funnelDay(11)}}, []hub.FunnelRow{}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got, err := st.Funnel(ctx, w.a.ID, tc.q)
				if err != nil {
					t.Fatal(err)
				}
				g, _ := json.Marshal(got)
				x, _ := json.Marshal(tc.want)
				if string(g) != string(x) {
					t.Fatalf("got\n%s\nwant\n%s", g, x)
				}
			})
		}
		t.Run("other account sees only its own", func(t *testing.T) {
			got, err := st.Funnel(ctx, w.b.ID, hub.FunnelQuery{})
			if err != nil {
				t.Fatal(err)
			}
			// b's candidate on a's job shows under that job's ID but never
			// with a's title; b's own job has its one candidate.
			if len(got) != 2 || got[0].JobID == nil || *got[0].JobID != w.jb || got[0].Total != 1 ||
				got[1].JobID == nil || *got[1].JobID != w.j1 || got[1].JobTitle != nil || got[1].Total != 1 {
				g, _ := json.Marshal(got)
				t.Fatalf("account b funnel: %s", g)
			}
		})
		t.Run("job title is per account", func(t *testing.T) {
			if title, err := st.JobTitle(ctx, w.a.ID, w.j1); err != nil || title != "Backend Engineer" {
				t.Fatalf("%q %v", title, err)
			}
			if _, err := st.JobTitle(ctx, w.a.ID, w.jb); hub.ErrorCode(err) != hub.ENotFound {
				t.Fatalf("other account's job: %v", err)
			}
		})
	})
}

func TestSeries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := seedFunnel(t, st)
		type pt struct {
			job                 string
			sourced, interested int64
		}
		dates := []string{"2025-03-10", "2025-03-11", "2025-03-12"}
		flat := func(series ...[]pt) []hub.SeriesPoint {
			out := []hub.SeriesPoint{}
			titles := map[string]string{w.j1: "Backend Engineer", w.j2: "Product Designer", w.j3: "Empty", w.j4: "Old"}
			for _, s := range series {
				for i, p := range s {
					point := hub.SeriesPoint{Date: dates[i], Sourced: p.sourced, Interested: p.interested}
					if p.job != "" {
						id, title := p.job, titles[p.job]
						point.JobID, point.JobTitle = &id, &title
					}
					out = append(out, point)
				}
			}
			return out
		}
		// Sourced by created_at day; interested by interested_at day (see
		// seedFunnel). j1's D1 23:59:59.999 candidate is D1, its D2
		// 00:00:00.000 one is D2; the 40h wait lands on D3, outside.
		j1 := []pt{{w.j1, 3, 2}, {w.j1, 1, 0}, {w.j1, 2, 1}}
		j2 := []pt{{w.j2, 3, 3}, {w.j2, 1, 0}, {w.j2, 0, 0}}
		j3 := []pt{{w.j3, 0, 0}, {w.j3, 0, 0}, {w.j3, 0, 0}}
		j4 := []pt{{w.j4, 0, 0}, {w.j4, 0, 1}, {w.j4, 0, 0}} // interest only
		none := []pt{{"", 0, 0}, {"", 1, 0}, {"", 0, 0}}
		three := hub.Range{From: funnelDay(0), To: funnelDay(3)}
		cases := []struct {
			name string
			q    hub.SeriesQuery
			want []hub.SeriesPoint
		}{
			{"every active job, zero-filled", hub.SeriesQuery{Range: three}, flat(j4, j2, j1, none)},
			{"one job", hub.SeriesQuery{Range: three, JobID: w.j1}, flat(j1)},
			{"an idle job named is all zeros", hub.SeriesQuery{Range: three, JobID: w.j3}, flat(j3)},
			{"day boundary: D1 ends at 23:59:59.999", hub.SeriesQuery{Range: hub.Range{From: funnelDay(1), To: funnelDay(2)}, JobID: w.j1},
				[]hub.SeriesPoint{{Date: "2025-03-11", JobID: anStr(w.j1), JobTitle: anStr("Backend Engineer"), Sourced: 1}}},
			{"partial days count only the range", hub.SeriesQuery{Range: hub.Range{From: funnelDay(0).Add(12 * time.Hour), To: funnelDay(1).Add(12 * time.Hour)}, JobID: w.j1},
				flat([]pt{{w.j1, 0, 2}, {w.j1, 0, 0}})},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got, err := st.Series(ctx, w.a.ID, tc.q)
				if err != nil {
					t.Fatal(err)
				}
				g, _ := json.Marshal(got)
				x, _ := json.Marshal(tc.want)
				if string(g) != string(x) {
					t.Fatalf("got\n%s\nwant\n%s", g, x)
				}
			})
		}
		t.Run("other account's activity is not counted", func(t *testing.T) {
			got, err := st.Series(ctx, w.b.ID, hub.SeriesQuery{Range: three})
			if err != nil {
				t.Fatal(err)
			}
			var sourced, interested int64
			for _, p := range got {
				sourced += p.Sourced
				interested += p.Interested
			}
			if len(got) != 6 || sourced != 2 || interested != 2 {
				g, _ := json.Marshal(got)
				t.Fatalf("account b series: %s", g)
			}
		})
	})
}
