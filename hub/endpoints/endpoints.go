// Package endpoints holds the rules for managing an account's webhook
// endpoints: what a valid URL, event list, job filter and secret are, what
// enabling, disabling, validating, rotating and testing do to an endpoint,
// and when a delivery may be sent again. The JSON API (hub/httpapi) and the
// settings page (hub/web) both call it, so an endpoint saved in a browser
// obeys exactly the rules of one saved with POST /v1/webhooks.
package endpoints

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/ssrf"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/webhook"
)

// Store is the persistence the rules need; *store.Store implements it.
type Store interface {
	CreateWebhook(ctx context.Context, w hub.Webhook) error
	GetWebhook(ctx context.Context, accountID, id string) (hub.Webhook, error)
	UpdateWebhook(ctx context.Context, accountID, id string, change func(*hub.Webhook) error) (hub.Webhook, error)
	DeleteWebhook(ctx context.Context, accountID, id string) error
	RotateWebhookSecret(ctx context.Context, accountID, id, secret string, overlapUntil hub.Time) (hub.Webhook, error)
	JobExists(ctx context.Context, accountID, jobID string) (bool, error)
	GetDelivery(ctx context.Context, accountID, id string) (hub.Delivery, error)
	RetryDelivery(ctx context.Context, accountID, id string) (hub.Delivery, error)
}

// Dispatcher sends validation challenges and test events within the
// request (*dispatch.Dispatcher). It needs no wake-up call from here: the
// store wakes it after every commit that queues deliveries
// (store.SubscribeDue).
type Dispatcher interface {
	Validate(ctx context.Context, w hub.Webhook) (hub.Webhook, error)
	SendTest(ctx context.Context, w hub.Webhook, eventType string) (hub.Delivery, error)
}

// SecretOverlap is how long the previous secret keeps signing after a
// rotation: a day lets a receiver deploy the new secret at leisure.
const SecretOverlap = 24 * time.Hour

// Limits on what an endpoint may hold.
const (
	MaxURL         = 2048
	MaxDescription = 500
)

// Manager applies the rules. Dispatcher may be nil (a hub that does not
// send): new endpoints then stay pending validation and tests are refused.
type Manager struct {
	Store      Store
	Dispatcher Dispatcher
	// Policy is the operator's VISAGE_ALLOW_PRIVATE_TARGETS, checked when
	// a URL is saved.
	Policy string
	// Now is the clock [time.Now].
	Now func() time.Time
}

func (m *Manager) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// Input is what a caller may set. Nil members are left as they are.
type Input struct {
	URL         *string
	Events      *[]string
	JobID       *string
	ClearJob    bool // remove the job filter
	Description *string
	Secret      *string
}

// TargetPolicy is the operator's outbound policy (VISAGE_ALLOW_PRIVATE_TARGETS)
// parsed; webhooks, REST hooks and connector downloads all obey this one.
func (m *Manager) TargetPolicy() (ssrf.Policy, error) {
	p, err := ssrf.ParsePolicy(m.Policy)
	if err != nil {
		return ssrf.Policy{}, &hub.Error{Code: hub.EInternal, Message: "the hub's VISAGE_ALLOW_PRIVATE_TARGETS is invalid", Err: err}
	}
	return p, nil
}

// Check validates every member given and writes the accepted values into
// w; all problems are reported together, field by field (url, events.N,
// job_id, description, secret).
func (m *Manager) Check(ctx context.Context, accountID string, in Input, w *hub.Webhook) error {
	var errs []hub.FieldError
	if in.URL != nil {
		u := strings.TrimSpace(*in.URL)
		pol, err := m.TargetPolicy()
		if err != nil {
			return err
		}
		switch {
		case u == "":
			errs = append(errs, hub.FieldError{Field: "url", Message: "is required"})
		case len(u) > MaxURL:
			errs = append(errs, hub.FieldError{Field: "url", Message: "must be at most 2048 characters"})
		default:
			if err := pol.CheckURL(u); err != nil {
				errs = append(errs, hub.FieldError{Field: "url", Message: err.Error()})
			}
		}
		w.URL = u
	}
	if in.Events != nil {
		seen := map[string]bool{}
		events := []string{}
		for i, e := range *in.Events {
			if !hub.ValidEventType(e) {
				errs = append(errs, hub.FieldError{Field: "events." + strconv.Itoa(i),
					Message: "unknown event type \"" + e + "\"; use one of " + strings.Join(hub.EventTypes, ", ")})
				continue
			}
			if !seen[e] {
				seen[e] = true
				events = append(events, e)
			}
		}
		w.Events = events
	}
	switch {
	case in.ClearJob:
		w.JobID = nil
	case in.JobID != nil:
		id := strings.TrimSpace(*in.JobID)
		ok := hub.ValidID(hub.PrefixJob, id)
		if ok {
			var err error
			if ok, err = m.Store.JobExists(ctx, accountID, id); err != nil {
				return err
			}
		}
		if !ok {
			errs = append(errs, hub.FieldError{Field: "job_id", Message: "no job with this ID in your account"})
		}
		w.JobID = &id
	}
	if in.Description != nil {
		d := strings.TrimSpace(*in.Description)
		if utf8.RuneCountInString(d) > MaxDescription {
			errs = append(errs, hub.FieldError{Field: "description", Message: "must be at most 500 characters"})
		}
		w.Description = d
	}
	if in.Secret != nil {
		if _, err := webhook.ParseSecret(*in.Secret); err != nil {
			errs = append(errs, hub.FieldError{Field: "secret", Message: err.Error()})
		}
		w.Secret = *in.Secret
	}
	if len(errs) > 0 {
		return hub.Invalid(errs...)
	}
	return nil
}

// Create stores a new webhook endpoint (a secret is generated unless one is
// given) and validates it at once.
func (m *Manager) Create(ctx context.Context, accountID string, in Input) (hub.Webhook, error) {
	if in.URL == nil {
		return hub.Webhook{}, hub.Invalid(hub.FieldError{Field: "url", Message: "is required"})
	}
	now := hub.TimeOf(m.now())
	w := hub.Webhook{ID: hub.NewID(hub.PrefixWebhook), AccountID: accountID, Kind: hub.KindWebhook,
		Events: []string{}, Status: hub.WebhookPendingValidation, CreatedAt: now, UpdatedAt: now}
	if err := m.Check(ctx, accountID, in, &w); err != nil {
		return hub.Webhook{}, err
	}
	if in.Secret == nil {
		sec, err := webhook.GenerateSecret()
		if err != nil {
			return hub.Webhook{}, err
		}
		w.Secret = sec
	}
	if err := m.Store.CreateWebhook(ctx, w); err != nil {
		return hub.Webhook{}, err
	}
	return m.validate(ctx, w)
}

// Get returns one of the account's webhooks (REST hooks are not found).
func (m *Manager) Get(ctx context.Context, accountID, id string) (hub.Webhook, error) {
	if !hub.ValidID(hub.PrefixWebhook, id) {
		return hub.Webhook{}, hub.Errorf(hub.ENotFound, "webhook not found")
	}
	w, err := m.Store.GetWebhook(ctx, accountID, id)
	if err != nil {
		return hub.Webhook{}, err
	}
	if w.Kind != hub.KindWebhook {
		return hub.Webhook{}, hub.Errorf(hub.ENotFound, "webhook not found")
	}
	return w, nil
}

// Update changes the URL, events, job filter and description (the secret
// changes only by Rotate). A new URL makes the endpoint pending and is
// validated at once, unless the endpoint is disabled.
func (m *Manager) Update(ctx context.Context, cur hub.Webhook, in Input) (hub.Webhook, error) {
	if in.Secret != nil {
		return hub.Webhook{}, hub.Invalid(hub.FieldError{Field: "secret", Message: "cannot be changed here; use POST /v1/webhooks/{id}/rotate-secret"})
	}
	next := cur
	if err := m.Check(ctx, cur.AccountID, in, &next); err != nil {
		return hub.Webhook{}, err
	}
	urlChanged := next.URL != cur.URL
	w, err := m.Store.UpdateWebhook(ctx, cur.AccountID, cur.ID, func(w *hub.Webhook) error {
		w.URL, w.Events, w.JobID, w.Description = next.URL, next.Events, next.JobID, next.Description
		if w.URL != cur.URL && w.Status != hub.WebhookDisabled {
			w.Status, w.StatusReason = hub.WebhookPendingValidation, nil
		}
		return nil
	})
	if err != nil {
		return hub.Webhook{}, err
	}
	if urlChanged && w.Status == hub.WebhookPendingValidation {
		return m.validate(ctx, w)
	}
	return w, nil
}

// Delete removes the endpoint with its delivery log; nothing more is sent
// to it.
func (m *Manager) Delete(ctx context.Context, w hub.Webhook) error {
	return m.Store.DeleteWebhook(ctx, w.AccountID, w.ID)
}

// validate sends the challenge synchronously (within the attempt timeout),
// so the caller already sees whether the endpoint is active.
func (m *Manager) validate(ctx context.Context, w hub.Webhook) (hub.Webhook, error) {
	if m.Dispatcher == nil {
		return w, nil
	}
	return m.Dispatcher.Validate(ctx, w)
}

// Enable validates the endpoint again (it may have been disabled because
// it was gone) and, on a 2xx, makes it active: its waiting deliveries then
// resume.
func (m *Manager) Enable(ctx context.Context, cur hub.Webhook) (hub.Webhook, error) {
	if cur.Status == hub.WebhookActive {
		return cur, nil
	}
	w, err := m.Store.UpdateWebhook(ctx, cur.AccountID, cur.ID, func(w *hub.Webhook) error {
		w.Status, w.StatusReason, w.DisabledAt, w.FailingSince = hub.WebhookPendingValidation, nil, hub.Time{}, hub.Time{}
		return nil
	})
	if err != nil {
		return hub.Webhook{}, err
	}
	if w, err = m.validate(ctx, w); err != nil {
		return hub.Webhook{}, err
	}
	return w, nil
}

// Disable stops deliveries to the endpoint (they wait until it is enabled),
// saying who disabled it.
func (m *Manager) Disable(ctx context.Context, cur hub.Webhook, actor string) (hub.Webhook, error) {
	reason := "disabled by " + actor
	return m.Store.UpdateWebhook(ctx, cur.AccountID, cur.ID, func(w *hub.Webhook) error {
		if w.Status != hub.WebhookDisabled {
			w.Status, w.StatusReason, w.DisabledAt = hub.WebhookDisabled, &reason, hub.TimeOf(m.now())
		}
		return nil
	})
}

// Revalidate sends the validation challenge again.
func (m *Manager) Revalidate(ctx context.Context, w hub.Webhook) (hub.Webhook, error) {
	if w.Status == hub.WebhookDisabled {
		return hub.Webhook{}, hub.Errorf(hub.EConflict, "the webhook is disabled; enable it, which validates it")
	}
	if m.Dispatcher == nil {
		return hub.Webhook{}, hub.Errorf(hub.EUnavailable, "webhook sending is not running on this hub")
	}
	return m.Dispatcher.Validate(ctx, w)
}

// PreviousSecretExpiresAt is when the previous secret stops signing, or
// zero when only the current one signs.
func (m *Manager) PreviousSecretExpiresAt(w hub.Webhook) hub.Time {
	if w.PreviousSecret == "" || !m.now().Before(w.PreviousExpiresAt.Time) {
		return hub.Time{}
	}
	return w.PreviousExpiresAt
}

// Rotate makes secret (or a generated one when nil) the signing secret;
// the current one keeps signing beside it for SecretOverlap.
func (m *Manager) Rotate(ctx context.Context, cur hub.Webhook, secret *string) (hub.Webhook, error) {
	var sec string
	if secret != nil {
		if _, err := webhook.ParseSecret(*secret); err != nil {
			return hub.Webhook{}, hub.Invalid(hub.FieldError{Field: "secret", Message: err.Error()})
		}
		if *secret == cur.Secret {
			return hub.Webhook{}, hub.Invalid(hub.FieldError{Field: "secret", Message: "is the current secret; send a new one or none to have one generated"})
		}
		sec = *secret
	} else {
		var err error
		if sec, err = webhook.GenerateSecret(); err != nil {
			return hub.Webhook{}, err
		}
	}
	return m.Store.RotateWebhookSecret(ctx, cur.AccountID, cur.ID, sec, hub.TimeOf(m.now().Add(SecretOverlap)))
}

// DefaultTestEvent is the event type a test sends when none is chosen:
// the endpoint's first subscribed type, else candidate.created.
func DefaultTestEvent(w hub.Webhook) string {
	if len(w.Events) > 0 {
		return w.Events[0]
	}
	return hub.EventCandidateCreated
}

// SendTest sends a sample event of eventType, marked test, now, and
// returns its delivery with the one attempt.
func (m *Manager) SendTest(ctx context.Context, w hub.Webhook, eventType string) (hub.Delivery, error) {
	if !hub.ValidEventType(eventType) {
		return hub.Delivery{}, hub.Invalid(hub.FieldError{Field: "event_type", Message: "unknown event type; use one of " + strings.Join(hub.EventTypes, ", ")})
	}
	if m.Dispatcher == nil {
		return hub.Delivery{}, hub.Errorf(hub.EUnavailable, "webhook sending is not running on this hub")
	}
	return m.Dispatcher.SendTest(ctx, w, eventType)
}

// Retry queues one more attempt of a delivery now. Its endpoint must be
// active: a disabled one would hold the delivery without saying so.
func (m *Manager) Retry(ctx context.Context, accountID, id string) (hub.Delivery, error) {
	if !hub.ValidID(hub.PrefixDelivery, id) {
		return hub.Delivery{}, hub.Errorf(hub.ENotFound, "delivery not found")
	}
	d, err := m.Store.GetDelivery(ctx, accountID, id)
	if err != nil {
		return hub.Delivery{}, err
	}
	w, err := m.Store.GetWebhook(ctx, accountID, d.EndpointID)
	if err != nil {
		return hub.Delivery{}, err
	}
	if err := RequireActive(w); err != nil {
		return hub.Delivery{}, err
	}
	if d, err = m.Store.RetryDelivery(ctx, accountID, id); err != nil {
		return hub.Delivery{}, err
	}
	return d, nil
}

// RequireActive refuses to queue deliveries for an endpoint that would not
// send them.
func RequireActive(w hub.Webhook) error {
	if w.Status != hub.WebhookActive {
		return hub.Errorf(hub.EConflict, "the endpoint is %s; enable or validate it first", strings.ReplaceAll(string(w.Status), "_", " "))
	}
	return nil
}

// The real store implements Store.
var _ Store = (*store.Store)(nil)
