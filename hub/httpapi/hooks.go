package httpapi

import (
	"context"
	"encoding/json"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/webhook"
)

// TriggerStore is what polling triggers and samples read; *store.Store
// implements it. REST hooks themselves are webhook endpoints of kind hook
// and use WebhookStore.
type TriggerStore interface {
	PollEvents(ctx context.Context, accountID string, q store.PollQuery) ([]hub.Event, error)
	LatestEvent(ctx context.Context, accountID, eventType string) (hub.Event, error)
}

// triggerRoutes lists the routes Zapier, Make and n8n start workflows
// from: REST hooks (hooks.go), polling triggers and samples (triggers.go).
func (s *Server) triggerRoutes() []Route {
	const tag = "REST hooks"
	return append([]Route{
		{Method: "GET", Path: "/v1/hooks", Access: AnyCaller, Summary: "List REST hooks, newest first", Tag: tag,
			Response: "list:hook", Query: paging, handler: s.listHooks},
		{Method: "POST", Path: "/v1/hooks", Access: AnyCaller, JSON: true, Status: fiber.StatusCreated, Tag: tag,
			Summary: "Subscribe a URL to an event type (active at once; deliveries carry the trigger item)",
			Request: "hook_create", Response: "hook", handler: s.subscribeHook},
		{Method: "GET", Path: "/v1/hooks/:id", Access: AnyCaller, Summary: "Get a REST hook", Tag: tag,
			Response: "hook", handler: s.getHook},
		{Method: "DELETE", Path: "/v1/hooks/:id", Access: AnyCaller, Status: fiber.StatusNoContent, Tag: tag,
			Summary: "Unsubscribe a REST hook (204 again when it is already gone)", handler: s.unsubscribeHook},
	}, s.pollingRoutes()...)
}

// hookView is a REST hook as the API shows it: the shape Zapier, Make and
// n8n store. The secret is only in the creation response.
type hookView struct {
	ID        string      `json:"id"`
	TargetURL string      `json:"target_url"`
	Event     string      `json:"event"`
	Filters   hookFilters `json:"filters"`
	Secret    string      `json:"secret,omitempty"`
	CreatedAt hub.Time    `json:"created_at"`
}

// hookFilters are a hook's extra conditions; only job_id exists so far.
type hookFilters struct {
	JobID *string `json:"job_id,omitempty"`
}

func viewHook(w hub.Webhook) hookView {
	v := hookView{ID: w.ID, TargetURL: w.URL, Filters: hookFilters{JobID: w.JobID}, CreatedAt: w.CreatedAt}
	if len(w.Events) > 0 {
		v.Event = w.Events[0]
	}
	return v
}

// hookInput is the body of POST /v1/hooks, already checked against
// hook_create.
type hookInput struct {
	TargetURL string       `json:"target_url"`
	Event     string       `json:"event"`
	Filters   *hookFilters `json:"filters"`
}

// keyOrAdmin refuses member tokens on the routes that change hooks: API
// keys (the platforms) and admins may subscribe and unsubscribe, members
// only read.
func keyOrAdmin(c *fiber.Ctx) error {
	if p := principal(c); p.KeyID == "" && p.Role != hub.RoleAdmin {
		return hub.Errorf(hub.EForbidden, "only API keys and account admins can change REST hooks")
	}
	return nil
}

// hookFieldNames maps the webhook checks' field names to the hook body's.
var hookFieldNames = map[string]string{"url": "target_url", "events.0": "event", "job_id": "filters.job_id"}

func (s *Server) subscribeHook(c *fiber.Ctx) error {
	if err := keyOrAdmin(c); err != nil {
		return err
	}
	var in hookInput
	if err := bind(c, "hook_create", &in); err != nil {
		return err
	}
	now := hub.Now()
	w := hub.Webhook{ID: hub.NewID(hub.PrefixHook), AccountID: principal(c).AccountID, Kind: hub.KindHook,
		Status: hub.WebhookActive, Description: "REST hook created by " + principal(c).Actor(), CreatedAt: now, UpdatedAt: now}
	check := webhookInput{URL: &in.TargetURL, Events: &[]string{in.Event}}
	if in.Filters != nil {
		check.JobID = in.Filters.JobID
	}
	// The webhook rules apply as they are (https only unless the operator
	// allows private targets, SSRF ranges, the job must be the account's),
	// reported under the hook body's field names.
	if err := s.checkWebhookInput(c, check, false, &w); err != nil {
		fields := hub.ErrorFields(err)
		if len(fields) == 0 {
			return err
		}
		for i, f := range fields {
			if n, ok := hookFieldNames[f.Field]; ok {
				fields[i].Field = n
			}
		}
		return hub.Invalid(fields...)
	}
	filters, err := json.Marshal(hookFilters{JobID: w.JobID})
	if err != nil {
		return err
	}
	w.Filters = filters
	if w.Secret, err = webhook.GenerateSecret(); err != nil {
		return err
	}
	if err := s.webhookStore().CreateWebhook(c.UserContext(), w); err != nil {
		return err
	}
	v := viewHook(w)
	v.Secret = w.Secret
	c.Set(fiber.HeaderLocation, "/v1/hooks/"+w.ID)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return sendJSON(c, fiber.StatusCreated, v)
}

func (s *Server) listHooks(c *fiber.Ctx) error {
	page, err := s.page(c)
	if err != nil {
		return err
	}
	ws, more, err := s.webhookStore().ListWebhooks(c.UserContext(), principal(c).AccountID, store.WebhookFilter{Kind: hub.KindHook}, page)
	if err != nil {
		return err
	}
	out := make([]hookView, 0, len(ws))
	for _, w := range ws {
		out = append(out, viewHook(w))
	}
	last := ""
	if len(ws) > 0 {
		last = ws[len(ws)-1].ID
	}
	return sendList(s, c, out, more, last)
}

// hookID reads :id, answering 404 for anything that is not a hook ID.
func hookID(c *fiber.Ctx) (string, error) {
	id := c.Params("id")
	if !hub.ValidID(hub.PrefixHook, id) {
		return "", hub.Errorf(hub.ENotFound, "hook not found")
	}
	return id, nil
}

func (s *Server) getHook(c *fiber.Ctx) error {
	id, err := hookID(c)
	if err != nil {
		return err
	}
	w, err := s.webhookStore().GetWebhook(c.UserContext(), principal(c).AccountID, id)
	if hub.ErrorCode(err) == hub.ENotFound || (err == nil && w.Kind != hub.KindHook) {
		return hub.Errorf(hub.ENotFound, "hook not found")
	}
	if err != nil {
		return err
	}
	return sendJSON(c, fiber.StatusOK, viewHook(w))
}

// unsubscribeHook deletes the hook and its delivery log. A hook that is
// already gone (deleted before, or by a 410 from its target) answers 204
// too: platforms retry unsubscribes and must not see an error for one
// that worked.
func (s *Server) unsubscribeHook(c *fiber.Ctx) error {
	if err := keyOrAdmin(c); err != nil {
		return err
	}
	id, err := hookID(c)
	if err != nil {
		return err
	}
	err = s.webhookStore().DeleteWebhook(c.UserContext(), principal(c).AccountID, id)
	if err != nil && hub.ErrorCode(err) != hub.ENotFound {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
