package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

func TestJobOptions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, b := jobAccounts(t, st)
		mk := func(acct hub.Account, title, status string) hub.Job {
			t.Helper()
			j, err := st.CreateJob(ctx, acct.ID, hub.Job{Title: title, Status: status})
			if err != nil {
				t.Fatal(err)
			}
			return j
		}
		recruiter := mk(a, "Senior Recruiter", hub.JobOpen)
		mk(a, "Closed Recruiter", hub.JobClosed)
		mk(a, "Paused Recruiter", hub.JobPaused)
		percent := mk(a, "100% Remote Engineer", hub.JobOpen)
		under := mk(a, "Data_Engineer", hub.JobOpen)
		slash := mk(a, `Back\End`, hub.JobOpen)
		mk(b, "Senior Recruiter at Globex", hub.JobOpen)
		titles := func(q string, limit int) []string {
			t.Helper()
			jobs, err := st.JobOptions(ctx, a.ID, q, limit)
			if err != nil {
				t.Fatal(err)
			}
			out := []string{}
			for _, j := range jobs {
				out = append(out, j.Title)
			}
			return out
		}
		tests := []struct {
			name  string
			q     string
			limit int
			want  []string
		}{
			{"open jobs of the account, newest first", "", 0, []string{slash.Title, under.Title, percent.Title, recruiter.Title}},
			{"substring ignoring case", "RECRUIT", 0, []string{recruiter.Title}},
			{"percent is literal", "0%", 0, []string{percent.Title}},
			{"a lone percent matches only a percent", "%", 0, []string{percent.Title}},
			{"underscore is literal", "a_E", 0, []string{under.Title}},
			{"a lone underscore matches only an underscore", "_", 0, []string{under.Title}},
			{"backslash is literal", `k\E`, 0, []string{slash.Title}},
			{"no match", "Designer", 0, []string{}},
			{"limit", "", 2, []string{slash.Title, under.Title}},
			{"limit out of range is the cap", "", store.MaxJobOptions + 1, []string{slash.Title, under.Title, percent.Title, recruiter.Title}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				if got := titles(tc.q, tc.limit); !reflect.DeepEqual(got, tc.want) {
					t.Errorf("JobOptions(%q, %d) = %q, want %q", tc.q, tc.limit, got, tc.want)
				}
			})
		}
		t.Run("capped", func(t *testing.T) {
			c, err := st.CreateAccount(ctx, "Many jobs")
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < store.MaxJobOptions+3; i++ {
				mk(c, fmt.Sprintf("Job %03d", i), hub.JobOpen)
			}
			jobs, err := st.JobOptions(ctx, c.ID, "", 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(jobs) != store.MaxJobOptions || jobs[0].Title != fmt.Sprintf("Job %03d", store.MaxJobOptions+2) {
				t.Errorf("%d jobs, first %q; want the %d newest", len(jobs), jobs[0].Title, store.MaxJobOptions)
			}
		})
		t.Run("NUL in q", func(t *testing.T) {
			_, err := st.JobOptions(ctx, a.ID, "a\x00b", 0)
			if hub.ErrorCode(err) != hub.EInvalid {
				t.Errorf("err = %v, want invalid", err)
			}
		})
	})
}
