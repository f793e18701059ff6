package makeapp

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// Meta is one component's entry in makecomapp.json.
type Meta struct {
	Label          string            `json:"label"`
	Description    string            `json:"description"`
	ConnectionType string            `json:"connectionType"`
	WebhookType    string            `json:"webhookType"`
	ModuleType     string            `json:"moduleType"`
	Connection     string            `json:"connection"`
	Webhook        string            `json:"webhook"`
	CodeFiles      map[string]string `json:"codeFiles"`
}

// Manifest is makecomapp.json, as far as the checks and tests read it.
type Manifest struct {
	GeneralCodeFiles map[string]*string         `json:"generalCodeFiles"`
	Components       map[string]map[string]Meta `json:"components"`
}

// App is the app loaded from its clone directory: the manifest, the base
// and every component's code, parsed.
type App struct {
	Dir      string
	Manifest Manifest
	Base     map[string]any
	// Code is keyed by component kind, then ID, then code type
	// ("communication", "staticParams"…).
	Code map[string]map[string]map[string]any
}

// Load reads the app in dir (the folder holding makecomapp.json).
func Load(dir string) (*App, error) {
	a := &App{Dir: dir, Code: map[string]map[string]map[string]any{}}
	if err := readJSON(filepath.Join(dir, "makecomapp.json"), &a.Manifest); err != nil {
		return nil, err
	}
	base := a.Manifest.GeneralCodeFiles["base"]
	if base == nil {
		return nil, fmt.Errorf("makeapp: makecomapp.json names no base")
	}
	if err := readJSON(filepath.Join(dir, filepath.FromSlash(*base)), &a.Base); err != nil {
		return nil, err
	}
	for kind, comps := range a.Manifest.Components {
		a.Code[kind] = map[string]map[string]any{}
		for id, m := range comps {
			codes := map[string]any{}
			for code, p := range m.CodeFiles {
				var v any
				if err := readJSON(filepath.Join(dir, filepath.FromSlash(p)), &v); err != nil {
					return nil, err
				}
				codes[code] = v
			}
			a.Code[kind][id] = codes
		}
	}
	return a, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("makeapp: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("makeapp: %s: %w", path, err)
	}
	return nil
}

// Role is the schema role of one code file, from its component's kind,
// code type and (for modules) module type.
func Role(kind, code string, m Meta) (string, error) {
	switch code {
	case "params", "staticParams", "mappableParams":
		return "parameters", nil
	case "interface", "samples", "epoch", "attach", "detach":
		return code, nil
	case "communication":
		switch kind {
		case "connection", "webhook", "rpc":
			return kind, nil
		case "module":
			return m.ModuleType, nil
		}
	}
	return "", fmt.Errorf("no role for the %s code of a %s", code, kind)
}

// fileNames is how the editor names each code type's file.
var fileNames = map[string]string{
	"communication": "communication", "params": "params", "attach": "attach", "detach": "detach",
	"epoch": "epoch", "staticParams": "static-params", "mappableParams": "mappable-params",
	"interface": "interface", "samples": "samples",
}

// ExpectedPath is where the editor keeps a component's code file:
// <kind>s/<kebab-id>/<kebab-id>.<code>.iml.json.
func ExpectedPath(kind, id, code string) string {
	k := Kebab(id)
	return kind + "s/" + k + "/" + k + "." + fileNames[code] + ".iml.json"
}

// Kebab is the editor's file-name form of a component ID (getSomething →
// get-something).
func Kebab(id string) string {
	var b strings.Builder
	for i, r := range id {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('-')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

var rpcRef = regexp.MustCompile(`rpc://([A-Za-z0-9]+)`)

// Validate checks the app in dir: makecomapp.json, the base and every code
// file against the schema of its role, each file at the editor's path, the
// references between components (connections, webhooks, rpc:// options)
// resolved, and no file in dir left out of makecomapp.json.
func (s *Schemas) Validate(dir string) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	check := func(role, path string) {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(path)))
		if err != nil {
			add("%s: %v", path, err)
			return
		}
		for _, e := range s.Check(role, b) {
			add("%s (%s): %s", path, role, e)
		}
	}
	check("makecomapp", "makecomapp.json")
	app, err := Load(dir)
	if err != nil {
		return append(problems, err.Error())
	}
	used := map[string]bool{"makecomapp.json": true}
	for _, p := range app.Manifest.GeneralCodeFiles {
		if p != nil {
			used[*p] = true
		}
	}
	check("base", "general/base.iml.json")
	comps := app.Manifest.Components
	for _, kind := range sortedKeys(comps) {
		for _, id := range sortedKeys(comps[kind]) {
			m := comps[kind][id]
			for _, code := range sortedKeys(m.CodeFiles) {
				p := m.CodeFiles[code]
				used[p] = true
				if want := ExpectedPath(kind, id, code); p != want {
					add("%s %s: %s is at %s, the editor keeps it at %s", kind, id, code, p, want)
				}
				role, err := Role(kind, code, m)
				if err != nil {
					add("%s %s: %v", kind, id, err)
					continue
				}
				check(role, p)
				b, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
				for _, ref := range rpcRef.FindAllSubmatch(b, -1) {
					if _, ok := comps["rpc"][string(ref[1])]; !ok {
						add("%s: options rpc://%s name no RPC of the app", p, ref[1])
					}
				}
			}
			if m.Connection != "" {
				if _, ok := comps["connection"][m.Connection]; !ok {
					add("%s %s: connection %q is not in the app", kind, id, m.Connection)
				}
			}
			if m.Webhook != "" {
				if _, ok := comps["webhook"][m.Webhook]; !ok {
					add("%s %s: webhook %q is not in the app", kind, id, m.Webhook)
				}
			}
			if kind == "webhook" && m.WebhookType == "web" && (m.CodeFiles["attach"] == "" || m.CodeFiles["detach"] == "") {
				add("webhook %s: a dedicated webhook needs attach and detach", id)
			}
		}
	}
	problems = append(problems, checkGroups(dir, app)...)
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if !used[rel] && !strings.HasPrefix(rel, ".secrets/") {
			add("%s is not named in makecomapp.json", rel)
		}
		return nil
	})
	return problems
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkGroups reads modules/groups.json, the editor's list of module
// groups ({label, modules}): every module in exactly one group, every name
// a module of the app.
func checkGroups(dir string, app *App) []string {
	p := app.Manifest.GeneralCodeFiles["groups"]
	if p == nil {
		return nil
	}
	var groups []struct {
		Label   string   `json:"label"`
		Modules []string `json:"modules"`
	}
	if err := readJSON(filepath.Join(dir, filepath.FromSlash(*p)), &groups); err != nil {
		return []string{err.Error()}
	}
	var out []string
	seen := map[string]int{}
	for _, g := range groups {
		if g.Label == "" || len(g.Modules) == 0 {
			out = append(out, fmt.Sprintf("%s: a group needs a label and modules", *p))
		}
		for _, m := range g.Modules {
			seen[m]++
			if _, ok := app.Manifest.Components["module"][m]; !ok {
				out = append(out, fmt.Sprintf("%s: group %q names no module %q", *p, g.Label, m))
			}
		}
	}
	for _, id := range sortedKeys(app.Manifest.Components["module"]) {
		if seen[id] != 1 {
			out = append(out, fmt.Sprintf("%s: module %s is in %d groups, want 1", *p, id, seen[id]))
		}
	}
	return out
}
