// Package meta renders the trigger and action catalogs for GET /v1/meta and
// its platform views: the catalog itself, and the same entries in Zapier's,
// Make's and n8n's own field formats through the renderers of package
// schemas. Everything here is derived from packages triggers, actions and
// schemas, so a new catalog entry appears in every view without an edit
// here; the views are static, so each is built once.
package meta

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/visage-jobs/visage-hub/actions"
	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/schemas"
	"github.com/visage-jobs/visage-hub/triggers"
)

// Entry kinds: a trigger, or an actions.Kind.
const (
	KindTrigger = "trigger"
	KindAction  = string(actions.Create)
	KindSearch  = string(actions.Search)
)

// Entry is one trigger, action or search as GET /v1/meta lists it: the
// catalog's fields, the endpoint that runs it and a sample of what it
// returns, so a connector can be built from this document alone.
type Entry struct {
	Key         string `json:"key"`
	Kind        string `json:"kind"`
	Label       string `json:"label"`
	Noun        string `json:"noun"`
	Description string `json:"description"`
	// Event is the hub event type behind a trigger.
	Event string `json:"event,omitempty"`
	// ItemSchema (triggers), InputSchema and OutputSchema (actions and
	// searches) name schemas served by /v1/meta/schemas/{name}.
	ItemSchema     string `json:"item_schema,omitempty"`
	InputSchema    string `json:"input_schema,omitempty"`
	OutputSchema   string `json:"output_schema,omitempty"`
	CreateFallback string `json:"create_fallback,omitempty"`
	Important      bool   `json:"important"`
	Method         string `json:"method"`
	Path           string `json:"path"`
	// Sample is one trigger item (the built-in sample event of the
	// trigger's type, flattened), or the example of the output schema: the
	// resource an action returns, one search result.
	Sample json.RawMessage `json:"sample"`
}

// EventType describes one hub event type: the schema of its delivery body
// and the trigger that starts from it.
type EventType struct {
	Type    string `json:"type"`
	Label   string `json:"label"`
	Schema  string `json:"schema"`
	Trigger string `json:"trigger"`
}

// Catalog is the body of GET /v1/meta.
type Catalog struct {
	Triggers   []Entry     `json:"triggers"`
	Actions    []Entry     `json:"actions"`
	Searches   []Entry     `json:"searches"`
	EventTypes []EventType `json:"event_types"`
}

var (
	catOnce sync.Once
	cat     Catalog
	catErr  error
)

// Get returns the catalog, built on first use. An error means a catalog
// entry names a schema that is missing or has no example: a bug the
// package tests catch.
func Get() (Catalog, error) {
	catOnce.Do(func() { cat, catErr = build() })
	return cat, catErr
}

func build() (Catalog, error) {
	c := Catalog{Triggers: []Entry{}, Actions: []Entry{}, Searches: []Entry{}, EventTypes: []EventType{}}
	for _, t := range triggers.All() {
		sample, err := triggerSample(t)
		if err != nil {
			return c, fmt.Errorf("meta: trigger %s: %w", t.Key, err)
		}
		c.Triggers = append(c.Triggers, Entry{
			Key: t.Key, Kind: KindTrigger, Label: t.Label, Noun: t.Noun, Description: t.Description,
			Event: t.Event, ItemSchema: t.Item, Important: t.Important,
			Method: "GET", Path: "/v1/triggers/" + t.Key, Sample: sample,
		})
	}
	for _, a := range actions.All() {
		sample, err := sampleOf(a.Output)
		if err != nil {
			return c, fmt.Errorf("meta: %s %s: %w", a.Kind, a.Key, err)
		}
		if _, ok := schemas.Raw(a.Input); !ok {
			return c, fmt.Errorf("meta: %s %s: no input schema %s", a.Kind, a.Key, a.Input)
		}
		e := Entry{
			Key: a.Key, Kind: string(a.Kind), Label: a.Label, Noun: a.Noun, Description: a.Description,
			InputSchema: a.Input, OutputSchema: a.Output, CreateFallback: a.CreateFallback, Important: a.Important,
			Sample: sample,
		}
		switch a.Kind {
		case actions.Search:
			e.Method, e.Path = "GET", "/v1/searches/"+a.Key
			c.Searches = append(c.Searches, e)
		default:
			e.Method, e.Path = "POST", "/v1/actions/"+a.Key
			c.Actions = append(c.Actions, e)
		}
	}
	for _, et := range hub.EventTypes {
		name, ok := schemas.ForEvent(et)
		t, hasTrigger := triggers.ForEvent(et)
		if !ok || !hasTrigger {
			return c, fmt.Errorf("meta: event type %s has no schema or no trigger", et)
		}
		c.EventTypes = append(c.EventTypes, EventType{Type: et, Label: t.Label + " (" + et + ")", Schema: name, Trigger: t.Key})
	}
	return c, nil
}

// triggerSample is the item the trigger's built-in sample event gives (so
// its event_type is the trigger's), flattened as polling and hooks do.
func triggerSample(t triggers.Trigger) (json.RawMessage, error) {
	ev, err := triggers.Sample(t.Event)
	if err != nil {
		return nil, err
	}
	return triggers.Item(ev)
}

func sampleOf(schema string) (json.RawMessage, error) {
	s, ok := schemas.Example(schema)
	if !ok {
		return nil, fmt.Errorf("schema %s is missing or has no example", schema)
	}
	return s, nil
}

// entries lists triggers, actions and searches in that order.
func (c Catalog) entries() []Entry {
	out := append([]Entry(nil), c.Triggers...)
	out = append(out, c.Actions...)
	return append(out, c.Searches...)
}

// Find returns the entry of the given kind and key.
func (c Catalog) Find(kind, key string) (Entry, bool) {
	for _, e := range c.entries() {
		if e.Kind == kind && e.Key == key {
			return e, true
		}
	}
	return Entry{}, false
}
