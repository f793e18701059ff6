package meta

import (
	"fmt"
	"strings"
	"sync"

	"github.com/visage-jobs/visage-hub/schemas"
)

var (
	makeOnce sync.Once
	makeView map[string]any
	makeErr  error
)

// Make is the body of GET /v1/meta/make: every catalog entry as a Make
// module, keyed by catalog key, with the module's name (Make's ID syntax
// allows letters and digits only, so new_candidate is newCandidate), label,
// description, type, static parameters, mappable parameters ("expect",
// actions and searches only: instant triggers take static parameters
// only), interface (the item or output schema as schemas.MakeInterface
// renders it) and samples. rpcs describes the option lists the selects
// name ("rpc://listJobs").
func Make() (map[string]any, error) {
	makeOnce.Do(func() { makeView, makeErr = buildMake() })
	return makeView, makeErr
}

func buildMake() (map[string]any, error) {
	c, err := Get()
	if err != nil {
		return nil, err
	}
	opts := schemas.DefaultRenderOptions()
	modules := map[string]any{}
	for _, e := range c.Triggers {
		iface, err := schemas.MakeInterface(e.ItemSchema)
		if err != nil {
			return nil, fmt.Errorf("meta: make trigger %s: %w", e.Key, err)
		}
		m := makeModule(e, "instant_trigger")
		m["interface"] = iface
		modules[e.Key] = m
	}
	for _, e := range append(append([]Entry(nil), c.Actions...), c.Searches...) {
		expect, err := schemas.MakeParameters(e.InputSchema, opts)
		if err != nil {
			return nil, fmt.Errorf("meta: make %s %s: %w", e.Kind, e.Key, err)
		}
		iface, err := schemas.MakeInterface(e.OutputSchema)
		if err != nil {
			return nil, fmt.Errorf("meta: make %s %s: %w", e.Kind, e.Key, err)
		}
		m := makeModule(e, e.Kind) // "action" and "search" are Make's names too
		m["expect"], m["interface"] = expect, iface
		modules[e.Key] = m
	}
	rpcs := map[string]any{}
	for _, d := range opts.Dropdowns {
		if d.Make == "" {
			continue
		}
		rpcs[d.Make] = map[string]any{
			"label":       "List Jobs",
			"description": "The account's open jobs, newest first, as {label, value}.",
			"url":         "/v1/meta/options/jobs",
		}
	}
	return map[string]any{"modules": modules, "rpcs": rpcs}, nil
}

func makeModule(e Entry, typ string) map[string]any {
	return map[string]any{
		"name": MakeName(e.Key), "label": e.Label, "description": e.Description,
		"type": typ, "parameters": []map[string]any{}, "samples": e.Sample,
	}
}

// MakeName turns a catalog key into a Make component ID (letters and digits,
// starting with a letter): new_candidate → newCandidate.
func MakeName(key string) string {
	parts := strings.Split(key, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}
