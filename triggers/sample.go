package triggers

import (
	"encoding/json"
	"fmt"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/schemas"
)

// Sample returns the built-in sample event of an event type: the first
// example of its schema (schemas.ForEvent), which the schema tests keep
// valid. It is what GET /v1/samples answers before an account has a real
// event of that type, so a Zap or scenario can be built on day one.
func Sample(eventType string) (hub.Event, error) {
	name, ok := schemas.ForEvent(eventType)
	if !ok {
		return hub.Event{}, fmt.Errorf("triggers: no schema for event type %q", eventType)
	}
	raw, ok := schemas.Example(name)
	if !ok {
		return hub.Event{}, fmt.Errorf("triggers: schema %s has no example", name)
	}
	var ev hub.Event
	if err := json.Unmarshal(raw, &ev); err != nil {
		return hub.Event{}, fmt.Errorf("triggers: decode the example of %s: %w", name, err)
	}
	return ev, nil
}
