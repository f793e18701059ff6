package makeapp

import (
	"path/filepath"
	"sync"
	"testing"
)

// repoRoot is two folders up from this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

var (
	schemasOnce sync.Once
	loaded      *Schemas
	loadErr     error
)

func testSchemas(t *testing.T) *Schemas {
	t.Helper()
	schemasOnce.Do(func() { loaded, loadErr = LoadSchemas(repoRoot(t)) })
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return loaded
}

// TestAppValidates checks every file of the generated app against the
// schema of its role, its path and its references.
func TestAppValidates(t *testing.T) {
	for _, p := range testSchemas(t).Validate("src") {
		t.Error(p)
	}
}
