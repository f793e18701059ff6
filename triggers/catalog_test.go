package triggers

import (
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/schemas"
)

func TestEveryEventTypeHasExactlyOneTrigger(t *testing.T) {
	for _, ev := range hub.EventTypes {
		t.Run(ev, func(t *testing.T) {
			n := 0
			for _, tr := range All() {
				if tr.Event == ev {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("%d triggers for %s, want 1", n, ev)
			}
			tr, ok := ForEvent(ev)
			if !ok || tr.Event != ev {
				t.Fatalf("ForEvent(%s) = %+v, %v", ev, tr, ok)
			}
		})
	}
}

func TestTriggersAreDescribed(t *testing.T) {
	seen := map[string]bool{}
	for _, tr := range All() {
		t.Run(tr.Key, func(t *testing.T) {
			if seen[tr.Key] {
				t.Errorf("key %q twice", tr.Key)
			}
			seen[tr.Key] = true
			if tr.Label == "" || tr.Noun == "" || tr.Description == "" {
				t.Errorf("label, noun and description are all needed: %+v", tr)
			}
			if !hub.ValidEventType(tr.Event) {
				t.Errorf("event %q is not a hub event type", tr.Event)
			}
			if _, ok := schemas.ForEvent(tr.Event); !ok {
				t.Errorf("event %q has no schema", tr.Event)
			}
			if _, ok := schemas.Raw(tr.Item); !ok || (tr.Item != CandidateItem && tr.Item != JobItem) {
				t.Errorf("item schema %q does not exist or is not one of the item kinds", tr.Item)
			}
			if got, ok := ByKey(tr.Key); !ok || got != tr {
				t.Errorf("ByKey(%s) = %+v, %v", tr.Key, got, ok)
			}
		})
	}
	if _, ok := ByKey("no_such_trigger"); ok {
		t.Error("ByKey found an unknown key")
	}
}
