package schemas

import (
	"encoding/json"
	"io/fs"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/xeipuuv/gojsonschema"
)

// wantNames is the catalog other packages rely on; removing or renaming a
// schema must be a deliberate change to this list.
var wantNames = []string{
	"api_key", "api_key_create", "candidate", "candidate_create", "candidate_update", "common",
	"event", "event_candidate_created", "event_candidate_interested", "event_candidate_status_changed",
	"event_candidate_updated", "event_job_closed", "event_job_created", "event_job_updated",
	"job", "job_create", "job_update", "job_upsert", "problem",
}

// described lists the schemas whose fields must be fully described: all of
// them except the shared definitions.
func described() []string {
	var out []string
	for _, n := range Names() {
		if n != "common" {
			out = append(out, n)
		}
	}
	return out
}

func TestRegistryCompilesEverySchema(t *testing.T) {
	if _, err := load(); err != nil {
		t.Fatalf("load: %v", err)
	}
	have := map[string]bool{}
	for _, n := range Names() {
		have[n] = true
	}
	for _, n := range wantNames {
		if !have[n] {
			t.Errorf("Names() lacks %q (have %v)", n, Names())
		}
	}
}

func TestFilesAreDraft07WithMatchingID(t *testing.T) {
	meta, err := gojsonschema.NewSchema(gojsonschema.NewReferenceLoader("http://json-schema.org/draft-07/schema"))
	if err != nil {
		t.Fatalf("draft-07 meta-schema (embedded in gojsonschema): %v", err)
	}
	entries, err := fs.ReadDir(files, "json")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(Names()) {
		t.Errorf("%d files embedded, but Names() has %d", len(entries), len(Names()))
	}
	for _, e := range entries {
		t.Run(e.Name(), func(t *testing.T) {
			b, err := files.ReadFile("json/" + e.Name())
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatalf("not valid JSON: %v", err)
			}
			if doc["$schema"] != "http://json-schema.org/draft-07/schema#" {
				t.Errorf("$schema = %v, want draft-07", doc["$schema"])
			}
			if want := BaseURL + e.Name(); doc["$id"] != want {
				t.Errorf("$id = %v, want %s", doc["$id"], want)
			}
			res, err := meta.Validate(gojsonschema.NewBytesLoader(b))
			if err != nil {
				t.Fatal(err)
			}
			for _, re := range res.Errors() {
				t.Errorf("not a draft-07 schema: %s", re)
			}
		})
	}
}

func TestTopLevelExamplesValidate(t *testing.T) {
	for _, name := range described() {
		t.Run(name, func(t *testing.T) {
			raw, _ := Raw(name)
			var doc struct{ Examples []json.RawMessage }
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatal(err)
			}
			if len(doc.Examples) == 0 {
				t.Fatal("no top-level examples")
			}
			for i, ex := range doc.Examples {
				if err := Validate(name, ex); err != nil {
					t.Errorf("example %d: %v %v", i, err, hub.ErrorFields(err))
				}
			}
		})
	}
}

func TestEventSchemasMatchEnvelope(t *testing.T) {
	env, err := Resolved("event")
	if err != nil {
		t.Fatal(err)
	}
	types := env["properties"].(map[string]any)["type"].(map[string]any)["enum"].([]any)
	if len(types) != 7 {
		t.Fatalf("event types = %v, want the 7 of the design", types)
	}
	for _, et := range types {
		t.Run(et.(string), func(t *testing.T) {
			name, ok := ForEvent(et.(string))
			if !ok {
				t.Fatalf("no schema for event type %s", et)
			}
			ex, _ := Example(name)
			var head struct{ Type string }
			if err := json.Unmarshal(ex, &head); err != nil || head.Type != et {
				t.Errorf("example type = %q (%v), want %s", head.Type, err, et)
			}
			if err := Validate("event", ex); err != nil {
				t.Errorf("%s example is not a valid envelope: %v %v", name, err, hub.ErrorFields(err))
			}
		})
	}
}

// TestFieldsAreFullyDescribed enforces "describe each field once, fully":
// every field of every object has a title, a description and examples, and
// every string has a maxLength.
func TestFieldsAreFullyDescribed(t *testing.T) {
	for _, name := range described() {
		t.Run(name, func(t *testing.T) {
			s, err := Resolved(name)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"title", "description"} {
				if v, _ := s[k].(string); strings.TrimSpace(v) == "" {
					t.Errorf("schema has no %s", k)
				}
			}
			n := 0
			walkFields(name, s, func(path string, f map[string]any) {
				n++
				for _, k := range []string{"title", "description"} {
					if v, _ := f[k].(string); strings.TrimSpace(v) == "" {
						t.Errorf("%s: no %s", path, k)
					}
				}
				if ex, _ := f["examples"].([]any); len(ex) == 0 {
					t.Errorf("%s: no examples", path)
				}
				for p, sub := range map[string]map[string]any{path: f, path + "[]": asMap(f["items"])} {
					if hasType(sub, "string") && sub["maxLength"] == nil {
						t.Errorf("%s: string without maxLength", p)
					}
				}
			})
			if n == 0 && name != "api_key_create" {
				t.Errorf("no fields found")
			}
		})
	}
}

func TestFieldExamplesValidate(t *testing.T) {
	checked := 0
	for _, name := range described() {
		s, err := Resolved(name)
		if err != nil {
			t.Fatal(err)
		}
		walkFields(name, s, func(path string, f map[string]any) {
			sch, err := gojsonschema.NewSchema(gojsonschema.NewGoLoader(f))
			if err != nil {
				t.Errorf("%s: compile: %v", path, err)
				return
			}
			examples, _ := f["examples"].([]any)
			for i, ex := range examples {
				res, err := sch.Validate(gojsonschema.NewGoLoader(ex))
				if err != nil {
					t.Fatal(err)
				}
				for _, re := range res.Errors() {
					t.Errorf("%s example %d: %s", path, i, re)
				}
				checked++
			}
		})
	}
	if checked < 100 {
		t.Errorf("only %d field examples checked; the walk is missing fields", checked)
	}
}

// TestInputSchemasOnlyReference keeps input schemas from describing a field
// a second time: their properties point at the resource's.
func TestInputSchemasOnlyReference(t *testing.T) {
	annotations := map[string]bool{"$ref": true, "title": true, "description": true, "examples": true, "default": true}
	for _, name := range Names() {
		if !strings.HasSuffix(name, "_create") && !strings.HasSuffix(name, "_update") && !strings.HasSuffix(name, "_upsert") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			r, _ := load()
			props, _ := r.docs[name]["properties"].(map[string]any)
			if len(props) == 0 {
				t.Fatal("no properties")
			}
			for field, v := range props {
				p := v.(map[string]any)
				if _, ok := p["$ref"]; !ok {
					t.Errorf("%s is described inline; $ref the resource's property", field)
				}
				for k := range p {
					if !annotations[k] {
						t.Errorf("%s: %q beside $ref is ignored by draft-07 validators", field, k)
					}
				}
			}
			if r.docs[name]["additionalProperties"] != false {
				t.Errorf("additionalProperties must be false so unknown fields are reported")
			}
		})
	}
}

// TestNullableDefinitionsMatch checks that each X_or_null definition is X
// plus null, so the two cannot drift apart.
func TestNullableDefinitionsMatch(t *testing.T) {
	r, _ := load()
	defs := r.docs["common"]["definitions"].(map[string]any)
	pairs := 0
	for name, v := range defs {
		base, ok := strings.CutSuffix(name, "_or_null")
		if !ok || defs[base] == nil {
			continue
		}
		pairs++
		t.Run(name, func(t *testing.T) {
			n, b := v.(map[string]any), defs[base].(map[string]any)
			if !reflect.DeepEqual(n["type"], []any{b["type"], "null"}) {
				t.Errorf("type = %v, want [%v null]", n["type"], b["type"])
			}
			for _, k := range []string{"pattern", "format", "maxLength", "minLength"} {
				if !reflect.DeepEqual(n[k], b[k]) {
					t.Errorf("%s = %v, %s has %v", k, n[k], base, b[k])
				}
			}
		})
	}
	if pairs < 4 {
		t.Errorf("found %d nullable pairs, want at least 4", pairs)
	}
}

// walkFields calls fn for every property of every object in s, descending
// into nested objects and array items (not into combinator branches, which
// only restate constraints).
func walkFields(path string, s map[string]any, fn func(string, map[string]any)) {
	props, _ := s["properties"].(map[string]any)
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f := asMap(props[k])
		fn(path+"."+k, f)
		walkFields(path+"."+k, f, fn)
		if items := asMap(f["items"]); items != nil {
			walkFields(path+"."+k+"[]", items, fn)
		}
	}
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func hasType(s map[string]any, want string) bool {
	switch t := s["type"].(type) {
	case string:
		return t == want
	case []any:
		for _, v := range t {
			if v == want {
				return true
			}
		}
	}
	return false
}
