// Package gen writes the generated parts of the three platform packages in
// integrations/ (Zapier, Make, n8n) from the hub's catalog (packages
// triggers, actions and schemas), so a field is described once and the
// packages cannot drift from what the hub accepts. `visage-hub gen
// integrations` runs it; TestGeneratedFilesAreFresh fails when a checked-in
// file differs from what it would write.
package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// File is one generated file. Path is relative to the repository root, with
// forward slashes (for example "integrations/zapier/generated/fields.json").
type File struct {
	Path    string
	Content []byte
}

// Generator produces one platform's files. Each platform registers its own
// from an init function in its own file of this package, so the platforms
// are worked on independently.
type Generator func() ([]File, error)

var generators = map[string]Generator{}

// register adds a platform's generator; a name used twice is a bug.
func register(name string, g Generator) {
	if _, dup := generators[name]; dup {
		panic("gen: generator registered twice: " + name)
	}
	generators[name] = g
}

// Platforms names the registered generators in a stable order.
func Platforms() []string {
	names := make([]string, 0, len(generators))
	for n := range generators {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// All runs every generator and returns their files sorted by path. Two
// generators writing the same path is an error.
func All() ([]File, error) {
	var out []File
	seen := map[string]string{}
	for _, name := range Platforms() {
		files, err := generators[name]()
		if err != nil {
			return nil, fmt.Errorf("generate %s: %w", name, err)
		}
		for _, f := range files {
			if other, dup := seen[f.Path]; dup {
				return nil, fmt.Errorf("generate %s: %s is also written by %s", name, f.Path, other)
			}
			seen[f.Path] = name
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// Write writes every generated file under root (the repository root) and
// returns the paths it changed.
func Write(root string) ([]string, error) {
	files, err := All()
	if err != nil {
		return nil, err
	}
	var changed []string
	for _, f := range files {
		p := filepath.Join(root, filepath.FromSlash(f.Path))
		if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, f.Content) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return changed, fmt.Errorf("write %s: %w", f.Path, err)
		}
		if err := os.WriteFile(p, f.Content, 0o644); err != nil {
			return changed, fmt.Errorf("write %s: %w", f.Path, err)
		}
		changed = append(changed, f.Path)
	}
	return changed, nil
}

// Stale lists the generated files under root that are missing or differ
// from what Write would produce.
func Stale(root string) ([]string, error) {
	files, err := All()
	if err != nil {
		return nil, err
	}
	var stale []string
	for _, f := range files {
		old, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f.Path)))
		if err != nil || !bytes.Equal(old, f.Content) {
			stale = append(stale, f.Path)
		}
	}
	return stale, nil
}

// JSON renders v as indented JSON with a final newline, the form every
// generated JSON file takes so diffs stay readable.
func JSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode generated JSON: %w", err)
	}
	return buf.Bytes(), nil
}
