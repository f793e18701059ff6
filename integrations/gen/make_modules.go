package gen

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/visage-jobs/visage-hub/actions"
	"github.com/visage-jobs/visage-hub/meta"
	"github.com/visage-jobs/visage-hub/schemas"
	"github.com/visage-jobs/visage-hub/triggers"
)

// makeEpochLabel names the item field that labels an item in a polling
// trigger's "choose where to start" list, per trigger item schema.
var makeEpochLabel = map[string]string{
	triggers.CandidateItem: "full_name",
	triggers.JobItem:       "title",
}

// makeTriggerComponents writes, for every catalog trigger, a dedicated
// webhook (attach creates a REST hook for the trigger's event, detach
// deletes it), an instant trigger on it and a polling trigger on
// GET /v1/triggers/{key}. One webhook per trigger fixes the event, so a
// user can never attach a "New Job" module to candidate events.
func makeTriggerComponents() ([]makeComponent, error) {
	var out []makeComponent
	for _, tr := range triggers.All() {
		iface, err := schemas.MakeInterface(tr.Item)
		if err != nil {
			return nil, fmt.Errorf("make: trigger %s: %w", tr.Key, err)
		}
		sample, err := makeSample(tr.Item)
		if err != nil {
			return nil, fmt.Errorf("make: trigger %s: %w", tr.Key, err)
		}
		labelField, ok := makeEpochLabel[tr.Item]
		if !ok || !hasParam(iface, labelField) || !hasParam(iface, "occurred_at") || !hasParam(iface, "id") {
			return nil, fmt.Errorf("make: trigger %s: item %s lacks id, occurred_at or a label field", tr.Key, tr.Item)
		}
		static, err := makePollParams(tr)
		if err != nil {
			return nil, err
		}
		// A candidate trigger's webhook, like its polling twin, can be
		// limited to one job: the hook's filters.job_id. Left empty, Make
		// leaves the key out and filters is {}, every event of the type.
		hookParams := []map[string]any{}
		attachBody := map[string]any{"target_url": "{{webhook.url}}", "event": tr.Event}
		for _, p := range static {
			if p["name"] == "job_id" {
				hookParams = append(hookParams, p)
				attachBody["filters"] = map[string]any{"job_id": "{{parameters.job_id}}"}
			}
		}
		hook := meta.MakeName(tr.Key) + "Hook"
		out = append(out, makeComponent{
			kind: "webhook", id: hook,
			meta: map[string]any{"label": tr.Label, "webhookType": "web", "connection": makeConnection},
			codes: map[string]any{
				"params": hookParams,
				"communication": map[string]any{
					"respond": map[string]any{"type": "json", "status": "200", "body": map[string]any{"received": true}},
				},
				"attach": map[string]any{
					"url": "/v1/hooks", "method": "POST",
					"body":     attachBody,
					"response": map[string]any{"data": map[string]any{"externalHookId": "{{body.id}}"}},
				},
				"detach": map[string]any{"url": "/v1/hooks/{{webhook.externalHookId}}", "method": "DELETE"},
			},
		})
		out = append(out, makeComponent{
			kind: "module", id: meta.MakeName(tr.Key), group: tr.Noun,
			meta: map[string]any{"label": tr.Label + " (Instant)", "description": tr.Description,
				"moduleType": "instant_trigger", "connection": makeConnection, "webhook": hook},
			codes: map[string]any{
				"communication": map[string]any{"output": "{{body.item}}"},
				"staticParams":  []any{},
				"interface":     iface,
				"samples":       sample,
			},
		})
		qs := map[string]any{"limit": "{{parameters.limit}}"}
		if hasParam(static, "job_id") {
			qs["job_id"] = "{{parameters.job_id}}"
		}
		out = append(out, makeComponent{
			kind: "module", id: "watch" + strings.ToUpper(tr.Key[:1]) + meta.MakeName(tr.Key)[1:], group: tr.Noun,
			meta: map[string]any{"label": tr.Label, "description": tr.Description,
				"moduleType": "trigger", "connection": makeConnection},
			codes: map[string]any{
				"communication": map[string]any{
					"url": "/v1/triggers/" + tr.Key, "method": "GET", "qs": qs,
					"response": map[string]any{
						"iterate": "{{body}}",
						"output":  "{{item}}",
						"limit":   "{{parameters.limit}}",
						// Items come newest first and their id is the event's,
						// unique per occurrence: Make stops at the last one seen.
						"trigger": map[string]any{"type": "id", "order": "desc", "id": "{{item.id}}"},
					},
				},
				"epoch": map[string]any{
					"qs": map[string]any{"limit": makeEpochLimit},
					"response": map[string]any{
						"limit": makeEpochLimit,
						"output": map[string]any{
							"label": "{{item." + labelField + "}} ({{item.event_type}})",
							"date":  "{{item.occurred_at}}",
						},
					},
				},
				"staticParams": static,
				"interface":    iface,
				"samples":      sample,
			},
		})
	}
	return out, nil
}

// makePollParams are a polling trigger's settings: how many items a run
// takes and, for candidate triggers, an optional job to watch.
func makePollParams(tr triggers.Trigger) ([]map[string]any, error) {
	ps := []map[string]any{{
		"name": "limit", "type": "uinteger", "label": "Limit", "required": true, "default": 10,
		"validate": map[string]any{"min": 1, "max": makePollLimit},
		"help":     fmt.Sprintf("The most %ss one run of the scenario processes (at most %d).", strings.ToLower(tr.Noun), makePollLimit),
	}}
	if tr.Item != triggers.CandidateItem {
		return ps, nil
	}
	// The job filter reads as the candidate search's, which says the same.
	search, err := schemas.MakeParameters("search_find_candidate", schemas.DefaultRenderOptions())
	if err != nil {
		return nil, fmt.Errorf("make: trigger %s: %w", tr.Key, err)
	}
	for _, p := range search {
		if p["name"] == "job_id" {
			return append(ps, p), nil
		}
	}
	return nil, fmt.Errorf("make: trigger %s: search_find_candidate has no job_id to filter by", tr.Key)
}

// makeActionComponents writes an action module per catalog action (POST
// /v1/actions/{key} with the module's parameters as the body) and a search
// module per search (GET /v1/searches/{key}, one bundle per result).
func makeActionComponents() ([]makeComponent, error) {
	var out []makeComponent
	for _, a := range actions.All() {
		params, err := schemas.MakeParameters(a.Input, schemas.DefaultRenderOptions())
		if err != nil {
			return nil, fmt.Errorf("make: action %s: %w", a.Key, err)
		}
		iface, err := schemas.MakeInterface(a.Output)
		if err != nil {
			return nil, fmt.Errorf("make: action %s: %w", a.Key, err)
		}
		sample, err := makeSample(a.Output)
		if err != nil {
			return nil, fmt.Errorf("make: action %s: %w", a.Key, err)
		}
		md := map[string]any{"label": a.Label, "description": a.Description, "connection": makeConnection}
		var comm map[string]any
		switch a.Kind {
		case actions.Create:
			md["moduleType"] = "action"
			md["actionCrud"] = "update"
			if strings.HasPrefix(a.Key, "create_") {
				md["actionCrud"] = "create"
			}
			// Make leaves out parameters the user left empty, so the body
			// is exactly the fields set: what the action's input schema
			// describes.
			comm = map[string]any{
				"url": "/v1/actions/" + a.Key, "method": "POST", "body": "{{parameters}}",
				"response": map[string]any{"output": "{{body}}"},
			}
		case actions.Search:
			md["moduleType"] = "search"
			qs := map[string]any{}
			for _, p := range params {
				name := p["name"].(string)
				qs[name] = "{{parameters." + name + "}}"
			}
			params = append(params, map[string]any{
				"name": "limit", "type": "uinteger", "label": "Limit", "required": true, "default": 10,
				"validate": map[string]any{"min": 1},
				"help":     fmt.Sprintf("The most %ss returned.", strings.ToLower(a.Noun)),
			})
			comm = map[string]any{
				"url": "/v1/searches/" + a.Key, "method": "GET", "qs": qs,
				"response": map[string]any{"iterate": "{{body}}", "output": "{{item}}", "limit": "{{parameters.limit}}"},
			}
		default:
			return nil, fmt.Errorf("make: action %s: unknown kind %q", a.Key, a.Kind)
		}
		out = append(out, makeComponent{
			kind: "module", id: meta.MakeName(a.Key), group: a.Noun, meta: md,
			codes: map[string]any{
				"communication":  comm,
				"staticParams":   []any{},
				"mappableParams": params,
				"interface":      iface,
				"samples":        sample,
			},
		})
	}
	return out, nil
}

// makeSample is a schema's first example, the module's sample output.
func makeSample(schema string) (any, error) {
	raw, ok := schemas.Example(schema)
	if !ok {
		return nil, fmt.Errorf("schema %s has no example", schema)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("example of %s: %w", schema, err)
	}
	return v, nil
}

func hasParam(ps []map[string]any, name string) bool {
	for _, p := range ps {
		if p["name"] == name {
			return true
		}
	}
	return false
}
