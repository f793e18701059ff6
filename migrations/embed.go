// Package migrations holds the schema of both databases as numbered SQL files,
// embedded in the binary so `visage-hub migrate` and `serve` need nothing on
// disk. The sqlite/ and postgres/ folders use the same numbering and names; a
// test fails when they disagree.
package migrations

import (
	"embed"
	"io/fs"
)

//go:embed sqlite/*.sql postgres/*.sql
var files embed.FS

// SQLite returns the SQLite migrations.
func SQLite() fs.FS { return sub("sqlite") }

// Postgres returns the PostgreSQL migrations.
func Postgres() fs.FS { return sub("postgres") }

func sub(dir string) fs.FS {
	f, err := fs.Sub(files, dir)
	if err != nil {
		panic(err) // the folder is embedded at build time; this cannot fail
	}
	return f
}
