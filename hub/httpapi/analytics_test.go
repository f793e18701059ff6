package httpapi_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
)

// analyticsFixture is a small account with known answers. D0 is
// 2025-03-10 00:00 UTC. Titles are chosen to stress CSV: one needs RFC 4180
// quoting, one would run as a spreadsheet formula.
type analyticsFixture struct {
	platform, formula, foreignJob string
	other                         hub.Account
}

func (e *env) seedAnalytics() analyticsFixture {
	e.t.Helper()
	ctx := context.Background()
	var f analyticsFixture
	var err error
	if f.other, err = e.st.CreateAccount(ctx, "Globex"); err != nil {
		e.t.Fatal(err)
	}
	d0 := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)
	job := func(acct, title string) string {
		id := hub.NewID(hub.PrefixJob)
		_, err := e.st.DB().Exec(e.st.DB().Rebind(`INSERT INTO jobs (id, account_id, title, status, created_at, updated_at)
			VALUES (?, ?, ?, 'open', ?, ?)`), id, acct, title, d0.UnixMilli(), d0.UnixMilli())
		if err != nil {
			e.t.Fatalf("insert job: %v", err)
		}
		return id
	}
	cand := func(acct, jobID, status string, created time.Time, wait time.Duration) {
		var interested any
		if wait > 0 {
			interested = created.Add(wait).UnixMilli()
		}
		_, err := e.st.DB().Exec(e.st.DB().Rebind(`INSERT INTO candidates (id, account_id, job_id, full_name, status, interested_at, created_at, updated_at)
			VALUES (?, ?, ?, 'Someone', ?, ?, ?, ?)`), hub.NewID(hub.PrefixCand), acct, jobID, status, interested, created.UnixMilli(), created.UnixMilli())
		if err != nil {
			e.t.Fatalf("insert candidate: %v", err)
		}
	}
	f.platform = job(e.acct.ID, `Engineer, "Platform"`)
	f.formula = job(e.acct.ID, `=HYPERLINK("http://evil.example","x")`)
	f.foreignJob = job(f.other.ID, "Globex job")
	// platform: interested after 3h (D0 13:00); new at D0 23:59:59.999;
	// hired at D1 00:00:00.000, interested after 6h (D1 06:00).
	cand(e.acct.ID, f.platform, hub.CandInterested, d0.Add(10*time.Hour), 3*time.Hour)
	cand(e.acct.ID, f.platform, hub.CandNew, d0.Add(24*time.Hour-time.Millisecond), 0)
	cand(e.acct.ID, f.platform, hub.CandHired, d0.Add(24*time.Hour), 6*time.Hour)
	// formula: one new candidate on D1 12:00.
	cand(e.acct.ID, f.formula, hub.CandNew, d0.Add(36*time.Hour), 0)
	// Another account, same days: never counted.
	cand(f.other.ID, f.foreignJob, hub.CandInterested, d0.Add(time.Hour), time.Hour)
	cand(f.other.ID, f.foreignJob, hub.CandNew, d0.Add(25*time.Hour), 0)
	return f
}

// readAnalyticsCSV checks the download headers and parses the body with
// encoding/csv, as a BI tool would.
func readAnalyticsCSV(t *testing.T, r resp, filename string) [][]string {
	t.Helper()
	r.status(http.StatusOK)
	if ct := r.h.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Fatalf("Content-Type %q", ct)
	}
	if cd := r.h.Get("Content-Disposition"); cd != `attachment; filename="`+filename+`"` {
		t.Fatalf("Content-Disposition %q", cd)
	}
	if !strings.Contains(string(r.body), "\r\n") {
		t.Fatalf("RFC 4180 wants CRLF line ends: %q", r.body)
	}
	records, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
	if err != nil {
		t.Fatalf("parse csv: %v\n%s", err, r.body)
	}
	return records
}

func sameCSVRecords(t *testing.T, got, want [][]string) {
	t.Helper()
	if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
		t.Fatalf("csv\n%q\nwant\n%q", got, want)
	}
}

func TestFunnelAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key, _ := e.key("bi")
		f := e.seedAnalytics()
		const rng = "?from=2025-03-10&to=2025-03-12"
		formulaTitle := `=HYPERLINK("http://evil.example","x")`

		t.Run("json", func(t *testing.T) {
			r := e.do("GET", "/v1/analytics/funnel"+rng, key, "").status(http.StatusOK)
			if r.h.Get("Vary") != "Accept" {
				t.Fatalf("Vary %q", r.h.Get("Vary"))
			}
			var out struct {
				From, To string
				JobID    *string `json:"job_id"`
				Data     []hub.FunnelRow
			}
			r.decode(&out)
			if out.From != "2025-03-10T00:00:00.000Z" || out.To != "2025-03-12T00:00:00.000Z" || out.JobID != nil || len(out.Data) != 2 {
				t.Fatalf("got %s", r.body)
			}
			// Newest job first. platform: 3 candidates, 2 reached interest
			// (3h and 6h): rate 2/3, average and median 4.5h.
			fr, pl := out.Data[0], out.Data[1]
			if *fr.JobID != f.formula || *fr.JobTitle != formulaTitle || fr.Total != 1 || fr.ByStatus.New != 1 ||
				*fr.InterestedRate != 0 || fr.AvgHoursToInterested != nil || fr.MedianHoursToInterested != nil {
				t.Fatalf("formula job row: %+v", fr)
			}
			want := hub.StatusCounts{New: 1, Interested: 1, Hired: 1}
			if *pl.JobID != f.platform || pl.Total != 3 || pl.ByStatus != want || pl.ReachedInterest != 2 ||
				*pl.InterestedRate != 0.6667 || *pl.AvgHoursToInterested != 4.5 || *pl.MedianHoursToInterested != 4.5 {
				t.Fatalf("platform job row: %s", r.body)
			}
		})
		t.Run("csv by format and by Accept", func(t *testing.T) {
			want := [][]string{
				{"job_id", "job_title", "total", "new", "interested", "contacted", "not_interested", "hired", "rejected",
					"reached_interest", "interested_rate", "avg_hours_to_interested", "median_hours_to_interested"},
				{f.formula, "'" + formulaTitle, "1", "1", "0", "0", "0", "0", "0", "0", "0.0000", "", ""},
				{f.platform, `Engineer, "Platform"`, "3", "1", "1", "0", "0", "1", "0", "2", "0.6667", "4.50", "4.50"},
			}
			sameCSVRecords(t, readAnalyticsCSV(t, e.do("GET", "/v1/analytics/funnel"+rng+"&format=csv", key, ""), "visage-funnel.csv"), want)
			sameCSVRecords(t, readAnalyticsCSV(t, e.do("GET", "/v1/analytics/funnel"+rng, key, "", "Accept", "text/csv"), "visage-funnel.csv"), want)
			// An explicit format wins over Accept.
			r := e.do("GET", "/v1/analytics/funnel"+rng+"&format=json", key, "", "Accept", "text/csv").status(http.StatusOK)
			if !strings.HasPrefix(r.h.Get("Content-Type"), "application/json") {
				t.Fatalf("format=json answered %q", r.h.Get("Content-Type"))
			}
		})
		t.Run("one job, no range", func(t *testing.T) {
			records := readAnalyticsCSV(t, e.do("GET", "/v1/analytics/funnel?format=csv&job_id="+f.platform, key, ""), "visage-funnel.csv")
			if len(records) != 2 || records[1][0] != f.platform || records[1][2] != "3" {
				t.Fatalf("got %q", records)
			}
		})
		t.Run("other account sees only its own job", func(t *testing.T) {
			var out struct{ Data []hub.FunnelRow }
			e.do("GET", "/v1/analytics/funnel", e.tokenFor(f.other.ID, hub.RoleMember), "").status(http.StatusOK).decode(&out)
			if len(out.Data) != 1 || *out.Data[0].JobID != f.foreignJob || out.Data[0].Total != 2 {
				t.Fatalf("got %+v", out.Data)
			}
		})
		analyticsBadInput(t, e, key, "/v1/analytics/funnel", f)
	})
}

func TestTimeseriesAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key, _ := e.key("bi")
		f := e.seedAnalytics()
		const rng = "?from=2025-03-10&to=2025-03-13"
		formulaTitle := `=HYPERLINK("http://evil.example","x")`

		t.Run("csv zero-fills and splits days at UTC midnight", func(t *testing.T) {
			// platform: D0 gets the 10:00 and the 23:59:59.999 candidates
			// and the 13:00 interest; D1 the 00:00:00.000 one and its 06:00
			// interest.
			want := [][]string{
				{"date", "job_id", "job_title", "sourced", "interested"},
				{"2025-03-10", f.formula, "'" + formulaTitle, "0", "0"},
				{"2025-03-11", f.formula, "'" + formulaTitle, "1", "0"},
				{"2025-03-12", f.formula, "'" + formulaTitle, "0", "0"},
				{"2025-03-10", f.platform, `Engineer, "Platform"`, "2", "1"},
				{"2025-03-11", f.platform, `Engineer, "Platform"`, "1", "1"},
				{"2025-03-12", f.platform, `Engineer, "Platform"`, "0", "0"},
			}
			sameCSVRecords(t, readAnalyticsCSV(t, e.do("GET", "/v1/analytics/timeseries"+rng+"&format=csv", key, ""), "visage-timeseries.csv"), want)
		})
		t.Run("json echoes the range", func(t *testing.T) {
			var out struct {
				From, To string
				JobID    *string `json:"job_id"`
				Data     []hub.SeriesPoint
			}
			q := "?from=" + url.QueryEscape("2025-03-10T00:00:00+01:00") + "&to=2025-03-11T00:00:00Z&job_id=" + f.platform
			e.do("GET", "/v1/analytics/timeseries"+q, key, "").status(http.StatusOK).decode(&out)
			// From is 2025-03-09 23:00 UTC, so the series starts on the 9th.
			if out.From != "2025-03-09T23:00:00.000Z" || out.JobID == nil || *out.JobID != f.platform || len(out.Data) != 2 ||
				out.Data[0].Date != "2025-03-09" || out.Data[1].Date != "2025-03-10" || out.Data[1].Sourced != 2 || out.Data[1].Interested != 1 {
				t.Fatalf("got %+v", out)
			}
		})
		t.Run("366 days is allowed", func(t *testing.T) {
			var out struct{ Data []hub.SeriesPoint }
			e.do("GET", "/v1/analytics/timeseries?from=2024-01-01&to=2025-01-01&job_id="+f.platform, key, "").status(http.StatusOK).decode(&out)
			if len(out.Data) != 366 || out.Data[365].Date != "2024-12-31" {
				t.Fatalf("%d points, last %+v", len(out.Data), out.Data[len(out.Data)-1])
			}
		})
		t.Run("other account's job never appears", func(t *testing.T) {
			records := readAnalyticsCSV(t, e.do("GET", "/v1/analytics/timeseries"+rng+"&format=csv", key, ""), "visage-timeseries.csv")
			for _, rec := range records {
				if rec[1] == f.foreignJob {
					t.Fatalf("foreign job in %q", records)
				}
			}
		})
		t.Run("range is required", func(t *testing.T) {
			e.do("GET", "/v1/analytics/timeseries", key, "").problem(http.StatusUnprocessableEntity, hub.EInvalid, "from")
			e.do("GET", "/v1/analytics/timeseries?from=2025-03-10", key, "").problem(http.StatusUnprocessableEntity, hub.EInvalid, "to")
			e.do("GET", "/v1/analytics/timeseries?to=2025-03-10", key, "").problem(http.StatusUnprocessableEntity, hub.EInvalid, "from")
		})
		t.Run("more than 366 days", func(t *testing.T) {
			e.do("GET", "/v1/analytics/timeseries?from=2024-01-01&to=2025-01-02", key, "").problem(http.StatusUnprocessableEntity, hub.EInvalid, "to")
		})
		analyticsBadInput(t, e, key, "/v1/analytics/timeseries", f)
	})
}

// analyticsBadInput runs the checks both analytics routes share.
func analyticsBadInput(t *testing.T, e *env, key, path string, f analyticsFixture) {
	t.Run("bad input", func(t *testing.T) {
		cases := []struct{ name, query, field string }{
			{"to before from", "?from=2025-03-12&to=2025-03-10", "to"},
			{"to equal to from", "?from=2025-03-12&to=2025-03-12", "to"},
			{"from not a date", "?from=12/03/2025&to=2025-03-13", "from"},
			{"to not a date", "?from=2025-03-10&to=2025-02-30", "to"},
			{"before the epoch", "?from=1969-12-31&to=2025-03-13", "from"},
			{"unknown format", "?from=2025-03-10&to=2025-03-13&format=xlsx", "format"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				e.do("GET", path+tc.query, key, "").problem(http.StatusUnprocessableEntity, hub.EInvalid, tc.field)
			})
		}
		t.Run("every bad parameter is named at once", func(t *testing.T) {
			p := e.do("GET", path+"?from=soon&to=later&format=pdf", key, "").problem(http.StatusUnprocessableEntity, hub.EInvalid, "format")
			if len(p.Errors) != 3 {
				t.Fatalf("errors %+v", p.Errors)
			}
		})
		for name, id := range map[string]string{"another account's job": f.foreignJob, "not a job ID": "job_nope", "a candidate ID": hub.NewID(hub.PrefixCand)} {
			t.Run(name+" is not found", func(t *testing.T) {
				r := e.do("GET", path+"?from=2025-03-10&to=2025-03-13&job_id="+url.QueryEscape(id), key, "")
				r.problem(http.StatusNotFound, hub.ENotFound, "job_id")
				if strings.Contains(string(r.body), "Globex") {
					t.Fatalf("404 leaks the other account: %s", r.body)
				}
			})
		}
		t.Run("credentials are required", func(t *testing.T) {
			e.do("GET", path+"?from=2025-03-10&to=2025-03-13", "", "").problem(http.StatusUnauthorized, hub.EUnauthorized, "")
		})
	})
}
