package hub

import (
	"encoding/json"
	"time"
)

// EndpointKind says how an endpoint was made. Webhooks are set up by people
// in the settings page or the API; REST hooks are made and removed by
// Zapier, Make and n8n. Both share one table and one delivery machine, so a
// REST hook is signed, retried and logged exactly like a webhook.
type EndpointKind string

// The endpoint kinds.
const (
	KindWebhook EndpointKind = "webhook"
	KindHook    EndpointKind = "hook"
)

// WebhookStatus is where an endpoint is in its life. Only active endpoints
// receive events; the others say why not in StatusReason.
type WebhookStatus string

// The webhook statuses.
const (
	WebhookPendingValidation WebhookStatus = "pending_validation"
	WebhookActive            WebhookStatus = "active"
	WebhookValidationFailed  WebhookStatus = "validation_failed"
	WebhookDisabled          WebhookStatus = "disabled"
)

// EventValidation is the type of the challenge sent to a new or changed
// endpoint URL. It is not an event type a subscriber can choose.
const EventValidation = "webhook.validation"

// Webhook is an endpoint that events are pushed to. The signing secrets are
// never part of its JSON: they are shown only on creation, rotation and the
// dedicated secret route, so a list or a log never leaks them.
type Webhook struct {
	ID           string        `json:"id" db:"id"`
	AccountID    string        `json:"-" db:"account_id"`
	Kind         EndpointKind  `json:"-" db:"kind"`
	URL          string        `json:"url" db:"url"`
	Events       []string      `json:"events" db:"-"`
	JobID        *string       `json:"job_id" db:"job_id"`
	Description  string        `json:"description" db:"description"`
	Status       WebhookStatus `json:"status" db:"status"`
	StatusReason *string       `json:"status_reason" db:"status_reason"`
	DisabledAt   Time          `json:"disabled_at" db:"disabled_at"`
	CreatedAt    Time          `json:"created_at" db:"created_at"`
	UpdatedAt    Time          `json:"updated_at" db:"updated_at"`

	// Filters are a REST hook's extra conditions, kept as given.
	Filters json.RawMessage `json:"-" db:"-"`
	// Secret signs every delivery. PreviousSecret keeps signing beside it
	// until PreviousExpiresAt after a rotation, so receivers can switch
	// without a window of rejected deliveries.
	Secret            string `json:"-" db:"secret"`
	PreviousSecret    string `json:"-" db:"previous_secret"`
	PreviousExpiresAt Time   `json:"-" db:"previous_expires_at"`
	// FailingSince is when the current run of failed attempts began; it is
	// cleared by any success and disables the endpoint when it gets too old.
	FailingSince Time `json:"-" db:"failing_since"`
}

// SigningSecrets returns the secrets that sign a delivery made at t: the
// current one, and the previous one while its overlap lasts.
func (w Webhook) SigningSecrets(t time.Time) []string {
	out := []string{w.Secret}
	if w.PreviousSecret != "" && t.Before(w.PreviousExpiresAt.Time) {
		out = append(out, w.PreviousSecret)
	}
	return out
}

// Wants reports whether the endpoint subscribes to an event: its type is
// listed (or the list is empty, meaning all) and, with a job filter, the
// event is about that job.
func (w Webhook) Wants(eventType, jobID string) bool {
	if w.JobID != nil && *w.JobID != jobID {
		return false
	}
	if len(w.Events) == 0 {
		return true
	}
	for _, e := range w.Events {
		if e == eventType {
			return true
		}
	}
	return false
}

// DeliveryStatus is where one event's delivery to one endpoint stands.
type DeliveryStatus string

// The delivery statuses. Pending and retrying are waiting for an attempt;
// succeeded and failed are final until someone replays the delivery.
const (
	DeliveryPending   DeliveryStatus = "pending"
	DeliveryRetrying  DeliveryStatus = "retrying"
	DeliverySucceeded DeliveryStatus = "succeeded"
	DeliveryFailed    DeliveryStatus = "failed"
)

// ValidDeliveryStatus reports whether s names a delivery status, for query
// filters.
func ValidDeliveryStatus(s string) bool {
	switch DeliveryStatus(s) {
	case DeliveryPending, DeliveryRetrying, DeliverySucceeded, DeliveryFailed:
		return true
	}
	return false
}

// Delivery is one event on its way to one endpoint, with the log of every
// attempt. WebhookID or HookID is set depending on the endpoint's kind, so a
// Zapier hook's deliveries name the hook the platform knows.
type Delivery struct {
	ID            string         `json:"id" db:"id"`
	AccountID     string         `json:"-" db:"account_id"`
	EndpointID    string         `json:"-" db:"endpoint_id"`
	WebhookID     string         `json:"webhook_id,omitempty" db:"-"`
	HookID        string         `json:"hook_id,omitempty" db:"-"`
	EventID       string         `json:"event_id" db:"event_id"`
	EventType     string         `json:"event_type" db:"event_type"`
	Status        DeliveryStatus `json:"status" db:"status"`
	Test          bool           `json:"test" db:"test"`
	AttemptCount  int            `json:"attempt_count" db:"attempts"`
	NextAttemptAt Time           `json:"next_attempt_at" db:"next_attempt_at"`
	CreatedAt     Time           `json:"created_at" db:"created_at"`
	UpdatedAt     Time           `json:"updated_at" db:"updated_at"`
	Attempts      []Attempt      `json:"attempts,omitempty" db:"-"`
}

// SetEndpoint fills EndpointID and the kind-specific ID member.
func (d *Delivery) SetEndpoint(id string) {
	d.EndpointID = id
	d.WebhookID, d.HookID = "", ""
	if len(id) > len(PrefixHook) && id[:len(PrefixHook)+1] == PrefixHook+"_" {
		d.HookID = id
	} else {
		d.WebhookID = id
	}
}

// MaxLoggedBody is how much of a response body the delivery log keeps: enough
// to read an error page, bounded so a chatty endpoint cannot fill the
// database.
const MaxLoggedBody = 20 << 10

// Attempt is one HTTP request of a delivery, as the delivery log shows it.
// ResponseStatus is nil when no response came (refused, timed out, network
// error); Error says why.
type Attempt struct {
	Attempt        int               `json:"attempt"`
	RequestHeaders map[string]string `json:"request_headers"`
	// RequestBody is the body sent, the same in every attempt of a
	// delivery (only the signed headers change); it is read from the event
	// when the log is shown rather than stored once per attempt, and is
	// empty once the event was pruned.
	RequestBody     string            `json:"request_body"`
	ResponseStatus  *int              `json:"response_status"`
	ResponseHeaders map[string]string `json:"response_headers"`
	ResponseBody    string            `json:"response_body"`
	DurationMS      int64             `json:"duration_ms"`
	Error           *string           `json:"error"`
	SentAt          Time              `json:"sent_at"`
	NextAttemptAt   Time              `json:"next_attempt_at"`
}

// Succeeded reports whether the attempt got a 2xx answer, the only outcome
// that counts as delivered (3xx included in failures: redirects are not
// followed).
func (a Attempt) Succeeded() bool {
	return a.ResponseStatus != nil && *a.ResponseStatus >= 200 && *a.ResponseStatus < 300
}
