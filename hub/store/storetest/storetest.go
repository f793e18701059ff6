// Package storetest gives every test package the same two real databases: a
// fresh SQLite file and a fresh PostgreSQL database, both migrated. A test
// written once with Each runs against both, which is how the hub keeps its
// promise that SQLite and PostgreSQL behave the same.
package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/pgtest"
)

// Each runs fn once per database, as the subtests "sqlite" and "postgres".
func Each(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Helper()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Open returns a fresh, migrated store of the given dialect, closed when the
// test ends.
func Open(t testing.TB, d store.Dialect) *store.Store {
	t.Helper()
	return OpenURL(t, URL(t, d))
}

// URL returns the address of a fresh, empty database of the given dialect,
// so tests that start several hub processes can point them at one database.
func URL(t testing.TB, d store.Dialect) string {
	t.Helper()
	if d == store.Postgres {
		return pgtest.URL(t)
	}
	return filepath.Join(t.TempDir(), "visage.db")
}

// OpenURL opens and migrates the database at url.
func OpenURL(t testing.TB, url string) *store.Store {
	t.Helper()
	st, err := store.Open(url)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return st
}
