package schemas

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode"
)

// Dropdown names the list that fills one field's choices on each platform.
// A field such as job_id is a plain string to JSON Schema, but a user should
// pick a job rather than paste an ID, and each platform wires that list up
// its own way; the names live here so the three renderers stay in step.
type Dropdown struct {
	// Zapier is a FieldSchema `dynamic` reference,
	// "{trigger_key}.{value_key}.{label_key}" (e.g. "job_list.id.label": the hidden job_list trigger, whose items are the open jobs as {id, label}; polling items cannot serve, since their id is the event's).
	Zapier string
	// Make is the name of the RPC that lists the options; the parameter
	// becomes a select with options "rpc://<Make>".
	Make string
	// N8n is the node's methods.loadOptions function name (e.g. "getJobs").
	N8n string
}

// RenderOptions carries what the JSON Schemas cannot say about a field: which
// ones are dropdowns backed by a list of the account's records.
type RenderOptions struct {
	// Dropdowns is keyed by the property's dotted path from the schema root
	// ("job_id", "hiring_manager.email"). A platform's name left empty
	// renders that field as on the other platforms' plain input.
	Dropdowns map[string]Dropdown
}

// DefaultRenderOptions is the wiring the Visage packages ship with: job_id is
// picked from the account's jobs everywhere it is an input.
func DefaultRenderOptions() RenderOptions {
	return RenderOptions{Dropdowns: map[string]Dropdown{
		"job_id": {Zapier: "job_list.id.label", Make: "listJobs", N8n: "getJobs"},
	}}
}

// kind is what a field is, as far as any platform cares. Each JSON Schema
// construct the catalog uses maps to exactly one kind here, once, so the
// three renderers only translate kinds and never re-read JSON Schema.
type kind int

const (
	kindString     kind = iota // type string, no special format
	kindText                   // string with maxLength > longTextOver: a textarea
	kindEmail                  // format email
	kindURL                    // format uri
	kindDateTime               // format date-time
	kindDate                   // format date (a full calendar date)
	kindInteger                // type integer
	kindNumber                 // type number
	kindBoolean                // type boolean
	kindEnum                   // enum or const (non-null values in enum)
	kindObject                 // object with properties (fields)
	kindFreeObject             // object without properties: any keys
	kindStringList             // array whose items are strings (item)
	kindObjectList             // array whose items are objects (fields)
)

// longTextOver is the maxLength above which a string is long prose (a job
// description, a position description) that deserves a multi-line input.
// Zapier also caps helpText at 1000 characters, so the same number reads as
// "longer than a help text" to anyone maintaining the Zapier side.
const longTextOver = 1000

// field is one property of a schema, with every JSON Schema keyword a
// renderer needs already interpreted.
type field struct {
	Name        string   // the JSON property name
	Path        []string // property names from the schema root, Name last
	Title       string   // title, or Name humanized when there is none
	Description string
	Kind        kind
	Nullable    bool // type includes "null": the API accepts null to clear it
	Required    bool // listed in the parent's required

	Enum       []any // kindEnum: the allowed values, null left out
	Default    any
	HasDefault bool
	Example    any // the first non-null example, for placeholders and samples
	HasExample bool

	MinLength, MaxLength *int
	Pattern              string
	Minimum, Maximum     *float64
	MinItems, MaxItems   *int

	Fields []field // kindObject: its properties; kindObjectList: the item's
	Item   *field  // kindStringList / kindObjectList: the item itself
}

// dotted is the field's path as RenderOptions.Dropdowns keys it.
func (f field) dotted() string { return strings.Join(f.Path, ".") }

// renderFields walks a catalog schema, which must describe an object, into its
// fields in the order the schema file lists them.
func renderFields(name string) ([]field, error) {
	root, err := Resolved(name)
	if err != nil {
		return nil, err
	}
	fs, err := objectFields(root, nil)
	if err != nil {
		return nil, fmt.Errorf("schemas: render %s: %w", name, err)
	}
	return fs, nil
}

// objectFields walks the properties of an object schema. Keywords that only
// combine whole documents (anyOf, allOf, if/then/else at the object level)
// are not fields and are left to the server's validation: no platform can
// express "first and last name, or full name" in a form.
func objectFields(node map[string]any, path []string) ([]field, error) {
	if t := typesOf(node); !t["object"] {
		return nil, fmt.Errorf("%s: not an object schema", pathText(path))
	}
	props, _ := node["properties"].(map[string]any)
	required := map[string]bool{}
	if req, ok := node["required"].([]any); ok {
		for _, r := range req {
			if s, ok := r.(string); ok {
				required[s] = true
			}
		}
	}
	var out []field
	for _, name := range propertyOrder(props) {
		sub, ok := props[name].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: not a schema object", pathText(append(path, name)))
		}
		f, err := walkField(name, sub, append(append([]string(nil), path...), name), required[name])
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// walkField interprets one property schema.
func walkField(name string, node map[string]any, path []string, required bool) (field, error) {
	f := field{Name: name, Path: path, Required: required}
	f.Title, _ = node["title"].(string)
	if f.Title == "" {
		f.Title = humanize(name)
	}
	f.Description, _ = node["description"].(string)
	f.Default, f.HasDefault = node["default"]
	if ex, ok := node["examples"].([]any); ok {
		for _, e := range ex {
			if e != nil {
				f.Example, f.HasExample = e, true
				break
			}
		}
	}
	f.MinLength, f.MaxLength = intKeyword(node, "minLength"), intKeyword(node, "maxLength")
	f.MinItems, f.MaxItems = intKeyword(node, "minItems"), intKeyword(node, "maxItems")
	f.Minimum, f.Maximum = floatKeyword(node, "minimum"), floatKeyword(node, "maximum")
	f.Pattern, _ = node["pattern"].(string)

	for _, k := range []string{"oneOf", "anyOf", "allOf", "not", "$ref"} {
		if _, ok := node[k]; ok {
			return f, fmt.Errorf("%s: %s in a property is not rendered for the platforms", pathText(path), k)
		}
	}
	types := typesOf(node)
	f.Nullable = types["null"]
	delete(types, "null")

	if c, ok := node["const"]; ok {
		f.Kind, f.Enum = kindEnum, []any{c}
		return f, nil
	}
	if enum, ok := node["enum"].([]any); ok {
		for _, v := range enum {
			if v == nil {
				f.Nullable = true
				continue
			}
			f.Enum = append(f.Enum, v)
		}
		if len(f.Enum) == 0 {
			return f, fmt.Errorf("%s: an enum needs a value other than null", pathText(path))
		}
		f.Kind = kindEnum
		return f, nil
	}
	if len(types) != 1 {
		return f, fmt.Errorf("%s: type %v: a field needs exactly one non-null type", pathText(path), node["type"])
	}
	var t string
	for only := range types {
		t = only
	}
	switch t {
	case "string":
		f.Kind = stringKind(node, f.MaxLength)
	case "integer":
		f.Kind = kindInteger
	case "number":
		f.Kind = kindNumber
	case "boolean":
		f.Kind = kindBoolean
	case "object":
		if _, ok := node["properties"].(map[string]any); !ok {
			f.Kind = kindFreeObject
			return f, nil
		}
		fs, err := objectFields(node, path)
		if err != nil {
			return f, err
		}
		f.Kind, f.Fields = kindObject, fs
	case "array":
		items, ok := node["items"].(map[string]any)
		if !ok {
			return f, fmt.Errorf("%s: an array needs one items schema", pathText(path))
		}
		item, err := walkField(name, items, path, false)
		if err != nil {
			return f, err
		}
		switch item.Kind {
		case kindObject:
			f.Kind, f.Fields = kindObjectList, item.Fields
		case kindObjectList, kindStringList, kindFreeObject:
			return f, fmt.Errorf("%s: arrays of arrays or of free-form objects are not rendered", pathText(path))
		default:
			f.Kind = kindStringList
		}
		f.Item = &item
	default:
		return f, fmt.Errorf("%s: type %q is not rendered", pathText(path), t)
	}
	return f, nil
}

// stringKind reads a string schema's format. Formats the platforms have no
// input for (uuid, hostnames...) fall back to a plain string with the
// pattern still shown where the platform can validate it.
func stringKind(node map[string]any, maxLength *int) kind {
	switch node["format"] {
	case "email":
		return kindEmail
	case "uri":
		return kindURL
	case "date-time":
		return kindDateTime
	case "date":
		return kindDate
	}
	if maxLength != nil && *maxLength > longTextOver {
		return kindText
	}
	return kindString
}

func typesOf(node map[string]any) map[string]bool {
	out := map[string]bool{}
	switch t := node["type"].(type) {
	case string:
		out[t] = true
	case []any:
		for _, v := range t {
			if s, ok := v.(string); ok {
				out[s] = true
			}
		}
	}
	return out
}

func intKeyword(node map[string]any, key string) *int {
	if v, ok := node[key].(float64); ok {
		i := int(v)
		return &i
	}
	return nil
}

func floatKeyword(node map[string]any, key string) *float64 {
	if v, ok := node[key].(float64); ok {
		return &v
	}
	return nil
}

func pathText(path []string) string {
	if len(path) == 0 {
		return "(root)"
	}
	return strings.Join(path, ".")
}

// humanize turns a property or enum value into a label: "full_time" →
// "Full time", "not_interested" → "Not interested". Titles in the schemas
// are sentence case, so generated labels match them.
func humanize(s string) string {
	s = strings.TrimSpace(strings.NewReplacer("_", " ", ".", " ", "-", " ").Replace(s))
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// optionLabel is how an enum value is shown in a dropdown.
func optionLabel(v any) string {
	if s, ok := v.(string); ok {
		if strings.Contains(s, "/") {
			return s // media types read best as they are
		}
		return humanize(s)
	}
	return fmt.Sprint(v)
}

// propertyOrder lists a properties object's names in the order the schema
// files write them. Resolved yields Go maps, which forget order, but field
// order is what users see first in every form (title before description),
// so it is recovered from the raw files: a resolved properties object is a
// copy of some raw one, found by its set of names. Unknown sets (none in the
// catalog) fall back to sorted order so output stays deterministic.
func propertyOrder(props map[string]any) []string {
	names := make([]string, 0, len(props))
	for k := range props {
		names = append(names, k)
	}
	sort.Strings(names)
	if order, ok := rawOrders()[strings.Join(names, "\x00")]; ok {
		return order
	}
	return names
}

var (
	ordersOnce sync.Once
	orders     map[string][]string
)

// rawOrders indexes every "properties" object in the embedded files by its
// sorted names; the value is the names in file order.
func rawOrders() map[string][]string {
	ordersOnce.Do(func() {
		orders = map[string][]string{}
		for _, name := range Names() {
			raw, _ := Raw(name)
			collectOrders(json.NewDecoder(bytes.NewReader(raw)), orders)
		}
	})
	return orders
}

// collectOrders scans one JSON document token by token (the only way
// encoding/json exposes key order) and records each properties object.
func collectOrders(dec *json.Decoder, into map[string][]string) {
	var walk func(isProperties bool)
	walk = func(isProperties bool) {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		d, ok := tok.(json.Delim)
		if !ok {
			return
		}
		switch d {
		case '[':
			for dec.More() {
				walk(false)
			}
		case '{':
			var keys []string
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return
				}
				k, _ := kt.(string)
				keys = append(keys, k)
				walk(k == "properties" && !isProperties)
			}
			if isProperties {
				sorted := append([]string(nil), keys...)
				sort.Strings(sorted)
				id := strings.Join(sorted, "\x00")
				if _, seen := into[id]; !seen {
					into[id] = keys
				}
			}
		}
		_, _ = dec.Token() // the closing delimiter
	}
	walk(false)
}
