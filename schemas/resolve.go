package schemas

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// maxRefDepth bounds $ref inlining. The schemas are not recursive, so a
// chain this deep can only be a reference cycle.
const maxRefDepth = 32

// literalKeys hold data, not subschemas: a "$ref" inside an example is text.
var literalKeys = map[string]bool{"enum": true, "const": true, "examples": true, "default": true}

// Resolved returns a schema with every $ref replaced by the schema it points
// to, so renderers (OpenAPI components, Zapier fields, Make parameters, n8n
// properties) walk one self-contained tree instead of each resolving
// references. Annotations written beside a $ref (title, description,
// examples, default) override the target's. The result is a fresh copy the
// caller may change.
func Resolved(name string) (map[string]any, error) {
	r, err := load()
	if err != nil {
		return nil, err
	}
	s, ok := r.resolved[name]
	if !ok {
		return nil, fmt.Errorf("schemas: unknown schema %q", name)
	}
	return deepCopy(s).(map[string]any), nil
}

func (r *registry) resolve(name string) (map[string]any, error) {
	out, err := r.inline(name, r.docs[name], 0)
	if err != nil {
		return nil, err
	}
	return out.(map[string]any), nil
}

// inline copies node, replacing $refs; doc is the schema the node came from,
// against which relative references resolve.
func (r *registry) inline(doc string, node any, depth int) (any, error) {
	if depth > maxRefDepth {
		return nil, errors.New("$ref chain too deep (a cycle?)")
	}
	switch n := node.(type) {
	case []any:
		out := make([]any, len(n))
		for i, v := range n {
			c, err := r.inline(doc, v, depth)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case map[string]any:
		out := map[string]any{}
		if ref, ok := n["$ref"].(string); ok {
			targetDoc, target, err := r.lookup(doc, ref)
			if err != nil {
				return nil, err
			}
			inlined, err := r.inline(targetDoc, target, depth+1)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", ref, err)
			}
			m, ok := inlined.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s: target is not a schema object", ref)
			}
			for k, v := range m {
				if k != "$schema" && k != "$id" && k != "definitions" {
					out[k] = v
				}
			}
		}
		for k, v := range n {
			if k == "$ref" {
				continue
			}
			if literalKeys[k] {
				out[k] = deepCopy(v)
				continue
			}
			c, err := r.inline(doc, v, depth)
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	default:
		return n, nil
	}
}

// lookup finds the target of ref, written in schema doc, and names the
// schema the target lives in.
func (r *registry) lookup(doc, ref string) (string, any, error) {
	file, pointer, _ := strings.Cut(ref, "#")
	target := doc
	if file != "" {
		if !strings.Contains(file, "://") {
			file = BaseURL + file
		}
		name, ok := nameOf(file)
		if _, found := r.docs[name]; !ok || !found {
			return "", nil, fmt.Errorf("%s: no such embedded schema", ref)
		}
		target = name
	}
	var node any = r.docs[target]
	if pointer == "" {
		return target, node, nil
	}
	for _, tok := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch n := node.(type) {
		case map[string]any:
			v, ok := n[tok]
			if !ok {
				return "", nil, fmt.Errorf("%s: %q not found", ref, tok)
			}
			node = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n) {
				return "", nil, fmt.Errorf("%s: bad index %q", ref, tok)
			}
			node = n[i]
		default:
			return "", nil, fmt.Errorf("%s: cannot descend into %q", ref, tok)
		}
	}
	return target, node, nil
}

// schemaAt finds the (resolved) subschema that describes the instance
// location path, looking through properties, items and the branches of
// allOf/anyOf/oneOf/then/else. Error messages use it to quote a field's
// enum values and examples; nil means no single schema was found.
func schemaAt(node map[string]any, path []string) map[string]any {
	if len(path) == 0 {
		return node
	}
	for _, child := range children(node, path[0]) {
		if s := schemaAt(child, path[1:]); s != nil {
			return s
		}
	}
	return nil
}

func children(node map[string]any, seg string) []map[string]any {
	var out []map[string]any
	if props, ok := node["properties"].(map[string]any); ok {
		if p, ok := props[seg].(map[string]any); ok {
			out = append(out, p)
		}
	}
	if items, ok := node["items"].(map[string]any); ok {
		if _, err := strconv.Atoi(seg); err == nil {
			out = append(out, items)
		}
	}
	for _, key := range []string{"allOf", "anyOf", "oneOf"} {
		branches, _ := node[key].([]any)
		for _, b := range branches {
			if m, ok := b.(map[string]any); ok {
				out = append(out, children(m, seg)...)
			}
		}
	}
	for _, key := range []string{"then", "else"} {
		if m, ok := node[key].(map[string]any); ok {
			out = append(out, children(m, seg)...)
		}
	}
	return out
}

func deepCopy(v any) any {
	switch n := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(n))
		for k, e := range n {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(n))
		for i, e := range n {
			out[i] = deepCopy(e)
		}
		return out
	default:
		return n
	}
}
