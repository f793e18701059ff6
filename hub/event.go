package hub

import "encoding/json"

// Event types. Each has a JSON Schema (schemas/json/event_*.json) and a
// sample; the trigger catalog describes them for the connector platforms.
const (
	EventCandidateCreated       = "candidate.created"
	EventCandidateInterested    = "candidate.interested"
	EventCandidateUpdated       = "candidate.updated"
	EventCandidateStatusChanged = "candidate.status_changed"
	EventJobCreated             = "job.created"
	EventJobUpdated             = "job.updated"
	EventJobClosed              = "job.closed"
)

// EventTypes lists every event type in a stable order.
var EventTypes = []string{
	EventCandidateCreated, EventCandidateInterested, EventCandidateUpdated,
	EventCandidateStatusChanged, EventJobCreated, EventJobUpdated, EventJobClosed,
}

// ValidEventType reports whether t is a known event type.
func ValidEventType(t string) bool {
	for _, e := range EventTypes {
		if e == t {
			return true
		}
	}
	return false
}

// Event is one entry of the transactional outbox: written in the same
// transaction as the change it reports, carrying the full resource as it is
// after the change, so a committed change is never lost and never announced
// when it failed. Its JSON form is the webhook delivery body.
type Event struct {
	ID             string          `json:"id"`
	AccountID      string          `json:"-"`
	Type           string          `json:"type"`
	Timestamp      Time            `json:"timestamp"`
	Data           json.RawMessage `json:"data"`
	PreviousStatus *string         `json:"previous_status,omitempty"`
	Test           bool            `json:"test,omitempty"`
	// ResourceID and JobID let webhooks filter by job without parsing Data.
	ResourceID string `json:"-"`
	JobID      string `json:"-"`
}
