package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
	"github.com/visage-jobs/visage-hub/migrations"
)

// TestEventOrderMigrationBackfills migrates a database with events to just
// before 00009, then to the end: the existing events get ordering keys in
// ID order, and events written afterwards sort after them.
func TestEventOrderMigrationBackfills(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			st, err := store.Open(storetest.URL(t, d))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			dialect, fsys := database.DialectSQLite3, migrations.SQLite()
			if d == store.Postgres {
				dialect, fsys = database.DialectPostgres, migrations.Postgres()
			}
			p, err := goose.NewProvider(dialect, st.DB().DB, fsys)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.UpTo(ctx, 8); err != nil {
				t.Fatal(err)
			}
			a, err := st.CreateAccount(ctx, "Acme")
			if err != nil {
				t.Fatal(err)
			}
			typ := hub.EventJobCreated
			ids := []string{hub.NewID(hub.PrefixEvent), hub.NewID(hub.PrefixEvent), hub.NewID(hub.PrefixEvent)}
			for _, i := range []int{2, 0, 1} { // inserted out of ID order
				insertEvent(t, st.DB(), st, a.ID, ids[i], typ, "", time.Now())
			}
			if n, err := st.Migrate(ctx); err != nil || n < 1 {
				t.Fatalf("migrate the rest: %d, %v", n, err)
			}
			if got := pollIDs(t, st, a.ID, store.PollQuery{Type: typ, Limit: 10}); !same(got, []string{ids[2], ids[1], ids[0]}) {
				t.Fatalf("backfilled order %v, want ID order %v", got, ids)
			}
			late := hub.NewID(hub.PrefixEvent)
			insertEvent(t, st.DB(), st, a.ID, late, typ, "", time.Now())
			if got := pollIDs(t, st, a.ID, store.PollQuery{Type: typ, SinceID: ids[2], Limit: 10}); !same(got, []string{late}) {
				t.Fatalf("after the backfill %v, want [%s]", got, late)
			}
			if _, err := p.DownTo(ctx, 8); err != nil {
				t.Fatalf("down: %v", err)
			}
			if _, err := st.Migrate(ctx); err != nil {
				t.Fatalf("up again: %v", err)
			}
			if got := pollIDs(t, st, a.ID, store.PollQuery{Type: typ, Limit: 10}); len(got) != 4 {
				t.Fatalf("after down and up %v", got)
			}
		})
	}
}
