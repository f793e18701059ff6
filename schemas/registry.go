package schemas

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"github.com/xeipuuv/gojsonreference"
	"github.com/xeipuuv/gojsonschema"
)

// BaseURL is the prefix of every schema's $id. Relative $refs resolve
// against it, and it is how the validator finds a referenced file among the
// embedded ones; nothing is ever fetched from it.
const BaseURL = "https://public-api.visage.jobs/schemas/"

//go:embed json/*.json
var files embed.FS

// registry holds every schema in the forms its users need, built once.
type registry struct {
	names    []string
	raw      map[string][]byte
	docs     map[string]map[string]any // parsed files, the input of Resolved
	resolved map[string]map[string]any
	compiled map[string]*gojsonschema.Schema
}

var (
	regOnce sync.Once
	reg     *registry
	regErr  error
)

// load builds the registry on first use. A broken schema file is a bug
// caught by the package tests, so every later call sees the same error
// rather than a half-built registry.
func load() (*registry, error) {
	regOnce.Do(func() { reg, regErr = build() })
	return reg, regErr
}

func build() (*registry, error) {
	entries, err := fs.ReadDir(files, "json")
	if err != nil {
		return nil, fmt.Errorf("schemas: list embedded files: %w", err)
	}
	r := &registry{
		raw:      map[string][]byte{},
		docs:     map[string]map[string]any{},
		resolved: map[string]map[string]any{},
		compiled: map[string]*gojsonschema.Schema{},
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || e.IsDir() {
			continue
		}
		b, err := files.ReadFile("json/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("schemas: read %s: %w", e.Name(), err)
		}
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("schemas: parse %s: %w", e.Name(), err)
		}
		r.names = append(r.names, name)
		r.raw[name] = b
		r.docs[name] = doc
	}
	sort.Strings(r.names)

	sl := gojsonschema.NewSchemaLoader()
	sl.Draft = gojsonschema.Draft7
	for _, name := range r.names {
		if err := sl.AddSchema(urlOf(name), gojsonschema.NewBytesLoader(r.raw[name])); err != nil {
			return nil, fmt.Errorf("schemas: add %s: %w", name, err)
		}
	}
	for _, name := range r.names {
		s, err := sl.Compile(offlineLoader{url: urlOf(name), raw: r.raw})
		if err != nil {
			return nil, fmt.Errorf("schemas: compile %s: %w", name, err)
		}
		r.compiled[name] = s
		res, err := r.resolve(name)
		if err != nil {
			return nil, fmt.Errorf("schemas: resolve %s: %w", name, err)
		}
		r.resolved[name] = res
	}
	return r, nil
}

func urlOf(name string) string { return BaseURL + name + ".json" }

// nameOf maps a schema URL (fragment ignored) back to a schema name.
func nameOf(url string) (string, bool) {
	url, _, _ = strings.Cut(url, "#")
	rest, ok := strings.CutPrefix(url, BaseURL)
	if !ok || strings.Contains(rest, "/") {
		return "", false
	}
	return strings.CutSuffix(rest, ".json")
}

// offlineLoader serves schema documents from the embedded files only. The
// compiler asks a loader's factory for any $ref target missing from its
// pool; gojsonschema's default factory would go to the network, which a
// server must never do to validate a request, so this one refuses instead.
type offlineLoader struct {
	url string
	raw map[string][]byte
}

// JsonSource implements gojsonschema.JSONLoader.
func (l offlineLoader) JsonSource() any { return l.url }

// LoadJSON implements gojsonschema.JSONLoader with the embedded bytes,
// decoded the way gojsonschema decodes (numbers kept exact).
func (l offlineLoader) LoadJSON() (any, error) {
	name, ok := nameOf(l.url)
	b, found := l.raw[name]
	if !ok || !found {
		return nil, fmt.Errorf("schemas: %s is not an embedded schema (refusing to fetch it)", l.url)
	}
	doc, err := gojsonschema.NewBytesLoader(b).LoadJSON()
	if err != nil {
		return nil, fmt.Errorf("schemas: decode %s: %w", name, err)
	}
	return doc, nil
}

// JsonReference implements gojsonschema.JSONLoader.
func (l offlineLoader) JsonReference() (gojsonreference.JsonReference, error) {
	return gojsonreference.NewJsonReference(l.url)
}

// LoaderFactory implements gojsonschema.JSONLoader so that every document
// the compiler loads goes through offlineLoader too.
func (l offlineLoader) LoaderFactory() gojsonschema.JSONLoaderFactory {
	return offlineFactory{raw: l.raw}
}

type offlineFactory struct{ raw map[string][]byte }

// New implements gojsonschema.JSONLoaderFactory.
func (f offlineFactory) New(source string) gojsonschema.JSONLoader {
	return offlineLoader{url: source, raw: f.raw}
}

// Names lists every schema name in sorted order, so /v1/meta and the
// generators can enumerate the catalog without knowing the file layout.
func Names() []string {
	r, err := load()
	if err != nil {
		return nil
	}
	return append([]string(nil), r.names...)
}

// Raw returns a schema file exactly as embedded, $refs and all, for
// /v1/meta/schemas/{name}: clients that resolve references themselves get the
// same documents the server validates with. The bytes are a copy.
func Raw(name string) (json.RawMessage, bool) {
	r, err := load()
	if err != nil {
		return nil, false
	}
	b, ok := r.raw[name]
	if !ok {
		return nil, false
	}
	return append(json.RawMessage(nil), b...), true
}

// Example returns the first top-level example of a schema, compacted. It is
// the built-in sample payload (for /v1/samples, test events and the platform
// packages), and the package tests guarantee it validates.
func Example(name string) (json.RawMessage, bool) {
	raw, ok := Raw(name)
	if !ok {
		return nil, false
	}
	var doc struct {
		Examples []json.RawMessage `json:"examples"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || len(doc.Examples) == 0 {
		return nil, false
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, doc.Examples[0]); err != nil {
		return nil, false
	}
	return buf.Bytes(), true
}

// ForEvent names the schema of one event type ("candidate.created" →
// "event_candidate_created"), so the trigger catalog and the dispatcher
// never spell file names themselves.
func ForEvent(eventType string) (string, bool) {
	name := "event_" + strings.ReplaceAll(eventType, ".", "_")
	r, err := load()
	if err != nil {
		return "", false
	}
	_, ok := r.raw[name]
	return name, ok
}
