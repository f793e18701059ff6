package schemas

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// zapierCheckDir holds a Node script that runs zapier-platform-schema's own
// validator. CI installs it with:
//
//	npm ci --prefix schemas/platform/zapier-check
const zapierCheckDir = "platform/zapier-check"

// zapierCheck runs the Node validator on rendered fields. Locally it skips
// when Node or the installed package is missing; under CI=true it fails, so
// the official check cannot silently stop running.
func zapierCheck(t *testing.T, payload map[string]any) (errs []string, exitCode int) {
	t.Helper()
	node, err := exec.LookPath("node")
	missing := ""
	switch {
	case err != nil:
		missing = "node is not installed"
	default:
		if _, statErr := os.Stat(filepath.Join(zapierCheckDir, "node_modules", "zapier-platform-schema")); statErr != nil {
			missing = "zapier-platform-schema is not installed (npm ci --prefix schemas/platform/zapier-check)"
		}
	}
	if missing != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the Zapier schema check must run in CI: %s", missing)
		}
		t.Skipf("skipping the official Zapier check: %s", missing)
	}
	in, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "check.js")
	cmd.Dir = zapierCheckDir
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	code := 0
	if ee, ok := runErr.(*exec.ExitError); ok {
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

// TestZapierFieldsPassZapierValidator validates every rendered Zapier field
// list with zapier-platform-schema 19.1.0's validateAppDefinition, the check
// `zapier-platform validate` runs offline.
func TestZapierFieldsPassZapierValidator(t *testing.T) {
	inputs, outputs := relevant()
	in, out := map[string]any{}, map[string]any{}
	for _, name := range inputs {
		fs, err := ZapierInputFields(name, DefaultRenderOptions())
		if err != nil {
			t.Fatal(err)
		}
		in[name] = fs
	}
	for _, name := range outputs {
		fs, err := ZapierOutputFields(name)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = fs
	}
	errs, code := zapierCheck(t, map[string]any{"inputs": in, "outputs": out})
	for _, e := range errs {
		t.Error(e)
	}
	if code != 0 && len(errs) == 0 {
		t.Errorf("check.js exited %d without errors", code)
	}

	// The validator must be able to fail: a labelled choice without sample
	// (FieldChoiceWithLabelSchema requires it) and children beside list.
	bad := []map[string]any{
		{"key": "colour", "choices": []any{map[string]any{"label": "Red", "value": "red"}}},
		{"key": "rows", "list": true, "children": []map[string]any{{"key": "rows__a"}}},
	}
	errs, code = zapierCheck(t, map[string]any{"inputs": map[string]any{"bad": bad}})
	if code != 1 || len(errs) < 2 {
		t.Errorf("broken fields passed: exit %d, errors %v", code, errs)
	}
}
