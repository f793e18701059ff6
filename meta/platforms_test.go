package meta

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/visage-jobs/visage-hub/schemas/platform"
)

// roundTrip is a view as a client receives it: encoded and decoded again.
func roundTrip(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestZapierViewPassesZapierValidator runs zapier-platform-schema 19.1.0's
// validateAppDefinition on every entry of the Zapier view: display, noun,
// sample, inputFields and outputFields of every trigger, create and search,
// and the searchOrCreates.
func TestZapierViewPassesZapierValidator(t *testing.T) {
	v, err := Zapier()
	if err != nil {
		t.Fatal(err)
	}
	app := roundTrip(t, v)
	c := mustCatalog(t)
	sections := map[string]int{"triggers": len(c.Triggers) + 1, "creates": len(c.Actions), "searches": len(c.Searches)}
	for section, want := range sections {
		if got := len(app[section].(map[string]any)); got != want {
			t.Errorf("%s: %d entries, want %d", section, got, want)
		}
	}
	errs, code := platform.ZapierErrors(t, map[string]any{"app": app})
	for _, e := range errs {
		t.Error(e)
	}
	if code != 0 && len(errs) == 0 {
		t.Errorf("check.js exited %d without errors", code)
	}

	// The check sees the served entries: a broken one must fail.
	broken := roundTrip(t, v)
	create := broken["creates"].(map[string]any)["create_job"].(map[string]any)
	create["display"].(map[string]any)["label"] = ""
	create["inputFields"] = append(create["inputFields"].([]any), map[string]any{"key": "x", "choices": []any{map[string]any{"label": "A", "value": "a"}}})
	trigger := broken["triggers"].(map[string]any)["new_candidate"].(map[string]any)
	trigger["outputFields"] = append(trigger["outputFields"].([]any), map[string]any{"label": "No key"})
	errs, code = platform.ZapierErrors(t, map[string]any{"app": broken})
	joined := strings.Join(errs, "\n")
	if code != 1 || !strings.Contains(joined, "create_job") || !strings.Contains(joined, "new_candidate") {
		t.Errorf("broken entries passed: exit %d, errors %v", code, errs)
	}
}

// TestMakeViewFollowsMakeRules checks every module's parameters, expect
// and interface against the project's JSON Schema of Make's rules.
func TestMakeViewFollowsMakeRules(t *testing.T) {
	v, err := Make()
	if err != nil {
		t.Fatal(err)
	}
	modules := roundTrip(t, v)["modules"].(map[string]any)
	if len(modules) != len(mustCatalog(t).entries()) {
		t.Fatalf("%d modules for %d catalog entries", len(modules), len(mustCatalog(t).entries()))
	}
	for key, raw := range modules {
		m := raw.(map[string]any)
		t.Run(key, func(t *testing.T) {
			for _, part := range []string{"parameters", "expect", "interface"} {
				list, ok := m[part]
				if !ok {
					if part == "expect" && m["type"] == "instant_trigger" {
						continue // static parameters only
					}
					t.Fatalf("no %s", part)
				}
				for _, e := range platform.MakeErrors(t, part == "interface", list) {
					t.Errorf("%s breaks Make's rules: %s", part, e)
				}
			}
			if m["type"] == "instant_trigger" {
				if _, has := m["expect"]; has {
					t.Errorf("an instant trigger has mappable parameters")
				}
			} else if len(m["expect"].([]any)) == 0 {
				t.Errorf("an action without mappable parameters")
			}
			if name, _ := m["name"].(string); !makeID.MatchString(name) {
				t.Errorf("module name %q is not a Make ID", name)
			}
		})
	}
	for name := range roundTrip(t, v)["rpcs"].(map[string]any) {
		if !makeID.MatchString(name) {
			t.Errorf("rpc %q is not a Make ID", name)
		}
	}
}

// TestN8nViewCompilesAgainstN8nWorkflow type-checks every list of the n8n
// view (the selectors, each operation's fields and the trigger's event)
// as INodeProperties[] with tsc against n8n-workflow 2.8.0.
func TestN8nViewCompilesAgainstN8nWorkflow(t *testing.T) {
	v, err := N8n()
	if err != nil {
		t.Fatal(err)
	}
	view := roundTrip(t, v)
	lists := map[string]any{"resources": view["resources"], "triggers": view["triggers"]}
	ops := view["operations"].(map[string]any)
	c := mustCatalog(t)
	if len(ops) != len(c.Actions)+len(c.Searches) {
		t.Errorf("%d operations for %d actions and searches", len(ops), len(c.Actions)+len(c.Searches))
	}
	for key, ps := range ops {
		lists["operation "+key] = ps
	}
	// A broken copy of a served list must fail to compile.
	bad := roundTrip(t, v)["operations"].(map[string]any)["create_job"].([]any)
	bad[0].(map[string]any)["type"] = "text"
	lists["broken create_job"] = bad
	errs := platform.N8nErrors(t, lists)
	for name := range lists {
		if name == "broken create_job" {
			if len(errs[name]) == 0 {
				t.Errorf("a property of type text compiled; the check cannot fail")
			}
			continue
		}
		if len(errs[name]) > 0 {
			t.Errorf("%s is not INodeProperties[]:\n%s", name, strings.Join(errs[name], "\n"))
		}
	}
}

// makeID is the syntax of Make component IDs (modules, RPCs).
var makeID = regexp.MustCompile(`^[a-zA-Z][0-9a-zA-Z]+[0-9a-zA-Z]$`)
