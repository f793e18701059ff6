package httpapi

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/ssrf"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/webhook"
)

// WebhookStore is the persistence of webhook endpoints and their delivery
// log; *store.Store implements it.
type WebhookStore interface {
	CreateWebhook(ctx context.Context, w hub.Webhook) error
	GetWebhook(ctx context.Context, accountID, id string) (hub.Webhook, error)
	ListWebhooks(ctx context.Context, accountID string, f store.WebhookFilter, p hub.Page) ([]hub.Webhook, bool, error)
	UpdateWebhook(ctx context.Context, accountID, id string, change func(*hub.Webhook) error) (hub.Webhook, error)
	DeleteWebhook(ctx context.Context, accountID, id string) error
	RotateWebhookSecret(ctx context.Context, accountID, id, secret string, overlapUntil hub.Time) (hub.Webhook, error)
	JobExists(ctx context.Context, accountID, jobID string) (bool, error)
	ListDeliveries(ctx context.Context, accountID, endpointID string, f store.DeliveryFilter, p hub.Page) ([]hub.Delivery, bool, error)
	GetDelivery(ctx context.Context, accountID, id string) (hub.Delivery, error)
	RetryDelivery(ctx context.Context, accountID, id string) (hub.Delivery, error)
	ReplayDeliveries(ctx context.Context, accountID, endpointID string, since, until hub.Time, statuses []hub.DeliveryStatus) (int, error)
}

// Dispatcher is what the API needs from the webhook dispatcher
// (*dispatch.Dispatcher): sending validation challenges and test events
// within a request, and a wake-up call after events are committed.
type Dispatcher interface {
	Validate(ctx context.Context, w hub.Webhook) (hub.Webhook, error)
	SendTest(ctx context.Context, w hub.Webhook, eventType string) (hub.Delivery, error)
	Notify()
}

// notifyEvents wakes the dispatcher after a transaction that wrote events
// has committed, so deliveries start at once instead of at the next poll.
// Handlers call it after the store call returned nil; it never blocks.
func (s *Server) notifyEvents() {
	if s.dispatcher != nil {
		s.dispatcher.Notify()
	}
}

// wakeDispatcher wakes the dispatcher after every successful write request.
// Writes commit their events inside the store call, so by the time the
// handler returns they are visible; waking here covers every handler that
// writes events (jobs, candidates, actions, and whatever comes next)
// without each having to remember, and costs one non-blocking channel send.
// PostgreSQL also wakes every process's dispatcher by NOTIFY (see the
// 00006 migration), so this matters most on SQLite.
func (s *Server) wakeDispatcher(c *fiber.Ctx) error {
	err := c.Next()
	switch c.Method() {
	case fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch, fiber.MethodDelete:
		if err == nil && c.Response().StatusCode() < 400 {
			s.notifyEvents()
		}
	}
	return err
}

// SecretOverlap is how long the previous secret keeps signing after a
// rotation: a day lets a receiver deploy the new secret at leisure.
const SecretOverlap = 24 * time.Hour

// webhookRoutes lists this file's routes; see routeTable.
func (s *Server) webhookRoutes() []Route {
	const tag = "Webhooks"
	return []Route{
		{Method: "GET", Path: "/v1/webhooks", Access: AnyCaller, Summary: "List webhook endpoints, newest first", Tag: tag,
			Query: append([]Param{{Name: "status", Type: "string", Description: "Only endpoints with this status.",
				Enum: []string{"pending_validation", "active", "validation_failed", "disabled"}}}, paging...), handler: s.listWebhooks},
		{Method: "POST", Path: "/v1/webhooks", Access: Admins, JSON: true, Status: fiber.StatusCreated, Tag: tag,
			Summary: "Create a webhook endpoint (validated at once; the secret is shown in this response)", handler: s.createWebhook},
		{Method: "GET", Path: "/v1/webhooks/:id", Access: AnyCaller, Summary: "Get a webhook endpoint", Tag: tag, handler: s.getWebhook},
		{Method: "PATCH", Path: "/v1/webhooks/:id", Access: Admins, JSON: true, Tag: tag,
			Summary: "Change a webhook endpoint (a new URL is validated at once)", handler: s.updateWebhook},
		{Method: "DELETE", Path: "/v1/webhooks/:id", Access: Admins, Status: fiber.StatusNoContent, Tag: tag,
			Summary: "Delete a webhook endpoint and its delivery log", handler: s.deleteWebhook},
		{Method: "POST", Path: "/v1/webhooks/:id/enable", Access: Admins, Tag: tag,
			Summary: "Enable a webhook endpoint (validates it; waiting deliveries resume)", handler: s.enableWebhook},
		{Method: "POST", Path: "/v1/webhooks/:id/disable", Access: Admins, Tag: tag,
			Summary: "Disable a webhook endpoint (deliveries wait until it is enabled)", handler: s.disableWebhook},
		{Method: "POST", Path: "/v1/webhooks/:id/validate", Access: Admins, Tag: tag,
			Summary: "Send the validation challenge again", handler: s.validateWebhook},
		{Method: "GET", Path: "/v1/webhooks/:id/secret", Access: Admins, Tag: tag,
			Summary: "Get the endpoint's signing secret", handler: s.getWebhookSecret},
		{Method: "POST", Path: "/v1/webhooks/:id/rotate-secret", Access: Admins, JSON: true, Tag: tag,
			Summary: "Rotate the signing secret (the old one keeps signing for 24 hours)", handler: s.rotateWebhookSecret},
		{Method: "POST", Path: "/v1/webhooks/:id/test", Access: Admins, JSON: true, Tag: tag,
			Summary: "Send a sample event marked test now and return the delivery with its attempt", handler: s.testWebhook},
	}
}

// webhookWithSecret is the shape of the responses that reveal the secret.
type webhookWithSecret struct {
	hub.Webhook
	Secret string `json:"secret"`
}

// webhookInput is the body of create and update. Pointers tell a member
// left out from one sent.
type webhookInput struct {
	URL         *string   `json:"url"`
	Events      *[]string `json:"events"`
	JobID       *string   `json:"job_id"`
	Description *string   `json:"description"`
	Secret      *string   `json:"secret"`
}

const (
	maxWebhookURL         = 2048
	maxWebhookDescription = 500
)

// policy is the operator's SSRF policy, checked when a URL is saved.
func (s *Server) policy() (ssrf.Policy, error) {
	p, err := ssrf.ParsePolicy(s.cfg.AllowPrivateTargets)
	if err != nil {
		return ssrf.Policy{}, &hub.Error{Code: hub.EInternal, Message: "the hub's VISAGE_ALLOW_PRIVATE_TARGETS is invalid", Err: err}
	}
	return p, nil
}

// checkWebhookInput validates every member sent and writes the accepted
// values into w; all problems are reported together, field by field.
func (s *Server) checkWebhookInput(c *fiber.Ctx, in webhookInput, clearJob bool, w *hub.Webhook) error {
	var errs []hub.FieldError
	if in.URL != nil {
		u := strings.TrimSpace(*in.URL)
		pol, err := s.policy()
		if err != nil {
			return err
		}
		switch {
		case u == "":
			errs = append(errs, hub.FieldError{Field: "url", Message: "is required"})
		case len(u) > maxWebhookURL:
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
	case clearJob:
		w.JobID = nil
	case in.JobID != nil:
		id := strings.TrimSpace(*in.JobID)
		ok := hub.ValidID(hub.PrefixJob, id)
		if ok {
			var err error
			if ok, err = s.webhookStore().JobExists(c.UserContext(), principal(c).AccountID, id); err != nil {
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
		if utf8.RuneCountInString(d) > maxWebhookDescription {
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

// webhookStore returns the store's webhook side.
func (s *Server) webhookStore() WebhookStore { return s.store }

// webhookID reads :id, answering 404 for anything that is not a webhook ID.
func webhookID(c *fiber.Ctx) (string, error) {
	id := c.Params("id")
	if !hub.ValidID(hub.PrefixWebhook, id) {
		return "", hub.Errorf(hub.ENotFound, "webhook not found")
	}
	return id, nil
}

func (s *Server) createWebhook(c *fiber.Ctx) error {
	var in webhookInput
	if err := decodeJSON(c, &in, false); err != nil {
		return err
	}
	if in.URL == nil {
		return hub.Invalid(hub.FieldError{Field: "url", Message: "is required"})
	}
	now := hub.Now()
	w := hub.Webhook{ID: hub.NewID(hub.PrefixWebhook), AccountID: principal(c).AccountID, Kind: hub.KindWebhook,
		Events: []string{}, Status: hub.WebhookPendingValidation, CreatedAt: now, UpdatedAt: now}
	if err := s.checkWebhookInput(c, in, false, &w); err != nil {
		return err
	}
	if in.Secret == nil {
		sec, err := webhook.GenerateSecret()
		if err != nil {
			return err
		}
		w.Secret = sec
	}
	if err := s.webhookStore().CreateWebhook(c.UserContext(), w); err != nil {
		return err
	}
	w, err := s.validate(c, w)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/v1/webhooks/"+w.ID)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return sendJSON(c, fiber.StatusCreated, webhookWithSecret{Webhook: w, Secret: w.Secret})
}

// validate sends the challenge synchronously (within the attempt timeout),
// so the response already says whether the endpoint is active.
func (s *Server) validate(c *fiber.Ctx, w hub.Webhook) (hub.Webhook, error) {
	if s.dispatcher == nil {
		return w, nil
	}
	return s.dispatcher.Validate(c.UserContext(), w)
}

func (s *Server) listWebhooks(c *fiber.Ctx) error {
	status := c.Query("status")
	switch hub.WebhookStatus(status) {
	case "", hub.WebhookPendingValidation, hub.WebhookActive, hub.WebhookValidationFailed, hub.WebhookDisabled:
	default:
		return hub.Invalid(hub.FieldError{Field: "status", Message: "must be one of pending_validation, active, validation_failed, disabled"})
	}
	page, err := s.page(c, status)
	if err != nil {
		return err
	}
	ws, more, err := s.webhookStore().ListWebhooks(c.UserContext(), principal(c).AccountID,
		store.WebhookFilter{Kind: hub.KindWebhook, Status: hub.WebhookStatus(status)}, page)
	if err != nil {
		return err
	}
	last := ""
	if len(ws) > 0 {
		last = ws[len(ws)-1].ID
	}
	return sendList(s, c, ws, more, last, status)
}

// loadWebhook reads :id and the caller's webhook with that ID.
func (s *Server) loadWebhook(c *fiber.Ctx) (hub.Webhook, error) {
	id, err := webhookID(c)
	if err != nil {
		return hub.Webhook{}, err
	}
	w, err := s.webhookStore().GetWebhook(c.UserContext(), principal(c).AccountID, id)
	if err != nil {
		return hub.Webhook{}, err
	}
	if w.Kind != hub.KindWebhook {
		return hub.Webhook{}, hub.Errorf(hub.ENotFound, "webhook not found")
	}
	return w, nil
}

func (s *Server) getWebhook(c *fiber.Ctx) error {
	w, err := s.loadWebhook(c)
	if err != nil {
		return err
	}
	return sendJSON(c, fiber.StatusOK, w)
}

func (s *Server) updateWebhook(c *fiber.Ctx) error {
	cur, err := s.loadWebhook(c)
	if err != nil {
		return err
	}
	var in webhookInput
	if err := decodeJSON(c, &in, false); err != nil {
		return err
	}
	if in.Secret != nil {
		return hub.Invalid(hub.FieldError{Field: "secret", Message: "cannot be changed here; use POST /v1/webhooks/{id}/rotate-secret"})
	}
	fields, err := fieldsOf(c)
	if err != nil {
		return err
	}
	clearJob := string(fields["job_id"]) == "null"
	if string(fields["url"]) == "null" || string(fields["events"]) == "null" || string(fields["description"]) == "null" {
		return hub.Invalid(hub.FieldError{Field: firstNull(fields, "url", "events", "description"), Message: "cannot be null"})
	}
	next := cur
	if err := s.checkWebhookInput(c, in, clearJob, &next); err != nil {
		return err
	}
	urlChanged := next.URL != cur.URL
	w, err := s.webhookStore().UpdateWebhook(c.UserContext(), cur.AccountID, cur.ID, func(w *hub.Webhook) error {
		w.URL, w.Events, w.JobID, w.Description = next.URL, next.Events, next.JobID, next.Description
		if w.URL != cur.URL && w.Status != hub.WebhookDisabled {
			w.Status, w.StatusReason = hub.WebhookPendingValidation, nil
		}
		return nil
	})
	if err != nil {
		return err
	}
	if urlChanged && w.Status == hub.WebhookPendingValidation {
		if w, err = s.validate(c, w); err != nil {
			return err
		}
	}
	return sendJSON(c, fiber.StatusOK, w)
}

func firstNull(fields map[string]json.RawMessage, names ...string) string {
	for _, n := range names {
		if string(fields[n]) == "null" {
			return n
		}
	}
	return ""
}

func (s *Server) deleteWebhook(c *fiber.Ctx) error {
	w, err := s.loadWebhook(c)
	if err != nil {
		return err
	}
	if err := s.webhookStore().DeleteWebhook(c.UserContext(), w.AccountID, w.ID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// enableWebhook validates the endpoint again (it may have been disabled
// because it was gone) and, on a 2xx, makes it active: its waiting
// deliveries then resume.
func (s *Server) enableWebhook(c *fiber.Ctx) error {
	cur, err := s.loadWebhook(c)
	if err != nil {
		return err
	}
	if cur.Status == hub.WebhookActive {
		return sendJSON(c, fiber.StatusOK, cur)
	}
	w, err := s.webhookStore().UpdateWebhook(c.UserContext(), cur.AccountID, cur.ID, func(w *hub.Webhook) error {
		w.Status, w.StatusReason, w.DisabledAt, w.FailingSince = hub.WebhookPendingValidation, nil, hub.Time{}, hub.Time{}
		return nil
	})
	if err != nil {
		return err
	}
	if w, err = s.validate(c, w); err != nil {
		return err
	}
	s.notifyEvents()
	return sendJSON(c, fiber.StatusOK, w)
}

func (s *Server) disableWebhook(c *fiber.Ctx) error {
	cur, err := s.loadWebhook(c)
	if err != nil {
		return err
	}
	reason := "disabled by " + principal(c).Actor()
	w, err := s.webhookStore().UpdateWebhook(c.UserContext(), cur.AccountID, cur.ID, func(w *hub.Webhook) error {
		if w.Status != hub.WebhookDisabled {
			w.Status, w.StatusReason, w.DisabledAt = hub.WebhookDisabled, &reason, hub.Now()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return sendJSON(c, fiber.StatusOK, w)
}

func (s *Server) validateWebhook(c *fiber.Ctx) error {
	w, err := s.loadWebhook(c)
	if err != nil {
		return err
	}
	if w.Status == hub.WebhookDisabled {
		return hub.Errorf(hub.EConflict, "the webhook is disabled; enable it, which validates it")
	}
	if s.dispatcher == nil {
		return hub.Errorf(hub.EUnavailable, "webhook sending is not running on this hub")
	}
	if w, err = s.validate(c, w); err != nil {
		return err
	}
	return sendJSON(c, fiber.StatusOK, w)
}

// secretResponse reveals the current secret and when the previous one
// stops signing.
type secretResponse struct {
	Secret                  string   `json:"secret"`
	PreviousSecretExpiresAt hub.Time `json:"previous_secret_expires_at"`
}

func (s *Server) getWebhookSecret(c *fiber.Ctx) error {
	w, err := s.loadWebhook(c)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return sendJSON(c, fiber.StatusOK, secretResponse{Secret: w.Secret, PreviousSecretExpiresAt: activeUntil(w)})
}

func activeUntil(w hub.Webhook) hub.Time {
	if w.PreviousSecret == "" || !time.Now().Before(w.PreviousExpiresAt.Time) {
		return hub.Time{}
	}
	return w.PreviousExpiresAt
}

func (s *Server) rotateWebhookSecret(c *fiber.Ctx) error {
	cur, err := s.loadWebhook(c)
	if err != nil {
		return err
	}
	var in struct {
		Secret *string `json:"secret"`
	}
	if err := decodeJSON(c, &in, true); err != nil {
		return err
	}
	var sec string
	if in.Secret != nil {
		if _, err := webhook.ParseSecret(*in.Secret); err != nil {
			return hub.Invalid(hub.FieldError{Field: "secret", Message: err.Error()})
		}
		if *in.Secret == cur.Secret {
			return hub.Invalid(hub.FieldError{Field: "secret", Message: "is the current secret; send a new one or none to have one generated"})
		}
		sec = *in.Secret
	} else if sec, err = webhook.GenerateSecret(); err != nil {
		return err
	}
	w, err := s.webhookStore().RotateWebhookSecret(c.UserContext(), cur.AccountID, cur.ID, sec, hub.TimeOf(time.Now().Add(SecretOverlap)))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return sendJSON(c, fiber.StatusOK, secretResponse{Secret: w.Secret, PreviousSecretExpiresAt: w.PreviousExpiresAt})
}

func (s *Server) testWebhook(c *fiber.Ctx) error {
	w, err := s.loadWebhook(c)
	if err != nil {
		return err
	}
	var in struct {
		EventType *string `json:"event_type"`
	}
	if err := decodeJSON(c, &in, true); err != nil {
		return err
	}
	typ := hub.EventCandidateCreated
	if len(w.Events) > 0 {
		typ = w.Events[0]
	}
	if in.EventType != nil {
		if !hub.ValidEventType(*in.EventType) {
			return hub.Invalid(hub.FieldError{Field: "event_type", Message: "unknown event type; use one of " + strings.Join(hub.EventTypes, ", ")})
		}
		typ = *in.EventType
	}
	if s.dispatcher == nil {
		return hub.Errorf(hub.EUnavailable, "webhook sending is not running on this hub")
	}
	d, err := s.dispatcher.SendTest(c.UserContext(), w, typ)
	if err != nil {
		return err
	}
	return sendJSON(c, fiber.StatusOK, d)
}
