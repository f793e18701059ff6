package gen

import (
	"os"
	"path/filepath"
	"strings"
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

func TestGeneratedFilesAreFresh(t *testing.T) {
	stale, err := Stale(repoRoot(t))
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	if len(stale) > 0 {
		t.Fatalf("generated files are stale; run `go run ./cmd/visage-hub gen integrations`:\n  %s", strings.Join(stale, "\n  "))
	}
}

func TestWriteThenStaleIsEmpty(t *testing.T) {
	dir := t.TempDir()
	if _, err := Write(dir); err != nil {
		t.Fatalf("write: %v", err)
	}
	stale, err := Stale(dir)
	if err != nil || len(stale) != 0 {
		t.Fatalf("stale right after write: %v, %v", stale, err)
	}
	files, _ := All()
	if len(files) > 0 {
		p := filepath.Join(dir, filepath.FromSlash(files[0].Path))
		if err := os.WriteFile(p, []byte("edited by hand\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		stale, _ = Stale(dir)
		if len(stale) != 1 || stale[0] != files[0].Path {
			t.Fatalf("a hand-edited file is not reported stale: %v", stale)
		}
	}
}
