package dispatch

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/schemas"
)

// validation is the body of the challenge sent to a new or changed URL.
type validation struct {
	Type      string `json:"type"`
	Challenge string `json:"challenge"`
}

// Validate sends the signed webhook.validation challenge to the endpoint's
// URL now and records the outcome: a 2xx makes it active, anything else
// leaves it validation_failed with the status or the network error as the
// reason. It runs within the request that saved the URL, bounded by the
// attempt timeout, so the caller sees the result in the response.
func (d *Dispatcher) Validate(ctx context.Context, w hub.Webhook) (hub.Webhook, error) {
	challenge, err := hub.RandomToken(32)
	if err != nil {
		return hub.Webhook{}, err
	}
	body, err := json.Marshal(validation{Type: hub.EventValidation, Challenge: challenge})
	if err != nil {
		return hub.Webhook{}, fmt.Errorf("encode validation: %w", err)
	}
	a := d.sender.Send(ctx, w, hub.NewID(hub.PrefixEvent), body, d.o.Now())
	status, reason := hub.WebhookActive, (*string)(nil)
	if !a.Succeeded() {
		status = hub.WebhookValidationFailed
		var r string
		if a.Error != nil {
			r = "the validation request failed: " + *a.Error
		} else {
			r = fmt.Sprintf("the validation request got HTTP %d; the endpoint must answer 2xx", *a.ResponseStatus)
		}
		reason = &r
	}
	return d.st.SetWebhookValidation(ctx, w.AccountID, w.ID, w.URL, status, reason)
}

// SendTest sends the built-in sample of eventType, marked "test": true, to
// the endpoint now, whatever its status, and records it in the delivery log
// as a one-attempt delivery. It is not retried.
func (d *Dispatcher) SendTest(ctx context.Context, w hub.Webhook, eventType string) (hub.Delivery, error) {
	name, ok := schemas.ForEvent(eventType)
	if !ok {
		return hub.Delivery{}, hub.Invalid(hub.FieldError{Field: "event_type", Message: "unknown event type"})
	}
	sample, ok := schemas.Example(name)
	if !ok {
		return hub.Delivery{}, fmt.Errorf("no sample for %s", eventType)
	}
	var env struct {
		Data           json.RawMessage `json:"data"`
		PreviousStatus *string         `json:"previous_status"`
	}
	if err := json.Unmarshal(sample, &env); err != nil {
		return hub.Delivery{}, fmt.Errorf("decode sample %s: %w", name, err)
	}
	now := hub.TimeOf(d.o.Now())
	ev := hub.Event{ID: hub.NewID(hub.PrefixEvent), Type: eventType, Timestamp: now, Data: env.Data, PreviousStatus: env.PreviousStatus, Test: true}
	body, err := json.Marshal(ev)
	if err != nil {
		return hub.Delivery{}, fmt.Errorf("encode test event: %w", err)
	}
	a := d.sender.Send(ctx, w, ev.ID, body, now.Time)
	a.Attempt, a.RequestBody = 1, string(body)
	dl := hub.Delivery{ID: hub.NewID(hub.PrefixDelivery), AccountID: w.AccountID, EventID: ev.ID, EventType: eventType,
		Status: hub.DeliveryFailed, Test: true, AttemptCount: 1, CreatedAt: now, UpdatedAt: now, Attempts: []hub.Attempt{a}}
	dl.SetEndpoint(w.ID)
	if a.Succeeded() {
		dl.Status = hub.DeliverySucceeded
	}
	d.metrics.latency.Observe(float64(a.DurationMS) / 1000)
	if err := d.st.CreateTestDelivery(ctx, dl, body); err != nil {
		return hub.Delivery{}, err
	}
	return dl, nil
}
