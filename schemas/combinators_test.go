package schemas

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestRootCombinatorsLeaveFieldsOptional covers the object-level keywords
// the search and action inputs use (anyOf of required sets, minProperties,
// both beside required): no platform form can say "one of these two" or "at
// least two fields", so every field they mention renders optional on every
// platform and only the fields in required are marked required; the
// server's validation enforces the rest (TestRootCombinatorsValidate).
func TestRootCombinatorsLeaveFieldsOptional(t *testing.T) {
	props := `"properties":{
		"job_id":{"title":"Job ID","description":"The job.","type":"string"},
		"email":{"title":"E-mail","description":"An address.","type":"string","format":"email"},
		"title":{"title":"Title","description":"A title.","type":"string"}}`
	tests := []struct {
		name, root   string
		wantRequired []string
	}{
		{"anyOf of required sets", `{"type":"object","anyOf":[{"required":["email"]},{"required":["title"]}],` + props + `}`, nil},
		{"minProperties", `{"type":"object","minProperties":2,` + props + `}`, nil},
		{"minProperties beside required", `{"type":"object","minProperties":2,"required":["job_id"],` + props + `}`, []string{"job_id"}},
		{"anyOf beside required", `{"type":"object","required":["job_id"],"anyOf":[{"required":["email"]},{"required":["title"]}],` + props + `}`, []string{"job_id"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var root map[string]any
			if err := json.Unmarshal([]byte(tc.root), &root); err != nil {
				t.Fatal(err)
			}
			fs, err := objectFields(root, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(fs) != 3 {
				t.Fatalf("%d fields, want all 3 properties", len(fs))
			}
			var fieldReq, zapReq, makeReq, n8nReq []string
			for _, f := range fs {
				if f.Required {
					fieldReq = append(fieldReq, f.Name)
				}
			}
			zap, err := zapierInputs(fs, "", "", true, false, RenderOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range zap {
				if m["required"] == true {
					zapReq = append(zapReq, m["key"].(string))
				}
			}
			for _, m := range makeParams(fs, RenderOptions{}, false) {
				if m["required"] == true {
					makeReq = append(makeReq, m["name"].(string))
				}
			}
			n8n, err := n8nProperties(fs, N8nOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range n8n {
				if p["required"] == true {
					n8nReq = append(n8nReq, p["name"].(string))
				}
			}
			for platform, got := range map[string][]string{"fields": fieldReq, "zapier": zapReq, "make": makeReq, "n8n": n8nReq} {
				if !reflect.DeepEqual(got, tc.wantRequired) {
					t.Errorf("%s: required %v, want %v", platform, got, tc.wantRequired)
				}
			}
		})
	}
}

// TestRootCombinatorsValidate checks the catalog's anyOf and minProperties
// inputs are enforced by validation with field-level messages, since the
// platform forms cannot enforce them.
func TestRootCombinatorsValidate(t *testing.T) {
	tests := []struct {
		name, schema, doc string
		want              []fe
	}{
		{"anyOf: neither", "search_find_job", `{}`, []fe{{"external_id", "is required unless title is given"}}},
		{"anyOf: the first", "search_find_job", `{"external_id": "REQ-1"}`, nil},
		{"anyOf: the second", "search_find_job", `{"title": "Recruiter"}`, nil},
		{"anyOf: other fields are not enough", "search_find_job", `{"status": "open"}`, []fe{{"external_id", "is required unless title is given"}}},
		{"anyOf on candidates", "search_find_candidate", `{}`, []fe{{"email", "is required unless linkedin_url is given"}}},
		{"minProperties: only the ID", "action_update_job", `{"job_id": "job_01jndmj1srae67z5nhcjzhq5xv"}`, []fe{{"body", "must contain at least 2 fields"}}},
		{"minProperties: the ID and a change", "action_update_job", `{"job_id": "job_01jndmj1srae67z5nhcjzhq5xv", "title": "Recruiter"}`, nil},
		{"const: event type pinned", "event_job_closed", replace(t, "event_job_closed", `"type":"job.closed"`, `"type":"job.updated"`), []fe{{"type", `must be "job.closed"`}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(tc.schema, []byte(tc.doc))
			if tc.want == nil {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			if got := fieldsOf(err); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("fields = %v, want %v", got, tc.want)
			}
		})
	}
}
