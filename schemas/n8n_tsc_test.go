package schemas

import (
	"strings"
	"testing"

	"github.com/visage-jobs/visage-hub/schemas/platform"
)

// TestN8nPropertiesCompileAgainstN8nWorkflow type-checks the n8n rendering
// of every construct and every relevant input schema against
// n8n-workflow 2.8.0's INodeProperties with tsc, and makes sure the check
// can fail: an entry with a property n8n does not know, and one whose type
// is not a NodePropertyTypes value, must not compile.
func TestN8nPropertiesCompileAgainstN8nWorkflow(t *testing.T) {
	lists := map[string]any{}
	opts := N8nOptions{RenderOptions: DefaultRenderOptions(), Resource: "job", Operation: "create"}
	for name, c := range constructs {
		ps, err := n8nProperties(constructFields(t, c), opts)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		lists["construct "+name] = ps
	}
	inputs, _ := relevant()
	for _, name := range inputs {
		ps, err := N8nProperties(name, opts)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		lists["input "+name] = ps
	}
	bad := map[string]any{
		"bad unknown key": []map[string]any{{"displayName": "X", "name": "x", "type": "string", "default": "", "help": "n8n calls it description"}},
		"bad type":        []map[string]any{{"displayName": "X", "name": "x", "type": "text", "default": ""}},
	}
	for k, v := range bad {
		lists[k] = v
	}
	errs := platform.N8nErrors(t, lists)
	for name := range lists {
		_, isBad := bad[name]
		switch {
		case isBad && len(errs[name]) == 0:
			t.Errorf("%s compiled; the check cannot fail", name)
		case !isBad && len(errs[name]) > 0:
			t.Errorf("%s is not INodeProperties[]:\n%s", name, strings.Join(errs[name], "\n"))
		}
	}
}
