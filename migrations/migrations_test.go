package migrations

import (
	"io/fs"
	"regexp"
	"testing"
)

// TestFoldersAgree fails when the SQLite and PostgreSQL folders have
// different migration files, so a change made for one database cannot be
// forgotten for the other.
func TestFoldersAgree(t *testing.T) {
	names := func(f fs.FS) map[string]bool {
		entries, err := fs.ReadDir(f, ".")
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, e := range entries {
			out[e.Name()] = true
		}
		return out
	}
	lite, pg := names(SQLite()), names(Postgres())
	if len(lite) == 0 {
		t.Fatal("no migrations found")
	}
	pattern := regexp.MustCompile(`^\d{5}_[a-z0-9_]+\.sql$`)
	for n := range lite {
		if !pattern.MatchString(n) {
			t.Errorf("sqlite/%s: name must look like 00001_name.sql", n)
		}
		if !pg[n] {
			t.Errorf("sqlite/%s has no postgres/%s", n, n)
		}
	}
	for n := range pg {
		if !lite[n] {
			t.Errorf("postgres/%s has no sqlite/%s", n, n)
		}
	}
}
