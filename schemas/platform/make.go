package platform

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/xeipuuv/gojsonschema"
)

var (
	makeOnce           sync.Once
	makeExpect, makeIf *gojsonschema.Schema
	makeErr            error
)

// makeSchemas compiles make_parameters.schema.json twice: its root (a
// module's parameters or expect) and #/definitions/interface.
func makeSchemas() (expect, iface *gojsonschema.Schema, err error) {
	makeOnce.Do(func() {
		raw, err := os.ReadFile(filepath.Join(Dir(), "make_parameters.schema.json"))
		if err != nil {
			makeErr = err
			return
		}
		var doc struct {
			ID string `json:"$id"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			makeErr = fmt.Errorf("make_parameters.schema.json: %w", err)
			return
		}
		compile := func(entry string) (*gojsonschema.Schema, error) {
			sl := gojsonschema.NewSchemaLoader()
			sl.Draft = gojsonschema.Draft7
			if err := sl.AddSchema(doc.ID, gojsonschema.NewBytesLoader(raw)); err != nil {
				return nil, err
			}
			return sl.Compile(gojsonschema.NewGoLoader(map[string]any{"$ref": doc.ID + entry}))
		}
		if makeExpect, makeErr = compile("#"); makeErr != nil {
			return
		}
		makeIf, makeErr = compile("#/definitions/interface")
	})
	return makeExpect, makeIf, makeErr
}

// MakeErrors validates a parameter list (iface false: a module's
// parameters or expect) or an interface (iface true) against the project's
// JSON Schema of Make's rules and returns what breaks them.
func MakeErrors(t testing.TB, iface bool, params any) []string {
	t.Helper()
	expect, ifc, err := makeSchemas()
	if err != nil {
		t.Fatalf("make_parameters.schema.json: %v", err)
	}
	s := expect
	if iface {
		s = ifc
	}
	res, err := s.Validate(gojsonschema.NewGoLoader(params))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range res.Errors() {
		out = append(out, e.String())
	}
	return out
}
