// Package platform runs each automation platform's own rules over fields
// rendered for it: Zapier's zapier-platform-schema validator (Node), n8n's
// INodeProperties type (tsc against n8n-workflow) and the project's JSON
// Schema of Make's documented parameter rules. It is a test helper shared
// by package schemas (the renderers, construct by construct) and package
// meta (every catalog entry as /v1/meta serves it), so the two run the same
// checks. The Node tools are installed by .ci/run:
//
//	npm ci --prefix schemas/platform/zapier-check
//	npm ci --prefix schemas/platform/n8n-check
package platform

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Dir is this directory on disk, found from the source file so callers in
// any package (whose tests run in their own directory) reach the tools.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}

// need fails or skips a test whose tool is missing: locally it skips, under
// CI=true it fails, so an official check cannot silently stop running.
func need(t testing.TB, missing string) {
	t.Helper()
	if missing == "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("this platform check must run in CI: %s", missing)
		return
	}
	t.Skipf("skipping a platform check: %s", missing)
}
