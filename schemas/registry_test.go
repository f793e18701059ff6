package schemas

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/xeipuuv/gojsonschema"
)

func TestRawAndExample(t *testing.T) {
	tests := []struct {
		name   string
		schema string
		wantOK bool
		check  func(t *testing.T, raw, ex json.RawMessage)
	}{
		{"job raw and example", "job", true, func(t *testing.T, raw, ex json.RawMessage) {
			if !strings.Contains(string(raw), `"$ref": "common.json#/definitions/job_id"`) {
				t.Errorf("Raw should keep $refs as written")
			}
			var job map[string]any
			if err := json.Unmarshal(ex, &job); err != nil || job["id"] != "job_01jndmj1srae67z5nhcjzhq5xv" {
				t.Errorf("Example = %s (%v)", ex, err)
			}
			if strings.Contains(string(ex), "\n") {
				t.Errorf("Example should be compact")
			}
		}},
		{"common has no example", "common", false, nil},
		{"unknown schema", "salary_band", false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw, rawOK := Raw(tc.schema)
			ex, exOK := Example(tc.schema)
			if exOK != tc.wantOK {
				t.Fatalf("Example ok = %v, want %v", exOK, tc.wantOK)
			}
			if rawOK != (tc.schema != "salary_band") {
				t.Fatalf("Raw ok = %v", rawOK)
			}
			if tc.check != nil {
				tc.check(t, raw, ex)
			}
		})
	}
}

func TestRawReturnsACopy(t *testing.T) {
	a, _ := Raw("job")
	a[0] = 'X'
	b, _ := Raw("job")
	if b[0] != '{' {
		t.Fatalf("changing Raw's result changed the embedded schema")
	}
}

func TestForEvent(t *testing.T) {
	tests := []struct {
		name, eventType, want string
		ok                    bool
	}{
		{"candidate event", "candidate.status_changed", "event_candidate_status_changed", true},
		{"job event", "job.closed", "event_job_closed", true},
		{"unknown event", "candidate.deleted", "event_candidate_deleted", false},
		{"webhook validation is not an event schema", "webhook.validation", "event_webhook_validation", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ForEvent(tc.eventType)
			if ok != tc.ok || (ok && got != tc.want) {
				t.Fatalf("ForEvent(%q) = %q, %v; want %q, %v", tc.eventType, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestCompileNeverFetches proves a $ref outside the embedded files fails
// instead of reaching for the network.
func TestCompileNeverFetches(t *testing.T) {
	tests := []struct{ name, ref string }{
		{"remote URL", "https://example.com/remote.json"},
		{"missing embedded file", "salary_band.json#/definitions/x"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			url := fmt.Sprintf("%sprobe%d.json", BaseURL, i)
			sl := gojsonschema.NewSchemaLoader()
			doc := fmt.Sprintf(`{"$schema": "http://json-schema.org/draft-07/schema#", "properties": {"x": {"$ref": %q}}}`, tc.ref)
			if err := sl.AddSchema(url, gojsonschema.NewStringLoader(doc)); err != nil {
				t.Fatal(err)
			}
			_, err := sl.Compile(offlineLoader{url: url, raw: map[string][]byte{}})
			if err == nil || !strings.Contains(err.Error(), "not an embedded schema") {
				t.Fatalf("Compile error = %v, want a refusal to fetch", err)
			}
		})
	}
}

func TestResolved(t *testing.T) {
	prop := func(s map[string]any, path ...string) map[string]any {
		for _, p := range path {
			s = asMap(asMap(s["properties"])[p])
		}
		return s
	}
	tests := []struct {
		name   string
		schema string
		check  func(t *testing.T, s map[string]any)
	}{
		{"input field inlines the resource's", "job_create", func(t *testing.T, s map[string]any) {
			title := prop(s, "title")
			if title["title"] != "Job title" || title["maxLength"] != 200.0 {
				t.Errorf("title = %v", title)
			}
			if st := prop(s, "status"); st["default"] != "open" || len(st["enum"].([]any)) != 3 {
				t.Errorf("status = %v, want enum with default open", st)
			}
		}},
		{"annotations beside $ref override the target's", "job", func(t *testing.T, s map[string]any) {
			c := prop(s, "created_at")
			if d, _ := c["description"].(string); !strings.Contains(d, "job") || c["format"] != "date-time" {
				t.Errorf("created_at = %v", c)
			}
		}},
		{"nested refs across files", "event_candidate_created", func(t *testing.T, s map[string]any) {
			email := prop(s, "data", "email")
			if email["format"] != "email" || email["title"] != "E-mail" {
				t.Errorf("data.email = %v", email)
			}
			if _, ok := prop(s, "data")["$id"]; ok {
				t.Errorf("inlined schema kept its $id")
			}
		}},
		{"array items of a referenced field", "candidate_update", func(t *testing.T, s map[string]any) {
			item := asMap(prop(s, "experience")["items"])
			if asMap(asMap(item["properties"])["start_date"])["pattern"] == nil {
				t.Errorf("experience[].start_date lost its pattern: %v", item)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Resolved(tc.schema)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, s)
		})
	}
}

func TestResolvedHasNoRefsAndIsACopy(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			s, err := Resolved(name)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(s)
			if strings.Contains(string(b), `"$ref"`) {
				t.Errorf("resolved schema still has a $ref")
			}
			s["title"] = "changed"
			again, _ := Resolved(name)
			if again["title"] == "changed" {
				t.Errorf("Resolved returned shared state")
			}
		})
	}
	if _, err := Resolved("salary_band"); err == nil {
		t.Errorf("Resolved of an unknown schema should fail")
	}
}
