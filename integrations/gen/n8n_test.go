package gen

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/visage-jobs/visage-hub/actions"
	"github.com/visage-jobs/visage-hub/schemas"
	"github.com/visage-jobs/visage-hub/triggers"
)

// n8nGenerated decodes the JSON of one `export const name: T = …;` in a
// generated n8n file.
func n8nGenerated(t *testing.T, path, name string, into any) {
	t.Helper()
	files, err := n8nFiles()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Path != path {
			continue
		}
		m := regexp.MustCompile(`(?s)export const ` + name + `: [^=]+ = (.*?);\n`).FindSubmatch(f.Content)
		if m == nil {
			t.Fatalf("%s has no const %s", path, name)
		}
		// Identifier keys are written unquoted (for n8n's linter); quote them
		// back, and drop trailing commas, to read the literal as JSON.
		lit := regexp.MustCompile(`(?m)^(\t+)([A-Za-z_$][A-Za-z0-9_$]*): `).ReplaceAll(m[1], []byte(`$1"$2": `))
		lit = regexp.MustCompile(`,(\n\t*[}\]])`).ReplaceAll(lit, []byte(`$1`))
		if err := json.Unmarshal(lit, into); err != nil {
			t.Fatalf("%s: %s is not JSON: %v", path, name, err)
		}
		return
	}
	t.Fatalf("n8n generator writes no %s", path)
}

type n8nOption struct {
	Name, Value, Action, Description string
	Routing                          *struct {
		Request struct{ Method, URL string } `json:"request"`
	} `json:"routing"`
}

type n8nParam struct {
	Name           string         `json:"name"`
	Type           string         `json:"type"`
	Default        any            `json:"default"`
	Required       bool           `json:"required"`
	Options        []n8nParam     `json:"options"`
	DisplayOptions map[string]any `json:"displayOptions"`
	Routing        map[string]any `json:"routing"`
}

func TestN8nOperationsCoverTheCatalog(t *testing.T) {
	var ops []struct {
		DisplayOptions struct {
			Show struct{ Resource []string } `json:"show"`
		} `json:"displayOptions"`
		Default string      `json:"default"`
		Options []n8nOption `json:"options"`
	}
	n8nGenerated(t, n8nActionsFile, "operations", &ops)
	byResource := map[string]map[string]n8nOption{}
	for _, o := range ops {
		res := o.DisplayOptions.Show.Resource
		if len(res) != 1 {
			t.Fatalf("operation dropdown shown for %v, want one resource", res)
		}
		byResource[res[0]] = map[string]n8nOption{}
		for _, opt := range o.Options {
			byResource[res[0]][opt.Value] = opt
		}
		if _, ok := byResource[res[0]][o.Default]; !ok {
			t.Errorf("%s: default %q is not an option", res[0], o.Default)
		}
	}
	for _, a := range actions.All() {
		t.Run(a.Key, func(t *testing.T) {
			opt, ok := byResource[strings.ToLower(a.Noun)][a.Key]
			if !ok {
				t.Fatalf("no %s operation %s", a.Noun, a.Key)
			}
			want := struct{ Method, URL string }{"POST", "/v1/actions/" + a.Key}
			if a.Kind == actions.Search {
				want = struct{ Method, URL string }{"GET", "/v1/searches/" + a.Key}
			}
			if opt.Routing == nil || opt.Routing.Request != want {
				t.Fatalf("routing %+v, want %+v", opt.Routing, want)
			}
			if opt.Name != a.Label || opt.Action == "" || opt.Description == "" {
				t.Fatalf("option %+v for %q", opt, a.Label)
			}
		})
	}
	// The REST reads: Download Resume is the one operation without routing,
	// since the node implements it in code.
	if dl := byResource["candidate"]["download_resume"]; dl.Value == "" || dl.Routing != nil {
		t.Errorf("download_resume: %+v, want an option without routing", dl)
	}
	for _, key := range []string{"get_job", "get_candidate"} {
		res := strings.TrimPrefix(key, "get_")
		if opt := byResource[res][key]; opt.Routing == nil || opt.Routing.Request.Method != "GET" {
			t.Errorf("%s: %+v", key, opt)
		}
	}
}

func TestN8nFieldsAreEveryInputProperty(t *testing.T) {
	var fields []n8nParam
	n8nGenerated(t, n8nActionsFile, "operationFields", &fields)
	shown := func(p n8nParam) (string, string) {
		show, _ := p.DisplayOptions["show"].(map[string]any)
		res, _ := show["resource"].([]any)
		op, _ := show["operation"].([]any)
		if len(res) != 1 || len(op) != 1 {
			t.Fatalf("field %s shown for %v / %v, want one resource and one operation", p.Name, res, op)
		}
		return res[0].(string), op[0].(string)
	}
	got := map[string]map[string]bool{} // operation → API property names
	for _, f := range fields {
		_, op := shown(f)
		if got[op] == nil {
			got[op] = map[string]bool{}
		}
		if f.Type == "collection" && f.Routing == nil {
			for _, o := range f.Options {
				got[op][o.Name] = true
			}
			continue
		}
		got[op][f.Name] = true
	}
	for _, a := range actions.All() {
		t.Run(a.Key, func(t *testing.T) {
			raw, err := schemas.Resolved(a.Input)
			if err != nil {
				t.Fatal(err)
			}
			props, _ := raw["properties"].(map[string]any)
			if len(props) == 0 {
				t.Fatalf("%s has no properties", a.Input)
			}
			for name := range props {
				if !got[a.Key][name] {
					t.Errorf("input property %s has no n8n field", name)
				}
			}
			if len(got[a.Key]) != len(props) {
				t.Errorf("n8n fields %v, input properties %d", got[a.Key], len(props))
			}
		})
	}
}

func TestN8nTriggersCoverTheCatalog(t *testing.T) {
	var options []n8nOption
	n8nGenerated(t, n8nTriggersFile, "eventOptions", &options)
	var events map[string]string
	n8nGenerated(t, n8nTriggersFile, "hookEvents", &events)
	var byJob map[string]bool
	n8nGenerated(t, n8nTriggersFile, "filtersByJob", &byJob)
	values := map[string]bool{}
	for _, o := range options {
		values[o.Value] = true
	}
	all := triggers.All()
	if len(options) != len(all) || len(events) != len(all) {
		t.Fatalf("%d options, %d events for %d triggers", len(options), len(events), len(all))
	}
	for _, tr := range all {
		if !values[tr.Key] || events[tr.Key] != tr.Event || byJob[tr.Key] != (tr.Item == triggers.CandidateItem) {
			t.Errorf("%s: option %v, event %q (want %q), job filter %v", tr.Key, values[tr.Key], events[tr.Key], tr.Event, byJob[tr.Key])
		}
	}
}

func TestN8nEditorText(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"plain sentence loses its period": {"The job's title.", "The job's title"},
		"API path sentence dropped": {
			"Your own ID. Unique, so PUT /v1/jobs/by-external-id/{external_id} can sync jobs. Null when made in Visage.",
			"Your own ID. Null when made in Visage.",
		},
		"lower-case start capitalised": {"open: sourcing. paused: on hold.", "Open: sourcing. paused: on hold."},
		"empty stays empty":            {"", ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := n8nEditorText(tc.in); got != tc.want {
				t.Fatalf("n8nEditorText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestN8nFixedCollectionValuesSorted(t *testing.T) {
	p := map[string]any{"type": "fixedCollection", "options": []map[string]any{{
		"name": "position", "values": []map[string]any{
			{"displayName": "Start Date", "description": "when it began."},
			{"displayName": "Company", "description": "employer"},
		},
	}}}
	n8nForEditor(p)
	values := p["options"].([]map[string]any)[0]["values"].([]map[string]any)
	if values[0]["displayName"] != "Company" || values[0]["description"] != "Employer" || values[1]["description"] != "When it began" {
		t.Fatalf("values %v", values)
	}
}
