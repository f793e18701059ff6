package meta

import (
	"encoding/json"
	"testing"

	"github.com/visage-jobs/visage-hub/actions"
	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/schemas"
	"github.com/visage-jobs/visage-hub/triggers"
)

func mustCatalog(t *testing.T) Catalog {
	t.Helper()
	c, err := Get()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCatalogListsEveryEntry(t *testing.T) {
	c := mustCatalog(t)
	if len(c.Triggers) != len(triggers.All()) {
		t.Errorf("%d triggers, the catalog has %d", len(c.Triggers), len(triggers.All()))
	}
	if len(c.Actions)+len(c.Searches) != len(actions.All()) {
		t.Errorf("%d actions and %d searches, the catalog has %d", len(c.Actions), len(c.Searches), len(actions.All()))
	}
	for _, e := range c.Triggers {
		tr, ok := triggers.ByKey(e.Key)
		if !ok || e.Kind != KindTrigger || e.Event != tr.Event || e.ItemSchema != tr.Item || e.Label != tr.Label ||
			e.Important != tr.Important || e.Path != "/v1/triggers/"+e.Key || e.Method != "GET" {
			t.Errorf("trigger entry %+v does not match the catalog's %+v", e, tr)
		}
	}
	for _, list := range []struct {
		kind    actions.Kind
		entries []Entry
		method  string
		prefix  string
	}{{actions.Create, c.Actions, "POST", "/v1/actions/"}, {actions.Search, c.Searches, "GET", "/v1/searches/"}} {
		for _, e := range list.entries {
			a, ok := actions.ByKey(list.kind, e.Key)
			if !ok || e.Kind != string(list.kind) || e.InputSchema != a.Input || e.OutputSchema != a.Output ||
				e.CreateFallback != a.CreateFallback || e.Noun != a.Noun || e.Method != list.method || e.Path != list.prefix+e.Key {
				t.Errorf("%s entry %+v does not match the catalog's %+v", list.kind, e, a)
			}
		}
	}
	if len(c.EventTypes) != len(hub.EventTypes) {
		t.Errorf("event types %v, want %v", c.EventTypes, hub.EventTypes)
	}
	for i, et := range c.EventTypes {
		if et.Type != hub.EventTypes[i] || et.Schema == "" || et.Trigger == "" || et.Label == "" {
			t.Errorf("event type %+v", et)
		}
	}
}

// TestSamplesValidate: each sample is the example of the schema it is said
// to illustrate, so it passes that schema.
func TestSamplesValidate(t *testing.T) {
	for _, e := range mustCatalog(t).entries() {
		t.Run(e.Kind+" "+e.Key, func(t *testing.T) {
			schema := e.OutputSchema
			if e.Kind == KindTrigger {
				schema = e.ItemSchema
			}
			if err := schemas.Validate(schema, e.Sample); err != nil {
				t.Errorf("sample does not match %s: %v %v", schema, err, hub.ErrorFields(err))
			}
			var obj map[string]any
			if err := json.Unmarshal(e.Sample, &obj); err != nil || obj["id"] == nil {
				t.Errorf("sample %s is not an object with an id", e.Sample)
			}
		})
	}
}

func TestMakeName(t *testing.T) {
	for in, want := range map[string]string{
		"new_candidate": "newCandidate", "update_candidate_status": "updateCandidateStatus", "find_job": "findJob", "close": "close",
	} {
		if got := MakeName(in); got != want {
			t.Errorf("MakeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestJobOptionLabel(t *testing.T) {
	berlin, blank := "Berlin", " "
	tests := []struct {
		name string
		job  hub.Job
		want string
	}{
		{"with location", hub.Job{Title: "Senior Recruiter", Location: &berlin}, "Senior Recruiter (Berlin)"},
		{"without location", hub.Job{Title: "Senior Recruiter"}, "Senior Recruiter"},
		{"blank location", hub.Job{Title: "Senior Recruiter", Location: &blank}, "Senior Recruiter"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := JobOptionLabel(tc.job); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTriggerSamplesAreOfTheirEvent(t *testing.T) {
	for _, e := range mustCatalog(t).Triggers {
		var item struct {
			EventType string `json:"event_type"`
		}
		if err := json.Unmarshal(e.Sample, &item); err != nil || item.EventType != e.Event {
			t.Errorf("%s: sample event_type %q, want %s", e.Key, item.EventType, e.Event)
		}
	}
}
