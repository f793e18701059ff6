package schemas

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// construct is one JSON Schema construct the catalog uses, as a one-property
// object schema. (Property order: a nested object whose names match a
// catalog object, like hiring_manager, keeps the catalog's order; others
// are sorted.) The platform tests hold hand-written expected output per
// construct name, so every platform is checked against every construct.
type construct struct {
	prop     string // the property's name
	schema   string // the property's schema
	required bool
}

var constructs = map[string]construct{
	"string required": {"name", `{"title":"Name","description":"A name.","type":"string"}`, true},
	"string limits":   {"code", `{"title":"Code","description":"A code.","type":"string","minLength":2,"maxLength":10,"pattern":"^[A-Z]+$","examples":["ABC"]}`, false},
	"long text":       {"notes", `{"title":"Notes","description":"Notes.","type":"string","maxLength":5000}`, false},
	"enum":            {"status", `{"title":"Status","description":"The status.","type":"string","enum":["open","on_hold"]}`, false},
	"nullable enum":   {"mode", `{"title":"Mode","description":"The mode.","type":["string","null"],"enum":["remote",null]}`, false},
	"nullable string": {"phone", `{"title":"Phone","description":"A phone.","type":["string","null"],"maxLength":50}`, false},
	"integer":         {"size", `{"title":"Size","description":"Bytes.","type":"integer","minimum":1,"maximum":100}`, false},
	"number":          {"score", `{"title":"Score","description":"A score.","type":"number","minimum":-1,"maximum":1}`, false},
	"boolean":         {"test", `{"title":"Test","description":"A test.","type":"boolean"}`, false},
	"date-time":       {"created_at", `{"title":"Created at","description":"When.","type":"string","format":"date-time"}`, false},
	"date pattern":    {"start_date", `{"title":"Start date","description":"YYYY-MM.","type":["string","null"],"pattern":"^[0-9]{4}-[0-9]{2}$","examples":["2021-04"]}`, false},
	"email":           {"email", `{"title":"E-mail","description":"An address.","type":["string","null"],"format":"email","maxLength":254}`, false},
	"uri":             {"link", `{"title":"Link","description":"A link.","type":"string","format":"uri","maxLength":2048}`, false},
	"nested object": {"hiring_manager", `{"title":"Hiring manager","description":"The manager.","type":["object","null"],"required":["name"],"properties":{
		"name":{"title":"Hiring manager name","description":"Full name.","type":"string","maxLength":200},
		"email":{"title":"Hiring manager e-mail","description":"Work address.","type":["string","null"],"format":"email"}}}`, false},
	"array of strings": {"skills", `{"title":"Skills","description":"Skills.","type":"array","maxItems":100,"items":{"title":"Skill","description":"One skill.","type":"string","maxLength":100}}`, false},
	"array of objects": {"experience", `{"title":"Experience","description":"Work history.","type":"array","maxItems":50,"items":{"title":"Position","description":"One job.","type":"object","required":["title"],"properties":{
		"title":{"title":"Position title","description":"The title.","type":"string"},
		"start_date":{"title":"Start date","description":"Start.","type":["string","null"]}}}}`, false},
	"default":  {"state", `{"title":"State","description":"The state.","type":"string","enum":["open","closed"],"default":"open"}`, false},
	"no title": {"current_company", `{"description":"Employer.","type":"string"}`, false},
	"const":    {"kind", `{"title":"Kind","description":"Always job.","type":"string","const":"job"}`, false},
	"dropdown": {"job_id", `{"title":"Job ID","description":"The job.","type":"string","pattern":"^job_[a-z0-9]+$"}`, false},
}

// constructFields walks one construct wrapped in an object schema.
func constructFields(t *testing.T, c construct) []field {
	t.Helper()
	var prop map[string]any
	if err := json.Unmarshal([]byte(c.schema), &prop); err != nil {
		t.Fatalf("construct schema: %v", err)
	}
	root := map[string]any{"type": "object", "properties": map[string]any{c.prop: prop}}
	if c.required {
		root["required"] = []any{c.prop}
	}
	fs, err := objectFields(root, nil)
	if err != nil {
		t.Fatalf("objectFields: %v", err)
	}
	return fs
}

// sameJSON compares a rendering with hand-written JSON, both normalised.
func sameJSON(t *testing.T, got any, want string) {
	t.Helper()
	gb, err := json.Marshal(got)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var g, w any
	if err := json.Unmarshal(gb, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want is not JSON: %v\n%s", err, want)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("got  %s\nwant %s", gb, strings.Join(strings.Fields(want), " "))
	}
}

// checkEveryConstruct fails when a platform's table misses a construct, so
// adding one to constructs forces an expectation on every platform.
func checkEveryConstruct(t *testing.T, want map[string]string) {
	t.Helper()
	for name := range constructs {
		if _, ok := want[name]; !ok {
			t.Errorf("no expected output for construct %q", name)
		}
	}
}

func TestWalkerRefusesWhatNoPlatformCanShow(t *testing.T) {
	tests := []struct{ name, schema, wantErr string }{
		{"oneOf", `{"oneOf":[{"type":"string"},{"type":"integer"}]}`, "oneOf"},
		{"two types", `{"type":["string","integer"]}`, "exactly one"},
		{"array of arrays", `{"type":"array","items":{"type":"array","items":{"type":"string"}}}`, "arrays of arrays"},
		{"array without items", `{"type":"array"}`, "items"},
		{"null only", `{"type":"null"}`, "exactly one"},
		{"enum of null", `{"type":["string","null"],"enum":[null]}`, "other than null"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var prop map[string]any
			if err := json.Unmarshal([]byte(tc.schema), &prop); err != nil {
				t.Fatal(err)
			}
			_, err := objectFields(map[string]any{"type": "object", "properties": map[string]any{"x": prop}}, nil)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "x") {
				t.Fatalf("err = %v, want one naming x and %q", err, tc.wantErr)
			}
		})
	}
	if _, err := renderFields("no_such_schema"); err == nil {
		t.Errorf("an unknown schema rendered")
	}
}

func TestFieldsKeepTheFilesOrder(t *testing.T) {
	tests := []struct {
		schema string
		path   []string // into nested fields by name; empty for the root
		want   []string
	}{
		{"job_create", nil, []string{"external_id", "title", "description", "department", "location", "workplace_type", "employment_type", "status", "hiring_manager"}},
		{"job_create", []string{"hiring_manager"}, []string{"name", "email"}},
		{"candidate_update", []string{"experience"}, []string{"title", "company", "location", "start_date", "end_date", "description"}},
		{"event_job_created", nil, []string{"id", "type", "timestamp", "data", "test"}},
	}
	for _, tc := range tests {
		t.Run(tc.schema+"/"+strings.Join(tc.path, "."), func(t *testing.T) {
			fs, err := renderFields(tc.schema)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range tc.path {
				var next []field
				for _, f := range fs {
					if f.Name == p {
						next = f.Fields
					}
				}
				fs = next
			}
			var got []string
			for _, f := range fs {
				got = append(got, f.Name)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("order = %v, want %v", got, tc.want)
			}
		})
	}
}

// relevant lists the catalog schemas the platform packages render: the job
// and candidate inputs, the action and search inputs, the resources, every
// specific event and the trigger items.
func relevant() (inputs, outputs []string) {
	for _, n := range Names() {
		switch {
		case strings.HasSuffix(n, "_create") || strings.HasSuffix(n, "_update") || strings.HasSuffix(n, "_upsert"):
			if strings.HasPrefix(n, "job") || strings.HasPrefix(n, "candidate") {
				inputs = append(inputs, n)
			}
		case strings.HasPrefix(n, "action_") || strings.HasPrefix(n, "search_"):
			inputs = append(inputs, n)
		case n == "job" || n == "candidate" || strings.HasPrefix(n, "event_") || strings.HasPrefix(n, "trigger_"):
			outputs = append(outputs, n)
		}
	}
	return inputs, outputs
}

func TestRelevantCatalog(t *testing.T) {
	inputs, outputs := relevant()
	has := func(list []string, name string) bool {
		for _, n := range list {
			if n == name {
				return true
			}
		}
		return false
	}
	for _, n := range []string{"job_create", "job_update", "job_upsert", "candidate_create", "candidate_update", "action_update_job", "search_find_candidate"} {
		if !has(inputs, n) {
			t.Errorf("inputs %v lack %s", inputs, n)
		}
	}
	for _, n := range []string{"job", "candidate", "event_job_created", "event_candidate_status_changed", "trigger_candidate", "trigger_job"} {
		if !has(outputs, n) {
			t.Errorf("outputs %v lack %s", outputs, n)
		}
	}
	if has(outputs, "event") || has(inputs, "api_key_create") {
		t.Errorf("inputs %v, outputs %v: the generic event and API keys are not platform fields", inputs, outputs)
	}
}

// TestEveryRelevantSchemaRenders renders the whole catalog on every platform
// and checks what users see: a label and help on every input, a label on
// every output, and keys unique where the platform needs them unique.
func TestEveryRelevantSchemaRenders(t *testing.T) {
	inputs, outputs := relevant()
	opts := DefaultRenderOptions()
	for _, name := range inputs {
		t.Run("zapier in "+name, func(t *testing.T) {
			fs, err := ZapierInputFields(name, opts)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, f := range flattenZapier(fs) {
				key, _ := f["key"].(string)
				if seen[key] {
					t.Errorf("key %q twice (Zapier needs unique keys, children included)", key)
				}
				seen[key] = true
				if f["label"] == "" || f["label"] == nil {
					t.Errorf("%s has no label", key)
				}
				if _, isGroup := f["children"]; !isGroup && f["helpText"] == nil {
					t.Errorf("%s has no helpText", key)
				}
			}
		})
		t.Run("make in "+name, func(t *testing.T) {
			ps, err := MakeParameters(name, opts)
			if err != nil {
				t.Fatal(err)
			}
			checkMakeLabels(t, ps, true)
		})
		t.Run("n8n in "+name, func(t *testing.T) {
			ps, err := N8nProperties(name, N8nOptions{RenderOptions: opts, Resource: "r", Operation: "o"})
			if err != nil {
				t.Fatal(err)
			}
			checkN8nLabels(t, ps)
		})
	}
	for _, name := range outputs {
		t.Run("zapier out "+name, func(t *testing.T) {
			fs, err := ZapierOutputFields(name)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, f := range fs {
				key, _ := f["key"].(string)
				if seen[key] {
					t.Errorf("key %q twice", key)
				}
				seen[key] = true
				if f["label"] == "" || f["label"] == nil {
					t.Errorf("%s has no label", key)
				}
			}
		})
		t.Run("make out "+name, func(t *testing.T) {
			ps, err := MakeInterface(name)
			if err != nil {
				t.Fatal(err)
			}
			checkMakeLabels(t, ps, true)
		})
	}
}

// flattenZapier lists fields and their children in one slice.
func flattenZapier(fs []map[string]any) []map[string]any {
	var out []map[string]any
	for _, f := range fs {
		out = append(out, f)
		if ch, ok := f["children"].([]map[string]any); ok {
			out = append(out, flattenZapier(ch)...)
		}
	}
	return out
}

func checkMakeLabels(t *testing.T, ps []map[string]any, named bool) {
	t.Helper()
	seen := map[string]bool{}
	for _, p := range ps {
		name, _ := p["name"].(string)
		if named {
			if name == "" || seen[name] {
				t.Errorf("name %q empty or repeated", name)
			}
			seen[name] = true
		}
		if p["label"] == "" || p["label"] == nil || p["help"] == nil {
			t.Errorf("%s: label %v help %v", name, p["label"], p["help"])
		}
		switch spec := p["spec"].(type) {
		case []map[string]any:
			checkMakeLabels(t, spec, true)
		case map[string]any:
			checkMakeLabels(t, []map[string]any{spec}, false)
		}
	}
}

func checkN8nLabels(t *testing.T, ps []map[string]any) {
	t.Helper()
	seen := map[string]bool{}
	for _, p := range ps {
		name, _ := p["name"].(string)
		if seen[name] {
			t.Errorf("name %q twice", name)
		}
		seen[name] = true
		if p["displayName"] == "" || p["displayName"] == nil {
			t.Errorf("%s has no displayName", name)
		}
		if p["description"] == nil && p["type"] != "collection" {
			t.Errorf("%s has no description", name)
		}
		switch p["type"] {
		case "collection":
			opts, _ := p["options"].([]map[string]any)
			checkN8nLabels(t, opts)
		case "fixedCollection":
			for _, o := range p["options"].([]map[string]any) {
				checkN8nLabels(t, o["values"].([]map[string]any))
			}
		}
	}
}

func TestChoices(t *testing.T) {
	got, err := Choices("candidate", "status")
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, got, `[{"label":"New","value":"new"},{"label":"Interested","value":"interested"},{"label":"Contacted","value":"contacted"},
		{"label":"Not interested","value":"not_interested"},{"label":"Hired","value":"hired"},{"label":"Rejected","value":"rejected"}]`)
	for _, tc := range [][2]string{{"candidate", "full_name"}, {"candidate", "no_such"}, {"no_such", "status"}} {
		if _, err := Choices(tc[0], tc[1]); err == nil {
			t.Errorf("Choices(%s, %s) succeeded", tc[0], tc[1])
		}
	}
}
