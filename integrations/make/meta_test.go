package makeapp

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/visage-jobs/visage-hub/meta"
)

// TestAppAgreesWithMetaMake compares the app with GET /v1/meta/make (the
// hub's own description of the catalog as Make modules): each module there
// is in the app under the same name and type, with the same interface and
// mappable parameters, and each RPC it names exists.
func TestAppAgreesWithMetaMake(t *testing.T) {
	app, err := Load("src")
	if err != nil {
		t.Fatal(err)
	}
	view, err := meta.Make()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Modules map[string]struct {
			Name      string `json:"name"`
			Label     string `json:"label"`
			Type      string `json:"type"`
			Expect    []any  `json:"expect"`
			Interface []any  `json:"interface"`
		} `json:"modules"`
		RPCs map[string]any `json:"rpcs"`
	}
	b, _ := json.Marshal(view)
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Modules) == 0 {
		t.Fatal("/v1/meta/make lists no modules")
	}
	for key, m := range doc.Modules {
		t.Run(key, func(t *testing.T) {
			md, ok := app.Manifest.Components["module"][m.Name]
			if !ok {
				t.Fatalf("no module %s in the app", m.Name)
			}
			if md.ModuleType != m.Type {
				t.Errorf("type %s in the app, %s in /v1/meta/make", md.ModuleType, m.Type)
			}
			code := app.Code["module"][m.Name]
			if !reflect.DeepEqual(code["interface"], m.Interface) {
				t.Error("interfaces differ")
			}
			if m.Expect != nil {
				got, _ := code["mappableParams"].([]any)
				// A search adds its limit after the input's fields.
				if len(got) < len(m.Expect) || !reflect.DeepEqual(got[:len(m.Expect)], m.Expect) {
					t.Error("mappable parameters differ")
				}
			}
		})
	}
	for name := range doc.RPCs {
		if _, ok := app.Manifest.Components["rpc"][name]; !ok {
			t.Errorf("/v1/meta/make names RPC %s, the app has none", name)
		}
	}
}
