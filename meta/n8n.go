package meta

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/visage-jobs/visage-hub/schemas"
)

var (
	n8nOnce sync.Once
	n8nView map[string]any
	n8nErr  error
)

// N8n is the body of GET /v1/meta/n8n, every list an n8n INodeProperties[]:
//
//   - resources: the action node's resource selector (one option per noun,
//     value "job" or "candidate") and, per resource, its operation selector
//     (shown for that resource; one option per action or search, value the
//     catalog key, with routing.request: POST /v1/actions/{key} or GET
//     /v1/searches/{key});
//   - operations: per catalog key, that operation's fields as
//     schemas.N8nProperties renders the input schema, shown for its
//     resource and operation and routed into the body (actions) or the
//     query (searches);
//   - triggers: the trigger node's event selector, one option per trigger.
//
// A declarative node's properties are resources followed by every
// operations list.
func N8n() (map[string]any, error) {
	n8nOnce.Do(func() { n8nView, n8nErr = buildN8n() })
	return n8nView, n8nErr
}

// N8nResource is the resource value of a noun ("Job" → "job").
func N8nResource(noun string) string { return strings.ToLower(strings.ReplaceAll(noun, " ", "")) }

func buildN8n() (map[string]any, error) {
	c, err := Get()
	if err != nil {
		return nil, err
	}
	ops := append(append([]Entry(nil), c.Actions...), c.Searches...)
	var resources []string
	byResource := map[string][]map[string]any{}
	operations := map[string]any{}
	for _, e := range ops {
		res := N8nResource(e.Noun)
		if _, seen := byResource[res]; !seen {
			resources = append(resources, res)
		}
		byResource[res] = append(byResource[res], map[string]any{
			"name": e.Label, "value": e.Key, "action": e.Label, "description": e.Description,
			"routing": map[string]any{"request": map[string]any{"method": e.Method, "url": e.Path}},
		})
		o := schemas.N8nOptions{RenderOptions: schemas.DefaultRenderOptions(), Resource: res, Operation: e.Key, Send: "body"}
		if e.Kind == KindSearch {
			o.Send = "query"
		}
		if strings.HasPrefix(e.Key, "update_") {
			o.CollectionName, o.CollectionDisplayName = "updateFields", "Update Fields"
		}
		ps, err := schemas.N8nProperties(e.InputSchema, o)
		if err != nil {
			return nil, fmt.Errorf("meta: n8n %s %s: %w", e.Kind, e.Key, err)
		}
		operations[e.Key] = ps
	}
	resOptions := make([]map[string]any, 0, len(resources))
	for _, r := range resources {
		resOptions = append(resOptions, map[string]any{"name": strings.ToUpper(r[:1]) + r[1:], "value": r})
	}
	byName(resOptions)
	props := []map[string]any{{
		"displayName": "Resource", "name": "resource", "type": "options", "noDataExpression": true,
		"options": resOptions, "default": resOptions[0]["value"],
	}}
	for _, r := range resources {
		options := byName(byResource[r])
		props = append(props, map[string]any{
			"displayName": "Operation", "name": "operation", "type": "options", "noDataExpression": true,
			"displayOptions": map[string]any{"show": map[string]any{"resource": []any{r}}},
			"options":        options, "default": options[0]["value"],
		})
	}
	var events []map[string]any
	for _, e := range c.Triggers {
		events = append(events, map[string]any{"name": e.Label, "value": e.Key, "description": e.Description})
	}
	byName(events)
	trig := []map[string]any{{
		"displayName": "Event", "name": "event", "type": "options", "required": true,
		"options": events, "default": events[0]["value"],
		"description": "The Visage event that starts the workflow",
	}}
	return map[string]any{"resources": props, "operations": operations, "triggers": trig}, nil
}

// byName sorts options by name, as n8n's linter asks.
func byName(options []map[string]any) []map[string]any {
	sort.SliceStable(options, func(i, j int) bool { return options[i]["name"].(string) < options[j]["name"].(string) })
	return options
}
