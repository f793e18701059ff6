package store_test

import (
	"strings"
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

// TestJobSearchUsesIndexes checks on SQLite, whose planner is deterministic
// without statistics, that the find_job look-ups walk an index in id order
// instead of scanning or sorting the account's jobs.
func TestJobSearchUsesIndexes(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	for _, tc := range []struct {
		name  string
		f     store.JobFilter
		index string
	}{
		{"title", store.JobFilter{Title: "Backend Engineer"}, "jobs_account_title_key"},
		{"title and status", store.JobFilter{Title: "Backend Engineer", Status: hub.JobOpen}, "jobs_account_title_key"},
		{"external id", store.JobFilter{ExternalID: "greenhouse-1"}, "jobs_account_external"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, args, err := store.JobListSQL(st, "acct_x", tc.f, hub.Page{Limit: 100})
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
			if !strings.Contains(text, "USING INDEX "+tc.index+" ") && !strings.Contains(text, "USING INDEX "+tc.index+"(") {
				t.Fatalf("plan %q; want a look-up in %s", text, tc.index)
			}
			if tc.index == "jobs_account_title_key" && strings.Contains(text, "TEMP B-TREE") {
				t.Fatalf("plan %q sorts; want a walk of %s in id order", text, tc.index)
			}
		})
	}
}

// TestTitleKeyMigration checks that 00012 goes down and up again on both
// databases, and that jobs written before it are found by title after it.
func TestTitleKeyMigration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		acct, err := st.CreateAccount(ctx, "Acme")
		if err != nil {
			t.Fatal(err)
		}
		j, err := st.CreateJob(ctx, acct.ID, hub.Job{Title: "Backend Engineer"})
		if err != nil {
			t.Fatal(err)
		}
		if err := store.MigrateDownTo(ctx, st, 11); err != nil {
			t.Fatalf("down: %v", err)
		}
		if _, err := st.Migrate(ctx); err != nil {
			t.Fatalf("up again: %v", err)
		}
		got, _, err := st.ListJobs(ctx, acct.ID, store.JobFilter{Title: "BACKEND engineer"}, hub.Page{Limit: 10})
		if err != nil || len(got) != 1 || got[0].ID != j.ID {
			t.Fatalf("after the migration ran again: %+v, %v", got, err)
		}
	})
}
