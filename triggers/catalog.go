// Package triggers is the trigger catalog: every event a Zap, a Make
// scenario or an n8n workflow can start from. Each entry names the hub event
// type behind it and the JSON Schema of one trigger item, so the polling
// endpoint, the REST-hook payloads, /v1/meta and the three integration
// packages are all derived from this one list. Adding a trigger is one entry
// here plus its schema.
package triggers

import "github.com/visage-jobs/visage-hub/hub"

// Trigger describes one trigger. Key is the stable public name: it is the
// path segment of GET /v1/triggers/{key}, the Zapier trigger key, the base of
// the Make module names and the n8n event option, so it is never renamed.
type Trigger struct {
	Key         string // snake_case, e.g. "new_candidate"
	Label       string // title case, e.g. "New Candidate"
	Noun        string // what one item is, e.g. "Candidate"
	Description string // one sentence starting "Triggers when …"
	Event       string // the hub event type behind it (hub.Event*)
	// Item is the schema (package schemas) of one trigger item: the
	// resource's fields flattened for field pickers, with `id` being the
	// event's ID so that each occurrence triggers once.
	Item string
	// Important marks the triggers a platform should list first.
	Important bool
}

// Item schemas: one per resource kind, shared by that resource's triggers.
const (
	CandidateItem = "trigger_candidate"
	JobItem       = "trigger_job"
)

var catalog = []Trigger{
	{Key: "new_candidate", Label: "New Candidate", Noun: "Candidate", Important: true,
		Description: "Triggers when Visage sources a new candidate for one of your jobs.",
		Event:       hub.EventCandidateCreated, Item: CandidateItem},
	{Key: "candidate_interested", Label: "Candidate Marked Interested", Noun: "Candidate", Important: true,
		Description: "Triggers when a candidate is marked as interested, each time it happens.",
		Event:       hub.EventCandidateInterested, Item: CandidateItem},
	{Key: "candidate_status_changed", Label: "Candidate Status Changed", Noun: "Candidate",
		Description: "Triggers when a candidate's status changes, with the status before and after.",
		Event:       hub.EventCandidateStatusChanged, Item: CandidateItem},
	{Key: "candidate_updated", Label: "Candidate Updated", Noun: "Candidate",
		Description: "Triggers when any field of a candidate changes.",
		Event:       hub.EventCandidateUpdated, Item: CandidateItem},
	{Key: "new_job", Label: "New Job", Noun: "Job", Important: true,
		Description: "Triggers when a job is created in Visage.",
		Event:       hub.EventJobCreated, Item: JobItem},
	{Key: "job_updated", Label: "Job Updated", Noun: "Job",
		Description: "Triggers when any field of a job changes.",
		Event:       hub.EventJobUpdated, Item: JobItem},
	{Key: "job_closed", Label: "Job Closed", Noun: "Job",
		Description: "Triggers when a job is closed.",
		Event:       hub.EventJobClosed, Item: JobItem},
}

// All returns every trigger in catalog order (a copy: callers may not edit
// the catalog).
func All() []Trigger { return append([]Trigger(nil), catalog...) }

// ByKey finds a trigger by its public key.
func ByKey(key string) (Trigger, bool) {
	for _, t := range catalog {
		if t.Key == key {
			return t, true
		}
	}
	return Trigger{}, false
}

// ForEvent finds the trigger behind an event type; every event type has
// exactly one, which a test checks.
func ForEvent(eventType string) (Trigger, bool) {
	for _, t := range catalog {
		if t.Event == eventType {
			return t, true
		}
	}
	return Trigger{}, false
}
