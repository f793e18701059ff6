package schemas

import (
	"encoding/json"
	"sort"
	"testing"
)

// refAnnotations are the keywords that may sit beside a $ref: draft-07
// ignores every sibling of $ref when validating, so a constraint written
// there (minItems beside a reference, say) would silently not apply. The
// resolver lets these annotations override the target's.
var refAnnotations = map[string]bool{"$ref": true, "title": true, "description": true, "examples": true, "default": true}

func TestRefSiblingsAreOnlyAnnotations(t *testing.T) {
	for _, name := range Names() {
		raw, _ := Raw(name)
		var doc any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		var walk func(node any, path string)
		walk = func(node any, path string) {
			switch n := node.(type) {
			case map[string]any:
				if _, ok := n["$ref"]; ok {
					var extra []string
					for k := range n {
						if !refAnnotations[k] {
							extra = append(extra, k)
						}
					}
					sort.Strings(extra)
					if len(extra) > 0 {
						t.Errorf("%s%s: %v beside $ref would be ignored by validation", name, path, extra)
					}
				}
				for k, v := range n {
					if !literalKeys[k] {
						walk(v, path+"/"+k)
					}
				}
			case []any:
				for _, v := range n {
					walk(v, path+"/[]")
				}
			}
		}
		walk(doc, "")
	}
}
