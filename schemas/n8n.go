package schemas

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
)

// N8nOptions places a schema's fields in a declarative n8n node: which
// resource and operation show them, and how they reach the request.
type N8nOptions struct {
	RenderOptions
	// Resource and Operation are the values of the node's resource and
	// operation parameters that show these fields (displayOptions.show).
	Resource, Operation string
	// Send is where values go: "body" (the default) for create and update
	// bodies, "query" for search parameters (routing.send.type).
	Send string
	// CollectionName and CollectionDisplayName name the collection that
	// holds the optional fields; n8n's convention is "additionalFields" /
	// "Additional Fields" (the default) and "updateFields" / "Update
	// Fields" for updates, where every field is optional.
	CollectionName, CollectionDisplayName string
}

// n8nDynamicDescription is the description n8n's linter
// (node-param-description-wrong-for-dynamic-options) requires on options
// filled by loadOptions, so users know they may also map an ID.
const n8nDynamicDescription = `Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>`

// N8nProperties renders an input schema as INodeProperties for one
// resource/operation of a declarative n8n node. Required fields are
// top-level parameters; optional ones are gathered in one collection, as
// n8n nodes do, so the form starts short. Every property has a default of
// its type (n8n requires one) and every top-level value routes itself into
// the request under its API name (routing.send), so the node needs no
// execute() to build bodies. Property names are the API's snake_case names:
// a collection's value is then already the API object.
func N8nProperties(schemaName string, opts N8nOptions) ([]map[string]any, error) {
	fs, err := renderFields(schemaName)
	if err != nil {
		return nil, err
	}
	return n8nProperties(fs, opts)
}

func n8nProperties(fs []field, opts N8nOptions) ([]map[string]any, error) {
	if opts.Send == "" {
		opts.Send = "body"
	}
	if opts.Send != "body" && opts.Send != "query" {
		return nil, fmt.Errorf("schemas: n8n: Send %q: want body or query", opts.Send)
	}
	if opts.CollectionName == "" {
		opts.CollectionName, opts.CollectionDisplayName = "additionalFields", "Additional Fields"
	}
	show := map[string]any{}
	if opts.Resource != "" {
		show["resource"] = []any{opts.Resource}
	}
	if opts.Operation != "" {
		show["operation"] = []any{opts.Operation}
	}
	var out, optional []map[string]any
	for _, f := range fs {
		p := n8nProperty(f, opts.RenderOptions)
		p["routing"] = n8nRouting(f, opts.Send)
		if !f.Required {
			optional = append(optional, p)
			continue
		}
		p["required"] = true
		if len(show) > 0 {
			p["displayOptions"] = map[string]any{"show": show}
		}
		out = append(out, p)
	}
	if len(optional) > 0 {
		c := map[string]any{
			"displayName": opts.CollectionDisplayName,
			"name":        opts.CollectionName,
			"type":        "collection",
			"placeholder": "Add Field",
			"default":     map[string]any{},
			"options":     sortByDisplayName(optional),
		}
		if len(show) > 0 {
			c["displayOptions"] = map[string]any{"show": show}
		}
		out = append(out, c)
	}
	return out, nil
}

// n8nRouting sends a top-level value under its API name. A fixedCollection
// holds its rows under the option's name, so the rows themselves are sent.
func n8nRouting(f field, send string) map[string]any {
	s := map[string]any{"type": send, "property": f.Name}
	if f.Kind == kindObjectList {
		s["value"] = "={{ $value." + n8nItemName(f) + " }}"
	}
	return map[string]any{"send": s}
}

// n8nProperty renders one field without routing or display options.
func n8nProperty(f field, opts RenderOptions) map[string]any {
	p := map[string]any{"displayName": n8nTitle(f.Title), "name": f.Name}
	if d := n8nDescription(f.Description); d != "" {
		p["description"] = d
	}
	var def any
	switch f.Kind {
	case kindString, kindEmail, kindURL, kindDate, kindText:
		p["type"], def = "string", ""
		switch {
		case f.Kind == kindEmail:
			p["placeholder"] = "name@email.com"
		case f.Kind == kindText:
			p["typeOptions"] = map[string]any{"rows": 4}
		case f.HasExample:
			p["placeholder"] = fmt.Sprintf("e.g. %v", f.Example)
		}
	case kindDateTime:
		p["type"], def = "dateTime", ""
	case kindInteger, kindNumber:
		p["type"], def = "number", 0.0
		to := map[string]any{}
		if f.Minimum != nil {
			to["minValue"] = *f.Minimum
			if *f.Minimum > 0 {
				def = *f.Minimum
			}
		}
		if f.Maximum != nil {
			to["maxValue"] = *f.Maximum
		}
		if f.Kind == kindInteger {
			to["numberPrecision"] = 0
		}
		p["typeOptions"] = to
	case kindBoolean:
		p["type"], def = "boolean", false
	case kindEnum:
		p["type"], p["options"] = "options", n8nOptions(f.Enum)
		def = f.Enum[0]
	case kindObject:
		var sub []map[string]any
		for _, c := range f.Fields {
			sub = append(sub, n8nProperty(c, opts))
		}
		p["type"], p["placeholder"], p["options"] = "collection", "Add Field", sortByDisplayName(sub)
		def = map[string]any{}
	case kindFreeObject:
		p["type"], def = "json", "{}"
	case kindStringList:
		if f.Item.Kind == kindEnum {
			p["type"], p["options"], def = "multiOptions", n8nOptions(f.Item.Enum), []any{}
			break
		}
		p["type"], def = "string", []any{}
		p["typeOptions"] = map[string]any{
			"multipleValues":          true,
			"multipleValueButtonText": "Add " + n8nTitle(f.Item.Title),
		}
	case kindObjectList:
		var values []map[string]any
		for _, c := range f.Fields {
			v := n8nProperty(c, opts)
			if c.Required {
				v["required"] = true
			}
			values = append(values, v)
		}
		p["type"], p["placeholder"] = "fixedCollection", "Add "+n8nTitle(f.Item.Title)
		p["typeOptions"] = map[string]any{"multipleValues": true}
		p["options"] = []map[string]any{{
			"displayName": n8nTitle(f.Item.Title),
			"name":        n8nItemName(f),
			"values":      values,
		}}
		def = map[string]any{}
	}
	if f.HasDefault && f.Default != nil {
		def = f.Default
	}
	if d, ok := opts.Dropdowns[f.dotted()]; ok && d.N8n != "" {
		// n8n's linter wants dynamic options named "… Name or ID" with its
		// standard description.
		p["type"] = "options"
		p["displayName"] = strings.TrimSuffix(n8nTitle(f.Title), " ID") + " Name or ID"
		p["description"] = n8nDynamicDescription
		p["typeOptions"] = map[string]any{"loadOptionsMethod": d.N8n}
		delete(p, "placeholder")
		def = ""
	}
	p["default"] = def
	return p
}

// n8nItemName names the one option of an array-of-objects fixedCollection
// after the item ("position", "education_entry").
func n8nItemName(f field) string {
	name := strings.ToLower(strings.Join(strings.Fields(f.Item.Title), "_"))
	name = strings.Map(func(r rune) rune {
		if r == '_' || r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return r
		}
		return -1
	}, name)
	if name == "" || name == f.Name {
		return "item"
	}
	return name
}

// n8nOptions is an options list sorted by name, as n8n's linter asks
// (node-param-options-type-unsorted-items).
func n8nOptions(enum []any) []map[string]any {
	out := make([]map[string]any, 0, len(enum))
	for _, v := range enum {
		out = append(out, map[string]any{"name": n8nTitle(optionLabel(v)), "value": v})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i]["name"].(string) < out[j]["name"].(string) })
	return out
}

// sortByDisplayName orders a collection's options alphabetically, as n8n's
// linter asks (node-param-collection-type-unsorted-items).
func sortByDisplayName(ps []map[string]any) []map[string]any {
	sort.SliceStable(ps, func(i, j int) bool {
		return ps[i]["displayName"].(string) < ps[j]["displayName"].(string)
	})
	return ps
}

// n8nMinorWords stay lower case inside a title, as in the title-case
// package n8n's linter compares display names with ("Created at", "Job
// Name or ID").
var n8nMinorWords = map[string]bool{
	"a": true, "an": true, "and": true, "as": true, "at": true, "by": true, "for": true,
	"in": true, "of": true, "on": true, "or": true, "the": true, "to": true, "via": true,
	"but": true, "nor": true, "per": true, "vs": true, "with": true,
}

// n8nTitle turns the schemas' sentence-case titles into the Title Case n8n
// expects of display names (node-param-display-name-miscased): "Hiring
// manager e-mail" → "Hiring Manager E-Mail". Acronyms (ID, URL) are kept.
func n8nTitle(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		if i > 0 && n8nMinorWords[w] {
			continue
		}
		parts := strings.Split(w, "-")
		for j, part := range parts {
			r := []rune(part)
			if len(r) > 0 {
				r[0] = unicode.ToUpper(r[0])
			}
			parts[j] = string(r)
		}
		words[i] = strings.Join(parts, "-")
	}
	return strings.Join(words, " ")
}

// n8nDescription follows n8n's linter on final periods: a one-sentence
// description has none (node-param-description-excess-final-period), a
// longer one keeps it.
func n8nDescription(d string) string {
	d = strings.TrimSpace(d)
	if strings.HasSuffix(d, ".") && !strings.Contains(strings.TrimSuffix(d, "."), ". ") {
		return strings.TrimSuffix(d, ".")
	}
	return d
}
