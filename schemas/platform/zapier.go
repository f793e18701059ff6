package platform

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// ZapierErrors runs zapier-check/check.js (zapier-platform-schema's
// validateAppDefinition, the check `zapier-platform validate` runs offline)
// on payload and returns its error messages and exit code (1 when there are
// errors). payload is either {"inputs": {name: inputFields}, "outputs":
// {name: outputFields}} or {"app": <the body of GET /v1/meta/zapier>}; see
// check.js.
func ZapierErrors(t testing.TB, payload any) (errs []string, exitCode int) {
	t.Helper()
	dir := filepath.Join(Dir(), "zapier-check")
	node, err := exec.LookPath("node")
	switch {
	case err != nil:
		need(t, "node is not installed")
	default:
		if _, statErr := os.Stat(filepath.Join(dir, "node_modules", "zapier-platform-schema")); statErr != nil {
			need(t, "zapier-platform-schema is not installed (npm ci --prefix schemas/platform/zapier-check)")
		}
	}
	in, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "check.js")
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(runErr, &ee) {
		code = ee.ExitCode()
	} else if runErr != nil {
		t.Fatalf("run check.js: %v", runErr)
	}
	if code > 1 {
		t.Fatalf("check.js crashed (exit %d): %s", code, stderr.String())
	}
	var out struct {
		Errors []string `json:"errors"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("check.js output %q: %v (stderr %s)", stdout.String(), err, stderr.String())
	}
	return out.Errors, code
}
