package schemas

import (
	"testing"

	"github.com/visage-jobs/visage-hub/schemas/platform"
)

// zapierCheck runs zapier-platform-schema's validator (through package
// platform, which package meta's catalog test shares) on rendered fields.
func zapierCheck(t *testing.T, payload map[string]any) (errs []string, exitCode int) {
	t.Helper()
	return platform.ZapierErrors(t, payload)
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
