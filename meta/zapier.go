package meta

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/visage-jobs/visage-hub/schemas"
)

var (
	zapOnce sync.Once
	zapView map[string]any
	zapErr  error
)

// Zapier is the body of GET /v1/meta/zapier: the catalog as the triggers,
// creates, searches and searchOrCreates of a Zapier app definition, each
// entry with key, noun, display, its fields (inputFields as
// schemas.ZapierInputFields renders the input schema, outputFields from
// the item or output schema) and sample. It also holds the hidden job_list
// trigger the job_id dropdowns read (schemas.DefaultRenderOptions).
// Operations (perform, hooks) are the Zapier app's own code.
func Zapier() (map[string]any, error) {
	zapOnce.Do(func() { zapView, zapErr = buildZapier() })
	return zapView, zapErr
}

func buildZapier() (map[string]any, error) {
	c, err := Get()
	if err != nil {
		return nil, err
	}
	opts := schemas.DefaultRenderOptions()
	trig, creates, searches, soc := map[string]any{}, map[string]any{}, map[string]any{}, map[string]any{}
	for _, e := range c.Triggers {
		out, err := schemas.ZapierOutputFields(e.ItemSchema)
		if err != nil {
			return nil, fmt.Errorf("meta: zapier trigger %s: %w", e.Key, err)
		}
		m := zapierEntry(e)
		m["outputFields"] = out
		trig[e.Key] = m
	}
	jobList, err := zapierJobList()
	if err != nil {
		return nil, err
	}
	trig[jobList["key"].(string)] = jobList
	for _, e := range append(append([]Entry(nil), c.Actions...), c.Searches...) {
		in, err := schemas.ZapierInputFields(e.InputSchema, opts)
		if err != nil {
			return nil, fmt.Errorf("meta: zapier %s %s: %w", e.Kind, e.Key, err)
		}
		out, err := schemas.ZapierOutputFields(e.OutputSchema)
		if err != nil {
			return nil, fmt.Errorf("meta: zapier %s %s: %w", e.Kind, e.Key, err)
		}
		m := zapierEntry(e)
		m["inputFields"], m["outputFields"] = in, out
		if e.Kind == KindSearch {
			searches[e.Key] = m
			if e.CreateFallback != "" {
				soc[e.Key] = map[string]any{
					"key": e.Key,
					"display": map[string]any{
						"label":       "Find or Create " + e.Noun,
						"description": e.Description + " Creates the " + strings.ToLower(e.Noun) + " when none is found.",
					},
					"search": e.Key, "create": e.CreateFallback,
				}
			}
			continue
		}
		creates[e.Key] = m
	}
	return map[string]any{"triggers": trig, "creates": creates, "searches": searches, "searchOrCreates": soc}, nil
}

func zapierEntry(e Entry) map[string]any {
	// Zapier's display has no "important" (zapier-platform-schema 19 refuses
	// it); the flag is in GET /v1/meta for the Zapier app to order entries.
	display := map[string]any{"label": e.Label, "description": e.Description}
	return map[string]any{"key": e.Key, "noun": e.Noun, "display": display, "sample": e.Sample}
}

// zapierJobList is the hidden trigger behind Zapier's job dropdowns, named
// by the dropdown reference "job_list.id.label": its items are the open
// jobs as {id, label}, from GET /v1/meta/options/jobs.
func zapierJobList() (map[string]any, error) {
	ref := schemas.DefaultRenderOptions().Dropdowns["job_id"].Zapier
	parts := strings.Split(ref, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("meta: zapier dropdown %q is not trigger.value.label", ref)
	}
	sample, err := sampleJobOption()
	if err != nil {
		return nil, err
	}
	s, err := json.Marshal(map[string]string{parts[1]: sample.Value, parts[2]: sample.Label})
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"key": parts[0], "noun": "Job",
		"display": map[string]any{
			"label": "Job List", "hidden": true,
			"description": "Lists your open jobs for the job dropdowns (GET /v1/meta/options/jobs).",
		},
		"outputFields": []map[string]any{
			{"key": parts[1], "label": "Job ID", "type": "string"},
			{"key": parts[2], "label": "Job", "type": "string"},
		},
		"sample": json.RawMessage(s),
	}, nil
}
