package actions

import (
	"regexp"
	"testing"

	"github.com/visage-jobs/visage-hub/schemas"
)

var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*[a-z0-9]$`)

func TestCatalogEntriesAreComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, a := range All() {
		t.Run(a.Key, func(t *testing.T) {
			if !keyPattern.MatchString(a.Key) {
				t.Errorf("key %q is not snake_case", a.Key)
			}
			if seen[a.Key] {
				t.Errorf("key %q is listed twice", a.Key)
			}
			seen[a.Key] = true
			if a.Kind != Create && a.Kind != Search {
				t.Errorf("kind %q", a.Kind)
			}
			if a.Run == nil {
				t.Errorf("%s has no implementation (Run)", a.Key)
			}
			if a.Label == "" || a.Noun == "" || a.Description == "" {
				t.Errorf("label, noun and description are all needed: %+v", a)
			}
			for _, name := range []string{a.Input, a.Output} {
				if _, ok := schemas.Raw(name); !ok {
					t.Errorf("schema %q does not exist", name)
				}
			}
			if a.CreateFallback != "" {
				c, ok := ByKey(Create, a.CreateFallback)
				if a.Kind != Search || !ok || c.Output != a.Output {
					t.Errorf("create fallback %q must be an action returning %s, on a search", a.CreateFallback, a.Output)
				}
			}
			if got, ok := ByKey(a.Kind, a.Key); !ok || got.Key != a.Key {
				t.Errorf("ByKey(%s, %s) = %+v, %v", a.Kind, a.Key, got, ok)
			}
		})
	}
	if _, ok := ByKey(Search, "create_job"); ok {
		t.Error("ByKey found an action under the search kind")
	}
}
