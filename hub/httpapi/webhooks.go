package httpapi

import (
	"context"
	"encoding/json"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/endpoints"
	"github.com/visage-jobs/visage-hub/hub/store"
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
}

// Dispatcher is what the API needs from the webhook dispatcher
// (*dispatch.Dispatcher): sending validation challenges and test events
// within a request. Waking it after writes is the store's part
// (store.SubscribeDue), so every writer is covered, the API or not.
type Dispatcher interface {
	Validate(ctx context.Context, w hub.Webhook) (hub.Webhook, error)
	SendTest(ctx context.Context, w hub.Webhook, eventType string) (hub.Delivery, error)
}

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

func (in webhookInput) rules() endpoints.Input {
	return endpoints.Input{URL: in.URL, Events: in.Events, JobID: in.JobID, Description: in.Description, Secret: in.Secret}
}

// webhookStore returns the store's webhook side.
func (s *Server) webhookStore() WebhookStore { return s.store }

// endpointRules are the webhook rules shared with the settings page.
func (s *Server) endpointRules() *endpoints.Manager {
	m := &endpoints.Manager{Store: s.store, Policy: s.cfg.AllowPrivateTargets}
	if s.dispatcher != nil {
		m.Dispatcher = s.dispatcher
	}
	return m
}

func (s *Server) createWebhook(c *fiber.Ctx) error {
	var in webhookInput
	if err := decodeJSON(c, &in, false); err != nil {
		return err
	}
	w, err := s.endpointRules().Create(c.UserContext(), principal(c).AccountID, in.rules())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/v1/webhooks/"+w.ID)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return sendJSON(c, fiber.StatusCreated, webhookWithSecret{Webhook: w, Secret: w.Secret})
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
	return s.endpointRules().Get(c.UserContext(), principal(c).AccountID, c.Params("id"))
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
	if string(fields["url"]) == "null" || string(fields["events"]) == "null" || string(fields["description"]) == "null" {
		return hub.Invalid(hub.FieldError{Field: firstNull(fields, "url", "events", "description"), Message: "cannot be null"})
	}
	rules := in.rules()
	rules.ClearJob = string(fields["job_id"]) == "null"
	w, err := s.endpointRules().Update(c.UserContext(), cur, rules)
	if err != nil {
		return err
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
	if err := s.endpointRules().Delete(c.UserContext(), w); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) enableWebhook(c *fiber.Ctx) error {
	cur, err := s.loadWebhook(c)
	if err != nil {
		return err
	}
	w, err := s.endpointRules().Enable(c.UserContext(), cur)
	if err != nil {
		return err
	}
	return sendJSON(c, fiber.StatusOK, w)
}

func (s *Server) disableWebhook(c *fiber.Ctx) error {
	cur, err := s.loadWebhook(c)
	if err != nil {
		return err
	}
	w, err := s.endpointRules().Disable(c.UserContext(), cur, principal(c).Actor())
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
	if w, err = s.endpointRules().Revalidate(c.UserContext(), w); err != nil {
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
	return sendJSON(c, fiber.StatusOK, secretResponse{Secret: w.Secret, PreviousSecretExpiresAt: s.endpointRules().PreviousSecretExpiresAt(w)})
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
	w, err := s.endpointRules().Rotate(c.UserContext(), cur, in.Secret)
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
	typ := endpoints.DefaultTestEvent(w)
	if in.EventType != nil {
		typ = *in.EventType
	}
	d, err := s.endpointRules().SendTest(c.UserContext(), w, typ)
	if err != nil {
		return err
	}
	return sendJSON(c, fiber.StatusOK, d)
}
