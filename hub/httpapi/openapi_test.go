package httpapi_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/pb33f/jsonschema/v6"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"

	"github.com/visage-jobs/visage-hub/hub/httpapi"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

// offline makes any HTTP request through the default transport fail the
// test: the OpenAPI tooling must judge the document from what it holds,
// never fetch a schema.
type offline struct{ t *testing.T }

func (o offline) RoundTrip(r *http.Request) (*http.Response, error) {
	o.t.Errorf("OpenAPI tooling tried to fetch %s", r.URL)
	return nil, errors.New("no network in tests")
}

func noNetwork(t *testing.T) {
	prev := http.DefaultTransport
	http.DefaultTransport = offline{t}
	t.Cleanup(func() { http.DefaultTransport = prev })
}

// loadOpenAPI fetches /openapi.json and builds it with libopenapi, which
// implements OpenAPI 3.1 (JSON Schema 2020-12 schemas included).
func loadOpenAPI(t *testing.T, e *env) ([]byte, libopenapi.Document, *v3.Document) {
	t.Helper()
	r := e.do("GET", "/openapi.json", "", "").status(http.StatusOK)
	if ct := r.h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("content type %q", ct)
	}
	doc, err := libopenapi.NewDocument(r.body)
	if err != nil {
		t.Fatalf("libopenapi cannot read the document: %v", err)
	}
	m, err := doc.BuildV3Model()
	if err != nil {
		t.Fatalf("libopenapi cannot build the 3.1 model: %v", err)
	}
	return r.body, doc, &m.Model
}

func TestOpenAPIDocument(t *testing.T) {
	noNetwork(t)
	e := newEnv(t, storetest.Open(t, store.SQLite))
	raw, doc, model := loadOpenAPI(t, e)

	t.Run("is valid OpenAPI 3.1", func(t *testing.T) {
		if model.Version != "3.1.0" {
			t.Fatalf("openapi %q, want 3.1.0", model.Version)
		}
		v, errs := validator.NewValidator(doc)
		if len(errs) > 0 {
			t.Fatalf("validator: %v", errs)
		}
		if ok, verrs := v.ValidateDocument(); !ok {
			for _, ve := range verrs {
				t.Errorf("%s: %s", ve.Message, ve.Reason)
				for _, se := range ve.SchemaValidationErrors {
					t.Errorf("  at %s (%s): %s", se.FieldPath, se.KeywordLocation, se.Reason)
				}
			}
		}
	})
	t.Run("info and servers", func(t *testing.T) {
		if model.Info.Title != "Visage public API" || model.Info.Version == "" {
			t.Fatalf("info %+v", model.Info)
		}
		if len(model.Servers) != 1 || model.Servers[0].URL != "http://hub.test" {
			t.Fatalf("servers %+v, want the configured public URL", model.Servers)
		}
	})
	t.Run("router and document list the same routes", func(t *testing.T) {
		fiberParam := regexp.MustCompile(`:(\w+)(<[^>]*>)?\??`)
		hidden := map[string]bool{}
		for _, r := range e.srv.Routes() {
			if r.Hidden {
				hidden[r.Method+" "+r.Path] = true
			}
		}
		registered := map[string]bool{}
		for _, r := range e.srv.App().GetRoutes(true) {
			if r.Method == http.MethodHead || hidden[r.Method+" "+r.Path] {
				continue
			}
			registered[r.Method+" "+fiberParam.ReplaceAllString(r.Path, "{$1}")] = true
		}
		documented := map[string]bool{}
		for path, item := range model.Paths.PathItems.FromOldest() {
			for method := range item.GetOperations().FromOldest() {
				documented[strings.ToUpper(method)+" "+path] = true
			}
		}
		for k := range registered {
			if !documented[k] {
				t.Errorf("%s is registered but not in /openapi.json", k)
			}
		}
		for k := range documented {
			if !registered[k] {
				t.Errorf("%s is in /openapi.json but not registered", k)
			}
		}
		if len(documented) < 10 {
			t.Fatalf("only %d operations documented", len(documented))
		}
	})
	t.Run("every operation has a summary, a tag, a 2xx and problem errors", func(t *testing.T) {
		ids := map[string]string{}
		for path, item := range model.Paths.PathItems.FromOldest() {
			for method, op := range item.GetOperations().FromOldest() {
				name := strings.ToUpper(method) + " " + path
				if op.Summary == "" || len(op.Tags) == 0 || op.OperationId == "" {
					t.Errorf("%s: summary %q, tags %v, operationId %q", name, op.Summary, op.Tags, op.OperationId)
				}
				if prev, dup := ids[op.OperationId]; dup {
					t.Errorf("%s and %s share operationId %s", name, prev, op.OperationId)
				}
				ids[op.OperationId] = name
				success := 0
				for code, res := range op.Responses.Codes.FromOldest() {
					switch {
					case strings.HasPrefix(code, "2"):
						success++
					case strings.HasPrefix(code, "4"):
						mt := res.Content.GetOrZero("application/problem+json")
						if mt == nil || mt.Schema == nil || mt.Schema.GetReference() != "#/components/schemas/problem" {
							t.Errorf("%s: %s is not a problem document", name, code)
						}
					}
				}
				if success != 1 {
					t.Errorf("%s: %d success responses", name, success)
				}
				if d := op.Responses.Default; d == nil || d.Content.GetOrZero("application/problem+json") == nil {
					t.Errorf("%s: no default problem response", name)
				}
			}
		}
	})
	t.Run("access levels become security requirements", func(t *testing.T) {
		for _, r := range e.srv.Routes() {
			if r.Hidden {
				continue
			}
			path := regexp.MustCompile(`:(\w+)(<[^>]*>)?\??`).ReplaceAllString(r.Path, "{$1}")
			op := operation(t, model, r.Method, path)
			var schemes []string
			for _, req := range op.Security {
				for name := range req.Requirements.KeysFromOldest() {
					schemes = append(schemes, name)
				}
			}
			sort.Strings(schemes)
			want := map[httpapi.Access]string{
				httpapi.Public: "", httpapi.AnyCaller: "adminToken apiKey apiKeyHeader",
				httpapi.People: "adminToken", httpapi.Admins: "adminToken",
			}[r.Access]
			if got := strings.Join(schemes, " "); got != want || op.Security == nil {
				t.Errorf("%s %s: security %q, want %q", r.Method, r.Path, got, want)
			}
			hasKey := false
			for _, p := range op.Parameters {
				hasKey = hasKey || (p.In == "header" && p.Name == "Idempotency-Key")
			}
			changes := r.Method == "POST" || r.Method == "PUT" || r.Method == "PATCH"
			if hasKey != (changes && r.Access != httpapi.Public) {
				t.Errorf("%s %s: Idempotency-Key documented = %v", r.Method, r.Path, hasKey)
			}
		}
	})
	t.Run("security schemes", func(t *testing.T) {
		ss := model.Components.SecuritySchemes
		bearer, header, admin := ss.GetOrZero("apiKey"), ss.GetOrZero("apiKeyHeader"), ss.GetOrZero("adminToken")
		if bearer == nil || bearer.Scheme != "bearer" || header == nil || header.In != "header" || header.Name != "X-API-Key" ||
			admin == nil || admin.BearerFormat != "JWT" {
			t.Fatalf("security schemes: %+v %+v %+v", bearer, header, admin)
		}
	})
	t.Run("every example validates against its schema", func(t *testing.T) {
		checkExamples(t, raw)
	})
	t.Run("document is built once and revalidates", func(t *testing.T) {
		again := e.do("GET", "/openapi.json", "", "").status(http.StatusOK)
		if !bytes.Equal(again.body, raw) {
			t.Fatal("a second request got a different document")
		}
		tag := again.h.Get("ETag")
		if tag == "" {
			t.Fatal("no ETag")
		}
		e.do("GET", "/openapi.json", "", "", "If-None-Match", tag).status(http.StatusNotModified)
	})
}

func operation(t *testing.T, m *v3.Document, method, path string) *v3.Operation {
	t.Helper()
	item := m.Paths.PathItems.GetOrZero(path)
	if item == nil {
		t.Fatalf("no path %s", path)
	}
	op := item.GetOperations().GetOrZero(strings.ToLower(method))
	if op == nil {
		t.Fatalf("no %s %s", method, path)
	}
	return op
}

// example is one example value found in the document and the schema it
// illustrates, both as JSON pointers.
type example struct {
	at, schema string
	value      any
}

// checkExamples validates every example in the document (schema examples
// in components and inline schemas, media-type and parameter examples)
// against its schema with a JSON Schema 2020-12 validator, formats
// asserted. References resolve inside the document, which is the only
// resource the compiler has.
func checkExamples(t *testing.T, raw []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	const base = "mem:///openapi.json"
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	c.UseLoader(jsonschema.SchemeURLLoader{}) // nothing outside the document
	if err := c.AddResource(base, doc); err != nil {
		t.Fatal(err)
	}
	found := collectExamples(doc)
	if len(found) < 50 {
		t.Fatalf("only %d examples found; the walk is broken", len(found))
	}
	compiled := map[string]*jsonschema.Schema{}
	for _, ex := range found {
		sch, ok := compiled[ex.schema]
		if !ok {
			sch, err = c.Compile(base + "#" + ex.schema)
			if err != nil {
				t.Fatalf("compile %s: %v", ex.schema, err)
			}
			compiled[ex.schema] = sch
		}
		if err := sch.Validate(ex.value); err != nil {
			t.Errorf("example %s does not match %s: %v", ex.at, ex.schema, err)
		}
	}
}

func pointer(parent, key string) string {
	return parent + "/" + strings.ReplaceAll(strings.ReplaceAll(key, "~", "~0"), "/", "~1")
}

func collectExamples(doc any) []example {
	var out []example
	var schema func(node any, at string)
	schema = func(node any, at string) {
		n, ok := node.(map[string]any)
		if !ok {
			return
		}
		if list, ok := n["examples"].([]any); ok {
			for i, v := range list {
				out = append(out, example{pointer(pointer(at, "examples"), fmt.Sprint(i)), at, v})
			}
		}
		if v, ok := n["example"]; ok {
			out = append(out, example{pointer(at, "example"), at, v})
		}
		for _, k := range []string{"properties", "patternProperties", "$defs", "dependentSchemas"} {
			for name, sub := range asObject(n[k]) {
				schema(sub, pointer(pointer(at, k), name))
			}
		}
		for _, k := range []string{"items", "additionalProperties", "not", "if", "then", "else", "contains",
			"propertyNames", "unevaluatedItems", "unevaluatedProperties"} {
			if sub, ok := n[k]; ok {
				schema(sub, pointer(at, k))
			}
		}
		for _, k := range []string{"allOf", "anyOf", "oneOf", "prefixItems"} {
			list, _ := n[k].([]any)
			for i, sub := range list {
				schema(sub, pointer(pointer(at, k), fmt.Sprint(i)))
			}
		}
	}
	var walk func(node any, at string)
	walk = func(node any, at string) {
		switch n := node.(type) {
		case map[string]any:
			if s, ok := n["schema"]; ok {
				schemaAt := pointer(at, "schema")
				schema(s, schemaAt)
				if v, ok := n["example"]; ok {
					out = append(out, example{pointer(at, "example"), schemaAt, v})
				}
				for name, ex := range asObject(n["examples"]) {
					if v, ok := asObject(ex)["value"]; ok {
						out = append(out, example{pointer(pointer(at, "examples"), name), schemaAt, v})
					}
				}
			}
			for k, v := range n {
				switch {
				case k == "schema" || k == "example" || k == "examples":
				case at == "/components" && k == "schemas":
					for name, s := range asObject(v) {
						schema(s, pointer("/components/schemas", name))
					}
				default:
					walk(v, pointer(at, k))
				}
			}
		case []any:
			for i, v := range n {
				walk(v, pointer(at, fmt.Sprint(i)))
			}
		}
	}
	walk(doc, "")
	return out
}

func asObject(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
