package gen

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/visage-jobs/visage-hub/actions"
	"github.com/visage-jobs/visage-hub/schemas"
	"github.com/visage-jobs/visage-hub/triggers"
)

// TestZapierCatalogCoversTheCatalog checks every trigger, action and search
// reaches the Zapier app with fields and a sample that validates.
func TestZapierCatalogCoversTheCatalog(t *testing.T) {
	cat, err := zapierBuild()
	if err != nil {
		t.Fatal(err)
	}
	keys := func(ops []zapierOp) map[string]zapierOp {
		m := map[string]zapierOp{}
		for _, o := range ops {
			m[o.Key] = o
		}
		return m
	}
	trig, creates, searches := keys(cat.Triggers), keys(cat.Creates), keys(cat.Searches)
	for _, tr := range triggers.All() {
		op, ok := trig[tr.Key]
		if !ok {
			t.Errorf("trigger %s missing", tr.Key)
			continue
		}
		if op.Event != tr.Event || len(op.OutputFields) == 0 {
			t.Errorf("trigger %s: event %q, %d output fields", tr.Key, op.Event, len(op.OutputFields))
		}
		if err := schemas.Validate(tr.Item, op.Sample); err != nil {
			t.Errorf("trigger %s: sample does not validate: %v", tr.Key, err)
		}
	}
	for _, a := range actions.All() {
		m := creates
		if a.Kind == actions.Search {
			m = searches
		}
		op, ok := m[a.Key]
		if !ok {
			t.Errorf("%s %s missing", a.Kind, a.Key)
			continue
		}
		if len(op.InputFields) == 0 || len(op.OutputFields) == 0 || op.CreateFallback != a.CreateFallback {
			t.Errorf("%s: %d inputs, %d outputs, fallback %q", a.Key, len(op.InputFields), len(op.OutputFields), op.CreateFallback)
		}
		if err := schemas.Validate(a.Output, op.Sample); err != nil {
			t.Errorf("%s: sample does not validate: %v", a.Key, err)
		}
	}
}

func TestZapierFileAndResumeFields(t *testing.T) {
	cat, err := zapierBuild()
	if err != nil {
		t.Fatal(err)
	}
	var fileType any
	for _, op := range cat.Creates {
		if op.Key != "attach_resume" {
			continue
		}
		for _, f := range op.InputFields {
			if f["key"] == "file_url" {
				fileType = f["type"]
				if _, ok := f["placeholder"]; ok {
					t.Error("file_url keeps a URL placeholder")
				}
			}
		}
		hasResumeFile := false
		for _, f := range op.OutputFields {
			hasResumeFile = hasResumeFile || (f["key"] == ZapierResumeFileKey && f["type"] == "file")
		}
		if !hasResumeFile {
			t.Error("attach_resume outputs no resume file field")
		}
	}
	if fileType != "file" {
		t.Fatalf("attach_resume file_url has type %v, want file", fileType)
	}
}

// TestZapierUnflattenCasesRoundTrip: flattening an input example and
// unflattening it with schemas.ZapierInputBody gives the example back, so
// the cases the JavaScript is tested on are right.
func TestZapierUnflattenCasesRoundTrip(t *testing.T) {
	cat, err := zapierBuild()
	if err != nil {
		t.Fatal(err)
	}
	cases, err := zapierUnflattenCases(cat)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != len(cat.Creates) {
		t.Fatalf("%d cases for %d creates", len(cases), len(cat.Creates))
	}
	nested := 0
	for _, c := range cases {
		t.Run(c.Key, func(t *testing.T) {
			var op zapierOp
			for _, o := range cat.Creates {
				if o.Key == c.Key {
					op = o
				}
			}
			raw, _ := schemas.Example(op.InputSchema)
			var want map[string]any
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatal(err)
			}
			dropNulls(want)
			if !reflect.DeepEqual(c.Body, want) {
				t.Fatalf("round trip:\n got %v\nwant %v", c.Body, want)
			}
			if len(c.Flat) != len(c.Body) {
				nested++
			}
		})
	}
	if nested == 0 {
		t.Error("no case has a nested field: the cases do not test unflattening")
	}
}

// dropNulls removes null fields at every depth: Zapier never sends null, so
// an example's nulls cannot survive a trip through the Zap editor.
func dropNulls(m map[string]any) {
	for k, v := range m {
		switch x := v.(type) {
		case nil:
			delete(m, k)
		case map[string]any:
			dropNulls(x)
		case []any:
			for _, r := range x {
				if rm, ok := r.(map[string]any); ok {
					dropNulls(rm)
				}
			}
		}
	}
}
